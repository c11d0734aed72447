"""Shared fixtures: stosim's own pytest plugin (a fresh Anvil per session, a deployed market,
isolation by snapshot) and the gas report."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = ["simulator.testing.fixtures", "simulator.testing.rule_marker"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--gas-report", action="store_true", help="print gas used per contract function"
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.getoption("--gas-report"):
        return
    from brownie.network.state import TxHistory

    profile = TxHistory().gas_profile
    terminalreporter.section("gas per contract function (brownie's gas profile)")
    terminalreporter.write_line(f"{'function':<44}{'calls':>7}{'avg':>10}{'low':>10}{'high':>10}")
    for name, stats in sorted(profile.items()):
        terminalreporter.write_line(
            f"{name:<44}{stats['count']:>7}{stats['avg']:>10}{stats['low']:>10}{stats['high']:>10}"
        )
