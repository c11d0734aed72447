"""The embedded ledger's carry-over into a fresh EVM: the same state, a short journal, and a
chain that goes on working (reverts, calls, deployments at the next nonce)."""

from __future__ import annotations

import pytest

from simulator.chain.deploy import deploy_market
from simulator.chain.revm_ledger import RevmLedger
from simulator.chain.revm_state import returning, storage_of
from simulator.errors import ChainError, ContractRevert


def _nonzero(ledger: RevmLedger) -> dict[str, set[tuple[int, int]]]:
    return {
        address: {slot for slot in slots if slot[1]}
        for address, slots in storage_of(ledger._evm.journal_str).items()
        if any(value for _, value in slots)
    }


@pytest.fixture
def chain() -> RevmLedger:
    return RevmLedger.start(accounts=8)


def test_carry_over_keeps_every_slot_and_drops_the_journal(chain: RevmLedger):
    market = deploy_market(chain)
    bank = market.roles["settlement bank"]
    holder, other = market.free_accounts[:2]
    chain.transact("CashToken", market.cash, "mint", holder, 1_000, sender=bank)
    chain.transact("CashToken", market.cash, "approve", other, 77, sender=holder)
    before, journal = _nonzero(chain), chain._evm.journal_len

    chain.compact()

    assert chain.carry_overs == 1
    assert chain._evm.journal_len < journal
    assert _nonzero(chain) == before
    assert chain.call("CashToken", market.cash, "balanceOf", holder) == 1_000
    assert chain.call("CashToken", market.cash, "allowance", holder, other) == 77
    chain.transact("CashToken", market.cash, "transfer", other, 400, sender=holder)
    assert chain.call("CashToken", market.cash, "balanceOf", other) == 400
    with pytest.raises(ContractRevert):  # a revert still comes back decoded
        chain.transact("CashToken", market.cash, "transfer", other, 10**9, sender=holder)
    carried = _nonzero(chain)
    chain.compact()  # again: the second carries what the first inserted
    assert _nonzero(chain) == carried
    assert chain.call("CashToken", market.cash, "balanceOf", holder) == 600


def test_deployers_keep_their_nonces_across_a_carry_over(chain: RevmLedger):
    market = deploy_market(chain)
    chain.compact()
    deployer = market.roles["settlement bank"]
    fresh = chain.deploy("CashToken", deployer, sender=chain.accounts[0])
    assert fresh not in {market.cash, market.registry, market.investors}


def test_no_carry_over_while_a_snapshot_is_held(chain: RevmLedger):
    deploy_market(chain)
    chain.snapshot()
    with pytest.raises(ChainError, match="snapshot"):
        chain.compact()


def test_init_code_returns_the_runtime_code_as_it_is():
    runtime = bytes.fromhex("6080604052")
    code = returning(runtime)
    assert code.endswith(runtime) and len(code) == 11 + len(runtime)
    with pytest.raises(ChainError):
        returning(bytes(1 << 16))
