"""Environment settings of the API service (apart from scenarios, which are data)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from simulator.chain.toolchain import PROJECT_ROOT


class Settings(BaseModel):
    """Read from the environment by `from_env`; pass explicitly in tests."""

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'out' / 'stosim.db'}",
        description="SQLAlchemy URL: a SQLite file by default, PostgreSQL via DATABASE_URL",
    )
    scenarios_dir: Path = PROJECT_ROOT / "scenarios"
    max_concurrent_runs: int = Field(1, ge=1, le=16, description="runs executing at once")
    max_queued_runs: int = Field(50, ge=1)
    max_body_bytes: int = Field(1_000_000, ge=1_000)
    sweep_workers: int = Field(2, ge=1, le=64, description="local Dask workers of a sweep")
    max_queued_sweeps: int = Field(5, ge=1, description="sweeps queued or running at once")
    dask_scheduler: str | None = Field(
        None, description="address of a Dask scheduler for sweeps (default: a local cluster)"
    )

    @classmethod
    def from_env(cls) -> Settings:
        values: dict[str, object] = {}
        if url := os.environ.get("DATABASE_URL"):
            values["database_url"] = url
        if runs := os.environ.get("STOSIM_MAX_CONCURRENT_RUNS"):
            values["max_concurrent_runs"] = int(runs)
        if queued := os.environ.get("STOSIM_MAX_QUEUED_RUNS"):
            values["max_queued_runs"] = int(queued)
        if workers := os.environ.get("STOSIM_SWEEP_WORKERS"):
            values["sweep_workers"] = int(workers)
        if sweeps := os.environ.get("STOSIM_MAX_QUEUED_SWEEPS"):
            values["max_queued_sweeps"] = int(sweeps)
        if scheduler := os.environ.get("STOSIM_DASK_SCHEDULER"):
            values["dask_scheduler"] = scheduler
        return cls.model_validate(values)
