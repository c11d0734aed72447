"""An investor: decides orders from its strategy, budget and the public market, keeps its own
books (cash, holdings, reservations, invested amounts for KR-INV-2), and checks the rules
before it acts. No credit, no short selling (KR-MKT-2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from simulator import rules, strategies, venue_choice
from simulator.actors.view import PublicMarket, on_tick, worst_fee
from simulator.behaviour import Behaviour
from simulator.fee_stack import Commission, FeeStack
from simulator.scenario import Regime
from simulator.strategies import Strategy, View


@dataclass(frozen=True)
class OrderIntent:
    venue: str
    asset: str
    side: str
    quantity: int
    limit_price: int


class Investor:
    def __init__(
        self,
        name: str,
        address: str,
        investor_class: str,
        budget: int,
        strategy: str,
        orders_per_day: float,
        rng: np.random.Generator,
        regime: Regime,
        behaviour: Behaviour | None = None,
        access: list[str] | None = None,
    ) -> None:
        self.name = name
        self.address = address
        self.investor_class = investor_class
        self.party_type = f"investor:{investor_class}"
        self.budget = budget
        self.strategy_name = strategy
        self.strategy: Strategy = strategies.create(strategy)
        self.behaviour = behaviour or Behaviour()
        self.access = access or []
        self.last_venue: str | None = None
        self.fee_stack = FeeStack()  # charges beyond the venue's fees (set by the world)
        self.broker: tuple[str, Commission] | None = None  # (broker address, its commission)
        self.orders_per_day = orders_per_day
        self.rng = rng
        self.regime = regime
        self.cash = budget
        self.holdings: dict[str, int] = defaultdict(int)
        self.reserved_cash = 0
        self.reserved_tokens: dict[str, int] = defaultdict(int)
        self.invested: dict[tuple[str, int], int] = defaultdict(int)  # (issuer | "*", year)
        self.subscribed_krw: dict[str, int] = defaultdict(int)
        self._committed: dict[int, tuple[str, int, int]] = {}  # buy order -> (issuer, year, price)
        self.disclosed: set[str] = set()  # assets whose KR-DIS-1 disclosure it has filed
        self.above_threshold_since: dict[str, int] = {}  # asset -> when it crossed KR-DIS-1's

    # ---- own books ----

    def available_cash(self) -> int:
        return self.cash - self.reserved_cash

    def available_tokens(self, asset: str) -> int:
        return self.holdings[asset] - self.reserved_tokens[asset]

    def holdings_value(self, market: PublicMarket) -> int:
        """Its tokens marked at the last traded price (the offering price if none)."""
        return sum(q * market.reference_price(a) for a, q in sorted(self.holdings.items()) if q)

    def wealth(self, market: PublicMarket) -> int:
        return self.cash + self.holdings_value(market)

    def post_trade_cost(self, side: str, value: int) -> int:
        """Commission, settlement fees and tax it will owe on a trade of this value."""
        cost = sum(self.fee_stack.post_trade(side, value).values())
        if self.broker is not None:
            cost += self.broker[1].fee(side, value)
        return cost

    def limit_check(self, issuer: str, year: int, value: int) -> rules.Decision:
        """KR-INV-2 against what it has invested (and committed) this year."""
        return rules.investment_limit(
            self.regime,
            self.investor_class,
            self.invested["*", year],
            self.invested[issuer, year],
            value,
        )

    def commit_investment(
        self, issuer: str, year: int, value: int, order: tuple[int, int] | None = None
    ) -> None:
        """Count a purchase against KR-INV-2. For a buy order (`order` = (id, limit price)) the
        count is held until the order closes; what never traded is given back then."""
        self.invested["*", year] += value
        self.invested[issuer, year] += value
        if order is not None:
            order_id, price = order
            self._committed[order_id] = (issuer, year, price)

    def _uncommit(self, order_id: int, quantity: int) -> None:
        issuer, year, price = self._committed.pop(order_id, ("", 0, 0))
        if issuer and quantity > 0:
            self.invested["*", year] -= quantity * price
            self.invested[issuer, year] -= quantity * price

    # ---- primary offering ----

    def subscription_request(self, offering_price: int, wants: bool) -> int:
        """Units it asks for in a fixed-price offering: a share of its budget."""
        if not wants:
            return 0
        value = int(self.budget * self.rng.uniform(0.1, 0.5))
        return max(value // offering_price, 0)

    def allotted(self, asset: str, issuer: str, year: int, quantity: int, price: int) -> None:
        self.cash -= quantity * price
        self.holdings[asset] += quantity
        self.subscribed_krw[asset] += quantity * price
        self.commit_investment(issuer, year, quantity * price)

    # ---- trading decisions ----

    def next_arrival(self, session_seconds: int) -> float:
        """Seconds of open market until its next order (Poisson arrivals)."""
        if self.orders_per_day <= 0:
            return float("inf")
        return float(self.rng.exponential(session_seconds / self.orders_per_day))

    def decide(self, market: PublicMarket) -> OrderIntent | None:
        """One arrival: an asset, the strategy's view of it, then venue and order type by the
        venue-choice model; None when no venue is reachable or costs keep it from trading."""
        assets = sorted(a for a, venues in market.listings.items() if venues)
        if not assets:
            return None
        asset = assets[int(self.rng.integers(len(assets)))]
        venues = self._reachable(market, market.listings[asset])
        if not venues:
            return None
        view = self.strategy.view(market, asset, self.rng)
        if view.side == "sell" and self.available_tokens(asset) <= 0:
            view = View("buy", view.price, view.urgency)
        value = (
            self.budget * self.rng.uniform(0.02, 0.15)
            if view.side == "buy"
            else self.available_tokens(asset) * self.rng.uniform(0.1, 0.6) * view.price
        )
        params = self.behaviour.venue_choice
        found = venue_choice.options(market, params, venues, asset, view, value)
        cheapest = min(o.cost_bps for o in found)
        if not venue_choice.trades_now(cheapest, self.behaviour.intensity, self.rng):
            return None
        routed = self.investor_class in params.smart_routing
        option = venue_choice.choose(
            market, params, found, asset, self.last_venue, self.rng, smart_routing=routed
        )
        self.last_venue = option.venue
        price = self._within_limits(market, asset, option.price)
        if view.side == "buy":
            quantity = max(int(value) // price, 1)
        else:
            quantity = min(max(int(value) // price, 1), self.available_tokens(asset))
        return OrderIntent(option.venue, asset, view.side, int(quantity), int(price))

    def _reachable(self, market: PublicMarket, venues: list[str]) -> list[str]:
        """Venues its broker or class can reach (the scenario's access list; professional-only
        venues only for professionals)."""
        return [
            v
            for v in venues
            if (not self.access or v in self.access)
            and (not market.professional_only[v] or self.investor_class == "professional")
        ]

    def precheck(self, market: PublicMarket, intent: OrderIntent, year: int) -> rules.Decision:
        """The rules an investor checks itself before it sends an order."""
        value = intent.quantity * intent.limit_price
        cost = value + worst_fee(market.fees[intent.venue], value)
        cost += self.post_trade_cost(intent.side, value) if intent.side == "buy" else 0
        return rules.first_refusal(
            rules.trading_hours(self.regime, market.session_open),
            rules.professional_venue(
                self.regime,
                market.professional_only[intent.venue],
                self.investor_class,
                intent.side,
            ),
            rules.no_credit(
                self.regime,
                intent.side,
                self.available_cash(),
                cost,
                self.available_tokens(intent.asset),
                intent.quantity,
            ),
            self.limit_check(market.issuer_of[intent.asset], year, value)
            if intent.side == "buy"
            else rules.disclosure(
                self.regime,
                self.holdings[intent.asset],
                market.registered.get(intent.asset, 0),
                intent.asset in self.disclosed,
            ),
        )

    def _within_limits(self, market: PublicMarket, asset: str, price: int) -> int:
        """Investors keep their limits inside the daily price band (KR-MKT-4)."""
        close = market.previous_close.get(asset, 0)
        if close and self.regime.enabled("KR-MKT-4"):
            band = close * market.price_limit_pct / 100 * 0.999
            price = int(min(max(price, close - band), close + band))
        return on_tick(price)

    # ---- messages from venues, the registrar and issuers ----

    def on_order_reserved(self, intent: OrderIntent, market: PublicMarket) -> int:
        """Reserve cash or tokens for an accepted order; returns the cash reserved."""
        if intent.side == "buy":
            value = intent.quantity * intent.limit_price
            reserved = value + worst_fee(market.fees[intent.venue], value)
            reserved += self.post_trade_cost("buy", value)
            self.reserved_cash += reserved
            return reserved
        self.reserved_tokens[intent.asset] += intent.quantity
        return 0

    def on_release(
        self, side: str, asset: str, cash: int, tokens: int, order_id: int | None = None
    ) -> None:
        """Give back reservations of an order part that will not trade; for a closed buy order,
        its unfilled quantity (`tokens`) no longer counts against KR-INV-2."""
        if side == "buy":
            self.reserved_cash -= cash
            if order_id is not None:
                self._uncommit(order_id, tokens)
        else:
            self.reserved_tokens[asset] -= tokens

    def on_settled(
        self, side: str, asset: str, quantity: int, value: int, fee: int, reserved_cash: int
    ) -> None:
        if side == "buy":
            self.reserved_cash -= reserved_cash
            self.cash -= value + fee
            self.holdings[asset] += quantity
        else:
            self.reserved_tokens[asset] -= quantity
            self.holdings[asset] -= quantity
            self.cash += value - fee

    def on_distribution(self, amount: int) -> None:
        self.cash += amount

    def on_forced_transfer(self, asset: str, delta: int) -> None:
        """The registrar moved tokens in or out of this account (KR-LED-2)."""
        self.holdings[asset] += delta


def year_of(start: dt.date, t: int) -> int:
    return (start + dt.timedelta(seconds=t)).year
