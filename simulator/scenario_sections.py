"""The sections of a scenario file (market, regime, firms, assets, offerings, venues, investor
groups, ledger) as strict pydantic models: unknown keys are errors and every value is checked.
`simulator.scenario` puts them together and loads files."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from simulator import strategies as strategy_registry
from simulator.behaviour import Entry, FeePolicy, ListingPolicy
from simulator.cash_flows import CashFlows
from simulator.fee_stack import Commission
from simulator.parties import InvestorClass
from simulator.rule_ids import RULE_IDS

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
    settlement_calendar: Literal["ksd", "every_day"] = Field(
        "ksd",
        description="days KSD settles on (KR-SET-1): ksd = weekdays except the settlement "
        "holidays, whatever the trading calendar; every_day = round the clock",
    )
    settlement_holidays: list[dt.date] | None = Field(
        None, description="KSD's and the banks' holidays; default: the trading holidays"
    )
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
    disclosure_delay_days: int = Field(
        5, ge=0, le=365, description="KR-DIS-1: days a holder above the threshold takes to file"
    )
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
    undersubscribed: Literal["best_efforts", "firm_commitment", "minimum_raise"] = Field(
        "best_efforts",
        description="when subscriptions fall short: best_efforts = only what sold is issued; "
        "firm_commitment = the underwriter buys the rest at the offering price; minimum_raise "
        "= below minimum_raise_pct of the units offered the offering is withdrawn and every "
        "subscription refunded",
    )
    minimum_raise_pct: float = Field(
        0, ge=0, le=100, description="minimum_raise: share of the units offered that must sell"
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
    # validated and documented as the enum, kept as its plain string value
    model_config = ConfigDict(**Strict.model_config, use_enum_values=True)
    investor_class: InvestorClass = Field(alias="class")
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
