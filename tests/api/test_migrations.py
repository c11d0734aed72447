"""The store's schema migrations (issue 17, observation 3): a store at schema version 1, as the
first release made it, is brought to the newest version with its data kept; afterwards ids and
seeds are 64-bit, ids are never reused, and the tables are exactly what the models declare."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel

from api.db import init_store, make_engine
from api.migrate import migrate
from api.models import SCHEMA_VERSION, RunRow, ScenarioRow

NOW = dt.datetime(2027, 2, 4, 9, 0)


def _version_1_store(url: str) -> None:
    """Schema version 1 holding a scenario and a finished run."""
    engine = make_engine(url)
    migrate(engine, "0001")
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO scenarios (name, source, document, created_at) "
                 "VALUES ('old', 'uploaded', :doc, :now)"),
            {"doc": '{"name": "old", "question": "why?"}', "now": NOW},
        )  # fmt: skip
        c.execute(
            text("INSERT INTO runs (scenario_id, scenario_name, label, seed, ledger, overrides, "
                 "status, progress, error, created_at) VALUES "
                 "(1, 'old', '', 7, 'anvil', '{}', 'finished', 1.0, '', :now)"),
            {"now": NOW},
        )  # fmt: skip
    engine.dispose()


def test_a_version_1_store_is_migrated_with_its_data(database_url: str):
    _version_1_store(database_url)
    engine = make_engine(database_url)
    init_store(engine)  # what the server does on start-up
    with engine.connect() as c:
        assert c.execute(text("SELECT schema_version FROM store_info")).scalar() == SCHEMA_VERSION
        assert compare_metadata(MigrationContext.configure(c), SQLModel.metadata) == []
    with Session(engine) as session:
        old = session.get(ScenarioRow, 1)
        assert old is not None and old.question == "why?" and len(old.digest) == 64
        kept = session.get(RunRow, 1)
        assert kept is not None and kept.status == "finished" and kept.seed == 7
        newest = RunRow(scenario_id=1, scenario_name="old", seed=2**63 - 1)  # the largest seed
        session.add(newest)
        session.commit()
        session.refresh(newest)
        assert newest.id == 2 and newest.seed == 2**63 - 1
        session.delete(newest)  # the newest run deleted: its id is not handed out again
        session.commit()
        later = RunRow(scenario_id=1, scenario_name="old", seed=2**40)
        session.add(later)
        session.commit()
        assert later.id == 3
    types = {c["name"]: str(c["type"]) for c in inspect(engine).get_columns("runs")}
    if engine.dialect.name == "postgresql":
        assert types["id"] == types["seed"] == types["scenario_id"] == "BIGINT"
        with engine.begin() as c:  # the id sequence goes past 32 bits too
            c.execute(text("SELECT setval('runs_id_seq', :n)"), {"n": 2**40})
        with Session(engine) as session:
            beyond = RunRow(scenario_id=1, scenario_name="old", seed=0)
            session.add(beyond)
            session.commit()
            assert beyond.id == 2**40 + 1
    engine.dispose()


def test_a_store_made_before_migrations_is_recognised_as_version_1(database_url: str):
    _version_1_store(database_url)
    engine = make_engine(database_url)
    with engine.begin() as c:  # the first release had no migration bookkeeping
        c.execute(text("DROP TABLE alembic_version"))
    init_store(engine)
    with Session(engine) as session:
        assert session.get(RunRow, 1) is not None
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert c.execute(text("SELECT schema_version FROM store_info")).scalar() == 2
    engine.dispose()
