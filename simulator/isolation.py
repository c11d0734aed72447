"""Run a scenario in a process of its own: brownie holds one chain connection per process, so a
run that must not disturb (or be disturbed by) the caller's chain gets a fresh process."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from simulator.runner import RunResult, run_scenario
from simulator.scenario import LedgerBackend, Scenario


def run_isolated(
    scenario: Scenario, seed: int | None = None, ledger: LedgerBackend | None = None
) -> RunResult:
    """run_scenario in a fresh child process (spawned, so no chain state is inherited)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(run_scenario, scenario, seed, None, ledger).result()
