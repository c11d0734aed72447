"""An investor's own decisions: the rules it checks before it sends an order (KR-MKT-3,
KR-INV-4, KR-MKT-2, KR-INV-2) and what it decides to trade at an arrival."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.view import PublicMarket, Quote
from simulator.scenario import FeeSchedule, Regime

REGIME = Regime()
PRICE = 10_000


def market(session_open: bool = True, professional_only: bool = False) -> PublicMarket:
    return PublicMarket(
        offering_price={"A": PRICE},
        fundamental={"A": float(PRICE)},
        last_price={"A": PRICE},
        previous_close={"A": PRICE},
        listings={"A": ["V"]},
        quotes={("V", "A"): Quote(PRICE - 100, PRICE + 100, 50, 50)},
        fees={"V": FeeSchedule(maker_bps=5, taker_bps=10)},
        professional_only={"V": professional_only},
        attractiveness={"V": 1.0},
        issuer_of={"A": "ISS"},
        session_open=session_open,
    )


def investor(investor_class: str = "general", budget: int = 10**7, seed: int = 1) -> Investor:
    return Investor("inv", "0x1", investor_class, budget, "noise", 1.0,
                    np.random.default_rng(seed), REGIME)  # fmt: skip


def buy(quantity: int, price: int = PRICE) -> OrderIntent:
    return OrderIntent("V", "A", "buy", quantity, price)


@pytest.mark.rule("KR-MKT-3")
def test_no_order_while_the_session_is_closed():
    decision = investor().precheck(market(session_open=False), buy(1), 2027)
    assert (decision.rule_id, decision.reason) == ("KR-MKT-3", "market-closed")


@pytest.mark.rule("KR-INV-4")
def test_a_general_investor_stays_off_a_professional_venue():
    decision = investor().precheck(market(professional_only=True), buy(1), 2027)
    assert (decision.rule_id, decision.reason) == ("KR-INV-4", "buyer-not-professional")
    assert investor("professional").precheck(market(professional_only=True), buy(1), 2027).allowed


@pytest.mark.rule("KR-MKT-2")
def test_no_credit_and_no_short_selling():
    poor = investor(budget=PRICE)  # the fee makes one unit unaffordable
    assert poor.precheck(market(), buy(1), 2027).reason == "insufficient-cash"
    sell = OrderIntent("V", "A", "sell", 1, PRICE)
    assert investor().precheck(market(), sell, 2027).reason == "insufficient-tokens"


@pytest.mark.rule("KR-INV-2")
def test_a_general_investor_stays_within_its_limit_per_issuer():
    rich = investor(budget=10**9)
    assert rich.precheck(market(), buy(500), 2027).allowed  # 5 m KRW: at the limit
    decision = rich.precheck(market(), buy(501), 2027)
    assert (decision.rule_id, decision.reason) == ("KR-INV-2", "issuer-limit-exceeded")


def test_no_decision_without_a_reachable_venue():
    assert investor().decide(market(professional_only=True)) is None
    assert investor().decide(PublicMarket(listings={"A": []})) is None


@pytest.mark.parametrize("seed", range(20))
def test_decisions_buy_what_it_can_and_keep_inside_the_price_band(seed: int):
    person = investor(seed=seed)
    intent = person.decide(market())
    assert intent is not None, "all-in cost under the reference cost: every arrival trades"
    assert intent.side == "buy", "holding nothing, it can only buy"
    assert intent.venue == "V" and intent.asset == "A" and intent.quantity >= 1
    assert PRICE * 0.7 <= intent.limit_price <= PRICE * 1.3  # KR-MKT-4 band of 30%
    assert intent.quantity * intent.limit_price <= person.budget * 0.15 + intent.limit_price


@pytest.mark.parametrize("seed", range(20))
def test_a_holder_never_sells_more_than_it_holds(seed: int):
    person = investor(seed=seed)
    person.holdings["A"] = 3
    intent = person.decide(market())
    if intent is not None and intent.side == "sell":
        assert intent.quantity <= 3
