"""Where each rule of kr-sto-rules.md is enforced and tested, read from the code itself.

Contracts: the functions that name the rule through `RuleIds` (contracts/common/RuleIds.sol).
Python: the functions of simulator/rules.py that name it. Tests: test functions that name it,
in their name (test_kr_sep_1_...) or their body ("KR-SEP-1").
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from simulator.chain.toolchain import PROJECT_ROOT
from simulator.scenario import RULE_IDS

DOMAIN_FILE = PROJECT_ROOT.parent / "shared" / "domain" / "kr-sto-rules.md"
RULE_ID = re.compile(r"\bKR-[A-Z]+-\d+\b")
OFF_CHAIN = {  # rules about time, prices and governance: enforced by the simulator, not a contract
    "KR-MKT-3": "trading hours are the venues' sessions (simulator)",
    "KR-MKT-4": "price limits are checked by venues before matching (simulator)",
    "KR-LED-1": "node governance is a scenario property, not a transaction",
}


@dataclass
class Coverage:
    rule_id: str
    contracts: list[str] = field(default_factory=list)
    python: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)

    @property
    def enforced(self) -> bool:
        return bool(self.contracts or self.python)


def domain_rule_ids(path: Path = DOMAIN_FILE) -> list[str]:
    """Rule IDs of the domain file; the schema's list when the file is not beside the checkout."""
    if path.exists():
        return sorted(set(RULE_ID.findall(path.read_text())))
    return sorted(RULE_IDS)


def contract_enforcement(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    ids = dict(
        re.findall(
            r'string internal constant (\w+) = "([\w-]+)"',
            (root / "contracts/common/RuleIds.sol").read_text(),
        )
    )
    found: dict[str, set[str]] = {}
    for sol in sorted((root / "contracts").rglob("*.sol")):
        function = ""
        for line in sol.read_text().splitlines():
            if m := re.search(r"\bfunction (\w+)\s*\(", line):
                function = m.group(1)
            for const in re.findall(r"RuleIds\.(\w+)", line):
                if const in ids and function:
                    found.setdefault(ids[const], set()).add(f"{sol.stem}.{function}")
    return found


def python_enforcement(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    module = root / "simulator" / "rules.py"
    tree = ast.parse(module.read_text())
    source = module.read_text().splitlines()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            text = "\n".join(source[node.lineno - 1 : node.end_lineno])
            for rule_id in set(RULE_ID.findall(text)):
                found.setdefault(rule_id, set()).add(f"rules.{node.name}")
    return found


def test_references(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((root / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text())
        source = path.read_text().splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                text = "\n".join(source[node.lineno - 1 : node.end_lineno])
                named = {
                    m.upper().replace("_", "-") for m in re.findall(r"kr_[a-z]+_\d+", node.name)
                }
                for rule_id in named | set(RULE_ID.findall(text)):
                    found.setdefault(rule_id, set()).add(f"{path.relative_to(root)}::{node.name}")
    return found


def coverage(root: Path = PROJECT_ROOT) -> list[Coverage]:
    contracts, python, tests = (
        contract_enforcement(root),
        python_enforcement(root),
        test_references(root),
    )
    return [
        Coverage(
            rule_id,
            sorted(contracts.get(rule_id, ())),
            sorted(python.get(rule_id, ())),
            sorted(tests.get(rule_id, ())),
        )
        for rule_id in domain_rule_ids()
    ]


def markdown(rows: list[Coverage]) -> str:
    lines = ["| rule | contracts | Python rule spec | tests |", "|---|---|---|---|"]
    for row in rows:
        onchain = ", ".join(row.contracts) or OFF_CHAIN.get(row.rule_id, "-")
        names = ", ".join(t.split("::")[1] for t in row.tests[:2]) + (
            ", ..." if len(row.tests) > 2 else ""
        )
        python = ", ".join(row.python) or "-"
        lines.append(f"| {row.rule_id} | {onchain} | {python} | {len(row.tests)} ({names}) |")
    return "\n".join(lines)
