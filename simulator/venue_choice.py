"""Where and how an investor trades: a logit over (venue, order type) by expected all-in cost,
recent liquidity and habit; and how often it trades at all, by the cheapest all-in cost.

All-in cost, in bps of the order's value:
- marketable order: half the quoted spread + the taker fee + the cost of waiting for the part
  that the depth at the touch cannot fill;
- resting order: the maker fee - the half-spread it hopes to earn + the cost of waiting, which
  grows with the investor's urgency and with the venue's recent share of orders left unfilled.
The utility of an option is `-cost_per_bps * cost + liquidity_weight * log(recent share of
value traded) + log(attractiveness) - cost_per_bps * switching_cost_bps` (the last term only
when leaving the venue used last). The liquidity term applies to resting orders only: a
marketable order sees the quote and the depth it would trade against, while a resting order
bets on flow arriving, which is where the venue's recent share tells (Pagano 1989: liquidity
attracts the traders who supply it, and they bring more). Resting liquidity then pulls
marketable orders through tighter quotes, so identical venues drift apart.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

import numpy as np

from simulator.actors.view import PublicMarket, Quote, fee_for, on_tick, tick_size
from simulator.behaviour import Intensity, VenueChoice
from simulator.strategies import View

TOLERANCE = 0.02  # how far past its own price an investor at urgency 1 will pay to trade now


@dataclass(frozen=True)
class Option:
    venue: str
    marketable: bool
    price: int
    cost_bps: float


def options(
    market: PublicMarket,
    params: VenueChoice,
    venues: list[str],
    asset: str,
    view: View,
    value: float,
) -> list[Option]:
    """Every (venue, order type) the investor could use for its view, with its all-in cost."""
    found: list[Option] = []
    buy = view.side == "buy"
    for venue in venues:
        quote = market.quotes.get((venue, asset)) or Quote()
        half = quote.half_spread_bps()
        fees, kept = market.fees[venue], 1 - market.rebate.get((venue, asset), 0.0)
        taker_bps = fee_for(fees, int(value), maker=False) / max(value, 1) * 1e4 * kept
        maker_bps = fee_for(fees, int(value), maker=True) / max(value, 1) * 1e4 * kept
        opposite = quote.best_ask if buy else quote.best_bid
        limit = view.price * (1 + TOLERANCE * view.urgency if buy else 1 - TOLERANCE * view.urgency)
        if opposite and (opposite <= limit if buy else opposite >= limit):
            spread = half if math.isfinite(half) else params.empty_book_spread_bps
            depth = (quote.ask_depth if buy else quote.bid_depth) * opposite
            beyond = max(0.0, 1 - depth / max(value, 1))  # the part the touch cannot fill
            cost = spread + taker_bps + beyond * params.wait_cost_bps
            found.append(Option(venue, True, opposite, cost))
        unfilled = 1 - market.flow.fill_rate(venue, asset)
        waiting = params.wait_cost_bps * (0.5 * view.urgency + unfilled)
        earned = half if math.isfinite(half) else 0.0
        found.append(
            Option(venue, False, _resting_price(quote, view), maker_bps - earned + waiting)
        )
    return found


def _resting_price(quote: Quote, view: View) -> int:
    """Join or improve the best price on its own side, never crossing, never past its view."""
    price = on_tick(view.price)
    step = tick_size(price)
    if view.side == "buy":
        if quote.best_bid:
            price = min(price, quote.best_bid + step)
        if quote.best_ask:
            price = min(price, quote.best_ask - step)
    else:
        if quote.best_ask:
            price = max(price, quote.best_ask - step)
        if quote.best_bid:
            price = max(price, quote.best_bid + step)
    return max(price, 1)


def trades_now(cheapest_bps: float, params: Intensity, rng: np.random.Generator) -> bool:
    """Thinning of the investor's arrivals: order flow falls with the all-in cost at the stated
    elasticity (full rate at or below the reference cost)."""
    if params.cost_elasticity == 0:
        return True
    ratio = params.reference_cost_bps / max(cheapest_bps, 1.0)
    return bool(rng.random() < min(1.0, ratio**params.cost_elasticity))


def choose(
    market: PublicMarket,
    params: VenueChoice,
    found: list[Option],
    asset: str,
    last_venue: str | None,
    rng: np.random.Generator,
    smart_routing: bool = False,
) -> Option:
    """Draw one option with logit probabilities. Under the "random" model the venue is drawn
    first by its fixed attractiveness alone, then the order type by cost on that venue. With
    smart routing, a marketable order weighs only its all-in cost (the quote it would hit),
    not the venue's share or the investor's habit."""
    venues = sorted({o.venue for o in found})
    if params.model == "random":
        weights = np.array([market.attractiveness[v] for v in venues], dtype=float)
        venue = venues[_draw(rng, weights / weights.sum())]
        found = [o for o in found if o.venue == venue]
        utility = np.array([-params.cost_per_bps * o.cost_bps for o in found])
    else:
        shares = market.flow.shares(venues, asset, market.now)
        switching = params.cost_per_bps * params.switching_cost_bps
        utility = np.array(
            [
                -params.cost_per_bps * o.cost_bps
                + (
                    0.0
                    if smart_routing and o.marketable
                    else params.liquidity_weight * math.log(shares[o.venue])
                    + math.log(market.attractiveness[o.venue])
                    - (switching if last_venue is not None and o.venue != last_venue else 0.0)
                )
                for o in found
            ]
        )
    weights = np.exp(utility - utility.max())
    return found[_draw(rng, weights / weights.sum())]


def _draw(rng: np.random.Generator, p: np.ndarray) -> int:
    """`rng.choice(len(p), p=p)` without its argument checks (a tenth of the time, and every
    arrival draws): the same uniform against the same cumulative sums, so the same index."""
    cdf = list(itertools.accumulate(p.tolist()))
    last = cdf[-1]
    return bisect.bisect_right([c / last for c in cdf], rng.random())
