"""Differential tests, one per rule of kr-sto-rules.md: Hypothesis generates cases around each
rule's boundary and the Python rule spec (simulator.rules) and the deployed contracts must reach
the same decision with the same rule ID and reason. Each example runs on a chain snapshot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from simulator import rules
from simulator.chain.deferred import pending_trade
from simulator.chain.deploy import (
    CHAIN_INVESTOR_CLASS,
    FAR_FUTURE,
    KRW_BN,
    Disclosure,
    InvestorClass,
    Licence,
    VenueSpec,
    deploy_venue,
    registry_params,
)
from simulator.chain.revert import rule_id_text
from simulator.errors import RuleViolation
from simulator.scenario import Regime, RegimeParams
from simulator.testing import strategies as sts

from ..contracts.conftest import PRICE, QUANTITY, Scene, refused
from ..hypothesis_profiles import example_settings

REGIME = Regime()  # the deployed market runs the domain defaults
CLASS_IDS = CHAIN_INVESTOR_CLASS
examples = example_settings(15)


@contextmanager
def rolled_back(scene: Scene) -> Iterator[Scene]:
    snapshot = scene.ledger.snapshot()
    try:
        yield scene
    finally:
        scene.ledger.revert(snapshot)


def outcome(action: Callable[[], Any]) -> rules.Decision:
    """The chain's decision on an action: allowed, or the rule it reverted under."""
    try:
        action()
    except RuleViolation as exc:
        return rules.Decision(False, exc.rule_id, exc.reason)
    return rules.ALLOW


def view(decision: tuple[bool, bytes, str]) -> rules.Decision:
    allowed, rule_id, reason = decision
    return rules.ALLOW if allowed else rules.Decision(False, rule_id_text(rule_id), reason)


@pytest.mark.rule("KR-INV-2")
@example(investor_class="general", prior=5_005_000, value=999_998)  # a refused first purchase
@examples
@given(
    investor_class=sts.investor_classes(), prior=sts.krw(12 * 10**6), value=sts.krw(12 * 10**6, 1)
)
def test_kr_inv_2_limits_agree(scene: Scene, investor_class: str, prior: int, value: int):
    with rolled_back(scene) as s:
        buyer = s.investors[0]
        s.verify(buyer, CLASS_IDS[investor_class])
        s.registry("setRuleEnabled", "KR-INV-3", False)
        prior_units = prior // PRICE
        if prior_units:  # the first purchase is itself a case: refused above the limits
            first = outcome(lambda: s.mint(buyer, prior_units))
            assert first == rules.investment_limit(
                REGIME, investor_class, 0, 0, prior_units * PRICE
            )
        rule = s.market.contracts["InvestorLimitRule"]
        invested = s.call("InvestorLimitRule", rule, "investedInYear", buyer, 2027) + s.call(
            "InvestorLimitRule", rule, "investedInYear", buyer, 2026
        )
        chain = view(
            s.call("InvestorLimitRule", rule, "check", s.token, "0x" + "00" * 20, buyer, 1, value)
        )
        spec = rules.investment_limit(REGIME, investor_class, invested, invested, value)
        assert chain == spec


@pytest.mark.rule("KR-INV-3")
@examples
@given(value=sts.krw(6 * 10**6, 1), subscribed_units=st.integers(0, 700))
def test_kr_inv_3_subscription_cap_agrees(scene: Scene, value: int, subscribed_units: int):
    with rolled_back(scene) as s:
        buyer = s.investors[0]
        s.verify(buyer, InvestorClass.PROFESSIONAL)
        already = (
            outcome(lambda: s.mint(buyer, subscribed_units)) if subscribed_units else rules.ALLOW
        )
        subscribed = subscribed_units * PRICE if already.allowed else 0
        rule = s.market.contracts["SubscriptionCapRule"]
        chain = view(
            s.call("SubscriptionCapRule", rule, "check", s.token, "0x" + "00" * 20, buyer, 1, value)
        )
        assert chain == rules.subscription(REGIME, subscribed, value, QUANTITY * PRICE)


