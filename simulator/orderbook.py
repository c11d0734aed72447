"""A venue's off-chain limit order book for one asset: price-time priority, continuous double
auction at the resting order's price (KR-MKT-1), or a periodic single-price call auction."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field


@dataclass
class Order:
    order_id: int
    investor: str
    side: str  # "buy" | "sell"
    quantity: int
    price: int
    t: int
    filled: int = 0
    self_trade: bool = False  # stopped against its owner's own resting order (KR-MKT-1)

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled


@dataclass(frozen=True)
class Fill:
    buy: Order
    sell: Order
    quantity: int
    price: int
    aggressor: str  # side of the incoming order; "call" in an auction
    mid_before: float


@dataclass
class OrderBook:
    bids: list[Order] = field(default_factory=list)  # best first: price desc, then time
    asks: list[Order] = field(default_factory=list)  # best first: price asc, then time

    def best_bid(self) -> Order | None:
        return self.bids[0] if self.bids else None

    def best_ask(self) -> Order | None:
        return self.asks[0] if self.asks else None

    def mid(self) -> float:
        if not self.bids or not self.asks:
            return math.nan
        return (self.bids[0].price + self.asks[0].price) / 2

    def depth(self, side: str) -> int:
        """Quantity at the best price of one side."""
        book = self.bids if side == "buy" else self.asks
        if not book:
            return 0
        best = book[0].price  # the book is sorted: the best price's orders come first
        return sum(o.remaining for o in itertools.takewhile(lambda o: o.price == best, book))

    def add(self, order: Order) -> None:
        book = self.bids if order.side == "buy" else self.asks
        sign = -1 if order.side == "buy" else 1
        # after every order at a price as good or better (price, then time priority)
        index = bisect.bisect_right(book, sign * order.price, key=lambda o: sign * o.price)
        book.insert(index, order)

    def submit(self, order: Order) -> list[Fill]:
        """Continuous matching: cross the incoming order against the book, rest what remains.
        An order that would cross its owner's own resting order stops there and does not rest
        (`self_trade`): its remainder is cancelled, so the book never crosses."""
        fills: list[Fill] = []
        opposite = self.asks if order.side == "buy" else self.bids
        while order.remaining and opposite:
            best = opposite[0]
            crosses = (
                best.price <= order.price if order.side == "buy" else best.price >= order.price
            )
            if not crosses:
                break
            if best.investor == order.investor:  # no self-trade, and no crossed book either
                order.self_trade = True
                break
            mid = self.mid()
            quantity = min(order.remaining, best.remaining)
            buy, sell = (order, best) if order.side == "buy" else (best, order)
            fills.append(Fill(buy, sell, quantity, best.price, order.side, mid))
            order.filled += quantity
            best.filled += quantity
            if not best.remaining:
                opposite.pop(0)
        if order.remaining and not order.self_trade:
            self.add(order)
        return fills

    def call_auction(self) -> list[Fill]:
        """Single-price auction: the price that maximises executed volume (then the lowest
        imbalance, then the price nearest the previous mid), matching in price-time priority."""
        prices = sorted({o.price for o in self.bids} | {o.price for o in self.asks})
        best: tuple[int, int, int] | None = None
        for p in prices:
            demand = sum(o.remaining for o in self.bids if o.price >= p)
            supply = sum(o.remaining for o in self.asks if o.price <= p)
            volume = min(demand, supply)
            key = (volume, -abs(demand - supply), -p)
            if volume and (best is None or key > best):
                best = (volume, -abs(demand - supply), -p)
        if best is None:
            return []
        price, mid = -best[2], self.mid()
        fills: list[Fill] = []
        while (
            self.bids and self.asks and self.bids[0].price >= price and self.asks[0].price <= price
        ):
            buy, sell = self.bids[0], self.asks[0]
            if buy.investor == sell.investor:
                break
            quantity = min(buy.remaining, sell.remaining)
            fills.append(Fill(buy, sell, quantity, price, "call", mid))
            buy.filled += quantity
            sell.filled += quantity
            if not buy.remaining:
                self.bids.pop(0)
            if not sell.remaining:
                self.asks.pop(0)
        return fills

    def remove(self, order: Order) -> None:
        book = self.bids if order.side == "buy" else self.asks
        if order in book:
            book.remove(order)

    def clear(self) -> list[Order]:
        """Take every resting order out (day orders expire at the session's close)."""
        resting = self.bids + self.asks
        self.bids, self.asks = [], []
        return resting
