"""Issuing and listing the assets (the second half of building the world): each offering's tier
(KR-ISS-1), its placement by the issuer, KSD's registration fee, the issuer's requests to every
venue to list, which the venue decides under separation (KR-SEP-1) and its own listing policy,
an incumbents' exclusivity, or a conflicted venue's delay of rivals; the periodic fees on
issues and holdings; and the issuers' distributions of income to holders."""

from __future__ import annotations

from functools import partial

from simulator import rules
from simulator.actors.affiliate import DELAY, FeeRebates, affiliated_venues, is_rival
from simulator.actors.distributor import Distributor
from simulator.actors.investor import year_of
from simulator.actors.issuer import Issuer
from simulator.actors.post_trade import Charge
from simulator.calendar import DAY
from simulator.chain import deploy
from simulator.engine import Priority
from simulator.events import Affiliated, Refused, ValueUpdated
from simulator.values import AssetValues
from simulator.world import World

EXCLUSIVITY = "REG-EXCL"  # a regime reason, not a rule of kr-sto-rules.md: the listing waits
VENUE_POLICY = "VENUE-POLICY"  # the venue's own commercial choice, not a rule


def _listing_policy(venue: Distributor, issue_krw: int) -> rules.Decision:
    if issue_krw < venue.spec.listing_policy.min_offering_krw:
        return rules.refuse(VENUE_POLICY, "below-minimum-issue-size")
    return rules.ALLOW


