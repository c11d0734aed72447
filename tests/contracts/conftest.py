"""A small market scene for contract tests: an issuer with a listed token, verified investors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from simulator.chain.deploy import (
    FAR_FUTURE,
    KRW_BN,
    UNLIMITED,
    InvestorClass,
    IssueSpec,
    Licence,
    Market,
    issue_security,
)
from simulator.chain.ledger import Ledger, TxResult
from simulator.chain.orders import NO_EXPIRY, Order, OrderKey, register_key_call
from simulator.errors import RuleViolation

PRICE = 5_000  # KRW per token of the scene's issue
QUANTITY = 100_000


@dataclass
class Scene:
    ledger: Ledger
    market: Market
    issuer: str
    token: str
    investors: list[str]
    spare: list[str]
    next_trade_id: list[int] = field(default_factory=lambda: [1])

    # ---- roles ----
    @property
    def regulator(self) -> str:
        return self.market.roles["regulator (FSC)"]

    @property
    def ksd(self) -> str:
        return self.market.roles["registrar (KSD)"]

    @property
    def bank(self) -> str:
        return self.market.roles["settlement bank"]

    @property
    def verifier(self) -> str:
        return self.market.roles["KYC verifier"]

    def venue(self, name: str = "NXT") -> str:
        return self.market.venues[name]["address"]

    def operator(self, name: str = "NXT") -> str:
        return self.market.venues[name]["operator"]

    # ---- actions ----
    def tx(self, contract: str, address: str, fn: str, *args: Any, sender: str) -> TxResult:
        return self.ledger.transact(contract, address, fn, *args, sender=sender)

    def call(self, contract: str, address: str, fn: str, *args: Any) -> Any:
        return self.ledger.call(contract, address, fn, *args)

    def registry(self, fn: str, *args: Any, sender: str | None = None) -> TxResult:
        return self.tx(
            "MarketRegistry", self.market.registry, fn, *args, sender=sender or self.regulator
        )

    def verify(
        self, account: str, cls: InvestorClass = InvestorClass.GENERAL, expiry: int = FAR_FUTURE
    ) -> None:
        self.tx(
            "InvestorRegistry",
            self.market.investors,
            "verify",
            account,
            int(cls),
            expiry,
            sender=self.verifier,
        )

    def fund(self, account: str, krw: int, venue: str = "NXT") -> None:
        self.tx("CashToken", self.market.cash, "mint", account, krw, sender=self.bank)
        self.tx(
            "CashToken", self.market.cash, "approve", self.venue(venue), UNLIMITED, sender=account
        )

    def mint(self, to: str, amount: int, token: str | None = None) -> TxResult:
        return self.tx("SecurityToken", token or self.token, "mint", to, amount, sender=self.issuer)

    def balance(self, account: str, token: str | None = None) -> int:
        return int(self.call("SecurityToken", token or self.token, "balanceOf", account))

    def cash(self, account: str) -> int:
        return int(self.call("CashToken", self.market.cash, "balanceOf", account))

    def new_trade_id(self) -> int:
        self.next_trade_id[0] += 1
        return self.next_trade_id[0] - 1

    def order(
        self,
        trader: str,
        buy: bool,
        quantity: int,
        limit: int = PRICE,
        venue: str = "NXT",
        token: str | None = None,
        expiry: int = NO_EXPIRY,
        nonce: int | None = None,
        fees: tuple[int, int, int] | None = None,
    ) -> Order:
        """An order `trader` signs, by default under the venue's fee schedule as it is now."""
        if fees is None:
            maker, taker, flat, minimum, *_ = self.call("Venue", self.venue(venue), "fees")
            fees = (max(maker, taker), flat, minimum)
        nonce = self.new_trade_id() if nonce is None else nonce
        address = self.venue(venue)
        return Order(
            trader, token or self.token, address, buy, quantity, limit, expiry, nonce, *fees
        )

    def sign(self, order: Order, key: OrderKey | None = None) -> tuple[Any, ...]:
        key = key or OrderKey.for_account(order.trader)
        return key.sign(order, self.ledger.chain_id).as_tuple()

    def matched(
        self,
        buy: Order,
        sell: Order,
        quantity: int,
        price: int = PRICE,
        maker: bool = True,
        trade_id: int | None = None,
    ) -> tuple[Any, ...]:
        """A matched trade as settleBatch takes it: both orders signed by their holders."""
        trade_id = self.new_trade_id() if trade_id is None else trade_id
        return (trade_id, self.sign(buy), self.sign(sell), quantity, price, maker)

    def settle(self, trades: list[tuple[Any, ...]], venue: str = "NXT") -> TxResult:
        return self.tx(
            "Venue", self.venue(venue), "settleBatch", trades, sender=self.operator(venue)
        )

    def trade(
        self,
        buyer: str,
        seller: str,
        quantity: int,
        price: int = PRICE,
        venue: str = "NXT",
        maker: bool = True,
        token: str | None = None,
    ) -> TxResult:
        """Settle one trade of two orders for exactly `quantity` at `price`."""
        buy = self.order(buyer, True, quantity, price, venue, token)
        sell = self.order(seller, False, quantity, price, venue, token)
        return self.settle([self.matched(buy, sell, quantity, price, maker)], venue)

    def new_issue(
        self, symbol: str, quantity: int = QUANTITY, price: int = PRICE, **terms: Any
    ) -> str:
        spec = IssueSpec(f"{symbol} trust", symbol, self.issuer, quantity, price, **terms)
        return issue_security(self.ledger, self.market, spec)


def refused(tx: TxResult) -> tuple[str, str]:
    """(rule ID, reason) of the single failed trade in a settlement transaction."""
    failures = tx.named("TradeFailed")
    assert len(failures) == 1, f"expected one failed trade, got {tx.events}"
    return str(failures[0].args["ruleId"]), str(failures[0].args["reason"])


def expect_rule(excinfo: pytest.ExceptionInfo[RuleViolation], rule_id: str, reason: str) -> None:
    assert (excinfo.value.rule_id, excinfo.value.reason) == (rule_id, reason)


@pytest.fixture(scope="session")
def base_scene(ledger: Ledger, market: Market) -> Scene:
    """Issuer (an issuer account-management institution) with a listed 100,000-unit issue at
    5,000 KRW whose 5% retained share is minted; six verified general investors."""
    regulator = market.roles["regulator (FSC)"]
    issuer, *rest = market.free_accounts
    investors, spare = rest[:6], rest[6:]
    scene = Scene(ledger, market, issuer, "", investors, spare)
    ledger.transact_many([register_key_call(market.investors, a) for a in ledger.accounts])
    scene.registry("registerFirm", issuer, 3 * KRW_BN, 0, sender=regulator)
    scene.registry("grantLicence", issuer, int(Licence.ISSUER_ACCOUNT_MANAGER), sender=regulator)
    scene.verify(issuer, InvestorClass.PROFESSIONAL)
    for investor in investors:
        scene.verify(investor)
    scene.token = scene.new_issue("SOT1")
    scene.mint(issuer, QUANTITY * 5 // 100)
    for name in ("NXT", "KDX"):
        scene.tx("Venue", scene.venue(name), "requestListing", scene.token, sender=issuer)
        scene.tx(
            "Venue", scene.venue(name), "acceptListing", scene.token, sender=scene.operator(name)
        )
    return scene


@pytest.fixture
def scene(base_scene: Scene, isolated: Ledger) -> Iterator[Scene]:
    """The base scene, with every change undone after the test."""
    yield base_scene
