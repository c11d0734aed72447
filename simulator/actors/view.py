"""What every actor may see of the market: public quotes, prices, fees and fundamentals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulator.scenario import FeeSchedule


def fee_for(fees: FeeSchedule, value: int, maker: bool) -> int:
    """One side's fee for a trade worth `value` KRW, as the Venue contract computes it."""
    fee = value * (fees.maker_bps if maker else fees.taker_bps) // 10_000 + fees.flat_fee
    return max(fee, fees.min_fee)


def worst_fee(fees: FeeSchedule, value: int) -> int:
    return max(fee_for(fees, value, True), fee_for(fees, value, False))


@dataclass
class Quote:
    best_bid: int = 0
    best_ask: int = 0


@dataclass
class PublicMarket:
    """Published by venues and the issuer; read by investors."""

    offering_price: dict[str, int] = field(default_factory=dict)
    fundamental: dict[str, float] = field(default_factory=dict)
    last_price: dict[str, int] = field(default_factory=dict)  # per asset, across venues
    previous_close: dict[str, int] = field(default_factory=dict)
    listings: dict[str, list[str]] = field(default_factory=dict)  # asset -> venues listing it
    quotes: dict[tuple[str, str], Quote] = field(default_factory=dict)  # (venue, asset)
    fees: dict[str, FeeSchedule] = field(default_factory=dict)
    professional_only: dict[str, bool] = field(default_factory=dict)
    attractiveness: dict[str, float] = field(default_factory=dict)
    issuer_of: dict[str, str] = field(default_factory=dict)
    session_open: bool = False
    price_limit_pct: float = 30.0  # KR-MKT-4, from the scenario's market

    def reference_price(self, asset: str) -> int:
        return self.last_price.get(asset) or self.offering_price[asset]

    def momentum(self, asset: str) -> float:
        close = self.previous_close.get(asset)
        last = self.last_price.get(asset)
        if not close or not last:
            return 0.0
        return last / close - 1

    def mid(self, venue: str, asset: str) -> float:
        q = self.quotes.get((venue, asset))
        if q is None or not q.best_bid or not q.best_ask:
            return math.nan
        return (q.best_bid + q.best_ask) / 2
