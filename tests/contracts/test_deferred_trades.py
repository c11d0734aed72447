"""A deferred trade is stored as one hash of the leg and due date the venue accepted
(contracts/venue/DeferredTrades.sol); KSD passes the trade back at finalization (KR-SET-1), and
anything but exactly what the venue accepted refuses the whole call and moves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak

from simulator.chain.deferred import PendingTrade, pending_trade
from simulator.errors import ContractRevert, RuleViolation

from .conftest import Scene, expect_rule

PENDING_TRADE = "((uint256,address,address,address,uint256,uint256,uint256,uint256,bool),uint64)"
PENDING, SETTLED = 1, 2
LEG = ["tradeId", "token", "buyer", "seller", "quantity", "price", "buyerFee", "sellerFee"]
FIELDS = [*LEG, "buyerIsMaker", "due"]


def _accept(scene: Scene, quantity: int = 10) -> tuple[str, str, PendingTrade]:
    """A T+2 trade accepted: (seller, buyer, the trade as accepted)."""
    scene.tx("Venue", scene.venue(), "setSettlementDays", 2, sender=scene.operator())
    seller, buyer = scene.investors[:2]
    scene.mint(seller, 100)
    scene.fund(buyer, 2_000_000)
    accepted = scene.trade(buyer, seller, quantity).named("TradeAccepted")[0].args
    return seller, buyer, pending_trade(accepted)


def _holdings(scene: Scene, *accounts: str) -> list[int]:
    return [f(a) for a in accounts for f in (scene.balance, scene.cash)]


def _finalize(scene: Scene, trades: list[Any]) -> Any:
    return scene.tx("Venue", scene.venue(), "finalize", trades, sender=scene.ksd)


def _tampered(trade: PendingTrade, field: int, scene: Scene) -> PendingTrade:
    """`trade` with one field changed: 0-8 the leg's, 9 the due date (earlier)."""
    leg, due = list(trade[0]), trade[1]
    if field == 9:
        return tuple(leg), due - 1  # type: ignore[return-value]
    other = {1: scene.market.cash, 2: scene.investors[2], 3: scene.investors[2]}
    if field in other:
        leg[field] = other[field]
    elif field == 8:
        leg[field] = not leg[field]
    else:
        leg[field] += 1
    return tuple(leg), due  # type: ignore[return-value]


@pytest.mark.rule("KR-SET-1")
def test_an_accepted_trade_is_stored_as_one_hash_and_settles_when_passed_back(scene: Scene):
    seller, buyer, trade = _accept(scene)
    venue, trade_id = scene.venue(), trade[0][0]
    commitment = scene.call("Venue", venue, "pendingCommitment", trade_id)
    assert commitment == keccak(encode([PENDING_TRADE], [trade]))
    assert scene.call("Venue", venue, "commitmentOf", trade) == commitment
    assert scene.call("Venue", venue, "tradeStatus", trade_id) == PENDING
    scene.ledger.set_time(trade[1])
    tx = _finalize(scene, [trade])
    assert [e.args["tradeId"] for e in tx.named("TradeSettled")] == [trade_id]
    assert scene.balance(buyer) == 10 and scene.balance(seller) == 90
    assert scene.call("Venue", venue, "pendingCommitment", trade_id) == bytes(32), "cleared"
    assert scene.call("Venue", venue, "tradeStatus", trade_id) == SETTLED


@pytest.mark.rule("KR-SET-1")
@pytest.mark.parametrize("field", range(len(FIELDS)), ids=FIELDS)
def test_a_trade_not_exactly_as_accepted_refuses_the_whole_call(scene: Scene, field: int):
    seller, buyer, trade = _accept(scene)
    _, _, other = _accept(scene, quantity=5)  # a genuine trade in the same call moves neither
    scene.ledger.set_time(max(trade[1], other[1]))
    before = _holdings(scene, buyer, seller)
    with pytest.raises(ContractRevert) as exc:
        _finalize(scene, [other, _tampered(trade, field, scene)])
    assert exc.value.error == "UnknownPendingTrade"
    assert _holdings(scene, buyer, seller) == before
    for t in (trade, other):
        assert scene.call("Venue", scene.venue(), "tradeStatus", t[0][0]) == PENDING
    assert len(_finalize(scene, [trade, other]).named("TradeSettled")) == 2


@pytest.mark.rule("KR-SET-1")
def test_a_repeat_in_one_call_settles_once_and_a_tampered_repeat_refuses_all(scene: Scene):
    _, buyer, trade = _accept(scene)
    scene.ledger.set_time(trade[1])
    with pytest.raises(ContractRevert) as exc:
        _finalize(scene, [trade, _tampered(trade, 4, scene)])
    assert exc.value.error == "UnknownPendingTrade"
    assert scene.balance(buyer) == 0
    tx = _finalize(scene, [trade, trade])
    assert len(tx.named("TradeSettled")) == 1 and len(tx.named("TradeIdReused")) == 1
    assert scene.balance(buyer) == 10


@pytest.mark.rule("KR-SET-1")
def test_a_trade_not_yet_due_refuses_the_whole_call(scene: Scene):
    seller, buyer, trade = _accept(scene)
    scene.ledger.set_time(trade[1])
    _, _, later = _accept(scene, quantity=5)  # accepted on the due date of the first
    assert later[1] > trade[1]
    before = _holdings(scene, buyer, seller)
    with pytest.raises(RuleViolation) as exc:
        _finalize(scene, [trade, later])
    expect_rule(exc, "KR-SET-1", "not-due")
    assert _holdings(scene, buyer, seller) == before
    assert len(_finalize(scene, [trade]).named("TradeSettled")) == 1
