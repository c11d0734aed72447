"""A chain spoken to in raw JSON-RPC (Anvil's dialect): batched transactions with explicit
nonces while mining is paused, one block per run of transactions that fits, receipts read in
bulk, static calls in one batch, the node's trace for revert data, and its clock. The typed
ledger on top is raw_ledger.RawLedger's; starting the chain is brownie_ledger's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from eth_utils import to_checksum_address

from simulator.chain.ledger import TxResult
from simulator.chain.raw_ledger import RawLedger, RawTx, Reverted
from simulator.errors import ChainError

T = TypeVar("T")

REQUEST_CHARS = 1_200_000  # hex calldata per JSON-RPC batch
DEFAULT_PORT = 8545
# Anvil's settings for a fresh chain: room for many settlement batches a block, no gas costs.
ANVIL_SETTINGS = {
    # blocks large enough for every settlement transaction of a venue's settlement interval:
    # each block costs an evm_mine round trip (~36 ms), so fewer, fuller blocks settle faster
    "gas_limit": 1_000_000_000,
    "accounts": 20,
    "base_fee": 0,
    "default_balance": 1_000_000,
}
BLOCK_GAS = int(ANVIL_SETTINGS["gas_limit"] * 0.9)
# Anvil otherwise keeps the state of every block in memory: a whole scenario grew it to 6 GiB
# and slowed every block down. The last few states serve traces of reverted transactions.
ANVIL_FLAGS = "--prune-history 64"  # what one block of a batch may take


class AnvilRpc(RawLedger):
    rpc_url: str
    single_gas: int
    _http: Any

    def send_raw(self, txs: list[RawTx]) -> list[TxResult | Reverted]:
        """Send the transactions as JSON-RPC batches with explicit nonces while mining is
        paused, then mine them: one round trip per batch instead of several per transaction.
        Every receipt is read; a reverted transaction's revert data comes from the node's trace."""
        if not txs:
            return []
        senders = list(dict.fromkeys(tx.sender for tx in txs))
        counts = self._batch([("eth_getTransactionCount", [s, "pending"]) for s in senders])
        nonces = {s: int(c["result"], 16) for s, c in zip(senders, counts, strict=True)}
        results: list[TxResult | Reverted] = []
        self._rpc("evm_setAutomine", [False])
        try:
            for block in self._blocks(txs):
                sends = []
                for tx in block:
                    body = {
                        "from": tx.sender,
                        "data": "0x" + tx.data.hex(),
                        "gas": hex(tx.gas or self.single_gas),
                        "nonce": hex(nonces[tx.sender]),
                    }
                    if tx.to is not None:
                        body["to"] = tx.to
                    nonces[tx.sender] += 1
                    sends.append(("eth_sendTransaction", [body]))
                hashes = []
                for request in _by_size(sends):
                    for reply in self._batch(request):
                        if "error" in reply:
                            raise ChainError(f"eth_sendTransaction failed: {reply['error']}")
                        hashes.append(reply["result"])
                receipts: dict[str, Any] = {}
                while len(receipts) < len(hashes):
                    self._rpc("evm_mine", [])
                    for receipt in self._rpc("eth_getBlockReceipts", ["latest"]):
                        receipts[receipt["transactionHash"]] = receipt
                results.extend(self._outcome(receipts[tx_hash]) for tx_hash in hashes)
        finally:
            self._rpc("evm_setAutomine", [True])
        return results

    def _blocks(self, txs: list[RawTx]) -> Iterator[list[RawTx]]:
        """The transactions in runs that one block takes, by their gas."""
        return _runs(txs, lambda tx: tx.gas or self.single_gas, BLOCK_GAS)

    def _outcome(self, receipt: dict[str, Any]) -> TxResult | Reverted:
        tx_hash = receipt["transactionHash"]
        if int(receipt["status"], 16) != 1:
            return Reverted(self._trace_output(tx_hash), f"transaction {tx_hash} reverted")
        created = receipt.get("contractAddress") or ""
        return TxResult(
            tx_hash,
            int(receipt["gasUsed"], 16),
            int(receipt["blockNumber"], 16),
            tuple(receipt["logs"]),
            created=to_checksum_address(created) if created else "",
        )

    def read_raw(self, reads: list[tuple[str, bytes]]) -> list[bytes | Reverted]:
        """Static calls in one JSON-RPC batch."""
        replies = self._batch(
            [("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"]) for to, data in reads]
        )
        outcomes: list[bytes | Reverted] = []
        for reply in replies:
            if "error" in reply:
                data = reply["error"].get("data") or ""
                outcomes.append(
                    Reverted(data if isinstance(data, str) else "", str(reply["error"]))
                )
            else:
                outcomes.append(bytes.fromhex(reply["result"].removeprefix("0x")))
        return outcomes

    def _trace_output(self, tx_hash: str) -> str:
        """A transaction's return (or revert) data, from the node's call tracer."""
        try:
            trace = self._rpc("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
        except ChainError:
            return ""
        return str(trace.get("output") or "")

    def _batch(self, requests: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        """One JSON-RPC batch of (method, params); the replies in the order of the requests."""
        if not requests:
            return []  # an empty batch is an invalid request in JSON-RPC
        body = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
            for i, (method, params) in enumerate(requests)
        ]
        replies = self._session().post(self.rpc_url, json=body, timeout=120).json()
        return sorted(replies, key=lambda r: r["id"])

    def _session(self) -> Any:
        if self._http is None:
            import requests

            self._http = requests.Session()
        return self._http

    # ---- time ----

    def set_time(self, unix_time: int) -> None:
        """Give the next block this timestamp, if it is later than the chain's clock."""
        if unix_time > self.timestamp():
            self._rpc("evm_setNextBlockTimestamp", [int(unix_time)])

    def _rpc(self, method: str, params: list[Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        reply = self._session().post(self.rpc_url, json=body, timeout=60).json()
        if "error" in reply:
            raise ChainError(f"{method} failed: {reply['error']}")
        return reply["result"]

    def timestamp(self) -> int:
        raise NotImplementedError


def _by_size(
    sends: list[tuple[str, list[Any]]],
) -> Iterator[list[tuple[str, list[Any]]]]:
    """Requests in batches that Anvil accepts (it refuses bodies of about 2.5 MB)."""
    return _runs(sends, lambda send: len(send[1][0]["data"]), REQUEST_CHARS)


def _runs(items: list[T], size_of: Callable[[T], int], limit: int) -> Iterator[list[T]]:
    """Consecutive runs of `items` whose sizes add up to at most `limit` (an item larger than
    the limit makes a run of its own)."""
    run: list[T] = []
    size = 0
    for item in items:
        length = size_of(item)
        if run and size + length > limit:
            yield run
            run, size = [], 0
        run.append(item)
        size += length
    if run:
        yield run
