"""The issuer's primary offering, on a ledger that accepts every transaction: the retained share
(KR-ISS-2), allocation when undersubscribed and pro rata when oversubscribed, the single-price
auction's clearing price, and the subscription cap (KR-INV-3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.actors.investor import Investor
from simulator.actors.issuer import Issuer
from simulator.chain.ledger import TxResult
from simulator.eventlog import EventLog
from simulator.events import AssetIssued, Refused, Subscribed
from simulator.scenario import Asset, Fundamental, Offering, Regime

PRICE = 10_000
YEAR = 2027
UNCAPPED = Regime(rules={"KR-INV-2": False, "KR-INV-3": False})


class AcceptingLedger:
    """Every transaction succeeds; the calls are kept for the test to read."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def _ok(self) -> TxResult:
        return TxResult("0x0", 21_000, 1)

    def transact(self, contract: str, address: str, fn: str, *args: Any, sender: str) -> TxResult:
        self.calls.append((contract, fn, *map(str, args)))
        return self._ok()

    def try_many(self, calls: list[tuple[Any, ...]]) -> list[TxResult]:
        self.calls.extend((c[0], c[2], *map(str, c[3])) for c in calls)
        return [self._ok() for _ in calls]

    def transact_many(self, calls: list[tuple[Any, ...]]) -> list[TxResult]:
        return self.try_many(calls)


def investors(budgets: list[int], regime: Regime) -> list[Investor]:
    return [
        Investor(f"inv{i}", f"0x{i:040x}", "general", budget, "noise", 1.0,
                 np.random.default_rng(i), regime)
        for i, budget in enumerate(budgets)
    ]  # fmt: skip


def offer(
    quantity: int, budgets: list[int], regime: Regime = UNCAPPED, **offering: Any
) -> tuple[Issuer, EventLog, AcceptingLedger]:
    log, ledger = EventLog(), AcceptingLedger()
    asset = Asset(id="A", kind="art", issuer="ISS", fundamental=Fundamental(initial=PRICE))
    terms = Offering(asset="A", quantity=quantity, price=PRICE, demand_share=1.0, **offering)
    issuer = Issuer("ISS", "0xiss", "0xam", asset, terms, "0xtoken", "0xcash", ledger, log,
                    regime, np.random.default_rng(7))  # fmt: skip
    issuer.run_offering(0, investors(budgets, regime), YEAR)
    return issuer, log, ledger


def allotted(log: EventLog) -> dict[str, int]:
    return {e.investor: e.quantity for e in log.of(Subscribed) if isinstance(e, Subscribed)}


@pytest.mark.rule("KR-ISS-2")
def test_the_retained_share_is_minted_to_the_issuer_first():
    _, log, ledger = offer(10_000, [10**8])
    assert ledger.calls[0] == ("SecurityToken", "mint", "0xiss", "500")  # 5% of 10,000
    (issued,) = log.of(AssetIssued)
    assert isinstance(issued, AssetIssued)
    assert issued.outstanding == 500 + sum(allotted(log).values())


def test_an_undersubscribed_offering_allots_every_request_in_full():
    _, log, _ = offer(1_000_000, [10**8, 2 * 10**8])
    got = allotted(log)
    assert set(got) == {"inv0", "inv1"}
    # requests are 10-50% of the budget at the offering price
    for name, budget in (("inv0", 10**8), ("inv1", 2 * 10**8)):
        assert budget * 0.1 // PRICE <= got[name] <= budget * 0.5 // PRICE


def test_an_oversubscribed_offering_is_allotted_pro_rata_rounded_down():
    _, log, _ = offer(1_000, [10**9] * 4)
    got = allotted(log)
    assert sum(got.values()) <= 1_000 - 50  # what is left after the retained share
    assert sum(got.values()) > 1_000 - 50 - len(got)  # rounding loses less than a unit each
    assert max(got.values()) - min(got.values()) < max(got.values())  # everyone gets a share


@pytest.mark.rule("KR-INV-3")
def test_the_subscription_cap_cuts_a_request_and_is_logged():
    regime = Regime(rules={"KR-INV-2": False})
    _, log, _ = offer(1_000_000, [10**9], regime)
    cap_units = 3_000_000 // PRICE  # min(5% of 10 bn, 3 m KRW)
    assert allotted(log) == {"inv0": cap_units}
    (refused,) = log.of(Refused)
    assert isinstance(refused, Refused)
    assert (refused.rule_id, refused.reason) == ("KR-INV-3", "subscription-cap-exceeded")


def test_an_auction_clears_at_the_highest_price_that_sells_the_issue():
    issuer, _, _ = offer(100, [10**10] * 3, method="single_price_auction")
    assert PRICE < issuer.price <= PRICE * 1.3, "rich bidders: the top bid takes it all"
    starved, _, _ = offer(10**9, [10**6] * 3, method="single_price_auction")
    assert starved.price == PRICE, "no price sells the whole issue: the start price"
