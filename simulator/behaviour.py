"""Scenario sections for how the market responds to its design: how investors choose venues and
order types, how much they trade as costs change, market makers and arbitrageurs, and venues'
strategies (fee policy, operating costs, entry). Every parameter has a stated default, so a
scenario that names none of them still gets a market that responds to fees and liquidity."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.parties import InvestorClass

Krw = Annotated[int, Field(ge=0, lt=2**128, description="Korean won")]
Bps = Annotated[int, Field(ge=0, le=10_000, description="basis points")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VenueChoice(Strict):
    """Investors pick venue and order type by a logit over expected all-in cost and liquidity."""

    model: Literal["logit", "random"] = Field(
        "logit",
        description="logit: by expected all-in cost, liquidity and habit; random: by the venues' "
        "fixed attractiveness weights alone (no response to fees or liquidity)",
    )
    cost_per_bps: float = Field(
        0.02, ge=0, le=10, description="logit utility lost per bps of expected all-in cost"
    )
    liquidity_weight: float = Field(
        1.2,
        ge=0,
        le=10,
        description="utility per unit of log recent share of value traded (network effect); "
        "above 1 the pull of liquidity outweighs an even split",
    )
    switching_cost_bps: float = Field(
        10, ge=0, le=10_000, description="cost of leaving the venue an investor used last"
    )
    empty_book_spread_bps: float = Field(
        300, gt=0, le=10_000, description="half-spread assumed when a side of the book is empty"
    )
    wait_cost_bps: float = Field(
        40, ge=0, le=10_000, description="cost of a resting order that may not fill, at urgency 1"
    )
    smart_routing: list[InvestorClass] = Field(
        [],
        description="investor classes whose brokers route marketable orders to the best "
        "all-in price, whatever the venue's share",
    )
    memory_days: float = Field(
        3, gt=0, le=365, description="half-life of the recent volume shares and fill rates"
    )


class Intensity(Strict):
    """How much investors trade: each arrival trades with probability
    min(1, (reference_cost_bps / cheapest all-in cost) ** cost_elasticity)."""

    cost_elasticity: float = Field(
        0.5, ge=0, le=5, description="elasticity of order flow to the all-in cost of trading"
    )
    reference_cost_bps: float = Field(
        60, gt=0, le=10_000, description="all-in cost at which investors trade at full rate"
    )


class MarketMakers(Strict):
    """Professional liquidity providers: quote both sides, skew quotes with inventory, add their
    maker fee to the spread (fee-aware), and withdraw at inventory or loss limits."""

    count: int = Field(0, ge=0, le=100)
    budget_krw: Krw = Field(500_000_000, gt=0)
    venues: list[str] = Field([], description="venues quoted; empty = every venue listing")
    quote_minutes: int = Field(10, ge=1, le=1_440, description="how often quotes are refreshed")
    half_spread_bps: float = Field(
        25, ge=0, le=5_000, description="half-spread before fees and inventory skew"
    )
    quote_value_krw: Krw = Field(2_000_000, gt=0, description="value of each quote")
    inventory_limit_krw: Krw = Field(
        30_000_000, gt=0, description="most it holds of one asset; it aims at half of it"
    )
    inventory_skew_bps: float = Field(
        40, ge=0, le=5_000, description="quote shift at either inventory limit (Avellaneda-Stoikov)"
    )
    loss_limit_pct: float = Field(
        10, gt=0, le=100, description="stop quoting after this loss of the starting wealth"
    )
    fee_aware: bool = Field(True, description="add the maker fee to the half-spread")
    follow_flow: bool = Field(
        True, description="size quotes on each venue by its recent share of value traded"
    )
    min_presence: float = Field(
        0.25, ge=0, le=1, description="smallest quote size on a venue, as a share of the full size"
    )


class Arbitrageurs(Strict):
    """Take both sides when one venue's bid is above another's ask by more than the fees."""

    count: int = Field(0, ge=0, le=100)
    budget_krw: Krw = Field(200_000_000, gt=0)
    inventory_share: float = Field(0.3, ge=0, le=1)
    check_minutes: int = Field(5, ge=1, le=1_440)
    min_edge_bps: float = Field(5, ge=0, le=10_000, description="profit after fees required")


class FeePolicy(Strict):
    """fixed: the schedule stays; share: cut fees below the target share, raise them above;
    revenue: move fees in the direction that raised revenue at the last review."""

    kind: Literal["fixed", "share", "revenue"] = "fixed"
    review_days: int = Field(5, ge=1, le=365)
    step_bps: Bps = 5
    target_share: float = Field(0.5, ge=0, le=1)
    floor_bps: Bps = 0
    ceiling_bps: Bps = 300


class ListingPolicy(Strict):
    """What a venue agrees to list, beyond the rules: issues below a minimum size are refused
    (a venue's own commercial choice, logged as VENUE-POLICY)."""

    min_offering_krw: Krw = 0


class Entry(Strict):
    """A venue that is not open at the start: on `day` it enters only if its expected fee
    revenue over `horizon_days` covers the fixed cost and operating costs (break-even test)."""

    day: int = Field(ge=0, le=3_660)
    fixed_cost_krw: Krw = 0
    horizon_days: int = Field(365, ge=1, le=3_660)


class Valuation(Strict):
    """What traders know of value. Without an oracle (every_days 0) value traders see the true
    value; with one, an oracle (a quarterly appraisal, a daily AI model) publishes estimates
    with an error and a lag, and each value trader combines the latest estimate with a noisy
    signal of its own."""

    every_days: int = Field(0, ge=0, le=3_660, description="0: no oracle (true value seen)")
    error_pct: float = Field(3, ge=0, le=100, description="the oracle's estimation error (sd)")
    lag_days: int = Field(0, ge=0, le=365, description="age of the data an estimate uses")
    own_signal_noise_pct: float = Field(
        8, ge=0, le=100, description="sd of each trader's own noisy signal of the true value"
    )
    oracle_weight: float = Field(0.7, ge=0, le=1, description="weight of the oracle's estimate")


class Conflicts(Strict):
    """What a venue affiliated with an issuer (same related-party group) does with its position
    when separation (KR-SEP-1) is off; with it on, the venue cannot list its group's tokens and
    none of this has anywhere to act. Each behaviour has a strength; 0 turns it off."""

    offering_premium_pct: float = Field(
        10, ge=0, le=100, description="its group's offerings priced this far above value"
    )
    fee_waiver_pct: float = Field(
        75, ge=0, le=100, description="share of its fee it pays back on its group's tokens"
    )
    support_budget_krw: Krw = Field(
        300_000_000, description="cash the group puts behind support bids in its tokens"
    )
    support_premium_pct: float = Field(
        3, ge=0, le=100, description="support bids stand this far above the true value"
    )
    rival_listing_delay_days: int = Field(
        5, ge=0, le=3_660, description="rival issuers' tokens listed only after this delay"
    )
    trade_ahead_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="seeing a marketable buy arrive at its venue, the group's desk first takes "
        "this share of it at the best ask, and later offers what it bought above it",
    )
    trade_ahead_markup_bps: float = Field(
        100, ge=0, le=5_000, description="how far above the ask it took the desk offers"
    )


