"""Sweeps: start one (202) over a grid of field values x seeds, follow its progress (tasks done,
ETA), read its results (the aggregate with 95% confidence intervals, and every task's row)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from api.db import newest_first, unfinished
from api.deps import MAX_ID, SessionDep, SettingsDep, unprocessable
from api.models import SweepRow
from api.routes.runs import bounded
from api.routes.scenarios import check, resolve
from api.schemas import SweepCreate, SweepList, SweepPublic, SweepResults
from api.sweeps import create_sweep
from simulator.sweep import Sweep, SweepError

router = APIRouter(prefix="/api", tags=["sweeps"])

MAX_API_TASKS = 400


def _public(row: SweepRow) -> SweepPublic:
    return SweepPublic(**row.model_dump(exclude={"runs", "summary"}))


def _sweep_or_404(session: Any, sweep_id: int) -> SweepRow:
    row = session.get(SweepRow, sweep_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id}")
    return row


@router.post("/sweeps", response_model=SweepPublic, status_code=202, summary="Start a sweep")
def create(body: SweepCreate, request: Request, session: SessionDep, settings: SettingsDep):
    if not body.grid or any(not values for values in body.grid.values()):
        raise unprocessable([("grid", "give at least one field with at least one value")])
    row = resolve(session, body.scenario_id, body.scenario)
    try:
        sweep = Sweep(dict(row.document), body.grid, body.seeds, body.ledger)
    except SweepError as exc:
        raise unprocessable([("grid", str(exc))]) from None
    for point in sweep.points():
        bounded(check(row.document, point))
    if len(sweep.tasks()) > MAX_API_TASKS:
        raise unprocessable(
            [("seeds", f"{len(sweep.tasks())} tasks; an API sweep runs at most {MAX_API_TASKS}")]
        )
    waiting = unfinished(session, SweepRow)
    if waiting >= settings.max_queued_sweeps:
        raise HTTPException(
            status_code=429, detail=f"{waiting} sweeps are queued or running; try again later"
        )
    stored = create_sweep(session, row, sweep, settings.dask_scheduler or "local")
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
    "/sweeps/{sweep_id}", response_model=SweepPublic, summary="A sweep's status and progress"
)
def read(sweep_id: int, session: SessionDep) -> SweepPublic:
    if not 1 <= sweep_id <= MAX_ID:
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id}")
    return _public(_sweep_or_404(session, sweep_id))


@router.get(
    "/sweeps/{sweep_id}/results",
    response_model=SweepResults,
    summary="Mean and 95% confidence interval per grid point and metric, and every task's row",
)
def results(sweep_id: int, session: SessionDep) -> SweepResults:
    if not 1 <= sweep_id <= MAX_ID:
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id}")
    row = _sweep_or_404(session, sweep_id)
    if row.status != "finished":
        raise HTTPException(
            status_code=409, detail=f"sweep {sweep_id} is {row.status}; results come when finished"
        )
    return SweepResults(
        id=sweep_id, status=row.status, summary=row.summary or [], runs=row.runs or []
    )
