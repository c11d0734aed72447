"""Every trade id settles or fails once (observation 2 of issue 12), and KSD's cycle
(KR-SET-1, observation 4): only the registrar finalizes and grants that role, and the due date
follows from the venue's cycle and KSD's on-chain calendar, not from the operator."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_utils import keccak

from simulator.chain.deferred import pending_trade
from simulator.errors import ContractRevert, RuleViolation

from .conftest import PRICE, Scene, expect_rule

KST = dt.timezone(dt.timedelta(hours=9))
KSD_ROLE = keccak(text="KSD_ROLE")


def _unix(day: dt.date, hour: int = 10) -> int:
    return int(dt.datetime.combine(day, dt.time(hour), KST).timestamp())


def _parties(scene: Scene) -> tuple[str, str]:
    seller, buyer = scene.investors[:2]
    scene.mint(seller, 100)
    scene.fund(buyer, 2_000_000)
    return seller, buyer


def test_obs2_a_t0_batch_repeating_a_trade_id_settles_it_once(scene: Scene):
    seller, buyer = _parties(scene)
    buy, sell = scene.order(buyer, True, 20), scene.order(seller, False, 20)
    trade = scene.matched(buy, sell, 10)
    tx = scene.settle([trade, trade])
    assert [e.args["tradeId"] for e in tx.named("TradeSettled")] == [trade[0]]
    assert [e.args["tradeId"] for e in tx.named("TradeIdReused")] == [trade[0]]
    assert scene.balance(buyer) == 10, "a 10-token trade delivers 10 tokens"
    again = scene.settle([trade])  # nor in a later batch
    assert not again.named("TradeSettled") and again.named("TradeIdReused")
    assert scene.balance(buyer) == 10 and scene.cash(seller) == 10 * PRICE


def test_a_failed_trade_id_is_not_retried(scene: Scene):
    seller, buyer = _parties(scene)
    buy, sell = scene.order(buyer, True, 200), scene.order(seller, False, 200)
    trade = scene.matched(buy, sell, 150)  # a short sale
    assert scene.settle([trade]).named("TradeFailed")
    scene.mint(scene.investors[2], 100)
    scene.tx("SecurityToken", scene.token, "transfer", seller, 100, sender=scene.investors[2])
    assert scene.settle([trade]).named("TradeIdReused")
    assert scene.balance(buyer) == 0


def test_obs2_finalize_repeating_a_deferred_trade_settles_it_once(scene: Scene):
    scene.tx("Venue", scene.venue(), "setSettlementDays", 2, sender=scene.operator())
    seller, buyer = _parties(scene)
    accepted = scene.trade(buyer, seller, 10).named("TradeAccepted")[0].args
    trade_id, trade = accepted["tradeId"], pending_trade(accepted)
    scene.ledger.set_time(accepted["due"])
    tx = scene.tx("Venue", scene.venue(), "finalize", [trade, trade], sender=scene.ksd)
    assert len(tx.named("TradeSettled")) == 1 and len(tx.named("TradeIdReused")) == 1
    assert scene.balance(buyer) == 10, "the buyer of a 10-token trade gets 10, not 20"
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", scene.venue(), "finalize", [trade], sender=scene.ksd)
    assert exc.value.error == "UnknownPendingTrade"
    assert scene.call("Venue", scene.venue(), "tradeStatus", trade_id) == 2  # Settled


@pytest.mark.rule("KR-SET-1")
def test_obs4_the_operator_cannot_make_itself_settlement_agent(scene: Scene):
    operator = scene.operator()
    with pytest.raises(ContractRevert) as exc:
        scene.registry("grantRole", KSD_ROLE, operator, sender=operator)
    assert exc.value.error == "AccessControlUnauthorizedAccount"
    with pytest.raises(ContractRevert):  # not even the regulator: KSD alone grants its role
        scene.registry("grantRole", KSD_ROLE, operator, sender=scene.regulator)
    scene.tx("Venue", scene.venue(), "setSettlementDays", 2, sender=operator)
    seller, buyer = _parties(scene)
    accepted = scene.trade(buyer, seller, 10).named("TradeAccepted")[0].args
    scene.ledger.set_time(accepted["due"])
    with pytest.raises(RuleViolation) as refused:
        scene.tx("Venue", scene.venue(), "finalize", [pending_trade(accepted)], sender=operator)
    expect_rule(refused, "KR-SET-1", "not-registrar")


@pytest.mark.rule("KR-SET-1")
def test_obs4_the_due_date_comes_from_the_cycle_and_ksds_calendar(scene: Scene):
    operator, calendar = scene.operator(), scene.market.calendar
    scene.tx("Venue", scene.venue(), "setSettlementDays", 2, sender=operator)
    seller, buyer = _parties(scene)
    friday = dt.date(2027, 2, 5)
    scene.ledger.set_time(_unix(friday))
    accepted = scene.trade(buyer, seller, 5).named("TradeAccepted")[0].args
    assert accepted["due"] == _unix(dt.date(2027, 2, 9), 9), "T+2 of a Friday: Tuesday 09:00 KST"
    with pytest.raises(RuleViolation) as exc:  # due in the future: KSD cannot finalize at once
        scene.tx("Venue", scene.venue(), "finalize", [pending_trade(accepted)], sender=scene.ksd)
    expect_rule(exc, "KR-SET-1", "not-due")
    monday = (dt.date(2027, 2, 8) - dt.date(1970, 1, 1)).days
    with pytest.raises(ContractRevert):  # the operator does not set KSD's calendar
        scene.tx("SettlementCalendar", calendar, "setHolidays", [monday], True, sender=operator)
    tx = scene.tx("SettlementCalendar", calendar, "setHolidays", [monday], True, sender=scene.ksd)
    assert tx.named("HolidaySet")[0].args["kstDay"] == monday
    later = scene.trade(buyer, seller, 5).named("TradeAccepted")[0].args
    assert later["due"] == _unix(dt.date(2027, 2, 10), 9), "a Monday holiday moves it to Wednesday"


def test_the_settlement_cycle_is_bounded(scene: Scene):
    with pytest.raises(ContractRevert) as exc:
        scene.tx("Venue", scene.venue(), "setSettlementDays", 31, sender=scene.operator())
    assert exc.value.error == "SettlementCycleTooLong"
