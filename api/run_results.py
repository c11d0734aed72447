"""A finished run's results as store rows: metric tables as JSON records, the quote series, and
one row per trade for drill-down."""

from __future__ import annotations

import pandas as pd

from api.models import TradeRow
from api.statuses import TradeStatus
from simulator.chartdata import quote_series, records  # the same rows the reports chart

__all__ = ["quote_series", "records", "trade_rows"]


def trade_rows(run_id: int, tables: dict[str, pd.DataFrame]) -> list[TradeRow]:
    settled = tables["trade_settled"].set_index("trade_id")["t"].to_dict()
    failed = (
        tables["trade_failed"].set_index("trade_id")[["rule_id", "reason"]].to_dict(orient="index")
    )
    rows = []
    for m in tables["trade_matched"].itertuples(index=False):
        trade_id = int(m.trade_id)
        fail = failed.get(trade_id)
        status = (
            TradeStatus.SETTLED
            if trade_id in settled
            else TradeStatus.FAILED
            if fail
            else TradeStatus.PENDING
        )
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
