"""A venue's operator as a business: a fee policy (fixed, or adaptive towards a market share or
towards revenue), daily operating costs, and for an entrant the break-even test that decides
whether it enters at all. Its profit and loss is fee revenue minus these costs (metrics)."""

from __future__ import annotations

import math

from simulator.actors.distributor import Distributor
from simulator.actors.view import PublicMarket
from simulator.behaviour import VenueChoice
from simulator.calendar import DAY
from simulator.eventlog import EventLog
from simulator.events import VenueCost
from simulator.scenario import FeeSchedule, Venue


class VenueOperator:
    def __init__(self, spec: Venue, log: EventLog) -> None:
        self.spec = spec
        self.log = log
        self.venue: Distributor | None = None  # set when the venue opens
        self._last: tuple[float, float] | None = None  # (its value traded, market's) at review
        self._last_revenue: float | None = None
        self._direction = -1  # the revenue policy's last move: -1 cut, +1 raise
        self._gained: float | None = None  # revenue gained between the last two reviews

    def charge_day(self, t: int) -> None:
        if self.venue is not None and self.spec.operating_cost_krw_per_day:
            cost = self.spec.operating_cost_krw_per_day
            self.log.append(VenueCost(t, self.spec.id, cost, "operating"))

    def review(self, t: int, market: PublicMarket) -> None:
        """Apply the fee policy to what happened since the last review."""
        venue, policy = self.venue, self.spec.fee_policy
        if venue is None or policy.kind == "fixed":
            return
        now = (market.value_traded.get(venue.name, 0.0), sum(market.value_traded.values()))
        before, self._last = self._last or (0.0, 0.0), now
        own, total = now[0] - before[0], now[1] - before[1]
        if policy.kind == "share":
            if total <= 0:
                return
            share = own / total
            if share < policy.target_share - 0.02:
                step = -policy.step_bps
            elif share > policy.target_share + 0.02:
                step = policy.step_bps
            else:
                return
        else:
            revenue = venue.revenue
            gained = revenue - (self._last_revenue or 0.0)
            if self._gained is not None and gained < self._gained:
                self._direction = -self._direction  # the last move lost revenue: turn back
            self._gained, self._last_revenue = gained, revenue
            step = self._direction * policy.step_bps
        fees = venue.fees
        maker = _clamp(fees.maker_bps + step, policy.floor_bps, policy.ceiling_bps)
        taker = _clamp(fees.taker_bps + step, policy.floor_bps, policy.ceiling_bps)
        if (maker, taker) != (fees.maker_bps, fees.taker_bps):
            changed = fees.model_dump() | {"maker_bps": maker, "taker_bps": taker}
            venue.set_fees(t, FeeSchedule(**changed))


def appraise_entry(
    spec: Venue,
    t: int,
    value_traded: dict[str, float],
    rivals: list[FeeSchedule],
    choice: VenueChoice,
) -> tuple[int, bool]:
    """Break-even test of an entrant: a horizon's expected fees, from the value matched per day
    so far, its expected share and its own fees, against fixed and operating costs. Matched
    value, not fees received: T+n venues are paid only at settlement. Returns (expected fees,
    whether it enters)."""
    assert spec.entry is not None
    entry = spec.entry
    value_per_day = sum(value_traded.values()) / max(t / DAY, 1.0)
    share = expected_share(spec, rivals, choice)
    fee_rate = (
        (spec.fees.maker_bps + spec.fees.taker_bps) / 10_000 * spec.fees.venue_share_bps / 10_000
    )
    expected = int(value_per_day * share * fee_rate * entry.horizon_days)
    costs = entry.fixed_cost_krw + spec.operating_cost_krw_per_day * entry.horizon_days
    return expected, expected >= costs


def expected_share(spec: Venue, rivals: list[FeeSchedule], choice: VenueChoice) -> float:
    """An entrant's share if investors chose by taker fee and brand alone (it has no liquidity
    yet, so this is an optimistic estimate: the network effect works against it)."""
    utility = [-choice.cost_per_bps * f.taker_bps for f in [spec.fees, *rivals]]
    weights = [math.exp(u) for u in utility]
    weights[0] *= spec.attractiveness
    return weights[0] / sum(weights)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
