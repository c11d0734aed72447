"""The one mapping of the scenario's vocabulary (regime and its parameters, investor classes,
fee schedules, licences, disclosures) to the contracts' parameters, and the specifications of
what simulator/chain/deploy.py deploys (KSD's calendar, venues, issues, the market)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from simulator import parties
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


RULE_CONTRACTS = ("InvestorLimitRule", "SubscriptionCapRule", "LockupRule", "HolderCapRule")


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
