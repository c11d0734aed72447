"""Runs in the store: cancelling, deleting, and reading a finished run's results and trades."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import HTTPException
from sqlalchemy import update
from sqlmodel import Session, col, delete, func, select

from api.deps import run_or_404
from api.models import ResultRow, RunRow, TradeRow, utcnow
from api.statuses import UNFINISHED, RunStatus
from api.worker import RunPool

RESULTS = {
    "fees": ("fees", "fees_by_party", "fees_by_segment"),
    "liquidity": ("liquidity", "market_shares", "quote_series"),
    "settlement": ("settlement", "settlement_fails"),
    "refusals": ("refusals",),
    "outcomes": ("investor_outcomes",),
    "competition": ("share_paths", "spreads", "consolidated", "venue_pnl", "liquidity_providers"),
}


def cancel(session: Session, pool: RunPool, run_id: int) -> bool:
    """Mark a queued or running run cancelled and stop its process (with its chain); False if
    it had already ended. A run executing on another server stops at its next progress report."""
    query = (
        update(RunRow)
        .where(col(RunRow.id) == run_id, col(RunRow.status).in_(UNFINISHED))
        .values(
            status=RunStatus.CANCELLED, phase="", error="cancelled on request", finished_at=utcnow()
        )
    )
    changed = session.execute(query).rowcount  # type: ignore[attr-defined]
    session.commit()
    pool.cancel(run_id)
    return bool(changed)


def delete_run(session: Session, pool: RunPool, run_id: int) -> None:
    """Cancel the run if it has not ended, then delete it with its trades and results."""
    cancel(session, pool, run_id)
    session.exec(delete(TradeRow).where(col(TradeRow.run_id) == run_id))
    session.exec(delete(ResultRow).where(col(ResultRow.run_id) == run_id))
    session.exec(delete(RunRow).where(col(RunRow.id) == run_id))
    session.commit()


def finished(session: Session, run_id: int) -> RunRow:
    run = run_or_404(session, run_id)
    if run.status != RunStatus.FINISHED:
        raise HTTPException(
            status_code=409,
            detail=f"run {run_id} is {run.status}; results exist once it has finished",
        )
    return run


def result_rows(session: Session, run: RunRow, group: str) -> list[ResultRow]:
    """A finished run's metric tables of one group, in the group's order."""
    names = RESULTS[group]
    rows = session.exec(
        select(ResultRow).where(ResultRow.run_id == run.id, col(ResultRow.name).in_(names))
    ).all()
    return sorted(rows, key=lambda r: names.index(r.name))


def trade_page(
    session: Session, run_id: int, offset: int, limit: int
) -> tuple[int, Sequence[TradeRow]]:
    """How many trades the run has, and one page of them in trade order."""
    where = col(TradeRow.run_id) == run_id
    total = session.exec(select(func.count()).select_from(TradeRow).where(where)).one()
    rows = session.exec(
        select(TradeRow).where(where).order_by(col(TradeRow.trade_id)).offset(offset).limit(limit)
    ).all()
    return total, rows


def all_trades(session: Session, run_id: int) -> Sequence[TradeRow]:
    return session.exec(
        select(TradeRow).where(col(TradeRow.run_id) == run_id).order_by(col(TradeRow.trade_id))
    ).all()
