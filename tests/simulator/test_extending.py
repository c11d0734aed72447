"""Acceptance test of the architecture: a new strategy and a new kind of agent, both defined in
this file without editing stosim, take part in a scenario's run.

- The strategy is a small object registered by name (`simulator.strategies.register`) and named
  in the scenario's `investors[].strategies`, as a user would.
- The agent knows its model (the simulation), keeps its own state and random stream, reads only
  the model's public state (`public`, `log`), and schedules its own next action when it acts
  (`engine.after`), so it adds one entry to the event queue whatever the run's length.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator import strategies
from simulator.actors.view import PublicMarket
from simulator.calendar import MarketCalendar
from simulator.chain.revm_ledger import RevmLedger
from simulator.events import OrderSubmitted
from simulator.runner import Simulation
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3_600
DAY = 24 * HOUR


@strategies.register("test-contrarian")
class Contrarian:
    """Sells after a rise and buys after a fall, patiently, a little off the reference price."""

    views = 0

    def view(self, market: PublicMarket, asset: str, rng: np.random.Generator) -> strategies.View:
        Contrarian.views += 1
        reference = market.reference_price(asset)
        side = "sell" if market.momentum(asset) > 0 else "buy"
        price = reference * (0.995 if side == "buy" else 1.005)
        return strategies.View(side, price, float(rng.uniform(0, 0.3)))


class Surveyor:
    """A new kind of agent: every few hours it samples a reference price and counts the orders
    placed so far, from the model's public state only."""

    def __init__(self, model: Simulation, asset: str, every: int = 4 * HOUR) -> None:
        self.model, self.asset, self.every = model, asset, every
        self.rng = model.engine.child_rng()  # its own stream, from the run's seed
        self.samples: list[tuple[int, int, int]] = []  # (t, reference price, orders so far)

    def start(self) -> None:
        self.model.engine.after(self.every, self.act)

    def act(self) -> None:
        t = self.model.engine.now
        placed = len(self.model.log.of(OrderSubmitted))
        self.samples.append((t, self.model.public.reference_price(self.asset), placed))
        jitter = int(self.rng.integers(0, 60))  # not in lockstep with the sessions' events
        self.model.engine.after(self.every + jitter, self.act)


def test_a_strategy_and_an_agent_defined_here_run_in_a_scenario():
    scenario = load_scenario(
        ROOT / "scenarios" / "baseline-2027.yaml",
        overrides={
            "market.days": 3,
            "investors.0.count": 10,
            "investors.0.strategies": {"test-contrarian": 1.0},
            "investors.1.count": 2,
            "investors.2.count": 2,
        },
    )
    calendar = MarketCalendar(scenario.market)
    with RevmLedger.start(accounts=60, genesis_timestamp=calendar.unix(0) - DAY) as chain:
        model = Simulation(scenario, scenario.seed, chain, calendar)
        surveyor = Surveyor(model, scenario.assets[0].id)
        surveyor.start()
        log = model.run()
    assert Contrarian.views > 0, "the registered strategy formed the group's views"
    assert len(surveyor.samples) >= 3 * 24 // 4 - 1, "the agent acted through the whole run"
    times = [t for t, _, _ in surveyor.samples]
    assert times == sorted(times) and all(price > 0 for _, price, _ in surveyor.samples)
    assert surveyor.samples[-1][2] == len(log.of(OrderSubmitted)) > 0
