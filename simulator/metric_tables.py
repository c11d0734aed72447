"""The metric tables' common ground: their columns, reading an event kind's table (typed and
empty when the log has none), the venues that opened, traded values and JSON-safe numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from simulator import events as ev

Tables = Mapping[str, pd.DataFrame]
ALL = "ALL"
KEYS = ["venue", "asset"]
ORDER_KEYS = ["venue", "asset", "side", "order_id"]
FEE_KEYS = ["payer_type", "payee_type", "payee", "venue"]
_DTYPES = {"int": "int64", "float": "float64", "bool": "bool"}
LATENCY_STATS = ["mean", "p50", "p95", "p99"]
LATENCIES = ("order_to_match", "match_to_settle")

# fmt: off
COLUMNS: dict[str, list[str]] = {  # the columns of each table of `all_metrics`, in order
    "fees": [*FEE_KEYS, "krw", "bps_of_settled_value", "count"],
    "fees_by_party": [
        "party_type", "paid_krw", "received_krw", "paid_trading_krw", "settled_value", "paid_bps",
    ],
    "fees_by_segment": [
        "segment", "fee_kind", "payer_type", "payee_type", "krw", "count", "one_off",
        "bps_of_payer_settled_value",
    ],
    "liquidity": [
        *KEYS, "quoted_spread_bps", "effective_spread_bps", "depth_at_best", "two_sided_share",
        "trade_count", "traded_quantity", "traded_value", "turnover", "amihud", "fill_rate",
    ],
    "settlement": [
        "venue", *[f"{m}_{s}" for m in LATENCIES for s in LATENCY_STATS],
        "settled", "failed", "fail_rate",
    ],
    "settlement_fails": ["venue", "rule_id", "reason", "count"],
    "market_shares": ["asset", "venue", "settled_value", "share", "hhi"],
    "investor_outcomes": [
        "investor_class", "investors", "start_wealth", "end_wealth", "pnl", "pnl_pct",
        "traded_value", "fees_paid", "refusals",
    ],
    "refusals": ["rule_id", "stage", "count"],
    # venue competition and liquidity provision (simulator/competition.py)
    "share_paths": ["day", "venue", "traded_value", "share", "hhi"],
    "spreads": ["venue", "asset", "quoted_spread_bps", "cum_fee_spread_bps"],
    "consolidated": ["asset", "consolidated_spread_bps", "mid_dispersion_bps"],
    "venue_pnl": ["venue", "fee_revenue_krw", "operating_cost_krw", "entry_cost_krw", "pnl_krw"],
    "liquidity_providers": [
        "agent", "role", "asset", "mean_inventory", "max_inventory", "pnl_krw",
    ],
    # price efficiency (simulator/efficiency.py)
    "efficiency": [
        "asset", "affiliated", "trades", "mean_premium_bps", "mean_abs_error_bps",
        "half_life_days", "variance_ratio_5d",
    ],
    "value_outcomes": ["investor_class", "investors", "pnl_at_value_krw", "pnl_at_value_pct"],
    "news": ["t", "asset", "move_pct", "krx_hours", "hours_to_half", "incorporated"],
}
# fmt: on


def _table(tables: Tables, event_type: type[ev.Event]) -> pd.DataFrame:
    """The event kind's table; when missing or empty, an empty one with typed columns."""
    table = tables.get(event_type.kind)
    if table is not None and len(table) > 0:
        return table
    return pd.DataFrame(
        {f.name: pd.Series(dtype=_DTYPES.get(str(f.type), "object")) for f in fields(event_type)}
    )


def _opened(tables: Tables) -> set[str]:
    """Venues that opened for business: they appear in every per-venue table, even at zero."""
    opened = _table(tables, ev.VenueOpened)
    return set(opened.loc[opened["entered"].astype(bool), "venue"])


def _traded(tables: Tables) -> pd.DataFrame:
    """Matched trades with their KRW value (quantity * price)."""
    trades = _table(tables, ev.TradeMatched)
    return trades.assign(value=trades["quantity"] * trades["price"])


def _num(value: Any, digits: int = 6) -> int | float | None:
    """A JSON-safe number: ints as int, floats to `digits` significant digits, NaN as None."""
    if value is None or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    number = float(value)
    return float(f"{number:.{digits}g}") if math.isfinite(number) else None
