"""Price efficiency: how far trade prices stray from assets' true values (simulator/cash_flows.py)
and how fast the gap closes. Pure functions from the event tables, as simulator/metrics.py.

- mean |price - value| in bps of value, over trades (value of the day of the trade);
- half-life of pricing errors: from an AR(1) of the daily log(close / value);
- variance ratio of 5-day to 1-day returns of daily closes (1 for a random walk; below 1 when
  prices overshoot and come back, above 1 when they trend);
- time to incorporate news: hours from a news event until a trade price has moved at least half
  of the news's move of value (from the last price before it), censored at the end of the run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator import events as ev
from simulator.metrics import COLUMNS, Tables, _num, _table

DAY = 86_400


def _with_values(tables: Tables) -> pd.DataFrame:
    """Matched trades with the asset's value at the time (the latest value logged before)."""
    trades = _table(tables, ev.TradeMatched).sort_values("t", kind="stable")
    values = _table(tables, ev.ValueUpdated).sort_values("t", kind="stable")
    if trades.empty or values.empty:
        return trades.assign(value=pd.Series(dtype="float64"))
    both = pd.merge_asof(
        trades, values[["t", "asset", "value"]], on="t", by="asset", direction="backward"
    )
    return both[both["value"] > 0]


def _half_life(errors: pd.Series) -> float:
    e = errors.to_numpy(dtype=float)
    if len(e) < 5:
        return math.nan
    x, y = e[:-1], e[1:]
    phi = float(np.dot(x - x.mean(), y - y.mean()) / max(np.dot(x - x.mean(), x - x.mean()), 1e-18))
    return math.log(0.5) / math.log(phi) if 0 < phi < 1 else math.nan


def _variance_ratio(closes: pd.Series, k: int = 5) -> float:
    r = np.diff(np.log(closes.to_numpy(dtype=float)))
    if len(r) < 2 * k or r.var(ddof=1) == 0:
        return math.nan
    long = np.convolve(r, np.ones(k), mode="valid")
    return float(long.var(ddof=1) / (k * r.var(ddof=1)))


def efficiency(tables: Tables) -> pd.DataFrame:
    """Per asset (flagged when its issuer's group runs a venue that lists it): the mean premium
    of trade prices over value and the mean absolute error (bps), the half-life of pricing
    errors (days) and the 5-day variance ratio."""
    trades = _with_values(tables)
    affiliated = set(_table(tables, ev.Affiliated)["asset"])
    rows = []
    for asset, group in trades.groupby("asset"):
        gap = (group["price"] / group["value"] - 1) * 1e4
        error = gap.abs()
        daily = group.assign(day=group["t"] // DAY).groupby("day").last()
        log_gap = np.log(daily["price"].astype(float) / daily["value"].astype(float))
        rows.append({
            "asset": asset, "affiliated": asset in affiliated, "trades": len(group),
            "mean_premium_bps": float(gap.mean()), "mean_abs_error_bps": float(error.mean()),
            "half_life_days": _half_life(log_gap),
            "variance_ratio_5d": _variance_ratio(daily["price"]),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS["efficiency"])


def news_incorporation(tables: Tables) -> pd.DataFrame:
    """Per news event: whether it came in KRX-like hours, and the hours until a trade price had
    moved half of the news's move away from the last price before it (the market reflects more
    than half of the news). The wait is censored at the asset's next news or the run's last
    event, whichever comes first (`incorporated` false): a restricted mean over the same
    windows compares designs fairly. Before the first trade, the offering price stands for the
    last price."""
    news = _table(tables, ev.NewsArrived).sort_values("t", kind="stable")
    trades = _table(tables, ev.TradeMatched).sort_values("t", kind="stable")
    offered = _table(tables, ev.AssetIssued).groupby("asset")["offering_price"].last()
    end = max((int(f["t"].max()) for f in tables.values() if len(f) and "t" in f), default=0)
    following = news.groupby("asset")["t"].shift(-1).fillna(end)
    rows = []
    for row, until in zip(news.itertuples(index=False), following, strict=True):
        mine = trades[(trades["asset"] == row.asset) & (trades["t"] < until)]
        move = row.value_after / row.value_before - 1
        before = mine[mine["t"] < row.t]["price"]
        start = float(before.iloc[-1]) if len(before) else float(offered.get(row.asset, 0))
        half = start * (1 + move / 2)
        up = move > 0
        after = mine[mine["t"] >= row.t]
        hit = after[after["price"] >= half] if up else after[after["price"] <= half]
        done = len(hit) > 0
        hours = ((int(hit["t"].iloc[0]) if done else int(until)) - row.t) / 3600
        rows.append({
            "t": row.t, "asset": row.asset,
            "move_pct": move * 100, "krx_hours": bool(row.krx_hours),
            "hours_to_half": hours, "incorporated": done,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS["news"])


def value_outcomes(tables: Tables) -> pd.DataFrame:
    """Per investor class: profit and loss with holdings marked at true value at the end (KRW):
    what investors gained or lost against what their tokens are worth, not what they last
    traded at."""
    states = _table(tables, ev.InvestorState).sort_values("t", kind="stable")
    per = states.groupby("investor").agg(
        investor_class=("investor_class", "last"), start=("cash", "first"), cash=("cash", "last")
    )
    holdings = _table(tables, ev.HoldingAtEnd)
    values = _table(tables, ev.ValueUpdated).sort_values("t", kind="stable")
    final = values.groupby("asset")["value"].last()
    marked = holdings["quantity"] * holdings["asset"].map(final).fillna(0.0)
    per["held_at_value"] = marked.groupby(holdings["investor"]).sum().reindex(per.index).fillna(0)
    per["pnl_at_value"] = per["cash"] + per["held_at_value"] - per["start"]
    out = per.groupby("investor_class").agg(
        investors=("start", "size"), pnl_at_value_krw=("pnl_at_value", "sum")
    )
    out["pnl_at_value_pct"] = (
        out["pnl_at_value_krw"] / per.groupby("investor_class")["start"].sum() * 100
    )
    return out.reset_index()[COLUMNS["value_outcomes"]]


def summary(metrics: dict[str, pd.DataFrame]) -> dict[str, Any]:
    frame = metrics["efficiency"]
    weights = frame["trades"].astype(float)
    mean = (frame["mean_abs_error_bps"] * weights).sum() / weights.sum() if weights.sum() else None
    premium = {
        name: _num(part["mean_premium_bps"].mean()) if len(part) else None
        for name, part in (
            ("affiliated_premium_bps", frame[frame["affiliated"].astype(bool)]),
            ("independent_premium_bps", frame[~frame["affiliated"].astype(bool)]),
        )
    }
    outcomes = metrics["value_outcomes"].set_index("investor_class")["pnl_at_value_krw"]
    news = metrics["news"]
    off = news[~news["krx_hours"].astype(bool)]
    return {
        "pricing_error_bps_mean": _num(mean),
        **premium,
        "news_events": len(news),
        "news_hours_to_incorporate_off_hours": _num(off["hours_to_half"].mean())
        if len(off)
        else None,
        "news_unincorporated": int((~news["incorporated"].astype(bool)).sum()),
        "investor_pnl_at_value_krw": {str(c): _num(v) for c, v in outcomes.items()},
    }
