"""Shared fixtures: one fresh Anvil per test session, a deployed market, isolation by snapshot."""

from __future__ import annotations

from collections.abc import Iterator

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
    ledger.snapshot()
    yield ledger
    ledger.revert()
