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


def test_batched_transactions_are_all_checked(isolated, market: Market):
    bank, holders = market.roles["settlement bank"], market.free_accounts[:3]
    calls = [("CashToken", market.cash, "mint", (h, 100 + i), bank) for i, h in enumerate(holders)]
    results = isolated.transact_many(calls)
    assert [r.named("Transfer")[0].args["value"] for r in results] == [100, 101, 102]
    assert [isolated.call("CashToken", market.cash, "balanceOf", h) for h in holders] == [
        100,
        101,
        102,
    ]


def test_a_reverting_batched_transaction_raises_its_error(isolated, market: Market):
    import pytest

    from simulator.errors import ContractRevert

    intruder = market.free_accounts[0]
    with pytest.raises(ContractRevert) as exc:
        isolated.transact_many([("CashToken", market.cash, "mint", (intruder, 1), intruder)])
    assert exc.value.error == "AccessControlUnauthorizedAccount"


def test_try_many_puts_each_revert_in_its_place(isolated, market: Market):
    from simulator.chain.ledger import TxResult
    from simulator.errors import ContractRevert

    bank, intruder = market.roles["settlement bank"], market.free_accounts[0]
    outcomes = isolated.try_many(
        [
            ("CashToken", market.cash, "mint", (intruder, 1), intruder),
            ("CashToken", market.cash, "mint", (intruder, 5), bank),
        ]
    )
    assert isinstance(outcomes[0], ContractRevert)
    assert outcomes[0].error == "AccessControlUnauthorizedAccount"
    assert isinstance(outcomes[1], TxResult)
    assert isolated.call("CashToken", market.cash, "balanceOf", intruder) == 5
