"""A finished run's results as store rows: metric tables as JSON records, the quote series, and
one row per trade for drill-down."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from api.models import TradeRow


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN becomes null, numpy scalars plain Python."""
    rows = frame.astype(object).where(pd.notna(frame), None).to_dict(orient="records")
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def quote_series(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Quoted spread (bps) and depth at the best quotes over time, per venue (mean over assets)."""
    q = tables["quote_snapshot"]
    if q.empty:
        return pd.DataFrame(columns=["t", "venue", "spread_bps", "depth"])
    two_sided = (q.best_bid > 0) & (q.best_ask > 0)
    mid = (q.best_bid + q.best_ask) / 2
    q = q.assign(
        spread_bps=((q.best_ask - q.best_bid) / mid * 1e4).where(two_sided),
        depth=q.bid_depth + q.ask_depth,
    )
    return (
        q.groupby(["t", "venue"], as_index=False)[["spread_bps", "depth"]]
        .mean()
        .sort_values(["t", "venue"])
    )


def trade_rows(run_id: int, tables: dict[str, pd.DataFrame]) -> list[TradeRow]:
    settled = tables["trade_settled"].set_index("trade_id")["t"].to_dict()
    failed = (
        tables["trade_failed"].set_index("trade_id")[["rule_id", "reason"]].to_dict(orient="index")
    )
    rows = []
    for m in tables["trade_matched"].itertuples(index=False):
        trade_id = int(m.trade_id)
        fail = failed.get(trade_id)
        status = "settled" if trade_id in settled else "failed" if fail else "pending"
        rows.append(
            TradeRow(
                run_id=run_id, trade_id=trade_id, matched_t=int(m.t), venue=m.venue, asset=m.asset,
                buyer=m.buyer, seller=m.seller, quantity=int(m.quantity), price=int(m.price),
                status=status,
                settled_t=int(settled[trade_id]) if trade_id in settled else None,
                rule_id=fail["rule_id"] if fail else "", reason=fail["reason"] if fail else "",
            )
        )  # fmt: skip
    return rows
