"""The store: engine from the settings, schema created (and versioned) on start-up, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlmodel import Session, SQLModel, col, create_engine, func, select

from api.models import SCHEMA_VERSION, RunRow, ScenarioRow, StoreInfo, SweepRow, utcnow

UNFINISHED = ("queued", "running")
Row = TypeVar("Row", RunRow, SweepRow)


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _wal(connection, _record):
            # readers and the run processes' writers do not block each other
            connection.execute("PRAGMA journal_mode=WAL")

        return engine
    return create_engine(database_url, pool_pre_ping=True)


def init_store(engine: Engine) -> int:
    """Create missing tables, record the schema version, and mark runs that were in flight when
    the server last stopped as interrupted. Returns how many were interrupted."""
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        info = session.get(StoreInfo, 1)
        if info is None:
            session.add(StoreInfo(id=1, schema_version=SCHEMA_VERSION))
        elif info.schema_version > SCHEMA_VERSION:
            raise RuntimeError(
                f"the store has schema version {info.schema_version}, "
                f"newer than this stosim's {SCHEMA_VERSION}"
            )
        stuck = session.exec(select(RunRow).where(RunRow.status.in_(UNFINISHED))).all()  # type: ignore[attr-defined]
        for run in stuck:
            run.status = "interrupted"
            run.error = "the server stopped while this run was in flight"
            run.finished_at = utcnow()
            session.add(run)
        sweeps = session.exec(select(SweepRow).where(col(SweepRow.status).in_(UNFINISHED))).all()
        for sweep in sweeps:
            sweep.status = "interrupted"
            sweep.error = "the server stopped while this sweep was in flight"
            sweep.finished_at = utcnow()
            session.add(sweep)
        session.commit()
        return len(stuck)


def store_scenario(
    session: Session, name: str, source: str, document: dict[str, Any]
) -> ScenarioRow:
    row = ScenarioRow(name=name, source=source, document=document)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


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
