"""The API's request and response shapes (kept apart from the store's tables)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.statuses import RunStatus, SweepStatus, TradeStatus
from simulator.scenario import FeeSchedule

MAX_ID = 2**53  # ids and offsets stay within what every store's integer columns and JSON hold
RunPhase = Literal["", "starting", "simulating", "storing"]


class ErrorBody(BaseModel):
    detail: str


class Problem(BaseModel):
    field: str = Field(description="dotted path of the field, '' for the whole document")
    message: str


class Validation(BaseModel):
    valid: bool
    name: str | None = None
    problems: list[Problem] = []


class ScenarioPublic(BaseModel):
    id: int
    name: str
    source: str
    question: str
    created_at: dt.datetime


class ScenarioDetail(ScenarioPublic):
    document: dict[str, Any]


class ScenarioDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: dict[str, Any] = Field(description="the scenario as JSON")


class ScenarioYaml(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(max_length=900_000, description="the scenario as YAML text")


# exactly one of the two (the schema says so: a body with both, or neither, matches no branch)
ScenarioUpload = Annotated[
    ScenarioDocument | ScenarioYaml,
    Field(description="a scenario as JSON ('document') or as YAML text ('yaml'), exactly one"),
]


class ScenarioChoice(BaseModel):
    """A request that names its scenario: a stored one, or a whole document (exactly one)."""

    scenario_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="a stored scenario (built-in or uploaded)"
    )
    scenario: dict[str, Any] | None = Field(None, description="or a whole scenario document")


class RunCreate(ScenarioChoice):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scenario_id": 1,
                    "seed": 7,
                    "overrides": {"venues.0.settlement_days": 0, "market.days": 5},
                }
            ]
        },
    )
    seed: int | None = Field(None, ge=0, lt=2**63, description="default: the scenario's seed")
    overrides: dict[str, Any] = Field({}, description="dotted field path -> value")
    label: str = Field("", max_length=80)


class RunPublic(BaseModel):
    id: int
    scenario_id: int
    scenario_name: str
    label: str
    seed: int
    ledger: str
    overrides: dict[str, Any]
    status: RunStatus
    phase: RunPhase = Field(
        description="while running: starting (chain, contracts, accounts), "
        "simulating (progress counts), storing"
    )
    progress: float
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None
    summary: dict[str, Any] | None


class RunList(BaseModel):
    data: list[RunPublic]
    count: int


class Table(BaseModel):
    run_id: int
    name: str
    rows: list[dict[str, Any]]


class TradePublic(BaseModel):
    trade_id: int
    matched_t: int
    venue: str
    asset: str
    buyer: str
    seller: str
    quantity: int
    price: int
    status: TradeStatus
    settled_t: int | None
    rule_id: str
    reason: str


class TradePage(BaseModel):
    run_id: int
    offset: int
    limit: int
    total: int
    data: list[TradePublic]


class Comparison(BaseModel):
    runs: list[RunPublic]
    metrics: list[dict[str, Any]] = Field(
        description="one row per metric: values per run and differences"
    )


class FeeStructure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=40)
    fees: FeeSchedule


class FeeComparisonCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scenario_id": 1,
                    "seed": 7,
                    "structures": [
                        {"label": "maker-taker", "fees": {"maker_bps": 0, "taker_bps": 20}},
                        {"label": "flat", "fees": {"flat_fee": 1000}},
                    ],
                }
            ]
        },
    )
    scenario_id: int = Field(ge=1, le=MAX_ID)
    seed: int | None = Field(None, ge=0, lt=2**63)
    structures: list[FeeStructure] = Field(min_length=1, max_length=8)
    overrides: dict[str, Any] = {}


class FeeComparisonStarted(BaseModel):
    run_ids: list[int]
    comparison: str = Field(
        description="GET this to read the comparison (complete when all runs finished)"
    )


class SweepCreate(ScenarioChoice):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scenario_id": 1,
                    "grid": {"venues.0.settlement_days": [0, 2], "market.days": [5]},
                    "seeds": 3,
                    "ledger": "revm",
                }
            ]
        },
    )
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(
        min_length=1,
        description="dotted field path -> the values to try; every combination is a grid point",
    )
    seeds: int = Field(3, ge=1, le=100, description="seeds per grid point")
    ledger: Literal["anvil", "revm"] | None = Field(
        "revm", description="the ledger of every task; null: the scenario's own"
    )


class SweepPublic(BaseModel):
    id: int
    scenario_id: int
    scenario_name: str
    grid: dict[str, Any]
    seeds: int
    ledger: str
    scheduler: str
    status: SweepStatus
    tasks_total: int
    tasks_done: int
    eta_s: float | None = Field(description="estimated seconds left while running")
    error: str
    info: dict[str, Any] | None = Field(description="workers, wall time, tasks per second")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class SweepList(BaseModel):
    data: list[SweepPublic]
    count: int


class SweepResults(BaseModel):
    id: int
    status: SweepStatus
    summary: list[dict[str, Any]] = Field(
        description="per grid point and metric: n, mean, std, ci95_low, ci95_high"
    )
    runs: list[dict[str, Any]] = Field(description="one row per task: parameters, seed, metrics")


class PoolState(BaseModel):
    workers: int = Field(description="runs executing at once, at most")
    running: int
    queued: int
    dispatcher: Literal["alive", "stopped"]
    processes_died: int = Field(description="run processes that died since the server started")
    dispatcher_restarts: int


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    active_runs: int
    pool: PoolState
