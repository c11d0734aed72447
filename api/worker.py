"""Runs execute in a bounded pool of processes apart from request handling. Each run gets its own
process and its own fresh chain; it reports progress and stores its results itself."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.db import make_engine
from api.models import ResultRow, RunRow, ScenarioRow, TradeRow, utcnow
from simulator.chartdata import quote_series  # the rows of the dashboard's spread and depth charts

log = logging.getLogger("stosim.api")


class RunPool:
    def __init__(self, database_url: str, workers: int) -> None:
        self.database_url = database_url
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        self._lock = threading.Lock()
        self._futures: dict[int, Future[None]] = {}

    def submit(self, run_id: int) -> None:
        future = self._pool.submit(execute_run, self.database_url, run_id, os.getpid())
        with self._lock:
            self._futures[run_id] = future
        future.add_done_callback(partial(self._done, run_id))

    def _done(self, run_id: int, future: Future[None]) -> None:
        with self._lock:
            self._futures.pop(run_id, None)
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:  # the process died (e.g. killed): the run cannot have stored a result
            _mark_failed(
                make_engine(self.database_url), run_id, f"the run's process died: {error!r}"
            )

    def active(self) -> int:
        with self._lock:
            return len(self._futures)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class ParentGone(Exception):
    """The server that started this run is gone: stop, so the run ends as interrupted."""


_busy = threading.Event()


def _watch_parent(parent_pid: int) -> None:
    """In each pool process: leave once the server is gone. An idle process exits at once; a busy
    one stops its run at the next progress report (ParentGone), which stops its chain too."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid and not _busy.is_set():
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="stosim-parent-watch").start()


def execute_run(database_url: str, run_id: int, parent_pid: int) -> None:
    """Body of a run process: load, run on a fresh chain, store results or the failure."""
    from simulator.runner import run_scenario
    from simulator.scenario import parse_scenario

    engine = make_engine(database_url)
    with Session(engine) as session:
        run = session.get(RunRow, run_id)
        if run is None:
            return
        row = session.get(ScenarioRow, run.scenario_id)
        document, overrides, seed = dict(row.document) if row else {}, dict(run.overrides), run.seed
        run.status, run.started_at = "running", utcnow()
        session.add(run)
        session.commit()
    last = [0.0]

    def progress(share: float) -> None:
        if os.getppid() != parent_pid:
            raise ParentGone
        now = time.monotonic()
        if now - last[0] > 1.0:
            last[0] = now
            _set(engine, run_id, progress=round(share, 4))

    _busy.set()
    try:
        scenario = parse_scenario(document, f"run {run_id}", overrides)
        result = run_scenario(scenario, seed, progress=progress)
        _store_result(engine, run_id, result)
    except ParentGone:
        return
    except Exception as exc:  # any failure of a run is reported on the run, never raised
        log.exception("run %s failed", run_id)
        _mark_failed(engine, run_id, f"{type(exc).__name__}: {exc}")
    finally:
        _busy.clear()


def _store_result(engine: Any, run_id: int, result: Any) -> None:
    tables: dict[str, pd.DataFrame] = result.tables
    with Session(engine) as session:
        for name, frame in result.metrics.items():
            session.add(ResultRow(run_id=run_id, name=name, records=_records(frame)))
        session.add(
            ResultRow(run_id=run_id, name="quote_series", records=_records(quote_series(tables)))
        )
        for trade in trade_rows(run_id, tables):
            session.add(trade)
        run = session.get(RunRow, run_id)
        if run is not None:
            run.status, run.progress, run.summary, run.finished_at = (
                "finished",
                1.0,
                result.summary,
                utcnow(),
            )
            session.add(run)
        session.commit()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(pd.notna(frame), None)
    return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


def trade_rows(run_id: int, tables: dict[str, pd.DataFrame]) -> list[TradeRow]:
    settled = tables["trade_settled"].set_index("trade_id")["t"].to_dict()
    failed = (
        tables["trade_failed"].set_index("trade_id")[["rule_id", "reason"]].to_dict(orient="index")
    )
    rows = []
    for m in tables["trade_matched"].itertuples(index=False):
        trade_id = int(m.trade_id)
        fail = failed.get(trade_id)
        status = "settled" if trade_id in settled else "failed" if fail else "pending"
        rows.append(
            TradeRow(
                run_id=run_id, trade_id=trade_id, matched_t=int(m.t), venue=m.venue, asset=m.asset,
                buyer=m.buyer, seller=m.seller, quantity=int(m.quantity), price=int(m.price),
                status=status,
                settled_t=int(settled[trade_id]) if trade_id in settled else None,
                rule_id=fail["rule_id"] if fail else "", reason=fail["reason"] if fail else "",
            )
        )  # fmt: skip
    return rows


def _set(engine: Any, run_id: int, **values: Any) -> None:
    with Session(engine) as session:
        run = session.get(RunRow, run_id)
        if run is not None and run.status == "running":
            for key, value in values.items():
                setattr(run, key, value)
            session.add(run)
            session.commit()


def _mark_failed(engine: Any, run_id: int, error: str) -> None:
    with Session(engine) as session:
        run = session.get(RunRow, run_id)
        if run is not None and run.status in ("queued", "running"):
            run.status, run.error, run.finished_at = "failed", error[:4_000], utcnow()
            session.add(run)
            session.commit()
