"""The embedded ledger: the same compiled contracts executed in this process on revm (pyrevm).

No node, no JSON-RPC, no signatures: a transaction is a message call that commits its state
changes, a block per transaction as Anvil mines them with automine. Accounts are plain
addresses; the chain's clock moves only when the simulation moves it.
"""

from __future__ import annotations

import re
import time
from typing import Any

from eth_utils import keccak, to_checksum_address

from simulator.chain.compile import ensure_compiled
from simulator.chain.ledger import TxResult
from simulator.chain.raw_ledger import RawLedger, RawTx, Reverted
from simulator.chain.revm_state import Deployment, build, read_state, release_freed_memory
from simulator.errors import ChainError

CHAIN_ID = 31337  # Anvil's, so that nothing chain-id dependent differs between the ledgers
BLOCK_GAS_LIMIT = 30_000_000  # as ANVIL_SETTINGS
DEFAULT_GENESIS = 1_767_225_600  # 2026-01-01T00:00:00Z, when no genesis time is given
_REVERT_OUTPUT = re.compile(r"output: (0x[0-9a-fA-F]*)")
# pyrevm keeps a journal per call frame (~40 per settled trade, ~0.5 KB each) until the EVM is
# dropped: past this many, or past half the storage slots held (carrying costs time in
# proportion to them), the state moves into a fresh EVM (revm_state)
CARRY_OVER_ENTRIES = 200_000
_CHECK_EVERY = 32  # transactions between looks at the journal's length


def account_address(index: int) -> str:
    """The embedded ledger's account number `index`: a fixed address, the same in every run."""
    return to_checksum_address(keccak(text=f"stosim account {index}")[-20:])


