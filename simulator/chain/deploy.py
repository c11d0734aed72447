"""Deploy and wire a whole market in one call: registries, cash token, compliance rules and
licensed venues; then register, deploy and list security tokens, one per issue.

Rule parameters default to the values of kr-sto-rules.md; every one can be changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from simulator import parties
from simulator.chain.ledger import Ledger
from simulator.scenario import FeeSchedule, MarketSpec, Regime

KRW_BN = 1_000_000_000
KRW_M = 1_000_000
UNLIMITED = 2**256 - 1
FAR_FUTURE = 2**63  # a KYC expiry that never comes


class Licence(IntEnum):
    """Licence bit flags of MarketRegistry."""

    ISSUER_ACCOUNT_MANAGER = 1
    SECURITIES_ACCOUNT_MANAGER = 2
    OTC_VENUE = 4
    PROFESSIONAL_VENUE = 8


class InvestorClass(IntEnum):
    """InvestorRegistry.InvestorClass."""

    NONE = 0
    GENERAL = 1
    INCOME_QUALIFIED = 2
    PROFESSIONAL = 3


class Disclosure(IntEnum):
    """What an offering filed (KR-ISS-1)."""

    NONE = 0
    TIER_TWO = 1
    REGISTRATION_STATEMENT = 2


# The one mapping from the scenario's vocabulary (simulator.scenario, simulator.parties) to the
# contracts' parameters.

CHAIN_INVESTOR_CLASS = {
    parties.InvestorClass.GENERAL: InvestorClass.GENERAL,
    parties.InvestorClass.INCOME_QUALIFIED: InvestorClass.INCOME_QUALIFIED,
    parties.InvestorClass.PROFESSIONAL: InvestorClass.PROFESSIONAL,
}


def registry_params(regime: Regime) -> tuple[int, ...]:
    """MarketRegistry.Params, in the struct's order (KR-LIC-1..3, KR-ISS-1/2, KR-DIS-1)."""
    p = regime.params
    return (
        p.otc_venue_min_equity,
        p.professional_venue_min_equity,
        p.issuer_account_manager_min_equity,
        p.max_venue_licences,
        p.small_offering_cap,
        p.tier_two_cap,
        p.retained_share_bps,
        p.disclosure_threshold_bps,
    )


def class_limits(regime: Regime) -> list[tuple[InvestorClass, int, int]]:
    """InvestorLimitRule.setLimits per class: (class, per issuer, per year) (KR-INV-2)."""
    p = regime.params
    return [
        (InvestorClass.GENERAL, p.general_per_issuer_krw, p.general_annual_krw),
        (InvestorClass.INCOME_QUALIFIED, p.income_qualified_per_issuer_krw,
         p.income_qualified_annual_krw),
    ]  # fmt: skip


def disabled_rules(regime: Regime) -> tuple[str, ...]:
    """Rule IDs switched off, for MarketRegistry.setRuleEnabled."""
    return tuple(rule for rule, on in sorted(regime.rules.items()) if not on)


def fee_schedule_params(fees: FeeSchedule) -> tuple[int, ...]:
    """Venue.setFeeSchedule's FeeSchedule struct, in its field order."""
    return (
        fees.maker_bps, fees.taker_bps, fees.flat_fee, fees.min_fee, fees.listing_fee,
        fees.venue_share_bps,
    )  # fmt: skip


@dataclass(frozen=True)
class SettlementCalendarSpec:
    """KSD's settlement calendar (KR-SET-1): business days whose trades fall due at
    `settlement_time` (seconds after KST midnight, the session's open), or every day at midnight
    round the clock; holidays as KST dates. Separate from the trading calendar: 24/7 trading
    still settles T+n on KSD's business days unless the scenario says every day."""

    round_the_clock: bool = False
    settlement_time: int = 9 * 3600
    holidays: tuple[dt.date, ...] = ()

    @classmethod
    def from_market(cls, market: MarketSpec) -> SettlementCalendarSpec:
        hours = market.trading_hours.open
        holidays = (
            market.holidays if market.settlement_holidays is None else market.settlement_holidays
        )
        return cls(
            market.settlement_calendar == "every_day",
            hours.hour * 3600 + hours.minute * 60 + hours.second,
            tuple(sorted(holidays)),
        )

    def holiday_days(self) -> list[int]:
        """Holidays as the contract counts days: since 1970-01-01."""
        return [(d - dt.date(1970, 1, 1)).days for d in self.holidays]


