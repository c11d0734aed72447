"""Shared fixtures: stosim's own pytest plugin (a fresh Anvil per session, a deployed market,
isolation by snapshot) and the gas report."""

from __future__ import annotations

import pytest

pytest_plugins = ["simulator.testing.fixtures", "simulator.testing.rule_marker"]


# Left out of the quick tier (`./run-tests --quick`, i.e. -m "not slow"): the API's tests (each
# starts servers, run processes or a browser), whole modules that run scenarios, studies, sweeps,
# schemathesis or slither, and every test's Anvil twin (the embedded ledger gives the same
# results: tests/simulator/test_ledgers_agree.py checks it in the full run).
SLOW = (
    "tests/api/",
    "tests/cli/test_cli_run.py",
    "tests/contracts/test_market_state.py",
    "tests/contracts/test_static_analysis.py",
    "tests/simulator/test_design_questions.py",
    "tests/simulator/test_ledgers_agree.py",
    "tests/simulator/test_literature.py",
    "tests/simulator/test_run.py",
    "tests/simulator/test_study.py",
    "tests/simulator/test_sweep.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(item, "callspec", None)
        on_anvil = params is not None and params.params.get("ledger") == "anvil"
        if item.nodeid.startswith(SLOW) or on_anvil:
            item.add_marker(pytest.mark.slow)
