"""Trading and settlement: matching without the operator, no credit, sessions, price limits,
settlement through KSD on the due date, and delivery versus payment."""

from __future__ import annotations

from simulator.rule_ids import RuleId
from simulator.rules.decision import ALLOW, Decision, refuse
from simulator.rules.registry import REGISTRY, InRuns
from simulator.scenario import Regime

REGISTRY.define(
    RuleId.MKT_1,
    "multilateral matching; the operator never trades for its own account",
    reasons=("self-trade", "operator-own-account"),
    on_chain=("Venue",),
    in_runs=InRuns.CHAIN,
    note="the order book also cancels an order that would match its owner's resting one",
)
REGISTRY.define(
    RuleId.MKT_2,
    "no credit, no short selling: cash or tokens in full at order time",
    reasons=("insufficient-cash", "insufficient-tokens", "cash-not-committed"),
    on_chain=("Venue",),
    in_runs=InRuns.BOTH,
)
REGISTRY.define(
    RuleId.MKT_3,
    "orders only in trading hours",
    reasons=("market-closed",),
    on_chain=(),
    in_runs=InRuns.SIMULATOR,
    note="off-chain: trading hours are the venues' sessions",
)
REGISTRY.define(
    RuleId.MKT_4,
    "a daily price limit around the previous close",
    reasons=("outside-daily-price-limit",),
    on_chain=(),
    in_runs=InRuns.SIMULATOR,
    note="off-chain: venues check prices before matching",
)
REGISTRY.define(
    RuleId.SET_1,
    "trades settle through KSD, deferred ones on their due date",
    reasons=("not-due", "no-settlement-calendar", "not-registrar"),
    on_chain=("Venue",),
    in_runs=InRuns.CHAIN,
)
REGISTRY.define(
    RuleId.SET_3,
    "delivery versus payment: both legs or neither",
    reasons=("leg-failed", "fee-exceeds-proceeds"),
    on_chain=("Venue",),
    in_runs=InRuns.CHAIN,
)


@REGISTRY.check(RuleId.MKT_2)
def no_credit(
    regime: Regime, side: str, available_cash: int, cost: int, available_tokens: int, quantity: int
) -> Decision:
    """KR-MKT-2: a buy needs the full cash, a sell needs the tokens, at order time."""
    if not regime.enabled(RuleId.MKT_2):
        return ALLOW
    if side == "buy" and available_cash < cost:
        return refuse(RuleId.MKT_2, "insufficient-cash")
    if side == "sell" and available_tokens < quantity:
        return refuse(RuleId.MKT_2, "insufficient-tokens")
    return ALLOW


@REGISTRY.check(RuleId.MKT_1)
def own_account(regime: Regime, buyer: str, seller: str, operator_accounts: set[str]) -> Decision:
    """KR-MKT-1: no self-trade, and the operator never trades for its own account."""
    if not regime.enabled(RuleId.MKT_1):
        return ALLOW
    if buyer == seller:
        return refuse(RuleId.MKT_1, "self-trade")
    if buyer in operator_accounts or seller in operator_accounts:
        return refuse(RuleId.MKT_1, "operator-own-account")
    return ALLOW


@REGISTRY.check(RuleId.MKT_3)
def trading_hours(regime: Regime, is_open: bool) -> Decision:
    """KR-MKT-3: orders only while the venue's session is open."""
    if regime.enabled(RuleId.MKT_3) and not is_open:
        return refuse(RuleId.MKT_3, "market-closed")
    return ALLOW


@REGISTRY.check(RuleId.MKT_4)
def price_limit(regime: Regime, price: int, previous_close: int, limit_pct: float) -> Decision:
    """KR-MKT-4: a price within +/- limit_pct of the previous close."""
    if not regime.enabled(RuleId.MKT_4) or previous_close <= 0:
        return ALLOW
    band = previous_close * limit_pct / 100
    if abs(price - previous_close) > band:
        return refuse(RuleId.MKT_4, "outside-daily-price-limit")
    return ALLOW


@REGISTRY.check(RuleId.SET_1)
def settlement_due(regime: Regime, now: int, due: int) -> Decision:
    """KR-SET-1: a deferred trade settles through KSD on its due date, not before."""
    if regime.enabled(RuleId.SET_1) and now < due:
        return refuse(RuleId.SET_1, "not-due")
    return ALLOW


@REGISTRY.check(RuleId.SET_3)
def dvp(token_leg_ok: bool, cash_leg_ok: bool) -> Decision:
    """KR-SET-3: both legs settle together or neither does."""
    return ALLOW if token_leg_ok and cash_leg_ok else refuse(RuleId.SET_3, "leg-failed")
