"""Venue rules: KR-SEP-1, KR-MKT-1, KR-MKT-2, KR-SET-1, KR-SET-3, KR-INV-4, and fees."""

from __future__ import annotations

import pytest

from simulator.chain.deferred import pending_trade
from simulator.chain.deploy import (
    KRW_BN,
    InvestorClass,
    Licence,
    VenueSpec,
    deploy_venue,
    fee_schedule_params,
)
from simulator.errors import ContractRevert, RuleViolation
from simulator.scenario import FeeSchedule

from .conftest import PRICE, Scene, expect_rule, refused

DAY = 86_400


def _seller_and_buyer(scene: Scene, tokens: int = 100, krw: int = 2_000_000) -> tuple[str, str]:
    seller, buyer = scene.investors[:2]
    scene.mint(seller, tokens)
    scene.fund(buyer, krw)
    return seller, buyer


def _listing_request(scene: Scene, token: str, venue: str = "NXT") -> None:
    scene.tx("Venue", scene.venue(venue), "requestListing", token, sender=scene.issuer)


@pytest.mark.rule("KR-SEP-1")
@pytest.mark.parametrize("party", ["issuer", "underwriter", "arranger", "settlor"])
def test_kr_sep_1_venue_refuses_a_related_partys_token(scene: Scene, party: str):
    group = 7
    related_firm = scene.issuer if party == "issuer" else scene.spare[0]
    scene.registry("registerFirm", scene.operator("NXT"), 10 * KRW_BN, group)
    if party != "issuer":
        scene.registry("registerFirm", related_firm, KRW_BN, group)
        token = scene.new_issue("REL", **{party: related_firm})
    else:
        scene.registry("setGroup", scene.issuer, group)
        token = scene.new_issue("REL")
    _listing_request(scene, token, "NXT")
    with pytest.raises(RuleViolation) as exc:
        scene.tx("Venue", scene.venue("NXT"), "acceptListing", token, sender=scene.operator("NXT"))
    expect_rule(exc, "KR-SEP-1", f"operator-related-to-{party}")
    _listing_request(scene, token, "KDX")
    scene.tx("Venue", scene.venue("KDX"), "acceptListing", token, sender=scene.operator("KDX"))


