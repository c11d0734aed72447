"""A venue's settlement: matched trades go to its Venue contract in batches with both holders'
signed orders; T+0 settles at once, T+n is accepted and finalized by KSD on the due date the
chain computes from its calendar (KR-SET-1); the outcome (settled or failed, and the fees the
contract charged) is logged and told to both investors.

`VenueSettlement` is the settlement half of a `Distributor` (actors/distributor.py);
`settle_together` sends every venue's batches of one instant to the chain in one round trip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.actors.investor import Investor
from simulator.chain import orders
from simulator.chain.deferred import PendingTrade, pending_trade
from simulator.chain.ledger import Call, Ledger, TxResult
from simulator.eventlog import EventLog
from simulator.events import FeeCharged, TradeFailed, TradeSettled
from simulator.orderbook import Order

BATCH_LIMIT = 40  # trades per settlement transaction: stays well inside the block gas limit
BATCH_GAS = 29_000_000  # gas each settlement transaction may use (a block holds 30 M)


@dataclass
class MatchedTrade:
    trade_id: int
    asset: str
    buyer: Investor
    seller: Investor
    quantity: int
    price: int
    buyer_is_maker: bool
    matched_at: int
    buyer_reserved: int
    buy_order: Order | None = None  # the holders' orders, which they signed (holder consent)
    sell_order: Order | None = None
    accepted: PendingTrade | None = None  # as the venue accepted it for T+n (TradeAccepted)


class VenueSettlement:
    name: str
    operator: str
    address: str
    ledger: Ledger
    log: EventLog
    tokens: dict[str, str]
    payee_names: dict[str, tuple[str, str]]
    revenue: int
    matched: list[MatchedTrade]
    pending: dict[int, MatchedTrade]
    signer: orders.OrderSigner
    order_expiry: Callable[[int], int]
    on_deferred: Callable[[str, int, int], None] | None
    on_settled: Callable[[int, str, list[tuple[int, Investor, Investor, int]]], None]
    on_fees_paid: Callable[[int, list[tuple[int, str, Investor, int]]], None] | None

    def take_batches(self) -> list[tuple[list[MatchedTrade], Call]]:
        """The matched trades, taken from the queue, as settleBatch calls of at most
        BATCH_LIMIT trades with both holders' signed orders."""
        trades, self.matched = self.matched, []
        batches = [trades[i : i + BATCH_LIMIT] for i in range(0, len(trades), BATCH_LIMIT)]
        return [
            (
                batch,
                Call(
                    "Venue",
                    self.address,
                    "settleBatch",
                    ([self._encode(m) for m in batch],),
                    self.operator,
                ),
            )
            for batch in batches
        ]

    def batch_done(self, t: int, batch: list[MatchedTrade], tx: TxResult) -> None:
        """The chain's receipt of one settleBatch: deferred trades wait for KSD, the others
        settled or failed."""
        by_id = {m.trade_id: m for m in batch}
        for event in tx.named("TradeAccepted"):
            trade = by_id[int(event.args["tradeId"])]
            trade.accepted = pending_trade(event.args)
            self.pending[trade.trade_id] = trade
            if self.on_deferred is not None:
                self.on_deferred(self.name, trade.trade_id, int(event.args["due"]))
        self.apply_settlement(t, tx, by_id)

    def _encode(self, m: MatchedTrade) -> tuple[object, ...]:
        """A trade as Venue.settleBatch takes it, with both holders' signed orders."""
        assert m.buy_order is not None and m.sell_order is not None
        token, sign = self.tokens[m.asset], self.signer.signed
        b, s = m.buy_order, m.sell_order
        buy = sign(
            m.buyer.address, token, True, b.quantity, b.price, b.order_id, self.order_expiry(b.t)
        )
        sell = sign(
            m.seller.address, token, False, s.quantity, s.price, s.order_id, self.order_expiry(s.t)
        )
        return (m.trade_id, buy, sell, m.quantity, m.price, m.buyer_is_maker)

    def finalize_call(self, ksd: str, trade_ids: list[int]) -> Call:
        """KSD's Venue.finalize of these deferred trades, each passed back as accepted."""
        legs = [self.pending[i].accepted for i in trade_ids]
        return Call("Venue", self.address, "finalize", (legs,), ksd)

    def finalized(self, t: int, tx: TxResult, trade_ids: list[int]) -> None:
        """KSD finalized these deferred trades of this venue in `tx` (KR-SET-1)."""
        self.apply_settlement(t, tx, {i: self.pending[i] for i in trade_ids})

    def apply_settlement(self, t: int, tx: TxResult, trades: dict[int, MatchedTrade]) -> None:
        """Record the chain's outcome of settled or failed trades and tell both investors."""
        fees = self._record_fees(t, tx)
        settled: list[tuple[int, Investor, Investor, int]] = []
        paid: list[tuple[int, str, Investor, int]] = []
        for event in tx.named("TradeSettled"):
            m = trades[int(event.args["tradeId"])]
            value = m.quantity * m.price
            self.log.append(
                TradeSettled(t, m.trade_id, self.name, m.asset, m.quantity, m.price, value)
            )
            m.buyer.on_settled(
                "buy",
                m.asset,
                m.quantity,
                value,
                fees.get((m.trade_id, m.buyer.address), 0),
                m.buyer_reserved,
            )
            m.seller.on_settled(
                "sell", m.asset, m.quantity, value, fees.get((m.trade_id, m.seller.address), 0), 0
            )
            self.pending.pop(m.trade_id, None)
            settled.append((m.trade_id, m.buyer, m.seller, value))
            if self.on_fees_paid is not None:  # a conflicted venue's rebates (affiliate.py)
                for party in (m.buyer, m.seller):
                    fee = fees.get((m.trade_id, party.address), 0)
                    paid.append((m.trade_id, m.asset, party, fee))
        if settled:
            self.on_settled(t, self.name, settled)
            if paid and self.on_fees_paid is not None:
                self.on_fees_paid(t, paid)
        for event in tx.named("TradeFailed"):
            m = trades[int(event.args["tradeId"])]
            rule_id, reason = str(event.args["ruleId"]), str(event.args["reason"])
            self.log.append(
                TradeFailed(
                    t, m.trade_id, self.name, m.asset, rule_id or "UNKNOWN", reason or "reverted"
                )
            )
            m.buyer.on_release("buy", m.asset, m.buyer_reserved, 0)
            m.seller.on_release("sell", m.asset, 0, m.quantity)
            self.pending.pop(m.trade_id, None)

    def _record_fees(self, t: int, tx: TxResult) -> dict[tuple[int, str], int]:
        """FeeCharged events -> log; returns the fee each payer paid per trade."""
        paid: dict[tuple[int, str], int] = {}
        for event in tx.named("FeeCharged"):
            trade_id, payer, payee = (
                int(event.args["tradeId"]),
                str(event.args["payer"]),
                str(event.args["payee"]),
            )
            amount = int(event.args["amount"])
            paid[trade_id, payer] = paid.get((trade_id, payer), 0) + amount
            payer_name, payer_type = self.payee_names[payer]
            payee_name, payee_type = self.payee_names[payee]
            if payee_name == self.name:
                self.revenue += amount
            self.log.append(
                FeeCharged(
                    t,
                    trade_id,
                    self.name,
                    payer_name,
                    payer_type,
                    payee_name,
                    payee_type,
                    amount,
                    str(event.args["kind"]),
                )
            )
        return paid


def settle_together(ledger: Ledger, t: int, venues: list[VenueSettlement]) -> None:
    """Every venue's matched trades of this instant go to the chain in one round trip, in the
    venues' order (on Anvil one block, not one per venue: a block's cost grows with the chain's
    state); then each venue records its outcomes, in the same order. Every receipt is checked."""
    work = [(venue, venue.take_batches()) for venue in venues if venue.matched]
    calls = [call for _, batches in work for _, call in batches]
    if not calls:
        return
    receipts = iter(ledger.transact_many(calls, BATCH_GAS))
    for venue, batches in work:
        for batch, _ in batches:
            venue.batch_done(t, batch, next(receipts))
