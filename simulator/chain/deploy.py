"""Deploy and wire a whole market in one call: registries, cash token, compliance rules and
licensed venues; then register, deploy and list security tokens, one per issue.

Rule parameters default to the values of kr-sto-rules.md; every one can be changed.
"""

from __future__ import annotations

from simulator.chain.ledger import Ledger
from simulator.chain.params import (
    CHAIN_INVESTOR_CLASS,
    FAR_FUTURE,
    KRW_BN,
    KRW_M,
    RULE_CONTRACTS,
    UNLIMITED,
    Disclosure,
    InvestorClass,
    IssueSpec,
    Licence,
    Market,
    SettlementCalendarSpec,
    VenueSpec,
    class_limits,
    disabled_rules,
    fee_schedule_params,
    registry_params,
)
from simulator.scenario import Regime

# the parameters and specifications live in params.py; callers reach them through deploy
__all__ = [
    "CHAIN_INVESTOR_CLASS",
    "FAR_FUTURE",
    "KRW_BN",
    "KRW_M",
    "RULE_CONTRACTS",
    "UNLIMITED",
    "Disclosure",
    "InvestorClass",
    "IssueSpec",
    "Licence",
    "Market",
    "SettlementCalendarSpec",
    "VenueSpec",
    "class_limits",
    "deploy_market",
    "deploy_venue",
    "disabled_rules",
    "fee_schedule_params",
    "issue_security",
    "list_sample_issue",
    "register_issuer",
    "registry_params",
]

DEFAULT_VENUES = (VenueSpec("NXT"), VenueSpec("KDX"))


def deploy_market(
    ledger: Ledger,
    regime: Regime | None = None,
    venues: tuple[VenueSpec, ...] = DEFAULT_VENUES,
    calendar: SettlementCalendarSpec | None = None,
) -> Market:
    """Deploy registries, KSD's settlement calendar, the KRW cash token, the compliance rules
    and licensed venues."""
    regime = regime or Regime()
    calendar = calendar or SettlementCalendarSpec()
    accounts = ledger.accounts
    needed = 4 + len(venues)
    if len(accounts) < needed:
        raise ValueError(
            f"the chain has {len(accounts)} unlocked accounts; this market needs at least {needed}"
        )
    regulator, ksd, bank, verifier = accounts[:4]
    roles = {
        "regulator (FSC)": regulator,
        "registrar (KSD)": ksd,
        "settlement bank": bank,
        "KYC verifier": verifier,
    }

    registry = ledger.deploy(
        "MarketRegistry", regulator, ksd, registry_params(regime), sender=regulator
    )
    investors = ledger.deploy("InvestorRegistry", regulator, verifier, sender=regulator)
    cash = ledger.deploy("CashToken", bank, sender=bank)
    contracts = {"MarketRegistry": registry, "InvestorRegistry": investors, "CashToken": cash}
    contracts["SettlementCalendar"] = _deploy_calendar(ledger, registry, ksd, calendar)
    contracts |= _deploy_rules(ledger, registry, investors, regulator, ksd, regime)

    venue_info: dict[str, dict[str, str]] = {}
    for spec, operator in zip(venues, accounts[4 : 4 + len(venues)], strict=True):
        venue_info[spec.name] = {
            "operator": operator,
            "address": deploy_venue(
                ledger, registry, investors, cash, ksd, regulator, operator, spec
            ),
        }
        roles[f"venue operator ({spec.name})"] = operator
    return Market(
        rpc_url=ledger.rpc_url,
        chain_id=ledger.chain_id,
        roles=roles,
        contracts=contracts,
        venues=venue_info,
        free_accounts=list(accounts[4 + len(venues) :]),
    )


def _deploy_calendar(
    ledger: Ledger, registry: str, ksd: str, calendar: SettlementCalendarSpec
) -> str:
    """KSD's settlement calendar (KR-SET-1), with its holidays, wired to the registry."""
    address = ledger.deploy(
        "SettlementCalendar", ksd, calendar.round_the_clock, calendar.settlement_time, sender=ksd
    )
    if calendar.holidays:
        ledger.transact(
            "SettlementCalendar", address, "setHolidays", calendar.holiday_days(), True,
            sender=ksd,
        )  # fmt: skip
    ledger.transact("MarketRegistry", registry, "setSettlementCalendar", address, sender=ksd)
    return address


