"""Input hygiene (observations 5, 6 and 7 of issue 12): zero prices and quantities, zero
addresses, listing-state regressions and frozen receivers are refused with a rule ID or a named
error, and administrative changes are events."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from simulator.chain.deploy import InvestorClass
from simulator.errors import ContractRevert, RuleViolation

from .conftest import PRICE, Scene, expect_rule, refused

ZERO = "0x" + "00" * 20


def _error_of(tx_failed_args: dict[str, object], signature: str) -> bool:
    return bytes(tx_failed_args["error"])[:4] == keccak(text=signature)[:4]  # type: ignore[arg-type]


def _parties(scene: Scene) -> tuple[str, str]:
    seller, buyer = scene.investors[:2]
    scene.mint(seller, 600)
    scene.fund(buyer, 2_000_000)
    return seller, buyer


@pytest.mark.rule("KR-INV-2")
def test_obs5_a_zero_price_trade_is_refused_and_the_limit_still_holds(scene: Scene):
    seller, buyer = _parties(scene)
    limits = scene.market.contracts["InvestorLimitRule"]
    scene.tx(
        "InvestorLimitRule", limits, "setLimits", int(InvestorClass.GENERAL), 10_000, 10_000,
        sender=scene.regulator,
    )  # fmt: skip
    assert scene.trade(buyer, seller, 2).named("TradeSettled")  # 10,000 KRW: at the limit
    reference = scene.call("SecurityToken", scene.token, "referencePrice")
    tx = scene.trade(buyer, seller, 600, price=0)
    assert _error_of(tx.named("TradeFailed")[0].args, "TradeZeroPrice(uint256)")
    assert scene.call("SecurityToken", scene.token, "referencePrice") == reference == PRICE
    assert refused(scene.trade(buyer, seller, 590, price=1)) == (
        "KR-INV-2",
        "annual-limit-exceeded",
    )
    assert scene.balance(buyer) == 2


def test_obs5_a_zero_quantity_trade_puts_no_print_on_the_record(scene: Scene):
    seller, buyer = _parties(scene)
    tx = scene.trade(buyer, seller, 0)
    assert not tx.named("TradeSettled")
    assert _error_of(tx.named("TradeFailed")[0].args, "TradeZeroQuantity(uint256)")


@pytest.mark.rule("KR-SEP-1")
def test_obs6_a_listed_token_cannot_be_sent_back_to_requested(scene: Scene):
    seller, buyer = _parties(scene)
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", scene.venue(), "requestListing", scene.token, sender=scene.issuer)
    assert exc.value.error == "ListingStateInvalid"
    assert scene.call("Venue", scene.venue(), "listing", scene.token) == 2  # Listed
    assert scene.trade(buyer, seller, 1).named("TradeSettled")
    scene.tx("Venue", scene.venue(), "delist", scene.token, sender=scene.operator())
    with pytest.raises(ContractRevert):  # delisting twice is no state change either
        scene.tx("Venue", scene.venue(), "delist", scene.token, sender=scene.operator())
    tx = scene.trade(buyer, seller, 1)
    assert _error_of(tx.named("TradeFailed")[0].args, "TokenNotListed(address)"), "not KR-SEP-1"


@pytest.mark.rule("KR-LED-2")
def test_obs7_an_address_frozen_on_the_token_cannot_receive(scene: Scene):
    seller, buyer = _parties(scene)
    scene.tx("SecurityToken", scene.token, "setAddressFrozen", buyer, True, sender=scene.ksd)
    assert refused(scene.trade(buyer, seller, 1)) == ("KR-LED-2", "receiver-frozen")
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", buyer, 1, sender=seller)
    expect_rule(exc, "KR-LED-2", "receiver-frozen")
    assert scene.balance(buyer) == 0


def test_obs7_set_fee_account_refuses_zero_and_is_an_event(scene: Scene):
    venue, operator = scene.venue(), scene.operator()
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", venue, "setFeeAccount", ZERO, sender=operator)
    assert (exc.value.error, exc.value.error_args) == ("ZeroAddress", ("feeAccount",))
    tx = scene.tx("Venue", venue, "setFeeAccount", scene.spare[0], sender=operator)
    assert tx.named("FeeAccountSet")[0].args["account"] == scene.spare[0]


@pytest.mark.parametrize(
    ("contract", "fn", "args"),
    [
        ("MarketRegistry", "registerFirm", (ZERO, 1, 0)),
        ("InvestorRegistry", "verify", (ZERO, 1, 2**40)),
        ("MarketRegistry", "setSettlementCalendar", (ZERO,)),
    ],
)
def test_zero_addresses_are_refused_by_name(scene: Scene, contract: str, fn: str, args: tuple):
    address = {"MarketRegistry": scene.market.registry, "InvestorRegistry": scene.market.investors}
    sender = {"registerFirm": scene.regulator, "verify": scene.verifier}.get(fn, scene.ksd)
    with pytest.raises(ContractRevert) as exc:
        scene.tx(contract, address[contract], fn, *args, sender=sender)
    assert exc.value.error == "ZeroAddress"


def test_every_administrative_change_is_an_event(scene: Scene):
    venue, operator, cal = scene.venue(), scene.operator(), scene.market.calendar
    changes = [
        (scene.tx("Venue", venue, "setSettlementDays", 1, sender=operator), "SettlementCycleSet"),
        (scene.tx("Venue", venue, "setFeeAccount", operator, sender=operator), "FeeAccountSet"),
        (scene.registry("suspendVenue", venue, True), "VenueSuspended"),
        (scene.registry("suspendVenue", venue, False), "VenueSuspended"),
        (scene.registry("setSettlementCalendar", cal, sender=scene.ksd), "SettlementCalendarSet"),
        (
            scene.tx("SettlementCalendar", cal, "setSchedule", False, 32_400, sender=scene.ksd),
            "ScheduleSet",
        ),
        (
            scene.tx(
                "InvestorRegistry", scene.market.investors, "setOrderKey", operator,
                sender=scene.investors[0],
            ),
            "OrderKeySet",
        ),
    ]  # fmt: skip
    for tx, event in changes:
        assert tx.named(event), f"{event} missing"
