"""Licensing rules of MarketRegistry: KR-SEP-2, KR-LIC-1, KR-LIC-2, KR-LIC-3."""

from __future__ import annotations

import pytest

from simulator.chain.deploy import KRW_BN, IssueSpec, Licence
from simulator.errors import ContractRevert, RuleViolation

from .conftest import Scene, expect_rule


def _firm(scene: Scene, equity: int, group: int = 0) -> str:
    firm = scene.spare[0]
    scene.registry("registerFirm", firm, equity, group)
    return firm


def _free_a_venue_slot(scene: Scene) -> None:
    scene.registry("revokeLicence", scene.operator("KDX"), int(Licence.OTC_VENUE))


@pytest.mark.rule("KR-SEP-2")
def test_kr_sep_2_issuer_cannot_get_a_distribution_licence(scene: Scene):
    _free_a_venue_slot(scene)
    with pytest.raises(RuleViolation) as exc:
        scene.registry("grantLicence", scene.issuer, int(Licence.OTC_VENUE))
    expect_rule(exc, "KR-SEP-2", "issuer-cannot-distribute")


@pytest.mark.rule("KR-SEP-2")
def test_kr_sep_2_distributor_cannot_get_an_issuance_licence(scene: Scene):
    with pytest.raises(RuleViolation) as exc:
        scene.registry(
            "grantLicence", scene.operator("NXT"), int(Licence.SECURITIES_ACCOUNT_MANAGER)
        )
    expect_rule(exc, "KR-SEP-2", "distributor-cannot-issue")


@pytest.mark.rule("KR-SEP-2")
def test_kr_sep_2_one_side_only_is_allowed_and_the_switch_turns_it_off(scene: Scene):
    firm = _firm(scene, 3 * KRW_BN)
    scene.registry("grantLicence", firm, int(Licence.SECURITIES_ACCOUNT_MANAGER))
    assert scene.call("MarketRegistry", scene.market.registry, "hasLicence", firm, 2)
    scene.registry("setRuleEnabled", "KR-SEP-2", False)
    scene.registry("grantLicence", scene.operator("NXT"), int(Licence.SECURITIES_ACCOUNT_MANAGER))


@pytest.mark.rule("KR-LIC-1")
def test_kr_lic_1_venue_needs_6bn_equity(scene: Scene):
    _free_a_venue_slot(scene)
    firm = _firm(scene, 5 * KRW_BN)
    with pytest.raises(RuleViolation) as exc:
        scene.registry("grantLicence", firm, int(Licence.OTC_VENUE))
    expect_rule(exc, "KR-LIC-1", "equity-below-venue-minimum")
    scene.registry("registerFirm", firm, 6 * KRW_BN, 0)
    scene.registry("grantLicence", firm, int(Licence.OTC_VENUE))


@pytest.mark.rule("KR-LIC-1")
def test_kr_lic_1_professional_venue_needs_3bn(scene: Scene):
    _free_a_venue_slot(scene)
    firm = _firm(scene, 2 * KRW_BN)
    with pytest.raises(RuleViolation) as exc:
        scene.registry("grantLicence", firm, int(Licence.PROFESSIONAL_VENUE))
    expect_rule(exc, "KR-LIC-1", "equity-below-venue-minimum")
    scene.registry("registerFirm", firm, 3 * KRW_BN, 0)
    scene.registry("grantLicence", firm, int(Licence.PROFESSIONAL_VENUE))


@pytest.mark.rule("KR-LIC-1")
def test_kr_lic_1_unlicensed_operator_cannot_register_a_venue(scene: Scene):
    firm = _firm(scene, 10 * KRW_BN)
    m = scene.market
    venue = scene.ledger.deploy(
        "Venue", m.registry, m.investors, m.cash, firm, scene.ksd, False, sender=firm
    )
    with pytest.raises(RuleViolation) as exc:
        scene.registry("registerVenue", venue)
    expect_rule(exc, "KR-LIC-1", "operator-not-licensed")


@pytest.mark.rule("KR-LIC-2")
def test_kr_lic_2_issuer_account_manager_needs_2bn(scene: Scene):
    firm = _firm(scene, KRW_BN)
    with pytest.raises(RuleViolation) as exc:
        scene.registry("grantLicence", firm, int(Licence.ISSUER_ACCOUNT_MANAGER))
    expect_rule(exc, "KR-LIC-2", "equity-below-account-manager-minimum")
    scene.registry("registerFirm", firm, 2 * KRW_BN, 0)
    scene.registry("grantLicence", firm, int(Licence.ISSUER_ACCOUNT_MANAGER))


@pytest.mark.rule("KR-LIC-2")
def test_kr_lic_2_issuer_without_licence_registers_through_a_securities_firm(scene: Scene):
    issuer, securities_firm = scene.spare[0], scene.spare[1]
    scene.registry("registerFirm", issuer, KRW_BN, 0)
    scene.registry("registerFirm", securities_firm, 50 * KRW_BN, 0)
    scene.registry("grantLicence", securities_firm, int(Licence.SECURITIES_ACCOUNT_MANAGER))
    token = scene.ledger.deploy(
        "SecurityToken",
        "X",
        "X",
        scene.market.registry,
        scene.market.investors,
        scene.ksd,
        sender=scene.ksd,
    )
    own = IssueSpec("X", "X", issuer, 1_000, 1_000)
    with pytest.raises(RuleViolation) as exc:
        scene.registry("registerIssue", token, own.registry_tuple(), sender=scene.ksd)
    expect_rule(exc, "KR-LIC-2", "issuer-not-account-manager")
    via_firm = IssueSpec("X", "X", issuer, 1_000, 1_000, account_manager=securities_firm)
    scene.registry("registerIssue", token, via_firm.registry_tuple(), sender=scene.ksd)
    with pytest.raises(RuleViolation) as exc:
        scene.tx("SecurityToken", token, "mint", issuer, 50, sender=issuer)
    expect_rule(exc, "KR-LIC-2", "caller-not-account-manager")
    scene.verify(issuer)
    scene.tx("SecurityToken", token, "mint", issuer, 50, sender=securities_firm)


@pytest.mark.rule("KR-LIC-3")
def test_kr_lic_3_at_most_two_venue_licences(scene: Scene):
    firm = _firm(scene, 10 * KRW_BN)
    assert scene.call("MarketRegistry", scene.market.registry, "venueLicenceCount") == 2
    with pytest.raises(RuleViolation) as exc:
        scene.registry("grantLicence", firm, int(Licence.OTC_VENUE))
    expect_rule(exc, "KR-LIC-3", "venue-licences-exhausted")
    _free_a_venue_slot(scene)
    scene.registry("grantLicence", firm, int(Licence.OTC_VENUE))
    assert scene.call("MarketRegistry", scene.market.registry, "venueLicenceCount") == 2


def test_only_the_regulator_licenses(scene: Scene):
    firm = _firm(scene, 10 * KRW_BN)
    with pytest.raises(ContractRevert) as exc:
        scene.registry("grantLicence", firm, int(Licence.SECURITIES_ACCOUNT_MANAGER), sender=firm)
    assert exc.value.error == "AccessControlUnauthorizedAccount"
