"""The headline figures of a run's summary: their labels, units and how to print them. One list,
used by the terminal tables, the HTML reports, the charts and study files (metric names)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Headline:
    key: str  # the summary key (flattened: "market_share.NXT")
    label: str
    unit: str  # "KRW", "bps", "s", "trades", ...; "" for a pure number
    digits: int = 0

    @property
    def title(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


HEADLINES: tuple[Headline, ...] = (
    Headline("traded_value_krw", "traded value", "KRW"),
    Headline("total_settled_value_krw", "settled value", "KRW"),
    Headline("trade_count", "trades matched", "trades"),
    Headline("fees_krw", "all fees (trading and one-off)", "KRW"),
    Headline("trading_fees_krw", "trading fees", "KRW"),
    Headline("one_off_fees_krw", "one-off fees (listing, underwriting, registration)", "KRW"),
    Headline("fees_bps", "trading fees per side", "bps of settled value", 1),
    Headline("hhi", "HHI of venue shares", "0-10,000"),
    Headline("quoted_spread_bps_mean", "quoted spread", "bps", 1),
    Headline("effective_spread_bps_mean", "effective spread", "bps", 1),
    Headline("order_to_match_mean_s", "order to match, mean", "s"),
    Headline("match_to_settle_mean_s", "match to settlement, mean", "s"),
    Headline("match_to_settle_p95_s", "match to settlement, p95", "s"),
    Headline("settlement_fails", "settlement fails", "trades"),
    Headline("pending_trades", "trades still pending at the end", "trades"),
    Headline("cum_fee_spread_bps_mean", "cum-fee spread (quoted + taker fees)", "bps", 1),
    Headline("consolidated_spread_bps_mean", "consolidated spread (best of venues)", "bps", 1),
    Headline("hhi_first_week", "HHI, first week", "0-10,000"),
    Headline("hhi_last_week", "HHI, last week", "0-10,000"),
    Headline("time_to_tip_day", "time to tip (leader above 80%)", "day"),
    Headline("trade_through_share", "trades through a better price elsewhere", "%"),
    Headline("pricing_error_bps_mean", "mean |price - value|", "bps of value", 1),
    Headline("affiliated_premium_bps", "premium of affiliated tokens over value", "bps", 1),
    Headline("independent_premium_bps", "premium of other tokens over value", "bps", 1),
    Headline(
        "news_hours_to_incorporate_off_hours", "off-hours news: time until half in prices", "h", 1
    ),
    Headline("news_unincorporated", "news not in prices before the next news or the end", "news"),
)
BY_KEY = {h.key: h for h in HEADLINES}
PREFIXES = {
    "market_share.": ("market share", "%"),
    "last_week_share.": ("share of the last week", "%"),
    "venue_pnl_krw.": ("venue P&L (KRW)", ""),
    "fees_by_segment_krw.": ("fees (KRW), segment", ""),
    "investor_pnl_at_value_krw.": ("P&L at true value (KRW)", ""),
    "refusals.": ("refusals", ""),
}


def headline(key: str) -> Headline:
    """The headline of a summary key, also for per-venue shares and per-rule refusals."""
    if key in BY_KEY:
        return BY_KEY[key]
    for prefix, (label, unit) in PREFIXES.items():
        if key.startswith(prefix):
            return Headline(key, f"{label} {key[len(prefix) :]}", unit, 3 if unit == "%" else 0)
    return Headline(key, key.replace("_", " "), "")


def duration(seconds: float) -> str:
    """A duration in hours or days beside the seconds: 333,344 s -> "333,344 s (3.9 d)"."""
    text = f"{seconds:,.0f} s"
    size = abs(seconds)
    if size >= 86_400:
        return f"{text} ({seconds / 86_400:,.1f} d)"
    if size >= 3_600:
        return f"{text} ({seconds / 3_600:,.1f} h)"
    return text


def fmt(value: Any, head: Headline, signed: bool = False) -> str:
    """A figure for people: thousands separators, the headline's digits, durations in h or d."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if not isinstance(value, int | float):
        return str(value)
    if head.unit == "s":
        text = duration(float(value))
        return f"+{text}" if signed and value > 0 else text
    if head.unit == "%":  # shares are stored as fractions; their differences are points
        return f"{value * 100:+.1f} pp" if signed else f"{value:.1%}"
    sign = "+" if signed else ""
    digits = head.digits
    if digits == 0 and isinstance(value, float) and abs(value) < 10 and value != round(value):
        digits = 1  # a mean of counts: "-0.2", not "-0"
    return f"{value:{sign},.{digits}f}"


def known(key: str) -> bool:
    """Whether a study or chart may name this metric."""
    return key in BY_KEY or any(key.startswith(p) and len(key) > len(p) for p in PREFIXES)
