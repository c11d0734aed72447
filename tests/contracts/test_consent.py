"""Holder consent (KR-LED-2): a venue moves tokens or cash only to fill orders their holders
signed, within quantity, limit price, expiry and the fee schedule they signed under.
Observation 1 of issue 12 is the first test."""

from __future__ import annotations

import pytest

from simulator.chain.deploy import fee_schedule_params
from simulator.chain.orders import OrderKey, order_digest
from simulator.errors import ContractRevert
from simulator.scenario import FeeSchedule

from .conftest import PRICE, Scene, refused

ATTACKER_KEY = OrderKey(b"\x07" * 32)


def _holder_and_buyer(scene: Scene, tokens: int = 500) -> tuple[str, str]:
    holder, buyer = scene.investors[:2]
    scene.mint(holder, tokens)
    scene.fund(buyer, 5_000_000)
    return holder, buyer


@pytest.mark.rule("KR-LED-2")
def test_obs1_a_venue_cannot_sell_a_holders_tokens_without_the_holders_order(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy = scene.order(buyer, True, 500, limit=1)
    forged = scene.order(holder, False, 500, limit=1)  # the holder never signed this
    trade = (
        scene.new_trade_id(),
        scene.sign(buy),
        scene.sign(forged, ATTACKER_KEY),
        500,
        1,
        True,
    )
    assert refused(scene.settle([trade])) == ("KR-LED-2", "order-not-signed-by-holder")
    assert scene.balance(holder) == 500 and scene.balance(buyer) == 0
    with pytest.raises(ContractRevert) as exc:  # nor can the operator move tokens directly
        scene.tx(
            "SecurityToken", scene.token, "venueTransfer", holder, buyer, 500, 500,
            sender=scene.operator(),
        )  # fmt: skip
    assert exc.value.error == "NotAVenue"


@pytest.mark.rule("KR-LED-2")
def test_obs1_a_real_order_does_not_stretch_to_a_lower_price_or_a_larger_quantity(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    sell = scene.order(holder, False, 10, limit=PRICE)
    cheap = scene.order(buyer, True, 500, limit=1)
    assert refused(scene.settle([scene.matched(cheap, sell, 10, 1)])) == (
        "KR-LED-2",
        "limit-price-crossed",
    )
    dear = scene.order(buyer, True, 500, limit=PRICE)
    assert refused(scene.settle([scene.matched(dear, sell, 500, PRICE)])) == (
        "KR-LED-2",
        "order-overfilled",
    )
    assert scene.balance(holder) == 500


@pytest.mark.rule("KR-LED-2")
def test_the_cash_side_is_bound_by_the_buyers_limit(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy = scene.order(buyer, True, 10, limit=PRICE)
    sell = scene.order(holder, False, 10, limit=PRICE * 100)
    before = scene.cash(buyer)
    assert refused(scene.settle([scene.matched(buy, sell, 10, PRICE * 100)])) == (
        "KR-LED-2",
        "limit-price-crossed",
    )
    assert scene.cash(buyer) == before


@pytest.mark.rule("KR-LED-2")
def test_partial_fills_never_exceed_the_order_and_replays_are_refused(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy = scene.order(buyer, True, 10)
    sell = scene.order(holder, False, 100)
    assert scene.settle([scene.matched(buy, sell, 6)]).named("TradeSettled")
    assert refused(scene.settle([scene.matched(buy, sell, 6)])) == (
        "KR-LED-2",
        "order-overfilled",
    )
    assert scene.settle([scene.matched(buy, sell, 4)]).named("TradeSettled")
    assert scene.balance(buyer) == 10
    digest = order_digest(buy, scene.ledger.chain_id)
    assert bytes(scene.call("Venue", scene.venue(), "orderHash", buy.as_tuple())) == digest
    assert scene.call("Venue", scene.venue(), "filledOf", digest) == 10


@pytest.mark.rule("KR-LED-2")
def test_an_expired_order_fills_nothing(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    expired = scene.order(buyer, True, 10, expiry=scene.ledger.timestamp() - 60)
    sell = scene.order(holder, False, 10)
    assert refused(scene.settle([scene.matched(expired, sell, 10)])) == (
        "KR-LED-2",
        "order-expired",
    )


@pytest.mark.rule("KR-LED-2")
def test_a_cancelled_order_fills_nothing_and_only_its_holder_cancels_it(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy, sell = scene.order(buyer, True, 10), scene.order(holder, False, 10)
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", scene.venue(), "cancelOrder", buy.as_tuple(), sender=scene.operator())
    assert exc.value.error == "OrderNotYours"
    tx = scene.tx("Venue", scene.venue(), "cancelOrder", buy.as_tuple(), sender=buyer)
    assert tx.named("OrderCancelled")[0].args["trader"] == buyer
    assert refused(scene.settle([scene.matched(buy, sell, 10)])) == ("KR-LED-2", "order-cancelled")
    assert scene.balance(buyer) == 0


@pytest.mark.rule("KR-LED-2")
def test_fees_never_exceed_the_schedule_the_order_was_signed_under(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy = scene.order(buyer, True, 10, fees=(10, 0, 0))  # 0.1% at most
    sell = scene.order(holder, False, 10, fees=(10, 0, 0))
    dearer = FeeSchedule(maker_bps=100, taker_bps=100, venue_share_bps=10_000)
    scene.tx(
        "Venue",
        scene.venue(),
        "setFeeSchedule",
        fee_schedule_params(dearer),
        sender=scene.operator(),
    )
    before = (scene.cash(buyer), scene.cash(holder))
    assert refused(scene.settle([scene.matched(buy, sell, 10)])) == (
        "KR-LED-2",
        "fee-above-signed-schedule",
    )
    assert (scene.cash(buyer), scene.cash(holder)) == before
    cheaper = FeeSchedule(maker_bps=5, taker_bps=10, venue_share_bps=10_000)
    scene.tx(
        "Venue",
        scene.venue(),
        "setFeeSchedule",
        fee_schedule_params(cheaper),
        sender=scene.operator(),
    )
    assert scene.settle([scene.matched(buy, sell, 10)]).named("TradeSettled")


@pytest.mark.rule("KR-LED-2")
def test_an_order_for_one_venue_does_not_fill_on_another(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    buy = scene.order(buyer, True, 10, venue="KDX")
    sell = scene.order(holder, False, 10)
    assert refused(scene.settle([scene.matched(buy, sell, 10)])) == (
        "KR-LED-2",
        "order-for-another-venue",
    )


@pytest.mark.rule("KR-LED-2")
def test_sides_and_tokens_must_match_the_orders(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    sell_as_buy = scene.order(holder, True, 10)
    buy = scene.order(buyer, True, 10)
    assert refused(scene.settle([scene.matched(buy, sell_as_buy, 10)])) == (
        "KR-LED-2",
        "order-side-mismatch",
    )
    other = scene.new_issue("OTH")
    sell_other = scene.order(holder, False, 10, token=other)
    assert refused(scene.settle([scene.matched(buy, sell_other, 10)])) == (
        "KR-LED-2",
        "order-token-mismatch",
    )


@pytest.mark.rule("KR-LED-2")
def test_a_holder_may_sign_with_its_own_account_key_or_withdraw_its_order_key(scene: Scene):
    holder, buyer = _holder_and_buyer(scene)
    scene.tx(
        "InvestorRegistry", scene.market.investors, "setOrderKey", "0x" + "00" * 20, sender=holder
    )
    buy, sell = scene.order(buyer, True, 10), scene.order(holder, False, 10)
    assert refused(scene.settle([scene.matched(buy, sell, 10)])) == (
        "KR-LED-2",
        "order-not-signed-by-holder",
    )
