"""The rules of kr-sto-rules.md as pure Python checks: the simulator's actors consult them before
they act, and tests use them as the oracle for the contracts. Each check returns a Decision
with the rule ID and the same reason code the contracts revert with.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.scenario import Regime


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule_id: str = ""
    reason: str = ""


ALLOW = Decision(True)


def refuse(rule_id: str, reason: str) -> Decision:
    return Decision(False, rule_id, reason)


def first_refusal(*decisions: Decision) -> Decision:
    return next((d for d in decisions if not d.allowed), ALLOW)


# ---- separation and licensing ----


def separation(
    regime: Regime,
    operator_group: int,
    operator: str,
    parties: dict[str, str | None],
    groups: dict[str, int],
) -> Decision:
    """KR-SEP-1: the venue's operator and its related parties may not be the issuer, underwriter,
    arranger or trust settlor of a token it brokers. `parties` maps role -> firm id."""
    if not regime.enabled("KR-SEP-1"):
        return ALLOW
    for role in ("issuer", "underwriter", "arranger", "settlor"):
        firm = parties.get(role)
        if firm is None:
            continue
        if firm == operator or (operator_group != 0 and groups.get(firm, 0) == operator_group):
            return refuse("KR-SEP-1", f"operator-related-to-{role}")
    return ALLOW


def licence_side(
    regime: Regime, holds_issuance: bool, holds_distribution: bool, wants_distribution: bool
) -> Decision:
    """KR-SEP-2: a firm holds an issuance or a distribution licence, not both."""
    if not regime.enabled("KR-SEP-2"):
        return ALLOW
    if wants_distribution and holds_issuance:
        return refuse("KR-SEP-2", "issuer-cannot-distribute")
    if not wants_distribution and holds_distribution:
        return refuse("KR-SEP-2", "distributor-cannot-issue")
    return ALLOW


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
    if regime.enabled("KR-LIC-1") and equity < minimum:
        return refuse("KR-LIC-1", "equity-below-venue-minimum")
    if (
        regime.enabled("KR-LIC-3")
        and not already_licensed
        and licences_granted >= p.max_venue_licences
    ):
        return refuse("KR-LIC-3", "venue-licences-exhausted")
    return ALLOW


def account_manager(regime: Regime, equity: int) -> Decision:
    """KR-LIC-2: an issuer registers its own tokens only as an account-management institution."""
    if regime.enabled("KR-LIC-2") and equity < regime.params.issuer_account_manager_min_equity:
        return refuse("KR-LIC-2", "equity-below-account-manager-minimum")
    return ALLOW


# ---- issuance ----


def offering_tier(
    regime: Regime, size_krw: int, disclosure: str, professional_only: bool
) -> Decision:
    """KR-ISS-1: small offerings need no registration statement; larger ones need a filing."""
    if not regime.enabled("KR-ISS-1") or professional_only:
        return ALLOW
    level = {"none": 0, "tier_two": 1, "registration_statement": 2}[disclosure]
    if size_krw > regime.params.tier_two_cap and level < 2:
        return refuse("KR-ISS-1", "registration-statement-required")
    if size_krw > regime.params.small_offering_cap and level < 1:
        return refuse("KR-ISS-1", "tier-two-filing-required")
    return ALLOW


def retained_share(regime: Regime, total_quantity: int) -> int:
    """KR-ISS-2: units the issuer must take and keep."""
    if not regime.enabled("KR-ISS-2"):
        return 0
    return total_quantity * regime.params.retained_share_bps // 10_000


def total_quantity(regime: Regime, supply: int, amount: int, registered: int) -> Decision:
    """KR-SET-2: never more tokens than the registered quantity."""
    if regime.enabled("KR-SET-2") and supply + amount > registered:
        return refuse("KR-SET-2", "exceeds-registered-quantity")
    return ALLOW


def subscription_cap_krw(regime: Regime, offering_size_krw: int) -> int:
    """KR-INV-3: one investor's cap in a primary offering: min(5% of the offering, 3 m KRW)."""
    p = regime.params
    return min(offering_size_krw * p.subscription_cap_bps // 10_000, p.subscription_cap_krw)


def subscription(
    regime: Regime, subscribed_krw: int, value: int, offering_size_krw: int
) -> Decision:
    if regime.enabled("KR-INV-3") and subscribed_krw + value > subscription_cap_krw(
        regime, offering_size_krw
    ):
        return refuse("KR-INV-3", "subscription-cap-exceeded")
    return ALLOW


# ---- investors ----


def verified(
    regime: Regime, is_verified: bool, frozen: bool = False, expired: bool = False
) -> Decision:
    """KR-INV-1: only verified investors with a current KYC, not frozen, hold and receive tokens."""
    if not regime.enabled("KR-INV-1"):
        return ALLOW
    if not is_verified:
        return refuse("KR-INV-1", "investor-not-verified")
    if expired:
        return refuse("KR-INV-1", "kyc-expired")
    if frozen:
        return refuse("KR-INV-1", "investor-frozen")
    return ALLOW


def investment_limit(
    regime: Regime, investor_class: str, invested_year: int, invested_issuer: int, value: int
) -> Decision:
    """KR-INV-2: annual limits per class, per issuer and in total; professionals unlimited."""
    if not regime.enabled("KR-INV-2") or investor_class == "professional":
        return ALLOW
    p = regime.params
    per_issuer, annual = (
        (p.general_per_issuer_krw, p.general_annual_krw)
        if investor_class == "general"
        else (p.income_qualified_per_issuer_krw, p.income_qualified_annual_krw)
    )
    if invested_year + value > annual:
        return refuse("KR-INV-2", "annual-limit-exceeded")
    if invested_issuer + value > per_issuer:
        return refuse("KR-INV-2", "issuer-limit-exceeded")
    return ALLOW


def professional_venue(
    regime: Regime, professional_only: bool, investor_class: str, side: str
) -> Decision:
    """KR-INV-4: a professional-only venue admits professional investors only."""
    if regime.enabled("KR-INV-4") and professional_only and investor_class != "professional":
        return refuse("KR-INV-4", f"{'buyer' if side == 'buy' else 'seller'}-not-professional")
    return ALLOW


def disclosure(regime: Regime, holding: int, registered: int, disclosed: bool) -> Decision:
    """KR-DIS-1: a holder of more than 5% must have disclosed before selling."""
    threshold = registered * regime.params.disclosure_threshold_bps
    if regime.enabled("KR-DIS-1") and not disclosed and holding * 10_000 > threshold:
        return refuse("KR-DIS-1", "disclosure-required")
    return ALLOW


# ---- trading ----


def no_credit(
    regime: Regime, side: str, available_cash: int, cost: int, available_tokens: int, quantity: int
) -> Decision:
    """KR-MKT-2: a buy needs the full cash, a sell needs the tokens, at order time."""
    if not regime.enabled("KR-MKT-2"):
        return ALLOW
    if side == "buy" and available_cash < cost:
        return refuse("KR-MKT-2", "insufficient-cash")
    if side == "sell" and available_tokens < quantity:
        return refuse("KR-MKT-2", "insufficient-tokens")
    return ALLOW


def own_account(regime: Regime, buyer: str, seller: str, operator_accounts: set[str]) -> Decision:
    """KR-MKT-1: no self-trade, and the operator never trades for its own account."""
    if not regime.enabled("KR-MKT-1"):
        return ALLOW
    if buyer == seller:
        return refuse("KR-MKT-1", "self-trade")
    if buyer in operator_accounts or seller in operator_accounts:
        return refuse("KR-MKT-1", "operator-own-account")
    return ALLOW


def trading_hours(regime: Regime, is_open: bool) -> Decision:
    """KR-MKT-3: orders only while the venue's session is open."""
    if regime.enabled("KR-MKT-3") and not is_open:
        return refuse("KR-MKT-3", "market-closed")
    return ALLOW


def price_limit(regime: Regime, price: int, previous_close: int, limit_pct: float) -> Decision:
    """KR-MKT-4: a price within +/- limit_pct of the previous close."""
    if not regime.enabled("KR-MKT-4") or previous_close <= 0:
        return ALLOW
    band = previous_close * limit_pct / 100
    if abs(price - previous_close) > band:
        return refuse("KR-MKT-4", "outside-daily-price-limit")
    return ALLOW


def settlement_due(regime: Regime, now: int, due: int) -> Decision:
    """KR-SET-1: a deferred trade settles through KSD on its due date, not before."""
    if regime.enabled("KR-SET-1") and now < due:
        return refuse("KR-SET-1", "not-due")
    return ALLOW


def ledger_governance(regime: Regime, unrelated_node_share: float) -> Decision:
    """KR-LED-1: at least 51% of ledger nodes run by institutions unrelated to the issuer."""
    if regime.enabled("KR-LED-1") and unrelated_node_share < 0.51:
        return refuse("KR-LED-1", "too-few-independent-nodes")
    return ALLOW


def forced_transfer(is_registrar: bool) -> Decision:
    """KR-LED-2: only the registrar role forces a transfer."""
    return ALLOW if is_registrar else refuse("KR-LED-2", "not-registrar")


def dvp(token_leg_ok: bool, cash_leg_ok: bool) -> Decision:
    """KR-SET-3: both legs settle together or neither does."""
    return ALLOW if token_leg_ok and cash_leg_ok else refuse("KR-SET-3", "leg-failed")
