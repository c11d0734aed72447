"""Scenario files: YAML market designs loaded once into typed, validated pydantic models.

Unknown keys are errors; every value is checked; references between sections (an asset's
issuer, a venue's operator, an offering's asset) must resolve. `load_scenario` raises
ScenarioError listing every problem with its field path and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from simulator import yamlcheck
from simulator.behaviour import Behaviour
from simulator.errors import StosimError
from simulator.fee_stack import FeeStack
from simulator.rule_ids import RULE_IDS
from simulator.safe_yaml import safe_load
from simulator.scenario_sections import (
    MAX_KRW,
    Asset,
    Bps,
    Budget,
    Distributions,
    FeeSchedule,
    Firm,
    Fundamental,
    InvestorGroup,
    Krw,
    Ledger,
    LedgerBackend,
    MarketSpec,
    Offering,
    Regime,
    RegimeParams,
    Share,
    Strict,
    TradingHours,
    Venue,
)

# the sections are re-exported: `from simulator.scenario import Regime` is the vocabulary
__all__ = [
    "MAX_KRW",
    "MAX_SCENARIO_BYTES",
    "RULE_IDS",
    "SCHEMA_VERSION",
    "Asset",
    "Bps",
    "Budget",
    "Distributions",
    "FeeSchedule",
    "Firm",
    "Fundamental",
    "InvestorGroup",
    "Krw",
    "Ledger",
    "LedgerBackend",
    "MarketSpec",
    "Offering",
    "OverrideError",
    "Regime",
    "RegimeParams",
    "Scenario",
    "ScenarioError",
    "Share",
    "Strict",
    "TradingHours",
    "Venue",
    "apply_overrides",
    "load_scenario",
    "load_yaml",
    "parse_scenario",
    "reference_problems",
]

SCHEMA_VERSION = 1
MAX_SCENARIO_BYTES = 1_000_000


class Scenario(Strict):
    schema_version: Literal[1] = Field(description=f"must be {SCHEMA_VERSION}")
    name: str = Field(min_length=1, max_length=80)
    question: str = Field("", max_length=2_000)
    seed: int = Field(0, ge=0, lt=2**63)
    market: MarketSpec = MarketSpec()
    regime: Regime = Regime()
    firms: list[Firm] = Field(min_length=1)
    assets: list[Asset] = Field(min_length=1)
    offerings: list[Offering] = Field(min_length=1)
    venues: list[Venue] = Field(min_length=1)
    investors: list[InvestorGroup] = Field(min_length=1)
    ledger: Ledger = Ledger()
    behaviour: Behaviour = Behaviour()
    fee_stack: FeeStack = FeeStack()

    def firm(self, firm_id: str) -> Firm:
        return next(f for f in self.firms if f.id == firm_id)

    def asset(self, asset_id: str) -> Asset:
        return next(a for a in self.assets if a.id == asset_id)

    def offering_of(self, asset_id: str) -> Offering:
        return next(o for o in self.offerings if o.asset == asset_id)


def reference_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Cross-references that do not resolve, each as (field path, message)."""
    problems: list[tuple[str, str]] = []
    firms = {f.id: f for f in scenario.firms}
    _unique(problems, "firms", [f.id for f in scenario.firms])
    _unique(problems, "assets", [a.id for a in scenario.assets])
    _unique(problems, "venues", [v.id for v in scenario.venues])
    for i, asset in enumerate(scenario.assets):
        for field in ("issuer", "underwriter", "arranger", "settlor", "account_manager"):
            ref = getattr(asset, field)
            if ref is not None and ref not in firms:
                problems.append(
                    (f"assets.{i}.{field}", f"unknown firm {ref!r}; firms are {sorted(firms)}")
                )
        if asset.issuer in firms and firms[asset.issuer].role != "issuer":
            role = firms[asset.issuer].role
            problems.append(
                (f"assets.{i}.issuer", f"firm {asset.issuer!r} has role {role}, not issuer")
            )
    assets = {a.id for a in scenario.assets}
    for i, offering in enumerate(scenario.offerings):
        if offering.asset not in assets:
            message = f"unknown asset {offering.asset!r}; assets are {sorted(assets)}"
            problems.append((f"offerings.{i}.asset", message))
    _unique(problems, "offerings", [o.asset for o in scenario.offerings], what="asset")
    underwritten = {a.id for a in scenario.assets if a.underwriter}
    for i, offering in enumerate(scenario.offerings):
        if offering.undersubscribed == "firm_commitment" and offering.asset not in underwritten:
            message = "firm_commitment needs an underwriter (assets[].underwriter)"
            problems.append((f"offerings.{i}.undersubscribed", message))
    missing = sorted(assets - {o.asset for o in scenario.offerings})
    if missing:
        problems.append(("offerings", f"assets {missing} have no offering"))
    for i, venue in enumerate(scenario.venues):
        operator = firms.get(venue.operator)
        if operator is None:
            message = f"unknown firm {venue.operator!r}; firms are {sorted(firms)}"
            problems.append((f"venues.{i}.operator", message))
        elif operator.role != "venue_operator":
            message = f"firm {venue.operator!r} has role {operator.role}, not venue_operator"
            problems.append((f"venues.{i}.operator", message))
    for i, group in enumerate(scenario.investors):
        broker = firms.get(group.broker.firm) if group.broker else None
        if group.broker and (broker is None or broker.role != "securities_firm"):
            problems.append((f"investors.{i}.broker.firm", "must name a securities_firm"))
    venues = {v.id for v in scenario.venues}
    named = [(f"investors.{i}.access", g.access) for i, g in enumerate(scenario.investors)]
    named.append(("behaviour.market_makers.venues", scenario.behaviour.market_makers.venues))
    for path, refs in named:
        for ref in refs:
            if ref not in venues:
                problems.append((path, f"unknown venue {ref!r}; venues are {sorted(venues)}"))
    return problems


