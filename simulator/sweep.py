"""Parameter sweeps: every point of a grid of scenario variants, each with several seeds, run as
Dask tasks (each task a fresh ledger of its own), gathered into one table per run and one table
of the mean and 95% confidence interval of every headline metric per grid point.

A local cluster is started by default; `scheduler` points a sweep at an existing Dask scheduler
(and its workers on other machines). Same sweep, same results: rows are ordered by task, not by
when they finished.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from simulator.errors import StosimError
from simulator.scenario import LedgerBackend, Scenario, ScenarioError, parse_scenario

MAX_TASKS = 10_000
_BROWNIE = threading.Lock()
# (tasks done, tasks in all, seconds left or None while unknown)
SweepProgress = Callable[[int, int, float | None], None]


class SweepError(StosimError):
    """A sweep that cannot run: names the option or field at fault and what is allowed."""


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """`FIELD=v1,v2,...` options -> {field: [values]}; values are read as YAML scalars, so
    `0,2` are numbers and `true` a boolean."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise SweepError(
                f"--grid {item!r}: expected FIELD=v1,v2,... (e.g. venues.0.fees.taker_bps=5,10)"
            )
        if name in grid:
            raise SweepError(f"--grid {name}: given twice; list all its values in one option")
        try:
            grid[name] = [yaml.safe_load(v.strip()) for v in values.split(",")]
        except yaml.YAMLError as exc:
            raise SweepError(f"--grid {name}: a value is not a plain scalar: {exc}") from None
    return grid


@dataclass(frozen=True)
class Task:
    index: int
    point: dict[str, Any]  # field path -> value
    seed: int


@dataclass(frozen=True)
class Sweep:
    document: dict[str, Any]  # the scenario as parsed YAML/JSON
    grid: dict[str, list[Any]]
    seeds: int = 1
    ledger: LedgerBackend | None = None
    scenario: Scenario = field(init=False)

    def __post_init__(self) -> None:
        if not 1 <= self.seeds <= 1_000:
            raise SweepError(f"--seeds {self.seeds}: between 1 and 1,000")
        if "seed" in self.grid:
            raise SweepError("--grid seed: seeds are not a grid field; use --seeds N")
        object.__setattr__(self, "scenario", self._variant({}))
        tasks = math.prod(len(v) for v in self.grid.values()) * self.seeds
        if tasks > MAX_TASKS:
            raise SweepError(f"the sweep has {tasks:,} tasks; at most {MAX_TASKS:,}")
        for point in self.points():  # every variant must be a valid scenario before any runs
            self._variant(point)

    def _variant(self, point: dict[str, Any]) -> Scenario:
        try:
            return parse_scenario(self.document, "scenario", point)
        except ScenarioError as exc:
            where = "; ".join(f"{p or 'scenario'}: {m}" for p, m in exc.problems)
            message = f"grid point {point or '(base)'} is not a valid scenario: {where}"
            raise SweepError(message) from None

    def points(self) -> list[dict[str, Any]]:
        names = list(self.grid)
        return [
            dict(zip(names, values, strict=True))
            for values in itertools.product(*self.grid.values())
        ]

    def tasks(self) -> list[Task]:
        """Each point with seeds scenario.seed, scenario.seed + 1, ...: common random numbers, so
        points differ by their parameters, not by their luck."""
        pairs = itertools.product(self.points(), range(self.seeds))
        base = self.scenario.seed
        return [Task(i, point, base + k) for i, (point, k) in enumerate(pairs)]


def run_task(document: dict[str, Any], task: Task, ledger: LedgerBackend | None) -> dict[str, Any]:
    """One task, in a Dask worker: the variant on a fresh ledger; its headline metrics, flat."""
    from simulator.runner import run_scenario

    scenario = parse_scenario(document, "scenario", task.point)
    backend = ledger or scenario.ledger.backend
    started = time.perf_counter()
    if backend == "anvil":
        # brownie keeps one chain connection per process: a worker with several threads runs
        # its Anvil tasks one after another
        with _BROWNIE:
            result = run_scenario(scenario, task.seed, ledger=backend)
    else:
        result = run_scenario(scenario, task.seed, ledger=backend)
    return {
        "task": task.index,
        **task.point,
        "seed": task.seed,
        **flatten(result.summary),
        "wall_s": round(time.perf_counter() - started, 3),
    }