@pytest.mark.rule("KR-ISS-1")
@examples
@given(
    small_cap=sts.krw(2 * KRW_BN, 1),
    tier_two_cap=sts.krw(20 * KRW_BN, 1),
    disclosure=st.sampled_from(["none", "tier_two", "registration_statement"]),
    professional_only=st.booleans(),
)
def test_kr_iss_1_offering_tiers_agree(
    scene: Scene, small_cap: int, tier_two_cap: int, disclosure: str, professional_only: bool
):
    with rolled_back(scene) as s:
        params = RegimeParams(small_offering_cap=small_cap, tier_two_cap=tier_two_cap)
        s.registry("setParams", _registry_params(params))
        level = {"none": 0, "tier_two": 1, "registration_statement": 2}[disclosure]
        token = s.new_issue(
            "TIER", disclosure=Disclosure(level), professional_only=professional_only
        )
        ok, reason = s.call("MarketRegistry", s.market.registry, "offeringCheck", token)
        spec = rules.offering_tier(
            Regime(params=params), QUANTITY * PRICE, disclosure, professional_only
        )
        assert (ok, "" if ok else "KR-ISS-1", reason) == (spec.allowed, spec.rule_id, spec.reason)
        assert outcome(lambda: s.mint(s.issuer, 1, token=token)) == (
            spec if not spec.allowed else rules.ALLOW
        )


@pytest.mark.rule("KR-SEP-1")
@examples
@given(
    groups=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    roles=st.sets(st.sampled_from(["underwriter", "arranger", "settlor"])),
)
def test_kr_sep_1_separation_agrees(scene: Scene, groups: list[int], roles: set[str]):
    with rolled_back(scene) as s:
        operator = s.operator("NXT")
        other = s.spare[0]
        s.registry("registerFirm", other, KRW_BN, groups[2])
        s.registry("setGroup", s.issuer, groups[0])
        s.registry("registerFirm", operator, 10 * KRW_BN, groups[1])
        token = s.new_issue("SEP", **{role: other for role in roles})
        ok, reason = s.call("MarketRegistry", s.market.registry, "separationCheck", operator, token)
        group_of = {"issuer": groups[0], "NXT": groups[1], "other": groups[2]}
        parties = {"issuer": "issuer", **{role: "other" for role in roles}}
        spec = rules.separation(REGIME, groups[1], "NXT", parties, group_of)
        assert (ok, "" if ok else "KR-SEP-1", reason) == (spec.allowed, spec.rule_id, spec.reason)
        s.tx("Venue", s.venue("NXT"), "requestListing", token, sender=s.issuer)
        listing = outcome(
            lambda: s.tx("Venue", s.venue("NXT"), "acceptListing", token, sender=operator)
        )
        assert listing == spec


@pytest.mark.rule("KR-SEP-2", "KR-LIC-1", "KR-LIC-2", "KR-LIC-3")
@examples
@given(
    equity=sts.krw(8 * KRW_BN, 0),
    licence=st.sampled_from(list(Licence)),
    prior=st.sampled_from([None, *Licence]),
    free_slot=st.booleans(),
)
def test_licensing_kr_sep_2_kr_lic_1_kr_lic_2_kr_lic_3_agree(
    scene: Scene, equity: int, licence: Licence, prior: Licence | None, free_slot: bool
):
    distribution = {Licence.OTC_VENUE, Licence.PROFESSIONAL_VENUE}
    with rolled_back(scene) as s:
        firm = s.spare[0]
        if free_slot:
            s.registry("revokeLicence", s.operator("KDX"), int(Licence.OTC_VENUE))
        s.registry("registerFirm", firm, 100 * KRW_BN, 0)
        held = (
            prior is not None
            and outcome(lambda: s.registry("grantLicence", firm, int(prior))).allowed
        )
        s.registry("registerFirm", firm, equity, 0)
        count = s.call("MarketRegistry", s.market.registry, "venueLicenceCount")
        holds_distribution = held and prior in distribution
        wants_distribution = licence in distribution
        checks = [
            rules.licence_side(
                REGIME, held and not holds_distribution, holds_distribution, wants_distribution
            )
        ]
        if wants_distribution:
            professional = licence == Licence.PROFESSIONAL_VENUE
            checks.append(
                rules.venue_licence(REGIME, equity, professional, count, holds_distribution)
            )
        if licence == Licence.ISSUER_ACCOUNT_MANAGER:
            checks.append(rules.account_manager(REGIME, equity))
        chain = outcome(lambda: s.registry("grantLicence", firm, int(licence)))
        assert chain == rules.first_refusal(*checks)


