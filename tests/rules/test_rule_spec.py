"""Property tests of the rules that live off-chain (trading hours, price limits, ledger
governance) and of the simulator's use of them; the on-chain ones are in test_differential."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import rules
from simulator.scenario import Regime
from simulator.testing import strategies as sts

REGIME = Regime()


@pytest.mark.rule("KR-MKT-3")
@given(is_open=st.booleans(), regime=sts.regimes())
def test_kr_mkt_3_orders_only_while_the_session_is_open(is_open: bool, regime: Regime):
    decision = rules.trading_hours(regime, is_open)
    if not regime.enabled("KR-MKT-3"):
        assert decision.allowed
    else:
        assert decision == (rules.ALLOW if is_open else rules.refuse("KR-MKT-3", "market-closed"))


@pytest.mark.rule("KR-MKT-4")
@given(
    close=st.integers(1, 10**6),
    move_pct=st.floats(-60, 60),
    limit=st.sampled_from([10.0, 15.0, 30.0]),
)
def test_kr_mkt_4_price_band_around_the_previous_close(close: int, move_pct: float, limit: float):
    price = int(close * (1 + move_pct / 100))
    decision = rules.price_limit(REGIME, price, close, limit)
    assert decision.allowed == (abs(price - close) <= close * limit / 100)
    if not decision.allowed:
        assert (decision.rule_id, decision.reason) == ("KR-MKT-4", "outside-daily-price-limit")
    assert rules.price_limit(REGIME, price, 0, limit).allowed, "no previous close, no band"


@pytest.mark.rule("KR-LED-1")
@given(share=st.floats(0, 1))
def test_kr_led_1_independent_node_majority(share: float):
    decision = rules.ledger_governance(REGIME, share)
    assert decision.allowed == (share >= 0.51)
    assert rules.ledger_governance(Regime(rules={"KR-LED-1": False}), share).allowed


@pytest.mark.rule("KR-INV-1", "KR-INV-2", "KR-MKT-2")
@given(regime=sts.regimes(), investor=sts.investors(), value=sts.krw(3 * 10**7, 1))
def test_switched_off_rules_never_refuse(regime: Regime, investor: dict, value: int):
    decisions = [
        rules.verified(regime, investor["verified"], investor["frozen"]),
        rules.investment_limit(
            regime, investor["investor_class"], investor["invested_this_year"], 0, value
        ),
        rules.no_credit(regime, "buy", investor["cash"], value, 0, 0),
    ]
    for decision in decisions:
        if not decision.allowed:
            assert regime.enabled(decision.rule_id)