# Retail demand by hour of day (KST), weekday: low at night, a peak at the open, a second one
# in the evening after work (as seen on Korean retail platforms that trade round the clock).
HOURLY_DEMAND = (
    0.6, 0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 1.6, 1.4, 1.2,
    1.0, 1.1, 1.2, 1.3, 0.9, 0.8, 0.9, 1.1, 1.3, 1.4, 1.3, 0.9,
)  # fmt: skip


class Demand(Strict):
    """When investors want to trade. session: an investor's orders_per_day arrive in every
    trading session, spread evenly over it (more sessions, more orders). clock: investors want
    to trade around the clock by an hourly and weekend profile, 5 x orders_per_day a week
    whatever the calendar; a wish that comes while the market is closed waits for the next
    open. Under clock, a 24/7 market and a KRX-hours one see the same total order flow."""

    basis: Literal["session", "clock"] = "session"
    hourly: list[float] = Field(
        list(HOURLY_DEMAND),
        min_length=24,
        max_length=24,
        description="relative demand by hour of day, 00-23 KST (clock basis)",
    )
    weekend_factor: float = Field(
        0.6, ge=0, le=10, description="weekend demand relative to a weekday's same hour"
    )
    open_spread_minutes: int = Field(
        30, ge=0, le=1_440, description="orders that waited for the open arrive over this time"
    )

    @field_validator("hourly")
    @classmethod
    def _some_demand(cls, v: list[float]) -> list[float]:
        if any(w < 0 or w > 1e6 for w in v) or sum(v) <= 0:
            raise ValueError("hourly weights must be between 0 and 1e6, not all 0")
        return v


class News(Strict):
    """Public news that moves an asset's true value at any hour of any day (a Poisson process
    per asset); each news moves it up or down by `move_pct`. 0 per month: no news."""

    per_month: float = Field(0, ge=0, le=1_000, description="news per asset per 30 days")
    move_pct: float = Field(10, gt=0, le=90, description="size of each move of value")


class Behaviour(Strict):
    demand: Demand = Demand()
    news: News = News()
    valuation: Valuation = Valuation()
    conflicts: Conflicts = Conflicts()
    venue_choice: VenueChoice = VenueChoice()
    intensity: Intensity = Intensity()
    market_makers: MarketMakers = MarketMakers()
    arbitrageurs: Arbitrageurs = Arbitrageurs()
