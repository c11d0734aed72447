"""The rows the charts read (simulator.charts), from a run's event tables: used by the HTML
reports and by the API, which stores them for the dashboard."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows: NaN as null."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: _safe(v) for k, v in row.items()} for row in clean.to_dict("records")]


def _safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.item() if hasattr(value, "item") else value


def quote_series(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Quoted spread (bps) and depth at the best quotes per snapshot time and venue (mean over
    assets): the rows of the spread and depth charts."""
    q = tables["quote_snapshot"]
    if q.empty:
        return pd.DataFrame(columns=["t", "venue", "spread_bps", "depth"])
    two_sided = (q.best_bid > 0) & (q.best_ask > 0)
    mid = (q.best_bid + q.best_ask) / 2
    q = q.assign(
        spread_bps=((q.best_ask - q.best_bid) / mid * 1e4).where(two_sided),
        depth=q.bid_depth + q.ask_depth,
    )
    columns = ["spread_bps", "depth"]
    return q.groupby(["t", "venue"], as_index=False)[columns].mean().sort_values(["t", "venue"])


def trade_times(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Matched trades with their settlement time (null while unsettled)."""
    matched = tables["trade_matched"]
    settled = tables["trade_settled"].groupby("trade_id")["t"].min().rename("settled_t")
    out = matched[["trade_id", "t", "venue", "asset", "price", "quantity"]].join(
        settled, on="trade_id"
    )
    return out.assign(matched_t=out["t"])
