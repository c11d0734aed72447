"""Run a scenario: deploy its market on a fresh chain, create the actors, play the calendar in
virtual time, and turn the event log into metric tables and a summary."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from simulator import competition, efficiency, metrics
from simulator.actors.affiliate import SupportDesk
from simulator.actors.arbitrageur import Arbitrageur
from simulator.actors.distributor import Distributor
from simulator.actors.investor import Investor, OrderIntent, year_of
from simulator.actors.market_maker import MarketMaker
from simulator.actors.venue_operator import expected_share
from simulator.calendar import DAY, MarketCalendar, Session
from simulator.chain.ledger import Ledger
from simulator.demand import ClockDemand
from simulator.engine import Engine
from simulator.eventlog import EventLog
from simulator.events import (
    HoldingAtEnd,
    InventorySnapshot,
    InvestorState,
    Refused,
    VenueCost,
    VenueOpened,
)
from simulator.scenario import LedgerBackend, Scenario, Venue
from simulator.values import AssetValues
from simulator.world import World

Progress = Callable[[float], None]


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    log: EventLog
    tables: dict[str, pd.DataFrame]
    metrics: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)


def run_scenario(
    scenario: Scenario,
    seed: int | None = None,
    progress: Progress | None = None,
    ledger: LedgerBackend | None = None,
) -> RunResult:
    """Run on a fresh chain that is gone afterwards (`ledger`, default the scenario's: a local
    Anvil or the embedded EVM); same scenario and seed, same results, on either ledger."""
    seed = scenario.seed if seed is None else seed
    backend = ledger or scenario.ledger.backend
    calendar = MarketCalendar(scenario.market)
    behaviour = scenario.behaviour
    providers = behaviour.market_makers.count + behaviour.arbitrageurs.count
    investors = sum(g.count for g in scenario.investors) + providers
    # firms, the tax authority, investors, and at most one support desk per firm
    accounts = 4 + 2 * len(scenario.firms) + 1 + investors
    chain = _ledger_class(backend).start(
        accounts=accounts, genesis_timestamp=calendar.unix(0) - DAY
    )
    with chain:
        log = Simulation(scenario, seed, chain, calendar).run(progress)
    tables = log.tables()
    tables_metrics = metrics.all_metrics(tables)
    headline = (
        metrics.summary(tables_metrics)
        | competition.summary(tables, tables_metrics)
        | efficiency.summary(tables_metrics)
    )
    return RunResult(
        scenario,
        seed,
        log,
        tables,
        tables_metrics,
        headline,
        info={"ledger": backend},
    )


def _ledger_class(backend: LedgerBackend) -> Any:
    if backend == "revm":
        from simulator.chain.revm_ledger import RevmLedger

        return RevmLedger
    from simulator.chain.brownie_ledger import BrownieLedger

    return BrownieLedger


class Simulation(World):
    """One run: the schedule of the market's days and the routing of orders between agents.

    Set-up (deploy, license, onboard, issue, list) is `World`'s. Every agent schedules its own
    next action when it acts, and each session schedules its own events when it opens, so the
    event queue holds about one entry per agent whatever the run's length."""

    def __init__(
        self, scenario: Scenario, seed: int, ledger: Ledger, calendar: MarketCalendar
    ) -> None:
        self.s = scenario
        self.ledger = ledger
        self.calendar = calendar
        self.engine = Engine(seed)
        self.log = EventLog()
        self.order_ids = itertools.count(1)
        self.trade_ids = itertools.count(1)
        self._init_world()
        self.session: Session | None = None
        demand = scenario.behaviour.demand
        self.clock_demand = (
            ClockDemand(demand, scenario.market.start) if demand.basis == "clock" else None
        )

    def run(self, progress: Progress | None = None) -> EventLog:
        self.ledger.set_time(self.calendar.unix(0))
        self._deploy()
        self.engine.at(0, self._issue_and_list, priority=0)
        self._sessions = iter(self.calendar.sessions())
        self._schedule_next_session()
        for spec in self.s.venues:
            if spec.entry is not None:
                self.engine.at(
                    spec.entry.day * DAY, partial(self._consider_entry, spec), priority=0
                )
        self.engine.at(0, self._start_of_day, priority=0)
        self.values = AssetValues(self.s, self.public, self.log, self.engine)
        self._schedule_distributions()
        self.values.schedule_news()
        if self.clock_demand is not None:
            for investor in self.investors:
                if type(investor) is Investor:
                    self._schedule_wish(investor, 0)
        end = self.calendar.end
        self.engine.run(end, None if progress is None else lambda t: progress(min(t / end, 1.0)))
        last_due = self.registrar.last_due()
        if self.s.market.settle_pending and last_due is not None:
            end = max(end, last_due + 1)  # no trading: only KSD's finalizations remain
            self.engine.run(end)
        self._record_states(end)
        return self.log

    # ---- the calendar ----

    def _schedule_next_session(self) -> None:
        session = next(self._sessions, None)
        if session is not None and session.open < self.calendar.end:
            self.engine.at(session.open, partial(self._open_session, session), priority=1)

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
                e.at(t, partial(self._requote, investor), priority=40)
            elif isinstance(investor, SupportDesk):
                e.at(t, partial(self._support, investor), priority=40)
            elif isinstance(investor, Arbitrageur):
                e.at(
                    t + investor.params.check_minutes * 60,
                    partial(self._scan, investor),
                    priority=55,
                )
        step = self.s.market.quote_interval_minutes * 60
        for at in range(t + step, session.close, step):
            e.at(at, self._snapshot, priority=60)
        for venue in list(self.venues.values()):
            self._schedule_venue_session(venue, session)
        # priority 0: under 24/7 a session closes at the instant the next one opens (priority 1)
        e.at(session.close, self._close_session, priority=0)
        self._schedule_next_session()

    def _schedule_venue_session(self, venue: Distributor, session: Session) -> None:
        e, start = self.engine, max(session.open, self.engine.now)
        batch = venue.spec.batch_minutes * 60
        for at in range(session.open + batch, session.close, batch):
            if at > start:
                e.at(at, partial(self._settle, venue), priority=70)
        if venue.spec.matching == "call_auction":
            call = venue.spec.call_interval_minutes * 60
            for at in range(session.open + call, session.close, call):
                if at > start:
                    e.at(at, partial(self._call_auction, venue), priority=65)

    def _next_arrival(self, investor: Investor, t: int, length: int) -> None:
        assert self.session is not None
        at = t + investor.next_arrival(length)
        if at < self.session.close:
            self.engine.at(int(at), partial(self._investor_acts, investor), priority=50)

    def _schedule_wish(self, investor: Investor, t: int) -> None:
        assert self.clock_demand is not None
        per_week = 5 * investor.orders_per_day
        at = self.clock_demand.next_arrival(investor.rng, t, per_week)
        if at < self.calendar.end:
            self.engine.at(int(at), partial(self._wish, investor), priority=50)

    def _wish(self, investor: Investor) -> None:
        """Clock demand: an investor wants to trade now; while the market is closed the order
        waits for the next open (spread over its first minutes)."""
        t = self.engine.now
        if self.calendar.session_at(t) is not None and self.public.session_open:
            self.act(investor)
        else:
            session = self.calendar.next_session(t)
            if session is not None:
                spread = self.s.behaviour.demand.open_spread_minutes * 60
                spread = min(spread, session.close - session.open - 1)
                at = session.open + int(investor.rng.uniform(0, max(spread, 0)))
                self.engine.at(at, partial(self.act, investor), priority=50)
        self._schedule_wish(investor, t)

    def _close_session(self) -> None:
        t = self.engine.now
        self.public.session_open = False
        for venue in self.venues.values():
            self.ledger.set_time(self.calendar.unix(t))
            venue.close_session(t)
            self._settle(venue)
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
            self.engine.at(t + DAY, self._start_of_day, priority=0)

    # ---- orders ----

    def _investor_acts(self, investor: Investor) -> None:
        self.act(investor)
        if self.session is not None:
            length = self.session.close - self.session.open
            self._next_arrival(investor, self.engine.now, length)

    def act(self, investor: Investor) -> None:
        """One decision of an investor: an order, routed, or nothing."""
        self.public.now = self.engine.now
        intent = investor.decide(self.public)
        if intent is not None:
            self.submit(investor, intent)

    def submit(self, investor: Investor, intent: OrderIntent) -> int | None:
        """Route an order: the investor's own rule checks, then the venue; its id if the venue
        took it into the book."""
        t = self.engine.now
        order_id = next(self.order_ids)
        year = year_of(self.s.market.start, t)
        decision = investor.precheck(self.public, intent, year)
        if not decision.allowed:
            self.log.append(Refused(
                t, "order", investor.name, intent.venue, intent.asset, decision.rule_id,
                decision.reason, order_id,
            ))  # fmt: skip
            return None
        if intent.side == "buy":  # counted before matching, which may close the order at once
            issuer, value = (
                self.public.issuer_of[intent.asset],
                intent.quantity * intent.limit_price,
            )
            investor.commit_investment(issuer, year, value, (order_id, intent.limit_price))
        if not self.venues[intent.venue].receive(t, order_id, investor, intent):
            if intent.side == "buy":
                investor.on_release("buy", intent.asset, 0, intent.quantity, order_id)
            return None
        return order_id

    def cancel(self, venue: str, asset: str, order_id: int) -> None:
        self.venues[venue].cancel(self.engine.now, asset, order_id)

    def _requote(self, maker: MarketMaker) -> None:
        self.public.now = self.engine.now
        maker.requote(self.public, self.submit, self.cancel)
        at = self.engine.now + maker.params.quote_minutes * 60
        if self.session is not None and at < self.session.close:
            self.engine.at(at, partial(self._requote, maker), priority=40)

    def _support(self, desk: SupportDesk) -> None:
        desk.support(self.public, self.submit, self.cancel)
        at = self.engine.now + self.s.market.quote_interval_minutes * 60
        if self.session is not None and at < self.session.close:
            self.engine.at(at, partial(self._support, desk), priority=40)

    def _scan(self, arbitrageur: Arbitrageur) -> None:
        arbitrageur.scan(self.public, self.submit, self.cancel)
        at = self.engine.now + arbitrageur.params.check_minutes * 60
        if self.session is not None and at < self.session.close:
            self.engine.at(at, partial(self._scan, arbitrageur), priority=55)

    def _call_auction(self, venue: Distributor) -> None:
        venue.call_auction(self.engine.now)

    def _snapshot(self) -> None:
        for venue in self.venues.values():
            venue.snapshot(self.engine.now)

    def _settle(self, venue: Distributor) -> None:
        if not venue.matched:
            return
        t = self.engine.now
        self.ledger.set_time(self.calendar.unix(t))
        venue.settle(t)  # the chain dates deferred trades from KSD's calendar (KR-SET-1)

    # ---- entry ----

    def _consider_entry(self, spec: Venue) -> None:
        """Break-even test: a year's (the horizon's) expected fees, from the value matched per
        day so far, the entrant's expected share and its own fees, against fixed and operating
        costs. Matched value, not fees received: T+n venues are paid only at settlement."""
        assert spec.entry is not None
        t, entry = self.engine.now, spec.entry
        days = max(t / DAY, 1.0)
        value_per_day = sum(self.public.value_traded.values()) / days
        rivals = [v.fees for v in self.venues.values()]
        share = expected_share(spec, rivals, self.s.behaviour.venue_choice)
        fee_rate = (
            (spec.fees.maker_bps + spec.fees.taker_bps)
            / 10_000
            * spec.fees.venue_share_bps
            / 10_000
        )
        expected = int(value_per_day * share * fee_rate * entry.horizon_days)
        costs = entry.fixed_cost_krw + spec.operating_cost_krw_per_day * entry.horizon_days
        if expected < costs:
            self.log.append(VenueOpened(
                t, spec.id, False, spec.fees.maker_bps, spec.fees.taker_bps, expected,
                entry.fixed_cost_krw,
            ))  # fmt: skip
            return
        self.ledger.set_time(self.calendar.unix(t))
        venue = self._open_venue(spec, expected)
        if venue is None:
            return
        if entry.fixed_cost_krw:
            self.log.append(VenueCost(t, spec.id, entry.fixed_cost_krw, "entry"))
        self.ledger.transact_many(
            [c for inv in self.investors for c in self._approvals(inv, [venue])]
        )
        for asset_id in sorted(self.issuers):
            self._request_listing(venue, asset_id)
        if self.session is not None and self.public.session_open:
            self._schedule_venue_session(venue, self.session)

    # ---- fundamentals and distributions ----

    def _schedule_distributions(self) -> None:
        for asset in self.s.assets:
            every = asset.distributions.every_days
            if asset.distributions.yield_pct_year <= 0 and asset.id not in self.values.models:
                continue
            for day in range(every, self.s.market.days, every):
                self.engine.at(
                    day * DAY + 1, partial(self._distribute, asset.id, every), priority=5
                )

    def _distribute(self, asset_id: str, days: int) -> None:
        issuer = self.issuers.get(asset_id)
        if issuer is None:
            return
        self.ledger.set_time(self.calendar.unix(self.engine.now))
        holders = [
            (inv, inv.holdings[asset_id]) for inv in self.investors if inv.holdings[asset_id] > 0
        ]
        model = self.values.models.get(asset_id)
        if model is None:
            value = self.public.fundamental[asset_id]
            issuer.pay_distribution(self.engine.now, value, days, holders, self.bank)
        else:
            issuer.pay_income(self.engine.now, int(model.take_income()), holders, self.bank)

    # ---- records ----

    def _record_inventory(self, t: int, agent: MarketMaker | Arbitrageur) -> None:
        wealth = int(agent.wealth(self.public))
        for asset in sorted(self.issuers):
            self.log.append(InventorySnapshot(
                t, agent.name, agent.role, asset, agent.holdings[asset], agent.cash, wealth
            ))  # fmt: skip

    def _record_states(self, t: int) -> None:
        for inv in self.investors:
            for asset, quantity in sorted(inv.holdings.items()):
                if quantity:
                    self.log.append(HoldingAtEnd(t, inv.name, inv.investor_class, asset, quantity))
            value = inv.holdings_value(self.public)
            self.log.append(InvestorState(t, inv.name, inv.investor_class, inv.cash, value))
