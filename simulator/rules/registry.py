"""The rule registry: each rule ID is one unit (its Python checks, the reason codes they refuse
with, the contracts that enforce it on-chain, and whether a simulation run exercises it).

The actors call the checks through the registry: `@REGISTRY.check(...)` wraps each check so
that every refusal is verified to carry its rule's ID and a declared reason code, and so that a
test can record which rules a run consulted (`REGISTRY.recording()`).
"""

from __future__ import annotations

import contextlib
import enum
import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from simulator.errors import StosimError
from simulator.rule_ids import RuleId
from simulator.rules.decision import Decision

P = ParamSpec("P")
R = TypeVar("R")


class InRuns(enum.StrEnum):
    """How a simulation run enforces a rule."""

    SIMULATOR = "simulator"  # actors consult the Python check before they act
    CHAIN = "chain"  # the contracts in the loop refuse the transaction
    BOTH = "simulator and chain"
    NOT_MODELLED = "not modelled"  # nothing in a run exercises it (tested on its own)


@dataclass
class Rule:
    id: RuleId
    summary: str
    reasons: tuple[str, ...]
    on_chain: tuple[str, ...]  # contracts that name the rule's RuleIds constant
    in_runs: InRuns
    note: str = ""  # why it is off-chain or not modelled
    checks: list[Callable[..., Any]] = field(default_factory=list)

    @property
    def modelled(self) -> bool:
        return self.in_runs is not InRuns.NOT_MODELLED

    @property
    def consulted_by_simulator(self) -> bool:
        return self.in_runs in (InRuns.SIMULATOR, InRuns.BOTH)


class RuleSpecError(StosimError):
    """A check refused with a rule ID or reason code its registry entry does not declare."""


class RuleRegistry:
    def __init__(self) -> None:
        self._rules: dict[RuleId, Rule] = {}
        self._recorders: list[Counter[RuleId]] = []

    def define(
        self,
        rule_id: RuleId,
        summary: str,
        *,
        reasons: tuple[str, ...],
        on_chain: tuple[str, ...],
        in_runs: InRuns,
        note: str = "",
    ) -> Rule:
        if rule_id in self._rules:
            raise RuleSpecError(f"{rule_id} is defined twice")
        rule = Rule(rule_id, summary, reasons, on_chain, in_runs, note)
        self._rules[rule_id] = rule
        return rule

    def check(self, *rule_ids: RuleId) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Register a check of these rules (a Decision, or a quantity the rule sets)."""

        def register(function: Callable[P, R]) -> Callable[P, R]:
            rules = [self._rules[r] for r in rule_ids]

            @functools.wraps(function)
            def checked(*args: P.args, **kwargs: P.kwargs) -> R:
                result = function(*args, **kwargs)
                for recorder in self._recorders:
                    recorder.update(rule_ids)
                if isinstance(result, Decision) and not result.allowed:
                    _verify(function.__name__, rules, result)
                return result

            for rule in rules:
                rule.checks.append(checked)
            return checked

        return register

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[RuleId(rule_id)]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules[r] for r in RuleId if r in self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    @contextlib.contextmanager
    def recording(self) -> Iterator[Counter[RuleId]]:
        """Count the checks consulted inside the block, per rule ID."""
        consulted: Counter[RuleId] = Counter()
        self._recorders.append(consulted)
        try:
            yield consulted
        finally:
            self._recorders.remove(consulted)


def _verify(check: str, rules: list[Rule], decision: Decision) -> None:
    rule = next((r for r in rules if r.id == decision.rule_id), None)
    if rule is None:
        declared = [str(r.id) for r in rules]
        raise RuleSpecError(f"{check} refused under {decision.rule_id!r}, not one of {declared}")
    if decision.reason not in rule.reasons:
        raise RuleSpecError(
            f"{check}: reason {decision.reason!r} is not declared for {rule.id} ({rule.reasons})"
        )


REGISTRY = RuleRegistry()