def _deploy_rules(
    ledger: Ledger, registry: str, investors: str, regulator: str, ksd: str, regime: Regime
) -> dict[str, str]:
    """The compliance rules with the regime's parameters; rules the regime turns off are
    switched off in the registry."""
    contracts = {
        "InvestorLimitRule": ledger.deploy(
            "InvestorLimitRule", registry, investors, regulator, sender=regulator
        )
    }
    for cls, per_issuer, annual in class_limits(regime):
        ledger.transact(
            "InvestorLimitRule", contracts["InvestorLimitRule"], "setLimits", int(cls),
            per_issuer, annual, sender=regulator,
        )  # fmt: skip
    contracts["SubscriptionCapRule"] = ledger.deploy(
        "SubscriptionCapRule", registry, regulator, regime.params.subscription_cap_bps,
        regime.params.subscription_cap_krw, sender=regulator,
    )  # fmt: skip
    contracts["LockupRule"] = ledger.deploy("LockupRule", registry, ksd, sender=regulator)
    contracts["HolderCapRule"] = ledger.deploy("HolderCapRule", registry, ksd, sender=regulator)
    for rule_id in disabled_rules(regime):
        ledger.transact(
            "MarketRegistry", registry, "setRuleEnabled", rule_id, False, sender=regulator
        )
    return contracts


def deploy_venue(
    ledger: Ledger,
    registry: str,
    investors: str,
    cash: str,
    ksd: str,
    regulator: str,
    operator: str,
    spec: VenueSpec,
) -> str:
    """License the operator (KR-LIC-1), deploy its venue, set fees and cycle, register it."""
    licence = Licence.PROFESSIONAL_VENUE if spec.professional_only else Licence.OTC_VENUE
    ledger.transact(
        "MarketRegistry",
        registry,
        "registerFirm",
        operator,
        spec.equity,
        spec.group,
        sender=regulator,
    )
    ledger.transact(
        "MarketRegistry", registry, "grantLicence", operator, int(licence), sender=regulator
    )
    venue = ledger.deploy(
        "Venue",
        registry,
        investors,
        cash,
        operator,
        ksd,  # the registrar's fee account
        spec.professional_only,
        sender=operator,
    )
    ledger.transact(
        "Venue", venue, "setFeeSchedule", fee_schedule_params(spec.fees), sender=operator
    )
    if spec.settlement_days:
        ledger.transact("Venue", venue, "setSettlementDays", spec.settlement_days, sender=operator)
    ledger.transact("MarketRegistry", registry, "registerVenue", venue, sender=regulator)
    return venue


def issue_security(ledger: Ledger, market: Market, spec: IssueSpec) -> str:
    """Deploy a security token, register its issue with KSD and attach the market's rules.
    The issuer must be a registered firm; returns the token's address."""
    ksd = market.roles["registrar (KSD)"]
    token = ledger.deploy(
        "SecurityToken", spec.name, spec.symbol, market.registry, market.investors, ksd, sender=ksd
    )
    ledger.transact(
        "MarketRegistry", market.registry, "registerIssue", token, spec.registry_tuple(), sender=ksd
    )
    ledger.transact("SecurityToken", token, "setRules", market.rules, sender=ksd)
    market.tokens[spec.symbol] = token
    return token


def register_issuer(ledger: Ledger, market: Market, issuer: str, equity: int = 3 * KRW_BN) -> None:
    """Register an issuer account-management institution (KR-LIC-2) and verify it as a
    professional investor, so that it can hold its retained share (KR-ISS-2)."""
    regulator, verifier = market.roles["regulator (FSC)"], market.roles["KYC verifier"]
    ledger.transact(
        "MarketRegistry", market.registry, "registerFirm", issuer, equity, 0, sender=regulator
    )
    licence = int(Licence.ISSUER_ACCOUNT_MANAGER)
    ledger.transact(
        "MarketRegistry", market.registry, "grantLicence", issuer, licence, sender=regulator
    )
    professional = int(InvestorClass.PROFESSIONAL)
    ledger.transact(
        "InvestorRegistry",
        market.investors,
        "verify",
        issuer,
        professional,
        FAR_FUTURE,
        sender=verifier,
    )


def list_sample_issue(ledger: Ledger, market: Market) -> str:
    """A small real-estate trust issue by an issuer account-management institution, with the
    issuer's retained share minted and the token listed on the first venue; for `stosim deploy`."""
    issuer = market.free_accounts.pop(0)
    market.roles["issuer (sample issue)"] = issuer
    register_issuer(ledger, market, issuer)
    spec = IssueSpec(
        "Seoul Office Trust 1", "SOT1", issuer, total_quantity=100_000, offering_price=5_000
    )
    token = issue_security(ledger, market, spec)
    ledger.transact(
        "SecurityToken", token, "mint", issuer, spec.total_quantity * 5 // 100, sender=issuer
    )
    venue = next(iter(market.venues.values()))["address"]
    ledger.transact("Venue", venue, "requestListing", token, sender=issuer)
    ledger.transact(
        "Venue",
        venue,
        "acceptListing",
        token,
        sender=next(iter(market.venues.values()))["operator"],
    )
    return token
