"""The Ledger protocol implemented once, over a backend's raw operations.

A backend (the embedded EVM, Anvil) only sends raw transactions, creates contracts from init
code, reads raw calls, and keeps time and snapshots; encoding calls, decoding return values,
reverts and logs is the shared codec's (codec.py, revert.py, logs.py), here.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.chain.codec import decode_output, encode_call, encode_deploy
from simulator.chain.ledger import CallLike, Read, ReadLike, TxResult, all_or_first_error
from simulator.chain.revert import decode_revert
from simulator.errors import ChainError


@dataclass(frozen=True)
class RawTx:
    """A transaction as a backend sends it; `to` None creates a contract from `data`."""

    sender: str
    to: str | None
    data: bytes
    gas: int


@dataclass(frozen=True)
class Reverted:
    """A backend's report of a revert: the raw revert data (hex) and its own message."""

    data: str
    message: str

    def error(self, what: str) -> ChainError:
        return decode_revert(self.data, f"{what} failed: {self.message}")


class RawLedger(abc.ABC):
    """Typed calls (Call, Read) on a backend's raw ones. Subclasses implement the `_raw`
    operations, time and snapshots."""

    rpc_url: str
    chain_id: int
    accounts: list[str]
    single_gas: int  # gas of a transaction sent alone: the block's limit

    # ---- what a backend offers ----

    @abc.abstractmethod
    def send_raw(self, txs: list[RawTx]) -> list[TxResult | Reverted]:
        """Execute the transactions in order, each to its end or its revert."""

    @abc.abstractmethod
    def read_raw(self, reads: list[tuple[str, bytes]]) -> list[bytes | Reverted]:
        """The return data of static calls (address, calldata) on the latest state."""

    # ---- the typed seam, the same for every backend ----

    def deploy(self, contract: str, *args: Any, sender: str) -> str:
        (outcome,) = self.send_raw([RawTx(sender, None, encode_deploy(contract, args), 0)])
        if isinstance(outcome, Reverted):
            raise outcome.error(f"deploying {contract}")
        if not outcome.created:
            raise ChainError(f"deploying {contract} created no contract")
        return outcome.created

    def transact(
        self, contract: str, address: str, function: str, *args: Any, sender: str
    ) -> TxResult:
        """Execute and commit a transaction; a revert raises RuleViolation or ContractRevert."""
        call = (contract, address, function, args, sender)
        return all_or_first_error(self.try_many([call], self.single_gas))[0]

    def transact_many(self, calls: Sequence[CallLike], gas: int = 1_000_000) -> list[TxResult]:
        """Execute every transaction, then raise the first revert."""
        return all_or_first_error(self.try_many(calls, gas))

    def try_many(
        self, calls: Sequence[CallLike], gas: int = 1_000_000
    ) -> list[TxResult | ChainError]:
        """Execute every transaction; a reverted one's error stands in its place."""
        txs = [
            RawTx(sender, address, encode_call(contract, function, args), gas)
            for contract, address, function, args, sender in calls
        ]
        outcomes = self.send_raw(txs)
        return [
            outcome.error(f"{call[0]}.{call[2]}") if isinstance(outcome, Reverted) else outcome
            for call, outcome in zip(calls, outcomes, strict=True)
        ]

    def call(self, contract: str, address: str, function: str, *args: Any) -> Any:
        """Read a view function: one value, or a tuple when it returns several."""
        return self.call_many([Read(contract, address, function, args)])[0]

    def call_many(self, calls: Sequence[ReadLike]) -> list[Any]:
        data = [(address, encode_call(c, fn, args)) for c, address, fn, args in calls]
        results = []
        for (contract, _, function, _), outcome in zip(calls, self.read_raw(data), strict=True):
            if isinstance(outcome, Reverted):
                raise outcome.error(f"{contract}.{function}")
            results.append(decode_output(contract, function, outcome))
        return results
