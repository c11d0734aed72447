"""Sweeps in the store: created by `stosim sweep` or the API, executed on Dask, with progress
(tasks done, ETA) and results (one row per task, the aggregate per grid point) kept in the same
store as runs."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from api.db import store_scenario
from api.models import ScenarioRow, SweepRow, utcnow
from api.presence import Presence
from api.run_results import records
from api.statuses import SweepStatus
from simulator.sweep import Sweep, SweepProgress, SweepResult, run_sweep

log = logging.getLogger("stosim.api")


class SweepCancelled(Exception):
    """Raised by a progress callback to stop a sweep (the server is stopping); the sweep's
    cluster is shut down and the sweep is left interrupted."""


def scenario_row(session: Session, name: str, document: dict[str, Any]) -> ScenarioRow:
    """The stored scenario with this exact document, or a new "uploaded" one."""
    row = store_scenario(session, name, "uploaded", document)
    session.commit()
    return row


def new_sweep_row(row: ScenarioRow, sweep: Sweep, scheduler: str) -> SweepRow:
    return SweepRow(
        scenario_id=row.id or 0,
        scenario_name=sweep.scenario.name,
        grid=sweep.grid,
        seeds=sweep.seeds,
        ledger=sweep.ledger or sweep.scenario.ledger.backend,
        scheduler=scheduler,
        tasks_total=len(sweep.tasks()),
    )


def create_sweep(session: Session, row: ScenarioRow, sweep: Sweep, scheduler: str) -> SweepRow:
    stored = new_sweep_row(row, sweep, scheduler)
    session.add(stored)
    session.commit()
    session.refresh(stored)
    return stored


def open_store(database_url: str) -> Engine:
    """The store at this URL, migrated and ready (for `stosim sweep`, outside a server)."""
    from api.db import init_store, make_engine

    engine = make_engine(database_url)
    init_store(engine)
    return engine


def store_new_sweep(engine: Engine, document: dict[str, Any], sweep: Sweep, scheduler: str) -> int:
    """Store the scenario (once per document) and a queued sweep of it; its id."""
    with Session(engine) as session:
        row = scenario_row(session, sweep.scenario.name, document)
        return create_sweep(session, row, sweep, scheduler).id or 0


def failure_of(engine: Engine, sweep_id: int) -> str:
    """Why a sweep failed, as the store recorded it."""
    with Session(engine) as session:
        row = session.get(SweepRow, sweep_id)
    return row.error if row is not None else "?"


def execute_sweep(
    engine: Engine,
    sweep_id: int,
    sweep: Sweep,
    scheduler: str | None,
    workers: int | None,
    also: SweepProgress | None = None,
) -> SweepResult | None:
    """Run a stored sweep to its end; progress and the outcome go to the store. A failure is
    recorded on the sweep (and returned as None), never raised. A sweep no server owns (started
    by `stosim sweep`) is owned by a presence of its own meanwhile, so no server takes it for
    abandoned."""
    with Session(engine) as session:
        row = session.get(SweepRow, sweep_id)
        owned = row is not None and row.owner is not None
    presence = None if owned else Presence(engine).start()
    try:
        return _execute(engine, sweep_id, sweep, scheduler, workers, also, presence)
    finally:
        if presence is not None:
            presence.stop()


def _execute(
    engine: Engine,
    sweep_id: int,
    sweep: Sweep,
    scheduler: str | None,
    workers: int | None,
    also: SweepProgress | None,
    presence: Presence | None,
) -> SweepResult | None:
    values: dict[str, Any] = {"owner": presence.id} if presence else {}
    _update(engine, sweep_id, status=SweepStatus.RUNNING, started_at=utcnow(), **values)
    last = [0.0]

    def progress(done: int, total: int, eta: float | None) -> None:
        if also is not None:
            also(done, total, eta)
        now = time.monotonic()
        if now - last[0] > 1.0 or done == total:  # at most one write a second
            last[0] = now
            _update(engine, sweep_id, tasks_done=done, eta_s=None if eta is None else round(eta, 1))

    try:
        result = run_sweep(sweep, scheduler, workers, progress)
    except KeyboardInterrupt:  # Ctrl-C or kill on `stosim sweep`: the cluster is closed; say so
        _update(
            engine, sweep_id, status=SweepStatus.INTERRUPTED,
            error="interrupted (Ctrl-C or SIGTERM)", finished_at=utcnow(),
        )  # fmt: skip
        raise
    except SweepCancelled:
        _update(
            engine, sweep_id, status=SweepStatus.INTERRUPTED, error="stopped before it finished",
            finished_at=utcnow(),
        )  # fmt: skip
        return None
    except Exception as exc:  # reported on the sweep
        log.exception("sweep %s failed", sweep_id)
        _update(
            engine, sweep_id, status=SweepStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:4_000], finished_at=utcnow(),
        )  # fmt: skip
        return None
    _update(
        engine, sweep_id, status=SweepStatus.FINISHED, tasks_done=len(result.runs), eta_s=0.0,
        info=result.info, runs=records(result.runs), summary=records(result.summary),
        finished_at=utcnow(),
    )  # fmt: skip
    return result


def _update(engine: Engine, sweep_id: int, **values: Any) -> None:
    with Session(engine) as session:
        row = session.get(SweepRow, sweep_id)
        if row is None:
            return
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()


class Sweeper:
    """Executes stored sweeps one at a time on a thread of the server; the tasks themselves run
    in Dask worker processes, so request handling is never blocked by them."""

    def __init__(self, engine: Engine, scheduler: str | None, workers: int) -> None:
        self.engine, self.scheduler, self.workers = engine, scheduler, workers
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stosim-sweep")
        self._stopping = threading.Event()

    def submit(self, sweep_id: int, sweep: Sweep) -> None:
        self._executor.submit(self._execute, sweep_id, sweep)

    def _execute(self, sweep_id: int, sweep: Sweep) -> None:
        def stop_when_asked(*_: Any) -> None:
            if self._stopping.is_set():
                raise SweepCancelled

        if not self._stopping.is_set():
            execute_sweep(
                self.engine, sweep_id, sweep, self.scheduler, self.workers, stop_when_asked
            )

    def shutdown(self) -> None:
        self._stopping.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
