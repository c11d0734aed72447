"""The chain seen through eth-brownie: compile the contracts, start or attach to a chain, deploy,
transact and call. This is the only module of stosim that imports brownie.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from simulator.chain import artifacts, toolchain
from simulator.chain.artifacts import encode_call
from simulator.chain.ledger import TxResult, all_or_first_error
from simulator.chain.revert import decode_revert
from simulator.errors import ChainError

_EXTERNAL_NETWORK = "stosim-external"
DEFAULT_PORT = 8545
# Anvil's settings for a fresh chain: room for large settlement batches, no gas costs.
ANVIL_SETTINGS = {
    "gas_limit": 30_000_000,
    "accounts": 20,
    "base_fee": 0,
    "default_balance": 1_000_000,
}


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


class BrownieLedger:
    """A connection to one chain. Use `start()` for a fresh Anvil that this process owns and
    stops on `close()`, or `attach(url)` for a chain that someone else runs."""

    def __init__(self, rpc_url: str, owns_chain: bool) -> None:
        from brownie import accounts, web3

        self.rpc_url = rpc_url
        self.owns_chain = owns_chain
        self.chain_id = int(web3.eth.chain_id)
        self.accounts: list[str] = [str(a.address) for a in accounts]
        self._contracts: dict[str, Any] = {}
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
        network["cmd"] = (
            "anvil" if genesis_timestamp is None else f"anvil --timestamp {genesis_timestamp}"
        )
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

    # ---- contracts ----

    def deploy(self, contract: str, *args: Any, sender: str) -> str:
        """Deploy a project contract; returns its address."""
        container = load_project()[contract]
        with _quiet(), self._reverts():
            instance = container.deploy(*args, {"from": sender}, silent=True)
        self._contracts[instance.address] = instance
        return str(instance.address)

    def transact(
        self, contract: str, address: str, function: str, *args: Any, sender: str
    ) -> TxResult:
        """Send a transaction; a revert raises RuleViolation or ContractRevert."""
        from brownie.exceptions import TransactionError

        method = getattr(self._at(contract, address), function)
        with _quiet(), self._reverts():
            try:
                tx = method.transact(*args, {"from": sender}, silent=True)
            except TransactionError as exc:
                tx = _recover_dropped(exc)
        return TxResult(str(tx.txid), int(tx.gas_used), int(tx.block_number), tuple(tx.logs))

    def transact_many(
        self, calls: list[tuple[str, str, str, tuple[Any, ...], str]], gas: int = 1_000_000
    ) -> list[TxResult]:
        """Send many transactions (contract, address, function, args, sender) as JSON-RPC batches
        with explicit nonces while mining is paused, then mine them: one round trip per batch
        instead of several per transaction. Every receipt is checked; a revert raises (the first
        one, after all were mined)."""
        return all_or_first_error(self.try_many(calls, gas))

    def try_many(
        self, calls: list[tuple[str, str, str, tuple[Any, ...], str]], gas: int = 1_000_000
    ) -> list[TxResult | ChainError]:
        """transact_many, with each reverted transaction's error (RuleViolation, ContractRevert)
        in its place instead of raised."""
        if not calls:
            return []
        per_block = max(1, 25_000_000 // gas)  # a block takes what fits its 30 M gas limit
        senders = list(dict.fromkeys(sender for *_, sender in calls))
        counts = self._batch([("eth_getTransactionCount", [s, "pending"]) for s in senders])
        nonces = {s: int(c["result"], 16) for s, c in zip(senders, counts, strict=True)}
        results: list[TxResult | ChainError] = []
        self._rpc("evm_setAutomine", [False])
        try:
            for start in range(0, len(calls), per_block):
                sends = []
                for contract, address, function, args, sender in calls[start : start + per_block]:
                    tx = {
                        "from": sender,
                        "to": address,
                        "data": "0x" + encode_call(contract, function, args).hex(),
                        "gas": hex(gas),
                        "nonce": hex(nonces[sender]),
                    }
                    nonces[sender] += 1
                    sends.append(("eth_sendTransaction", [tx]))
                hashes = []
                for reply in self._batch(sends):
                    if "error" in reply:
                        raise ChainError(f"eth_sendTransaction failed: {reply['error']}")
                    hashes.append(reply["result"])
                receipts: dict[str, Any] = {}
                while len(receipts) < len(hashes):
                    self._rpc("evm_mine", [])
                    for receipt in self._rpc("eth_getBlockReceipts", ["latest"]):
                        receipts[receipt["transactionHash"]] = receipt
                for tx_hash in hashes:
                    try:
                        results.append(self._result_of(receipts[tx_hash]))
                    except ChainError as exc:
                        results.append(exc)
        finally:
            self._rpc("evm_setAutomine", [True])
        return results

    def _result_of(self, receipt: dict[str, Any]) -> TxResult:
        tx_hash = receipt["transactionHash"]
        if int(receipt["status"], 16) != 1:
            raise decode_revert(_trace_output(tx_hash), f"transaction {tx_hash} reverted")
        return TxResult(
            tx_hash,
            int(receipt["gasUsed"], 16),
            int(receipt["blockNumber"], 16),
            tuple(receipt["logs"]),
        )

    def call(self, contract: str, address: str, function: str, *args: Any) -> Any:
        """Read a view function."""
        method = getattr(self._at(contract, address), function)
        with self._reverts():
            return method.call(*args)

    def call_many(self, calls: list[tuple[str, str, str, tuple[Any, ...]]]) -> list[Any]:
        """Read many view functions in one JSON-RPC batch: (contract, address, function, args)."""
        methods = [getattr(self._at(c, a), f) for c, a, f, _ in calls]
        replies = self._batch(
            [
                ("eth_call", [{"to": address, "data": method.encode_input(*args)}, "latest"])
                for method, (_, address, _, args) in zip(methods, calls, strict=True)
            ]
        )
        results = []
        for method, reply in zip(methods, replies, strict=True):
            if "error" in reply:
                data = reply["error"].get("data") or ""
                raise decode_revert(data if isinstance(data, str) else "", str(reply["error"]))
            results.append(method.decode_output(reply["result"]))
        return results

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

    def _at(self, contract: str, address: str) -> Any:
        instance = self._contracts.get(address)
        if instance is None:
            with _quiet():
                instance = load_project()[contract].at(address)
            self._contracts[address] = instance
        return instance

    @contextlib.contextmanager
    def _reverts(self) -> Iterator[None]:
        from brownie.exceptions import VirtualMachineError

        try:
            yield
        except VirtualMachineError as exc:
            raise decode_revert(_revert_data(exc), str(exc)) from None


def _revert_data(exc: Any) -> str:
    """The raw revert data (hex) of a failed transaction, from the node's call trace: brownie
    keeps only a rendered message, which cannot be parsed back into typed arguments."""

    txid = getattr(exc, "txid", None)
    return _trace_output(txid) if txid else ""


def _trace_output(txid: str) -> str:
    """A transaction's return (or revert) data, from the node's call tracer."""
    from brownie import web3

    try:
        method: Any = "debug_traceTransaction"
        trace = web3.provider.make_request(method, [txid, {"tracer": "callTracer"}])
        return str(trace["result"].get("output") or "")
    except Exception:
        return ""


def _recover_dropped(exc: Exception) -> Any:
    """brownie sometimes reports a mined transaction as "dropped" (a race between its nonce and
    transaction look-ups on a fast node); fetch the receipt again instead of failing the run."""
    from brownie import web3
    from brownie.exceptions import VirtualMachineError
    from brownie.network.transaction import TransactionReceipt

    message = str(exc)
    if "Tx dropped" not in message:
        raise exc
    txid: Any = message.split()[-1]
    web3.eth.wait_for_transaction_receipt(txid, timeout=60)
    receipt = TransactionReceipt(txid, silent=True)
    if receipt.status == 0:
        error = VirtualMachineError(ValueError("reverted"))
        error.txid = txid
        raise error
    return receipt


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
