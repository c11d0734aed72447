"""What every actor may see of the market: public quotes, prices, fees and fundamentals."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from simulator.scenario import FeeSchedule


def fee_for(fees: FeeSchedule, value: int, maker: bool) -> int:
    """One side's fee for a trade worth `value` KRW, as the Venue contract computes it."""
    fee = value * (fees.maker_bps if maker else fees.taker_bps) // 10_000 + fees.flat_fee
    return max(fee, fees.min_fee)


def tick_size(price: float) -> int:
    """Prices move in ticks of about 0.1% (at least 1 KRW): 1 KRW below 10,000, 10 below
    100,000, and so on."""
    return max(1, 10 ** max(int(math.log10(max(price, 1))) - 3, 0))


def on_tick(price: float) -> int:
    tick = tick_size(price)
    return max(int(round(price / tick) * tick), 1)


def worst_fee(fees: FeeSchedule, value: int) -> int:
    return max(fee_for(fees, value, True), fee_for(fees, value, False))


@dataclass
class Quote:
    best_bid: int = 0
    best_ask: int = 0
    bid_depth: int = 0
    ask_depth: int = 0

    def half_spread_bps(self) -> float:
        """Half the quoted spread in bps of the mid; NaN unless both sides are quoted."""
        if not self.best_bid or not self.best_ask:
            return math.nan
        return (self.best_ask - self.best_bid) / (self.best_ask + self.best_bid) * 1e4


class FlowStats:
    """Recent value traded and fill rates per (venue, asset), decaying with a half-life: what
    investors know of where the liquidity is. A venue starts with a small prior, so a new
    venue is not mistaken for a liquid one (nor for a dead one)."""

    PRIOR_VALUE = 1.0
    SMOOTHING = 0.1
    PRIOR_FILL = (1.0, 2.0)  # (filled, submitted): a fill rate of 0.5 before any order

    def __init__(self, half_life_seconds: float) -> None:
        self.decay = math.log(2) / half_life_seconds
        self._value: dict[tuple[str, str], tuple[float, int]] = {}
        self._fill: dict[tuple[str, str], tuple[float, float, int]] = {}

    def _weight(self, t: int, since: int) -> float:
        return math.exp(-self.decay * (t - since))

    def traded(self, venue: str, asset: str, value: float, t: int) -> None:
        old, since = self._value.get((venue, asset), (self.PRIOR_VALUE, t))
        self._value[venue, asset] = (old * self._weight(t, since) + value, t)

    def value(self, venue: str, asset: str, t: int) -> float:
        old, since = self._value.get((venue, asset), (self.PRIOR_VALUE, t))
        return max(old * self._weight(t, since), self.PRIOR_VALUE)

    def shares(self, venues: list[str], asset: str, t: int) -> dict[str, float]:
        """Recent shares of value traded, smoothed: each venue counts as having traded a tenth
        of the average besides its own, so a new venue is thin, not invisible."""
        values = {v: self.value(v, asset, t) for v in venues}
        floor = self.SMOOTHING * sum(values.values()) / len(values)
        total = sum(values.values()) + floor * len(values)
        return {v: (x + floor) / total for v, x in values.items()}

    def ordered(self, venue: str, asset: str, quantity: int, filled: int, t: int) -> None:
        f, n, since = self._fill.get((venue, asset), (*self.PRIOR_FILL, t))
        w = self._weight(t, since)
        self._fill[venue, asset] = (f * w + filled, n * w + quantity, t)

    def fill_rate(self, venue: str, asset: str) -> float:
        f, n, _ = self._fill.get((venue, asset), (*self.PRIOR_FILL, 0))
        prior_f, prior_n = self.PRIOR_FILL
        return (f + prior_f) / (n + prior_n)


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
    flow: FlowStats = field(default_factory=lambda: FlowStats(3 * 86_400))
    now: int = 0  # virtual time, kept by the simulation
    value_traded: dict[str, float] = field(default_factory=dict)  # per venue, since the start
    estimate: dict[str, float] = field(default_factory=dict)  # the valuation oracle's latest
    oracle_weight: float = 0.7
    signal_noise: float = 0.0  # sd of a value trader's own signal, as a share of value
    registered: dict[str, int] = field(default_factory=dict)  # units registered per asset
    rebate: dict[tuple[str, str], float] = field(default_factory=dict)  # (venue, asset) -> share
    news_at_last_trade: dict[str, float] = field(default_factory=dict)
    # per asset: (t, product of the news moves up to t), in time order
    _news: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def value_view(self, asset: str, rng: np.random.Generator) -> float:
        """A value trader's estimate: the true value when there is no oracle; otherwise the
        oracle's latest estimate blended with its own noisy signal."""
        value = self.fundamental[asset]
        published = self.estimate.get(asset)
        if published is None:
            return value
        own = value * (1 + rng.normal(0, self.signal_noise))
        return self.oracle_weight * published + (1 - self.oracle_weight) * own

    def record_trade(self, asset: str, price: int, informed_at: int) -> None:
        """A trade's price, and the news it knew: that of its older order's submission (a buy
        lifting an ask left before the news trades at a price that knew nothing of it)."""
        self.last_price[asset] = price
        self.news_at_last_trade[asset] = self.news_index_at(asset, informed_at)

    def add_news(self, asset: str, t: int, move: float) -> None:
        known = self._news.setdefault(asset, [])
        known.append((t, (known[-1][1] if known else 1.0) * move))

    def news_index_at(self, asset: str, t: int) -> float:
        """The product of the news moves known at time t."""
        known = self._news.get(asset)
        if not known:
            return 1.0
        i = bisect.bisect_right(known, (t, math.inf))
        return known[i - 1][1] if i else 1.0

    def reference_price(self, asset: str) -> int:
        """The last price (the offering price before any trade), moved by the public news that
        came since it was made: everybody reads the news, so it shifts every trader's reference,
        while the value's daily moves are known only through valuation."""
        last = self.last_price.get(asset) or self.offering_price[asset]
        known = self._news.get(asset)
        latest = known[-1][1] if known else 1.0
        moved = latest / self.news_at_last_trade.get(asset, 1.0)
        return last if moved == 1.0 else round(last * moved)

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
