"""Market calendars: the trading calendar (KR-MKT-3: business days and trading hours, or round
the clock) and KSD's settlement calendar (KR-SET-1: the days T+n counts), which stays on
business days when trading goes 24/7."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from simulator.scenario import MarketSpec

DAY = 86_400


@dataclass(frozen=True)
class Session:
    """One trading session in virtual seconds since the scenario's start."""

    day: dt.date
    open: int
    close: int


class MarketCalendar:
    def __init__(self, spec: MarketSpec) -> None:
        self.spec = spec
        self.start = spec.start
        self.end = spec.days * DAY
        self._holidays = set(spec.holidays)
        settlement = spec.holidays if spec.settlement_holidays is None else spec.settlement_holidays
        self._settlement_holidays = set(settlement)
        self._sessions = list(self._build_sessions())
        self._opens = [s.open for s in self._sessions]

    def is_business_day(self, day: dt.date) -> bool:
        """A trading day: KRX-like weekdays that are not holidays; every day under 24/7."""
        if self.spec.calendar == "24/7":
            return True
        return day.weekday() < 5 and day not in self._holidays

    def is_settlement_day(self, day: dt.date) -> bool:
        """A day KSD and the banks settle on (KR-SET-1), whatever the trading calendar."""
        if self.spec.settlement_calendar == "every_day":
            return True
        return day.weekday() < 5 and day not in self._settlement_holidays

    def sessions(self) -> list[Session]:
        return self._sessions

    def _build_sessions(self) -> list[Session]:
        out = []
        for offset in range(self.spec.days):
            day = self.start + dt.timedelta(days=offset)
            if not self.is_business_day(day):
                continue
            base = offset * DAY
            if self.spec.calendar == "24/7":
                out.append(Session(day, base, base + DAY))
            else:
                hours = self.spec.trading_hours
                out.append(Session(day, base + _seconds(hours.open), base + _seconds(hours.close)))
        return out

    def session_at(self, t: int) -> Session | None:
        """The session open at virtual time t, if any."""
        i = bisect.bisect_right(self._opens, t) - 1
        if i >= 0 and t < self._sessions[i].close:
            return self._sessions[i]
        return None

    def next_session(self, t: int) -> Session | None:
        """The first session opening after t (None when the run has no more)."""
        i = bisect.bisect_right(self._opens, t)
        return self._sessions[i] if i < len(self._sessions) else None

    def add_business_days(self, t: int, days: int) -> int:
        """Virtual time of the settlement date T+days on KSD's calendar (start of that day's
        settlement, at the trading open; midnight when KSD settles every day)."""
        if days == 0:
            return t
        day = self.start + dt.timedelta(days=t // DAY)
        added = 0
        while added < days:
            day += dt.timedelta(days=1)
            added += self.is_settlement_day(day)
        offset = (day - self.start).days * DAY
        if self.spec.settlement_calendar == "every_day":
            return offset
        return offset + _seconds(self.spec.trading_hours.open)

    def unix(self, t: int) -> int:
        """Unix time of virtual time t (the scenario starts at midnight KST of its start date)."""
        kst_midnight = dt.datetime.combine(
            self.start, dt.time(0), dt.timezone(dt.timedelta(hours=9))
        )
        return int(kst_midnight.timestamp()) + t


def krx_hours(t: int, start: dt.date) -> bool:
    """Whether t falls in KRX-like hours (09:00-15:30 KST on a weekday), whatever the scenario's
    calendar: the yardstick for news 'outside trading hours'."""
    day = start + dt.timedelta(days=t // DAY)
    second = t % DAY
    return day.weekday() < 5 and 9 * 3600 <= second < 15 * 3600 + 1800


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second
