"""Separation and licensing: who may run a venue, issue, and broker whose tokens."""

from __future__ import annotations

from simulator.rule_ids import RuleId
from simulator.rules.decision import ALLOW, Decision, refuse
from simulator.rules.registry import REGISTRY, InRuns
from simulator.scenario import Regime

SEPARATED_ROLES = ("issuer", "underwriter", "arranger", "settlor")

REGISTRY.define(
    RuleId.SEP_1,
    "a venue brokers no token of its operator or a related party",
    reasons=tuple(f"operator-related-to-{role}" for role in SEPARATED_ROLES),
    on_chain=("MarketRegistry", "Venue", "VenueListings"),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.SEP_2,
    "an issuance or a distribution licence, not both",
    reasons=("issuer-cannot-distribute", "distributor-cannot-issue"),
    on_chain=("MarketRegistry",),
    in_runs=InRuns.CHAIN,
    note="licences are granted on-chain when the world is built",
)
REGISTRY.define(
    RuleId.LIC_1,
    "a venue operator's equity: KRW 6 bn, 3 bn if professional-only",
    reasons=(
        "equity-below-venue-minimum",
        "operator-not-licensed",
        "venue-deregistered",
        "venue-not-registered",
        "venue-suspended",
        "venue-of-another-market",
    ),
    on_chain=("MarketRegistry", "Venue", "VenueRegister"),
    in_runs=InRuns.CHAIN,
)
REGISTRY.define(
    RuleId.LIC_2,
    "an issuer registers its own tokens only as an account-management institution",
    reasons=(
        "equity-below-account-manager-minimum",
        "caller-not-account-manager",
        "account-manager-not-licensed",
        "issuer-not-account-manager",
    ),
    on_chain=("MarketRegistry", "SecurityToken"),
    in_runs=InRuns.CHAIN,
)
REGISTRY.define(
    RuleId.LIC_3,
    "at most N venue licences",
    reasons=("venue-licences-exhausted",),
    on_chain=("MarketRegistry",),
    in_runs=InRuns.CHAIN,
)


@REGISTRY.check(RuleId.SEP_1)
def separation(
    regime: Regime,
    operator_group: int,
    operator: str,
    parties: dict[str, str | None],
    groups: dict[str, int],
) -> Decision:
    """KR-SEP-1: the venue's operator and its related parties may not be the issuer, underwriter,
    arranger or trust settlor of a token it brokers. `parties` maps role -> firm id."""
    if not regime.enabled(RuleId.SEP_1):
        return ALLOW
    for role in SEPARATED_ROLES:
        firm = parties.get(role)
        if firm is None:
            continue
        if firm == operator or (operator_group != 0 and groups.get(firm, 0) == operator_group):
            return refuse(RuleId.SEP_1, f"operator-related-to-{role}")
    return ALLOW


@REGISTRY.check(RuleId.SEP_2)
def licence_side(
    regime: Regime, holds_issuance: bool, holds_distribution: bool, wants_distribution: bool
) -> Decision:
    """KR-SEP-2: a firm holds an issuance or a distribution licence, not both."""
    if not regime.enabled(RuleId.SEP_2):
        return ALLOW
    if wants_distribution and holds_issuance:
        return refuse(RuleId.SEP_2, "issuer-cannot-distribute")
    if not wants_distribution and holds_distribution:
        return refuse(RuleId.SEP_2, "distributor-cannot-issue")
    return ALLOW


@REGISTRY.check(RuleId.LIC_1, RuleId.LIC_3)
def venue_licence(
    regime: Regime,
    equity: int,
    professional_only: bool,
    licences_granted: int,
    already_licensed: bool = False,
) -> Decision:
    """KR-LIC-1 (equity) and KR-LIC-3 (number of venue licences; a licensed firm keeps its slot)."""
    p = regime.params
    minimum = p.professional_venue_min_equity if professional_only else p.otc_venue_min_equity
    if regime.enabled(RuleId.LIC_1) and equity < minimum:
        return refuse(RuleId.LIC_1, "equity-below-venue-minimum")
    if (
        regime.enabled(RuleId.LIC_3)
        and not already_licensed
        and licences_granted >= p.max_venue_licences
    ):
        return refuse(RuleId.LIC_3, "venue-licences-exhausted")
    return ALLOW


@REGISTRY.check(RuleId.LIC_2)
def account_manager(regime: Regime, equity: int) -> Decision:
    """KR-LIC-2: an issuer registers its own tokens only as an account-management institution."""
    if regime.enabled(RuleId.LIC_2) and equity < regime.params.issuer_account_manager_min_equity:
        return refuse(RuleId.LIC_2, "equity-below-account-manager-minimum")
    return ALLOW
