"""The workload estimate and its bounds, and bounded YAML loading (issue 17, observations 1
and 4): scenario validation refuses a scenario past the default bound, naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator import workload
from simulator.safe_yaml import safe_load
from simulator.scenario import ScenarioError, load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline-2027.yaml"


def test_the_estimate_counts_orders_and_scales_memory_and_time_with_them():
    small = load_scenario(BASELINE)
    work = workload.estimate(small)
    expected = sum(g.count * g.orders_per_day for g in small.investors) * small.market.days
    assert work.orders == round(expected)
    assert work.investors == sum(g.count for g in small.investors) and work.assets == 2
    double = workload.estimate(load_scenario(BASELINE, {"market.days": small.market.days * 2}))
    assert double.orders == 2 * work.orders and double.bytes > work.bytes
    assert double.seconds > work.seconds and double.trades >= work.trades
    assert workload.estimate(small, "revm").seconds < workload.estimate(small, "anvil").seconds
    three = work.times(3)
    assert three.orders == 3 * work.orders and three.bytes == work.bytes


def test_limits_name_the_field_and_the_limit():
    scenario = load_scenario(BASELINE)
    limits = workload.Limits(orders=100, investors=10, days=5, assets=1, bytes=1, seconds=0.5)
    found = dict(workload.problems(scenario, limits))
    assert "investors" in found and "at most 10" in found["investors"]
    assert "market.days" in found and "assets" in found
    busiest = "investors.0.orders_per_day"  # 30 investors at 1.5 a day send the most orders
    assert any(path == busiest for path, _ in workload.problems(scenario, limits))
    assert workload.problems(scenario, workload.Limits()) == []


def test_scenario_validation_refuses_work_past_the_default_bound():
    huge = {"investors.0.count": 100_000, "investors.0.orders_per_day": 1_000}
    with pytest.raises(ScenarioError) as refused:
        load_scenario(BASELINE, huge)
    paths = [path for path, _ in refused.value.problems]
    assert paths[0] == "investors.0.orders_per_day"
    assert "at most 10,000,000" in refused.value.problems[0][1]
    scale = {"investors.0.count": 3_750, "investors.1.count": 750, "investors.2.count": 500,
             "market.days": 365}  # fmt: skip
    load_scenario(BASELINE, scale)  # the bench's one-year run stays within the bound


def test_yaml_is_loaded_within_bounds():
    assert safe_load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}
    assert safe_load("") is None
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True)
    )
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    cases = [
        (bomb, "values once aliases are expanded"),
        ("a: &a [*a]", "recursive"),
        ("[" * 100 + "]" * 100, "nested"),
        (many, "more than 100 aliases"),
    ]
    for text, why in cases:
        with pytest.raises(yaml.YAMLError, match=why):
            safe_load(text)
