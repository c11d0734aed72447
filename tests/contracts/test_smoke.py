"""Smoke test: the suite compiles, deploys to Anvil and answers calls."""

from __future__ import annotations

from simulator.chain.deploy import Market


def test_deployed_market_answers(ledger, market: Market):
    assert ledger.call("CashToken", market.cash, "decimals") == 0
    assert ledger.call("MarketRegistry", market.registry, "venueLicenceCount") == 2
    for venue in market.venues.values():
        assert ledger.call("MarketRegistry", market.registry, "isVenue", venue["address"])


def test_bank_mints_cash(isolated, market: Market):
    bank, holder = market.roles["settlement bank"], market.free_accounts[0]
    tx = isolated.transact("CashToken", market.cash, "mint", holder, 1_000, sender=bank)
    assert tx.named("Transfer")[0].args["value"] == 1_000
    assert isolated.call("CashToken", market.cash, "balanceOf", holder) == 1_000
