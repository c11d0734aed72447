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
from simulator.actors.investor import Investor, OrderIntent, year_of
from simulator.actors.market_maker import MarketMaker
from simulator.actors.venue_operator import appraise_entry
from simulator.calendar import DAY, MarketCalendar, Session
from simulator.chain.ledger import Ledger
from simulator.demand import ClockDemand
from simulator.engine import Engine, Priority
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
from simulator.schedule import Schedule
from simulator.values import AssetValues

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
        log = Simulation(scenario, seed, chain, calendar).run(progress=progress)
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


class Simulation(Schedule):
    """One run: the routing of orders between agents, venues' entry, income to holders and the
    records at the end. Set-up (deploy, license, onboard, issue, list) is `World`'s; the clock
    (sessions, days, each agent's next action) is `Schedule`'s."""

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
        self._settlement_rounds = {}
        self._built = self._started = False
        self.desks: list[SupportDesk] = []
        demand = scenario.behaviour.demand
        self.clock_demand = (
            ClockDemand(demand, scenario.market.start) if demand.basis == "clock" else None
        )

    def build(self) -> None:
        """The world without its clock: deploy, license and onboard now; the offerings and
        listings are scheduled at t = 0 (`run(until=1)` places them). A run that is built but
        not started plays only what is scheduled: a test drives the agents itself."""
        if self._built:
            return
        self._built = True
        self.ledger.set_time(self.calendar.unix(0))
        self._deploy()
        self.engine.at(0, self._issue_and_list, priority=Priority.DAY)
        self.values = AssetValues(self.s, self.public, self.log, self.engine)

    def start(self) -> None:
        """Build the world and set its clock going: sessions, days, entries, income, news and
        every investor's first wish to trade are scheduled; nothing has run yet."""
        if self._started:
            return
        self.build()
        self._sessions = iter(self.calendar.sessions())
        self._schedule_next_session()
        for spec in self.s.venues:
            if spec.entry is not None:
                at = spec.entry.day * DAY
                self.engine.at(at, partial(self._consider_entry, spec), priority=Priority.DAY)
        self.engine.at(0, self._start_of_day, priority=Priority.DAY)
        self._schedule_distributions()
        self.values.schedule_news()
        if self.clock_demand is not None:
            for investor in self.investors:
                if type(investor) is Investor:
                    self._schedule_wish(investor, 0)
        self._started = True

    def step(self) -> bool:
        """Run the next scheduled action of the market's days; False when none is left."""
        if not self._built:
            self.start()
        return self.engine.step(self.calendar.end + 1)

    def run(self, until: int | None = None, progress: Progress | None = None) -> EventLog:
        """Run to virtual time `until`, or to the end of the run: then KSD finalizes the trades
        still pending (unless the scenario says not to) and the final states are recorded."""
        if not self._built:
            self.start()
        end = self.calendar.end
        report = None if progress is None else lambda t: progress(min(t / end, 1.0))
        if until is not None:
            self.engine.run(min(until, end + 1), report)
            return self.log
        # + 1: a 24/7 market's last session closes at the run's end, and must close
        self.engine.run(end + 1, report)
        last_due = self.registrar.last_due()
        if self.s.market.settle_pending and last_due is not None:
            end = max(end, last_due + 1)  # no trading: only KSD's finalizations remain
            self.engine.run(end + 1)
        self._record_states(end)
        return self.log

    def settle(self, venue: str) -> None:
        """The venue submits its matched trades for settlement now."""
        self._settle(self.venues[venue])

    def close_session(self) -> None:
        """Close the session now: day orders expire, the venues settle what is matched."""
        self._close_session()

    # ---- orders ----

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
        if type(investor) is Investor:
            for desk in self.desks:  # a conflicted venue's desk sees the order first
                ahead = desk.trade_ahead(self.public, investor, intent, self.submit, self.cancel)
                if ahead is not None:
                    self.log.append(ahead)
        if not self.venues[intent.venue].receive(t, order_id, investor, intent):
            if intent.side == "buy":
                investor.on_release("buy", intent.asset, 0, intent.quantity, order_id)
            return None
        return order_id

    def cancel(self, venue: str, asset: str, order_id: int) -> None:
        self.venues[venue].cancel(self.engine.now, asset, order_id)

    # ---- entry ----

    def _consider_entry(self, spec: Venue) -> None:
        """The entrant's break-even test (actors/venue_operator.py); if it passes, the venue
        opens, investors approve it, issuers ask it to list, and it joins the session."""
        assert spec.entry is not None
        t, entry = self.engine.now, spec.entry
        rivals = [v.fees for v in self.venues.values()]
        expected, enters = appraise_entry(
            spec, t, self.public.value_traded, rivals, self.s.behaviour.venue_choice
        )
        if not enters:
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
