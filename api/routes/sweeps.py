"""Sweeps: start one (202) over a grid of field values x seeds, follow its progress (tasks done,
ETA), read its results (the aggregate with 95% confidence intervals, and every task's row)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.admission import admit_sweep
from api.db import newest_first
from api.deps import SessionDep, SweepId, errors, unprocessable
from api.guards import refuse_nul, require_token
from api.models import SweepRow
from api.schemas import MAX_ID, SweepCreate, SweepList, SweepPublic, SweepResults
from api.services.scenarios import check, resolve
from api.statuses import SweepStatus
from simulator.sweep import Sweep, SweepError

router = APIRouter(prefix="/api", tags=["sweeps"])


def _public(row: SweepRow) -> SweepPublic:
    return SweepPublic(**row.model_dump(exclude={"runs", "summary"}))


def _sweep_or_404(session: Any, sweep_id: int) -> SweepRow:
    row = session.get(SweepRow, sweep_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id}")
    return row


@router.post(
    "/sweeps", response_model=SweepPublic, status_code=202, summary="Start a sweep",
    responses=errors(401, 404, 413, 429), dependencies=[Depends(require_token)],
)  # fmt: skip
def create(body: SweepCreate, request: Request, session: SessionDep) -> SweepPublic:
    """Every grid point is admitted as a run would be (422 naming the field and the limit), and
    the whole sweep against the bounds on tasks and total orders; nothing is stored if refused."""
    if not body.grid or any(not values for values in body.grid.values()):
        raise unprocessable([("grid", "give at least one field with at least one value")])
    refuse_nul(body.grid, "grid")
    tasks = math.prod(len(values) for values in body.grid.values()) * body.seeds
    limit = request.app.state.settings.max_sweep_tasks
    if tasks > limit:  # before any grid point is built
        raise unprocessable(
            [("seeds", f"{tasks:,} tasks (grid points x seeds); at most {limit:,}")]
        )
    row, document = resolve(session, body.scenario_id, body.scenario)
    if row is None:
        check(document)  # an inline document's own problems, by their field paths
    try:
        sweep = Sweep(dict(document), body.grid, body.seeds, body.ledger)
    except SweepError as exc:
        raise unprocessable([("grid", str(exc))]) from None
    stored = admit_sweep(request, session, row, document, sweep, list(sweep.points()))
    request.app.state.sweeper.submit(stored.id or 0, sweep)
    return _public(stored)


@router.get("/sweeps", response_model=SweepList, summary="List sweeps, newest first")
def list_sweeps(
    session: SessionDep,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=500),
) -> SweepList:
    rows, total = newest_first(session, SweepRow, offset, limit)
    return SweepList(data=[_public(r) for r in rows], count=total)


@router.get(
    "/sweeps/{sweep_id:int}", response_model=SweepPublic,
    summary="A sweep's status and progress", responses=errors(404),
)  # fmt: skip
def read(sweep_id: SweepId, session: SessionDep) -> SweepPublic:
    return _public(_sweep_or_404(session, sweep_id))


@router.get(
    "/sweeps/{sweep_id:int}/results",
    response_model=SweepResults,
    summary="Mean and 95% confidence interval per grid point and metric, and every task's row",
    responses=errors(404, 409),
)
def results(sweep_id: SweepId, session: SessionDep) -> SweepResults:
    row = _sweep_or_404(session, sweep_id)
    if row.status != SweepStatus.FINISHED:
        raise HTTPException(
            status_code=409, detail=f"sweep {sweep_id} is {row.status}; results come when finished"
        )
    return SweepResults(
        id=sweep_id, status=row.status, summary=row.summary or [], runs=row.runs or []
    )
