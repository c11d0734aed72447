"""Holder rules of SecurityToken: KR-INV-1, KR-INV-2, KR-DIS-1, KR-LED-2, lock-up, holder cap."""

from __future__ import annotations

import pytest

from simulator.chain.deploy import InvestorClass
from simulator.errors import ContractRevert, RuleViolation

from .conftest import PRICE, Scene, expect_rule

DAY = 86_400


def _holding(scene: Scene, investor: str, amount: int = 100) -> None:
    scene.mint(investor, amount)


@pytest.mark.rule("KR-INV-1")
def test_kr_inv_1_only_verified_investors_receive(scene: Scene):
    a = scene.investors[0]
    _holding(scene, a)
    stranger = scene.spare[0]
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", stranger, 1, sender=a)
    expect_rule(exc, "KR-INV-1", "investor-not-verified")
    scene.verify(stranger)
    scene.tx("SecurityToken", scene.token, "transfer", stranger, 1, sender=a)
    assert scene.balance(stranger) == 1


@pytest.mark.rule("KR-INV-1")
def test_kr_inv_1_expired_kyc_and_frozen_investors(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a)
    scene.verify(b, expiry=scene.ledger.timestamp() - 1)
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)
    expect_rule(exc, "KR-INV-1", "kyc-expired")
    scene.verify(b)
    scene.tx(
        "InvestorRegistry", scene.market.investors, "setFrozen", a, True, sender=scene.verifier
    )
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)
    expect_rule(exc, "KR-INV-1", "investor-frozen")


