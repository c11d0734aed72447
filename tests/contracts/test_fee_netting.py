"""Fees netted per batch (issue 16): a trade pulls both its fees from the buyer at once, each payee
is paid once at the end of the batch, and the FeeCharged events are those of one payment per fee."""

from __future__ import annotations

from simulator.chain.deploy import fee_schedule_params
from simulator.chain.ledger import TxResult
from simulator.scenario import FeeSchedule

from .conftest import PRICE, Scene

FEES = FeeSchedule(maker_bps=10, taker_bps=30, flat_fee=100, min_fee=500, venue_share_bps=8_000)


def _set_fees(scene: Scene) -> None:
    scene.tx(
        "Venue", scene.venue(), "setFeeSchedule", fee_schedule_params(FEES), sender=scene.operator()
    )


def _charged_to(tx: TxResult, payee: str) -> int:
    return sum(int(e.args["amount"]) for e in tx.named("FeeCharged") if e.args["payee"] == payee)


def test_a_batch_pays_each_payee_what_its_settled_trades_charged_and_keeps_nothing(scene: Scene):
    _set_fees(scene)
    seller, buyer = scene.investors[:2]
    scene.mint(seller, 100)
    scene.fund(buyer, 2_000_000)
    before = {a: scene.cash(a) for a in (seller, buyer, scene.operator(), scene.ksd)}
    trades = [
        scene.matched(scene.order(buyer, True, q), scene.order(seller, False, q), q, PRICE, m, i)
        for i, q, m in ((951, 10, True), (952, 1_000, True), (953, 5, False))  # 952: short sale
    ]
    tx = scene.settle(trades)
    assert [e.args["tradeId"] for e in tx.named("TradeSettled")] == [951, 953]
    assert {e.args["tradeId"] for e in tx.named("FeeCharged")} == {951, 953}  # none for 952
    for payee in (scene.operator(), scene.ksd):
        assert scene.cash(payee) - before[payee] == _charged_to(tx, payee) > 0
    fees = {  # per payer: maker 10 bps / taker 30 bps + 100, at least 500
        buyer: max(50_000 * 10 // 10_000 + 100, 500) + max(25_000 * 30 // 10_000 + 100, 500),
        seller: max(50_000 * 30 // 10_000 + 100, 500) + max(25_000 * 10 // 10_000 + 100, 500),
    }
    for payer, fee in fees.items():
        assert (
            sum(e.args["amount"] for e in tx.named("FeeCharged") if e.args["payer"] == payer) == fee
        )
    assert before[buyer] - scene.cash(buyer) == 75_000 + fees[buyer]
    assert scene.cash(seller) - before[seller] == 75_000 - fees[seller]
    assert scene.cash(scene.venue()) == 0  # the venue holds fees only while the batch runs


def test_a_fee_account_buying_later_in_the_batch_has_the_fees_already_owed_to_it(scene: Scene):
    """Cash owed to a fee account is paid before it buys: every trade sees the balances it
    would see had each fee been paid at once."""
    _set_fees(scene)
    seller, buyer, fee_account = scene.investors[:3]
    scene.tx("Venue", scene.venue(), "setFeeAccount", fee_account, sender=scene.operator())
    scene.mint(seller, 100)
    scene.fund(buyer, 2_000_000)
    first = scene.matched(scene.order(buyer, True, 10), scene.order(seller, False, 10), 10)
    first_fees = (
        max(10 * PRICE * 10 // 10_000 + 100, 500),
        max(10 * PRICE * 30 // 10_000 + 100, 500),
    )
    owed = sum(fee * 8_000 // 10_000 for fee in first_fees)  # the venue's share of both
    second_cost = 1 * PRICE + 500  # one token and the minimum fee
    funded = second_cost - owed  # short without what it is owed
    scene.fund(fee_account, funded)
    second = scene.matched(
        scene.order(fee_account, True, 1), scene.order(seller, False, 1), 1, PRICE, True
    )
    tx = scene.settle([first, second])
    assert len(tx.named("TradeSettled")) == 2, tx.named("TradeFailed")
    assert scene.cash(fee_account) == funded + _charged_to(tx, fee_account) - second_cost
    assert scene.cash(scene.venue()) == 0
