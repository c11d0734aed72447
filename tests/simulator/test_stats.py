"""Paired comparisons over seeds: intervals, the bootstrap where normality is doubtful, and
verdicts that say when the seeds cannot tell the arms apart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.stats import bootstrap_interval, paired, t_interval


def test_a_clear_shift_is_told_apart_with_a_t_interval():
    base = [100.0, 110.0, 95.0, 105.0, 98.0]
    result = paired(
        base, [b + 10 + e for b, e in zip(base, [0.5, -0.5, 0.2, -0.2, 0.0], strict=True)]
    )
    assert result.n == 5 and result.diff_mean == pytest.approx(10.0)
    assert result.method == "t"
    assert 9 < result.low < 10 < result.high < 11
    assert result.verdict == "higher than the baseline"
    assert result.relative_pct == pytest.approx(10 / 101.6 * 100)


def test_pairing_removes_the_luck_both_arms_share():
    """Unpaired, these arms overlap completely; paired, every seed moves by about -1."""
    base = np.array([10.0, 50.0, 90.0, 30.0, 70.0])
    result = paired(base, base - 1 + np.array([0.1, -0.1, 0.0, 0.05, -0.05]))
    assert result.high < 0 and result.verdict == "lower than the baseline"


def test_noise_around_zero_cannot_be_told_apart():
    result = paired([1.0, 2.0, 3.0, 4.0], [1.5, 1.5, 3.5, 3.5])
    assert result.low < 0 < result.high
    assert result.verdict == "cannot tell apart with 4 seeds"


def test_too_few_seeds_say_so():
    assert paired([1.0], [2.0]).verdict == "one seed: no interval, add seeds"
    two = paired([1.0, 2.0], [1.5, 1.0])
    assert two.verdict == "cannot tell apart with 2 seeds, add seeds"
    assert math.isnan(paired([1.0], [2.0]).t_low)


def test_a_lone_outlier_makes_the_bootstrap_the_interval_used():
    base = np.zeros(6)
    result = paired(base, [1.0, 1.0, 1.0, 1.0, 1.0, 30.0])
    assert result.method == "bootstrap"
    assert (result.low, result.high) == (result.boot_low, result.boot_high)
    assert result.t_low < result.boot_low  # the t interval would reach far below


def test_identical_arms_and_missing_values():
    assert paired([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]).verdict == "identical on every seed"
    assert paired([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]).verdict == "same difference on every seed"
    assert paired([math.nan, math.nan], [1.0, 2.0]).verdict == "no value in both arms"
    assert paired([1.0, math.nan, 3.0, 4.0], [2.0, 5.0, 4.0, 5.1]).n == 3


def test_intervals_are_deterministic_and_contain_the_mean():
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    assert bootstrap_interval(values) == bootstrap_interval(values)
    low, high = t_interval(values)
    assert low < values.mean() < high
    assert paired(np.zeros(8), values).row()["low"] == pytest.approx(
        paired(np.zeros(8), values).low
    )
