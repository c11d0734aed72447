"""An issuer: its account manager mints the issue (retained share first, KR-ISS-2), places the
primary offering with investors (fixed price or single-price auction, KR-INV-3 caps), and pays
cash distributions (rent, royalties) to holders on the register."""

from __future__ import annotations

import numpy as np

from simulator import rules
from simulator.actors.investor import Investor
from simulator.chain.ledger import Ledger, TxResult
from simulator.errors import ChainError, RuleViolation
from simulator.eventlog import EventLog
from simulator.events import (
    AssetIssued,
    DistributionPaid,
    FeeCharged,
    OfferingClosed,
    Refused,
    Subscribed,
)
from simulator.scenario import Asset, Offering, Regime


class Issuer:
    def __init__(
        self,
        name: str,
        address: str,
        account_manager: str,
        asset: Asset,
        offering: Offering,
        token: str,
        cash_token: str,
        ledger: Ledger,
        log: EventLog,
        regime: Regime,
        rng: np.random.Generator,
        underwriter: tuple[str, str] | None = None,
    ) -> None:
        self.name = name
        self.address = address
        self.account_manager = account_manager
        self.asset = asset
        self.offering = offering
        self.token = token
        self.cash_token = cash_token
        self.ledger = ledger
        self.log = log
        self.regime = regime
        self.rng = rng
        self.price = offering.price
        self.underwriter = underwriter  # (firm, address): places the offering and collects payment

    def run_offering(self, t: int, investors: list[Investor], year: int, bank: str = "") -> bool:
        """Place the offering; False when it was withdrawn (a minimum raise not met: nothing
        minted, no payment collected, so every subscription is refunded in full)."""
        o = self.offering
        retained = rules.retained_share(self.regime, o.quantity)
        offered = o.quantity - retained
        requests = self._requests(t, investors, year, offered)
        allocation = self._allocate(requests, offered)
        subscribed = sum(q for _, q in allocation)
        if (
            o.undersubscribed == "minimum_raise"
            and subscribed * 100 < offered * o.minimum_raise_pct
        ):
            self.log.append(
                OfferingClosed(t, self.asset.id, o.undersubscribed, offered, subscribed, 0, True)
            )
            return False
        if retained:
            self.ledger.transact(
                "SecurityToken",
                self.token,
                "mint",
                self.address,
                retained,
                sender=self.account_manager,
            )
        proceeds = self._allot(t, [(i, q) for i, q in allocation if q > 0], year)
        sold = proceeds // self.price
        took = (
            self._firm_commitment(offered - sold, bank)
            if o.undersubscribed == "firm_commitment"
            else 0
        )
        if self.underwriter is not None:
            self._settle_with_underwriter(t, proceeds + took * self.price)
        self.log.append(
            OfferingClosed(t, self.asset.id, o.undersubscribed, offered, sold, took, False)
        )
        self.log.append(
            AssetIssued(
                t,
                self.asset.id,
                self.asset.kind,
                self.name,
                o.quantity,
                self.price,
                retained + sold + took,
            )
        )
        return True

    def _firm_commitment(self, unsold: int, bank: str) -> int:
        """The underwriter buys what did not sell, at the offering price, from its own capital
        (deposited by its bank); it holds the units on the register."""
        if unsold <= 0 or self.underwriter is None:
            return 0
        _, address = self.underwriter
        self.ledger.transact(
            "SecurityToken", self.token, "mint", address, unsold, sender=self.account_manager
        )
        self.ledger.transact(
            "CashToken", self.cash_token, "mint", address, unsold * self.price, sender=bank
        )
        return unsold

    def _requests(
        self, t: int, investors: list[Investor], year: int, offered: int
    ) -> list[tuple[Investor, int]]:
        """Who subscribes for how much (a fixed price, or a single-price auction that sets the
        price first), each request cut to the caps (KR-INV-3, KR-INV-2)."""
        o = self.offering
        eligible = [
            i for i in investors if not o.professional_only or i.investor_class == "professional"
        ]
        wants = [self.rng.random() < o.demand_share for _ in eligible]
        if o.method == "single_price_auction":
            bids = [
                (inv, self.price * self.rng.uniform(1.0, 1.3))
                for inv, w in zip(eligible, wants, strict=True)
                if w
            ]
            self.price = self._clearing_price(bids, offered)
            requests = [
                (inv, inv.subscription_request(self.price, bid >= self.price)) for inv, bid in bids
            ]
        else:
            requests = [
                (inv, inv.subscription_request(self.price, w))
                for inv, w in zip(eligible, wants, strict=True)
            ]
        return [(inv, self._capped(t, inv, q, year)) for inv, q in requests if q > 0]

    def _settle_with_underwriter(self, t: int, proceeds: int) -> None:
        """The underwriter collected the subscriptions; it keeps its fee and pays the issuer."""
        assert self.underwriter is not None
        firm, address = self.underwriter
        fee = proceeds * self.offering.underwriting_fee_bps // 10_000
        if proceeds - fee > 0:
            self.ledger.transact(
                "CashToken",
                self.cash_token,
                "transfer",
                self.address,
                proceeds - fee,
                sender=address,
            )
        if fee > 0:
            self.log.append(
                FeeCharged(t, 0, "", self.name, "issuer", firm, "underwriter", fee, "underwriting")
            )

    def _clearing_price(self, bids: list[tuple[Investor, float]], supply: int) -> int:
        """Highest price at which the bids would take the whole supply; the start price if none."""
        for price in sorted({int(b) for _, b in bids}, reverse=True):
            demand = sum(inv.budget * 0.3 // price for inv, bid in bids if bid >= price)
            if demand >= supply:
                return price
        return self.offering.price

    def _capped(self, t: int, investor: Investor, quantity: int, year: int) -> int:
        """Cut a request to what KR-INV-3 and KR-INV-2 allow, recording the refusal if any."""
        size = self.offering.quantity * self.offering.price
        cap = (
            rules.subscription_cap_krw(self.regime, size)
            if self.regime.enabled("KR-INV-3")
            else 2**62
        )
        allowed = min(quantity, cap // self.price, investor.available_cash() // self.price)
        while (
            allowed > 0 and not investor.limit_check(self.name, year, allowed * self.price).allowed
        ):
            allowed //= 2
        if allowed < quantity:
            reason = rules.subscription(self.regime, 0, quantity * self.price, size)
            if reason.allowed:
                reason = investor.limit_check(self.name, year, quantity * self.price)
            if not reason.allowed:
                self.log.append(
                    Refused(
                        t,
                        "subscription",
                        investor.name,
                        "",
                        self.asset.id,
                        reason.rule_id,
                        reason.reason,
                        0,
                    )
                )
        return allowed

    @staticmethod
    def _allocate(
        requests: list[tuple[Investor, int]], available: int
    ) -> list[tuple[Investor, int]]:
        """Pro rata when oversubscribed (rounded down, in request order)."""
        wanted = sum(q for _, q in requests)
        if wanted <= available:
            return requests
        return [(inv, q * available // wanted) for inv, q in requests]

    def _allot(self, t: int, allocation: list[tuple[Investor, int]], year: int) -> int:
        """Mint the allotments, then collect the payment of each one minted (to the underwriter,
        if any); both in batches. Returns the KRW collected."""
        mints = [
            ("SecurityToken", self.token, "mint", (inv.address, quantity), self.account_manager)
            for inv, quantity in allocation
        ]
        minted = self.ledger.try_many(mints)
        for outcome in minted:
            if isinstance(outcome, ChainError) and not isinstance(outcome, RuleViolation):
                raise outcome
        paid = [
            (inv, q)
            for (inv, q), m in zip(allocation, minted, strict=True)
            if isinstance(m, TxResult)
        ]
        payee = self.underwriter[1] if self.underwriter else self.address
        self.ledger.transact_many(
            [
                ("CashToken", self.cash_token, "transfer", (payee, q * self.price), inv.address)
                for inv, q in paid
            ]
        )
        for (investor, quantity), outcome in zip(allocation, minted, strict=True):
            if isinstance(outcome, RuleViolation):
                self.log.append(
                    Refused(
                        t, "subscription", investor.name, "", self.asset.id, outcome.rule_id,
                        outcome.reason, 0,
                    )
                )  # fmt: skip
                continue
            investor.allotted(self.asset.id, self.name, year, quantity, self.price)
            self.log.append(
                Subscribed(
                    t, self.asset.id, investor.name, investor.investor_class, quantity, self.price
                )
            )
        return sum(quantity * self.price for _, quantity in paid)

    def pay_distribution(
        self,
        t: int,
        value_per_unit: float,
        days: int,
        holders: list[tuple[Investor, int]],
        bank: str,
    ) -> None:
        """Pay holders their share of the period's income at the asset's stated yield."""
        per_unit = int(value_per_unit * self.asset.distributions.yield_pct_year / 100 * days / 365)
        self.pay_income(t, per_unit, holders, bank)

    def pay_income(
        self, t: int, per_unit: int, holders: list[tuple[Investor, int]], bank: str
    ) -> None:
        """Pay holders `per_unit` KRW per unit held; the income arrives from the bank."""
        payouts = [(inv, units * per_unit) for inv, units in holders if units * per_unit > 0]
        total = sum(amount for _, amount in payouts)
        if total <= 0:
            return
        self.ledger.transact("CashToken", self.cash_token, "mint", self.address, total, sender=bank)
        self.ledger.transact_many(
            [
                ("CashToken", self.cash_token, "transfer", (inv.address, amount), self.address)
                for inv, amount in payouts
            ]
        )
        for investor, amount in payouts:
            investor.on_distribution(amount)
        self.log.append(DistributionPaid(t, self.asset.id, total, per_unit))
