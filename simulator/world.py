"""Building the market a run plays in: deploy the contracts, license the firms, open the venues,
onboard investors and liquidity providers (KYC, deposits, approvals). Issuing and listing the
assets is `Issuance`'s (simulator/issuance.py).

`World` is the set-up half of a `Simulation` (simulator/runner.py): it owns the chain side of
every actor's creation, so the runner keeps only the routing of orders."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

from simulator.actors.affiliate import (
    FeeRebates,
    SupportDesk,
    affiliated_venues,
)
from simulator.actors.arbitrageur import Arbitrageur
from simulator.actors.distributor import Distributor
from simulator.actors.investor import Investor
from simulator.actors.issuer import Issuer
from simulator.actors.market_maker import MarketMaker
from simulator.actors.post_trade import PostTrade
from simulator.actors.registrar import Registrar
from simulator.actors.venue_operator import VenueOperator
from simulator.actors.view import FlowStats, PublicMarket
from simulator.calendar import DAY, MarketCalendar
from simulator.chain import deploy, orders
from simulator.chain.ledger import Ledger
from simulator.engine import Engine
from simulator.errors import RuleViolation
from simulator.eventlog import EventLog
from simulator.events import InvestorState, Refused, VenueOpened
from simulator.parties import PartyType
from simulator.scenario import InvestorGroup, Scenario, Venue

MAX = deploy.UNLIMITED
CLASSES = {str(k): int(v) for k, v in deploy.CHAIN_INVESTOR_CLASS.items()}


class World:
    s: Scenario
    ledger: Ledger
    calendar: MarketCalendar
    engine: Engine
    log: EventLog
    public: PublicMarket
    trade_ids: itertools.count[int]
    desks: list[SupportDesk]

    def _init_world(self) -> None:
        memory = self.s.behaviour.venue_choice.memory_days * DAY
        self.public = PublicMarket(
            price_limit_pct=self.s.market.price_limit_pct, flow=FlowStats(memory)
        )
        self.payees: dict[str, tuple[str, str]] = {}
        self.venues: dict[str, Distributor] = {}
        self.operators = {spec.id: VenueOperator(spec, self.log) for spec in self.s.venues}
        self.issuers: dict[str, Issuer] = {}
        self.rebates: dict[str, FeeRebates] = {}  # conflicted venues' rebate programs

    # ---- deployment and licences ----

    def _deploy(self) -> None:
        s, ledger = self.s, self.ledger
        self.market = deploy.deploy_market(
            ledger,
            s.regime,
            venues=(),
            calendar=deploy.SettlementCalendarSpec.from_market(s.market),  # KSD's, on-chain
        )
        roles = self.market.roles
        self.regulator, self.ksd = roles["regulator (FSC)"], roles["registrar (KSD)"]
        self.bank, self.verifier = roles["settlement bank"], roles["KYC verifier"]
        free = iter(self.market.free_accounts)
        self.firm_address = {f.id: next(free) for f in s.firms}
        tax_authority = next(free)
        self.payees[self.ksd] = ("KSD", PartyType.REGISTRAR)
        self.payees[self.bank] = ("settlement-bank", "bank")
        self.payees[tax_authority] = ("NTS", "tax")
        fee_payees = {
            "ksd_settlement": self.ksd, "bank_settlement": self.bank,
            "transaction_tax": tax_authority, "registration": self.ksd,
        }  # fmt: skip
        self.post_trade = PostTrade(
            s.fee_stack, ledger, self.market.cash, self.log, self.payees, fee_payees
        )
        self._license_firms()
        self.registrar = Registrar(self.ksd, ledger, self.engine, self.calendar)
        for spec in s.venues:
            if spec.entry is None:
                self._open_venue(spec)
        self.investors = self._onboard(free)

    def _license_firms(self) -> None:
        ledger, registry = self.ledger, self.market.registry
        committed = self._committed_underwriters()
        for firm in self.s.firms:
            if firm.role == "venue_operator":
                continue
            address = self.firm_address[firm.id]
            ledger.transact(
                "MarketRegistry", registry, "registerFirm", address, firm.equity_krw, firm.group,
                sender=self.regulator,
            )  # fmt: skip
            kind = "issuer" if firm.role == "issuer" else "securities_firm"
            self.payees[address] = (firm.id, kind)
            licence = None
            if firm.role == "securities_firm":
                licence = deploy.Licence.SECURITIES_ACCOUNT_MANAGER
            elif firm.issuer_account_manager:
                licence = deploy.Licence.ISSUER_ACCOUNT_MANAGER
            if licence is not None:
                self._grant(firm.id, address, licence)
            if firm.role == "issuer" or firm.id in committed:
                ledger.transact(
                    "InvestorRegistry", self.market.investors, "verify", address,
                    CLASSES["professional"], deploy.FAR_FUTURE, sender=self.verifier,
                )  # fmt: skip

    def _committed_underwriters(self) -> set[str]:
        """Underwriters that may have to hold unsold units (firm commitment): KYC'd as
        professionals, as issuers are, so that the register accepts them (KR-INV-1)."""
        firm_commitment = {
            o.asset for o in self.s.offerings if o.undersubscribed == "firm_commitment"
        }
        return {a.underwriter for a in self.s.assets if a.underwriter and a.id in firm_commitment}

    def _grant(self, firm_id: str, address: str, licence: deploy.Licence) -> bool:
        try:
            self.ledger.transact(
                "MarketRegistry", self.market.registry, "grantLicence", address, int(licence),
                sender=self.regulator,
            )  # fmt: skip
            return True
        except RuleViolation as exc:
            self.log.append(Refused(0, "licence", firm_id, "", "", exc.rule_id, exc.reason, 0))
            return False

    def _open_venue(self, spec: Venue, expected: int = 0) -> Distributor | None:
        """License the operator and deploy its venue (KR-LIC-1); None if refused."""
        t, m = self.engine.now, self.market
        firm = self.s.firm(spec.operator)
        operator = self.firm_address[firm.id]
        fees = spec.fees
        venue_spec = deploy.VenueSpec(
            spec.id, firm.equity_krw, firm.group, spec.professional_only, fees,
            spec.settlement_days,
        )  # fmt: skip
        try:
            address = deploy.deploy_venue(
                self.ledger, m.registry, m.investors, m.cash, self.ksd, self.regulator, operator,
                venue_spec,
            )  # fmt: skip
        except RuleViolation as exc:
            self.log.append(Refused(t, "licence", firm.id, spec.id, "", exc.rule_id, exc.reason, 0))
            return None
        self.payees[operator] = (spec.id, PartyType.VENUE)
        self.public.fees[spec.id] = spec.fees
        self.public.professional_only[spec.id] = spec.professional_only
        self.public.attractiveness[spec.id] = spec.attractiveness
        venue = Distributor(
            spec, operator, address, self.ledger, self.log, self.public, self.s.regime, {},
            self.trade_ids, self.payees,
        )  # fmt: skip
        venue.on_deferred = self.registrar.expect
        venue.order_expiry = lambda t: self.calendar.unix(t // DAY * DAY + DAY)  # day orders
        venue.on_settled = self.post_trade.settled
        self.registrar.venues[spec.id] = venue
        self.venues[spec.id] = venue
        self.operators[spec.id].venue = venue
        cost = spec.entry.fixed_cost_krw if spec.entry else 0
        self.log.append(
            VenueOpened(t, spec.id, True, spec.fees.maker_bps, spec.fees.taker_bps, expected, cost)
        )
        return venue

    # ---- investors and liquidity providers ----

    def _onboard(self, free: Iterator[str]) -> list[Investor]:
        """KYC, deposits and approvals for every investor, in one batch of transactions."""
        s, b = self.s, self.s.behaviour
        people: list[Investor] = []
        numbered: dict[str, int] = {}  # names stay unique when two groups share a class
        for group in s.investors:
            for _ in range(group.count):
                numbered[group.investor_class] = numbered.get(group.investor_class, 0) + 1
                name = f"{group.investor_class}-{numbered[group.investor_class]}"
                people.append(self._new_investor(name, group, next(free)))
        for n in range(b.market_makers.count):
            people.append(MarketMaker(
                f"mm-{n + 1}", next(free), "professional", b.market_makers.budget_krw, "noise", 0,
                self.engine.child_rng(), s.regime, b, params=b.market_makers,
            ))  # fmt: skip
        self.desks = self._support_desks(free)
        people += self.desks
        for n in range(b.arbitrageurs.count):
            people.append(Arbitrageur(
                f"arb-{n + 1}", next(free), "professional", b.arbitrageurs.budget_krw, "noise", 0,
                self.engine.child_rng(), s.regime, b, params=b.arbitrageurs,
            ))  # fmt: skip
        m = self.market
        calls: list[tuple[str, str, str, tuple[Any, ...], str]] = []
        for inv in people:
            kyc = (inv.address, CLASSES[inv.investor_class], deploy.FAR_FUTURE)
            calls.append(("InvestorRegistry", m.investors, "verify", kyc, self.verifier))
            calls.append(("CashToken", m.cash, "mint", (inv.address, inv.budget), self.bank))
            calls.append(orders.register_key_call(m.investors, inv.address))  # signs its orders
            calls += self._approvals(inv, self.venues.values())
            self.payees[inv.address] = (inv.name, inv.party_type)
            self.log.append(InvestorState(0, inv.name, inv.investor_class, inv.budget, 0))
        self.ledger.transact_many(calls)  # every receipt checked
        return people

    def _support_desks(self, free: Iterator[str]) -> list[SupportDesk]:
        """One support desk per issuer group that runs a venue able to list its tokens."""
        params = self.s.behaviour.conflicts
        if not params.support_budget_krw:
            return []
        supported: dict[str, dict[str, str]] = {}
        for asset in self.s.assets:
            for venue in affiliated_venues(self.s, asset)[:1]:
                supported.setdefault(asset.issuer, {})[asset.id] = venue.id
        return [
            SupportDesk(
                f"support-{issuer}", next(free), "professional", params.support_budget_krw,
                "noise", 0, self.engine.child_rng(), self.s.regime, self.s.behaviour,
                params=params, tokens=tokens,
            )
            for issuer, tokens in sorted(supported.items())
        ]  # fmt: skip

    def _new_investor(self, name: str, group: InvestorGroup, address: str) -> Investor:
        """A budget drawn around the group's median and a strategy drawn from its mix."""
        rng = self.engine.child_rng()
        budget = round(group.budget.median_krw * math.exp(rng.normal(0, group.budget.sigma)), -3)
        names, shares = zip(*sorted(group.strategies.items()), strict=True)
        investor = Investor(
            name, address, group.investor_class, int(budget), str(rng.choice(names, p=shares)),
            group.orders_per_day, rng, self.s.regime, self.s.behaviour, group.access,
        )  # fmt: skip
        investor.fee_stack = self.s.fee_stack
        if group.broker is not None:
            investor.broker = (self.firm_address[group.broker.firm], group.broker)
        return investor

    def _approvals(
        self, inv: Investor, venues: Any
    ) -> list[tuple[str, str, str, tuple[Any, ...], str]]:
        cash = self.market.cash
        return [("CashToken", cash, "approve", (v.address, MAX), inv.address) for v in venues]