@pytest.mark.rule("KR-SEP-1")
def test_kr_sep_1_checked_again_at_settlement(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    scene.registry("setGroup", scene.issuer, 9)
    scene.registry("registerFirm", scene.operator("NXT"), 10 * KRW_BN, 9)
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-SEP-1", "operator-related-to-issuer")
    assert scene.balance(buyer) == 0


@pytest.mark.rule("KR-SEP-1")
def test_kr_sep_1_switched_off_allows_own_listing(scene: Scene):
    scene.registry("setRuleEnabled", "KR-SEP-1", False)
    scene.registry("setGroup", scene.issuer, 9)
    scene.registry("registerFirm", scene.operator("NXT"), 10 * KRW_BN, 9)
    token = scene.new_issue("OWN")
    _listing_request(scene, token)
    scene.tx("Venue", scene.venue("NXT"), "acceptListing", token, sender=scene.operator("NXT"))


def test_only_the_issuer_requests_a_listing(scene: Scene):
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", scene.venue(), "requestListing", scene.token, sender=scene.investors[0])
    assert exc.value.error == "NotIssuer"


def test_dvp_trade_settles_both_legs_at_t0(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    tx = scene.trade(buyer, seller, 10)
    settled = tx.named("TradeSettled")[0].args
    assert (settled["buyer"], settled["seller"], settled["quantity"], settled["price"]) == (
        buyer,
        seller,
        10,
        PRICE,
    )
    assert scene.balance(buyer) == 10 and scene.balance(seller) == 90
    assert scene.cash(seller) == 10 * PRICE
    assert scene.cash(buyer) == 2_000_000 - 10 * PRICE


@pytest.mark.rule("KR-MKT-1")
def test_kr_mkt_1_operator_never_trades_for_its_own_account(scene: Scene):
    seller, _ = _seller_and_buyer(scene)
    operator = scene.operator()
    scene.verify(operator)
    scene.fund(operator, 1_000_000)
    assert refused(scene.trade(operator, seller, 1)) == ("KR-MKT-1", "operator-own-account")
    assert scene.balance(operator) == 0


@pytest.mark.rule("KR-MKT-1")
def test_kr_mkt_1_no_self_trade(scene: Scene):
    seller, _ = _seller_and_buyer(scene)
    scene.fund(seller, 1_000_000)
    assert refused(scene.trade(seller, seller, 1)) == ("KR-MKT-1", "self-trade")


@pytest.mark.rule("KR-MKT-2")
def test_kr_mkt_2_no_credit(scene: Scene):
    seller, buyer = _seller_and_buyer(scene, krw=49_999)
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-MKT-2", "insufficient-cash")
    assert scene.balance(buyer) == 0 and scene.cash(buyer) == 49_999


@pytest.mark.rule("KR-MKT-2")
def test_kr_mkt_2_no_short_selling(scene: Scene):
    seller, buyer = _seller_and_buyer(scene, tokens=5)
    assert refused(scene.trade(buyer, seller, 6)) == ("KR-MKT-2", "insufficient-tokens")
    assert scene.balance(seller) == 5


@pytest.mark.rule("KR-MKT-2")
def test_kr_mkt_2_cash_must_be_committed_to_the_venue(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    scene.tx("CashToken", scene.market.cash, "approve", scene.venue(), 0, sender=buyer)
    assert refused(scene.trade(buyer, seller, 1)) == ("KR-MKT-2", "cash-not-committed")


@pytest.mark.rule("KR-SET-3")
def test_kr_set_3_a_refused_token_leg_moves_no_cash(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    scene.tx(
        "InvestorRegistry", scene.market.investors, "setFrozen", buyer, True, sender=scene.verifier
    )
    before = scene.cash(buyer), scene.cash(seller)
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-INV-1", "investor-frozen")
    assert (scene.cash(buyer), scene.cash(seller)) == before
    assert scene.balance(seller) == 100


@pytest.mark.rule("KR-SET-3")
def test_kr_set_3_fee_larger_than_proceeds_refuses_the_trade(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    fees = FeeSchedule(flat_fee=PRICE + 1)
    scene.tx(
        "Venue", scene.venue(), "setFeeSchedule", fee_schedule_params(fees), sender=scene.operator()
    )
    assert refused(scene.trade(buyer, seller, 1)) == ("KR-SET-3", "fee-exceeds-proceeds")


@pytest.mark.rule("KR-MKT-2")
def test_a_batch_settles_the_good_trades_and_reports_the_bad(scene: Scene):
    seller, buyer = _seller_and_buyer(scene)
    trades = [
        scene.matched(scene.order(buyer, True, q), scene.order(seller, False, q), q, PRICE, m, i)
        for i, q, m in ((901, 10, True), (902, 1_000, True), (903, 5, False))  # 902: short sale
    ]
    tx = scene.settle(trades)
    assert [e.args["tradeId"] for e in tx.named("TradeSettled")] == [901, 903]
    assert [(e.args["tradeId"], e.args["ruleId"]) for e in tx.named("TradeFailed")] == [
        (902, "KR-MKT-2")
    ]
    assert scene.balance(buyer) == 15


@pytest.mark.rule("KR-SET-1")
def test_kr_set_1_deferred_settlement_is_finalized_by_ksd_on_the_due_date(scene: Scene):
    venue = scene.venue()
    scene.tx("Venue", venue, "setSettlementDays", 2, sender=scene.operator())
    seller, buyer = _seller_and_buyer(scene)
    accepted = scene.trade(buyer, seller, 10)
    trade_id = accepted.named("TradeAccepted")[0].args["tradeId"]
    trade = pending_trade(accepted.named("TradeAccepted")[0].args)
    due = accepted.named("TradeAccepted")[0].args["due"]
    assert due > scene.ledger.timestamp() + DAY, "T+2 falls due on a later business day"
    assert scene.balance(buyer) == 0, "nothing moves before settlement"
    with pytest.raises(RuleViolation) as exc:
        scene.tx("Venue", venue, "finalize", [trade], sender=scene.ksd)
    expect_rule(exc, "KR-SET-1", "not-due")
    with pytest.raises(RuleViolation) as exc:
        scene.tx("Venue", venue, "finalize", [trade], sender=scene.operator())
    expect_rule(exc, "KR-SET-1", "not-registrar")
    scene.ledger.set_time(due)
    tx = scene.tx("Venue", venue, "finalize", [trade], sender=scene.ksd)
    assert tx.named("TradeSettled")[0].args["tradeId"] == trade_id
    assert scene.balance(buyer) == 10 and scene.cash(seller) == 10 * PRICE


@pytest.mark.rule("KR-SET-1")
def test_kr_set_1_a_deferred_trade_fails_at_settlement_if_the_cash_is_gone(scene: Scene):
    venue = scene.venue()
    scene.tx("Venue", venue, "setSettlementDays", 2, sender=scene.operator())
    seller, buyer = _seller_and_buyer(scene, krw=50_000)
    accepted = scene.trade(buyer, seller, 10)
    scene.tx("CashToken", scene.market.cash, "transfer", scene.investors[2], 1, sender=buyer)
    scene.ledger.set_time(accepted.named("TradeAccepted")[0].args["due"])
    trade = pending_trade(accepted.named("TradeAccepted")[0].args)
    tx = scene.tx("Venue", venue, "finalize", [trade], sender=scene.ksd)
    assert refused(tx) == ("KR-MKT-2", "insufficient-cash")
    assert scene.balance(seller) == 100


@pytest.mark.rule("KR-INV-4")
def test_kr_inv_4_professional_only_venue(scene: Scene):
    scene.registry(
        "setParams", (6 * KRW_BN, 3 * KRW_BN, 2 * KRW_BN, 3, KRW_BN, 10 * KRW_BN, 500, 500)
    )
    operator = scene.spare[0]
    m = scene.market
    spec = VenueSpec("PRO", equity=3 * KRW_BN, professional_only=True)
    venue = deploy_venue(
        scene.ledger, m.registry, m.investors, m.cash, scene.ksd, scene.regulator, operator, spec
    )
    assert scene.call(
        "MarketRegistry", m.registry, "hasLicence", operator, int(Licence.PROFESSIONAL_VENUE)
    )
    m.venues["PRO"] = {"address": venue, "operator": operator}
    try:
        _listing_request(scene, scene.token, "PRO")
        scene.tx("Venue", venue, "acceptListing", scene.token, sender=operator)
        seller, buyer = scene.investors[:2]
        scene.mint(seller, 100)
        scene.fund(buyer, 1_000_000, venue="PRO")
        assert refused(scene.trade(buyer, seller, 1, venue="PRO")) == (
            "KR-INV-4",
            "buyer-not-professional",
        )
        scene.verify(buyer, InvestorClass.PROFESSIONAL)
        assert refused(scene.trade(buyer, seller, 1, venue="PRO")) == (
            "KR-INV-4",
            "seller-not-professional",
        )
        scene.verify(seller, InvestorClass.PROFESSIONAL)
        assert scene.trade(buyer, seller, 1, venue="PRO").named("TradeSettled")
    finally:
        del m.venues["PRO"]


def test_fees_follow_the_schedule_and_split_between_venue_and_registrar(scene: Scene):
    fees = FeeSchedule(
        maker_bps=10, taker_bps=30, flat_fee=100, min_fee=500, listing_fee=0, venue_share_bps=8_000
    )
    scene.tx(
        "Venue", scene.venue(), "setFeeSchedule", fee_schedule_params(fees), sender=scene.operator()
    )
    seller, buyer = _seller_and_buyer(scene, tokens=200)
    value = 100 * PRICE  # 500,000 KRW
    tx = scene.trade(buyer, seller, 100, maker=True)
    buyer_fee = value * 10 // 10_000 + 100  # 600 (maker)
    seller_fee = value * 30 // 10_000 + 100  # 1,600 (taker)
    charged = [
        (e.args["payer"], e.args["payee"], e.args["amount"], e.args["kind"])
        for e in tx.named("FeeCharged")
    ]
    registrar = scene.ksd
    assert charged == [
        (buyer, scene.operator(), buyer_fee * 8 // 10, "maker"),
        (buyer, registrar, buyer_fee - buyer_fee * 8 // 10, "maker"),
        (seller, scene.operator(), seller_fee * 8 // 10, "taker"),
        (seller, registrar, seller_fee - seller_fee * 8 // 10, "taker"),
    ]
    assert scene.cash(seller) == value - seller_fee
    assert scene.cash(buyer) == 2_000_000 - value - buyer_fee
    small = scene.trade(buyer, seller, 1, maker=True)  # 5,000 KRW: 5 + 100 < minimum 500
    assert (
        sum(e.args["amount"] for e in small.named("FeeCharged") if e.args["payer"] == buyer) == 500
    )


def test_listing_fee_is_paid_by_the_issuer(scene: Scene):
    fees = FeeSchedule(listing_fee=1_000_000, venue_share_bps=10_000)
    scene.tx(
        "Venue", scene.venue(), "setFeeSchedule", fee_schedule_params(fees), sender=scene.operator()
    )
    token = scene.new_issue("LST")
    scene.fund(scene.issuer, 1_000_000)
    _listing_request(scene, token)
    tx = scene.tx("Venue", scene.venue(), "acceptListing", token, sender=scene.operator())
    fee = tx.named("FeeCharged")[0].args
    assert (fee["payer"], fee["payee"], fee["amount"], fee["kind"]) == (
        scene.issuer,
        scene.operator(),
        1_000_000,
        "listing",
    )
    assert scene.cash(scene.issuer) == 0
