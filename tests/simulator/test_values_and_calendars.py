"""Unit tests of what assets are worth and when: clock demand, public news and the reference
price it moves, the time news takes to reach prices, and KSD's settlement calendar apart from
the trading calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from simulator import events as ev
from simulator.actors.view import FlowStats, PublicMarket
from simulator.behaviour import Demand
from simulator.calendar import DAY, MarketCalendar, krx_hours
from simulator.demand import ClockDemand
from simulator.efficiency import news_incorporation
from simulator.runner import run_scenario
from simulator.scenario import MarketSpec, load_scenario

MONDAY = dt.date(2027, 2, 1)


def wishes(demand: ClockDemand, weeks: int, per_week: float, seed: int = 3) -> np.ndarray:
    rng, t, out = np.random.default_rng(seed), 0, []
    while True:
        t = demand.next_arrival(rng, int(t), per_week)
        if t >= weeks * 7 * DAY:
            return np.array(out)
        out.append(t)


def test_clock_demand_gives_the_weekly_rate_and_follows_the_hourly_and_weekend_profile():
    spec = Demand(basis="clock", weekend_factor=0.5)
    times = wishes(ClockDemand(spec, MONDAY), weeks=200, per_week=30)
    assert len(times) / 200 == pytest.approx(30, rel=0.03)
    hours = (times % DAY) // 3600
    by_hour = np.bincount(hours.astype(int), minlength=24) / len(times)
    expected = np.array(spec.hourly) / sum(spec.hourly)
    assert np.abs(by_hour - expected).max() < 0.01
    weekend = ((times // DAY) % 7 >= 5).mean()  # virtual day 0 is a Monday
    assert weekend == pytest.approx(2 * 0.5 / (5 + 2 * 0.5), abs=0.01)


def test_clock_demand_starts_its_week_on_the_scenario_weekday_and_can_be_rare():
    saturday = ClockDemand(Demand(basis="clock", weekend_factor=0), MONDAY + dt.timedelta(5))
    times = wishes(saturday, weeks=20, per_week=10)
    assert ((times // DAY) % 7 >= 2).all()  # days 0 and 1 are a weekend without demand
    rare = wishes(ClockDemand(Demand(basis="clock"), MONDAY), weeks=5_000, per_week=0.01)
    assert 20 <= len(rare) <= 85  # whole weeks are skipped at once, not walked hour by hour


@pytest.mark.rule("KR-SET-1")
def test_ksd_settles_on_its_business_days_when_trading_is_24_7():
    saturday_noon = 5 * DAY + 12 * 3600  # from Monday 2027-02-01
    ksd = MarketCalendar(MarketSpec(start=MONDAY, calendar="24/7", settlement_holidays=[]))
    due = ksd.add_business_days(saturday_noon, 2)
    assert MONDAY + dt.timedelta(days=due // DAY) == dt.date(2027, 2, 9)  # Tuesday, T+2
    assert due % DAY == 9 * 3600
    holiday = MarketCalendar(
        MarketSpec(start=MONDAY, calendar="24/7", settlement_holidays=[dt.date(2027, 2, 8)])
    )
    assert holiday.add_business_days(saturday_noon, 2) == due + DAY
    every = MarketCalendar(
        MarketSpec(start=MONDAY, calendar="24/7", settlement_calendar="every_day")
    )
    assert every.add_business_days(saturday_noon, 2) == 7 * DAY  # Monday midnight
    assert len(ksd.sessions()) == 30 and ksd.session_at(saturday_noon) is not None


@pytest.mark.rule("KR-MKT-3")
def test_krx_sessions_and_the_next_open():
    cal = MarketCalendar(MarketSpec(start=MONDAY, days=8, holidays=[dt.date(2027, 2, 2)]))
    assert cal.session_at(9 * 3600) is not None and cal.session_at(16 * 3600) is None
    friday_evening = 4 * DAY + 20 * 3600
    nxt = cal.next_session(friday_evening)
    assert nxt is not None and nxt.day == dt.date(2027, 2, 8)
    assert cal.next_session(DAY) == cal.sessions()[1]  # Tuesday is a holiday: Wednesday
    assert cal.sessions()[1].day == dt.date(2027, 2, 3)
    assert krx_hours(10 * 3600, MONDAY) and not krx_hours(5 * DAY + 10 * 3600, MONDAY)


def test_news_moves_every_reference_but_a_stale_order_trade_does_not_undo_it():
    m = PublicMarket(flow=FlowStats(DAY))
    m.offering_price["X"] = 10_000
    m.record_trade("X", 10_000, informed_at=100)
    m.add_news("X", 200, 1.1)
    assert m.reference_price("X") == 11_000
    m.record_trade("X", 10_010, informed_at=150)  # a buy lifted an ask left before the news
    assert m.reference_price("X") == 11_011
    m.record_trade("X", 11_050, informed_at=250)  # both orders knew the news
    assert m.reference_price("X") == 11_050
    m.add_news("X", 300, 1 / 1.1)
    assert m.reference_price("X") == 10_045
    assert m.news_index_at("X", 250) == pytest.approx(1.1)


def test_time_to_incorporate_news_is_measured_from_the_last_price_and_censored_at_next_news():
    def frame(rows: list[ev.Event]) -> pd.DataFrame:
        return pd.DataFrame([r.row() for r in rows])

    tables = {
        "asset_issued": frame([ev.AssetIssued(0, "X", "art", "i", 100, 1_000, 100)]),
        "news_arrived": frame(
            [
                ev.NewsArrived(3_600, "X", 1_000.0, 1_100.0, False),
                ev.NewsArrived(30 * 3_600, "X", 1_100.0, 1_000.0, True),
            ]
        ),
        "trade_matched": frame(
            [
                ev.TradeMatched(
                    t, t, "V", "X", "a", "b", "general", "general", 1, p, "buy", 1, 2, 0.0, False
                )
                for t, p in [(0, 980), (7_200, 1_000), (4 * 3_600, 1_020), (10 * 3_600, 1_080)]
            ]
        ),
    }
    table = news_incorporation(tables).set_index("t")
    first, second = table.loc[3_600], table.loc[30 * 3_600]
    assert first["incorporated"] and first["hours_to_half"] == 9  # 1_080 >= 980 * 1.05
    assert not second["incorporated"] and second["hours_to_half"] == 0  # no trade after it
    assert not first["krx_hours"] and second["krx_hours"]


@pytest.mark.rule("KR-MKT-3", "KR-SET-1")
def test_a_24_7_run_closes_its_last_session_so_t0_trades_settle_and_day_orders_expire():
    t0 = {"venues.0.settlement_days": 0, "venues.1.settlement_days": 0}
    overrides = {"market.days": 3, "market.settle_pending": False, **t0}
    result = run_scenario(load_scenario("scenarios/24-7.yaml", overrides), ledger="revm")
    tables = result.tables
    assert len(tables["trade_settled"]) == len(tables["trade_matched"]) > 0
    assert result.summary["pending_trades"] == 0
    closed = tables["order_closed"]
    assert (closed[closed["t"] == 3 * DAY]["status"] == "expired").sum() > 0