@pytest.mark.rule("KR-MKT-1", "KR-MKT-2")
@examples
@given(
    cash=sts.krw(200_000),
    tokens=st.integers(0, 30),
    quantity=st.integers(1, 30),
    self_trade=st.booleans(),
)
def test_kr_mkt_1_and_kr_mkt_2_trades_agree(
    scene: Scene, cash: int, tokens: int, quantity: int, self_trade: bool
):
    with rolled_back(scene) as s:
        seller, buyer = s.investors[0], s.investors[0] if self_trade else s.investors[1]
        if tokens:
            s.mint(seller, tokens)
        s.fund(buyer, cash)
        before = (s.balance(buyer), s.cash(buyer), s.balance(seller), s.cash(seller))
        tx = s.trade(buyer, seller, quantity)
        chain = rules.Decision(False, *refused(tx)) if tx.named("TradeFailed") else rules.ALLOW
        spec = rules.first_refusal(
            rules.own_account(REGIME, buyer, seller, {s.operator()}),
            # KR-MKT-2 looks at the cash the buyer has when it trades, not what is left after
            rules.no_credit(REGIME, "buy", before[1], quantity * PRICE, 0, 0),
            rules.no_credit(REGIME, "sell", 0, 0, tokens, quantity),
        )
        assert chain == spec
        if not chain.allowed:
            assert (s.balance(buyer), s.cash(buyer), s.balance(seller), s.cash(seller)) == before


@pytest.mark.rule("KR-DIS-1")
@examples
@given(holding=st.integers(4_990, 5_010), disclosed=st.booleans())
def test_kr_dis_1_disclosure_agrees(scene: Scene, holding: int, disclosed: bool):
    with rolled_back(scene) as s:
        holder, other = s.investors[:2]
        s.verify(holder, InvestorClass.PROFESSIONAL)
        s.registry("setRuleEnabled", "KR-INV-3", False)
        s.mint(holder, holding)
        if disclosed:
            s.tx("SecurityToken", s.token, "setDisclosed", holder, True, sender=s.ksd)
        chain = outcome(lambda: s.tx("SecurityToken", s.token, "transfer", other, 1, sender=holder))
        assert chain == rules.disclosure(REGIME, holding, QUANTITY, disclosed)


@pytest.mark.rule("KR-SET-2", "KR-ISS-2")
@examples
@given(extra=st.integers(-3, 3))
def test_kr_set_2_and_kr_iss_2_issuance_agrees(scene: Scene, extra: int):
    with rolled_back(scene) as s:
        s.registry("setRuleEnabled", "KR-INV-3", False)
        s.registry("setRuleEnabled", "KR-INV-2", False)
        supply = s.call("SecurityToken", s.token, "totalSupply")
        amount = QUANTITY - supply + extra
        chain = outcome(lambda: s.mint(s.investors[0], amount)) if amount > 0 else rules.ALLOW
        spec = rules.total_quantity(REGIME, supply, amount, QUANTITY) if amount > 0 else rules.ALLOW
        assert chain == spec
        fresh = s.new_issue("RET")
        first = outcome(lambda: s.mint(s.investors[0], 1, token=fresh))
        needed = rules.retained_share(REGIME, QUANTITY)
        assert first == (
            rules.refuse("KR-ISS-2", "retained-share-first") if needed else rules.ALLOW
        )


@pytest.mark.rule("KR-INV-1")
@examples
@given(verified=st.booleans(), frozen=st.booleans(), expired=st.booleans())
def test_kr_inv_1_eligibility_agrees(scene: Scene, verified: bool, frozen: bool, expired: bool):
    with rolled_back(scene) as s:
        account = s.spare[0]
        if verified:
            expiry = s.ledger.timestamp() - 10 if expired else FAR_FUTURE
            s.tx(
                "InvestorRegistry",
                s.market.investors,
                "verify",
                account,
                int(InvestorClass.GENERAL),
                expiry,
                sender=s.verifier,
            )
        if frozen:
            s.tx(
                "InvestorRegistry",
                s.market.investors,
                "setFrozen",
                account,
                True,
                sender=s.verifier,
            )
        chain = view(s.call("InvestorRegistry", s.market.investors, "eligibility", account))
        assert chain == rules.verified(REGIME, verified, frozen, expired and verified)
        s.mint(s.investors[0], 10)
        moved = outcome(
            lambda: s.tx("SecurityToken", s.token, "transfer", account, 1, sender=s.investors[0])
        )
        assert moved == chain


