"""Order book: price-time priority at the resting price, and the single-price call auction."""

from __future__ import annotations

import math

from simulator.orderbook import Order, OrderBook


def _order(i: int, who: str, side: str, qty: int, price: int, t: int = 0) -> Order:
    return Order(i, who, side, qty, price, t)


def test_incoming_order_trades_at_resting_prices_best_first():
    book = OrderBook()
    book.submit(_order(1, "a", "sell", 5, 102))
    book.submit(_order(2, "b", "sell", 5, 101))
    book.submit(_order(3, "c", "buy", 5, 99))
    assert book.mid() == 100
    fills = book.submit(_order(4, "d", "buy", 8, 103))
    assert [(f.sell.order_id, f.quantity, f.price) for f in fills] == [(2, 5, 101), (1, 3, 102)]
    assert fills[0].aggressor == "buy" and fills[0].mid_before == 100
    assert book.best_ask() is not None and book.best_ask().remaining == 2


def test_time_priority_at_the_same_price():
    book = OrderBook()
    book.submit(_order(1, "a", "buy", 5, 100, t=1))
    book.submit(_order(2, "b", "buy", 5, 100, t=2))
    fills = book.submit(_order(3, "c", "sell", 7, 100))
    assert [(f.buy.order_id, f.quantity) for f in fills] == [(1, 5), (2, 2)]


def test_no_self_trade_and_one_sided_mid_is_nan():
    book = OrderBook()
    book.submit(_order(1, "a", "sell", 5, 100))
    assert math.isnan(book.mid())
    incoming = _order(2, "a", "buy", 5, 100)
    assert book.submit(incoming) == []
    # it stops at its owner's own order and does not rest: the book never crosses
    assert incoming.self_trade and book.depth("buy") == 0 and book.depth("sell") == 5


def test_call_auction_clears_at_the_volume_maximising_price():
    book = OrderBook()
    for i, (side, qty, price) in enumerate(
        [("buy", 10, 105), ("buy", 10, 100), ("sell", 5, 95), ("sell", 10, 100), ("sell", 10, 110)]
    ):
        book.add(_order(i, f"p{i}", side, qty, price))
    fills = book.call_auction()
    assert {f.price for f in fills} == {100}
    assert sum(f.quantity for f in fills) == 15
    assert all(f.aggressor == "call" for f in fills)
