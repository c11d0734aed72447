"""Gas of the main contract functions: the table of issue 3, kept up to date (issue 12: before and
after signed orders).

    .venv/bin/python bench/gas.py [--ledger anvil|revm] [--json out/gas.json]

Measured on Anvil by default: its receipts are a real chain's. The embedded ledger reports less
(pyrevm 0.3.7 never finalizes its journal, so storage slots touched by an earlier transaction
stay warm and their original values stale; issue 16 measured 214,649 against Anvil's 350,327 for
the same trade), so its figures only compare with each other.

Each figure is one transaction of a fixed scene (bench/settlement.py's market: one listed token,
a professional buyer and seller, maker 10 / taker 30 bps), so runs
compare exactly. Works with the Venue of before issue 12 too (trades without signed orders).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from settlement import Trades, prepare, settle_args

from simulator.actors.venue_settlement import BATCH_GAS, BATCH_LIMIT
from simulator.chain.brownie_ledger import BrownieLedger
from simulator.chain.deferred import pending_trade
from simulator.chain.deploy import IssueSpec, Licence, issue_security
from simulator.chain.ledger import Ledger
from simulator.chain.revm_ledger import RevmLedger
from simulator.chain.toolchain import free_port


def scene(ledger: Ledger) -> dict[str, Any]:
    """bench/settlement.py's market, with the roles this table needs."""
    setup = prepare(ledger, 200)
    market = setup["market"]
    setup.update(
        issuer=market.roles["issuer (bench)"],
        ksd=market.roles["registrar (KSD)"],
        regulator=market.roles["regulator (FSC)"],
        registry=market.registry,
        investors=market.investors,
    )
    return setup


def finalize_arg(accepted: dict[str, Any]) -> Any:
    """What Venue.finalize takes for an accepted trade: the trade as accepted (its commitment),
    or, before deferred trades were stored as one hash, its id."""
    return pending_trade(accepted) if "buyer" in accepted else int(accepted["tradeId"])


def measure(backend: str = "anvil") -> dict[str, int]:
    ledger: Ledger = (
        BrownieLedger.start(free_port()) if backend == "anvil" else RevmLedger.start(accounts=20)
    )
    try:
        return _measure(ledger)
    finally:
        ledger.close()


def _measure(ledger: Ledger) -> dict[str, int]:
    s = scene(ledger)
    orders = Trades(s)
    venue, operator, token, seller, buyer = (
        s["venue"],
        s["operator"],
        s["token"],
        s["seller"],
        s["buyer"],
    )
    gas: dict[str, int] = {}

    def tx(name: str, contract: str, address: str, fn: str, *args: Any, sender: str) -> Any:
        result = ledger.transact(contract, address, fn, *args, sender=sender)
        gas[name] = result.gas_used
        return result

    one = tx("Venue.settleBatch, 1 trade (T+0)", "Venue", venue, "settleBatch",
             *settle_args(orders.take(1)), sender=operator)  # fmt: skip
    assert one.named("TradeSettled")
    calls = [("Venue", venue, "settleBatch", settle_args(orders.take(BATCH_LIMIT)), operator)]
    (batch,) = ledger.transact_many(calls, BATCH_GAS)
    assert len(batch.named("TradeSettled")) == BATCH_LIMIT
    gas[f"Venue.settleBatch, per trade in a batch of {BATCH_LIMIT}"] = batch.gas_used // BATCH_LIMIT
    ledger.transact("Venue", venue, "setSettlementDays", 2, sender=operator)
    deferred = settle_args(orders.take(1))
    if len(deferred) == 2:  # before issue 12 the operator gave the due date
        deferred = (deferred[0], ledger.timestamp() + 2 * 86_400)
    accepted = tx("Venue.settleBatch, 1 trade accepted for T+2", "Venue", venue, "settleBatch",
                  *deferred, sender=operator)  # fmt: skip
    (event,) = accepted.named("TradeAccepted")
    calls = [("Venue", venue, "settleBatch", settle_args(orders.take(BATCH_LIMIT)), operator)]
    (batch,) = ledger.transact_many(calls, BATCH_GAS)
    ids = [finalize_arg(e.args) for e in batch.named("TradeAccepted")]
    assert len(ids) == BATCH_LIMIT
    gas[f"Venue.settleBatch, per trade accepted for T+2 in a batch of {BATCH_LIMIT}"] = (
        batch.gas_used // BATCH_LIMIT
    )
    ledger.set_time(int(event.args["due"]))
    tx("Venue.finalize, 1 trade", "Venue", venue, "finalize", [finalize_arg(event.args)],
       sender=s["ksd"])  # fmt: skip
    (batch,) = ledger.transact_many([("Venue", venue, "finalize", (ids,), s["ksd"])], BATCH_GAS)
    assert len(batch.named("TradeSettled")) == BATCH_LIMIT
    gas[f"Venue.finalize, per trade in a batch of {BATCH_LIMIT}"] = batch.gas_used // BATCH_LIMIT
    tx("SecurityToken.transfer", "SecurityToken", token, "transfer", buyer, 1, sender=seller)
    tx("SecurityToken.forcedTransfer", "SecurityToken", token, "forcedTransfer", seller, buyer, 1,
       "court-order", sender=s["ksd"])  # fmt: skip
    tx("SecurityToken.mint", "SecurityToken", token, "mint", seller, 10, sender=s["issuer"])
    firm = ledger.accounts[-1]
    ledger.transact("MarketRegistry", s["registry"], "registerFirm", firm, 10**10, 0,
                    sender=s["regulator"])  # fmt: skip
    tx("MarketRegistry.grantLicence", "MarketRegistry", s["registry"], "grantLicence", firm,
       int(Licence.SECURITIES_ACCOUNT_MANAGER), sender=s["regulator"])  # fmt: skip
    other = issue_security(ledger, s["market"], IssueSpec("Gas", "GAS", s["issuer"], 1_000, 1_000))
    ledger.transact("Venue", venue, "requestListing", other, sender=s["issuer"])
    tx("Venue.acceptListing", "Venue", venue, "acceptListing", other, sender=operator)
    return gas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ledger", choices=["anvil", "revm"], default="anvil")
    args = parser.parse_args()
    gas = measure(args.ledger)
    width = max(map(len, gas))
    for name, used in gas.items():
        print(f"{name:<{width}}  {used:>10,}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(gas, indent=2))


if __name__ == "__main__":
    main()