class RevmLedger(RawLedger):
    """An in-process chain. `start()` mirrors BrownieLedger.start (accounts, genesis time)."""

    rpc_url = "revm://in-process"
    chain_id = CHAIN_ID
    single_gas = BLOCK_GAS_LIMIT

    def __init__(self, accounts: int, genesis_timestamp: int) -> None:
        from pyrevm import EVM, BlockEnv, CfgEnv, Env

        self._block_env = BlockEnv
        self.accounts = [account_address(i) for i in range(accounts)]
        self._time = genesis_timestamp
        self._number = 0
        self._new_evm = lambda: EVM(
            env=Env(cfg=CfgEnv(chain_id=CHAIN_ID), block=self._block()),
            gas_limit=BLOCK_GAS_LIMIT,
            spec_id="CANCUN",  # as brownie-config.yaml compiles for
        )
        self._evm: Any = self._new_evm()
        self._deployments: list[Deployment] = []
        self._since_check = 0
        self.slots_held = 0  # storage slots carried over last time
        self.carry_overs = 0
        self.carry_over_seconds = 0.0  # time spent carrying state over, for the benchmarks
        self._snapshots: dict[str, tuple[Any, int, int, int]] = {}
        self._snapshot_ids = iter(range(1, 2**62))

    @classmethod
    def start(
        cls, port: int | None = None, accounts: int = 20, genesis_timestamp: int | None = None
    ) -> RevmLedger:
        """A fresh in-process chain; `port` is accepted for symmetry with Anvil and unused."""
        del port
        ensure_compiled()  # brownie is loaded only if the sources changed since the last compile
        return cls(accounts, DEFAULT_GENESIS if genesis_timestamp is None else genesis_timestamp)

    def close(self) -> None:
        self._snapshots.clear()

    def __enter__(self) -> RevmLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- blocks and time ----

    def _block(self) -> Any:
        return self._block_env(
            number=self._number,
            timestamp=self._time,
            basefee=0,
            gas_limit=BLOCK_GAS_LIMIT,
            coinbase="0x" + "00" * 20,
        )

    def _next_block(self) -> None:
        """Every transaction is mined in a block of its own, as under Anvil's automine."""
        self._number += 1
        self._evm.set_block_env(self._block())

    def timestamp(self) -> int:
        return self._time

    def advance_time(self, seconds: int) -> None:
        self._time += int(seconds)
        self._next_block()

    def set_time(self, unix_time: int) -> None:
        """The next block gets this timestamp, if it is later than the chain's clock."""
        if unix_time > self._time:
            self._time = int(unix_time)
            self._evm.set_block_env(self._block())

    def snapshot(self) -> str:
        snapshot_id = str(next(self._snapshot_ids))
        state = (self._evm.snapshot(), self._time, self._number, len(self._deployments))
        self._snapshots[snapshot_id] = state
        return snapshot_id

    def revert(self, snapshot_id: str) -> None:
        """Return to a saved state; the id and every later one are used up, as on Anvil."""
        checkpoint, self._time, self._number, deployed = self._snapshots.pop(snapshot_id)
        del self._deployments[deployed:]
        for later in [k for k in self._snapshots if int(k) > int(snapshot_id)]:
            del self._snapshots[later]
        self._evm.revert(checkpoint)
        self._evm.set_block_env(self._block())

    # ---- the journal's bound ----

    def _bound_journal(self) -> None:
        """Carry the state into a fresh EVM when the journal has grown past its bound (never
        while a snapshot is held: its checkpoint belongs to this EVM's journal)."""
        self._since_check += 1
        if self._since_check < _CHECK_EVERY or self._snapshots:
            return
        self._since_check = 0
        if self._evm.journal_len > max(CARRY_OVER_ENTRIES, self.slots_held // 2):
            self.compact()

    def compact(self) -> None:
        """Move the state into a fresh EVM, leaving the old one's journal behind."""
        if self._snapshots:
            raise ChainError("cannot compact the embedded ledger while a snapshot is held")
        started = time.perf_counter()
        carried = read_state(self._evm, self._deployments)
        self._evm = None  # the old state and its journal go before the new state is built
        release_freed_memory()
        self._evm, self.slots_held = build(
            carried, self._new_evm, self._deployments, BLOCK_GAS_LIMIT
        )
        del carried
        release_freed_memory()
        self.carry_overs += 1
        self.carry_over_seconds += time.perf_counter() - started

    # ---- raw operations ----

    def send_raw(self, txs: list[RawTx]) -> list[TxResult | Reverted]:
        return [self._send(tx) for tx in txs]

    def _send(self, tx: RawTx) -> TxResult | Reverted:
        self._bound_journal()
        self._next_block()
        # no signed transaction, so no real hash: the block number identifies the transaction
        tx_hash = f"0x{self._number:064x}"
        if tx.to is None:
            nonce = self._evm.basic(tx.sender).nonce
            try:
                created = self._evm.deploy(tx.sender, tx.data, gas=BLOCK_GAS_LIMIT)
            except RuntimeError as exc:
                return _reverted(exc)
            self._deployments.append(Deployment(created, tx.sender, nonce))
            return TxResult(tx_hash, 0, self._number, created=to_checksum_address(created))
        try:
            self._evm.message_call(tx.sender, tx.to, tx.data, gas=tx.gas)
        except RuntimeError as exc:
            return _reverted(exc)
        result = self._evm.result
        if result is None:
            raise ChainError("the EVM returned no result")
        logs = tuple(result.logs)  # pyrevm Log objects; read only when decoded
        return TxResult(tx_hash, int(result.gas_used), self._number, logs)

    def read_raw(self, reads: list[tuple[str, bytes]]) -> list[bytes | Reverted]:
        outcomes: list[bytes | Reverted] = []
        for address, calldata in reads:
            try:
                out = self._evm.message_call(
                    self.accounts[0], address, calldata, gas=BLOCK_GAS_LIMIT, is_static=True
                )
            except RuntimeError as exc:
                outcomes.append(_reverted(exc))
                continue
            outcomes.append(bytes(out))
        return outcomes


def _reverted(exc: RuntimeError) -> Reverted:
    """pyrevm reports a revert as `Revert { gas_used: .., output: 0x.. }` and a halt by reason."""
    message = str(exc)
    found = _REVERT_OUTPUT.search(message)
    return Reverted(found.group(1) if found else "", message)
