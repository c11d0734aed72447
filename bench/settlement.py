"""DvP settlement throughput, measured side by side in one run (part of bench/run.py).

    .venv/bin/python bench/settlement.py [--trades 300]

Each way settles the same kind of trade (one token leg, one cash leg, maker/taker fees, the
market's compliance rules) through the Venue contract on a fresh chain, and every settlement is
checked (TradeSettled event or receipt status). Ways:
- brownie loop: one `settleBatch` transaction of one trade per call, through brownie;
- web3 loop: the same transactions sent with web3 and waited for one by one;
- json-rpc batches: the same transactions sent as JSON-RPC batches with explicit nonces while
  mining is paused, then one `evm_mine` and one `eth_getBlockReceipts` per block;
- stosim Anvil adapter: what the simulator does, `BrownieLedger.transact_many` of `settleBatch`
  transactions of 40 trades, every receipt checked and every log decoded;
- embedded ledger: the same calls on `RevmLedger` (the contracts in-process on revm).
Prints settlements per second and the ratio to the brownie loop.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import requests

from simulator.actors.venue_settlement import BATCH_GAS, BATCH_LIMIT
from simulator.chain.artifacts import function_abi
from simulator.chain.brownie_ledger import BrownieLedger
from simulator.chain.codec import encode_call
from simulator.chain.deploy import (
    FAR_FUTURE,
    InvestorClass,
    IssueSpec,
    deploy_market,
    fee_schedule_params,
    issue_security,
    register_issuer,
)
from simulator.chain.ledger import Ledger
from simulator.chain.revm_ledger import RevmLedger
from simulator.chain.toolchain import free_port
from simulator.scenario import FeeSchedule

MAX = 2**256 - 1
PRICE = 1_000


def prepare(ledger: Ledger, trades: int) -> dict:
    """A market with one listed token, a seller holding enough and a funded buyer."""
    market = deploy_market(ledger)
    regulator, verifier = market.roles["regulator (FSC)"], market.roles["KYC verifier"]
    bank = market.roles["settlement bank"]
    issuer, seller, buyer = market.free_accounts[:3]
    register_issuer(ledger, market, issuer)
    professional = int(InvestorClass.PROFESSIONAL)
    for account in (seller, buyer):
        ledger.transact(
            "InvestorRegistry",
            market.investors,
            "verify",
            account,
            professional,
            FAR_FUTURE,
            sender=verifier,
        )
    quantity = 4 * trades * 10 + 1_000
    token = issue_security(
        ledger,
        market,
        IssueSpec("Bench", "BNCH", issuer, quantity * 2, PRICE, professional_only=True),
    )
    for rule in ("KR-INV-3", "KR-DIS-1"):
        ledger.transact(
            "MarketRegistry", market.registry, "setRuleEnabled", rule, False, sender=regulator
        )
    ledger.transact("SecurityToken", token, "mint", issuer, quantity * 2 // 20, sender=issuer)
    ledger.transact("SecurityToken", token, "mint", seller, quantity, sender=issuer)
    venue, operator = market.venues["NXT"]["address"], market.venues["NXT"]["operator"]
    ledger.transact(
        "Venue",
        venue,
        "setFeeSchedule",
        fee_schedule_params(FeeSchedule(maker_bps=10, taker_bps=30)),
        sender=operator,
    )
    ledger.transact("Venue", venue, "requestListing", token, sender=issuer)
    ledger.transact("Venue", venue, "acceptListing", token, sender=operator)
    ledger.transact("CashToken", market.cash, "mint", buyer, 10**15, sender=bank)
    ledger.transact("CashToken", market.cash, "approve", venue, MAX, sender=buyer)
    market.roles["issuer (bench)"] = issuer
    return {
        "venue": venue,
        "operator": operator,
        "token": token,
        "buyer": buyer,
        "seller": seller,
        "market": market,
        "ledger": ledger,
    }


SIGNED = len(function_abi("Venue", "settleBatch").inputs) == 1  # since issue 12


class Trades:
    """Trades of the bench's buyer and seller; since issue 12 each carries both holders' orders,
    signed here (the signing is part of the measured cost, as in a simulation)."""

    def __init__(self, setup: dict) -> None:
        self.s = setup
        self.next_id = 1
        if SIGNED:
            from simulator.chain.orders import OrderSigner, register_key_call

            market, ledger = setup["market"], setup["ledger"]
            fees = FeeSchedule(maker_bps=10, taker_bps=30)
            self.signer = OrderSigner(ledger.chain_id, setup["venue"], fees)
            ledger.transact_many(
                [register_key_call(market.investors, a) for a in (setup["buyer"], setup["seller"])]
            )

    def take(self, n: int, quantity: int = 10) -> list[tuple]:
        out = []
        for _ in range(n):
            i, s = self.next_id, self.s
            self.next_id += 1
            if SIGNED:
                buy = self.signer.signed(s["buyer"], s["token"], True, quantity, PRICE, 2 * i)
                sell = self.signer.signed(
                    s["seller"], s["token"], False, quantity, PRICE, 2 * i + 1
                )
                out.append((i, buy, sell, quantity, PRICE, True))
            else:
                out.append((i, s["token"], s["buyer"], s["seller"], quantity, PRICE, True))
        return out


def settle_args(trades: list[tuple]) -> tuple:
    """settleBatch's arguments: the trades (and, before issue 12, an operator-given due date)."""
    return (trades,) if SIGNED else (trades, 0)


