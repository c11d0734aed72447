"""Differential tests of issue 12's rules: holder consent (KR-LED-2, SignedOrders against
simulator.chain.orders.consent) and KSD's settlement calendar (KR-SET-1, SettlementCalendar
against simulator.calendar.MarketCalendar). Each example runs on a chain snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import rules
from simulator.calendar import MarketCalendar
from simulator.chain.deploy import fee_schedule_params
from simulator.chain.orders import NO_EXPIRY, consent
from simulator.scenario import FeeSchedule, MarketSpec

from ..contracts.conftest import PRICE, Scene, refused
from ..hypothesis_profiles import example_settings
from .test_differential import rolled_back

examples = example_settings(15)
DAY = 86_400


@pytest.mark.rule("KR-SET-1")
@examples
@given(
    start=st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    hour=st.integers(0, 23),
    days=st.integers(0, 5),
    round_the_clock=st.booleans(),
    holidays=st.sets(st.integers(1, 12), max_size=4),
)
def test_kr_set_1_due_dates_agree_with_the_market_calendar(
    scene: Scene, start: dt.date, hour: int, days: int, round_the_clock: bool, holidays: set[int]
):
    spec = MarketSpec(
        start=start,
        calendar="24/7" if round_the_clock else "krx",
        settlement_calendar="every_day" if round_the_clock else "ksd",
        holidays=[start + dt.timedelta(days=d) for d in sorted(holidays)],
    )
    calendar, t = MarketCalendar(spec), hour * 3600
    with rolled_back(scene) as s:
        address, ksd = s.market.calendar, s.ksd
        s.tx("SettlementCalendar", address, "setSchedule", round_the_clock, 9 * 3600, sender=ksd)
        kst_days = [(d - dt.date(1970, 1, 1)).days for d in spec.holidays]
        if kst_days:
            s.tx("SettlementCalendar", address, "setHolidays", kst_days, True, sender=ksd)
        due = s.call("SettlementCalendar", address, "dueDate", calendar.unix(t), days)
    assert due == calendar.unix(calendar.add_business_days(t, days))


@pytest.mark.rule("KR-LED-2")
@examples
@given(
    limit_offset=st.sampled_from([-1, 0, 1]),
    order_quantity=st.integers(1, 20),
    fill=st.integers(1, 20),
    expired=st.booleans(),
    wrong_side=st.booleans(),
    signed_bps=st.sampled_from([0, 10, 30]),
    venue_bps=st.sampled_from([0, 10, 30]),
    prefill=st.sampled_from([0, 5, -1]),  # -1: cancelled
)
def test_kr_led_2_holder_consent_agrees(
    scene: Scene,
    limit_offset: int,
    order_quantity: int,
    fill: int,
    expired: bool,
    wrong_side: bool,
    signed_bps: int,
    venue_bps: int,
    prefill: int,
):
    with rolled_back(scene) as s:
        seller, buyer = s.investors[:2]
        s.mint(seller, 100)
        s.fund(buyer, 2_000_000)
        fees = FeeSchedule(maker_bps=venue_bps, taker_bps=venue_bps, venue_share_bps=10_000)
        s.tx("Venue", s.venue(), "setFeeSchedule", fee_schedule_params(fees), sender=s.operator())
        now = s.ledger.timestamp()
        buy = s.order(
            buyer, not wrong_side, order_quantity, PRICE + limit_offset * 100,
            expiry=now - DAY if expired else NO_EXPIRY, fees=(signed_bps, 0, 0),
        )  # fmt: skip
        sell = s.order(seller, False, 100, 1, fees=(10_000, 0, 0))
        filled = 0
        if prefill < 0:
            s.tx("Venue", s.venue(), "cancelOrder", buy.as_tuple(), sender=buyer)
            filled = -1
        elif (
            prefill
            and not (expired or wrong_side)
            and limit_offset >= 0
            and prefill <= order_quantity
        ):
            done = s.settle([s.matched(buy, sell, prefill, PRICE)])
            filled = prefill if done.named("TradeSettled") else 0
        fee = fill * PRICE * venue_bps // 10_000
        expected = consent(buy, True, s.venue(), fill, PRICE, fee, filled, now)
        tx = s.settle([s.matched(buy, sell, fill, PRICE)])
        chain = rules.ALLOW if tx.named("TradeSettled") else rules.Decision(False, *refused(tx))
    assert chain == expected
