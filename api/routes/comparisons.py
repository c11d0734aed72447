"""Comparisons: runs side by side with differences, and fee structures compared (one run per
schedule, admitted all together or not at all)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlmodel import Session

from api.admission import RunSpec, admit_runs
from api.deps import SessionDep, errors, public, run_or_404
from api.guards import refuse_nul, require_token
from api.models import RunRow, ScenarioRow
from api.schemas import MAX_ID, Comparison, FeeComparisonCreate, FeeComparisonStarted

router = APIRouter(prefix="/api", tags=["runs"])

COMPARED = (
    "total_settled_value_krw", "trade_count", "fees_krw", "fees_bps", "hhi",
    "quoted_spread_bps_mean", "effective_spread_bps_mean", "order_to_match_mean_s",
    "match_to_settle_mean_s", "match_to_settle_p95_s", "settlement_fails",
)  # fmt: skip


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
    runs = [_run(session, int(i)) for i in ids.split(",")]
    rows = []
    for key in COMPARED:
        values = [(r.summary or {}).get(key) for r in runs]
        base = values[0]
        diffs = [
            v - base if isinstance(v, (int, float)) and isinstance(base, (int, float)) else None
            for v in values
        ]
        rows.append({"metric": key, "values": values, "difference_to_first": diffs})
    return Comparison(runs=[public(r) for r in runs], metrics=rows)


def _run(session: Session, run_id: int) -> RunRow:
    if run_id > MAX_ID:  # no store hands out such an id
        raise HTTPException(status_code=404, detail=f"no run {run_id}")
    return run_or_404(session, run_id)


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
    row = session.get(ScenarioRow, body.scenario_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no scenario {body.scenario_id}")
    venues = len(row.document.get("venues", []))
    specs = []
    for i, structure in enumerate(body.structures):
        refuse_nul(structure.label, f"structures.{i}.label")
        fees = structure.fees.model_dump()
        overrides = {**body.overrides, **{f"venues.{v}.fees": fees for v in range(venues)}}
        specs.append(RunSpec(body.seed, overrides, structure.label))
    runs = admit_runs(request, session, row, row.document, specs)
    run_ids = [run.id or 0 for run in runs]
    return FeeComparisonStarted(
        run_ids=run_ids, comparison=f"/api/compare?ids={','.join(map(str, run_ids))}"
    )
