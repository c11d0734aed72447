"""Anvil through eth-brownie: brownie compiles the contracts and starts or attaches to the chain;
transactions, calls and receipts are raw JSON-RPC (raw_ledger.RawLedger does the typed rest).
This is the only module of stosim that imports brownie.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from eth_utils import to_checksum_address

from simulator.chain import artifacts, toolchain
from simulator.chain.ledger import TxResult
from simulator.chain.raw_ledger import RawLedger, RawTx, Reverted
from simulator.errors import ChainError

_EXTERNAL_NETWORK = "stosim-external"
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


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """brownie prints progress to stdout; keep stdout for stosim's own output (JSON manifests)."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


_loaded_project: Any = None


def load_project() -> Any:
    """Compile (cached in build/) and load the brownie project once per process; the ABIs and
    bytecode go to the store the other modules read (artifacts.STORE)."""
    global _loaded_project
    if _loaded_project is None:
        toolchain.prepare_environment()
        import brownie.project

        # brownie warns about its own internal snapshot calls on every connect
        warnings.filterwarnings("ignore", message=r"rpc\.\w+ should not be called directly")
        # one compiler at a time: runs started together (API pool, tests) share build/
        lock_path = toolchain.PROJECT_ROOT / "build" / ".compile.lock"
        lock_path.parent.mkdir(exist_ok=True)
        # brownie resolves the sources' imports against the working directory: run from any
        # directory (a Dask worker's, a user's), it must look from the checkout
        with open(lock_path, "w") as lock, _quiet(), contextlib.chdir(toolchain.PROJECT_ROOT):
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                _loaded_project = brownie.project.load(toolchain.PROJECT_ROOT, name="StosimProject")
                if not artifacts.store_is_current():
                    artifacts.write_store()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return _loaded_project


class BrownieLedger(RawLedger):
    """A connection to one chain. Use `start()` for a fresh Anvil that this process owns and
    stops on `close()`, or `attach(url)` for a chain that someone else runs."""

    single_gas = 25_000_000  # a transaction sent alone may fill most of a 30 M gas block

    def __init__(self, rpc_url: str, owns_chain: bool) -> None:
        from brownie import accounts, web3

        self.rpc_url = rpc_url
        self.owns_chain = owns_chain
        self.chain_id = int(web3.eth.chain_id)
        self.accounts: list[str] = [str(a.address) for a in accounts]
        self._http: Any = None

    # ---- lifecycle ----

    @classmethod
    def start(
        cls, port: int | None = None, accounts: int = 20, genesis_timestamp: int | None = None
    ) -> BrownieLedger:
        """Launch a fresh Anvil through brownie's development network, on `port` or, when
        8545 is taken by another chain, on a free port (a busy port is never attached to)."""
        project = load_project()
        del project
        import brownie.network
        from brownie._config import CONFIG

        chosen = port if port is not None else toolchain.choose_port(DEFAULT_PORT)
        if not toolchain.port_is_free(chosen):
            raise ChainError(
                f"port {chosen} is in use; pick another with --port or stop what runs there"
            )
        anvil = toolchain.anvil_binary()
        network = CONFIG.networks["development"]
        # brownie picks its anvil backend by the command's name, and passes only the flags it
        # knows; the genesis time goes into the command itself
        timestamp = "" if genesis_timestamp is None else f" --timestamp {genesis_timestamp}"
        network["cmd"] = f"anvil{timestamp} {ANVIL_FLAGS}".strip()
        network["host"] = "http://127.0.0.1"
        network["cmd_settings"] = {**ANVIL_SETTINGS, "accounts": accounts, "port": chosen}
        # brownie runs `anvil` from PATH: our launcher, which ties the chain's life to this
        # process's, then runs the real binary
        os.environ["STOSIM_ANVIL"] = str(anvil)
        _prepend_path(str(toolchain.ANVIL_LAUNCHER_DIR))
        with _quiet():
            brownie.network.connect("development")
        return cls(f"http://127.0.0.1:{chosen}", owns_chain=True)

    @classmethod
    def attach(cls, rpc_url: str) -> BrownieLedger:
        """Connect to a running chain with unlocked accounts (e.g. an Anvil started elsewhere)."""
        load_project()
        import brownie.network
        from brownie._config import CONFIG

        probe = _probe(rpc_url)
        if probe is not None:
            raise ChainError(f"cannot reach a chain at {rpc_url}: {probe}")
        CONFIG.networks[_EXTERNAL_NETWORK] = {
            "id": _EXTERNAL_NETWORK,
            "name": "external chain",
            "host": rpc_url,
            "cmd": "anvil",
            "cmd_settings": {},
            "timeout": 30,
        }
        with _quiet():
            brownie.network.connect(_EXTERNAL_NETWORK, launch_rpc=False)
        ledger = cls(rpc_url, owns_chain=False)
        if not ledger.accounts:
            ledger.close()
            raise ChainError(f"the chain at {rpc_url} has no unlocked accounts to deploy from")
        return ledger

    def close(self) -> None:
        """Disconnect; a chain this ledger started is stopped."""
        import brownie.network

        if brownie.network.is_connected():
            with _quiet():
                brownie.network.disconnect(kill_rpc=self.owns_chain)

    def __enter__(self) -> BrownieLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- raw operations ----

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
        run: list[RawTx] = []
        gas = 0
        for tx in txs:
            tx_gas = tx.gas or self.single_gas
            if run and gas + tx_gas > BLOCK_GAS:
                yield run
                run, gas = [], 0
            run.append(tx)
            gas += tx_gas
        if run:
            yield run

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

    def timestamp(self) -> int:
        """The latest block's timestamp (the chain's clock, which brownie's may not match)."""
        from brownie import web3

        return int(web3.eth.get_block("latest")["timestamp"])

    def advance_time(self, seconds: int) -> None:
        """Move the chain's clock forward and mine a block at the new time."""
        from brownie import chain

        chain.sleep(int(seconds))
        chain.mine()

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

    def snapshot(self) -> str:
        """Save the chain's state; returns an id for `revert`. Snapshots nest."""
        from brownie import chain

        # brownie's own snapshot keeps one slot; its helpers keep nonces and clock in step
        return str(chain._take_snapshot())

    def revert(self, snapshot_id: str) -> None:
        """Return to a saved state (the id is used up, as the node drops it)."""
        from brownie import chain

        chain._revert(snapshot_id)


def _by_size(
    sends: list[tuple[str, list[Any]]],
) -> Iterator[list[tuple[str, list[Any]]]]:
    """Requests in batches that Anvil accepts (it refuses bodies of about 2.5 MB)."""
    batch: list[tuple[str, list[Any]]] = []
    size = 0
    for send in sends:
        length = len(send[1][0]["data"])
        if batch and size + length > REQUEST_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(send)
        size += length
    if batch:
        yield batch


def _probe(rpc_url: str) -> str | None:
    """None if `rpc_url` answers JSON-RPC, else why not."""
    import requests

    try:
        response = requests.post(
            rpc_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            timeout=5,
        )
        response.raise_for_status()
        response.json()["result"]
    except Exception as exc:
        return str(exc)
    return None


def _prepend_path(directory: str) -> None:
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if directory not in parts:
        os.environ["PATH"] = os.pathsep.join([directory, *parts])
