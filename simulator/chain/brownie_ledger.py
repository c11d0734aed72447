"""Anvil through eth-brownie: brownie compiles the contracts and starts or attaches to the chain;
transactions, calls and receipts are raw JSON-RPC (anvil_rpc.AnvilRpc; raw_ledger.RawLedger does
the typed rest). This is the only module of stosim that imports brownie.
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
from simulator.chain.anvil_rpc import ANVIL_FLAGS, ANVIL_SETTINGS, DEFAULT_PORT, AnvilRpc
from simulator.errors import ChainError

_EXTERNAL_NETWORK = "stosim-external"


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


class BrownieLedger(AnvilRpc):
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

    def snapshot(self) -> str:
        """Save the chain's state; returns an id for `revert`. Snapshots nest."""
        from brownie import chain

        # brownie's own snapshot keeps one slot; its helpers keep nonces and clock in step
        return str(chain._take_snapshot())

    def revert(self, snapshot_id: str) -> None:
        """Return to a saved state (the id is used up, as the node drops it)."""
        from brownie import chain

        chain._revert(snapshot_id)


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
