"""The store: engine from the settings (with a one-line error when it cannot be used), the schema
migrated on start-up, the admission lock, and small query helpers."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event, exc, make_url, text
from sqlmodel import Session, col, create_engine, func, select

from api.models import RunRow, ScenarioRow, SweepRow
from api.statuses import UNFINISHED
from simulator.errors import StosimError

Row = TypeVar("Row", RunRow, SweepRow)
ADMISSION_LOCK = 0x5701_5100  # PostgreSQL advisory lock key of run and sweep admission
_admitting = threading.Lock()  # within one server: queue behind each other, not SQLite's timeout


class StoreError(StosimError):
    """The store cannot be used (bad URL, unreachable server, wrong credentials, newer schema)."""


def describe(database_url: str) -> str:
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return repr(database_url)


def make_engine(database_url: str) -> Engine:
    try:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _wal(connection, _record):
                # readers and the run processes' writers do not block each other
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")

            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError, OSError) as error:
        raise StoreError(f"DATABASE_URL {describe(database_url)} is not usable: {error}") from None


def check_reachable(engine: Engine) -> None:
    """Connect once; a failure becomes one line naming the store and the cause."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except exc.DBAPIError as error:
        cause = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise StoreError(f"cannot open the store {describe(str(engine.url))}: {cause}") from None


def init_store(engine: Engine) -> None:
    """Bring the schema to this stosim's version (Alembic migrations), then mark the runs and
    sweeps of servers that are gone as interrupted (never those of a live server)."""
    from api.migrate import migrate
    from api.presence import reap

    check_reachable(engine)
    migrate(engine)
    reap(engine, None)


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def store_scenario(
    session: Session, name: str, source: str, document: dict[str, Any]
) -> ScenarioRow:
    """The stored scenario with this name, source and exact document, or a new one (flushed, not
    committed: the caller commits it with whatever else the request stores)."""
    key = digest(document)
    query = select(ScenarioRow).where(
        ScenarioRow.digest == key, ScenarioRow.name == name, ScenarioRow.source == source
    )
    found = session.exec(query).first()
    if found is not None:
        return found
    row = ScenarioRow(
        name=name, source=source, document=document, digest=key,
        question=str(document.get("question", "")),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


@contextmanager
def admission(session: Session) -> Iterator[None]:
    """Count and insert under one lock, held until the session commits or rolls back, so that
    no bound is exceeded by requests racing each other, on any number of servers."""
    with _admitting:
        try:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMISSION_LOCK})
            else:  # a write first: SQLite's single writer lock, taken before anything is counted
                session.execute(text("UPDATE store_info SET id = id WHERE id = 1"))
            yield
        except BaseException:
            session.rollback()
            raise


def unfinished(session: Session, model: type[RunRow] | type[SweepRow]) -> int:
    """How many runs (or sweeps) are queued or running."""
    query = select(func.count()).select_from(model).where(col(model.status).in_(UNFINISHED))
    return int(session.exec(query).one())


def newest_first(
    session: Session, model: type[Row], offset: int, limit: int
) -> tuple[list[Row], int]:
    """A page of a table's rows, newest first, and how many rows it has in all."""
    total = session.exec(select(func.count()).select_from(model)).one()
    query = select(model).order_by(col(model.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query).all()), int(total)


def sessions(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
