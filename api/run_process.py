"""The body of a run's process: it dies with the server in every phase (set-up included),
yields the CPU to request handling, reports its phase and progress from the start, stops when
its run is cancelled, and stores its results or its failure itself."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading
import time
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from api.db import make_engine
from api.models import ResultRow, RunRow, ScenarioRow, utcnow
from api.run_results import quote_series, records, trade_rows
from api.statuses import RunStatus

log = logging.getLogger("stosim.api")
NICE = 10  # request handling first: a run takes what CPU the server leaves
PR_SET_PDEATHSIG = 1
REPORT_S = 1.0


class Cancelled(Exception):
    """The run is no longer `running` in the store (cancelled, or marked by another server)."""


def _die_with(parent_pid: int) -> None:
    """Linux kills this process the moment the server's dispatcher thread (and so the server)
    is gone; elsewhere a watcher thread ends it within a second."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    if os.getppid() != parent_pid:  # gone before the signal was armed
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="stosim-parent-watch").start()


def execute_run(database_url: str, run_id: int, parent_pid: int) -> None:
    """Load, run on a fresh chain, store results or the failure."""
    _die_with(parent_pid)
    os.nice(NICE)
    engine = make_engine(database_url)
    document, overrides, seed = _claim(engine, run_id)
    if document is None:
        return  # cancelled while queued
    last = [0.0]

    def progress(share: float) -> None:
        now = time.monotonic()
        if now - last[0] > REPORT_S:
            last[0] = now
            _conditional(engine, run_id, phase="simulating", progress=round(share, 4))

    from simulator.runner import run_scenario  # after the claim: the import takes a while
    from simulator.scenario import parse_scenario

    _own_chain_port()

    try:
        scenario = parse_scenario(document, f"run {run_id}", overrides)
        result = run_scenario(scenario, seed, progress=progress)
        _conditional(engine, run_id, phase="storing", progress=1.0)
        _store_result(engine, run_id, result)
    except Cancelled:
        return
    except Exception as exc:  # any failure of a run is reported on the run, never raised
        log.exception("run %s failed", run_id)
        error = f"{type(exc).__name__}: {exc}"[:4_000]
        try:
            _conditional(engine, run_id, status=RunStatus.FAILED, error=error, finished_at=utcnow())
        except Cancelled:
            return


def _own_chain_port() -> None:
    """Runs starting at the same moment would all find Anvil's usual port 8545 free and race
    for it (the loser attaches to the winner's chain); each run process prefers a port the OS
    hands it instead."""
    from simulator.chain import brownie_ledger, toolchain

    brownie_ledger.DEFAULT_PORT = toolchain.free_port()


def _claim(engine: Engine, run_id: int) -> tuple[dict[str, Any] | None, dict[str, Any], int]:
    with Session(engine) as session:
        claimed = session.execute(
            update(RunRow)
            .where(col(RunRow.id) == run_id, col(RunRow.status) == RunStatus.QUEUED)
            .values(status=RunStatus.RUNNING, phase="starting", progress=0.0, started_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        run = session.get(RunRow, run_id)
        if not claimed or run is None:
            return None, {}, 0
        row = session.get(ScenarioRow, run.scenario_id)
        return dict(row.document) if row else {}, dict(run.overrides), run.seed


def _conditional(engine: Engine, run_id: int, **values: Any) -> None:
    """Update the run only while it is running; otherwise it was cancelled: stop."""
    with Session(engine) as session:
        changed = session.execute(
            update(RunRow)
            .where(col(RunRow.id) == run_id, col(RunRow.status) == RunStatus.RUNNING)
            .values(**values)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    if not changed:
        raise Cancelled


def _store_result(engine: Engine, run_id: int, result: Any) -> None:
    """Results and the run's end in one transaction, and only if it is still running."""
    with Session(engine) as session:
        ended = session.execute(
            update(RunRow)
            .where(col(RunRow.id) == run_id, col(RunRow.status) == RunStatus.RUNNING)
            .values(status=RunStatus.FINISHED, phase="", progress=1.0, summary=result.summary,
                    finished_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]  # fmt: skip
        if not ended:
            session.rollback()
            raise Cancelled
        for name, frame in result.metrics.items():
            session.add(ResultRow(run_id=run_id, name=name, records=records(frame)))
        session.add(
            ResultRow(
                run_id=run_id, name="quote_series", records=records(quote_series(result.tables))
            )
        )
        session.add_all(trade_rows(run_id, result.tables))
        session.commit()
