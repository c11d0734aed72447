"""The ledger: who runs its nodes, and who may force a transfer."""

from __future__ import annotations

from simulator.rule_ids import RuleId
from simulator.rules.decision import ALLOW, Decision, refuse
from simulator.rules.registry import REGISTRY, InRuns
from simulator.scenario import Regime

INDEPENDENT_NODE_MAJORITY = 0.51

REGISTRY.define(
    RuleId.LED_1,
    "at least 51% of ledger nodes run by institutions unrelated to the issuer",
    reasons=("too-few-independent-nodes",),
    on_chain=(),
    in_runs=InRuns.NOT_MODELLED,
    note="node governance is not a transaction; a scenario has no nodes to count",
)
REGISTRY.define(
    RuleId.LED_2,
    "only the registrar forces a transfer; otherwise tokens move only by their holder's order",
    reasons=(
        "not-registrar",
        "address-frozen",
        "amount-frozen",
        "receiver-frozen",
        "fee-above-signed-schedule",
        "limit-price-crossed",
        "order-cancelled",
        "order-expired",
        "order-for-another-venue",
        "order-not-signed-by-holder",
        "order-overfilled",
        "order-side-mismatch",
        "order-signature-invalid",
        "order-token-mismatch",
    ),
    on_chain=("SecurityToken", "SignedOrders", "Venue"),
    in_runs=InRuns.CHAIN,
    note="runs force no transfer; every trade carries its holders' signed orders",
)


@REGISTRY.check(RuleId.LED_1)
def ledger_governance(regime: Regime, unrelated_node_share: float) -> Decision:
    """KR-LED-1: at least 51% of ledger nodes run by institutions unrelated to the issuer."""
    if regime.enabled(RuleId.LED_1) and unrelated_node_share < INDEPENDENT_NODE_MAJORITY:
        return refuse(RuleId.LED_1, "too-few-independent-nodes")
    return ALLOW


@REGISTRY.check(RuleId.LED_2)
def forced_transfer(is_registrar: bool) -> Decision:
    """KR-LED-2: only the registrar role forces a transfer."""
    return ALLOW if is_registrar else refuse(RuleId.LED_2, "not-registrar")
