"""What happened in a run: small frozen records in one append-only log.

Every event carries `t`, the virtual time in seconds since the scenario's start. Money is in
KRW (int), quantities in token units (int). Party types name the actor kind: "investor:general",
"investor:income_qualified", "investor:professional", "issuer", "venue", "registrar".
Metrics are pure functions of this log (simulator/metrics.py).

Over 300 lines: the log's whole schema, one small dataclass per kind of event, kept in one
place so that a reader sees every column a run can produce.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Event:
    kind: ClassVar[str] = "event"
    t: int

    def row(self) -> dict[str, Any]:
        # fields are plain values: no deep copy (dataclasses.asdict) needed
        return {name: getattr(self, name) for name in columns(type(self))}


@dataclass(frozen=True, slots=True)
class AssetIssued(Event):
    """An issue registered and its primary offering completed."""

    kind: ClassVar[str] = "asset_issued"
    asset: str
    asset_kind: str
    issuer: str
    total_quantity: int  # registered
    offering_price: int
    outstanding: int = 0  # units held after the offering: retained + sold (turnover's base)


@dataclass(frozen=True, slots=True)
class ListingDecided(Event):
    kind: ClassVar[str] = "listing_decided"
    venue: str
    asset: str
    accepted: bool
    rule_id: str  # "" when accepted
    reason: str


@dataclass(frozen=True, slots=True)
class Subscribed(Event):
    """A primary-offering allocation to an investor."""

    kind: ClassVar[str] = "subscribed"
    asset: str
    investor: str
    investor_class: str
    quantity: int
    price: int


@dataclass(frozen=True, slots=True)
class OrderSubmitted(Event):
    kind: ClassVar[str] = "order_submitted"
    order_id: int
    investor: str
    investor_class: str
    venue: str
    asset: str
    side: str  # "buy" | "sell"
    quantity: int
    limit_price: int


@dataclass(frozen=True, slots=True)
class Refused(Event):
    """An action refused under a rule: by the Python rule spec before it reached the chain, or
    by a contract. `stage` is "order", "subscription", "listing" or "licence"."""

    kind: ClassVar[str] = "refused"
    stage: str
    actor: str
    venue: str
    asset: str
    rule_id: str
    reason: str
    ref: int  # order id or 0


@dataclass(frozen=True, slots=True)
class OrderClosed(Event):
    """An order left the book: filled, expired at the session's end, or cancelled."""

    kind: ClassVar[str] = "order_closed"
    order_id: int
    venue: str
    asset: str
    filled: int
    remaining: int
    status: str  # "filled" | "expired" | "cancelled"


@dataclass(frozen=True, slots=True)
class TradeMatched(Event):
    kind: ClassVar[str] = "trade_matched"
    trade_id: int
    venue: str
    asset: str
    buyer: str
    seller: str
    buyer_class: str
    seller_class: str
    quantity: int
    price: int
    aggressor: str  # "buy" | "sell": the side of the incoming (taker) order
    buy_order_id: int
    sell_order_id: int
    mid_before: float  # mid quote just before the match; NaN if the book was one-sided
    trade_through: bool = False  # another venue showed a better price for the taker then


@dataclass(frozen=True, slots=True)
class TradeSettled(Event):
    """Final settlement on the ledger (DvP): at T+0 in the batch, or on the due date."""

    kind: ClassVar[str] = "trade_settled"
    trade_id: int
    venue: str
    asset: str
    quantity: int
    price: int
    value: int


@dataclass(frozen=True, slots=True)
class TradeFailed(Event):
    kind: ClassVar[str] = "trade_failed"
    trade_id: int
    venue: str
    asset: str
    rule_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeeCharged(Event):
    kind: ClassVar[str] = "fee_charged"
    trade_id: int  # 0 for a listing fee
    venue: str
    payer: str
    payer_type: str
    payee: str
    payee_type: str
    amount: int
    fee_kind: str  # "maker" | "taker" | "listing"


@dataclass(frozen=True, slots=True)
class ValueUpdated(Event):
    """An asset's true value per unit (present value of its expected cash flows) for the day."""

    kind: ClassVar[str] = "value_updated"
    asset: str
    value: float


@dataclass(frozen=True, slots=True)
class ValuationPublished(Event):
    """The valuation oracle's estimate of an asset's value per unit."""

    kind: ClassVar[str] = "valuation_published"
    asset: str
    estimate: float
    data_day: int  # the day whose value the estimate is made from (its lag)


@dataclass(frozen=True, slots=True)
class OfferingClosed(Event):
    """How a primary offering ended: units offered (after the issuer's retained share), units
    subscribed, units its underwriter took under a firm commitment, and whether it was
    withdrawn (a minimum raise not met: nothing issued, every subscription refunded)."""

    kind: ClassVar[str] = "offering_closed"
    asset: str
    outcome: str  # best_efforts | firm_commitment | minimum_raise
    offered: int
    subscribed: int
    underwriter_took: int
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class DisclosureFiled(Event):
    """KR-DIS-1: a holder above the threshold filed its disclosure; from now on it may sell."""

    kind: ClassVar[str] = "disclosure_filed"
    investor: str
    investor_class: str
    asset: str
    holding: int
    registered: int
    crossed_at: int  # when its holding first stood above the threshold


