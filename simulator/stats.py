"""Paired comparisons over seeds: a variant against its baseline run with the same seeds (common
random numbers), so each seed's difference cancels the luck both arms share.

The 95% interval of the mean difference is Student's t; where normality is doubtful (Shapiro-Wilk
p < 0.05 with at least 3 seeds, or a difference that is the same on every seed but one) a
percentile bootstrap is given beside it and used for the verdict. The verdict says plainly when
the seeds are too few to tell the arms apart. Deterministic: the bootstrap has a fixed seed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 20_270_204
MIN_SEEDS = 3  # below this an interval is too wide to mean much; the verdict says so


@dataclass(frozen=True)
class Paired:
    n: int
    baseline_mean: float
    variant_mean: float
    diff_mean: float
    diff_std: float
    t_low: float
    t_high: float
    boot_low: float
    boot_high: float
    normality_p: float  # Shapiro-Wilk on the differences; NaN below 3 seeds
    method: str  # "t" or "bootstrap": the interval the verdict rests on
    verdict: str

    @property
    def low(self) -> float:
        return self.boot_low if self.method == "bootstrap" else self.t_low

    @property
    def high(self) -> float:
        return self.boot_high if self.method == "bootstrap" else self.t_high

    @property
    def relative_pct(self) -> float:
        """The mean difference as a percentage of the baseline mean (NaN for a zero baseline)."""
        if not self.baseline_mean or not math.isfinite(self.baseline_mean):
            return math.nan
        return self.diff_mean / abs(self.baseline_mean) * 100

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "low": self.low, "high": self.high, "rel_pct": self.relative_pct}


def t_interval(values: np.ndarray) -> tuple[float, float]:
    """95% Student-t interval of the mean; NaN for fewer than two values."""
    from scipy import stats

    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean, std = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    return mean - half, mean + half


def bootstrap_interval(values: np.ndarray) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean; NaN for fewer than two values."""
    if len(values) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.choice(values, size=(BOOTSTRAP_RESAMPLES, len(values)), replace=True)
    low, high = np.percentile(draws.mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def _normality_p(diffs: np.ndarray) -> float:
    from scipy import stats

    if len(diffs) < 3 or float(np.ptp(diffs)) == 0.0:
        return math.nan
    return float(stats.shapiro(diffs).pvalue)


def paired(baseline: Any, variant: Any) -> Paired:
    """Compare two arms seed by seed; `baseline[i]` and `variant[i]` share a seed. Pairs where
    either value is missing are dropped."""
    base = np.asarray(baseline, dtype=float)
    var = np.asarray(variant, dtype=float)
    keep = np.isfinite(base) & np.isfinite(var)
    base, var = base[keep], var[keep]
    diffs = var - base
    n = len(diffs)
    t_low, t_high = t_interval(diffs)
    boot_low, boot_high = bootstrap_interval(diffs)
    normality = _normality_p(diffs)
    doubtful = (math.isfinite(normality) and normality < 0.05) or _one_outlier(diffs)
    method = "bootstrap" if doubtful and n >= MIN_SEEDS else "t"
    low, high = (boot_low, boot_high) if method == "bootstrap" else (t_low, t_high)
    return Paired(
        n=n,
        baseline_mean=float(base.mean()) if n else math.nan,
        variant_mean=float(var.mean()) if n else math.nan,
        diff_mean=float(diffs.mean()) if n else math.nan,
        diff_std=float(diffs.std(ddof=1)) if n > 1 else math.nan,
        t_low=t_low,
        t_high=t_high,
        boot_low=boot_low,
        boot_high=boot_high,
        normality_p=normality,
        method=method,
        verdict=_verdict(n, diffs, low, high),
    )


def _one_outlier(diffs: np.ndarray) -> bool:
    """All differences equal but one: a t interval would be wildly off."""
    if len(diffs) < MIN_SEEDS:
        return False
    values, counts = np.unique(diffs, return_counts=True)
    return len(values) == 2 and int(counts.min()) == 1


def _verdict(n: int, diffs: np.ndarray, low: float, high: float) -> str:
    if n == 0:
        return "no value in both arms"
    if n == 1:
        return "one seed: no interval, add seeds"
    if float(np.ptp(diffs)) == 0.0:
        return "same difference on every seed" if diffs[0] else "identical on every seed"
    if low <= 0 <= high:
        more = ", add seeds" if n < MIN_SEEDS else ""
        return f"cannot tell apart with {n} seeds{more}"
    direction = "higher" if low > 0 else "lower"
    caution = f" (only {n} seeds)" if n < MIN_SEEDS else ""
    return f"{direction} than the baseline{caution}"
