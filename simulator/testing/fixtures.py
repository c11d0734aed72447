"""pytest fixtures with a deployed market, as a plugin: in a conftest.py write
`pytest_plugins = ["simulator.testing.fixtures"]`.

- `ledger`: a fresh chain for the test session, gone at its end; every test that uses it runs
  twice, on Anvil and on the embedded EVM (revm), which must agree;
- `market`: the default market deployed on it (registries, KRW cash, rules, NXT and KDX venues);
- `isolated`: the ledger, with every change a test makes undone afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.chain.brownie_ledger import BrownieLedger
from simulator.chain.deploy import Market, deploy_market
from simulator.chain.ledger import Ledger
from simulator.chain.revm_ledger import RevmLedger
from simulator.chain.toolchain import free_port


@pytest.fixture(scope="session", params=["anvil", "revm"])
def ledger(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    chain = BrownieLedger.start(free_port()) if request.param == "anvil" else RevmLedger.start()
    yield chain
    chain.close()


@pytest.fixture(scope="session")
def market(ledger: Ledger) -> Market:
    return deploy_market(ledger)


@pytest.fixture
def isolated(ledger: Ledger) -> Iterator[Ledger]:
    snapshot = ledger.snapshot()
    yield ledger
    ledger.revert(snapshot)
