"""The entry points issue 16 added or widened, called by someone they are not for: a venue's
per-trade steps from outside the venue, a compliance rule's recording step from outside a
registered token. Each is refused, and the refusal moves nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.errors import ContractRevert

from .conftest import PRICE, Scene

ZERO = "0x" + "00" * 20


def _books(scene: Scene, accounts: list[str]) -> list[tuple[int, int]]:
    return [(scene.balance(a), scene.cash(a)) for a in accounts]


def test_a_venues_per_trade_steps_refuse_every_caller_but_the_venue(scene: Scene):
    seller, buyer = scene.investors[:2]
    outsider = scene.spare[0]
    scene.mint(seller, 10)
    scene.fund(buyer, 1_000_000)
    trade = scene.matched(scene.order(buyer, True, 10), scene.order(seller, False, 10), 10)
    leg = (trade[0], scene.token, buyer, seller, 10, PRICE, 0, 0, True)
    before = _books(scene, [seller, buyer])
    for caller in (outsider, scene.operator()):
        with pytest.raises(ContractRevert) as exc:
            scene.tx("Venue", scene.venue(), "executeTrade", trade, 0, 0, "", sender=caller)
        assert exc.value.error == "OnlySelf"
        with pytest.raises(ContractRevert) as exc:
            scene.tx("Venue", scene.venue(), "deliverPending", leg, 0, True, sender=caller)
        assert exc.value.error == "OnlySelf"
    assert _books(scene, [seller, buyer]) == before
    assert scene.call("Venue", scene.venue(), "tradeStatus", trade[0]) == 0  # never used


def test_a_rules_recording_step_refuses_anyone_but_a_registered_token(scene: Scene):
    investor, outsider = scene.investors[0], scene.spare[0]
    rule = scene.market.contracts["InvestorLimitRule"]
    unix = scene.ledger.timestamp()
    year = (dt.datetime.fromtimestamp(unix, dt.UTC) + dt.timedelta(hours=9)).year  # KST
    counted = scene.call("InvestorLimitRule", rule, "investedInYear", investor, year)
    # an outsider naming a real token, and the token's own registrar, may not count acquisitions
    for caller in (outsider, scene.ksd):
        with pytest.raises(ContractRevert) as exc:
            scene.tx(
                "InvestorLimitRule", rule, "enforce", scene.token, ZERO, investor, 1, 10**9, 0,
                sender=caller,
            )  # fmt: skip
        assert exc.value.error == "NotARegisteredToken"
    assert scene.call("InvestorLimitRule", rule, "investedInYear", investor, year) == counted
