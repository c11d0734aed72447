"""Admission of runs and sweeps: every request is sized (simulator/workload.py) against the
server's limits before anything is stored, then counted against the queue bound and stored under
one lock, all or nothing: a rejected request leaves no scenario, run or sweep behind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from sqlmodel import Session

from api.db import admission, store_scenario, unfinished
from api.deps import unprocessable
from api.models import RunRow, ScenarioRow, SweepRow
from api.services.scenarios import check
from api.settings import Settings
from api.statuses import RunStatus
from api.worker import PoolClosed, finish
from simulator import workload
from simulator.scenario import Scenario


@dataclass(frozen=True)
class RunSpec:
    seed: int | None
    overrides: dict[str, Any]
    label: str


def sized(scenario: Scenario, settings: Settings, ledger: str | None = None) -> Scenario:
    """422 naming the field and the limit when one run of `scenario` is too big for the API."""
    problems = workload.problems(scenario, settings.run_limits(), ledger)
    if problems:
        raise unprocessable([(f"scenario.{path}", message) for path, message in problems])
    return scenario


def admit_runs(
    request: Request,
    session: Session,
    row: ScenarioRow | None,
    document: dict[str, Any],
    specs: list[RunSpec],
) -> list[RunRow]:
    """Check every run, then store them all (and the scenario if it is new) or none; the stored
    runs are handed to the pool."""
    settings: Settings = request.app.state.settings
    _room(session, settings, len(specs))  # a full queue answers at once, before any parsing
    scenarios = [sized(check(document, spec.overrides), settings) for spec in specs]
    with admission(session):
        _room(session, settings, len(specs))  # the count that holds: under the lock
        if row is None:
            row = store_scenario(session, scenarios[0].name, "uploaded", document)
        owner = request.app.state.presence.id
        runs = [
            RunRow(
                scenario_id=row.id or 0, scenario_name=scenario.name, label=spec.label,
                seed=scenario.seed if spec.seed is None else spec.seed,
                ledger=scenario.ledger.backend, overrides=spec.overrides, owner=owner,
            )
            for scenario, spec in zip(scenarios, specs, strict=True)
        ]  # fmt: skip
        session.add_all(runs)
        session.commit()
    for run in runs:
        session.refresh(run)
        _submit(request, run.id or 0)
    return runs


def _room(session: Session, settings: Settings, wanted: int) -> None:
    waiting = unfinished(session, RunRow)
    if waiting + wanted > settings.max_queued_runs:
        raise HTTPException(
            status_code=429,
            detail=f"{waiting} runs are queued or running and {wanted} more would pass "
            f"the bound of {settings.max_queued_runs}; try again later",
        )


def _submit(request: Request, run_id: int) -> None:
    try:
        request.app.state.pool.submit(run_id)
    except PoolClosed:
        finish(request.app.state.engine, run_id, RunStatus.INTERRUPTED, "the server was stopping")
        raise HTTPException(status_code=503, detail="the server is stopping") from None


def admit_sweep(
    request: Request, session: Session, row: ScenarioRow | None, document: dict[str, Any],
    sweep: Any, points: list[dict[str, Any]],
) -> SweepRow:  # fmt: skip
    """Every grid point sized as a run, the whole sweep against the sweep bounds, then stored."""
    from api.sweeps import new_sweep_row

    settings: Settings = request.app.state.settings
    orders = 0
    for point in points:
        scenario = sized(check(document, point), settings, sweep.ledger)
        orders += workload.estimate(scenario, sweep.ledger).orders * sweep.seeds
    if orders > settings.max_sweep_orders:
        raise unprocessable(
            [("grid", f"{orders:,} orders over all tasks; a sweep runs at most "
              f"{settings.max_sweep_orders:,}")]
        )  # fmt: skip
    with admission(session):
        waiting = unfinished(session, SweepRow)
        if waiting >= settings.max_queued_sweeps:
            raise HTTPException(
                status_code=429, detail=f"{waiting} sweeps are queued or running; try again later"
            )
        if row is None:
            row = store_scenario(session, sweep.scenario.name, "uploaded", document)
        stored = new_sweep_row(row, sweep, settings.dask_scheduler or "local")
        stored.owner = request.app.state.presence.id
        session.add(stored)
        session.commit()
        session.refresh(stored)
    return stored
