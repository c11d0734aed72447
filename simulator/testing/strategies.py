"""Hypothesis strategies for market-design tests: investors, firms with related-party groups,
offerings, fee schedules, regimes and whole scenarios. Every value is valid for the scenario
schema, so a test can feed them to the rule spec, the contracts or the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from simulator.chain.toolchain import PROJECT_ROOT
from simulator.parties import InvestorClass
from simulator.scenario import (
    RULE_IDS,
    FeeSchedule,
    Firm,
    Offering,
    Regime,
    RegimeParams,
    Scenario,
    parse_scenario,
)

INVESTOR_CLASSES = tuple(c.value for c in InvestorClass)
BASELINE = PROJECT_ROOT / "scenarios" / "baseline-2027.yaml"


def krw(max_value: int = 10**12, min_value: int = 0) -> st.SearchStrategy[int]:
    """Amounts in won, with the round figures the rules use (1 m, 5 m, 1 bn...) drawn often."""
    round_figures = [
        v
        for v in (10**6, 3 * 10**6, 5 * 10**6, 10**7, 2 * 10**7, 10**9, 10**10)
        if min_value <= v <= max_value
    ]
    near = (
        st.sampled_from(round_figures).flatmap(
            lambda v: st.integers(max(min_value, v - 2), min(max_value, v + 2))
        )
        if round_figures
        else st.nothing()
    )
    return st.one_of(st.integers(min_value, max_value), near)


def investor_classes() -> st.SearchStrategy[str]:
    return st.sampled_from(INVESTOR_CLASSES)


@st.composite
def investors(draw: Any) -> dict[str, Any]:
    """An investor as the rule spec sees one: class, verification, freeze and what it holds."""
    return {
        "investor_class": draw(investor_classes()),
        "verified": draw(st.booleans()),
        "frozen": draw(st.booleans()),
        "cash": draw(krw(10**9)),
        "invested_this_year": draw(krw(3 * 10**7)),
    }


@st.composite
def firms(draw: Any, count: int = 4, groups: int = 3) -> list[Firm]:
    """Firms of every role, some sharing related-party groups (0 = no group)."""
    roles = draw(
        st.lists(
            st.sampled_from(["issuer", "securities_firm", "venue_operator"]),
            min_size=count,
            max_size=count,
        )
    )
    return [
        Firm(
            id=f"firm-{i}",
            role=role,
            equity_krw=draw(krw(5 * 10**10, 10**8)),
            group=draw(st.integers(0, groups)),
            issuer_account_manager=role == "issuer" and draw(st.booleans()),
            incumbent=role == "venue_operator" and draw(st.booleans()),
        )
        for i, role in enumerate(roles)
    ]


def fee_schedules(max_bps: int = 300) -> st.SearchStrategy[FeeSchedule]:
    return st.builds(
        FeeSchedule,
        maker_bps=st.integers(0, max_bps),
        taker_bps=st.integers(0, max_bps),
        flat_fee=st.integers(0, 5_000),
        min_fee=st.integers(0, 5_000),
        listing_fee=st.sampled_from([0, 1_000_000, 5_000_000]),
        venue_share_bps=st.integers(0, 10_000),
    )


@st.composite
def offerings(draw: Any, asset: str = "ASSET1") -> Offering:
    """Offerings around the KR-ISS-1 tiers (1 bn, 10 bn)."""
    price = draw(st.sampled_from([1_000, 5_000, 10_000, 50_000]))
    size = draw(krw(3 * 10**10, 10**6))
    return Offering(
        asset=asset,
        quantity=max(size // price, 1),
        price=price,
        method=draw(st.sampled_from(["fixed_price", "single_price_auction"])),
        disclosure=draw(st.sampled_from(["none", "tier_two", "registration_statement"])),
        professional_only=draw(st.booleans()),
        demand_share=draw(st.floats(0.05, 1.0)),
    )


@st.composite
def regimes(draw: Any) -> Regime:
    """A regime with some rules switched off and parameters around the domain defaults."""
    off = draw(st.lists(st.sampled_from(RULE_IDS), unique=True, max_size=4))
    params = RegimeParams(
        max_venue_licences=draw(st.integers(1, 4)),
        general_per_issuer_krw=draw(st.sampled_from([3, 5, 10]).map(lambda m: m * 10**6)),
        general_annual_krw=draw(st.sampled_from([5, 10, 20]).map(lambda m: m * 10**6)),
        subscription_cap_krw=draw(st.sampled_from([1, 3, 5]).map(lambda m: m * 10**6)),
        retained_share_bps=draw(st.sampled_from([0, 500, 1_000])),
    )
    return Regime(rules={rule: False for rule in off}, params=params)


@st.composite
def scenarios(
    draw: Any, base: Path = BASELINE, max_days: int = 4, max_investors: int = 8
) -> Scenario:
    """Small variations of a scenario file (the 2027 baseline by default): venues' fees and
    cycles, calendar, investor counts, rules on or off, and the seed. Small enough to run."""
    document = yaml.safe_load(base.read_text())
    overrides: dict[str, Any] = {
        "seed": draw(st.integers(0, 2**32)),
        "market.days": draw(st.integers(1, max_days)),
        "market.calendar": draw(st.sampled_from(["krx", "24/7"])),
    }
    for i, _ in enumerate(document["venues"]):
        overrides[f"venues.{i}.fees"] = draw(fee_schedules()).model_dump()
        overrides[f"venues.{i}.settlement_days"] = draw(st.integers(0, 2))
    for i, _ in enumerate(document["investors"]):
        overrides[f"investors.{i}.count"] = draw(st.integers(1, max_investors))
    for rule in draw(
        st.lists(st.sampled_from(["KR-SEP-1", "KR-INV-2", "KR-INV-3", "KR-MKT-4"]), unique=True)
    ):
        overrides[f"regime.rules.{rule}"] = False
    return parse_scenario(document, str(base), overrides)
