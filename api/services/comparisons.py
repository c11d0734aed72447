"""Comparisons: stored runs' headline figures side by side with their differences to the first,
and the runs a fee-structure comparison asks for."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlmodel import Session

from api.admission import RunSpec
from api.deps import run_or_404
from api.guards import refuse_nul
from api.models import RunRow, ScenarioRow
from api.schemas import MAX_ID, FeeComparisonCreate

COMPARED = (
    "total_settled_value_krw", "trade_count", "fees_krw", "fees_bps", "hhi",
    "quoted_spread_bps_mean", "effective_spread_bps_mean", "order_to_match_mean_s",
    "match_to_settle_mean_s", "match_to_settle_p95_s", "settlement_fails",
)  # fmt: skip


def runs_of(session: Session, ids: list[int]) -> list[RunRow]:
    return [_run(session, run_id) for run_id in ids]


def _run(session: Session, run_id: int) -> RunRow:
    if run_id > MAX_ID:  # no store hands out such an id
        raise HTTPException(status_code=404, detail=f"no run {run_id}")
    return run_or_404(session, run_id)


def side_by_side(runs: list[RunRow]) -> list[dict[str, Any]]:
    """One row per compared figure: each run's value and its difference to the first run's."""
    rows = []
    for key in COMPARED:
        values = [(r.summary or {}).get(key) for r in runs]
        base = values[0]
        diffs = [
            v - base if isinstance(v, (int, float)) and isinstance(base, (int, float)) else None
            for v in values
        ]
        rows.append({"metric": key, "values": values, "difference_to_first": diffs})
    return rows


def fee_runs(session: Session, body: FeeComparisonCreate) -> tuple[ScenarioRow, list[RunSpec]]:
    """The stored scenario and one run per fee structure, applied to every venue."""
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
    return row, specs
