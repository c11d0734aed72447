"""The `rule` pytest marker: a test declares the rules it checks, `@pytest.mark.rule("KR-SEP-1")`,
and `stosim rules` lists each rule's tests from these declarations. Load it as a plugin
(`pytest_plugins = ["simulator.testing.rule_marker"]`); an unknown rule ID fails collection."""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from pathlib import Path

import pytest

from simulator.rule_ids import RuleId, TokenRuleId

MARKER = "rule"
KNOWN = {*RuleId, *TokenRuleId}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*rule_ids): the rules of kr-sto-rules.md it checks"
    )


def declared_rules(item: pytest.Item) -> list[str]:
    return [str(rule_id) for mark in item.iter_markers(MARKER) for rule_id in mark.args]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marks = list(item.iter_markers(MARKER))
        if any(not mark.args for mark in marks):
            raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.rule needs one or more rule IDs")
        unknown = sorted(set(declared_rules(item)) - KNOWN)
        if unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: unknown rule IDs {unknown} in @pytest.mark.rule"
            )


class _Collector:
    def __init__(self) -> None:
        self.tests: dict[str, list[str]] = defaultdict(list)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            test = item.nodeid.split("[")[0]  # a parametrized test once, not per parameter
            for rule_id in declared_rules(item):
                if test not in self.tests[rule_id]:
                    self.tests[rule_id].append(test)


def collect_rule_tests(paths: list[Path]) -> dict[str, list[str]]:
    """Rule ID -> test node IDs that declare it, from a pytest collection (no test runs)."""
    collector = _Collector()
    args = ["--collect-only", "-q", "-p", "no:cacheprovider", *map(str, paths)]
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(args, plugins=[collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"collecting the tests under {[str(p) for p in paths]} failed ({code})")
    return dict(collector.tests)
