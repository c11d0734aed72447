"""Which server executes which run: each server registers in the store and beats every few
seconds. Runs and sweeps left unfinished by a server that is gone (its process has ended on this
host, or it stopped beating) are marked interrupted; a live server's runs are never touched, so
a second server on the same store leaves the first one's runs alone."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid

import psutil
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.models import RunRow, ServerRow, SweepRow, utcnow
from api.statuses import UNFINISHED, RunStatus

log = logging.getLogger("stosim.api")
BEAT_S = 5.0
STALE_S = 30.0  # a server on another host that has not beaten for this long is gone
HOST = socket.gethostname()[:255]


class Presence:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.id = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="stosim-presence")

    def start(self) -> Presence:
        with Session(self.engine) as session:
            session.add(ServerRow(id=self.id, host=HOST, pid=os.getpid()))
            session.commit()
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._stop.wait(BEAT_S):
            try:
                with Session(self.engine) as session:
                    row = session.get(ServerRow, self.id)
                    if row is None:  # removed by someone who thought us gone: come back
                        row = ServerRow(id=self.id, host=HOST, pid=os.getpid())
                    row.seen_at = utcnow()
                    session.add(row)
                    session.commit()
                reap(self.engine, self.id)
            except Exception:  # a store hiccup must not end the beat
                log.exception("presence beat failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)  # a beat in progress must not bring the row back
        with Session(self.engine) as session:
            row = session.get(ServerRow, self.id)
            if row is not None:
                session.delete(row)
                session.commit()


def _alive(server: ServerRow | None, now: dt.datetime) -> bool:
    if server is None:
        return False
    seen = server.seen_at if server.seen_at.tzinfo else server.seen_at.replace(tzinfo=dt.UTC)
    if (now - seen).total_seconds() > STALE_S:
        return False
    return server.host != HOST or psutil.pid_exists(server.pid)


def reap(engine: Engine, me: str | None) -> int:
    """Mark unfinished runs and sweeps of servers that are gone as interrupted; forget those
    servers. Returns how many runs and sweeps were marked."""
    now = utcnow()
    marked = 0
    with Session(engine) as session:
        servers = {s.id: s for s in session.exec(select(ServerRow)).all()}
        gone = {sid for sid, s in servers.items() if sid != me and not _alive(s, now)}
        unfinished: list[RunRow | SweepRow] = [
            *session.exec(select(RunRow).where(col(RunRow.status).in_(UNFINISHED))).all(),
            *session.exec(select(SweepRow).where(col(SweepRow.status).in_(UNFINISHED))).all(),
        ]
        for row in unfinished:
            if row.owner == me or (row.owner in servers and row.owner not in gone):
                continue
            what = "run" if isinstance(row, RunRow) else "sweep"
            row.status, row.finished_at = RunStatus.INTERRUPTED, now
            row.error = f"the server stopped while this {what} was in flight"
            session.add(row)
            marked += 1
        for sid in gone:
            session.delete(servers[sid])
        session.commit()
    return marked
