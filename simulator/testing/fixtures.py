"""pytest fixtures with a deployed market, as a plugin: in a conftest.py write
`pytest_plugins = ["simulator.testing.fixtures"]`.

- `ledger`: a fresh Anvil for the test session, stopped at its end;
- `market`: the default market deployed on it (registries, KRW cash, rules, NXT and KDX venues);
- `isolated`: the ledger, with every change a test makes undone afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.chain.brownie_ledger import BrownieLedger
from simulator.chain.deploy import Market, deploy_market
from simulator.chain.toolchain import free_port


@pytest.fixture(scope="session")
def ledger() -> Iterator[BrownieLedger]:
    chain = BrownieLedger.start(free_port())
    yield chain
    chain.close()


@pytest.fixture(scope="session")
def market(ledger: BrownieLedger) -> Market:
    return deploy_market(ledger)


@pytest.fixture
def isolated(ledger: BrownieLedger) -> Iterator[BrownieLedger]:
    snapshot = ledger.snapshot()
    yield ledger
    ledger.revert(snapshot)
