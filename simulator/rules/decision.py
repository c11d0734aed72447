"""What a rule check returns: allowed, or refused with the rule ID and the same reason code the
contracts revert with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule_id: str = ""
    reason: str = ""


ALLOW = Decision(True)


def refuse(rule_id: str, reason: str) -> Decision:
    # a plain str, also for a RuleId: decisions end up in the event log and its files
    return Decision(False, str(rule_id), reason)


def first_refusal(*decisions: Decision) -> Decision:
    return next((d for d in decisions if not d.allowed), ALLOW)
