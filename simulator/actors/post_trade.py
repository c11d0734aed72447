"""Post-trade and periodic charges of the fee stack beyond the venue (simulator/fee_stack.py):
broker commissions, KSD's and the settlement bank's fees and the transaction tax on every
settled trade; custody and account-management fees each month; KSD's registration fee at
issuance. Each is a cash transfer on the ledger from the payer, batched, then logged."""

from __future__ import annotations

from dataclasses import dataclass, replace

from simulator.actors.investor import Investor
from simulator.chain.ledger import Ledger
from simulator.eventlog import EventLog
from simulator.events import FeeCharged
from simulator.fee_stack import FeeStack


@dataclass(frozen=True)
class Charge:
    trade_id: int
    venue: str
    payer: tuple[str, str]  # (address, name)
    payee: str  # address
    amount: int
    kind: str


class PostTrade:
    def __init__(
        self,
        stack: FeeStack,
        ledger: Ledger,
        cash_token: str,
        log: EventLog,
        names: dict[str, tuple[str, str]],
        payees: dict[str, str],
    ) -> None:
        self.stack = stack
        self.ledger = ledger
        self.cash = cash_token
        self.log = log
        self.names = names  # address -> (name, party type)
        self.payees = payees  # fee kind -> payee address (KSD, bank, tax authority)

    def trade_charges(
        self, trade_id: int, venue: str, side: str, investor: Investor, value: int
    ) -> list[Charge]:
        """What one side of a settled trade owes besides the venue's fees."""
        payer = (investor.address, investor.name)
        charges = [
            Charge(trade_id, venue, payer, self.payees[kind], amount, kind)
            for kind, amount in self.stack.post_trade(side, value).items()
        ]
        if investor.broker is not None:
            broker, schedule = investor.broker
            fee = schedule.fee(side, value)
            if fee:
                charges.append(Charge(trade_id, venue, payer, broker, fee, "commission"))
        return charges

    def settled(
        self, t: int, venue: str, trades: list[tuple[int, Investor, Investor, int]]
    ) -> None:
        """Charge both sides of each settled trade (trade id, buyer, seller, value)."""
        charges: list[Charge] = []
        for trade_id, buyer, seller, value in trades:
            for side, investor in (("buy", buyer), ("sell", seller)):
                for charge in self.trade_charges(trade_id, venue, side, investor, value):
                    paid = min(charge.amount, max(investor.cash, 0))
                    if paid > 0:
                        investor.cash -= paid
                        charges.append(replace(charge, amount=paid))
        self.pay(t, charges)

    def pay(self, t: int, charges: list[Charge]) -> None:
        calls = [
            ("CashToken", self.cash, "transfer", (c.payee, c.amount), c.payer[0]) for c in charges
        ]
        if not calls:
            return
        self.ledger.transact_many(calls)  # every receipt checked
        for c in charges:
            payer_type = self.names[c.payer[0]][1]
            payee_name, payee_type = self.names[c.payee]
            self.log.append(FeeCharged(
                t, c.trade_id, c.venue, c.payer[1], payer_type, payee_name, payee_type, c.amount,
                c.kind,
            ))  # fmt: skip
