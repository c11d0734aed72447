"""How much work and memory a scenario asks for, estimated before it runs, and the limits it is
admitted against: `stosim validate`/`stosim run` check the default bound, the API its own
(smaller) limits from its settings. A refusal names the field and the limit.

The per-order figures come from bench/README.md (issue 16's second round: the 2027 baseline
scaled to 5,000 investors and 365 days on the embedded ledger, 3.3 million orders, 214,252 trades
settled, 795 s, 4.4 GiB peak before deferred trades became commitments, 1.95 GiB after; 100,000
investors x 30 days, 5.5 million orders, 5.67 GiB; 500 investors x 60 days on Anvil, 54,750 orders,
100 s, 60 s after); they are estimates for admission, on the safe side, not promises."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from simulator.scenario import Scenario

BASE_BYTES = 160 * 2**20  # a run's process before its first order: interpreter, contracts, chain
# order books, event log and tables, and the chain's state carried over, per order
BYTES_PER_ORDER = 1_400
TRADES_PER_ORDER = 0.1  # settled trades per order arrival in the reference runs
SECONDS_PER_ORDER = {"revm": 240e-6, "anvil": 1.8e-3}  # Anvil's blocks slow as the chain grows
START_SECONDS = {"revm": 2.0, "anvil": 5.0}


@dataclass(frozen=True)
class Workload:
    """A scenario's size: orders = sum over investor groups of count x orders_per_day x days."""

    orders: int
    investors: int
    days: int
    assets: int
    trades: int
    bytes: int
    seconds: float

    def times(self, n: int) -> Workload:
        """The work of `n` such runs (a sweep's tasks, a comparison's runs), one at a time."""
        return Workload(
            self.orders * n, self.investors, self.days, self.assets, self.trades * n,
            self.bytes, self.seconds * n,
        )  # fmt: skip


class Limits(BaseModel):
    """Upper bounds on a run; None: no bound on that measure."""

    model_config = ConfigDict(frozen=True)
    orders: int | None = Field(None, ge=1, description="order arrivals of the whole run")
    investors: int | None = Field(None, ge=1)
    days: int | None = Field(None, ge=1)
    assets: int | None = Field(None, ge=1)
    bytes: int | None = Field(None, ge=1, description="estimated peak memory of the run")
    seconds: float | None = Field(None, gt=0, description="estimated wall time of the run")


# the bound of `stosim validate` and `stosim run`: three times the largest bench run (bench/README)
DEFAULT_LIMITS = Limits(orders=10_000_000, bytes=40 * 2**30)


def estimate(scenario: Scenario, ledger: str | None = None) -> Workload:
    days = scenario.market.days
    orders = round(sum(g.count * g.orders_per_day * days for g in scenario.investors))
    backend = ledger or scenario.ledger.backend
    return Workload(
        orders=orders,
        investors=sum(g.count for g in scenario.investors),
        days=days,
        assets=len(scenario.assets),
        trades=round(orders * TRADES_PER_ORDER),
        bytes=BASE_BYTES + orders * BYTES_PER_ORDER,
        seconds=START_SECONDS[backend] + orders * SECONDS_PER_ORDER[backend],
    )


def problems(
    scenario: Scenario, limits: Limits, ledger: str | None = None
) -> list[tuple[str, str]]:
    """What exceeds `limits`, each as (field path, message naming the limit); [] if admitted."""
    work = estimate(scenario, ledger)
    found: list[tuple[str, str]] = []
    if limits.investors is not None and work.investors > limits.investors:
        found.append(("investors", f"{work.investors:,} investors; at most {limits.investors:,}"))
    if limits.days is not None and work.days > limits.days:
        found.append(("market.days", f"{work.days:,} days; at most {limits.days:,}"))
    if limits.assets is not None and work.assets > limits.assets:
        found.append(("assets", f"{work.assets:,} assets; at most {limits.assets:,}"))
    where = _busiest_group(scenario)
    if limits.orders is not None and work.orders > limits.orders:
        found.append(
            (where, f"{work.orders:,} orders (investors x orders_per_day x days); "
             f"at most {limits.orders:,}")
        )  # fmt: skip
    if limits.bytes is not None and work.bytes > limits.bytes:
        found.append(
            (where, f"about {work.bytes / 2**30:,.1f} GiB of memory for {work.orders:,} orders; "
             f"at most {limits.bytes / 2**30:,.1f} GiB")
        )  # fmt: skip
    if limits.seconds is not None and work.seconds > limits.seconds:
        found.append(
            (where, f"about {work.seconds:,.0f} s for {work.orders:,} orders; "
             f"at most {limits.seconds:,.0f} s")
        )  # fmt: skip
    return found


def _busiest_group(scenario: Scenario) -> str:
    """The field to change first when there are too many orders: the group sending the most."""
    sizes = [g.count * g.orders_per_day for g in scenario.investors]
    return f"investors.{sizes.index(max(sizes))}.orders_per_day"
