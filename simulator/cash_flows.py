"""What an asset is worth: cash-flow models per asset class, each with a daily state, the cash it
pays holders, and its true value (the present value of expected remaining cash flows at the
scenario's discount rate).

- rent (real estate): rent per unit follows a geometric random walk (the fundamental's drift
  and volatility); each period a random vacancy takes its share; value = a growing perpetuity;
- royalty (music): income decays at a stated rate, with shocks and a yearly seasonality;
- terminal sale (art, collectibles): no cash flow; the whole payoff is a sale at the horizon;
- auction (livestock): a payout at the end of raising, then the token is worth nothing more;
- receivable: a coupon and the principal at maturity, or a default that pays the recovery.

Every model starts at its fundamental's `initial` value, so an offering at that price is fair;
the fundamental's drift and volatility drive its state. A scenario opts in per asset
(`assets[].cash_flows`); without it the value is the fundamental's geometric random walk and
distributions pay its stated yield.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Pct = Annotated[float, Field(ge=0, le=100)]
Model = Literal["rent", "royalty", "terminal_sale", "auction", "receivable"]
BY_KIND: dict[str, Model] = {
    "real_estate": "rent",
    "music_royalty": "royalty",
    "art": "terminal_sale",
    "livestock": "auction",
    "receivables": "receivable",
}


class CashFlows(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Model | None = Field(None, description="none: by the asset's kind")
    discount_rate_pct_year: float = Field(6.0, gt=0, le=100)
    vacancy_pct: Pct = Field(5, description="rent: mean share of rent lost to vacancy")
    decay_pct_year: Pct = Field(15, description="royalty: yearly decay of income")
    seasonality_pct: Pct = Field(20, description="royalty: amplitude of the yearly cycle")
    horizon_days: int = Field(
        730, ge=1, le=36_500, description="sale, auction or maturity, from the start"
    )
    default_pct_year: Pct = Field(2, description="receivable: yearly default probability")
    recovery_pct: Pct = Field(40, description="receivable: share of principal recovered")


@dataclass
class AssetValue:
    """One asset's cash-flow state, stepped once a day."""

    model: Model
    spec: CashFlows
    drift: float  # per day
    vol: float  # per sqrt(day)
    level: float  # rent or royalty per unit per day; sale or payout level; principal
    day: int = 0
    accrued: float = 0.0  # cash per unit earned since the last distribution
    ended: bool = False  # paid out, matured or defaulted: worth nothing more
    final: float = 0.0  # a terminal payment per unit due now

    @classmethod
    def start(
        cls, model: Model, spec: CashFlows, initial: float, drift_pct: float, vol_pct: float
    ) -> AssetValue:
        drift, vol = drift_pct / 100 / 365, vol_pct / 100 / math.sqrt(365)
        r = spec.discount_rate_pct_year / 100 / 365
        if model == "rent":  # value = level * (1 - v) / (r - g)
            level = initial * max(r - drift, r / 4) / (1 - spec.vacancy_pct / 100)
        elif model == "royalty":  # value = level / (r + decay)
            level = initial * (r + spec.decay_pct_year / 100 / 365)
        elif model in ("terminal_sale", "auction"):  # value = level * exp((g - r) T)
            level = initial * math.exp((r - drift) * spec.horizon_days)
        else:  # a receivable issued at par: the coupon pays the discount rate and default risk
            level = initial
        return cls(model, spec, drift, vol, level)

    @property
    def _r(self) -> float:
        return self.spec.discount_rate_pct_year / 100 / 365

    def value(self) -> float:
        """Present value per unit of the expected remaining cash flows."""
        if self.ended:
            return 0.0
        s, r, left = self.spec, self._r, max(self.spec.horizon_days - self.day, 0)
        if self.model == "rent":
            return self.level * (1 - s.vacancy_pct / 100) / max(r - self.drift, r / 4)
        if self.model == "royalty":
            return self.level / (r + s.decay_pct_year / 100 / 365)
        if self.model in ("terminal_sale", "auction"):
            return self.level * math.exp((self.drift - r) * left)
        hazard = -math.log(1 - s.default_pct_year / 100) / 365
        coupon = self.level * (r + hazard * (1 - s.recovery_pct / 100))
        annuity = (1 - math.exp(-(r + hazard) * left)) / (r + hazard)
        survive = math.exp(-(r + hazard) * left)
        recovery = self.level * s.recovery_pct / 100 * hazard * annuity
        return coupon * annuity + self.level * survive + recovery

    def step(self, rng: np.random.Generator) -> None:
        """One day: the state moves, cash accrues, terminal events happen."""
        if self.ended:
            return
        self.day += 1
        s = self.spec
        shock = math.exp(self.drift - self.vol**2 / 2 + self.vol * rng.normal())
        if self.model == "rent":
            self.level *= shock
            vacancy = min(1.0, rng.exponential(s.vacancy_pct / 100)) if s.vacancy_pct else 0.0
            self.accrued += self.level * (1 - vacancy)
        elif self.model == "royalty":
            self.level *= shock * math.exp(-s.decay_pct_year / 100 / 365)
            season = 1 + s.seasonality_pct / 100 * math.sin(2 * math.pi * self.day / 365)
            self.accrued += self.level * season
        elif self.model in ("terminal_sale", "auction"):
            self.level *= shock
            if self.day >= s.horizon_days:
                self._end(self.level)
        else:
            hazard = -math.log(1 - s.default_pct_year / 100) / 365
            if rng.random() < hazard:
                self._end(self.level * s.recovery_pct / 100)
            else:
                self.accrued += self.level * (self._r + hazard * (1 - s.recovery_pct / 100))
                if self.day >= s.horizon_days:
                    self._end(self.level)

    def _end(self, payment: float) -> None:
        self.ended, self.final = True, payment

    def take_income(self) -> float:
        """Cash per unit to distribute now: the accrued income and any terminal payment."""
        paid, self.accrued, self.final = self.accrued + self.final, 0.0, 0.0
        return paid
