"""Paired experiments for the literature checks: both arms of a comparison run the same seeds
(common random numbers) on the embedded ledger, and each metric's per-seed difference gives a
mean and a 95% Student-t interval."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simulator.runner import RunResult, run_scenario
from simulator.scenario import Scenario, parse_scenario
from simulator.stats import t_interval

LAB = Path(__file__).resolve().parents[2] / "scenarios" / "lab-two-venues.yaml"
SEEDS = range(1, 11)  # ten seeds: enough to separate every effect checked, at ~3 s a run


@dataclass(frozen=True)
class Paired:
    metric: str
    a: list[float]
    b: list[float]

    @property
    def diffs(self) -> np.ndarray:
        return np.array(self.b, dtype=float) - np.array(self.a, dtype=float)

    @property
    def mean(self) -> float:
        return float(self.diffs.mean())

    @property
    def interval(self) -> tuple[float, float]:
        return t_interval(self.diffs)

    def __str__(self) -> str:
        low, high = self.interval
        return (
            f"{self.metric}: A {np.mean(self.a):,.4g}, B {np.mean(self.b):,.4g}, "
            f"B-A {self.mean:+,.4g} [95% CI {low:+,.4g}, {high:+,.4g}] over {len(self.a)} seeds"
        )


def lab(overrides: dict[str, Any], extra: dict[str, list[Any]] | None = None) -> Scenario:
    """The lab scenario with dotted-path overrides and `extra` items appended to its lists
    (e.g. another firm and venue)."""
    data = yaml.safe_load(LAB.read_text())
    for section, items in (extra or {}).items():
        data[section] = [*data[section], *items]
    return parse_scenario(data, str(LAB), overrides)


def summaries(
    overrides: dict[str, Any], extra: dict[str, list[Any]] | None = None, seeds: range = SEEDS
) -> list[dict[str, Any]]:
    """The headline summaries of the lab scenario over the seeds."""
    scenario = lab(overrides, extra)
    return [run_scenario(scenario, seed=seed, ledger="revm").summary for seed in seeds]


def summaries_and_tables(
    overrides: dict[str, Any], extra: dict[str, list[Any]] | None = None, seed: int = 1
) -> tuple[dict[str, Any], RunResult]:
    result = run_scenario(lab(overrides, extra), seed=seed, ledger="revm")
    return result.tables, result


def compare(
    a: list[dict[str, Any]], b: list[dict[str, Any]], metrics: dict[str, Any]
) -> dict[str, Paired]:
    """`metrics`: name -> function of a summary."""
    return {
        name: Paired(name, [float(f(s)) for s in a], [float(f(s)) for s in b])
        for name, f in metrics.items()
    }


def entrant(fixed_cost_krw: int = 0) -> dict[str, list[Any]]:
    """A third venue, cheaper (maker 0 / taker 5 bps) and T+0, that may enter on day 3."""
    return {
        "firms": [{"id": "venue-c", "role": "venue_operator", "equity_krw": 10**10, "group": 6}],
        "venues": [
            {
                "id": "C",
                "operator": "venue-c",
                "fees": {"maker_bps": 0, "taker_bps": 5},
                "settlement_days": 0,
                "entry": {"day": 3, "fixed_cost_krw": fixed_cost_krw},
            }
        ],
    }
