"""Sweeps: start one (202) over a grid of field values x seeds, follow its progress (tasks done,
ETA), read its results (the aggregate with 95% confidence intervals, and every task's row)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from api.admission import admit_sweep
from api.deps import SessionDep, SweepId, errors
from api.guards import require_token
from api.schemas import MAX_ID, SweepCreate, SweepList, SweepPublic, SweepResults
from api.services import sweeps as service

router = APIRouter(prefix="/api", tags=["sweeps"])


@router.post(
    "/sweeps", response_model=SweepPublic, status_code=202, summary="Start a sweep",
    responses=errors(401, 404, 413, 429), dependencies=[Depends(require_token)],
)  # fmt: skip
def create(body: SweepCreate, request: Request, session: SessionDep) -> SweepPublic:
    """Every grid point is admitted as a run would be (422 naming the field and the limit), and
    the whole sweep against the bounds on tasks and total orders; nothing is stored if refused."""
    max_tasks = request.app.state.settings.max_sweep_tasks
    row, document, sweep = service.plan(session, body, max_tasks)
    stored = admit_sweep(request, session, row, document, sweep, list(sweep.points()))
    request.app.state.sweeper.submit(stored.id or 0, sweep)
    return service.public(stored)


@router.get("/sweeps", response_model=SweepList, summary="List sweeps, newest first")
def list_sweeps(
    session: SessionDep,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=500),
) -> SweepList:
    return service.page(session, offset, limit)


@router.get(
    "/sweeps/{sweep_id:int}", response_model=SweepPublic,
    summary="A sweep's status and progress", responses=errors(404),
)  # fmt: skip
def read(sweep_id: SweepId, session: SessionDep) -> SweepPublic:
    return service.public(service.sweep_or_404(session, sweep_id))


@router.get(
    "/sweeps/{sweep_id:int}/results",
    response_model=SweepResults,
    summary="Mean and 95% confidence interval per grid point and metric, and every task's row",
    responses=errors(404, 409),
)
def results(sweep_id: SweepId, session: SessionDep) -> SweepResults:
    row = service.finished(session, sweep_id)
    return SweepResults(
        id=sweep_id, status=row.status, summary=row.summary or [], runs=row.runs or []
    )
