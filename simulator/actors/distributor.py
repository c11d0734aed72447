"""A licensed distributor: runs its venue's order books off-chain and matches; its matched trades
go to its Venue contract for settlement in batches (actors/venue_settlement.py), which charges
the venue's fees on-chain."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from simulator import rules
from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.venue_settlement import MatchedTrade, VenueSettlement
from simulator.actors.view import PublicMarket, Quote, fee_for, worst_fee
from simulator.chain import deploy, orders
from simulator.chain.ledger import Ledger
from simulator.errors import ContractRevert, RuleViolation
from simulator.eventlog import EventLog
from simulator.events import (
    FeeScheduleChanged,
    ListingDecided,
    OrderClosed,
    OrderSubmitted,
    QuoteSnapshot,
    Refused,
    TradeMatched,
)
from simulator.orderbook import Fill, Order, OrderBook
from simulator.scenario import FeeSchedule, Regime, Venue

REFERENCE_TRADE_KRW = 1_000_000  # fees quoted in bps at this trade size (flat fees included)


class Distributor(VenueSettlement):
    def __init__(
        self,
        spec: Venue,
        operator: str,
        venue_address: str,
        ledger: Ledger,
        log: EventLog,
        market: PublicMarket,
        regime: Regime,
        tokens: dict[str, str],
        trade_ids: itertools.count,
        payee_names: dict[str, tuple[str, str]],
    ) -> None:
        self.name = spec.id
        self.spec = spec
        self.fees = spec.fees  # the schedule in force; a fee policy may change it
        self.revenue = 0  # fees received by the venue (its share of every fee)
        self.operator = operator
        self.address = venue_address
        self.ledger = ledger
        self.log = log
        self.market = market
        self.regime = regime
        self.tokens = tokens  # asset -> token address
        self.trade_ids = trade_ids
        self.payee_names = payee_names  # chain address -> (name, party type)
        self.books: dict[str, OrderBook] = {}
        self.orders: dict[int, tuple[Order, Investor, int]] = {}  # id -> (order, owner, cash left)
        self.matched: list[MatchedTrade] = []
        self.pending: dict[int, MatchedTrade] = {}  # accepted for deferred settlement
        self.on_deferred: Callable[[str, int, int], None] | None = None  # (venue, id, due unix)
        self.order_expiry: Callable[[int], int] = lambda t: orders.NO_EXPIRY  # unix, of order t
        self.signer = orders.OrderSigner(ledger.chain_id, venue_address, spec.fees)
        # (t, venue, [(trade id, buyer, seller, value)]): charges beyond the venue's fees
        self.on_settled: Callable[[int, str, list[tuple[int, Investor, Investor, int]]], None]
        self.on_settled = lambda t, venue, trades: None
        # (t, [(trade id, asset, party, venue fee it paid)]): a conflicted venue's rebates
        self.on_fees_paid: Callable[[int, list[tuple[int, str, Investor, int]]], None] | None
        self.on_fees_paid = None

    # ---- listing ----

    def decide_listing(
        self, t: int, asset: str, issuer: str, issuer_decision: rules.Decision
    ) -> bool:
        """Accept or refuse a listing: rule spec first (KR-SEP-1, exclusivity), then the chain."""
        if not issuer_decision.allowed:
            self._listing(t, asset, False, issuer_decision.rule_id, issuer_decision.reason)
            return False
        token = self.tokens[asset]
        self.ledger.transact("Venue", self.address, "requestListing", token, sender=issuer)
        try:
            tx = self.ledger.transact(
                "Venue", self.address, "acceptListing", token, sender=self.operator
            )
        except RuleViolation as exc:
            self._listing(t, asset, False, exc.rule_id, exc.reason)
            return False
        except ContractRevert as exc:  # e.g. the issuer could not pay the listing fee
            self._listing(t, asset, False, "STO-LISTING", exc.error)
            return False
        self._record_fees(t, tx)
        self.books[asset] = OrderBook()
        self.publish(asset)
        self.market.listings.setdefault(asset, []).append(self.name)
        self._listing(t, asset, True, "", "")
        return True

    def _listing(self, t: int, asset: str, accepted: bool, rule_id: str, reason: str) -> None:
        self.log.append(ListingDecided(t, self.name, asset, accepted, rule_id, reason))
        if not accepted:
            self.log.append(Refused(t, "listing", self.name, self.name, asset, rule_id, reason, 0))

    # ---- orders ----

    def receive(self, t: int, order_id: int, investor: Investor, intent: OrderIntent) -> bool:
        """Take an order into the book (and match it); False if the venue refused it."""
        self.log.append(
            OrderSubmitted(
                t, order_id, investor.name, investor.investor_class, self.name, intent.asset,
                intent.side, intent.quantity, intent.limit_price,
            )
        )  # fmt: skip
        check = rules.first_refusal(
            rules.trading_hours(self.regime, self.market.session_open),
            rules.professional_venue(
                self.regime, self.spec.professional_only, investor.investor_class, intent.side
            ),
            rules.price_limit(
                self.regime,
                intent.limit_price,
                self.market.previous_close.get(intent.asset, 0),
                self.market.price_limit_pct,
            ),
        )
        if not check.allowed:
            self.log.append(
                Refused(
                    t,
                    "order",
                    investor.name,
                    self.name,
                    intent.asset,
                    check.rule_id,
                    check.reason,
                    order_id,
                )
            )
            return False
        reserved = investor.on_order_reserved(intent, self.market)
        order = Order(order_id, investor.name, intent.side, intent.quantity, intent.limit_price, t)
        self.orders[order_id] = (order, investor, reserved)
        book = self.books[intent.asset]
        fills = (
            book.submit(order) if self.spec.matching == "continuous" else self._rest(book, order)
        )
        self._on_fills(t, intent.asset, fills)
        if not order.remaining:
            self._close(t, intent.asset, order_id, "filled")
        elif order.self_trade:
            self._close(t, intent.asset, order_id, "cancelled")
        self.publish(intent.asset)
        return True

    def cancel(self, t: int, asset: str, order_id: int) -> None:
        """The order's owner takes what is left of it out of the book."""
        entry = self.orders.get(order_id)
        if entry is None:
            return
        self.books[asset].remove(entry[0])
        self._close(t, asset, order_id, "cancelled")
        self.publish(asset)

    def publish(self, asset: str) -> None:
        """The top of the book, as every participant sees it (live market data)."""
        book = self.books[asset]
        bid, ask = book.best_bid(), book.best_ask()
        self.market.quotes[self.name, asset] = Quote(
            bid.price if bid else 0, ask.price if ask else 0, book.depth("buy"), book.depth("sell")
        )

    def set_fees(self, t: int, fees: FeeSchedule) -> None:
        """The operator changes its fee schedule on-chain; it applies to trades settled from now
        on (pending T+n trades pay the schedule in force at delivery, as the contract does)."""
        self.ledger.transact(
            "Venue",
            self.address,
            "setFeeSchedule",
            deploy.fee_schedule_params(fees),
            sender=self.operator,
        )
        self.fees = fees
        self.signer.fees = orders.fee_terms(fees)  # orders from now on are signed on these terms
        self.market.fees[self.name] = fees
        self.log.append(
            FeeScheduleChanged(t, self.name, fees.maker_bps, fees.taker_bps, fees.flat_fee)
        )

    def _rest(self, book: OrderBook, order: Order) -> list[Fill]:
        book.add(order)
        return []

    def call_auction(self, t: int) -> None:
        for asset, book in sorted(self.books.items()):
            fills = book.call_auction()
            self._on_fills(t, asset, fills)
            for fill in fills:
                for o in (fill.buy, fill.sell):
                    if not o.remaining and o.order_id in self.orders:
                        self._close(t, asset, o.order_id, "filled")

    def _on_fills(self, t: int, asset: str, fills: list[Fill]) -> None:
        for fill in fills:
            _, buyer, _ = self.orders[fill.buy.order_id]
            _, seller, _ = self.orders[fill.sell.order_id]
            trade_id = next(self.trade_ids)
            value = fill.quantity * fill.price
            reserve = value + worst_fee(self.fees, value)
            order, owner, left = self.orders[fill.buy.order_id]
            taken = min(left, reserve)
            self.orders[fill.buy.order_id] = (order, owner, left - taken)
            buyer_is_maker = fill.aggressor == "sell"
            self.matched.append(
                MatchedTrade(
                    trade_id,
                    asset,
                    buyer,
                    seller,
                    fill.quantity,
                    fill.price,
                    buyer_is_maker,
                    t,
                    taken,
                    buy_order=fill.buy,
                    sell_order=fill.sell,
                )
            )
            self.log.append(
                TradeMatched(
                    t, trade_id, self.name, asset, buyer.name, seller.name, buyer.investor_class,
                    seller.investor_class, fill.quantity, fill.price, fill.aggressor,
                    fill.buy.order_id, fill.sell.order_id, fill.mid_before,
                    self._traded_through(asset, fill),
                )
            )  # fmt: skip
            self.market.record_trade(asset, fill.price, min(fill.buy.t, fill.sell.t))
            self.market.flow.traded(self.name, asset, value, t)
            traded = self.market.value_traded
            traded[self.name] = traded.get(self.name, 0.0) + value
        if fills:
            self.publish(asset)

    def _traded_through(self, asset: str, fill: Fill) -> bool:
        """Did another venue show a better price for the taker at the moment of the match?"""
        if fill.aggressor not in ("buy", "sell"):
            return False
        for (venue, quoted), q in self.market.quotes.items():
            if venue == self.name or quoted != asset:
                continue
            if fill.aggressor == "buy" and q.best_ask and q.best_ask < fill.price:
                return True
            if fill.aggressor == "sell" and q.best_bid and q.best_bid > fill.price:
                return True
        return False

    def _close(self, t: int, asset: str, order_id: int, status: str) -> None:
        order, owner, cash_left = self.orders.pop(order_id)
        owner.on_release(order.side, asset, cash_left, order.remaining, order.order_id)
        self.market.flow.ordered(self.name, asset, order.quantity, order.filled, t)
        self.log.append(
            OrderClosed(t, order_id, self.name, asset, order.filled, order.remaining, status)
        )

    def close_session(self, t: int) -> None:
        """Day orders expire at the close (a call auction runs its last call first); what
        matched is settled by the schedule, with every venue's in one round."""
        for asset, book in sorted(self.books.items()):
            if self.spec.matching == "call_auction":
                self._on_fills(t, asset, book.call_auction())
            for order in book.clear():
                self._close(t, asset, order.order_id, "expired")
            self.publish(asset)

    def snapshot(self, t: int) -> None:
        for asset, book in sorted(self.books.items()):
            bid, ask = book.best_bid(), book.best_ask()
            self.log.append(
                QuoteSnapshot(
                    t,
                    self.name,
                    asset,
                    bid.price if bid else 0,
                    ask.price if ask else 0,
                    book.depth("buy"),
                    book.depth("sell"),
                    fee_for(self.fees, REFERENCE_TRADE_KRW, maker=True) / REFERENCE_TRADE_KRW * 1e4,
                    fee_for(self.fees, REFERENCE_TRADE_KRW, maker=False)
                    / REFERENCE_TRADE_KRW
                    * 1e4,
                )
            )
