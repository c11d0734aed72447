"""KSD, the registrar: finalizes deferred trades on their settlement date (KR-SET-1) and records
large holders' sale disclosures on the register (KR-DIS-1)."""

from __future__ import annotations

from functools import partial

from simulator.actors.distributor import Distributor
from simulator.actors.investor import Investor
from simulator.actors.venue_settlement import BATCH_GAS, BATCH_LIMIT
from simulator.calendar import DAY, MarketCalendar
from simulator.chain.ledger import Ledger
from simulator.engine import Engine, Priority
from simulator.eventlog import EventLog
from simulator.events import DisclosureFiled
from simulator.scenario import Regime


class Registrar:
    def __init__(
        self, address: str, ledger: Ledger, engine: Engine, calendar: MarketCalendar
    ) -> None:
        self.address = address
        self.ledger = ledger
        self.engine = engine
        self.calendar = calendar
        self.venues: dict[str, Distributor] = {}
        # due time -> venue -> trades due then: all venues' finalizations of one instant go to
        # the chain together (one block on Anvil)
        self._due: dict[int, dict[str, list[int]]] = {}

    def expect(self, venue: str, trade_id: int, due_unix: int) -> None:
        """A venue accepted a trade for deferred settlement: finalize it on the due date the
        chain gave it from KSD's settlement calendar (KR-SET-1)."""
        due = due_unix - self.calendar.unix(0)
        if due not in self._due:
            self._due[due] = {}
            self.engine.at(due, partial(self._finalize, due), priority=Priority.KSD)
        self._due[due].setdefault(venue, []).append(trade_id)

    def last_due(self) -> int | None:
        """The latest due date of the trades still waiting for finalization."""
        return max(self._due, default=None)

    def record_disclosures(
        self,
        t: int,
        investors: list[Investor],
        issues: dict[str, tuple[str, int]],
        regime: Regime,
        log: EventLog,
    ) -> None:
        """KR-DIS-1: a holder above the threshold (of the units registered) files its sale
        disclosure `disclosure_delay_days` after it crossed; KSD records it on the token, and
        from then on the holder may sell. `issues`: asset -> (token, units registered)."""
        if not regime.enabled("KR-DIS-1"):
            return
        p = regime.params
        filed: list[tuple[Investor, str, int]] = []
        for inv in investors:
            for asset, (_, registered) in sorted(issues.items()):
                if asset in inv.disclosed:
                    continue
                if inv.holdings[asset] * 10_000 <= registered * p.disclosure_threshold_bps:
                    inv.above_threshold_since.pop(asset, None)
                    continue
                since = inv.above_threshold_since.setdefault(asset, t)
                if t - since >= p.disclosure_delay_days * DAY:
                    filed.append((inv, asset, since))
        calls = [
            ("SecurityToken", issues[asset][0], "setDisclosed", (inv.address, True), self.address)
            for inv, asset, _ in filed
        ]
        if not calls:
            return
        self.ledger.set_time(self.calendar.unix(t))
        self.ledger.transact_many(calls)  # every receipt checked
        for inv, asset, since in filed:
            inv.disclosed.add(asset)
            log.append(DisclosureFiled(
                t, inv.name, inv.investor_class, asset, inv.holdings[asset], issues[asset][1],
                since,
            ))  # fmt: skip

    def force_transfer(
        self, token: str, asset: str, source: Investor, target: Investor, amount: int, reason: str
    ) -> None:
        """A court order or lost keys (KR-LED-2): move tokens on the register, tell both holders."""
        self.ledger.transact(
            "SecurityToken",
            token,
            "forcedTransfer",
            source.address,
            target.address,
            amount,
            reason,
            sender=self.address,
        )
        source.on_forced_transfer(asset, -amount)
        target.on_forced_transfer(asset, amount)

    def _finalize(self, due: int) -> None:
        """Finalize every venue's trades due now, in one round trip (KR-SET-1)."""
        self.ledger.set_time(self.calendar.unix(due))
        # chunks stay inside the block gas limit
        work = [
            (self.venues[venue_name], trade_ids[i : i + BATCH_LIMIT])
            for venue_name, trade_ids in self._due.pop(due).items()
            for i in range(0, len(trade_ids), BATCH_LIMIT)
        ]
        calls = [venue.finalize_call(self.address, chunk) for venue, chunk in work]
        receipts = self.ledger.transact_many(calls, BATCH_GAS)
        for (venue, chunk), tx in zip(work, receipts, strict=True):
            venue.finalized(self.engine.now, tx, chunk)
