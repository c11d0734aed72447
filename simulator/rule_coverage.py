"""Where each rule of kr-sto-rules.md is enforced and tested: the rule registry says what checks
it and where, the collected tests say which tests declare it (`@pytest.mark.rule`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.chain.toolchain import PROJECT_ROOT
from simulator.rules import REGISTRY, InRuns, Rule


@dataclass
class Coverage:
    rule: Rule
    tests: list[str]

    @property
    def rule_id(self) -> str:
        return str(self.rule.id)


def coverage(tests: dict[str, list[str]] | None = None) -> list[Coverage]:
    """One row per registered rule; `tests` maps rule ID -> declaring tests (default: collected
    from the project's tests/)."""
    if tests is None:
        from simulator.testing.rule_marker import collect_rule_tests

        folder = PROJECT_ROOT / "tests"  # absent where stosim is installed without its tests
        tests = collect_rule_tests([folder]) if folder.is_dir() else {}
    return [Coverage(rule, sorted(tests.get(str(rule.id), []))) for rule in REGISTRY]


def markdown(rows: list[Coverage]) -> str:
    lines = [
        "| rule | in runs | on-chain | Python checks | tests |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        rule = row.rule
        in_runs = rule.in_runs.value
        if rule.in_runs is InRuns.NOT_MODELLED:
            in_runs = f"**not modelled**: {rule.note}"
        onchain = ", ".join(rule.on_chain) or (rule.note if rule.modelled else "-")
        checks = ", ".join(f"rules.{check.__name__}" for check in rule.checks) or "-"
        names = ", ".join(
            Path(t.split("::")[0]).stem + "::" + t.split("::", 1)[1] for t in row.tests
        )
        lines.append(
            f"| {rule.id} | {in_runs} | {onchain} | {checks} | {len(row.tests)}: {names or '-'} |"
        )
    return "\n".join(lines)
