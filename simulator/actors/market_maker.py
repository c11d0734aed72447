"""A market maker: a professional investor, KYC'd and funded like the others, that quotes both
sides of every book it serves and refreshes its quotes at a fixed interval.

Quotes sit around a reservation price shifted against its inventory (Avellaneda and Stoikov
2008): holding more than its target it lowers both quotes to sell more and buy less. Its
half-spread covers its costs plus, when fee-aware, its maker fee, so a maker rebate or a lower
maker fee narrows the quoted spread (Colliard and Foucault 2012). It follows the flow: its
quotes are larger on venues with a larger recent share of trading. It stops buying at its
inventory limit, stops selling when it has nothing, and withdraws for good after its loss limit.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.view import PublicMarket, fee_for, on_tick
from simulator.behaviour import MarketMakers

Submit = Callable[[Investor, OrderIntent], int | None]  # routes an order; its id, if accepted
Cancel = Callable[[str, str, int], None]  # (venue, asset, order id)


class MarketMaker(Investor):
    role = "market_maker"

    def __init__(self, *args: object, params: MarketMakers, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params = params
        self.quotes: list[tuple[str, str, int]] = []  # (venue, asset, order id) resting now
        self.start_wealth: float | None = None
        self.withdrawn = False

    def subscription_request(self, offering_price: int, wants: bool) -> int:
        """Its opening inventory: half its limit (the offering's caps may cut it)."""
        return self.params.inventory_limit_krw // 2 // offering_price

    def requote(self, market: PublicMarket, submit: Submit, cancel: Cancel) -> None:
        """Cancel its resting quotes and quote again around its reservation price."""
        for venue, asset, order_id in self.quotes:
            cancel(venue, asset, order_id)
        self.quotes = []
        wealth = self.wealth(market)
        if self.start_wealth is None:
            self.start_wealth = wealth
        if wealth < self.start_wealth * (1 - self.params.loss_limit_pct / 100):
            self.withdrawn = True
        if self.withdrawn or not market.session_open:
            return
        for asset, venues in sorted(market.listings.items()):
            for venue in venues:
                if self.params.venues and venue not in self.params.venues:
                    continue
                for intent in self._quotes(market, venue, asset):
                    placed = submit(self, intent)
                    if placed is not None:
                        self.quotes.append((venue, asset, placed))

    def _presence(self, market: PublicMarket, venue: str, asset: str) -> float:
        """Following the flow: quote more where more is traded (an even split gives 1), never
        less than the minimum presence on any venue it serves."""
        if not self.params.follow_flow:
            return 1.0
        venues = market.listings[asset]
        share = market.flow.shares(venues, asset, market.now)[venue]
        return max(self.params.min_presence, min(share * len(venues), 1.5))

    def _quotes(self, market: PublicMarket, venue: str, asset: str) -> list[OrderIntent]:
        p = self.params
        reference = market.reference_price(asset)
        size = p.quote_value_krw * self._presence(market, venue, asset)
        limit_units = p.inventory_limit_krw / reference
        # -1 with nothing, +1 at the limit: how far inventory is from its target (half the limit)
        imbalance = max(-1.0, min(1.0, self.holdings[asset] / (limit_units / 2) - 1))
        reservation = reference * (1 - imbalance * p.inventory_skew_bps / 1e4)
        half = p.half_spread_bps
        if p.fee_aware:
            value = p.quote_value_krw
            half += fee_for(market.fees[venue], value, maker=True) / value * 1e4
        bid = on_tick(reservation * (1 - half / 1e4))
        ask = max(on_tick(reservation * (1 + half / 1e4)), bid + 1)
        intents: list[OrderIntent] = []
        room = int(limit_units) - self.holdings[asset]
        buy = min(int(size) // bid, room)
        if buy > 0 and self.available_cash() > buy * bid * 1.05:
            intents.append(OrderIntent(venue, asset, "buy", int(buy), bid))
        sell = min(int(size) // ask, self.available_tokens(asset))
        if sell > 0:
            intents.append(OrderIntent(venue, asset, "sell", int(sell), ask))
        return intents
