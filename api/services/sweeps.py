"""Sweeps asked for over HTTP: planning one (every check before anything is stored) and reading
stored ones. Running them is api/sweeps.py's."""

from __future__ import annotations

import math
from typing import Any

from fastapi import HTTPException
from sqlmodel import Session

from api.db import newest_first
from api.deps import unprocessable
from api.guards import refuse_nul
from api.models import ScenarioRow, SweepRow
from api.schemas import SweepCreate, SweepList, SweepPublic
from api.services.scenarios import check, resolve
from api.statuses import SweepStatus
from simulator.sweep import Sweep, SweepError


def plan(
    session: Session, body: SweepCreate, max_tasks: int
) -> tuple[ScenarioRow | None, dict[str, Any], Sweep]:
    """The scenario (stored or inline), its document and the sweep a request asks for; a 422
    names the field at fault. The task bound is checked before any grid point is built."""
    if not body.grid or any(not values for values in body.grid.values()):
        raise unprocessable([("grid", "give at least one field with at least one value")])
    refuse_nul(body.grid, "grid")
    tasks = math.prod(len(values) for values in body.grid.values()) * body.seeds
    if tasks > max_tasks:
        raise unprocessable(
            [("seeds", f"{tasks:,} tasks (grid points x seeds); at most {max_tasks:,}")]
        )
    row, document = resolve(session, body.scenario_id, body.scenario)
    if row is None:
        check(document)  # an inline document's own problems, by their field paths
    try:
        return row, document, Sweep(dict(document), body.grid, body.seeds, body.ledger)
    except SweepError as exc:
        raise unprocessable([("grid", str(exc))]) from None


def sweep_or_404(session: Session, sweep_id: int) -> SweepRow:
    row = session.get(SweepRow, sweep_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id}")
    return row


def finished(session: Session, sweep_id: int) -> SweepRow:
    row = sweep_or_404(session, sweep_id)
    if row.status != SweepStatus.FINISHED:
        raise HTTPException(
            status_code=409, detail=f"sweep {sweep_id} is {row.status}; results come when finished"
        )
    return row


def public(row: SweepRow) -> SweepPublic:
    return SweepPublic(**row.model_dump(exclude={"runs", "summary"}))


def page(session: Session, offset: int, limit: int) -> SweepList:
    rows, total = newest_first(session, SweepRow, offset, limit)
    return SweepList(data=[public(r) for r in rows], count=total)
