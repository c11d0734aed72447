"""Settlement per venue: order-to-match and match-to-settle times (mean and percentiles),
settled and failed trades, and the fails by rule and reason."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator import events as ev
from simulator.metric_tables import (
    ALL,
    COLUMNS,
    KEYS,
    LATENCY_STATS,
    ORDER_KEYS,
    Tables,
    _opened,
    _table,
)


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
        return {f"{name}_{s}": math.nan for s in LATENCY_STATS}
    p50, p95, p99 = np.percentile(data, [50, 95, 99])
    stats = [data.mean(), p50, p95, p99]
    return {f"{name}_{s}": float(v) for s, v in zip(LATENCY_STATS, stats, strict=True)}


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
