"""Investors: who may hold, how much a class may invest, professional-only venues and the
disclosure of large holders."""

from __future__ import annotations

from simulator.rule_ids import RuleId
from simulator.rules.decision import ALLOW, Decision, refuse
from simulator.rules.registry import REGISTRY, InRuns
from simulator.scenario import Regime

REGISTRY.define(
    RuleId.INV_1,
    "only verified (KYC) investors hold and receive tokens",
    reasons=("investor-not-verified", "kyc-expired", "investor-frozen"),
    on_chain=("InvestorRegistry", "SecurityToken"),
    in_runs=InRuns.CHAIN,
    note="every investor of a run is onboarded verified; the token checks each transfer",
)
REGISTRY.define(
    RuleId.INV_2,
    "annual investment limits per class, per issuer and in total",
    reasons=("annual-limit-exceeded", "issuer-limit-exceeded"),
    on_chain=("InvestorLimitRule",),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.INV_4,
    "a professional-only venue admits professional investors only",
    reasons=("buyer-not-professional", "seller-not-professional"),
    on_chain=("Venue",),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.DIS_1,
    "a holder of more than 5% discloses before selling",
    reasons=("disclosure-required",),
    on_chain=("SecurityToken",),
    in_runs=InRuns.BOTH,
)


@REGISTRY.check(RuleId.INV_1)
def verified(
    regime: Regime, is_verified: bool, frozen: bool = False, expired: bool = False
) -> Decision:
    """KR-INV-1: only verified investors with a current KYC, not frozen, hold and receive tokens."""
    if not regime.enabled(RuleId.INV_1):
        return ALLOW
    if not is_verified:
        return refuse(RuleId.INV_1, "investor-not-verified")
    if expired:
        return refuse(RuleId.INV_1, "kyc-expired")
    if frozen:
        return refuse(RuleId.INV_1, "investor-frozen")
    return ALLOW


@REGISTRY.check(RuleId.INV_2)
def investment_limit(
    regime: Regime, investor_class: str, invested_year: int, invested_issuer: int, value: int
) -> Decision:
    """KR-INV-2: annual limits per class, per issuer and in total; professionals unlimited."""
    if not regime.enabled(RuleId.INV_2) or investor_class == "professional":
        return ALLOW
    p = regime.params
    per_issuer, annual = (
        (p.general_per_issuer_krw, p.general_annual_krw)
        if investor_class == "general"
        else (p.income_qualified_per_issuer_krw, p.income_qualified_annual_krw)
    )
    if invested_year + value > annual:
        return refuse(RuleId.INV_2, "annual-limit-exceeded")
    if invested_issuer + value > per_issuer:
        return refuse(RuleId.INV_2, "issuer-limit-exceeded")
    return ALLOW


@REGISTRY.check(RuleId.INV_4)
def professional_venue(
    regime: Regime, professional_only: bool, investor_class: str, side: str
) -> Decision:
    """KR-INV-4: a professional-only venue admits professional investors only."""
    if regime.enabled(RuleId.INV_4) and professional_only and investor_class != "professional":
        return refuse(RuleId.INV_4, f"{'buyer' if side == 'buy' else 'seller'}-not-professional")
    return ALLOW


@REGISTRY.check(RuleId.DIS_1)
def disclosure(regime: Regime, holding: int, registered: int, disclosed: bool) -> Decision:
    """KR-DIS-1: a holder of more than 5% must have disclosed before selling."""
    threshold = registered * regime.params.disclosure_threshold_bps
    if regime.enabled(RuleId.DIS_1) and not disclosed and holding * 10_000 > threshold:
        return refuse(RuleId.DIS_1, "disclosure-required")
    return ALLOW
