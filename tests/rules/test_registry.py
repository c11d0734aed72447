"""The rule registry is the truth about each rule: these tests hold it to the contracts, to what a
run consults, and to the tests that declare the rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator import rules
from simulator.rule_coverage import coverage, markdown
from simulator.rule_ids import RuleId, TokenRuleId
from simulator.rules import REGISTRY, InRuns
from simulator.runner import run_scenario
from simulator.scenario import Regime, load_scenario

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
SMALL = {"market.days": 4, "investors.0.count": 8, "investors.1.count": 2, "investors.2.count": 2}


def solidity_rule_ids() -> dict[str, str]:
    """Constant name -> rule ID, as contracts/common/RuleIds.sol declares them."""
    text = (CONTRACTS / "common" / "RuleIds.sol").read_text()
    return dict(re.findall(r'bytes32 internal constant (\w+) = "([\w-]+)"', text))


def contracts_naming(rule_id: str) -> set[str]:
    constant = {rid: name for name, rid in solidity_rule_ids().items()}[rule_id]
    # a contract names a rule by its ID, or by its bit in the word of switched-off rules
    pattern = re.compile(rf"\bRuleIds\.{constant}(_BIT)?\b")
    return {sol.stem for sol in CONTRACTS.rglob("*.sol") if pattern.search(sol.read_text())}


def test_every_rule_id_is_one_registered_unit():
    assert [rule.id for rule in REGISTRY] == list(RuleId)
    for rule in REGISTRY:
        assert rule.checks, f"{rule.id} has no Python check"
        assert rule.reasons, f"{rule.id} declares no reason codes"
        assert rule.summary
        if not rule.on_chain or not rule.modelled:
            assert rule.note, f"{rule.id}: say why it is off-chain or not modelled"


def test_rule_ids_are_those_of_the_domain_file():
    domain = ROOT.parent / "shared" / "domain" / "kr-sto-rules.md"
    if not domain.exists():
        pytest.skip("the domain file is not beside this checkout")
    named = set(re.findall(r"^\| (KR-[A-Z]+-\d+) \|", domain.read_text(), re.MULTILINE))
    assert named == set(RuleId)


def test_rule_ids_agree_with_the_contracts():
    on_chain = {str(rule.id) for rule in REGISTRY if rule.on_chain}
    assert set(solidity_rule_ids().values()) == on_chain | set(TokenRuleId)


@pytest.mark.parametrize("rule", [r for r in REGISTRY if r.on_chain], ids=lambda r: str(r.id))
def test_the_contracts_that_enforce_a_rule_are_the_declared_ones(rule: rules.Rule):
    assert contracts_naming(rule.id) == set(rule.on_chain)


def test_a_run_consults_exactly_the_rules_declared_as_checked_by_the_simulator():
    scenario = load_scenario(ROOT / "scenarios" / "baseline-2027.yaml", overrides=SMALL)
    with REGISTRY.recording() as consulted:
        run_scenario(scenario)
    declared = {rule.id for rule in REGISTRY if rule.consulted_by_simulator}
    assert set(consulted) == declared


def test_a_refusal_outside_the_rules_declaration_is_an_error():
    @REGISTRY.check(RuleId.MKT_3)
    def sloppy(regime: Regime) -> rules.Decision:
        return rules.refuse(RuleId.MKT_3, "no-such-reason")

    try:
        with pytest.raises(rules.RuleSpecError, match="no-such-reason"):
            sloppy(Regime())
    finally:
        REGISTRY[RuleId.MKT_3].checks.remove(sloppy)


def test_every_modelled_rule_is_declared_by_a_test():
    rows = coverage()
    untested = [row.rule_id for row in rows if not row.tests]
    assert not untested, f"rules no test declares (@pytest.mark.rule): {untested}"
    table = markdown(rows)
    for rule in REGISTRY:
        assert f"| {rule.id} |" in table
    led_1 = next(line for line in table.splitlines() if line.startswith("| KR-LED-1 |"))
    assert "not modelled" in led_1
    assert REGISTRY[RuleId.LED_1].in_runs is InRuns.NOT_MODELLED


def test_the_table_lists_only_the_tests_that_declare_the_rule():
    rows = coverage({"KR-SEP-1": ["tests/x/test_a.py::test_one"]})
    by_id = {row.rule_id: row for row in rows}
    assert by_id["KR-SEP-1"].tests == ["tests/x/test_a.py::test_one"]
    assert by_id["KR-LIC-2"].tests == []