@dataclass(frozen=True)
class VenueSpec:
    name: str
    equity: int = 10 * KRW_BN
    group: int = 0
    professional_only: bool = False
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    settlement_days: int = 0


@dataclass(frozen=True)
class IssueSpec:
    """An issue as KSD registers it; parties default to none, the account manager to the issuer."""

    name: str
    symbol: str
    issuer: str
    total_quantity: int
    offering_price: int
    underwriter: str = "0x" + "00" * 20
    arranger: str = "0x" + "00" * 20
    settlor: str = "0x" + "00" * 20
    account_manager: str | None = None
    disclosure: Disclosure = Disclosure.NONE
    professional_only: bool = False

    def registry_tuple(self) -> tuple[Any, ...]:
        return (
            False,
            self.professional_only,
            int(self.disclosure),
            self.issuer,
            self.underwriter,
            self.arranger,
            self.settlor,
            self.account_manager or self.issuer,
            self.total_quantity,
            self.offering_price,
        )


@dataclass
class Market:
    """Addresses of a deployed market and the accounts that play its institutional roles."""

    rpc_url: str
    chain_id: int
    roles: dict[str, str]
    contracts: dict[str, str]
    venues: dict[str, dict[str, str]]
    free_accounts: list[str]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def registry(self) -> str:
        return self.contracts["MarketRegistry"]

    @property
    def investors(self) -> str:
        return self.contracts["InvestorRegistry"]

    @property
    def cash(self) -> str:
        return self.contracts["CashToken"]

    @property
    def calendar(self) -> str:
        return self.contracts["SettlementCalendar"]

    @property
    def rules(self) -> list[str]:
        return [self.contracts[name] for name in RULE_CONTRACTS]

    def manifest(self) -> dict[str, Any]:
        return {
            "rpc_url": self.rpc_url,
            "chain_id": self.chain_id,
            "contracts": self.contracts,
            "venues": self.venues,
            "tokens": self.tokens,
            "accounts": self.roles,
            "free_accounts": self.free_accounts,
        }


RULE_CONTRACTS = ("InvestorLimitRule", "SubscriptionCapRule", "LockupRule", "HolderCapRule")
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
    contracts["SettlementCalendar"] = ledger.deploy(
        "SettlementCalendar", ksd, calendar.round_the_clock, calendar.settlement_time, sender=ksd
    )
    if calendar.holidays:
        ledger.transact(
            "SettlementCalendar",
            contracts["SettlementCalendar"],
            "setHolidays",
            calendar.holiday_days(),
            True,
            sender=ksd,
        )
    ledger.transact(
        "MarketRegistry",
        registry,
        "setSettlementCalendar",
        contracts["SettlementCalendar"],
        sender=ksd,
    )
    contracts["InvestorLimitRule"] = ledger.deploy(
        "InvestorLimitRule", registry, investors, regulator, sender=regulator
    )
    for cls, per_issuer, annual in class_limits(regime):
        ledger.transact(
            "InvestorLimitRule",
            contracts["InvestorLimitRule"],
            "setLimits",
            int(cls),
            per_issuer,
            annual,
            sender=regulator,
        )
    contracts["SubscriptionCapRule"] = ledger.deploy(
        "SubscriptionCapRule",
        registry,
        regulator,
        regime.params.subscription_cap_bps,
        regime.params.subscription_cap_krw,
        sender=regulator,
    )
    contracts["LockupRule"] = ledger.deploy("LockupRule", registry, ksd, sender=regulator)
    contracts["HolderCapRule"] = ledger.deploy("HolderCapRule", registry, ksd, sender=regulator)
    for rule_id in disabled_rules(regime):
        ledger.transact(
            "MarketRegistry", registry, "setRuleEnabled", rule_id, False, sender=regulator
        )

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
