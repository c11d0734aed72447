"""Metrics of a run: pure functions from the event tables (`EventLog.tables()`) to DataFrames.

Fees (KRW and bps of settled value), liquidity per venue and asset (spreads, depth, volume,
turnover, Amihud illiquidity, fill rates), settlement latencies and fails, venue market shares
with the HHI, outcomes per investor class, refusals by rule and stage; `all_metrics` gathers the
tables and `summary` digests them into a small JSON-serialisable dict of headline figures.

No I/O, no randomness; rows are sorted by their grouping keys ("ALL" rows come last). A missing
or empty table is read as an empty one with its event's columns, so nothing raises on an empty
log: the result is then an empty frame with its columns, or NaN values.

"Traded value" means one thing everywhere: the matched value, quantity * price of every matched
trade (settled or not); settled value is named as such. Trading fees (maker/taker) are charged
when a trade settles, so their bps are of settled value; they are kept apart from one-off fees
(listing, underwriting), which no trade explains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from simulator import events as ev
from simulator.fee_stack import ONE_OFF, PER_TRADE, SEGMENT

Tables = Mapping[str, pd.DataFrame]
ALL = "ALL"
KEYS = ["venue", "asset"]
ORDER_KEYS = ["venue", "asset", "side", "order_id"]
FEE_KEYS = ["payer_type", "payee_type", "payee", "venue"]
_DTYPES = {"int": "int64", "float": "float64", "bool": "bool"}
_STATS = ["mean", "p50", "p95", "p99"]

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
        "venue", *[f"{m}_{s}" for m in ("order_to_match", "match_to_settle") for s in _STATS],
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


TRADING_FEES = PER_TRADE  # charged on every trade; the rest are one-off or periodic fees


def _settled_value(tables: Tables) -> float:
    """Total settled value of all trades (KRW); NaN when nothing settled."""
    total = float(_table(tables, ev.TradeSettled)["value"].sum())
    return total if total > 0 else math.nan


def _party_value(tables: Tables, settled: bool = False) -> pd.Series:
    """Traded (or only settled) value per party type ("investor:<class>"), both sides of every
    trade it took."""
    trades = _traded(tables)
    if settled:
        trades = trades[trades["trade_id"].isin(_table(tables, ev.TradeSettled)["trade_id"])]
    sides = [trades.groupby(f"{side}_class")["value"].sum() for side in ("buyer", "seller")]
    traded = pd.concat(sides).groupby(level=0).sum()
    return traded.rename(index=lambda c: f"investor:{c}")


def _traded(tables: Tables) -> pd.DataFrame:
    """Matched trades with their KRW value (quantity * price)."""
    trades = _table(tables, ev.TradeMatched)
    return trades.assign(value=trades["quantity"] * trades["price"])


def fees(tables: Tables) -> pd.DataFrame:
    charged = _table(tables, ev.FeeCharged)
    out = charged.groupby(FEE_KEYS, as_index=False).agg(
        krw=("amount", "sum"), count=("amount", "size")
    )
    out["bps_of_settled_value"] = out["krw"] / _settled_value(tables) * 1e4
    return out[COLUMNS["fees"]].reset_index(drop=True)


def fees_by_party(tables: Tables) -> pd.DataFrame:
    """Per party type: all fees paid and received, and the trading fees it paid in bps of its
    own settled value (NaN for a party that does not trade, such as an issuer)."""
    charged = _table(tables, ev.FeeCharged)
    trading = charged[charged["fee_kind"].isin(TRADING_FEES)]
    out = pd.DataFrame(
        {
            "paid_krw": charged.groupby("payer_type")["amount"].sum(),
            "received_krw": charged.groupby("payee_type")["amount"].sum(),
            "paid_trading_krw": trading.groupby("payer_type")["amount"].sum(),
        }
    )
    out = out.fillna(0).astype("int64").rename_axis("party_type").sort_index()
    own = _party_value(tables, settled=True).reindex(out.index).fillna(0).astype("int64")
    out["settled_value"] = own
    out["paid_bps"] = out["paid_trading_krw"] / own.where(own > 0).astype(float) * 1e4
    return out.reset_index()[COLUMNS["fees_by_party"]]


def fees_by_segment(tables: Tables) -> pd.DataFrame:
    """Every fee by segment of the stack (issuance, distribution, settlement, custody, tax),
    kind, payer and payee type; trading fees in bps of the payer's own settled value."""
    charged = _table(tables, ev.FeeCharged)
    out = charged.groupby(["fee_kind", "payer_type", "payee_type"], as_index=False).agg(
        krw=("amount", "sum"), count=("amount", "size")
    )
    out["segment"] = out["fee_kind"].map(SEGMENT).fillna("other")
    out["one_off"] = out["fee_kind"].isin(ONE_OFF)
    own = out["payer_type"].map(_party_value(tables, settled=True)).astype(float)
    out["bps_of_payer_settled_value"] = (out["krw"] / own.where(own > 0) * 1e4).where(
        ~out["one_off"]
    )
    out = out.sort_values(["segment", "fee_kind", "payer_type", "payee_type"], kind="stable")
    return out[COLUMNS["fees_by_segment"]].reset_index(drop=True)


