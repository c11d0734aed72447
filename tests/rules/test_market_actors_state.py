"""Stateful test of a whole market driven through the simulator's actors on the chain: investors
send orders, distributors match them off-chain and settle them on-chain, KSD finalizes deferred
trades, the regulator licenses, the registrar freezes and forces transfers, years pass.

Invariants after every step: each investor's own books equal the chain; cash, fees included, is
conserved; no distributor ever settles a token its own group issued; fees are never negative;
no token exceeds its registered quantity; reservations never go negative.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from simulator.actors.investor import OrderIntent
from simulator.calendar import MarketCalendar
from simulator.chain.deploy import Licence
from simulator.chain.ledger import Ledger
from simulator.errors import RuleViolation
from simulator.events import FeeCharged, Refused, TradeMatched, TradeSettled
from simulator.runner import Simulation
from simulator.scenario import load_scenario

from ..hypothesis_profiles import stateful_settings
from ..simulator.test_run import BASELINE

SMALL = {
    "market.days": 800,
    "investors.0.count": 4, "investors.1.count": 2, "investors.2.count": 2,
    "venues.1.settlement_days": 0,  # NXT settles at T+2 through KSD, KDX at T+0
}  # fmt: skip
STATS: list[tuple[int, int, int]] = []  # per example: steps, trades matched, trades settled


@pytest.fixture
def template(isolated: Ledger) -> Iterator[tuple[Simulation, Ledger]]:
    """A deployed small market after its offerings and listings, to copy for every example."""
    scenario = load_scenario(BASELINE, overrides=SMALL)
    sim = Simulation(scenario, 1, isolated, MarketCalendar(scenario.market))
    sim.build()
    sim.run(until=1)  # offerings and listings
    yield sim, isolated


class MarketActors(RuleBasedStateMachine):
    template: Simulation
    ledger: Ledger

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.ledger.snapshot()
        self.sim = copy.deepcopy(self.template, memo={id(self.ledger): self.ledger})
        self.sim.public.session_open = True
        self.steps = 0
        for venue in ("NXT", "KDX"):  # resting quotes on every book, so incoming orders can trade
            for asset in ("SEOUL1", "KPOP1"):
                self._send(7, venue, asset, "buy", 30, -10)
                seller = max(range(7), key=lambda k: self.investors[k].available_tokens(asset))
                self._send(seller, venue, asset, "sell", 10, 10)

    def teardown(self) -> None:
        log = self.sim.log
        STATS.append((self.steps, len(log.of(TradeMatched)), len(log.of(TradeSettled))))
        self.ledger.revert(self.snapshot)

    @property
    def investors(self):
        return self.sim.investors

    # ---- actions ----

    orders: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "i": st.integers(0, 7),
        "venue": st.sampled_from(["NXT", "KDX"]),
        "asset": st.sampled_from(["SEOUL1", "KPOP1"]),
        "quantity": st.integers(1, 60),
        "offset_bps": st.integers(10, 300),
    }

    @rule(**orders)
    def buy(self, i: int, venue: str, asset: str, quantity: int, offset_bps: int) -> None:
        """A buyer bids above the reference price: it trades against resting asks."""
        self._send(i, venue, asset, "buy", quantity, offset_bps)

    @rule(**orders)
    def sell(self, i: int, venue: str, asset: str, quantity: int, offset_bps: int) -> None:
        self._send(i, venue, asset, "sell", quantity, -offset_bps)

    def _send(
        self, i: int, venue: str, asset: str, side: str, quantity: int, offset_bps: int
    ) -> None:
        sim, investor = self.sim, self.investors[i]
        if venue not in sim.public.listings.get(asset, []):
            return
        price = max(1, sim.public.reference_price(asset) * (10_000 + offset_bps) // 10_000)
        intent = OrderIntent(venue, asset, side, quantity, price)
        order_id = next(sim.order_ids)
        decision = investor.precheck(sim.public, intent, 2027)
        if not decision.allowed:
            sim.log.append(
                Refused(
                    sim.engine.now,
                    "order",
                    investor.name,
                    venue,
                    asset,
                    decision.rule_id,
                    decision.reason,
                    order_id,
                )
            )
            return
        accepted = sim.venues[venue].receive(sim.engine.now, order_id, investor, intent)
        if accepted and side == "buy":
            investor.commit_investment(sim.public.issuer_of[asset], 2027, quantity * price)

    @rule(rounds=st.integers(1, 3))
    def investors_trade(self, rounds: int) -> None:
        """Every investor decides by its own strategy and budget, as in a run."""
        for _ in range(rounds):
            for investor in self.investors:
                self.sim.act(investor)

    @rule(venue=st.sampled_from(["NXT", "KDX"]))
    def settle(self, venue: str) -> None:
        self.sim.settle(venue)

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        """Sessions close, KSD finalizes what is due, a new session opens."""
        sim = self.sim
        sim.close_session()
        target = sim.engine.now + hours * 3600
        sim.ledger.set_time(sim.calendar.unix(target))
        sim.run(until=target + 1)
        sim.public.session_open = True

    @rule(days=st.integers(300, 400))
    def a_year_passes(self, days: int) -> None:
        self.time_passes(days * 24)

    @rule(
        i=st.integers(0, 7), share=st.integers(0, 100), asset=st.sampled_from(["SEOUL1", "KPOP1"])
    )
    def registrar_freezes(self, i: int, share: int, asset: str) -> None:
        sim, investor = self.sim, self.investors[i]
        token = sim.venues["NXT"].tokens[asset]
        amount = investor.holdings[asset] * share // 100
        sim.ledger.transact(
            "SecurityToken", token, "freezeAmount", investor.address, amount, sender=sim.ksd
        )

    @rule(
        src=st.integers(0, 7),
        dst=st.integers(0, 7),
        share=st.integers(1, 100),
        asset=st.sampled_from(["SEOUL1", "KPOP1"]),
    )
    def registrar_forces_a_transfer(self, src: int, dst: int, share: int, asset: str) -> None:
        sim = self.sim
        source, target = self.investors[src], self.investors[dst]
        free = source.holdings[asset] - source.reserved_tokens[asset]
        amount = free * share // 100
        if amount <= 0 or src == dst:
            return
        sim.registrar.force_transfer(
            sim.venues["NXT"].tokens[asset], asset, source, target, amount, "court-order"
        )

    @rule(
        licence=st.sampled_from(list(Licence)),
        firm=st.sampled_from(["seoul-re-trust", "mirae-sec", "kdx"]),
    )
    def regulator_licenses(self, licence: Licence, firm: str) -> None:
        sim = self.sim
        try:
            sim.ledger.transact(
                "MarketRegistry",
                sim.market.registry,
                "grantLicence",
                sim.firm_address[firm],
                int(licence),
                sender=sim.regulator,
            )
        except RuleViolation as exc:
            assert exc.rule_id in ("KR-SEP-2", "KR-LIC-1", "KR-LIC-2", "KR-LIC-3")

    # ---- invariants ----

    @invariant()
    def market_holds_together(self) -> None:
        self.steps += 1
        sim = self.sim
        m = sim.market
        tokens = sim.venues["NXT"].tokens
        accounts = [inv.address for inv in self.investors]
        holders = set(sim.firm_address.values()) | set(accounts) | {sim.ksd}
        reads = [("CashToken", m.cash, "balanceOf", (a,)) for a in accounts]
        reads += [
            ("SecurityToken", tokens[a], "balanceOf", (inv.address,))
            for inv in self.investors
            for a in sorted(tokens)
        ]
        reads += [("CashToken", m.cash, "balanceOf", (h,)) for h in sorted(holders)]
        reads += [("CashToken", m.cash, "totalSupply", ())]
        reads += [("SecurityToken", tokens[a], "totalSupply", ()) for a in sorted(tokens)]
        got = iter(sim.ledger.call_many(reads))
        for inv in self.investors:
            assert inv.cash == next(got), f"{inv.name}'s cash books differ from the chain"
        for inv in self.investors:
            for asset in sorted(tokens):
                assert inv.holdings[asset] == next(got), (
                    f"{inv.name}'s {asset} books differ from the chain"
                )
            assert inv.reserved_cash >= 0 and all(v >= 0 for v in inv.reserved_tokens.values())
        held = sum(next(got) for _ in sorted(holders))
        supply = next(got)
        assert held == supply, "cash, fees included, is conserved"
        for asset in sorted(tokens):
            offering = sim.s.offering_of(asset)
            assert next(got) <= offering.quantity, "KR-SET-2"
        groups = {f.id: f.group for f in sim.s.firms}
        for settled in sim.log.of(TradeSettled):
            operator = sim.s.firm(sim.venues[settled.venue].spec.operator)
            issuer = sim.public.issuer_of[settled.asset]
            assert operator.id != issuer and (
                operator.group == 0 or groups[issuer] != operator.group
            )
        assert all(fee.amount >= 0 for fee in sim.log.of(FeeCharged))


def test_market_actors_hold_the_invariants(template):
    MarketActors.template, MarketActors.ledger = template
    run_state_machine_as_test(MarketActors, settings=stateful_settings())
    steps, matched, settled = (sum(column) for column in zip(*STATS, strict=True))
    print(f"\n{len(STATS)} examples, {steps} steps, {matched} trades matched, {settled} settled")
    assert steps > 0