@pytest.mark.rule("KR-INV-2")
def test_kr_inv_2_per_issuer_limit_for_general_investors(scene: Scene):
    buyer = scene.investors[0]
    scene.registry("setRuleEnabled", "KR-INV-3", False)
    scene.mint(buyer, 5_000_000 // PRICE)  # exactly the 5 m per-issuer limit
    with pytest.raises(RuleViolation) as exc:
        scene.mint(buyer, 1)
    expect_rule(exc, "KR-INV-2", "issuer-limit-exceeded")


@pytest.mark.rule("KR-INV-2")
def test_kr_inv_2_annual_limit_resets_at_korean_new_year(scene: Scene):
    buyer = scene.investors[0]
    rule = scene.market.contracts["InvestorLimitRule"]
    scene.tx(
        "InvestorLimitRule",
        rule,
        "setLimits",
        int(InvestorClass.GENERAL),
        10**12,
        1_000_000,
        sender=scene.regulator,
    )
    scene.mint(buyer, 1_000_000 // PRICE)
    with pytest.raises(RuleViolation) as exc:
        scene.mint(buyer, 1)
    expect_rule(exc, "KR-INV-2", "annual-limit-exceeded")
    scene.ledger.advance_time(366 * DAY)
    scene.mint(buyer, 1)


@pytest.mark.rule("KR-INV-2")
def test_kr_inv_2_professionals_are_unlimited(scene: Scene):
    pro = scene.investors[0]
    scene.verify(pro, InvestorClass.PROFESSIONAL)
    scene.registry("setRuleEnabled", "KR-INV-3", False)
    scene.mint(pro, 20_000_000 // PRICE)
    assert scene.balance(pro) == 4_000


@pytest.mark.rule("KR-DIS-1")
def test_kr_dis_1_large_holder_must_disclose_before_selling(scene: Scene):
    big, other = scene.investors[:2]
    scene.verify(big, InvestorClass.PROFESSIONAL)
    scene.registry("setRuleEnabled", "KR-INV-3", False)
    scene.mint(big, 5_001)  # just above 5% of 100,000
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", other, 1, sender=big)
    expect_rule(exc, "KR-DIS-1", "disclosure-required")
    scene.tx("SecurityToken", scene.token, "setDisclosed", big, True, sender=scene.ksd)
    scene.tx("SecurityToken", scene.token, "transfer", other, 1, sender=big)


@pytest.mark.rule("KR-DIS-1")
def test_kr_dis_1_holder_at_5pct_is_exempt(scene: Scene):
    holder, other = scene.investors[:2]
    scene.verify(holder, InvestorClass.PROFESSIONAL)
    scene.registry("setRuleEnabled", "KR-INV-3", False)
    scene.mint(holder, 5_000)
    scene.tx("SecurityToken", scene.token, "transfer", other, 1, sender=holder)


@pytest.mark.rule("KR-LED-2")
def test_kr_led_2_frozen_amount_never_leaves_not_even_to_oneself(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a, 100)
    scene.tx("SecurityToken", scene.token, "freezeAmount", a, 60, sender=scene.ksd)
    scene.tx("SecurityToken", scene.token, "transfer", b, 40, sender=a)
    for to in (b, a):
        with pytest.raises(RuleViolation) as exc:
            scene.tx("SecurityToken", scene.token, "transfer", to, 1, sender=a)
        expect_rule(exc, "KR-LED-2", "amount-frozen")
    assert scene.balance(a) == 60


@pytest.mark.rule("KR-LED-2")
def test_kr_led_2_frozen_address(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a)
    scene.tx("SecurityToken", scene.token, "setAddressFrozen", a, True, sender=scene.ksd)
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)
    expect_rule(exc, "KR-LED-2", "address-frozen")


@pytest.mark.rule("KR-LED-2")
def test_kr_led_2_forced_transfer_only_by_registrar_and_recorded(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a, 100)
    scene.tx("SecurityToken", scene.token, "freezeAmount", a, 100, sender=scene.ksd)
    with pytest.raises(RuleViolation) as denied:
        scene.tx(
            "SecurityToken",
            scene.token,
            "forcedTransfer",
            a,
            b,
            100,
            "court-order",
            sender=scene.issuer,
        )
    expect_rule(denied, "KR-LED-2", "not-registrar")
    tx = scene.tx(
        "SecurityToken", scene.token, "forcedTransfer", a, b, 100, "court-order", sender=scene.ksd
    )
    record = tx.named("ForcedTransfer")[0].args
    assert (record["from"], record["to"], record["amount"], record["reason"]) == (
        a,
        b,
        100,
        "court-order",
    )
    assert scene.balance(b) == 100 and scene.balance(a) == 0
    assert scene.call("SecurityToken", scene.token, "frozenAmount", a) == 0


@pytest.mark.rule("KR-LED-2")
def test_kr_led_2_forced_transfer_still_needs_a_verified_receiver(scene: Scene):
    a = scene.investors[0]
    _holding(scene, a)
    with pytest.raises(RuleViolation) as exc:
        scene.tx(
            "SecurityToken",
            scene.token,
            "forcedTransfer",
            a,
            scene.spare[0],
            1,
            "lost-keys",
            sender=scene.ksd,
        )
    expect_rule(exc, "KR-INV-1", "investor-not-verified")


@pytest.mark.rule("STO-LOCKUP")
def test_lockup_rule(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a)
    until = scene.ledger.timestamp() + 30 * DAY
    scene.tx(
        "LockupRule",
        scene.market.contracts["LockupRule"],
        "setLockup",
        scene.token,
        until,
        sender=scene.ksd,
    )
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)
    expect_rule(exc, "STO-LOCKUP", "locked-up")
    scene.ledger.advance_time(31 * DAY)
    scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)


@pytest.mark.rule("STO-HOLDERCAP")
def test_holder_cap_rule(scene: Scene):
    a, b, c = scene.investors[:3]
    holders = scene.call("SecurityToken", scene.token, "holderCount")
    rule = scene.market.contracts["HolderCapRule"]
    scene.tx("HolderCapRule", rule, "setMaxHolders", scene.token, holders + 2, sender=scene.ksd)
    _holding(scene, a)
    _holding(scene, b)
    with pytest.raises(RuleViolation) as exc:
        scene.mint(c, 1)
    expect_rule(exc, "STO-HOLDERCAP", "holder-cap-reached")
    scene.tx(
        "SecurityToken", scene.token, "transfer", b, 100, sender=a
    )  # a leaves: a seat frees up
    scene.mint(c, 1)


def test_pause_stops_every_balance_change(scene: Scene):
    a, b = scene.investors[:2]
    _holding(scene, a)
    scene.tx("SecurityToken", scene.token, "pause", sender=scene.ksd)
    with pytest.raises(ContractRevert) as exc:
        scene.tx("SecurityToken", scene.token, "transfer", b, 1, sender=a)
    assert exc.value.error == "EnforcedPause"