def _quote_stats(quotes: pd.DataFrame) -> pd.DataFrame:
    bid, ask = quotes["best_bid"].astype(float), quotes["best_ask"].astype(float)
    two_sided = (bid > 0) & (ask > 0)
    frame = quotes.assign(
        spread=((ask - bid) / ((ask + bid) / 2) * 1e4).where(two_sided),
        two_sided=two_sided.astype(float),
        depth=(quotes["bid_depth"] + quotes["ask_depth"]).astype(float),
    )
    return frame.groupby(KEYS).agg(
        quoted_spread_bps=("spread", "mean"),
        depth_at_best=("depth", "mean"),
        two_sided_share=("two_sided", "mean"),
    )


def _amihud(trades: pd.DataFrame, day_seconds: int) -> float:
    """Mean over days with a previous trading day of |return| per million KRW traded."""
    ordered = trades.sort_values("t", kind="stable")
    daily = ordered.assign(day=ordered["t"] // day_seconds).groupby("day")
    close, volume = daily["price"].last().astype(float), daily["value"].sum().astype(float)
    if len(close) < 2:
        return math.nan
    ratio = (close / close.shift() - 1).abs() / volume.where(volume > 0) * 1e6
    return float(ratio.iloc[1:].mean())


def _trade_stats(trades: pd.DataFrame, day_seconds: int) -> pd.DataFrame:
    price, mid = trades["price"].astype(float), trades["mid_before"].astype(float)
    usable = np.isfinite(mid) & (mid > 0)
    frame = trades.assign(effective=(2 * (price - mid).abs() / mid * 1e4).where(usable))
    grouped = frame.groupby(KEYS)
    out = grouped.agg(
        effective_spread_bps=("effective", "mean"),
        trade_count=("trade_id", "size"),
        traded_quantity=("quantity", "sum"),
        traded_value=("value", "sum"),
    )
    out["amihud"] = [_amihud(group, day_seconds) for _, group in grouped]
    return out


def _fill_rates(orders: pd.DataFrame, trades: pd.DataFrame) -> pd.Series:
    """Per (venue, asset): quantity matched of the submitted orders over quantity submitted."""
    buys = trades.assign(side="buy", order_id=trades["buy_order_id"])
    sells = trades.assign(side="sell", order_id=trades["sell_order_id"])
    filled = pd.concat([buys, sells]).groupby(ORDER_KEYS)["quantity"].sum().rename("filled")
    orders = orders.merge(filled.reset_index(), how="left", on=ORDER_KEYS).fillna({"filled": 0})
    sums = orders.groupby(KEYS)[["filled", "quantity"]].sum()
    return sums["filled"] / sums["quantity"].where(sums["quantity"] > 0)


def liquidity(tables: Tables, day_seconds: int = 86_400) -> pd.DataFrame:
    trades = _traded(tables)
    listed = _table(tables, ev.ListingDecided)
    listed = listed[listed["accepted"].astype(bool)]
    pairs = pd.MultiIndex.from_frame(listed[KEYS].drop_duplicates()) if len(listed) else None
    out = _quote_stats(_table(tables, ev.QuoteSnapshot)).join(
        _trade_stats(trades, day_seconds), how="outer"
    )
    if pairs is not None:  # every listed book has a row, traded or not
        out = out.reindex(out.index.union(pairs))
    counts = ["trade_count", "traded_quantity", "traded_value"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out = out.reset_index().sort_values(KEYS, kind="stable").reset_index(drop=True)
    assets = _table(tables, ev.AssetIssued)
    base = assets["outstanding"].where(assets["outstanding"] > 0, assets["total_quantity"])
    issued = base.groupby(assets["asset"]).sum()  # turnover on units outstanding, not registered
    total = out["asset"].map(issued).astype(float)
    out["turnover"] = out["traded_quantity"] / total.where(total > 0)
    rates = _fill_rates(_table(tables, ev.OrderSubmitted), trades)
    out["fill_rate"] = rates.reindex(pd.MultiIndex.from_frame(out[KEYS])).to_numpy(dtype=float)
    return out[COLUMNS["liquidity"]]


def _latencies(tables: Tables) -> pd.DataFrame:
    """Per matched trade: `order_to_match` (t_match minus the earlier of its two orders'
    submission times; NaN unless both are known) and `match_to_settle`."""
    trades = _table(tables, ev.TradeMatched)
    submitted = _table(tables, ev.OrderSubmitted).groupby(ORDER_KEYS, as_index=False)["t"].min()
    for side in ("buy", "sell"):
        times = submitted[submitted["side"] == side].drop(columns="side")
        times = times.rename(columns={"order_id": f"{side}_order_id", "t": f"t_{side}"})
        trades = trades.merge(times, how="left", on=[*KEYS, f"{side}_order_id"])
    first = trades[["t_buy", "t_sell"]].astype(float).min(axis=1, skipna=False)
    settled_at = _table(tables, ev.TradeSettled).groupby("trade_id")["t"].min()
    return trades.assign(
        order_to_match=trades["t"] - first,
        match_to_settle=trades["trade_id"].map(settled_at).astype(float) - trades["t"],
    )


def _describe(values: pd.Series, name: str) -> dict[str, float]:
    data = values.dropna().to_numpy(dtype=float)
    if len(data) == 0:
        return {f"{name}_{s}": math.nan for s in _STATS}
    p50, p95, p99 = np.percentile(data, [50, 95, 99])
    stats = [data.mean(), p50, p95, p99]
    return {f"{name}_{s}": float(v) for s, v in zip(_STATS, stats, strict=True)}


def _of(frame: pd.DataFrame, venue: str) -> pd.DataFrame:
    return frame if venue == ALL else frame[frame["venue"] == venue]


def _settlement_row(venue: str, lat: pd.DataFrame, settled: int, failed: int) -> dict[str, Any]:
    return {
        "venue": venue,
        **_describe(lat["order_to_match"], "order_to_match"),
        **_describe(lat["match_to_settle"], "match_to_settle"),
        "settled": settled,
        "failed": failed,
        "fail_rate": failed / (settled + failed) if settled + failed else math.nan,
    }


def settlement(tables: Tables) -> pd.DataFrame:
    """Latencies and settlement counts per venue, then over all venues (venue "ALL")."""
    lat = _latencies(tables)
    settled, failed = _table(tables, ev.TradeSettled), _table(tables, ev.TradeFailed)
    venues = sorted(
        set(lat["venue"]) | set(settled["venue"]) | set(failed["venue"]) | _opened(tables)
    )
    rows = [
        _settlement_row(v, _of(lat, v), len(_of(settled, v)), len(_of(failed, v)))
        for v in [*venues, ALL]
    ]
    return pd.DataFrame(rows, columns=COLUMNS["settlement"])


def settlement_fails(tables: Tables) -> pd.DataFrame:
    failed = _table(tables, ev.TradeFailed)
    counts = failed.groupby(["venue", "rule_id", "reason"]).size().rename("count")
    return counts.reset_index()[COLUMNS["settlement_fails"]]


def market_shares(tables: Tables) -> pd.DataFrame:
    settled = _table(tables, ev.TradeSettled)
    opened = _table(tables, ev.VenueOpened)
    venues = sorted(
        set(opened.loc[opened["entered"].astype(bool), "venue"]) | set(settled["venue"])
    )
    assets = sorted(set(_table(tables, ev.AssetIssued)["asset"]) | set(settled["asset"]))
    every = pd.MultiIndex.from_product([assets, venues], names=["asset", "venue"])
    per_asset = settled.groupby(["asset", "venue"])["value"].sum().reindex(every, fill_value=0)
    per_asset = per_asset.reset_index()  # venues that traded nothing keep a row (share 0)
    overall = per_asset.groupby("venue", as_index=False)["value"].sum().assign(asset=ALL)
    out = pd.concat([per_asset, overall], ignore_index=True)
    out = out.rename(columns={"value": "settled_value"})
    total = out.groupby("asset")["settled_value"].transform("sum").astype(float)
    out["share"] = out["settled_value"] / total.where(total > 0)
    hhi = ((out["share"] * 100) ** 2).groupby(out["asset"]).transform("sum")
    out["hhi"] = hhi.where(total > 0)
    return out[COLUMNS["market_shares"]]


def _per_investor(states: pd.DataFrame) -> pd.DataFrame:
    """Each investor's class, first and last wealth, and whether it is present at the start."""
    ordered = states.sort_values("t", kind="stable")
    ordered = ordered.assign(wealth=ordered["cash"] + ordered["holdings_value"])
    per = ordered.groupby("investor").agg(
        investor_class=("investor_class", "last"), start=("wealth", "first"), end=("wealth", "last")
    )
    at_start = ordered.loc[ordered["t"] == ordered["t"].min(), "investor"]
    return per.assign(at_start=per.index.isin(at_start))


def investor_outcomes(tables: Tables) -> pd.DataFrame:
    per = _per_investor(_table(tables, ev.InvestorState))
    out = per.groupby("investor_class").agg(
        investors=("at_start", "sum"), start_wealth=("start", "sum"), end_wealth=("end", "sum")
    )
    out["pnl"] = out["end_wealth"] - out["start_wealth"]
    out["pnl_pct"] = out["pnl"] / out["start_wealth"].where(out["start_wealth"] != 0) * 100
    traded = _party_value(tables).rename(index=lambda p: p.removeprefix("investor:"))
    out["traded_value"] = traded.reindex(out.index, fill_value=0).astype("int64")
    paid = _table(tables, ev.FeeCharged).groupby("payer_type")["amount"].sum()
    payer_types = [f"investor:{c}" for c in out.index]
    out["fees_paid"] = paid.reindex(payer_types, fill_value=0).to_numpy(dtype="int64")
    refused = _table(tables, ev.Refused)["actor"].map(per["investor_class"]).value_counts()
    out["refusals"] = refused.reindex(out.index, fill_value=0).astype("int64")
    out["investors"] = out["investors"].astype("int64")
    return out.reset_index()[COLUMNS["investor_outcomes"]]


def refusals(tables: Tables) -> pd.DataFrame:
    refused = _table(tables, ev.Refused)[["rule_id", "stage"]]
    failed = _table(tables, ev.TradeFailed)[["rule_id"]].assign(stage="settlement")
    both = pd.concat([refused, failed], ignore_index=True)
    return both.groupby(["rule_id", "stage"]).size().rename("count").reset_index()


def all_metrics(tables: Tables) -> dict[str, pd.DataFrame]:
    from simulator import competition, efficiency  # they build on this module's readers

    return {
        "fees": fees(tables),
        "fees_by_party": fees_by_party(tables),
        "fees_by_segment": fees_by_segment(tables),
        "liquidity": liquidity(tables),
        "settlement": settlement(tables),
        "settlement_fails": settlement_fails(tables),
        "market_shares": market_shares(tables),
        "investor_outcomes": investor_outcomes(tables),
        "refusals": refusals(tables),
        **competition.all_competition(tables),
        "efficiency": efficiency.efficiency(tables),
        "value_outcomes": efficiency.value_outcomes(tables),
        "news": efficiency.news_incorporation(tables),
    }


def _num(value: Any, digits: int = 6) -> int | float | None:
    """A JSON-safe number: ints as int, floats to `digits` significant digits, NaN as None."""
    if value is None or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    number = float(value)
    return float(f"{number:.{digits}g}") if math.isfinite(number) else None


def _get(metrics: Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    frame = metrics.get(key)
    return frame if frame is not None else pd.DataFrame(columns=COLUMNS[key])


def summary(metrics: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    shares = _get(metrics, "market_shares")
    overall = shares[shares["asset"] == ALL]
    total = float(overall["settled_value"].sum())
    fees_krw = int(_get(metrics, "fees")["krw"].sum())
    trading = int(_get(metrics, "fees_by_party")["paid_trading_krw"].sum())
    segments = _get(metrics, "fees_by_segment")
    liq = _get(metrics, "liquidity")
    traded = float(liq["traded_value"].sum())
    settle = _get(metrics, "settlement")
    row = settle[settle["venue"] == ALL]
    at = row.iloc[0] if len(row) else pd.Series(index=settle.columns, dtype=float)
    refused = _get(metrics, "refusals").groupby("rule_id")["count"].sum()
    return {
        "total_settled_value_krw": int(total),
        "trade_count": int(liq["trade_count"].sum()),
        "traded_value_krw": int(traded),
        "fees_krw": fees_krw,
        "trading_fees_krw": trading,
        "one_off_fees_krw": int(segments.loc[segments["one_off"].astype(bool), "krw"].sum()),
        # what a party pays per side of a settled trade (a buyer and a seller each)
        "fees_bps": _num(trading / (2 * total) * 1e4 if total > 0 else None),
        "market_share": {
            str(v): _num(s) for v, s in zip(overall["venue"], overall["share"], strict=True)
        },
        "hhi": _num(overall["hhi"].iloc[0]) if len(overall) else None,
        "order_to_match_mean_s": _num(at["order_to_match_mean"]),
        "order_to_match_p95_s": _num(at["order_to_match_p95"]),
        "match_to_settle_mean_s": _num(at["match_to_settle_mean"]),
        "match_to_settle_p95_s": _num(at["match_to_settle_p95"]),
        "settlement_fails": int(settle.loc[settle["venue"] == ALL, "failed"].sum()),
        "quoted_spread_bps_mean": _num(liq["quoted_spread_bps"].astype(float).mean()),
        "effective_spread_bps_mean": _num(liq["effective_spread_bps"].astype(float).mean()),
        "refusals": {str(rule): int(n) for rule, n in refused.items()},
    }