def flatten(summary: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"market_share": {"NXT": 0.6}} -> {"market_share.NXT": 0.6}."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def aggregate(runs: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Per grid point and metric: seeds, mean, standard deviation and the 95% confidence
    interval of the mean (Student's t; a single seed has no interval)."""
    from scipy import stats

    skip = {"task", "seed", "wall_s", *parameters}
    metrics = [c for c in runs.columns if c not in skip and pd.api.types.is_numeric_dtype(runs[c])]
    rows = []
    groups = runs.groupby(parameters, sort=False, dropna=False) if parameters else [((), runs)]
    for key, group in groups:
        values = key if isinstance(key, tuple) else (key,)
        for metric in metrics:
            series = group[metric].dropna()
            n = len(series)
            mean = float(series.mean()) if n else math.nan
            std = float(series.std(ddof=1)) if n > 1 else math.nan
            half = float(stats.t.ppf(0.975, n - 1)) * std / math.sqrt(n) if n > 1 else math.nan
            rows.append(
                {
                    **dict(zip(parameters, values, strict=True)),
                    "metric": metric,
                    "n": n,
                    "mean": mean,
                    "std": std,
                    "ci95_low": mean - half,
                    "ci95_high": mean + half,
                }
            )
    return pd.DataFrame(rows)


@dataclass
class SweepResult:
    runs: pd.DataFrame  # one row per task
    summary: pd.DataFrame  # one row per grid point and metric
    info: dict[str, Any]


def run_sweep(
    sweep: Sweep,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: SweepProgress | None = None,
) -> SweepResult:
    """Run every task on a Dask cluster: the one at `scheduler`, or a local one of `workers`
    processes (default: one per core)."""
    jobs = [(sweep.document, task) for task in sweep.tasks()]
    runs, info = run_jobs(jobs, sweep.ledger, scheduler, workers, progress)
    return SweepResult(runs, aggregate(runs, list(sweep.grid)), info)


def _connect(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """A client of the given scheduler, or of a local cluster of single-threaded processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="5s"), None
        except OSError as exc:
            raise SweepError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,  # the nannies' start-up and shut-down chatter
    )
    return Client(cluster), cluster


def _with_zeros(runs: pd.DataFrame) -> pd.DataFrame:
    refusals = [c for c in runs.columns if c.startswith("refusals.")]
    runs[refusals] = runs[refusals].fillna(0)  # a rule never triggered refused nothing
    # a venue without settled trades in a run that has some holds a share of 0, not none
    shares = [c for c in runs.columns if c.startswith("market_share.")]
    settled = runs["total_settled_value_krw"] > 0
    runs.loc[settled, shares] = runs.loc[settled, shares].fillna(0.0)
    return runs


def run_jobs(
    jobs: list[tuple[dict[str, Any], Task]],
    ledger: LedgerBackend | None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: SweepProgress | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each (scenario document, task) as a Dask task; one row per task, ordered by task index,
    and the run's figures (tasks, workers, wall time, throughput)."""
    from distributed import as_completed

    started = time.perf_counter()
    client, cluster = _connect(scheduler, workers)
    try:
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            raise SweepError(f"--scheduler {scheduler}: no worker joined it within 60 s") from None
        n_workers = len(client.scheduler_info()["workers"])
        futures = [
            client.submit(run_task, document, task, ledger, pure=False) for document, task in jobs
        ]
        rows: list[dict[str, Any]] = []
        if progress:
            progress(0, len(jobs), None)
        for future in as_completed(futures):
            rows.append(future.result())
            if progress:
                elapsed = time.perf_counter() - started
                left = elapsed / len(rows) * (len(jobs) - len(rows))
                progress(len(rows), len(jobs), left)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    runs = _with_zeros(pd.DataFrame(rows).sort_values("task", ignore_index=True))
    wall = time.perf_counter() - started
    info = {
        "tasks": len(jobs),
        "workers": n_workers,
        "scheduler": scheduler or "local",
        "wall_s": round(wall, 3),
        "tasks_per_s": round(len(jobs) / wall, 4),
    }
    return runs, info


def paired_to_first(runs: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Each grid point against the first, seed by seed (every point has the same seeds): the
    mean difference of every headline metric with its 95% interval and a verdict."""
    from simulator.headlines import HEADLINES
    from simulator.stats import paired

    if not parameters:
        return pd.DataFrame()
    groups = list(runs.groupby(parameters, sort=False, dropna=False))
    (_, first), rows = groups[0], []
    for key, group in groups[1:]:
        values = key if isinstance(key, tuple) else (key,)
        arm = ", ".join(f"{p}={v}" for p, v in zip(parameters, values, strict=True))
        both = first.merge(group, on="seed", suffixes=("_base", "_arm"))
        for head in HEADLINES:
            if f"{head.key}_base" in both:
                result = paired(both[f"{head.key}_base"], both[f"{head.key}_arm"])
                rows.append({"arm": arm, "metric": head.key, **result.row()})
    return pd.DataFrame(rows)
