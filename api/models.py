"""The store's tables (SQLModel): scenarios, runs and their results, and trades for drill-down.

Metric tables are stored as JSON records, so SQLite and PostgreSQL hold them alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StoreInfo(SQLModel, table=True):
    __tablename__ = "store_info"
    id: int = Field(default=1, primary_key=True)
    schema_version: int = SCHEMA_VERSION


class ScenarioRow(SQLModel, table=True):
    __tablename__ = "scenarios"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=80)
    source: str = Field(max_length=20)  # "builtin" | "uploaded"
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class RunRow(SQLModel, table=True):
    __tablename__ = "runs"
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenarios.id", index=True)
    scenario_name: str = Field(max_length=80)
    label: str = Field(default="", max_length=80)
    seed: int
    ledger: str = Field(default="anvil", max_length=20)
    overrides: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="queued", index=True, max_length=20)
    progress: float = 0.0
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class ResultRow(SQLModel, table=True):
    """One metric table of a finished run."""

    __tablename__ = "results"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    name: str = Field(max_length=40)
    records: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class TradeRow(SQLModel, table=True):
    __tablename__ = "trades"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    trade_id: int
    matched_t: int
    venue: str = Field(max_length=20)
    asset: str = Field(max_length=20)
    buyer: str = Field(max_length=40)
    seller: str = Field(max_length=40)
    quantity: int
    price: int
    status: str = Field(max_length=20)  # settled | failed | pending
    settled_t: int | None = None
    rule_id: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=60)


class SweepRow(SQLModel, table=True):
    """A parameter sweep: grid x seeds, run on Dask; per-task rows and the aggregate table."""

    __tablename__ = "sweeps"
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenarios.id", index=True)
    scenario_name: str = Field(max_length=80)
    grid: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    seeds: int
    ledger: str = Field(max_length=20)
    scheduler: str = Field(default="local", max_length=200)
    status: str = Field(default="queued", index=True, max_length=20)
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
