"""The rules of kr-sto-rules.md as pure Python checks, each registered with its rule ID in the
rule registry (`REGISTRY`). The simulator's actors consult them before they act, and tests use
them as the oracle for the contracts. Each check returns a Decision with the rule ID and the
same reason code the contracts revert with.
"""

from simulator.rules.decision import ALLOW, Decision, first_refusal, refuse
from simulator.rules.investors import disclosure, investment_limit, professional_venue, verified
from simulator.rules.issuance import (
    offering_tier,
    retained_share,
    subscription,
    subscription_cap_krw,
    total_quantity,
)
from simulator.rules.ledger import forced_transfer, ledger_governance
from simulator.rules.licensing import account_manager, licence_side, separation, venue_licence
from simulator.rules.registry import REGISTRY, InRuns, Rule, RuleSpecError
from simulator.rules.trading import (
    dvp,
    no_credit,
    own_account,
    price_limit,
    settlement_due,
    trading_hours,
)

__all__ = [
    "ALLOW",
    "REGISTRY",
    "Decision",
    "InRuns",
    "Rule",
    "RuleSpecError",
    "account_manager",
    "disclosure",
    "dvp",
    "first_refusal",
    "forced_transfer",
    "investment_limit",
    "ledger_governance",
    "licence_side",
    "no_credit",
    "offering_tier",
    "own_account",
    "price_limit",
    "professional_venue",
    "refuse",
    "retained_share",
    "separation",
    "settlement_due",
    "subscription",
    "subscription_cap_krw",
    "total_quantity",
    "trading_hours",
    "venue_licence",
    "verified",
]
