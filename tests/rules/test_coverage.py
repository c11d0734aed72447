"""Every rule ID of the domain file is enforced somewhere and tested somewhere."""

from __future__ import annotations

from simulator.rule_coverage import OFF_CHAIN, coverage, domain_rule_ids, markdown


def test_every_domain_rule_is_enforced_and_tested():
    rows = coverage()
    assert {r.rule_id for r in rows} == set(domain_rule_ids())
    unenforced = [r.rule_id for r in rows if not r.enforced]
    untested = [r.rule_id for r in rows if not r.tests]
    assert not unenforced, f"rules with no enforcement: {unenforced}"
    assert not untested, f"rules with no test: {untested}"
    for row in rows:
        if row.rule_id not in OFF_CHAIN:
            assert row.contracts, f"{row.rule_id} has no on-chain enforcement"
        assert row.python, f"{row.rule_id} has no Python rule spec"


def test_the_table_names_every_rule():
    table = markdown(coverage())
    for rule_id in domain_rule_ids():
        assert f"| {rule_id} |" in table
