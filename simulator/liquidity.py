"""Liquidity per venue and asset: quoted and effective spreads, depth at the best prices, the
two-sided share, volume, turnover on units outstanding, Amihud illiquidity and fill rates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator import events as ev
from simulator.metric_tables import COLUMNS, KEYS, ORDER_KEYS, Tables, _table, _traded


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
