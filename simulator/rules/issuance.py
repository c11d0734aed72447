"""Issuance: offering tiers, the issuer's retained share, KSD's total-quantity control and the
subscription cap of a primary offering."""

from __future__ import annotations

from simulator.rule_ids import RuleId
from simulator.rules.decision import ALLOW, Decision, refuse
from simulator.rules.registry import REGISTRY, InRuns
from simulator.scenario import Regime

DISCLOSURE_LEVEL = {"none": 0, "tier_two": 1, "registration_statement": 2}

REGISTRY.define(
    RuleId.ISS_1,
    "offering size tiers: small, Tier II with a filing, larger with a registration statement",
    reasons=("registration-statement-required", "tier-two-filing-required"),
    on_chain=("MarketRegistry", "SecurityToken"),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.ISS_2,
    "the issuer takes a share of its issue first and keeps it",
    reasons=("retained-share-first", "retained-share-locked"),
    on_chain=("SecurityToken",),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.SET_2,
    "tokens never exceed the quantity registered with KSD",
    reasons=(
        "exceeds-registered-quantity",
        "issue-already-registered",
        "issue-not-registered",
        "zero-price",
        "zero-quantity",
    ),
    on_chain=("MarketRegistry", "SecurityToken"),
    in_runs=InRuns.CHAIN,
)
REGISTRY.define(
    RuleId.INV_3,
    "one investor's subscription cap: min(5% of the offering, KRW 3 m)",
    reasons=("subscription-cap-exceeded",),
    on_chain=("SubscriptionCapRule",),
    in_runs=InRuns.BOTH,
)


@REGISTRY.check(RuleId.ISS_1)
def offering_tier(
    regime: Regime, size_krw: int, disclosure: str, professional_only: bool
) -> Decision:
    """KR-ISS-1: small offerings need no registration statement; larger ones need a filing."""
    if not regime.enabled(RuleId.ISS_1) or professional_only:
        return ALLOW
    level = DISCLOSURE_LEVEL[disclosure]
    if size_krw > regime.params.tier_two_cap and level < 2:
        return refuse(RuleId.ISS_1, "registration-statement-required")
    if size_krw > regime.params.small_offering_cap and level < 1:
        return refuse(RuleId.ISS_1, "tier-two-filing-required")
    return ALLOW


@REGISTRY.check(RuleId.ISS_2)
def retained_share(regime: Regime, total_quantity: int) -> int:
    """KR-ISS-2: units the issuer must take and keep."""
    if not regime.enabled(RuleId.ISS_2):
        return 0
    return total_quantity * regime.params.retained_share_bps // 10_000


@REGISTRY.check(RuleId.SET_2)
def total_quantity(regime: Regime, supply: int, amount: int, registered: int) -> Decision:
    """KR-SET-2: never more tokens than the registered quantity."""
    if regime.enabled(RuleId.SET_2) and supply + amount > registered:
        return refuse(RuleId.SET_2, "exceeds-registered-quantity")
    return ALLOW


@REGISTRY.check(RuleId.INV_3)
def subscription_cap_krw(regime: Regime, offering_size_krw: int) -> int:
    """KR-INV-3: one investor's cap in a primary offering: min(5% of the offering, 3 m KRW)."""
    p = regime.params
    return min(offering_size_krw * p.subscription_cap_bps // 10_000, p.subscription_cap_krw)


@REGISTRY.check(RuleId.INV_3)
def subscription(
    regime: Regime, subscribed_krw: int, value: int, offering_size_krw: int
) -> Decision:
    """KR-INV-3: a subscription that would pass the investor's cap is refused."""
    if regime.enabled(RuleId.INV_3) and subscribed_krw + value > subscription_cap_krw(
        regime, offering_size_krw
    ):
        return refuse(RuleId.INV_3, "subscription-cap-exceeded")
    return ALLOW
