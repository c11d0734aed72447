"""The market-design questions of issue 14 answered over several seeds with paired differences
and 95% intervals (common random numbers: both arms run the same seeds), on the library's
scenarios. Each assertion is the expected finding; if one fails after a model change, find out
why before touching the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from simulator.runner import run_scenario
from simulator.scenario import load_scenario

from .literature import compare

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CONFLICTS_OFF = {
    "behaviour.conflicts": {
        "offering_premium_pct": 0, "support_budget_krw": 0, "rival_listing_delay_days": 0,
        "trade_ahead_share": 0, "fee_waiver_pct": 0,
    }
}  # fmt: skip
KRX_HOURS = {
    "market.calendar": "krx",
    "market.holidays": ["2027-02-08", "2027-02-09", "2027-03-01"],
}
QUARTERLY = {"behaviour.valuation.every_days": 90, "behaviour.valuation.lag_days": 30}


def summaries(name: str, overrides: dict[str, Any], seeds: range) -> list[dict[str, Any]]:
    """Headline summaries over the seeds, with the number of orders investors sent (market
    makers, arbitrageurs and desks, which act by the clock of the sessions, left out)."""
    scenario = load_scenario(SCENARIOS / name, overrides)
    runs = [run_scenario(scenario, seed=seed, ledger="revm") for seed in seeds]
    return [r.summary | {"orders": investor_orders(r.tables["order_submitted"])} for r in runs]


def investor_orders(orders: pd.DataFrame) -> int:
    providers = orders["investor"].str.startswith(("mm-", "arb-", "support-"))
    return int((~providers).sum())


def pnl(investor_class: str) -> Any:
    return lambda s: s["investor_pnl_at_value_krw"][investor_class]


@pytest.mark.rule("KR-SEP-1")
def test_without_separation_the_affiliate_lifts_its_tokens_above_value_at_investors_cost():
    """Conflicts on against off, both on no-separation.yaml; and with them off the affiliated
    venue is just another venue: against the baseline the losses vanish."""
    seeds = range(1, 9)
    on = summaries("no-separation.yaml", {}, seeds)
    off = summaries("no-separation.yaml", CONFLICTS_OFF, seeds)
    metrics = {
        "general": pnl("general"),
        "income qualified": pnl("income_qualified"),
        "affiliated premium (bps)": lambda s: s["affiliated_premium_bps"],
    }
    found = compare(off, on, metrics)
    print(*found.values(), sep="\n")
    assert found["general"].interval[1] < 0
    assert found["income qualified"].interval[1] < 0
    assert found["affiliated premium (bps)"].interval[0] > 0
    # no-separation.yaml puts the affiliate's venue in KDX's place with KDX's fees: with its
    # conflicts off it is KDX under another name, and the market is the baseline's
    baseline = summaries("baseline-2027.yaml", {}, seeds)
    plain = compare(baseline, off, {"general": pnl("general")})["general"]
    print(plain)
    assert abs(plain.mean) <= abs(found["general"].mean) / 4


def test_24_7_trading_brings_off_hours_news_into_prices_sooner_with_the_same_order_flow():
    seeds = range(1, 7)
    krx = summaries("24-7.yaml", KRX_HOURS, seeds)
    round_the_clock = summaries("24-7.yaml", {}, seeds)
    found = compare(krx, round_the_clock, {
        "hours to incorporate off-hours news": lambda s: s["news_hours_to_incorporate_off_hours"],
        "orders": lambda s: s["orders"],
    })  # fmt: skip
    print(*found.values(), sep="\n")
    assert found["hours to incorporate off-hours news"].interval[1] < 0
    orders = found["orders"]  # the same wishes to trade: more sessions are not more demand
    assert abs(orders.mean) < 0.1 * sum(orders.a) / len(orders.a)


def test_daily_ai_repricing_brings_prices_closer_to_value_than_a_quarterly_appraisal():
    seeds = range(1, 9)
    quarterly = summaries("ai-repricing.yaml", QUARTERLY, seeds)
    daily = summaries("ai-repricing.yaml", {}, seeds)
    error = "mean |price - value| (bps)"
    found = compare(quarterly, daily, {error: lambda s: s["pricing_error_bps_mean"]})
    print(found[error])
    assert found[error].interval[1] < 0