@pytest.mark.rule("KR-SET-1", "KR-SET-3")
@examples
@given(days_waited=st.integers(0, 4), cash_gone=st.booleans())
def test_kr_set_1_and_kr_set_3_deferred_settlement_agrees(
    scene: Scene, days_waited: int, cash_gone: bool
):
    with rolled_back(scene) as s:
        s.tx("Venue", s.venue(), "setSettlementDays", 2, sender=s.operator())
        seller, buyer = s.investors[:2]
        s.mint(seller, 10)
        s.fund(buyer, 10 * PRICE)
        accepted = s.trade(buyer, seller, 10).named("TradeAccepted")[0].args
        due = accepted["due"]  # KSD's calendar dates it
        if cash_gone:
            s.tx("CashToken", s.market.cash, "transfer", s.investors[2], 1, sender=buyer)
        s.ledger.advance_time(days_waited * 86_400)
        before = (s.balance(buyer), s.cash(buyer), s.balance(seller), s.cash(seller))
        due_check = rules.settlement_due(REGIME, s.ledger.timestamp() + 1, due)
        try:
            tx = s.tx("Venue", s.venue(), "finalize", [pending_trade(accepted)], sender=s.ksd)
        except RuleViolation as exc:
            assert rules.Decision(False, exc.rule_id, exc.reason) == due_check
            return
        assert due_check.allowed
        failed = tx.named("TradeFailed")
        assert bool(failed) == cash_gone
        if failed:  # KR-SET-3: neither leg moved
            assert (s.balance(buyer), s.cash(buyer), s.balance(seller), s.cash(seller)) == before
        assert rules.dvp(not failed, not failed).allowed == (not failed)


@pytest.mark.rule("KR-LED-2")
@examples
@given(caller=st.sampled_from(["registrar", "issuer", "investor", "operator"]))
def test_kr_led_2_forced_transfer_agrees(scene: Scene, caller: str):
    with rolled_back(scene) as s:
        s.mint(s.investors[0], 10)
        sender = {
            "registrar": s.ksd,
            "issuer": s.issuer,
            "investor": s.investors[1],
            "operator": s.operator(),
        }[caller]
        chain = outcome(
            lambda: s.tx(
                "SecurityToken",
                s.token,
                "forcedTransfer",
                s.investors[0],
                s.investors[1],
                5,
                "court-order",
                sender=sender,
            )
        )
        assert chain == rules.forced_transfer(caller == "registrar")


@pytest.mark.rule("KR-INV-4")
@examples
@given(buyer_class=sts.investor_classes(), seller_class=sts.investor_classes())
def test_kr_inv_4_professional_venue_agrees(scene: Scene, buyer_class: str, seller_class: str):
    with rolled_back(scene) as s:
        m = s.market
        s.registry("setParams", _registry_params(RegimeParams(max_venue_licences=3)))
        operator = s.spare[0]
        venue = deploy_venue(
            s.ledger,
            m.registry,
            m.investors,
            m.cash,
            s.ksd,
            s.regulator,
            operator,
            VenueSpec("PRO", equity=3 * KRW_BN, professional_only=True),
        )
        m.venues["PRO"] = {"address": venue, "operator": operator}
        try:
            s.tx("Venue", venue, "requestListing", s.token, sender=s.issuer)
            s.tx("Venue", venue, "acceptListing", s.token, sender=operator)
            seller, buyer = s.investors[:2]
            s.mint(seller, 5)
            s.fund(buyer, 100_000, venue="PRO")
            s.verify(buyer, CLASS_IDS[buyer_class])
            s.verify(seller, CLASS_IDS[seller_class])
            tx = s.trade(buyer, seller, 1, venue="PRO")
            chain = rules.Decision(False, *refused(tx)) if tx.named("TradeFailed") else rules.ALLOW
            spec = rules.first_refusal(
                rules.professional_venue(REGIME, True, buyer_class, "buy"),
                rules.professional_venue(REGIME, True, seller_class, "sell"),
            )
            assert chain == spec
        finally:
            del m.venues["PRO"]


def _registry_params(params: RegimeParams) -> tuple[int, ...]:
    return registry_params(Regime(params=params))
