"""Unit tests of the behaviour that makes the market respond to its design: the venue-choice
logit, cost-elastic order flow, market makers' quotes, the fee stack, and user strategies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import strategies
from simulator.actors.market_maker import MarketMaker
from simulator.actors.view import FlowStats, PublicMarket, Quote
from simulator.behaviour import Intensity, MarketMakers, VenueChoice
from simulator.fee_stack import Commission, FeeStack, Tier
from simulator.scenario import FeeSchedule, Regime
from simulator.strategies import View
from simulator.venue_choice import choose, options, trades_now


def market(**fees: tuple[int, int]) -> PublicMarket:
    m = PublicMarket(flow=FlowStats(86_400))
    for venue, (maker, taker) in fees.items():
        m.fees[venue] = FeeSchedule(maker_bps=maker, taker_bps=taker)
        m.attractiveness[venue] = 1.0
        m.professional_only[venue] = False
        m.quotes[venue, "X"] = Quote(9_990, 10_010, 100, 100)
    m.offering_price["X"] = m.last_price["X"] = 10_000
    return m


def draw_share(m: PublicMarket, params: VenueChoice, venue: str, n: int = 2_000) -> float:
    rng = np.random.default_rng(1)
    view = View("buy", 10_020, 1.0)
    found = options(m, params, sorted(m.fees), "X", view, 1_000_000)
    picks = [choose(m, params, found, "X", None, rng).venue for _ in range(n)]
    return picks.count(venue) / n


def test_the_cheaper_venue_wins_more_order_flow_and_random_choice_ignores_fees():
    m = market(CHEAP=(0, 10), DEAR=(0, 100))  # resting costs equal, marketable 90 bps apart
    assert draw_share(m, VenueChoice(), "CHEAP") > 0.6
    assert abs(draw_share(m, VenueChoice(model="random"), "CHEAP") - 0.5) < 0.05


def test_liquidity_pulls_order_flow_to_where_trading_is():
    m = market(A=(15, 15), B=(15, 15))
    m.flow.traded("A", "X", 9e6, 0)
    m.flow.traded("B", "X", 1e6, 0)
    assert draw_share(m, VenueChoice(), "A") > 0.7
    assert abs(draw_share(m, VenueChoice(liquidity_weight=0), "A") - 0.5) < 0.05


def test_a_marketable_order_costs_half_the_spread_plus_the_taker_fee():
    m = market(A=(5, 30))
    found = options(m, VenueChoice(), ["A"], "X", View("buy", 10_020, 1.0), 100_000)
    marketable = next(o for o in found if o.marketable)
    assert marketable.price == 10_010
    assert marketable.cost_bps == pytest.approx(10 + 30)  # 20 KRW spread on 10,000: 10 bps half


def test_order_flow_falls_with_cost_at_the_stated_elasticity():
    params = Intensity(cost_elasticity=0.5, reference_cost_bps=50)
    rng = np.random.default_rng(3)
    rate = np.mean([trades_now(200, params, rng) for _ in range(20_000)])
    assert rate == pytest.approx((50 / 200) ** 0.5, abs=0.02)
    assert all(trades_now(30, params, rng) for _ in range(100))


def maker(**params: object) -> MarketMaker:
    mm = MarketMaker(
        "mm-1", "0x1", "professional", 10**9, "noise", 0, np.random.default_rng(0), Regime(),
        params=MarketMakers(count=1, **params),
    )  # fmt: skip
    mm.holdings["X"] = 1_500  # the target: half of 30 m KRW at 10,000
    return mm


def test_a_fee_aware_market_maker_widens_its_quotes_by_its_maker_fee():
    m = market(CHEAP=(0, 30), DEAR=(30, 0))
    mm = maker(follow_flow=False)
    cheap, dear = mm._quotes(m, "CHEAP", "X"), mm._quotes(m, "DEAR", "X")
    spread = lambda q: q[1].limit_price - q[0].limit_price  # noqa: E731
    # 2 x 30 bps of 10,000, on a 10 KRW tick
    assert spread(dear) - spread(cheap) == pytest.approx(60, abs=10)


def test_a_long_market_maker_skews_its_quotes_down_and_stops_buying_at_its_limit():
    m = market(A=(0, 0))
    neutral = maker(follow_flow=False)._quotes(m, "A", "X")
    long = maker(follow_flow=False)
    long.holdings["X"] = 3_000  # at its limit
    quotes = long._quotes(m, "A", "X")
    assert [q.side for q in quotes] == ["sell"]
    assert quotes[0].limit_price < next(q for q in neutral if q.side == "sell").limit_price


def test_commission_by_side_and_size_tier_and_the_post_trade_charges():
    broker = Commission(
        firm="b", buy_bps=15, sell_bps=20, min_krw=500, tiers=[Tier(from_krw=10**7, bps=5)]
    )
    assert broker.fee("buy", 1_000_000) == 1_500
    assert broker.fee("sell", 1_000_000) == 2_000
    assert broker.fee("buy", 100_000) == 500  # the minimum
    assert broker.fee("sell", 20_000_000) == 10_000  # the large-trade tier
    stack = FeeStack(ksd_fee_krw=50, bank_fee_bps=1, transaction_tax_bps=15)
    assert stack.post_trade("buy", 1_000_000) == {"ksd_settlement": 50, "bank_settlement": 100}
    assert stack.post_trade("sell", 1_000_000)["transaction_tax"] == 1_500


def test_the_smoothed_share_of_a_new_venue_is_small_but_not_zero():
    flow = FlowStats(86_400)
    flow.traded("OLD", "X", 1e8, 0)
    shares = flow.shares(["OLD", "NEW"], "X", 0)
    assert 0.01 < shares["NEW"] < 0.06
    assert math.isclose(sum(shares.values()), 1)


def test_a_user_strategy_registered_by_name_runs_in_a_scenario():
    @strategies.register("contrarian-test")
    class Contrarian:
        def view(self, market, asset, rng):
            side = "sell" if market.momentum(asset) >= 0 else "buy"
            return View(side, market.reference_price(asset), 0.5)

    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    from .test_run import BASELINE, SMALL

    mix = {"contrarian-test": 1.0}
    scenario = load_scenario(BASELINE, overrides={**SMALL, "investors.0.strategies": mix})
    result = run_scenario(scenario, seed=3, ledger="revm")
    assert result.summary["trade_count"] > 0
    assert "contrarian-test" in strategies.names()


@pytest.mark.rule("KR-INV-2")
def test_kr_inv_2_counts_what_was_bought_not_what_expired():
    investor = maker()  # any investor's books
    investor.investor_class = "general"
    investor.commit_investment("issuer", 2027, 1_000 * 100, (7, 1_000))
    assert investor.invested["issuer", 2027] == 100_000
    investor.on_release("buy", "X", 0, 60, 7)  # 40 units bought, 60 expired unfilled
    assert investor.invested["issuer", 2027] == 40_000
    assert investor.invested["*", 2027] == 40_000


def test_a_run_ends_with_nothing_unsettled_or_reports_what_is_pending():
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    from .test_run import BASELINE, SMALL

    settled = run_scenario(load_scenario(BASELINE, overrides=SMALL), seed=5, ledger="revm")
    assert settled.summary["pending_trades"] == 0
    assert settled.summary["matched_value_krw"] == settled.summary["total_settled_value_krw"]
    scenario = load_scenario(BASELINE, overrides={**SMALL, "market.settle_pending": False})
    open_ = run_scenario(scenario, seed=5, ledger="revm").summary
    assert open_["pending_trades"] > 0
    gap = open_["matched_value_krw"] - open_["total_settled_value_krw"]
    assert open_["pending_value_krw"] == gap


def test_the_option_draw_is_numpys_choice() -> None:
    """venue_choice's fast draw picks what Generator.choice(n, p=p) picks, and consumes the
    same random numbers: runs stay the same with the same seed."""
    from simulator.venue_choice import _draw

    for seed in range(3_000):
        shape = np.random.default_rng(seed)
        utility = shape.normal(size=1 + seed % 8) * 3
        weights = np.exp(utility - utility.max())
        p = weights / weights.sum()
        ours, numpys = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
        assert _draw(ours, p) == int(numpys.choice(len(p), p=p))
        assert ours.random() == numpys.random()
