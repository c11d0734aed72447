"""Stateful test of the contract suite: random sequences of licensing, registration, issuance,
listing, trades, freezes, forced transfers and year boundaries, with the market's invariants
checked after every step.

CI runs a short profile; `STOSIM_PROFILE=thorough ./run-tests tests/contracts/test_market_state.py`
runs at least 10,000 steps (see tests/hypothesis_profiles.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from simulator.chain.deploy import (
    KRW_BN,
    UNLIMITED,
    InvestorClass,
    Licence,
    fee_schedule_params,
)
from simulator.errors import ContractRevert, RuleViolation
from simulator.scenario import FeeSchedule

from ..hypothesis_profiles import stateful_settings
from .conftest import PRICE, Scene
from .consent_rules import ConsentRules

DAY = 86_400
investor_index = st.integers(0, 5)
STATS: list[tuple[int, int, dict[str, int]]] = []  # per example: steps, trades settled, refusals


class MarketMachine(ConsentRules, RuleBasedStateMachine):
    scene: Scene  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.s = self.scene
        self.snapshot = self.s.ledger.snapshot()
        self.tokens = [self.s.token]
        self.accounts = [self.s.issuer, *self.s.investors]
        self.cash_holders = (
            set(self.accounts)
            | {self.s.ksd}
            | {v["operator"] for v in self.s.market.venues.values()}
        )
        self.cash_minted = sum(self.s.cash(a) for a in self.cash_holders)
        self.refusals: dict[str, int] = {}
        self.settled = 0
        self.steps = 0
        self._consent_init()

    def teardown(self) -> None:
        STATS.append((self.steps, self.settled, dict(self.refusals)))
        self.s.ledger.revert(self.snapshot)

    def _refused(self, exc: RuleViolation) -> None:
        self.refusals[exc.rule_id] = self.refusals.get(exc.rule_id, 0) + 1

    # ---- actions ----

    @rule(i=investor_index, amount=st.integers(1, 700), token=st.integers(0, 3))
    def subscribe(self, i: int, amount: int, token: int) -> None:
        address = self.tokens[token % len(self.tokens)]
        licensed, _ = self.s.call("MarketRegistry", self.s.market.registry, "mintCheck", address)
        try:
            self.s.mint(self.s.investors[i], amount, token=address)
        except RuleViolation as exc:
            self._refused(exc)
            return
        assert licensed, "KR-LIC-2: minted without a valid account-manager licence"

    @rule(i=investor_index, krw=st.integers(1, 3_000_000))
    def deposit(self, i: int, krw: int) -> None:
        self.s.tx(
            "CashToken", self.s.market.cash, "mint", self.s.investors[i], krw, sender=self.s.bank
        )
        self.cash_minted += krw

    @rule(
        buyer=investor_index,
        seller=investor_index,
        quantity=st.integers(1, 300),
        price=st.sampled_from([PRICE // 2, PRICE, PRICE * 2]),
        venue=st.sampled_from(["NXT", "KDX"]),
        maker=st.booleans(),
        token=st.integers(0, 3),
    )
    def trade(
        self,
        buyer: int,
        seller: int,
        quantity: int,
        price: int,
        venue: str,
        maker: bool,
        token: int,
    ) -> None:
        s, address = self.s, self.tokens[token % len(self.tokens)]
        b, a = s.investors[buyer], s.investors[seller]
        before = [(s.balance(x, address), s.cash(x)) for x in (a, b)]
        licensed = self._licensed(venue)
        buy = s.order(b, True, quantity, price, venue, address)
        sell = s.order(a, False, quantity, price, venue, address)
        trade = s.matched(buy, sell, quantity, price, maker)
        tx = s.settle([trade], venue)
        self._record(venue, tx, seller=a)
        if tx.named("TradeFailed"):
            rule_id = tx.named("TradeFailed")[0].args["ruleId"]
            self.refusals[rule_id] = self.refusals.get(rule_id, 0) + 1
            assert [(s.balance(x, address), s.cash(x)) for x in (a, b)] == before, (
                "a refused trade moved something"
            )
        else:
            assert licensed, "KR-LIC-1: a venue without a valid licence settled a trade"
            self.settled += len(tx.named("TradeSettled"))
            self.may_fall |= {a, b}  # by the orders each of them signed
            self.settled_trades.append((venue, trade))
            operator = s.market.venues[venue]["operator"]
            separated, _ = s.call(
                "MarketRegistry", s.market.registry, "separationCheck", operator, address
            )
            assert separated, "a venue settled a token that KR-SEP-1 forbids"
            for fee in tx.named("FeeCharged"):
                assert fee.args["amount"] >= 0

    @rule(sender=investor_index, receiver=investor_index, amount=st.integers(0, 200))
    def transfer(self, sender: int, receiver: int, amount: int) -> None:
        s = self.s
        self.may_fall.add(s.investors[sender])
        try:
            s.tx(
                "SecurityToken",
                s.token,
                "transfer",
                s.investors[receiver],
                amount,
                sender=s.investors[sender],
            )
        except RuleViolation as exc:
            self._refused(exc)
        except ContractRevert as exc:
            assert exc.error == "ERC20InsufficientBalance"

    @rule(i=investor_index, share=st.integers(0, 100))
    def freeze_amount(self, i: int, share: int) -> None:
        investor = self.s.investors[i]
        amount = self.s.balance(investor) * share // 100
        self.s.tx(
            "SecurityToken", self.s.token, "freezeAmount", investor, amount, sender=self.s.ksd
        )

    @rule(i=investor_index, frozen=st.booleans())
    def freeze_investor(self, i: int, frozen: bool) -> None:
        self.s.tx(
            "InvestorRegistry",
            self.s.market.investors,
            "setFrozen",
            self.s.investors[i],
            frozen,
            sender=self.s.verifier,
        )

    @rule(src=investor_index, dst=investor_index, share=st.integers(1, 100))
    def forced_transfer(self, src: int, dst: int, share: int) -> None:
        s = self.s
        source = s.investors[src]
        self.may_fall.add(source)  # the registrar's forced transfer (KR-LED-2)
        amount = s.balance(source) * share // 100
        try:
            tx = s.tx(
                "SecurityToken",
                s.token,
                "forcedTransfer",
                source,
                s.investors[dst],
                amount,
                "court-order",
                sender=s.ksd,
            )
            assert tx.named("ForcedTransfer"), "a forced transfer must be recorded"
        except RuleViolation as exc:
            assert exc.rule_id == "KR-INV-1"  # the receiver must still be verified
            self._refused(exc)

    @rule(days=st.integers(1, 400))
    def pass_time(self, days: int) -> None:
        self.s.ledger.advance_time(days * DAY)

    @rule(firm=st.sampled_from(["issuer", "NXT", "KDX"]), group=st.integers(0, 2))
    def relate(self, firm: str, group: int) -> None:
        account = self.s.issuer if firm == "issuer" else self.s.operator(firm)
        self.s.registry("setGroup", account, group)

    @rule(licence=st.sampled_from(list(Licence)), firm=st.sampled_from(["issuer", "NXT", "spare"]))
    def license(self, licence: Licence, firm: str) -> None:
        s = self.s
        account = {"issuer": s.issuer, "NXT": s.operator("NXT"), "spare": s.spare[0]}[firm]
        if firm == "spare":
            s.registry("registerFirm", account, 7 * KRW_BN, 0)
        try:
            s.registry("grantLicence", account, int(licence))
        except RuleViolation as exc:
            self._refused(exc)

    @precondition(lambda self: len(self.tokens) < 4)
    @rule(quantity=st.integers(1_000, 50_000), price=st.sampled_from([1_000, 5_000, 20_000]))
    def new_issue(self, quantity: int, price: int) -> None:
        s = self.s
        try:
            token = s.new_issue(f"N{len(self.tokens)}", quantity=quantity, price=price)
        except RuleViolation as exc:  # the issuer's account-manager licence was revoked
            assert exc.rule_id == "KR-LIC-2"
            self._refused(exc)
            return
        try:
            s.mint(s.issuer, quantity // 20, token=token)
        except RuleViolation as exc:
            self._refused(exc)
        self.tokens.append(token)
        for venue in ("NXT", "KDX"):
            s.tx("Venue", s.venue(venue), "requestListing", token, sender=s.issuer)
            try:
                s.tx("Venue", s.venue(venue), "acceptListing", token, sender=s.operator(venue))
            except RuleViolation as exc:
                assert exc.rule_id == "KR-SEP-1"
                self._refused(exc)

    @rule(
        venue=st.sampled_from(["NXT", "KDX"]),
        maker=st.integers(0, 100),
        taker=st.integers(0, 100),
        flat=st.integers(0, 1_000),
    )
    def set_fees(self, venue: str, maker: int, taker: int, flat: int) -> None:
        fees = FeeSchedule(maker_bps=maker, taker_bps=taker, flat_fee=flat, venue_share_bps=7_000)
        self.s.tx(
            "Venue",
            self.s.venue(venue),
            "setFeeSchedule",
            fee_schedule_params(fees),
            sender=self.s.operator(venue),
        )

    # ---- invariants, read in one batch per step ----

    @invariant()
    def market_invariants_hold(self) -> None:
        self.steps += 1
        s, m = self.s, self.s.market
        limit_rule = m.contracts["InvestorLimitRule"]
        year = (datetime.fromtimestamp(s.ledger.timestamp(), UTC) + timedelta(hours=9)).year
        reads: dict[tuple[Any, ...], tuple[str, str, str, tuple[Any, ...]]] = {}
        for token in self.tokens:
            reads[("supply", token)] = ("SecurityToken", token, "totalSupply", ())
            reads[("issue", token)] = ("MarketRegistry", m.registry, "issueOf", (token,))
            for account in self.accounts:
                reads[("balance", token, account)] = (
                    "SecurityToken",
                    token,
                    "balanceOf",
                    (account,),
                )
        for account in self.accounts:
            reads[("class", account)] = ("InvestorRegistry", m.investors, "classOf", (account,))
            reads[("frozen", account)] = ("SecurityToken", s.token, "frozenAmount", (account,))
            reads[("year", account)] = (
                "InvestorLimitRule",
                limit_rule,
                "investedInYear",
                (account, year),
            )
            reads[("issuer", account)] = (
                "InvestorLimitRule",
                limit_rule,
                "investedWithIssuer",
                (account, s.issuer, year),
            )
        for account in self.cash_holders:
            reads[("cash", account)] = ("CashToken", m.cash, "balanceOf", (account,))
        reads[("cash supply",)] = ("CashToken", m.cash, "totalSupply", ())
        reads[("limits",)] = (
            "InvestorLimitRule",
            limit_rule,
            "limits",
            (int(InvestorClass.GENERAL),),
        )
        got = dict(zip(reads, s.ledger.call_many(list(reads.values())), strict=True))

        for token in self.tokens:
            held = sum(got[("balance", token, a)] for a in self.accounts)
            assert held == got[("supply", token)], "balances must add up to total supply"
            assert held <= got[("issue", token)][8], (
                "KR-SET-2: never beyond the registered quantity"
            )
        assert got[("cash supply",)] == self.cash_minted, "cash is only created by deposits"
        assert sum(got[("cash", a)] for a in self.cash_holders) == self.cash_minted, (
            "cash, fees included, is conserved"
        )
        per_issuer, annual = got[("limits",)]
        for account in self.accounts:
            verified = got[("class", account)] != InvestorClass.NONE
            assert verified or not any(got[("balance", t, account)] for t in self.tokens), (
                "KR-INV-1"
            )
            assert got[("balance", s.token, account)] >= got[("frozen", account)], (
                "a frozen amount left"
            )
            if got[("class", account)] == InvestorClass.GENERAL:
                assert got[("year", account)] <= annual, "KR-INV-2 annual limit exceeded"
                assert got[("issuer", account)] <= per_issuer, "KR-INV-2 issuer limit exceeded"


def test_market_invariants_hold_under_random_operations(scene: Scene):
    # every investor starts with tokens and cash committed to both venues, so trades happen early
    for investor in scene.investors:
        scene.mint(investor, 300)
        scene.fund(investor, 2_000_000, venue="NXT")
        scene.tx(
            "CashToken",
            scene.market.cash,
            "approve",
            scene.venue("KDX"),
            UNLIMITED,
            sender=investor,
        )
    MarketMachine.scene = scene
    run_state_machine_as_test(MarketMachine, settings=stateful_settings())
    steps, settled = sum(n for n, _, _ in STATS), sum(n for _, n, _ in STATS)
    refusals: dict[str, int] = {}
    for _, _, counts in STATS:
        for rule_id, n in counts.items():
            refusals[rule_id] = refusals.get(rule_id, 0) + n
    summary = f"{len(STATS)} examples, {steps} steps, {settled} trades settled"
    print(f"\n{summary}, refusals by rule: {sorted(refusals.items())}")
    assert steps > 0
