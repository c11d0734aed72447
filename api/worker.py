"""Runs execute apart from request handling: one process per run (spawned fresh, so a run's
memory goes with it), at most `workers` at once, queued runs waiting in order. A process that
dies fails only its own run; a cancelled run's process is killed with its chain; when the server
stops, in-flight runs are stopped and marked interrupted. Nothing here is shared between runs, so
there is no pool to break: a failure never reaches the next run."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from api.models import RunRow, utcnow
from api.run_process import execute_run
from api.statuses import UNFINISHED, RunStatus

log = logging.getLogger("stosim.api")
POLL_S = 0.2


class PoolClosed(RuntimeError):
    """The server is stopping: no new runs are taken."""


class RunPool:
    def __init__(self, engine: Engine, database_url: str, workers: int) -> None:
        self.engine, self.database_url, self.workers = engine, database_url, workers
        self._context = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._queue: deque[int] = deque()
        self._running: dict[int, BaseProcess] = {}
        self._cancelled: set[int] = set()
        self._died = 0
        self._restarts = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._ensure_dispatcher()

    # ---- the request side ----

    def submit(self, run_id: int) -> None:
        with self._cond:
            if self._stopping:
                raise PoolClosed("the server is stopping")
            self._queue.append(run_id)
            self._cond.notify_all()
        self._ensure_dispatcher()

    def cancel(self, run_id: int) -> None:
        """Drop a queued run, or kill a running one's process (its chain dies with it)."""
        with self._cond:
            if run_id in self._queue:
                self._queue.remove(run_id)
            process = self._running.get(run_id)
            if process is not None:
                self._cancelled.add(run_id)
        if process is not None and process.is_alive():
            process.kill()

    def state(self) -> dict[str, Any]:
        alive = self._ensure_dispatcher()
        with self._cond:
            return {
                "workers": self.workers,
                "running": len(self._running),
                "queued": len(self._queue),
                "dispatcher": "alive" if alive else "stopped",
                "processes_died": self._died,
                "dispatcher_restarts": self._restarts,
            }

    def active(self) -> int:
        with self._cond:
            return len(self._running)

    def pids(self) -> dict[int, int | None]:
        with self._cond:
            return {run_id: p.pid for run_id, p in self._running.items()}

    # ---- the dispatcher thread ----

    def _ensure_dispatcher(self) -> bool:
        """Start the dispatcher, or a new one if it ended unexpectedly (the pool heals)."""
        with self._cond:
            if self._stopping:
                return False
            if self._thread is not None and self._thread.is_alive():
                return True
            if self._thread is not None:
                self._restarts += 1
                log.error("the run dispatcher had stopped; started a new one")
            self._thread = threading.Thread(target=self._dispatch, daemon=True, name="stosim-runs")
            self._thread.start()
            return True

    def _dispatch(self) -> None:
        # run processes die with this thread (PR_SET_PDEATHSIG names the thread that started
        # them), so it lives as long as the server and never ends on an error
        while True:
            try:
                with self._cond:
                    if self._stopping:
                        return
                    self._cond.wait(POLL_S)
                self._collect()
                self._start_waiting()
            except Exception:
                log.exception("run dispatcher error (continuing)")

    def _collect(self) -> None:
        with self._cond:
            ended = {i: p for i, p in self._running.items() if p.exitcode is not None}
            for run_id in ended:
                del self._running[run_id]
            cancelled = {i for i in ended if i in self._cancelled}
            self._cancelled -= set(ended)
        for run_id, process in ended.items():
            process.join()
            if process.exitcode != 0 and run_id not in cancelled:
                self._died += 1
                finish(
                    self.engine,
                    run_id,
                    RunStatus.FAILED,
                    f"the run's process died: {_how(process)}",
                )

    def _start_waiting(self) -> None:
        while True:
            with self._cond:
                if self._stopping or not self._queue or len(self._running) >= self.workers:
                    return
                run_id = self._queue.popleft()
                process = self._context.Process(
                    target=execute_run, args=(self.database_url, run_id, os.getpid()),
                    name=f"stosim-run-{run_id}", daemon=True,
                )  # fmt: skip
                self._running[run_id] = process
            try:
                process.start()
            except Exception as exc:  # e.g. out of processes: this run fails, the next may not
                with self._cond:
                    self._running.pop(run_id, None)
                finish(
                    self.engine, run_id, RunStatus.FAILED, f"could not start its process: {exc!r}"
                )

    def shutdown(self) -> None:
        """Stop taking runs, kill the running ones and mark them (and the queued) interrupted."""
        with self._cond:
            self._stopping = True
            processes = dict(self._running)
            queued = list(self._queue)
            self._queue.clear()
            self._cond.notify_all()
        for process in processes.values():
            if process.is_alive():
                process.kill()
        for process in processes.values():
            process.join(timeout=10)
        for run_id in [*processes, *queued]:
            finish(
                self.engine,
                run_id,
                RunStatus.INTERRUPTED,
                "the server stopped while this run was in flight",
            )


def _how(process: BaseProcess) -> str:
    code = process.exitcode or 0
    if code < 0:
        return f"killed by signal {code * -1} ({signal.Signals(-code).name})"
    return f"exit code {code}"


def finish(engine: Engine, run_id: int, status: RunStatus, error: str) -> bool:
    """End a queued or running run with `status` and the reason, in one conditional update (a
    run that has ended meanwhile keeps its outcome); False if it had already ended."""
    query = (
        update(RunRow)
        .where(col(RunRow.id) == run_id, col(RunRow.status).in_(UNFINISHED))
        .values(status=status, error=error[:4_000], finished_at=utcnow())
    )
    with Session(engine) as session:
        changed = session.execute(query).rowcount  # type: ignore[attr-defined]
        session.commit()
    return bool(changed)
