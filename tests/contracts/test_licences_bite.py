"""Licences that bite (KR-LIC-1, KR-LIC-2; observation 3 of issue 12): from the moment a
licence is revoked or a venue suspended, nothing new settles there and the account manager mints
nothing. Stated rule for deferred trades: those accepted before still settle at their due date
(settlement finality), unless the regulator deregistered the venue, when they fail."""

from __future__ import annotations

import pytest

from simulator.chain.deferred import PendingTrade, pending_trade
from simulator.chain.deploy import Licence
from simulator.errors import ContractRevert, RuleViolation

from .conftest import Scene, expect_rule, refused


def _parties(scene: Scene) -> tuple[str, str]:
    seller, buyer = scene.investors[:2]
    scene.mint(seller, 100)
    scene.fund(buyer, 2_000_000)
    return seller, buyer


def _accept_deferred(scene: Scene, buyer: str, seller: str) -> tuple[PendingTrade, int]:
    scene.tx("Venue", scene.venue(), "setSettlementDays", 2, sender=scene.operator())
    accepted = scene.trade(buyer, seller, 10).named("TradeAccepted")[0].args
    return pending_trade(accepted), accepted["due"]


@pytest.mark.rule("KR-LIC-1")
def test_obs3_a_venue_whose_operator_lost_its_licence_settles_nothing_new(scene: Scene):
    seller, buyer = _parties(scene)
    tx = scene.registry("revokeLicence", scene.operator(), int(Licence.OTC_VENUE))
    assert tx.named("LicenceRevoked")
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-LIC-1", "operator-not-licensed")
    assert scene.balance(buyer) == 0


@pytest.mark.rule("KR-LIC-2")
def test_obs3_an_account_manager_whose_licence_was_revoked_mints_nothing(scene: Scene):
    scene.mint(scene.investors[0], 10)
    scene.registry("revokeLicence", scene.issuer, int(Licence.ISSUER_ACCOUNT_MANAGER))
    with pytest.raises(RuleViolation) as exc:
        scene.mint(scene.investors[0], 10)
    expect_rule(exc, "KR-LIC-2", "issuer-not-account-manager")
    assert scene.balance(scene.investors[0]) == 10


@pytest.mark.rule("KR-LIC-1")
def test_obs3_a_venue_can_be_suspended_and_reinstated(scene: Scene):
    seller, buyer = _parties(scene)
    with pytest.raises(ContractRevert):  # the regulator's power, not the operator's
        scene.registry("suspendVenue", scene.venue(), True, sender=scene.operator())
    tx = scene.registry("suspendVenue", scene.venue(), True)
    assert tx.named("VenueSuspended")[0].args["suspended"]
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-LIC-1", "venue-suspended")
    scene.registry("suspendVenue", scene.venue(), False)
    assert scene.trade(buyer, seller, 10).named("TradeSettled")


@pytest.mark.rule("KR-LIC-1")
def test_obs3_a_venue_can_be_deregistered_for_good(scene: Scene):
    seller, buyer = _parties(scene)
    assert scene.registry("deregisterVenue", scene.venue()).named("VenueDeregistered")
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-LIC-1", "venue-not-registered")
    assert not scene.call("MarketRegistry", scene.market.registry, "isVenue", scene.venue())
    with pytest.raises(ContractRevert) as exc:
        scene.registry("registerVenue", scene.venue())
    assert exc.value.error == "VenueStatusInvalid"


@pytest.mark.rule("KR-LIC-1")
def test_pending_trades_of_a_venue_that_lost_its_licence_still_settle(scene: Scene):
    seller, buyer = _parties(scene)
    trade, due = _accept_deferred(scene, buyer, seller)
    scene.registry("revokeLicence", scene.operator(), int(Licence.OTC_VENUE))
    assert refused(scene.trade(buyer, seller, 10)) == ("KR-LIC-1", "operator-not-licensed")
    scene.ledger.set_time(due)
    tx = scene.tx("Venue", scene.venue(), "finalize", [trade], sender=scene.ksd)
    assert tx.named("TradeSettled"), "settlement finality: accepted trades complete"
    assert scene.balance(buyer) == 10


@pytest.mark.rule("KR-LIC-1")
def test_pending_trades_of_a_deregistered_venue_fail(scene: Scene):
    seller, buyer = _parties(scene)
    trade, due = _accept_deferred(scene, buyer, seller)
    scene.registry("deregisterVenue", scene.venue())
    scene.ledger.set_time(due)
    tx = scene.tx("Venue", scene.venue(), "finalize", [trade], sender=scene.ksd)
    assert refused(tx) == ("KR-LIC-1", "venue-deregistered")
    assert scene.balance(buyer) == 0 and scene.balance(seller) == 100
