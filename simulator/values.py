"""What the assets are worth and what traders learn of it: each asset's true value (its
cash-flow model, simulator/cash_flows.py, or a geometric random walk of its fundamental) steps
once a day; public news moves it at any hour (behaviour.news); a valuation oracle publishes
estimates with an error and a lag (behaviour.valuation). Every change of value is logged, so
prices can be measured against it (simulator/efficiency.py)."""

from __future__ import annotations

import math
from functools import partial

from simulator.actors.view import PublicMarket
from simulator.calendar import DAY, krx_hours
from simulator.cash_flows import BY_KIND, AssetValue
from simulator.engine import Engine, Priority
from simulator.eventlog import EventLog
from simulator.events import NewsArrived, ValuationPublished, ValueUpdated
from simulator.scenario import Scenario


class AssetValues:
    def __init__(
        self, scenario: Scenario, public: PublicMarket, log: EventLog, engine: Engine
    ) -> None:
        self.s, self.public, self.log, self.engine = scenario, public, log, engine
        # one stream each, so news or an oracle never shifts the values' own draws (news draws
        # a stream only when there is news: a scenario without keeps its results)
        self.value_rng = engine.child_rng()
        self.oracle_rng = engine.child_rng()
        self.news_rng = engine.child_rng() if scenario.behaviour.news.per_month > 0 else None
        self.history: list[dict[str, float]] = []  # per day: every asset's value
        valuation = scenario.behaviour.valuation
        public.oracle_weight = valuation.oracle_weight
        public.signal_noise = valuation.own_signal_noise_pct / 100
        self.models = {
            a.id: AssetValue.start(
                a.cash_flows.model or BY_KIND[a.kind], a.cash_flows, float(a.fundamental.initial),
                a.fundamental.drift_pct_year, a.fundamental.volatility_pct_year,
            )
            for a in scenario.assets
            if a.cash_flows is not None
        }  # fmt: skip

    def start_of_day(self, day: int) -> list[str]:
        """The day's step of every issued asset's value, then the oracle's estimates if due.
        Returns the assets whose terminal payment (a sale, an auction, maturity or default) is
        due to holders today."""
        due: list[str] = []
        if day:
            for asset in self.s.assets:
                if asset.id in self.public.fundamental and self._step(asset.id):
                    due.append(asset.id)
        self.history.append(dict(self.public.fundamental))
        oracle = self.s.behaviour.valuation
        if oracle.every_days and day % oracle.every_days == 0:
            self._publish()
        return due

    def _step(self, asset_id: str) -> bool:
        model, rng = self.models.get(asset_id), self.value_rng
        if model is not None:
            model.step(rng)
            self.public.fundamental[asset_id] = model.value()
        else:
            f = self.s.asset(asset_id).fundamental
            mu = f.drift_pct_year / 100 / 365
            sigma = f.volatility_pct_year / 100 / math.sqrt(365)
            self.public.fundamental[asset_id] *= math.exp(mu - sigma**2 / 2 + sigma * rng.normal())
        self.log.append(ValueUpdated(self.engine.now, asset_id, self.public.fundamental[asset_id]))
        return model is not None and model.final > 0

    def _publish(self) -> None:
        """The oracle's estimates, from the values of `lag_days` ago, with its error."""
        oracle = self.s.behaviour.valuation
        day = len(self.history) - 1
        data_day = max(day - oracle.lag_days, 0)
        for asset, value in sorted(self.history[data_day].items()):
            estimate = value * (1 + self.oracle_rng.normal(0, oracle.error_pct / 100))
            self.public.estimate[asset] = estimate
            self.log.append(ValuationPublished(self.engine.now, asset, estimate, data_day))

    # ---- news ----

    def schedule_news(self) -> None:
        if self.s.behaviour.news.per_month > 0:
            for asset in sorted(a.id for a in self.s.assets):
                self._schedule_news(asset)

    def _schedule_news(self, asset_id: str) -> None:
        assert self.news_rng is not None
        gap = self.news_rng.exponential(30 * DAY / self.s.behaviour.news.per_month)
        up = bool(self.news_rng.random() < 0.5)
        at = self.engine.now + int(gap)
        if at < self.s.market.days * DAY:
            self.engine.at(at, partial(self._news, asset_id, up), priority=Priority.NEWS)

    def _news(self, asset_id: str, up: bool) -> None:
        """Public news: the true value moves at once, and so does the oracle's last estimate
        (everybody reads the news); traders act on it when they next arrive."""
        self._schedule_news(asset_id)
        before = self.public.fundamental.get(asset_id)
        model, t = self.models.get(asset_id), self.engine.now
        if not before or (model is not None and model.ended):
            return
        move = self.s.behaviour.news.move_pct / 100
        factor = 1 + move if up else 1 / (1 + move)
        if model is not None:
            model.level *= factor
            after = model.value()
        else:
            after = before * factor
        self.public.fundamental[asset_id] = after
        self.public.add_news(asset_id, t, after / before)
        if asset_id in self.public.estimate:
            self.public.estimate[asset_id] *= after / before
        in_hours = krx_hours(t, self.s.market.start)
        self.log.append(NewsArrived(t, asset_id, before, after, in_hours))
        self.log.append(ValueUpdated(t, asset_id, after))
