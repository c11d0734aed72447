"""Environment settings of the API service (apart from scenarios, which are data).

Every field can be set from the environment: `DATABASE_URL`, and `STOSIM_<FIELD>` for the rest
(e.g. `STOSIM_MAX_RUN_ORDERS=2000000`, `STOSIM_API_TOKENS=one,two`); lists are comma-separated."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from simulator.chain.toolchain import PROJECT_ROOT
from simulator.workload import Limits

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]


# Not pydantic-settings: every version of it needs python-dotenv >= 0.21, and eth-brownie pins
# python-dotenv 0.16.0, so pip cannot install both. `from_env` reads the same variables.
class Settings(BaseModel):
    """Read from the environment by `from_env`; pass explicitly in tests."""

    model_config = ConfigDict(extra="forbid")
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'out' / 'stosim.db'}",
        description="SQLAlchemy URL: a SQLite file by default, PostgreSQL via DATABASE_URL",
    )
    scenarios_dir: Path = PROJECT_ROOT / "scenarios"
    max_concurrent_runs: int = Field(1, ge=1, le=16, description="runs executing at once")
    max_queued_runs: int = Field(50, ge=1, le=10_000)
    max_body_bytes: int = Field(1_000_000, ge=1_000, le=100_000_000)
    # what one run may ask for (simulator/workload.py estimates it before admission)
    max_run_orders: int = Field(1_000_000, ge=1, description="investors x orders_per_day x days")
    max_run_investors: int = Field(2_000, ge=1, description="each investor is a chain account")
    max_run_days: int = Field(400, ge=1)
    max_run_assets: int = Field(20, ge=1)
    max_run_memory_bytes: int = Field(4 * 2**30, ge=2**20, description="estimated peak memory")
    max_run_seconds: float = Field(1_800, gt=0, description="estimated wall time")
    max_sweep_tasks: int = Field(400, ge=1, description="grid points x seeds of one sweep")
    max_sweep_orders: int = Field(10_000_000, ge=1, description="orders of all a sweep's tasks")
    sweep_workers: int = Field(2, ge=1, le=64, description="local Dask workers of a sweep")
    max_queued_sweeps: int = Field(5, ge=1, description="sweeps queued or running at once")
    dask_scheduler: str | None = Field(
        None, description="address of a Dask scheduler for sweeps (default: a local cluster)"
    )
    api_tokens: list[str] = Field(
        [], description="if set, writes and deletes need 'Authorization: Bearer <token>'"
    )
    allowed_hosts: list[str] = Field(
        LOOPBACK_HOSTS,
        description="Host headers served (DNS-rebinding guard); '*' serves any",
    )

    def run_limits(self) -> Limits:
        return Limits(
            orders=self.max_run_orders, investors=self.max_run_investors, days=self.max_run_days,
            assets=self.max_run_assets, bytes=self.max_run_memory_bytes,
            seconds=self.max_run_seconds,
        )  # fmt: skip

    @classmethod
    def from_env(cls) -> Settings:
        values: dict[str, object] = {}
        for name, field in cls.model_fields.items():
            variable = "DATABASE_URL" if name == "database_url" else f"STOSIM_{name.upper()}"
            raw = os.environ.get(variable)
            if not raw:
                continue
            if field.annotation == list[str]:
                values[name] = [item.strip() for item in raw.split(",") if item.strip()]
            else:
                values[name] = raw
        return cls.model_validate(values)
