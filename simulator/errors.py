"""stosim's exception types: one root, so callers can catch everything stosim raises."""

from __future__ import annotations


class StosimError(Exception):
    """Root of every error stosim raises on purpose."""


class ToolchainError(StosimError):
    """The local toolchain (node, solcjs, anvil) is missing or broken."""


class ChainError(StosimError):
    """The chain could not be reached, started or used."""


class RuleViolation(ChainError):
    """A contract refused an action under a rule of kr-sto-rules.md.

    Carries the rule ID (for example ``KR-SEP-1``) and the contract's reason code, decoded from
    the custom error ``RuleViolation(bytes32 ruleId, string reason)``.
    """

    def __init__(self, rule_id: str, reason: str) -> None:
        super().__init__(f"{rule_id}: {reason}")
        self.rule_id = rule_id
        self.reason = reason


class ContractRevert(ChainError):
    """A contract reverted with something other than a rule violation (access control, ...)."""

    def __init__(self, error: str, args: tuple[object, ...] = ()) -> None:
        super().__init__(f"{error}{args if args else ''}")
        self.error = error
        self.error_args = args
