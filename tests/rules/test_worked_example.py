"""The README's worked example: a user tightens general investors' annual limit (KR-INV-2) to
3 m KRW and checks it on the rule spec and on the deployed contract."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from simulator import rules
from simulator.chain.revert import rule_id_text
from simulator.scenario import Regime, RegimeParams
from simulator.testing import strategies as sts

STRICTER = Regime(params=RegimeParams(general_annual_krw=3_000_000))
GENERAL = 1  # InvestorRegistry.InvestorClass.General


@pytest.mark.rule("KR-INV-2")
@given(invested=sts.krw(5_000_000), value=sts.krw(5_000_000, 1))
def test_kr_inv_2_spec_keeps_general_investors_under_3m(invested, value):
    decision = rules.investment_limit(STRICTER, "general", invested, 0, value)
    assert decision.allowed == (invested + value <= 3_000_000)


@pytest.mark.rule("KR-INV-2")
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=sts.krw(5_000_000, 1))
def test_kr_inv_2_contract_holds_the_same_limit(isolated, market, value):
    regulator, verifier = market.roles["regulator (FSC)"], market.roles["KYC verifier"]
    rule, investor = market.contracts["InvestorLimitRule"], market.free_accounts[-1]
    isolated.transact(
        "InvestorLimitRule", rule, "setLimits", GENERAL, 5_000_000, 3_000_000, sender=regulator
    )
    isolated.transact(
        "InvestorRegistry", market.investors, "verify", investor, GENERAL, 2**63, sender=verifier
    )
    allowed, rule_id, reason = isolated.call(
        "InvestorLimitRule", rule, "check", market.cash, "0x" + "00" * 20, investor, 1, value
    )
    spec = rules.investment_limit(STRICTER, "general", 0, 0, value)
    assert (allowed, rule_id_text(rule_id), reason) == (spec.allowed, spec.rule_id, spec.reason)
