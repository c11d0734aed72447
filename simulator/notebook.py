"""The Python API for notebooks and scripts (`import stosim`): run a scenario, get DataFrames.

import stosim
result = stosim.run("scenarios/baseline-2027.yaml", seed=7,
                    overrides={"venues.0.settlement_days": 0})
result.summary                  # headline figures (dict)
result.metrics["liquidity"]     # metric tables (pandas DataFrames)
result.events["trade_matched"]  # the event log, with run_id, seed and calendar time (KST)
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.events import EVENT_TYPES
from simulator.output import event_frame, run_id, write_run
from simulator.runner import RunResult, run_scenario
from simulator.scenario import LedgerBackend, Scenario, load_scenario, parse_scenario


@dataclass
class Result:
    """One run: its headline summary, metric tables and event tables."""

    scenario: Scenario
    seed: int
    run_id: str
    summary: dict[str, Any]
    metrics: dict[str, pd.DataFrame]
    events: dict[str, pd.DataFrame]
    raw: RunResult

    def save(self, directory: str | Path) -> Path:
        """Write the run as `stosim run` does (Parquet, CSV, summary.json, scenario.yaml)."""
        target = Path(directory)
        write_run(self.raw, target)
        return target

    def __repr__(self) -> str:
        return f"<stosim run {self.run_id}: {self.scenario.name}, seed {self.seed}>"


def run(
    scenario: str | Path | Scenario | dict[str, Any],
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    ledger: LedgerBackend | None = None,
    quiet: bool = True,
) -> Result:
    """Run a scenario (a file, a parsed Scenario or a dict as in YAML) with optional dotted-path
    overrides; the same scenario and seed always give the same results."""
    if isinstance(scenario, Scenario):
        loaded = parse_scenario(
            scenario.model_dump(mode="json", by_alias=True), "scenario", overrides
        )
    elif isinstance(scenario, dict):
        loaded = parse_scenario(scenario, "scenario", overrides)
    else:
        loaded = load_scenario(scenario, overrides)
    held = io.StringIO()
    with (
        contextlib.redirect_stdout(held) if quiet else contextlib.nullcontext(),
        contextlib.redirect_stderr(held) if quiet else contextlib.nullcontext(),
    ):
        result = run_scenario(loaded, seed, ledger=ledger)
    rid = run_id(loaded, result.seed)
    start = loaded.market.start
    events = {
        et.kind: event_frame(result.tables[et.kind], et, rid, result.seed, start)
        for et in EVENT_TYPES
    }
    return Result(loaded, result.seed, rid, result.summary, result.metrics, events, result)


def study(path: str | Path, seeds: int | None = None, workers: int | None = None) -> Any:
    """Run a study file (see studies/); returns its runs and paired differences as DataFrames
    (`.runs`, `.differences`)."""
    from simulator.study import load_study, run_study

    loaded = load_study(Path(path))
    if seeds is not None:
        loaded = loaded.with_seeds(seeds)
    return run_study(loaded, workers=workers)
