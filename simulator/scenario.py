"""Scenario files: YAML market designs loaded once into typed, validated pydantic models.

Unknown keys are errors; every value is checked; references between sections (an asset's
issuer, a venue's operator, an offering's asset) must resolve. `load_scenario` raises
ScenarioError listing every problem with its field path and what is allowed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from simulator import strategies as strategy_registry
from simulator import yamlcheck
from simulator.behaviour import Behaviour, Entry, FeePolicy, ListingPolicy
from simulator.cash_flows import CashFlows
from simulator.errors import StosimError
from simulator.fee_stack import Commission, FeeStack
from simulator.rule_ids import RULE_IDS
from simulator.safe_yaml import safe_load

SCHEMA_VERSION = 1
MAX_SCENARIO_BYTES = 1_000_000


MAX_KRW = 10**15  # a thousand trillion won: far above any real amount, far below uint256
Krw = Annotated[int, Field(ge=0, le=MAX_KRW, description="Korean won")]
Bps = Annotated[int, Field(ge=0, le=10_000, description="basis points")]
Share = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    # no .inf or .nan: every figure of a scenario is a finite number
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TradingHours(Strict):
    open: dt.time = dt.time(9, 0)
    close: dt.time = dt.time(15, 30)

    @model_validator(mode="after")
    def _open_before_close(self) -> TradingHours:
        if self.open >= self.close:
            raise ValueError("open must be before close")
        return self


class MarketSpec(Strict):
    start: dt.date = dt.date(2027, 2, 4)
    days: int = Field(30, ge=1, le=3_660, description="calendar days simulated")
    calendar: Literal["krx", "24/7"] = "krx"
    trading_hours: TradingHours = TradingHours()
    holidays: list[dt.date] = []
    price_limit_pct: float = Field(30.0, gt=0, le=100, description="KR-MKT-4 daily limit")
    quote_interval_minutes: int = Field(30, ge=1, le=1_440)
    settle_pending: bool = Field(
        True,
        description="after the last session, KSD finalizes the trades still pending on their "
        "due dates (no trading); false: they stay pending and are reported as such",
    )


class RegimeParams(Strict):
    otc_venue_min_equity: Krw = 6_000_000_000
    professional_venue_min_equity: Krw = 3_000_000_000
    issuer_account_manager_min_equity: Krw = 2_000_000_000
    max_venue_licences: int = Field(2, ge=0, le=100)
    small_offering_cap: Krw = 1_000_000_000
    tier_two_cap: Krw = 10_000_000_000
    retained_share_bps: Bps = 500
    disclosure_threshold_bps: Bps = 500
    subscription_cap_bps: Bps = 500
    subscription_cap_krw: Krw = 3_000_000
    general_per_issuer_krw: Krw = 5_000_000
    general_annual_krw: Krw = 10_000_000
    income_qualified_per_issuer_krw: Krw = 10_000_000
    income_qualified_annual_krw: Krw = 20_000_000


class Regime(Strict):
    rules: dict[str, bool] = Field({}, description="rule ID -> on/off; rules not named are on")
    params: RegimeParams = RegimeParams()
    incumbent_exclusivity_days: int = Field(
        0, ge=0, description="days only incumbent venues may list"
    )

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, rules: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(rules) - set(RULE_IDS))
        if unknown:
            raise ValueError(f"unknown rule IDs {unknown}; allowed: {', '.join(RULE_IDS)}")
        return rules

    def enabled(self, rule_id: str) -> bool:
        return self.rules.get(rule_id, True)


class Firm(Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    role: Literal["issuer", "securities_firm", "venue_operator"]
    equity_krw: Krw
    group: int = Field(0, ge=0, description="related-party group; 0 = none")
    issuer_account_manager: bool = Field(False, description="KR-LIC-2 licence for an issuer")
    incumbent: bool = Field(False, description="venue operator licensed before the scenario starts")


class Fundamental(Strict):
    initial: Krw = Field(gt=0)
    drift_pct_year: float = Field(0.0, ge=-100, le=100)
    volatility_pct_year: float = Field(10.0, ge=0, le=300)


class Distributions(Strict):
    every_days: int = Field(90, ge=1)
    yield_pct_year: float = Field(0.0, ge=0, le=100)


class Asset(Strict):
    id: str = Field(min_length=1, max_length=11, pattern=r"^[A-Za-z0-9]+$")
    kind: Literal["real_estate", "music_royalty", "art", "receivables", "livestock"]
    issuer: str
    underwriter: str | None = None
    arranger: str | None = None
    settlor: str | None = None
    account_manager: str | None = Field(None, description="securities firm; default: the issuer")
    fundamental: Fundamental
    distributions: Distributions = Distributions()
    cash_flows: CashFlows | None = Field(
        None, description="a cash-flow model (rent, royalty, sale, auction, receivable)"
    )


class Offering(Strict):
    asset: str
    quantity: int = Field(gt=0, le=10**12)
    price: Krw = Field(gt=0)
    method: Literal["fixed_price", "single_price_auction"] = "fixed_price"
    disclosure: Literal["none", "tier_two", "registration_statement"] = "none"
    professional_only: bool = False
    demand_share: Share = Field(0.5, description="share of investors who subscribe")
    underwriting_fee_bps: Bps = Field(
        0, description="the underwriter's fee on the proceeds, paid by the issuer"
    )


class FeeSchedule(Strict):
    maker_bps: Bps = 0
    taker_bps: Bps = 0
    flat_fee: Krw = 0
    min_fee: Krw = 0
    listing_fee: Krw = 0
    venue_share_bps: Bps = 10_000


class Venue(Strict):
    id: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    operator: str
    fees: FeeSchedule = FeeSchedule()
    matching: Literal["continuous", "call_auction"] = "continuous"
    call_interval_minutes: int = Field(60, ge=1, le=1_440)
    settlement_days: int = Field(2, ge=0, le=10, description="0 = on-ledger DvP at T+0")
    batch_minutes: int = Field(30, ge=1, le=1_440, description="how often matched trades settle")
    professional_only: bool = False
    attractiveness: float = Field(
        1.0,
        gt=0,
        le=1e6,
        description="brand pull on investors beyond cost and liquidity (logit prior weight)",
    )
    fee_policy: FeePolicy = FeePolicy()
    listing_policy: ListingPolicy = ListingPolicy()
    operating_cost_krw_per_day: Krw = 0
    entry: Entry | None = Field(None, description="a venue that enters later (none: open at day 0)")


class Budget(Strict):
    median_krw: Krw = Field(gt=0)
    sigma: float = Field(0.5, ge=0, le=3, description="lognormal spread")


def _strategy_mix(mix: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(mix) - set(strategy_registry.names()))
    if unknown:
        known = ", ".join(strategy_registry.names())
        raise ValueError(f"unknown strategies {unknown}; registered: {known}")
    if any(not 0 <= share <= 1 for share in mix.values()):
        raise ValueError("each strategy share must be between 0 and 1")
    total = sum(mix.values())
    if abs(total - 1) > 1e-9:
        raise ValueError(f"strategy shares must add up to 1, not {total:g}")
    return mix


class InvestorGroup(Strict):
    investor_class: Literal["general", "income_qualified", "professional"] = Field(alias="class")
    count: int = Field(ge=0, le=100_000)
    budget: Budget
    strategies: dict[str, float] = Field(
        {"noise": 0.6, "fundamental": 0.3, "momentum": 0.1},
        description="strategy name -> share of the group (registered strategies)",
    )
    orders_per_day: float = Field(1.0, ge=0, le=1_000)
    access: list[str] = Field([], description="venues this group can reach; empty = every venue")
    broker: Commission | None = Field(None, description="the group's broker and its commission")

    @field_validator("strategies")
    @classmethod
    def _mix(cls, mix: dict[str, float]) -> dict[str, float]:
        return _strategy_mix(mix)


LedgerBackend = Literal["anvil", "revm"]


class Ledger(Strict):
    backend: LedgerBackend = Field(
        "revm",
        description="revm (the default): the compiled contracts run in-process on an embedded "
        "EVM, same results as Anvil and much faster; anvil: a local Anvil node over JSON-RPC, "
        "which other tools (wallets, cast) can attach to",
    )


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
