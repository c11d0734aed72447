"""Run a scenario: deploy its market on a fresh chain, create the actors, play the calendar in
virtual time, and turn the event log into metric tables and a summary."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from simulator import metrics, rules
from simulator.actors.distributor import Distributor
from simulator.actors.investor import Investor, year_of
from simulator.actors.issuer import Issuer
from simulator.actors.registrar import Registrar
from simulator.actors.view import PublicMarket
from simulator.calendar import DAY, MarketCalendar, Session
from simulator.chain import deploy, orders
from simulator.chain.ledger import Ledger
from simulator.engine import Engine
from simulator.errors import RuleViolation
from simulator.eventlog import EventLog
from simulator.events import InvestorState, Refused
from simulator.scenario import LedgerBackend, Scenario

MAX = 2**256 - 1
CLASSES = {"general": 1, "income_qualified": 2, "professional": 3}
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
    accounts = 4 + len(scenario.firms) + sum(g.count for g in scenario.investors)
    chain = _ledger_class(backend).start(
        accounts=accounts, genesis_timestamp=calendar.unix(0) - DAY
    )
    with chain:
        log = Simulation(scenario, seed, chain, calendar).run(progress)
    tables = log.tables()
    tables_metrics = metrics.all_metrics(tables)
    return RunResult(
        scenario,
        seed,
        log,
        tables,
        tables_metrics,
        metrics.summary(tables_metrics),
        info={"ledger": backend},
    )


def _ledger_class(backend: LedgerBackend) -> Any:
    if backend == "revm":
        from simulator.chain.revm_ledger import RevmLedger

        return RevmLedger
    from simulator.chain.brownie_ledger import BrownieLedger

    return BrownieLedger


class Simulation:
    """One run: the wiring between scenario, actors, engine and ledger."""

    def __init__(
        self, scenario: Scenario, seed: int, ledger: Ledger, calendar: MarketCalendar
    ) -> None:
        self.s = scenario
        self.ledger = ledger
        self.calendar = calendar
        self.engine = Engine(seed)
        self.log = EventLog()
        self.public = PublicMarket(price_limit_pct=scenario.market.price_limit_pct)
        self.order_ids = itertools.count(1)
        self.trade_ids = itertools.count(1)
        self.payees: dict[str, tuple[str, str]] = {}

    # ---- set-up ----

    def run(self, progress: Progress | None = None) -> EventLog:
        self.ledger.set_time(self.calendar.unix(0))
        self._deploy()
        self.engine.at(0, self._issue_and_list, priority=0)
        for session in self.calendar.sessions():
            self._schedule_session(session)
        self._schedule_fundamentals_and_distributions()
        end = self.calendar.end
        self.engine.run(end, None if progress is None else lambda t: progress(min(t / end, 1.0)))
        self._record_states(end)
        return self.log

    def _deploy(self) -> None:
        s, ledger = self.s, self.ledger
        regime = s.regime
        self.market = deploy.deploy_market(
            ledger,
            deploy.Regime.from_scenario(regime),
            venues=(),
            calendar=deploy.SettlementCalendarSpec.from_market(s.market),
        )
        roles = self.market.roles
        self.regulator, self.ksd = roles["regulator (FSC)"], roles["registrar (KSD)"]
        self.bank, self.verifier = roles["settlement bank"], roles["KYC verifier"]
        free = iter(self.market.free_accounts)
        self.firm_address = {f.id: next(free) for f in s.firms}
        self.payees[self.ksd] = ("KSD", "registrar")
        self._license_firms()
        self.registrar = Registrar(self.ksd, ledger, self.engine, self.calendar)
        self.venues = self._open_venues()
        self.investors = self._onboard_investors(free)

    def _license_firms(self) -> None:
        ledger, registry = self.ledger, self.market.registry
        for firm in self.s.firms:
            if firm.role == "venue_operator":
                continue
            address = self.firm_address[firm.id]
            ledger.transact(
                "MarketRegistry",
                registry,
                "registerFirm",
                address,
                firm.equity_krw,
                firm.group,
                sender=self.regulator,
            )
            self.payees[address] = (
                firm.id,
                "issuer" if firm.role == "issuer" else "securities_firm",
            )
            licence = None
            if firm.role == "securities_firm":
                licence = deploy.Licence.SECURITIES_ACCOUNT_MANAGER
            elif firm.issuer_account_manager:
                licence = deploy.Licence.ISSUER_ACCOUNT_MANAGER
            if licence is not None:
                self._grant(firm.id, address, licence)
            if firm.role == "issuer":
                ledger.transact(
                    "InvestorRegistry",
                    self.market.investors,
                    "verify",
                    address,
                    CLASSES["professional"],
                    deploy.FAR_FUTURE,
                    sender=self.verifier,
                )

    def _grant(self, firm_id: str, address: str, licence: deploy.Licence) -> bool:
        try:
            self.ledger.transact(
                "MarketRegistry",
                self.market.registry,
                "grantLicence",
                address,
                int(licence),
                sender=self.regulator,
            )
            return True
        except RuleViolation as exc:
            self.log.append(Refused(0, "licence", firm_id, "", "", exc.rule_id, exc.reason, 0))
            return False

    def _open_venues(self) -> dict[str, Distributor]:
        venues: dict[str, Distributor] = {}
        m = self.market
        for spec in self.s.venues:
            firm = self.s.firm(spec.operator)
            operator = self.firm_address[firm.id]
            fees = deploy.FeeSchedule(**spec.fees.model_dump())
            venue_spec = deploy.VenueSpec(
                spec.id,
                firm.equity_krw,
                firm.group,
                spec.professional_only,
                fees,
                spec.settlement_days,
            )
            try:
                address = deploy.deploy_venue(
                    self.ledger,
                    m.registry,
                    m.investors,
                    m.cash,
                    self.ksd,
                    self.regulator,
                    operator,
                    venue_spec,
                )
            except RuleViolation as exc:
                self.log.append(
                    Refused(0, "licence", firm.id, spec.id, "", exc.rule_id, exc.reason, 0)
                )
                continue
            self.payees[operator] = (spec.id, "venue")
            self.public.fees[spec.id] = spec.fees
            self.public.professional_only[spec.id] = spec.professional_only
            self.public.attractiveness[spec.id] = spec.attractiveness
            venue = Distributor(
                spec,
                operator,
                address,
                self.ledger,
                self.log,
                self.public,
                self.s.regime,
                {},
                self.trade_ids,
                self.payees,
            )
            venue.on_deferred = self.registrar.expect
            venue.order_expiry = lambda t: self.calendar.unix(t // DAY * DAY + DAY)  # day orders
            self.registrar.venues[spec.id] = venue
            venues[spec.id] = venue
        return venues

    def _onboard_investors(self, free: Any) -> list[Investor]:
        investors: list[Investor] = []
        calls: list[tuple[str, str, str, tuple[Any, ...], str]] = []
        m, ledger = self.market, self.ledger
        for group in self.s.investors:
            mix = group.strategies
            for n in range(group.count):
                rng = self.engine.child_rng()
                budget = int(
                    round(group.budget.median_krw * math.exp(rng.normal(0, group.budget.sigma)), -3)
                )
                strategy = str(
                    rng.choice(
                        ["noise", "fundamental", "momentum"],
                        p=[mix.noise, mix.fundamental, mix.momentum],
                    )
                )
                name = f"{group.investor_class}-{n + 1}"
                inv = Investor(
                    name,
                    next(free),
                    group.investor_class,
                    budget,
                    strategy,
                    group.orders_per_day,
                    rng,
                    self.s.regime,
                )
                kyc = (inv.address, CLASSES[group.investor_class], deploy.FAR_FUTURE)
                calls.append(("InvestorRegistry", m.investors, "verify", kyc, self.verifier))
                calls.append(("CashToken", m.cash, "mint", (inv.address, budget), self.bank))
                calls.append(orders.register_key_call(m.investors, inv.address))  # signs orders
                for venue in self.venues.values():
                    calls.append(
                        ("CashToken", m.cash, "approve", (venue.address, MAX), inv.address)
                    )
                self.payees[inv.address] = (name, inv.party_type)
                investors.append(inv)
                self.log.append(InvestorState(0, name, group.investor_class, budget, 0))
        ledger.transact_many(calls)  # KYC, deposits and approvals: batched, every receipt checked
        return investors

    # ---- issuance and listing ----

    def _issue_and_list(self) -> None:
        t = self.engine.now
        self.issuers: dict[str, Issuer] = {}
        for asset in self.s.assets:
            offering = self.s.offering_of(asset.id)
            tier = rules.offering_tier(
                self.s.regime,
                offering.quantity * offering.price,
                offering.disclosure,
                offering.professional_only,
            )
            if not tier.allowed:
                self.log.append(
                    Refused(
                        t, "subscription", asset.issuer, "", asset.id, tier.rule_id, tier.reason, 0
                    )
                )
                continue
            issuer_address = self.firm_address[asset.issuer]
            parties = {
                role: self.firm_address[firm]
                for role in ("underwriter", "arranger", "settlor", "account_manager")
                if (firm := getattr(asset, role))
            }
            spec = deploy.IssueSpec(
                f"{asset.id} token",
                asset.id,
                issuer_address,
                offering.quantity,
                offering.price,
                disclosure=deploy.Disclosure[offering.disclosure.upper()],
                professional_only=offering.professional_only,
                **parties,
            )
            token = deploy.issue_security(self.ledger, self.market, spec)
            issuer = Issuer(
                asset.issuer,
                issuer_address,
                spec.account_manager or issuer_address,
                asset,
                offering,
                token,
                self.market.cash,
                self.ledger,
                self.log,
                self.s.regime,
                self.engine.child_rng(),
                underwriter=(asset.underwriter, self.firm_address[asset.underwriter])
                if asset.underwriter
                else None,
            )
            issuer.run_offering(t, self.investors, year_of(self.s.market.start, t))
            self.issuers[asset.id] = issuer
            self.public.offering_price[asset.id] = issuer.price
            self.public.fundamental[asset.id] = float(asset.fundamental.initial)
            self.public.issuer_of[asset.id] = asset.issuer
            self.public.listings.setdefault(asset.id, [])
            for venue in self.venues.values():
                venue.tokens[asset.id] = token
                if venue.spec.fees.listing_fee:  # the issuer pays the venue's listing fee
                    self.ledger.transact(
                        "CashToken",
                        self.market.cash,
                        "approve",
                        venue.address,
                        venue.spec.fees.listing_fee,
                        sender=issuer_address,
                    )
                self.engine.at(
                    self._listing_time(venue), partial(self._list, venue, asset), priority=0
                )

    def _listing_time(self, venue: Distributor) -> int:
        incumbent = self.s.firm(venue.spec.operator).incumbent
        return 0 if incumbent else self.s.regime.incumbent_exclusivity_days * DAY

    def _list(self, venue: Distributor, asset: Any) -> None:
        groups = {f.id: f.group for f in self.s.firms}
        operator = self.s.firm(venue.spec.operator)
        parties = {
            "issuer": asset.issuer,
            "underwriter": asset.underwriter,
            "arranger": asset.arranger,
            "settlor": asset.settlor,
        }
        decision = rules.separation(self.s.regime, operator.group, operator.id, parties, groups)
        venue.decide_listing(self.engine.now, asset.id, self.firm_address[asset.issuer], decision)

    # ---- trading sessions ----

    def _schedule_session(self, session: Session) -> None:
        e = self.engine
        e.at(session.open, self._open_session, priority=1)
        length = session.close - session.open
        for investor in self.investors:
            t = session.open + investor.next_arrival(length)
            while t < session.close:
                e.at(int(t), partial(self._investor_acts, investor), priority=50)
                t += investor.next_arrival(length)
        step = self.s.market.quote_interval_minutes * 60
        for t in range(session.open + step, session.close, step):
            e.at(t, self._snapshot, priority=60)
        for venue in self.venues.values():
            batch = venue.spec.batch_minutes * 60
            for t in range(session.open + batch, session.close, batch):
                e.at(t, partial(self._settle, venue), priority=70)
            if venue.spec.matching == "call_auction":
                call = venue.spec.call_interval_minutes * 60
                for t in range(session.open + call, session.close, call):
                    e.at(t, partial(self._call_auction, venue), priority=65)
        # priority 0: under 24/7 a session closes at the instant the next one opens (priority 1)
        e.at(session.close, self._close_session, priority=0)

    def _open_session(self) -> None:
        self.public.session_open = True

    def _close_session(self) -> None:
        self.public.session_open = False
        for venue in self.venues.values():
            self.ledger.set_time(self.calendar.unix(self.engine.now))
            venue.close_session(self.engine.now)
            self._settle(venue)
        self.public.previous_close.update(self.public.last_price)

    def _investor_acts(self, investor: Investor) -> None:
        t = self.engine.now
        intent = investor.decide(self.public)
        if intent is None:
            return
        order_id = next(self.order_ids)
        decision = investor.precheck(self.public, intent, year_of(self.s.market.start, t))
        if not decision.allowed:
            self.log.append(
                Refused(
                    t,
                    "order",
                    investor.name,
                    intent.venue,
                    intent.asset,
                    decision.rule_id,
                    decision.reason,
                    order_id,
                )
            )
            return
        self.venues[intent.venue].receive(t, order_id, investor, intent)
        if intent.side == "buy":
            investor.commit_investment(
                self.public.issuer_of[intent.asset],
                year_of(self.s.market.start, t),
                intent.quantity * intent.limit_price,
            )

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
        due = self.calendar.add_business_days(t, venue.spec.settlement_days)
        venue.settle(t, self.calendar.unix(due) if venue.spec.settlement_days else 0)

    # ---- fundamentals and distributions ----

    def _schedule_fundamentals_and_distributions(self) -> None:
        rng = self.engine.child_rng()
        for day in range(1, self.s.market.days):
            self.engine.at(day * DAY, partial(self._step_fundamentals, rng), priority=0)
        for asset in self.s.assets:
            every = asset.distributions.every_days
            if asset.distributions.yield_pct_year <= 0:
                continue
            for day in range(every, self.s.market.days, every):
                self.engine.at(
                    day * DAY + 1, partial(self._distribute, asset.id, every), priority=5
                )

    def _step_fundamentals(self, rng: np.random.Generator) -> None:
        for asset in self.s.assets:
            f = asset.fundamental
            if asset.id not in self.public.fundamental:
                continue
            mu, sigma = f.drift_pct_year / 100 / 365, f.volatility_pct_year / 100 / math.sqrt(365)
            self.public.fundamental[asset.id] *= math.exp(mu - sigma**2 / 2 + sigma * rng.normal())

    def _distribute(self, asset_id: str, days: int) -> None:
        issuer = self.issuers.get(asset_id)
        if issuer is None:
            return
        self.ledger.set_time(self.calendar.unix(self.engine.now))
        holders = [
            (inv, inv.holdings[asset_id]) for inv in self.investors if inv.holdings[asset_id] > 0
        ]
        issuer.pay_distribution(
            self.engine.now, self.public.fundamental[asset_id], days, holders, self.bank
        )

    def _record_states(self, t: int) -> None:
        for inv in self.investors:
            value = sum(
                q * self.public.reference_price(a) for a, q in sorted(inv.holdings.items()) if q
            )
            self.log.append(InvestorState(t, inv.name, inv.investor_class, inv.cash, value))