def _unique(
    problems: list[tuple[str, str]], section: str, ids: list[str], what: str = "id"
) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            problems.append((f"{section}.{i}.{what}", f"duplicate {ident!r}"))
        seen.add(ident)


class ScenarioError(StosimError):
    """A scenario file that cannot be used; `problems` lists (field path, message)."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path or '(file)'}: {message}" for path, message in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


def parse_scenario(
    data: Any, source: str = "scenario", overrides: dict[str, Any] | None = None
) -> Scenario:
    """Validate already-parsed YAML/JSON data (with optional dotted-path overrides)."""
    if not isinstance(data, dict):
        raise ScenarioError(
            source, [("", f"expected a mapping of sections, got {type(data).__name__}")]
        )
    if overrides:
        try:
            data = apply_overrides(data, overrides)
        except OverrideError as exc:
            raise ScenarioError(source, [(exc.path, str(exc))]) from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, [_describe(err) for err in exc.errors()]) from None
    from simulator import workload  # imported here: it imports Scenario

    problems = reference_problems(scenario) or workload.problems(scenario, workload.DEFAULT_LIMITS)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), [("", f"cannot read the file: {exc.strerror}")]) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(str(path), [("", f"file is larger than {MAX_SCENARIO_BYTES:,} bytes")])
    return parse_scenario(load_yaml(raw, str(path)), str(path), overrides)


def load_yaml(raw: bytes | str, source: str) -> Any:
    """Parse YAML, refusing duplicate keys (which would silently win) and impossible dates
    (2027-02-30), each with its field path."""
    try:
        data = safe_load(raw)  # bounded aliases and size, before anything walks the document
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [("", f"not valid YAML: {exc}")]) from None
    except ValueError:  # an impossible date, within the bounds: the check below names its path
        data = None
    problems = yamlcheck.problems(raw)
    if problems:
        raise ScenarioError(source, problems)
    return data


class OverrideError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` with values set at dotted paths, e.g. {"venues.0.settlement_days": 0}."""
    import copy

    result = copy.deepcopy(data)
    for dotted, value in overrides.items():
        node: Any = result
        keys = dotted.split(".")
        try:
            for key in keys[:-1]:
                node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
            last = keys[-1]
            if isinstance(node, list):
                node[int(last)] = value
            elif isinstance(node, dict):
                node[last] = value
            else:
                raise TypeError
        except (IndexError, ValueError, TypeError, AttributeError):
            raise OverrideError(dotted, "no such field or list element to override") from None
    return result


def _describe(err: Any) -> tuple[str, str]:
    path = ".".join(str(p) for p in err["loc"])
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key (not part of schema version 1)"
    elif err["type"] == "literal_error" or (
        "input" in err and not isinstance(err["input"], (dict, list))
    ):
        got = err["input"]
        big = isinstance(got, int) and abs(got) > 10**18
        message = f"{message} (got {f'a {len(str(abs(got)))}-digit number' if big else repr(got)})"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return path, message
