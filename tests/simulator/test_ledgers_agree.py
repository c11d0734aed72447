"""The embedded ledger (revm) and Anvil execute the same compiled contracts: for the same
scenario and seed they must produce exactly the same event log and metrics."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.isolation import run_isolated
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    "name", ["baseline-2027", "t0-dvp", "thin-real-estate-vs-music", "fees-maker-taker"]
)
def test_revm_and_anvil_give_identical_logs_and_metrics(name: str):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    on_anvil = run_isolated(scenario, ledger="anvil")
    on_revm = run_scenario(scenario, ledger="revm")  # in-process: no chain connection to share

    assert len(on_revm.log) == len(on_anvil.log) > 100
    # repr: a NaN mid quote never equals itself, but prints the same
    assert [repr(e) for e in on_revm.log] == [repr(e) for e in on_anvil.log]
    assert on_revm.summary == on_anvil.summary
    assert on_revm.metrics.keys() == on_anvil.metrics.keys()
    for table, frame in on_anvil.metrics.items():
        pd.testing.assert_frame_equal(on_revm.metrics[table], frame, obj=table)
    assert not on_anvil.tables["trade_settled"].empty
