"""When investors want to trade (behaviour.demand): Poisson arrivals, either per trading session
or around the clock by an hour-of-week profile, independent of when the market is open."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from simulator.behaviour import Demand

HOUR = 3_600
WEEK_HOURS = 168


class ClockDemand:
    """Arrivals over calendar time with a rate per hour of the week (Monday 00:00 KST first)."""

    def __init__(self, spec: Demand, start: dt.date) -> None:
        weekend = [w * spec.weekend_factor for w in spec.hourly]
        week = [w for day in range(7) for w in (spec.hourly if day < 5 else weekend)]
        total = sum(week)
        self.shares = [w / total for w in week]  # share of a week's wishes in each hour
        self.offset = start.weekday() * 24  # hour of the week at virtual time 0

    def next_arrival(self, rng: np.random.Generator, t: int, per_week: float) -> float:
        """Virtual time of the next wish to trade after t, for `per_week` wishes a week on
        average (an inhomogeneous Poisson process, by inversion of its integrated rate)."""
        if per_week <= 0:
            return math.inf
        need = float(rng.exponential(1.0))
        whole_weeks = math.floor(need / per_week)  # skip whole weeks at once
        need -= whole_weeks * per_week
        hour, into = divmod(t, HOUR)
        hour += whole_weeks * WEEK_HOURS
        while True:
            rate = per_week * self.shares[(hour + self.offset) % WEEK_HOURS] / HOUR
            left = HOUR - into
            if rate * left >= need:
                return hour * HOUR + into + need / rate
            need -= rate * left
            hour, into = hour + 1, 0
