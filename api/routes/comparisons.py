"""Comparisons: runs side by side with differences, and fee structures compared (one run per
schedule, admitted all together or not at all)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from api.admission import admit_runs
from api.deps import SessionDep, errors, public
from api.guards import require_token
from api.schemas import Comparison, FeeComparisonCreate, FeeComparisonStarted
from api.services import comparisons as service

router = APIRouter(prefix="/api", tags=["runs"])

IDS = r"^[1-9][0-9]{0,15}(,[1-9][0-9]{0,15}){0,19}$"  # 1 to 20 ids


@router.get(
    "/compare", response_model=Comparison,
    summary="Several runs side by side, with differences", responses=errors(404),
)  # fmt: skip
def compare(
    session: SessionDep,
    ids: str = Query(
        ..., pattern=IDS, description="1 to 20 run ids, comma-separated", examples=["1,2"]
    ),
) -> Comparison:
    runs = service.runs_of(session, [int(i) for i in ids.split(",")])
    rows = service.side_by_side(runs)
    return Comparison(runs=[public(r) for r in runs], metrics=rows)


@router.post(
    "/fee-comparisons", response_model=FeeComparisonStarted, status_code=202,
    summary="Compare fee structures", responses=errors(401, 404, 413, 429, 503),
    dependencies=[Depends(require_token)],
)  # fmt: skip
def compare_fees(
    body: FeeComparisonCreate, request: Request, session: SessionDep
) -> FeeComparisonStarted:
    """One scenario, several fee schedules applied to every venue: starts one run per schedule,
    all of them or (refused: 422, 429) none; GET the returned comparison to read them side by
    side (complete when all have finished)."""
    row, specs = service.fee_runs(session, body)
    runs = admit_runs(request, session, row, row.document, specs)
    run_ids = [run.id or 0 for run in runs]
    return FeeComparisonStarted(
        run_ids=run_ids, comparison=f"/api/compare?ids={','.join(map(str, run_ids))}"
    )
