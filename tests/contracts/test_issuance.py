"""Issuance rules of SecurityToken: KR-SET-2, KR-ISS-1, KR-ISS-2, KR-INV-3."""

from __future__ import annotations

import pytest

from simulator.chain.deploy import Disclosure, InvestorClass
from simulator.errors import RuleViolation

from .conftest import PRICE, QUANTITY, Scene, expect_rule


@pytest.mark.rule("KR-SET-2")
def test_kr_set_2_never_beyond_the_registered_quantity(scene: Scene):
    scene.registry("setRuleEnabled", "KR-INV-3", False)
    scene.registry("setRuleEnabled", "KR-INV-2", False)
    buyer = scene.investors[0]
    remaining = QUANTITY - scene.call("SecurityToken", scene.token, "totalSupply")
    scene.mint(buyer, remaining)
    assert scene.call("SecurityToken", scene.token, "totalSupply") == QUANTITY
    with pytest.raises(RuleViolation) as exc:
        scene.mint(buyer, 1)
    expect_rule(exc, "KR-SET-2", "exceeds-registered-quantity")


@pytest.mark.rule("KR-SET-2")
def test_kr_set_2_unregistered_token_cannot_mint(scene: Scene):
    token = scene.ledger.deploy(
        "SecurityToken",
        "U",
        "U",
        scene.market.registry,
        scene.market.investors,
        scene.ksd,
        sender=scene.ksd,
    )
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", token, "mint", scene.issuer, 1, sender=scene.issuer)
    expect_rule(exc, "KR-SET-2", "issue-not-registered")


@pytest.mark.rule("KR-ISS-1")
@pytest.mark.parametrize(
    ("quantity", "disclosure", "professional_only", "refusal"),
    [
        (200_000, Disclosure.NONE, False, None),  # 1.0 bn: small public offering
        (200_001, Disclosure.NONE, False, "tier-two-filing-required"),
        (200_001, Disclosure.TIER_TWO, False, None),
        (2_000_001, Disclosure.TIER_TWO, False, "registration-statement-required"),
        (2_000_001, Disclosure.REGISTRATION_STATEMENT, False, None),
        (2_000_001, Disclosure.NONE, True, None),  # professionals only: private
    ],
)
def test_kr_iss_1_offering_tiers(scene: Scene, quantity, disclosure, professional_only, refusal):
    token = scene.new_issue(
        "T1", quantity=quantity, disclosure=disclosure, professional_only=professional_only
    )
    if refusal is None:
        scene.mint(scene.issuer, quantity // 20, token=token)
        assert scene.balance(scene.issuer, token) == quantity // 20
    else:
        with pytest.raises(RuleViolation) as exc:
            scene.mint(scene.issuer, quantity // 20, token=token)
        expect_rule(exc, "KR-ISS-1", refusal)


@pytest.mark.rule("KR-ISS-2")
def test_kr_iss_2_retained_share_first_then_locked(scene: Scene):
    token = scene.new_issue("T2")
    with pytest.raises(RuleViolation) as exc:
        scene.mint(scene.investors[0], 10, token=token)
    expect_rule(exc, "KR-ISS-2", "retained-share-first")
    scene.mint(scene.issuer, QUANTITY // 20, token=token)
    scene.mint(scene.investors[0], 10, token=token)
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", token, "transfer", scene.investors[1], 1, sender=scene.issuer)
    expect_rule(exc, "KR-ISS-2", "retained-share-locked")
    scene.tx("SecurityToken", token, "releaseRetained", sender=scene.ksd)
    scene.tx("SecurityToken", token, "transfer", scene.investors[1], 1, sender=scene.issuer)


@pytest.mark.rule("KR-INV-3")
def test_kr_inv_3_subscription_cap_is_min_of_5pct_and_3m(scene: Scene):
    # 5% of a 500 m offering is 25 m, so the 3 m cap binds: 600 tokens at 5,000 KRW
    buyer = scene.investors[0]
    assert scene.call(
        "SubscriptionCapRule", scene.market.contracts["SubscriptionCapRule"], "capFor", scene.token
    ) == (3_000_000)
    scene.mint(buyer, 3_000_000 // PRICE)
    with pytest.raises(RuleViolation) as exc:
        scene.mint(buyer, 1)
    expect_rule(exc, "KR-INV-3", "subscription-cap-exceeded")


@pytest.mark.rule("KR-INV-3")
def test_kr_inv_3_small_offering_binds_at_5pct(scene: Scene):
    token = scene.new_issue("T3", quantity=1_000, price=10_000)  # 10 m offering: 5% = 500,000 KRW
    scene.mint(scene.issuer, 50, token=token)
    scene.mint(scene.investors[0], 50, token=token)
    with pytest.raises(RuleViolation) as exc:
        scene.mint(scene.investors[0], 1, token=token)
    expect_rule(exc, "KR-INV-3", "subscription-cap-exceeded")


@pytest.mark.rule("KR-INV-3", "KR-SET-2")
def test_kr_inv_3_an_underwriter_taking_up_unsold_units_is_no_subscription(scene: Scene):
    """A firm commitment: the underwriter takes up what did not sell, beyond any investor's cap;
    every investor stays capped, and KR-SET-2 still bounds the whole issue."""
    underwriter = scene.spare[0]
    scene.registry("registerFirm", underwriter, 500 * 10**9, 7, sender=scene.regulator)
    scene.verify(underwriter, InvestorClass.PROFESSIONAL)
    token = scene.new_issue("T4", quantity=1_000, price=10_000, underwriter=underwriter)
    scene.mint(scene.issuer, 50, token=token)
    scene.mint(underwriter, 800, token=token)  # far above 5% of the offering
    assert scene.balance(underwriter, token) == 800
    with pytest.raises(RuleViolation) as exc:
        scene.mint(scene.investors[0], 51, token=token)
    expect_rule(exc, "KR-INV-3", "subscription-cap-exceeded")
    with pytest.raises(RuleViolation) as exc:
        scene.mint(underwriter, 151, token=token)
    expect_rule(exc, "KR-SET-2", "exceeds-registered-quantity")
    # the refused mints moved nothing
    assert scene.balance(underwriter, token) == 800
    assert scene.balance(scene.investors[0], token) == 0
    assert scene.call("SecurityToken", token, "totalSupply") == 850