@dataclass(frozen=True, slots=True)
class TradedAhead(Event):
    """A conflicted venue's group desk bought ahead of a client's marketable buy it saw in the
    venue's order flow (behaviour.conflicts.trade_ahead_share)."""

    kind: ClassVar[str] = "traded_ahead"
    venue: str
    asset: str
    desk: str
    client: str
    quantity: int  # asked for at the best ask
    price: int  # the best ask it took
    offer: int  # what it offers the units at afterwards


@dataclass(frozen=True, slots=True)
class NewsArrived(Event):
    """Public news moved an asset's true value (at any hour)."""

    kind: ClassVar[str] = "news_arrived"
    asset: str
    value_before: float
    value_after: float
    krx_hours: bool  # arrived during KRX-like hours (09:00-15:30 KST, weekdays)


@dataclass(frozen=True, slots=True)
class Affiliated(Event):
    """An asset whose issuer's group operates a venue that may list it (separation off)."""

    kind: ClassVar[str] = "affiliated"
    asset: str
    venue: str


@dataclass(frozen=True, slots=True)
class HoldingAtEnd(Event):
    """An investor's units of one asset at the end of the run (for outcomes at true value)."""

    kind: ClassVar[str] = "holding_at_end"
    investor: str
    investor_class: str
    asset: str
    quantity: int


@dataclass(frozen=True, slots=True)
class FeeScheduleChanged(Event):
    """A venue's operator set a new fee schedule (a fee policy's move)."""

    kind: ClassVar[str] = "fee_schedule_changed"
    venue: str
    maker_bps: int
    taker_bps: int
    flat_fee: int


@dataclass(frozen=True, slots=True)
class VenueOpened(Event):
    """A venue opened for business (at the start, or on entry), or an entrant stayed out."""

    kind: ClassVar[str] = "venue_opened"
    venue: str
    entered: bool
    maker_bps: int
    taker_bps: int
    expected_revenue_krw: int  # an entrant's break-even test; 0 for venues open from the start
    fixed_cost_krw: int


@dataclass(frozen=True, slots=True)
class VenueCost(Event):
    """A venue's operating cost for a day, or the fixed cost of entry."""

    kind: ClassVar[str] = "venue_cost"
    venue: str
    amount: int
    cost_kind: str  # "operating" | "entry"


@dataclass(frozen=True, slots=True)
class InventorySnapshot(Event):
    """A liquidity provider's position at a session's close, marked at the last price."""

    kind: ClassVar[str] = "inventory_snapshot"
    agent: str
    role: str  # "market_maker" | "arbitrageur"
    asset: str
    quantity: int
    cash: int
    wealth: int  # cash + every holding at the last traded price


@dataclass(frozen=True, slots=True)
class QuoteSnapshot(Event):
    """The top of a venue's book, sampled at regular times while the market is open."""

    kind: ClassVar[str] = "quote_snapshot"
    venue: str
    asset: str
    best_bid: int  # 0 if none
    best_ask: int  # 0 if none
    bid_depth: int  # quantity at the best bid
    ask_depth: int
    # the venue's fees in force, in bps of a reference trade of 1 m KRW (flat and minimum fees
    # included), for cum-fee spreads
    maker_fee_bps: float = 0.0
    taker_fee_bps: float = 0.0


@dataclass(frozen=True, slots=True)
class DistributionPaid(Event):
    """Cash paid to holders (rent, royalties) by the issuer."""

    kind: ClassVar[str] = "distribution_paid"
    asset: str
    total: int
    per_unit: int


@dataclass(frozen=True, slots=True)
class InvestorState(Event):
    """An investor's position at the start (t = 0) and at the end of the run."""

    kind: ClassVar[str] = "investor_state"
    investor: str
    investor_class: str
    cash: int
    holdings_value: int  # marked at the last traded price (offering price if none)


EVENT_TYPES: tuple[type[Event], ...] = (
    AssetIssued,
    ListingDecided,
    Subscribed,
    OrderSubmitted,
    Refused,
    OrderClosed,
    TradeMatched,
    TradeSettled,
    TradeFailed,
    FeeCharged,
    QuoteSnapshot,
    DistributionPaid,
    InvestorState,
    ValueUpdated,
    ValuationPublished,
    NewsArrived,
    TradedAhead,
    OfferingClosed,
    DisclosureFiled,
    Affiliated,
    HoldingAtEnd,
    FeeScheduleChanged,
    VenueOpened,
    VenueCost,
    InventorySnapshot,
)


_COLUMNS: dict[type[Event], list[str]] = {}


def columns(event_type: type[Event]) -> list[str]:
    found = _COLUMNS.get(event_type)
    if found is None:
        found = _COLUMNS[event_type] = [f.name for f in fields(event_type)]
    return found
