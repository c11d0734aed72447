"""The store's tables (SQLModel): scenarios, runs and their results, and trades for drill-down.

Metric tables are stored as JSON records, so SQLite and PostgreSQL hold them alike. Ids, seeds
and quantities are 64-bit on every store; ids are never reused (AUTOINCREMENT on SQLite, a
sequence on PostgreSQL), so an old link never shows a newer run. The schema changes only through
the migrations in api/migrations (SCHEMA_VERSION is the newest one's number)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer, Text
from sqlmodel import Field, SQLModel

from api.statuses import RunStatus, SweepStatus

SCHEMA_VERSION = 2
# SQLite's AUTOINCREMENT needs the key declared INTEGER (its integers are 64-bit anyway)
BigKey = BigInteger().with_variant(Integer(), "sqlite")
NEVER_REUSED = {"sqlite_autoincrement": True}


def key() -> Any:
    return Field(default=None, sa_type=BigKey, primary_key=True)


def ref(target: str) -> Any:
    return Field(foreign_key=target, index=True, sa_type=BigInteger)


def big(default: Any = ..., **kwargs: Any) -> Any:
    return Field(default, sa_type=BigInteger, **kwargs)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StoreInfo(SQLModel, table=True):
    __tablename__ = "store_info"
    id: int = Field(default=1, primary_key=True)
    schema_version: int = SCHEMA_VERSION


class ScenarioRow(SQLModel, table=True):
    __tablename__ = "scenarios"
    __table_args__ = NEVER_REUSED
    id: int | None = key()
    name: str = Field(index=True, max_length=80)
    source: str = Field(max_length=20)  # "builtin" | "uploaded"
    # kept apart from the document so that listing scenarios never reads documents
    question: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    digest: str = Field(default="", index=True, max_length=64)  # sha256 of the document's JSON
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class RunRow(SQLModel, table=True):
    __tablename__ = "runs"
    __table_args__ = NEVER_REUSED
    id: int | None = key()
    scenario_id: int = ref("scenarios.id")
    scenario_name: str = Field(max_length=80)
    label: str = Field(default="", max_length=80)
    seed: int = big()
    ledger: str = Field(default="anvil", max_length=20)
    overrides: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=RunStatus.QUEUED, index=True, max_length=20)
    phase: str = Field(default="", max_length=20)  # within running: starting | simulating | storing
    owner: str | None = Field(default=None, max_length=40)  # the server executing it
    progress: float = 0.0
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class ResultRow(SQLModel, table=True):
    """One metric table of a finished run."""

    __tablename__ = "results"
    __table_args__ = NEVER_REUSED
    id: int | None = key()
    run_id: int = ref("runs.id")
    name: str = Field(max_length=40)
    records: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class TradeRow(SQLModel, table=True):
    __tablename__ = "trades"
    __table_args__ = NEVER_REUSED
    id: int | None = key()
    run_id: int = ref("runs.id")
    trade_id: int = big()
    matched_t: int = big()
    venue: str = Field(max_length=20)
    asset: str = Field(max_length=20)
    buyer: str = Field(max_length=40)
    seller: str = Field(max_length=40)
    quantity: int = big()
    price: int = big()
    status: str = Field(max_length=20)  # a TradeStatus
    settled_t: int | None = big(None)
    rule_id: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=60)


class SweepRow(SQLModel, table=True):
    """A parameter sweep: grid x seeds, run on Dask; per-task rows and the aggregate table."""

    __tablename__ = "sweeps"
    __table_args__ = NEVER_REUSED
    id: int | None = key()
    scenario_id: int = ref("scenarios.id")
    scenario_name: str = Field(max_length=80)
    grid: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    seeds: int
    ledger: str = Field(max_length=20)
    scheduler: str = Field(default="local", max_length=200)
    status: str = Field(default=SweepStatus.QUEUED, index=True, max_length=20)
    owner: str | None = Field(default=None, max_length=40)
    tasks_total: int = 0
    tasks_done: int = 0
    eta_s: float | None = None
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    info: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    runs: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    summary: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class ServerRow(SQLModel, table=True):
    """A server using the store: its runs are its own until it stops beating (see api/presence)."""

    __tablename__ = "servers"
    id: str = Field(primary_key=True, max_length=40)
    host: str = Field(max_length=255)
    pid: int = big()
    started_at: dt.datetime = Field(default_factory=utcnow)
    seen_at: dt.datetime = Field(default_factory=utcnow)
