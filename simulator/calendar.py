"""Market calendar (KR-MKT-3): business days and trading hours, or round-the-clock trading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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

    def is_business_day(self, day: dt.date) -> bool:
        """KRX-like: weekdays that are not holidays; every day under 24/7."""
        if self.spec.calendar == "24/7":
            return True
        return day.weekday() < 5 and day not in self._holidays

    def sessions(self) -> Iterator[Session]:
        for offset in range(self.spec.days):
            day = self.start + dt.timedelta(days=offset)
            if not self.is_business_day(day):
                continue
            base = offset * DAY
            if self.spec.calendar == "24/7":
                yield Session(day, base, base + DAY)
            else:
                hours = self.spec.trading_hours
                yield Session(day, base + _seconds(hours.open), base + _seconds(hours.close))

    def add_business_days(self, t: int, days: int) -> int:
        """Virtual time of the settlement date T+days (start of that day's session)."""
        if days == 0:
            return t
        day = self.start + dt.timedelta(days=t // DAY)
        added = 0
        while added < days:
            day += dt.timedelta(days=1)
            added += self.is_business_day(day)
        offset = (day - self.start).days * DAY
        if self.spec.calendar == "24/7":
            return offset
        return offset + _seconds(self.spec.trading_hours.open)

    def unix(self, t: int) -> int:
        """Unix time of virtual time t (the scenario starts at midnight KST of its start date)."""
        kst_midnight = dt.datetime.combine(
            self.start, dt.time(0), dt.timezone(dt.timedelta(hours=9))
        )
        return int(kst_midnight.timestamp()) + t


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second
