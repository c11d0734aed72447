"""Trading strategies: small objects registered by name, so a user adds one without editing
stosim (`@register("my-name")` on a class with a `view` method, then name it in a scenario's
`investors[].strategies`).

A strategy forms the investor's view of one asset: which side it wants and the price it thinks
right. Where and how to trade it (venue, limit or marketable order) is the venue-choice model's
job (simulator/venue_choice.py), so every strategy responds to fees and liquidity the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:  # the scenario schema imports this registry; the market view imports the schema
    from simulator.actors.view import PublicMarket


@dataclass(frozen=True)
class View:
    side: str  # "buy" | "sell"
    price: float  # the price the investor thinks right (before ticks and price limits)
    urgency: float  # 0: happy to wait in the book; 1: wants to trade now


class Strategy(Protocol):
    def view(self, market: PublicMarket, asset: str, rng: np.random.Generator) -> View: ...


_REGISTRY: dict[str, Callable[[], Strategy]] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make a strategy available to scenarios under `name`."""

    def add(cls: type) -> type:
        _REGISTRY[name] = cls
        return cls

    return add


def names() -> list[str]:
    return sorted(_REGISTRY)


def create(name: str) -> Strategy:
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise KeyError(f"unknown strategy {name!r}; registered: {', '.join(names())}") from None


@register("noise")
class Noise:
    """Random side; mostly patient (liquidity supply), sometimes impatient."""

    def view(self, market: PublicMarket, asset: str, rng: np.random.Generator) -> View:
        reference = market.reference_price(asset)
        side = "buy" if rng.random() < 0.5 else "sell"
        shade = abs(rng.normal(0, 0.01))  # how far from the reference it is willing to wait
        price = reference * (1 - shade if side == "buy" else 1 + shade)
        return View(side, price, float(rng.random()))


@register("fundamental")
class Fundamental:
    """Buys below and sells above its estimate of value; keener the larger the gap."""

    def view(self, market: PublicMarket, asset: str, rng: np.random.Generator) -> View:
        reference = market.reference_price(asset)
        value = market.value_view(asset, rng)
        side = "buy" if value > reference else "sell"
        target = (reference + value) / 2 * (1 + rng.normal(0, 0.005))
        gap = abs(value / reference - 1)
        return View(side, target, min(1.0, gap * 20))


@register("momentum")
class Momentum:
    """Follows the day's move, and wants in now."""

    def view(self, market: PublicMarket, asset: str, rng: np.random.Generator) -> View:
        reference = market.reference_price(asset)
        side = "buy" if market.momentum(asset) >= 0 else "sell"
        price = reference * (1.01 if side == "buy" else 0.99) * (1 + rng.normal(0, 0.005))
        return View(side, price, 0.9)