class Issuance(World):
    values: AssetValues

    def _issue_and_list(self) -> None:
        t = self.engine.now
        for asset in self.s.assets:
            offering = self.s.offering_of(asset.id)
            tier = rules.offering_tier(
                self.s.regime, offering.quantity * offering.price, offering.disclosure,
                offering.professional_only,
            )  # fmt: skip
            if not tier.allowed:
                self.log.append(Refused(
                    t, "subscription", asset.issuer, "", asset.id, tier.rule_id, tier.reason, 0
                ))  # fmt: skip
                continue
            issuer_address = self.firm_address[asset.issuer]
            parties = {
                role: self.firm_address[firm]
                for role in ("underwriter", "arranger", "settlor", "account_manager")
                if (firm := getattr(asset, role))
            }
            spec = deploy.IssueSpec(
                f"{asset.id} token", asset.id, issuer_address, offering.quantity, offering.price,
                disclosure=deploy.Disclosure[offering.disclosure.upper()],
                professional_only=offering.professional_only, **parties,
            )  # fmt: skip
            token = deploy.issue_security(self.ledger, self.market, spec)
            underwriter = asset.underwriter
            issuer = Issuer(
                asset.issuer, issuer_address, spec.account_manager or issuer_address, asset,
                offering, token, self.market.cash, self.ledger, self.log, self.s.regime,
                self.engine.child_rng(),
                underwriter=(underwriter, self.firm_address[underwriter]) if underwriter else None,
            )  # fmt: skip
            for venue_spec in affiliated_venues(self.s, asset):
                self.log.append(Affiliated(t, asset.id, venue_spec.id))
                premium = self.s.behaviour.conflicts.offering_premium_pct
                issuer.price = round(offering.price * (1 + premium / 100))  # above value
                self._rebate_group_fees(venue_spec.id, asset.id)
            if not issuer.run_offering(
                t, self.investors, year_of(self.s.market.start, t), self.bank
            ):
                continue  # withdrawn: a minimum raise not met, every subscription refunded
            self.issuers[asset.id] = issuer
            self._charge_issuer(
                issuer, "registration", self.ksd, self.s.fee_stack.registration_fee_krw
            )
            self.public.offering_price[asset.id] = issuer.price
            self.public.registered[asset.id] = offering.quantity
            self.public.fundamental[asset.id] = float(asset.fundamental.initial)
            self.log.append(ValueUpdated(t, asset.id, float(asset.fundamental.initial)))
            self.public.issuer_of[asset.id] = asset.issuer
            self.public.listings.setdefault(asset.id, [])
            for venue in self.venues.values():
                self._request_listing(venue, asset.id)

    def _rebate_group_fees(self, venue_id: str, asset_id: str) -> None:
        """A conflicted venue pays back part of its fee on its group's tokens."""
        share = self.s.behaviour.conflicts.fee_waiver_pct / 100
        venue = self.venues.get(venue_id)
        if not share or venue is None:
            return
        if venue.on_fees_paid is None:
            rebates = FeeRebates(
                venue_id, venue.operator, self.market.cash, set(), share, self.ledger, self.log
            )
            venue.on_fees_paid = rebates.pay
            self.rebates[venue_id] = rebates
        self.rebates[venue_id].assets.add(asset_id)
        self.public.rebate[venue_id, asset_id] = share

    def _charge_issuer(self, issuer: Issuer, kind: str, payee: str, amount: int) -> None:
        """An issuance-segment fee: the issuer pays KSD or its account manager."""
        if amount > 0 and payee != issuer.address:
            payer = (issuer.address, issuer.name)
            self.post_trade.pay(self.engine.now, [Charge(0, "", payer, payee, amount, kind)])

    def _charge_month(self) -> None:
        """Every 30 days: custody fees on holdings (holders pay the asset's account manager)
        and the account manager's fee on the issue (the issuer pays)."""
        stack, t = self.s.fee_stack, self.engine.now
        for asset_id, issuer in sorted(self.issuers.items()):
            price = self.public.reference_price(asset_id)
            month = stack.account_management_bps_year / 10_000 * 30 / 365
            size = issuer.offering.quantity * issuer.price
            self._charge_issuer(
                issuer, "account_management", issuer.account_manager, int(size * month)
            )
            rate = stack.custody_bps_year / 10_000 * 30 / 365
            charges = []
            for inv in self.investors:
                fee = min(int(inv.holdings[asset_id] * price * rate), max(inv.available_cash(), 0))
                if fee > 0 and issuer.account_manager != inv.address:
                    inv.cash -= fee
                    payer = (inv.address, inv.name)
                    charges.append(Charge(0, "", payer, issuer.account_manager, fee, "custody"))
            self.post_trade.pay(t, charges)

    def _request_listing(self, venue: Distributor, asset_id: str) -> None:
        """The issuer asks the venue to list; during an incumbents' exclusivity a non-incumbent
        venue is turned away (logged) and the issuer asks again when the protection ends."""
        issuer = self.issuers[asset_id]
        venue.tokens[asset_id] = issuer.token
        if venue.spec.fees.listing_fee:  # the issuer pays the venue's listing fee
            self.ledger.transact(
                "CashToken", self.market.cash, "approve", venue.address,
                venue.spec.fees.listing_fee, sender=issuer.address,
            )  # fmt: skip
        ends = self.s.regime.incumbent_exclusivity_days * DAY
        delay = self.s.behaviour.conflicts.rival_listing_delay_days
        asset = self.s.asset(asset_id)
        if delay and is_rival(self.s, venue.spec, asset):
            reason = f"a rival issuer's token, listed after {delay} days"
            self.log.append(
                Refused(
                    self.engine.now, "listing", venue.name, venue.name, asset_id, DELAY, reason, 0
                )
            )
            self.engine.at(
                self.engine.now + delay * DAY,
                partial(self._list, venue, asset_id),
                priority=Priority.DAY,
            )
        elif not self.s.firm(venue.spec.operator).incumbent and self.engine.now < ends:
            reason = f"incumbent exclusivity until day {ends // DAY}"
            self.log.append(
                Refused(
                    self.engine.now,
                    "listing",
                    venue.name,
                    venue.name,
                    asset_id,
                    EXCLUSIVITY,
                    reason,
                    0,
                )
            )
            self.engine.at(ends, partial(self._list, venue, asset_id), priority=Priority.DAY)
        else:
            self.engine.at(
                self.engine.now, partial(self._list, venue, asset_id), priority=Priority.DAY
            )

    def _list(self, venue: Distributor, asset_id: str) -> None:
        asset = self.s.asset(asset_id)
        groups = {f.id: f.group for f in self.s.firms}
        operator = self.s.firm(venue.spec.operator)
        parties = {
            "issuer": asset.issuer, "underwriter": asset.underwriter,
            "arranger": asset.arranger, "settlor": asset.settlor,
        }  # fmt: skip
        offering = self.s.offering_of(asset_id)
        decision = rules.first_refusal(
            rules.separation(self.s.regime, operator.group, operator.id, parties, groups),
            _listing_policy(venue, offering.quantity * offering.price),
        )
        venue.decide_listing(self.engine.now, asset.id, self.firm_address[asset.issuer], decision)

    # ---- income to holders ----

    def _schedule_distributions(self) -> None:
        for asset in self.s.assets:
            every = asset.distributions.every_days
            if asset.distributions.yield_pct_year <= 0 and asset.id not in self.values.models:
                continue
            for day in range(every, self.s.market.days, every):
                self.engine.at(
                    day * DAY + 1,
                    partial(self._distribute, asset.id, every),
                    priority=Priority.INCOME,
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
