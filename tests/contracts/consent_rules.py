"""Rules and invariants of issue 12 for the market state machine (test_market_state.py):
holder consent, trade ids settled once, licences that bite, and a reference price that moves
only with real trades. A mixin: MarketMachine provides the scene, tokens and accounts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from simulator.chain.deferred import PendingTrade, pending_trade
from simulator.chain.deploy import Licence
from simulator.chain.ledger import TxResult
from simulator.chain.orders import OrderKey
from simulator.errors import RuleViolation

from .conftest import PRICE, Scene

ROGUE_KEY = OrderKey(b"\x42" * 32)
investor_index = st.integers(0, 5)


class ConsentRules:
    s: Scene
    tokens: list[str]
    accounts: list[str]
    refusals: dict[str, int]
    settled: int

    def _consent_init(self) -> None:
        self.may_fall: set[str] = set()  # accounts whose balances this step may lower
        self.settled_ids: set[int] = set()
        self.settled_trades: list[tuple[str, tuple[Any, ...]]] = []
        # id -> (venue, the trade as accepted, seller)
        self.pending: dict[int, tuple[str, PendingTrade, str]] = {}
        self.reference: dict[str, int] = {}
        self.last_holdings = self._holdings()

    def _holdings(self) -> dict[tuple[str, str], int]:
        s = self.s
        calls = [
            ("SecurityToken", t, "balanceOf", (a,)) for t in self.tokens for a in self.accounts
        ]
        keys = [(t, a) for t in self.tokens for a in self.accounts]
        calls += [("CashToken", s.market.cash, "balanceOf", (a,)) for a in self.accounts]
        keys += [("cash", a) for a in self.accounts]
        return dict(zip(keys, s.ledger.call_many(calls), strict=True))

    def _record(self, venue: str, tx: TxResult, seller: str = "") -> None:
        """Settled trades: each id once; their reference prices; accepted ones, pending."""
        for event in tx.named("TradeSettled"):
            trade_id = int(event.args["tradeId"])
            assert trade_id not in self.settled_ids, f"trade {trade_id} settled twice"
            self.settled_ids.add(trade_id)
            self.reference[str(event.args["token"])] = int(event.args["price"])
        for event in tx.named("TradeAccepted"):
            self.pending[int(event.args["tradeId"])] = (venue, pending_trade(event.args), seller)

    def _licensed(self, venue: str) -> bool:
        ok, _ = self.s.call(
            "MarketRegistry", self.s.market.registry, "venueCheck", self.s.venue(venue)
        )
        return bool(ok)

    def _count(self, rule_id: str) -> None:
        self.refusals[rule_id] = self.refusals.get(rule_id, 0) + 1

    # ---- rules ----

    @rule(holder=investor_index, buyer=investor_index, quantity=st.integers(1, 300))
    def rogue_trade(self, holder: int, buyer: int, quantity: int) -> None:
        """The operator sells a holder's tokens with an order the holder never signed."""
        s = self.s
        sell = s.order(s.investors[holder], False, quantity, limit=1)
        buy = s.order(s.investors[buyer], True, quantity, limit=1)
        trade = (s.new_trade_id(), s.sign(buy), s.sign(sell, ROGUE_KEY), quantity, 1, True)
        tx = s.settle([trade])
        assert not tx.named("TradeSettled") and not tx.named("TradeAccepted"), "moved unsigned"
        self._count(str(tx.named("TradeFailed")[0].args["ruleId"]) or "named-error")

    @precondition(lambda self: bool(self.settled_trades))
    @rule(data=st.data())
    def replay_trade(self, data: st.DataObject) -> None:
        """A settled trade submitted again, alone or twice in one batch, moves nothing."""
        venue, trade = data.draw(st.sampled_from(self.settled_trades))
        tx = self.s.settle([trade, trade], venue)
        assert not tx.named("TradeSettled") and len(tx.named("TradeIdReused")) == 2

    @rule(venue=st.sampled_from(["NXT", "KDX"]), action=st.sampled_from(["revoke", "grant"]))
    def operator_licence(self, venue: str, action: str) -> None:
        s = self.s
        fn = "revokeLicence" if action == "revoke" else "grantLicence"
        try:
            s.registry(fn, s.operator(venue), int(Licence.OTC_VENUE))
        except RuleViolation as exc:
            self._count(exc.rule_id)

    @rule(venue=st.sampled_from(["NXT", "KDX"]), suspended=st.booleans())
    def suspend_venue(self, venue: str, suspended: bool) -> None:
        self.s.registry("suspendVenue", self.s.venue(venue), suspended)

    @rule(action=st.sampled_from(["revoke", "grant"]))
    def account_manager_licence(self, action: str) -> None:
        s = self.s
        fn = "revokeLicence" if action == "revoke" else "grantLicence"
        try:
            s.registry(fn, s.issuer, int(Licence.ISSUER_ACCOUNT_MANAGER))
        except RuleViolation as exc:
            self._count(exc.rule_id)

    @rule(venue=st.sampled_from(["NXT", "KDX"]), days=st.sampled_from([0, 2]))
    def settlement_cycle(self, venue: str, days: int) -> None:
        self.s.tx(
            "Venue", self.s.venue(venue), "setSettlementDays", days, sender=self.s.operator(venue)
        )

    @precondition(lambda self: bool(self.pending))
    @rule()
    def finalize_due(self) -> None:
        """KSD finalizes every pending trade once its due date has come."""
        s = self.s
        latest = max(due for _, (_, due), _ in self.pending.values())
        if s.ledger.timestamp() < latest:
            s.ledger.set_time(latest)
        for venue in ("NXT", "KDX"):
            legs = [leg for v, leg, _ in self.pending.values() if v == venue]
            if not legs:
                continue
            tx = s.tx("Venue", s.venue(venue), "finalize", legs + legs[:1], sender=s.ksd)
            for event in tx.named("TradeSettled"):  # orders both holders signed at acceptance
                self.may_fall |= {str(event.args["buyer"]), str(event.args["seller"])}
            self._record(venue, tx)
            self.settled += len(tx.named("TradeSettled"))
            for event in tx.named("TradeFailed"):
                self._count(str(event.args["ruleId"]) or "named-error")
            assert len(tx.named("TradeIdReused")) == 1, "a repeat in one finalize settles once"
        self.pending.clear()

    # ---- invariants ----

    @invariant()
    def balances_fall_only_by_own_orders(self) -> None:
        now = self._holdings()
        for key, value in now.items():
            before = self.last_holdings.get(key, 0)
            assert value >= before or key[1] in self.may_fall, (
                f"{key[1]} lost {before - value} of {key[0]} without its order or transfer"
            )
        self.last_holdings, self.may_fall = now, set()

    @invariant()
    def reference_price_moves_only_with_real_trades(self) -> None:
        s = self.s
        prices = s.ledger.call_many(
            [("SecurityToken", t, "referencePrice", ()) for t in self.tokens]
        )
        for token, price in zip(self.tokens, prices, strict=True):
            if token in self.reference:
                assert price == self.reference[token], "reference price moved without a trade"
            elif price:
                self.reference[token] = price  # the offering price, set by the first mint
            assert price > 0 or token != s.token, "the listed issue's reference price is never 0"


__all__ = ["PRICE", "ConsentRules"]
