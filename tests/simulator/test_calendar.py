"""The market calendar (KR-MKT-3): business days, sessions, settlement dates T+n and time."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.calendar import DAY, MarketCalendar
from simulator.scenario import MarketSpec

OPEN, CLOSE = 9 * 3600, 15 * 3600 + 30 * 60
THURSDAY = dt.date(2027, 2, 4)  # the law's date, a Thursday
HOLIDAY = dt.date(2027, 2, 9)  # a Tuesday made a holiday


def krx(days: int = 14) -> MarketCalendar:
    return MarketCalendar(MarketSpec(start=THURSDAY, days=days, holidays=[HOLIDAY]))


def round_the_clock(days: int = 14, settlement: str = "ksd") -> MarketCalendar:
    spec = MarketSpec(start=THURSDAY, days=days, calendar="24/7", settlement_calendar=settlement)
    return MarketCalendar(spec)


@pytest.mark.rule("KR-MKT-3")
def test_business_days_are_weekdays_that_are_not_holidays():
    calendar = krx()
    days = [THURSDAY + dt.timedelta(days=i) for i in range(7)]
    assert [calendar.is_business_day(d) for d in days] == [
        True, True, False, False, True, False, True,  # Thu Fri Sat Sun Mon (Tue holiday) Wed
    ]  # fmt: skip
    assert all(round_the_clock().is_business_day(d) for d in days)


@pytest.mark.rule("KR-MKT-3")
def test_sessions_open_and_close_at_the_trading_hours_on_business_days_only():
    sessions = list(krx(7).sessions())
    assert [s.day.isoformat() for s in sessions] == [
        "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-10",
    ]  # fmt: skip
    for session in sessions:
        offset = (session.day - THURSDAY).days * DAY
        assert (session.open, session.close) == (offset + OPEN, offset + CLOSE)


def test_round_the_clock_sessions_cover_every_whole_day():
    sessions = list(round_the_clock(3).sessions())
    assert [(s.open, s.close) for s in sessions] == [(0, DAY), (DAY, 2 * DAY), (2 * DAY, 3 * DAY)]


@pytest.mark.rule("KR-SET-1")
def test_t_plus_n_skips_weekends_and_holidays_and_falls_due_at_the_open():
    calendar = krx()
    friday_trade = DAY + OPEN + 600
    monday, wednesday = 4 * DAY, 6 * DAY  # the holiday Tuesday does not count
    assert calendar.add_business_days(friday_trade, 1) == monday + OPEN
    assert calendar.add_business_days(friday_trade, 2) == wednesday + OPEN
    assert calendar.add_business_days(friday_trade, 0) == friday_trade, "T+0: at once"


@pytest.mark.rule("KR-SET-1")
def test_round_the_clock_trading_still_settles_on_ksds_business_days():
    friday_trade = DAY + 5_000
    assert round_the_clock().add_business_days(friday_trade, 1) == 4 * DAY + OPEN  # Monday
    every_day = round_the_clock(settlement="every_day")
    assert every_day.add_business_days(friday_trade, 2) == 3 * DAY, "from midnight, weekends too"


def test_the_session_at_a_time_and_the_next_one():
    calendar = krx(7)
    friday = calendar.sessions()[1]
    assert calendar.session_at(friday.open + 60) == friday
    assert calendar.session_at(friday.close) is None, "closed at the close"
    assert calendar.next_session(friday.open) == calendar.sessions()[2]  # Monday
    assert calendar.next_session(calendar.sessions()[-1].open) is None


def test_virtual_time_starts_at_midnight_kst():
    start = dt.datetime(2027, 2, 4, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert krx().unix(0) == int(start.timestamp())
    assert krx().unix(OPEN) - krx().unix(0) == OPEN
