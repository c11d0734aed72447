"""The market's clock: the calendar's sessions and days, each agent's next action, venues'
settlement batches and call auctions, and snapshots of the books. Every agent schedules its own
next action when it acts, and each session schedules its own events when it opens, so the
event queue holds about one entry per agent whatever the run's length.

`Schedule` is the clock half of a `Simulation` (simulator/runner.py): the world is built by
`World` (simulator/world.py), orders are routed by the simulation. Ties at one instant break
by `Priority`, lowest first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from simulator.actors.affiliate import SupportDesk
from simulator.actors.arbitrageur import Arbitrageur
from simulator.actors.distributor import Distributor
from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.market_maker import MarketMaker
from simulator.actors.venue_settlement import settle_together
from simulator.calendar import DAY, Session
from simulator.demand import ClockDemand
from simulator.engine import Priority
from simulator.issuance import Issuance


class Schedule(Issuance):
    session: Session | None
    _settlement_rounds: dict[int, list[Distributor]]
    clock_demand: ClockDemand | None
    _sessions: Iterator[Session]

    # routing and records are the simulation's
    def act(self, investor: Investor) -> None:
        raise NotImplementedError

    def submit(self, investor: Investor, intent: OrderIntent) -> int | None:
        raise NotImplementedError

    def cancel(self, venue: str, asset: str, order_id: int) -> None:
        raise NotImplementedError

    def _record_inventory(self, t: int, agent: MarketMaker | Arbitrageur) -> None:
        raise NotImplementedError

    def _schedule_next_session(self) -> None:
        session = next(self._sessions, None)
        if session is not None and session.open < self.calendar.end:
            self.engine.at(
                session.open, partial(self._open_session, session), priority=Priority.SESSION
            )

    def _open_session(self, session: Session) -> None:
        e, t = self.engine, session.open
        self.session = session
        self.public.session_open = True
        self.public.now = t
        length = session.close - session.open
        for investor in self.investors:
            if type(investor) is Investor:
                if self.clock_demand is None:
                    self._next_arrival(investor, t, length)
            elif isinstance(investor, MarketMaker):
                act = partial(investor.requote, self.public, self.submit, self.cancel)
                e.at(
                    t,
                    partial(self._repeat, act, investor.params.quote_minutes * 60, Priority.QUOTES),
                    Priority.QUOTES,
                )
            elif isinstance(investor, SupportDesk):
                act = partial(investor.support, self.public, self.submit, self.cancel)
                every = self.s.market.quote_interval_minutes * 60
                e.at(t, partial(self._repeat, act, every, Priority.QUOTES), Priority.QUOTES)
            elif isinstance(investor, Arbitrageur):
                act = partial(investor.scan, self.public, self.submit, self.cancel)
                every = investor.params.check_minutes * 60
                e.at(
                    t + every,
                    partial(self._repeat, act, every, Priority.ARBITRAGE),
                    Priority.ARBITRAGE,
                )
        step = self.s.market.quote_interval_minutes * 60
        for at in range(t + step, session.close, step):
            e.at(at, self._snapshot, priority=Priority.SNAPSHOT)
        for venue in list(self.venues.values()):
            self._schedule_venue_session(venue, session)
        # under 24/7 a session closes at the instant the next one opens: close first
        e.at(session.close, self._close_session, priority=Priority.DAY)
        self._schedule_next_session()

    def _schedule_venue_session(self, venue: Distributor, session: Session) -> None:
        e, start = self.engine, max(session.open, self.engine.now)
        batch = venue.spec.batch_minutes * 60
        for at in range(session.open + batch, session.close, batch):
            if at > start:
                self._settle_at(at, venue)
        if venue.spec.matching == "call_auction":
            call = venue.spec.call_interval_minutes * 60
            for at in range(session.open + call, session.close, call):
                if at > start:
                    e.at(at, partial(self._call_auction, venue), priority=Priority.CALL_AUCTION)

    def _next_arrival(self, investor: Investor, t: int, length: int) -> None:
        assert self.session is not None
        at = t + investor.next_arrival(length)
        if at < self.session.close:
            self.engine.at(
                int(at), partial(self._investor_acts, investor), priority=Priority.ORDERS
            )

    def _schedule_wish(self, investor: Investor, t: int) -> None:
        assert self.clock_demand is not None
        per_week = 5 * investor.orders_per_day
        at = self.clock_demand.next_arrival(investor.rng, t, per_week)
        if at < self.calendar.end:
            self.engine.at(int(at), partial(self._wish, investor), priority=Priority.ORDERS)

    def _wish(self, investor: Investor) -> None:
        """Clock demand: an investor wants to trade now; while the market is closed the order
        waits for the next open (spread over its first minutes)."""
        t = self.engine.now
        if self.public.session_open:
            self.act(investor)
        else:
            session = self.calendar.next_session(t)
            if session is not None:
                spread = self.s.behaviour.demand.open_spread_minutes * 60
                spread = min(spread, session.close - session.open - 1)
                at = session.open + int(investor.rng.uniform(0, max(spread, 0)))
                self.engine.at(at, partial(self.act, investor), priority=Priority.ORDERS)
        self._schedule_wish(investor, t)

    def _settle_at(self, at: int, venue: Distributor) -> None:
        """The venue settles at `at` in one round with every other venue settling then."""
        round_ = self._settlement_rounds.get(at)
        if round_ is None:
            round_ = self._settlement_rounds[at] = []
            self.engine.at(at, partial(self._settle_round, at), priority=Priority.SETTLEMENT)
        round_.append(venue)

    def _settle_round(self, at: int) -> None:
        self._settle(*self._settlement_rounds.pop(at))

    def _close_session(self) -> None:
        t = self.engine.now
        self.public.session_open = False
        self.ledger.set_time(self.calendar.unix(t))
        for venue in self.venues.values():
            venue.close_session(t)
        self._settle(*self.venues.values())
        self.public.previous_close.update(self.public.last_price)
        for agent in self.investors:
            if isinstance(agent, MarketMaker | Arbitrageur):
                self._record_inventory(t, agent)

    def _start_of_day(self) -> None:
        """Operating costs, fee reviews and the fundamentals' daily step; then tomorrow's."""
        t = self.engine.now
        day = t // DAY
        for operator in self.operators.values():
            operator.charge_day(t)
            if day and day % operator.spec.fee_policy.review_days == 0:
                self.ledger.set_time(self.calendar.unix(t))
                operator.review(t, self.public)
        issues = {a: (i.token, i.offering.quantity) for a, i in sorted(self.issuers.items())}
        self.registrar.record_disclosures(t, self.investors, issues, self.s.regime, self.log)
        for asset_id in self.values.start_of_day(day):
            self._distribute(asset_id, 0)  # a terminal payment: a sale, an auction, maturity
        if day and day % 30 == 0:
            self.ledger.set_time(self.calendar.unix(t))
            self._charge_month()
        if t + DAY < self.calendar.end:
            self.engine.at(t + DAY, self._start_of_day, priority=Priority.DAY)

    def _repeat(self, action: Callable[[], None], every: int, priority: int) -> None:
        """An agent's recurring action: now, then every `every` seconds until the session
        closes (it schedules its next one when it acts)."""
        self.public.now = self.engine.now
        action()
        at = self.engine.now + every
        if self.session is not None and at < self.session.close:
            self.engine.at(at, partial(self._repeat, action, every, priority), priority)

    def _call_auction(self, venue: Distributor) -> None:
        venue.call_auction(self.engine.now)

    def _snapshot(self) -> None:
        for venue in self.venues.values():
            venue.snapshot(self.engine.now)

    def _settle(self, *venues: Distributor) -> None:
        """The venues settle what they matched, together (one block on Anvil)."""
        if not any(venue.matched for venue in venues):
            return
        t = self.engine.now
        self.ledger.set_time(self.calendar.unix(t))
        # the chain dates deferred trades from KSD's calendar (KR-SET-1)
        settle_together(self.ledger, t, list(venues))

    def _investor_acts(self, investor: Investor) -> None:
        self.act(investor)
        if self.session is not None:
            length = self.session.close - self.session.open
            self._next_arrival(investor, self.engine.now, length)
