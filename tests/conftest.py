"""Shared fixtures: one fresh Anvil per test session, a deployed market, isolation by snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.chain.brownie_ledger import BrownieLedger
from simulator.chain.deploy import Market, deploy_market


@pytest.fixture(scope="session")
def ledger() -> Iterator[BrownieLedger]:
    """A fresh Anvil on a free port, stopped when the session ends."""
    from simulator.chain.toolchain import free_port

    chain = BrownieLedger.start(free_port())
    yield chain
    chain.close()


@pytest.fixture(scope="session")
def market(ledger: BrownieLedger) -> Market:
    """The default market (two venues, all rules on), deployed once per session."""
    return deploy_market(ledger)


@pytest.fixture
def isolated(ledger: BrownieLedger) -> Iterator[BrownieLedger]:
    """Undo whatever a test does to the chain."""
    snapshot = ledger.snapshot()
    yield ledger
    ledger.revert(snapshot)


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