def brownie_loop(ledger: Ledger, setup: dict, trades: Trades, n: int) -> int:
    """brownie's own contract objects, one transaction waited for at a time."""
    from simulator.chain.brownie_ledger import load_project

    venue = load_project()["Venue"].at(setup["venue"])
    settled = 0
    for trade in trades.take(n):
        tx = venue.settleBatch(*settle_args([trade]), {"from": setup["operator"]}, silent=True)
        settled += len(tx.events["TradeSettled"]) if "TradeSettled" in tx.events else 0
    return settled


def adapter_batches(ledger: Ledger, setup: dict, trades: Trades, n: int) -> int:
    """The simulator's path: settleBatch transactions of BATCH_LIMIT trades, sent together."""
    batch = trades.take(n)
    calls = [
        (
            "Venue",
            setup["venue"],
            "settleBatch",
            settle_args(batch[i : i + BATCH_LIMIT]),
            setup["operator"],
        )
        for i in range(0, n, BATCH_LIMIT)
    ]
    return sum(len(tx.named("TradeSettled")) for tx in ledger.transact_many(calls, BATCH_GAS))


def _calldata(ledger: BrownieLedger, setup: dict, trade: tuple) -> str:
    return "0x" + encode_call("Venue", "settleBatch", settle_args([trade])).hex()


def web3_loop(ledger: BrownieLedger, setup: dict, trades: Trades, n: int) -> int:
    from brownie import web3

    settled = 0
    for trade in trades.take(n):
        tx_hash = web3.eth.send_transaction(
            {
                "from": setup["operator"],
                "to": setup["venue"],
                "data": _calldata(ledger, setup, trade),
                "gas": 2_000_000,
            }
        )
        settled += web3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    return settled


def jsonrpc_batches(
    ledger: BrownieLedger, setup: dict, trades: Trades, n: int, block: int = 200
) -> int:
    session, url = requests.Session(), ledger.rpc_url

    def rpc(method: str, params: list) -> object:
        return session.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        ).json()["result"]

    nonce = int(str(rpc("eth_getTransactionCount", [setup["operator"], "latest"])), 16)
    rpc("evm_setAutomine", [False])
    settled = 0
    try:
        batch = trades.take(n)
        for start in range(0, n, block):
            requests_body = [
                {
                    "jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction",
                    "params": [{"from": setup["operator"], "to": setup["venue"],
                                "gas": hex(2_000_000), "nonce": hex(nonce + i),
                                "data": _calldata(ledger, setup, trade)}],
                }
                for i, trade in enumerate(batch[start : start + block])
            ]  # fmt: skip
            replies = session.post(url, json=requests_body).json()
            assert all("result" in r for r in replies), replies[:2]
            nonce += len(requests_body)
            mined = 0
            while mined < len(requests_body):  # a block takes what fits its gas limit; mine on
                rpc("evm_mine", [])
                receipts = rpc("eth_getBlockReceipts", ["latest"])
                mined += len(receipts)  # type: ignore[arg-type]
                settled += sum(int(r["status"], 16) for r in receipts)  # type: ignore[union-attr, index]
    finally:
        rpc("evm_setAutomine", [True])
    return settled


ANVIL_WAYS: dict[str, Callable[..., int]] = {
    "brownie loop": brownie_loop,
    "web3 loop": web3_loop,
    "json-rpc batches": jsonrpc_batches,
    "stosim Anvil adapter": adapter_batches,
}


def measure(n_slow: int, n_fast: int, embedded_only: bool = False) -> dict[str, float]:
    """Settlements per second of every way; the loops one trade at a time get n_slow trades."""
    rates: dict[str, float] = {}
    if not embedded_only:
        rates.update(_measure_anvil(n_slow, n_fast))
    with RevmLedger.start() as embedded:
        setup = prepare(embedded, n_fast * 10)
        rates["embedded ledger (revm)"] = _rate(
            "embedded", adapter_batches, embedded, setup, Trades(setup), n_fast * 10
        )
    return rates


def _measure_anvil(n_slow: int, n_fast: int) -> dict[str, float]:
    rates: dict[str, float] = {}
    with BrownieLedger.start(free_port()) as ledger:
        setup = prepare(ledger, n_slow * 3 + n_fast)
        trades = Trades(setup)
        for name, way in ANVIL_WAYS.items():
            rates[name] = _rate(
                name, way, ledger, setup, trades, n_fast if "adapter" in name else n_slow
            )
    return rates


def _rate(
    name: str, way: Callable[..., int], ledger: Ledger, setup: dict, trades: Trades, n: int
) -> float:
    started = time.perf_counter()
    settled = way(ledger, setup, trades, n)
    elapsed = time.perf_counter() - started
    assert settled == n, f"{name}: {settled} of {n} settled"
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=300, help="settlements per one-by-one way")
    parser.add_argument("--batched", type=int, default=2_000, help="settlements per batched way")
    parser.add_argument(
        "--embedded-only", action="store_true", help="only the embedded ledger (10 x --batched)"
    )
    args = parser.parse_args()
    rates = measure(args.trades, args.batched, args.embedded_only)
    base = rates.get("brownie loop")
    print(f"{'way':<26}{'settlements/s':>15}{'x brownie':>12}")
    for name, rate in rates.items():
        ratio = f"{rate / base:>12.1f}" if base else f"{'':>12}"
        print(f"{name:<26}{rate:>15,.0f}{ratio}")


if __name__ == "__main__":
    main()
