"""The narrow seam between stosim and a chain: typed calls in, mined transactions out.

Deployment, the simulator and the tests talk to this protocol only, so the same code runs on
Anvil or on the embedded EVM. Both implement it through raw_ledger.RawLedger: a backend offers
raw send / call / receipt (with its logs) / snapshot, and one shared codec does the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from simulator.chain.logs import ChainEvent, decode_topical, topics_of
from simulator.errors import ChainError

__all__ = [
    "Call", "CallLike", "ChainEvent", "Ledger", "Read", "ReadLike", "TxResult",
    "all_or_first_error",
]  # fmt: skip


class Call(NamedTuple):
    """A transaction to send: `contract.function(*args)` at `address`, from `sender`. Plain
    tuples of the same five fields are accepted wherever a Call is."""

    contract: str
    address: str
    function: str
    args: tuple[Any, ...]
    sender: str


class Read(NamedTuple):
    """A view call: `contract.function(*args)` at `address`."""

    contract: str
    address: str
    function: str
    args: tuple[Any, ...]


CallLike = Call | tuple[str, str, str, tuple[Any, ...], str]
ReadLike = Read | tuple[str, str, str, tuple[Any, ...]]


@dataclass(frozen=True)
class TxResult:
    """A mined transaction. Its raw logs are decoded on demand, and `named` decodes only the
    logs of one event: a settlement batch emits hundreds of logs, of which a caller reads a few
    kinds."""

    tx_hash: str
    gas_used: int
    block_number: int
    logs: tuple[Any, ...] = ()  # as the node gives them: address, topics, data
    created: str = ""  # the address of the contract the transaction created, if any

    @functools.cached_property
    def _topical(self) -> list[tuple[list[str], Any]]:
        return [(topics_of(log), log) for log in self.logs]

    @functools.cached_property
    def events(self) -> list[ChainEvent]:
        return decode_topical(self._topical, None)

    def named(self, name: str) -> list[ChainEvent]:
        return decode_topical(self._topical, name)


def all_or_first_error(outcomes: list[TxResult | ChainError]) -> list[TxResult]:
    """The results of a batch of transactions, or its first revert raised."""
    for outcome in outcomes:
        if isinstance(outcome, ChainError):
            raise outcome
    return [o for o in outcomes if isinstance(o, TxResult)]


class Ledger(Protocol):
    rpc_url: str
    chain_id: int
    accounts: list[str]

    def deploy(self, contract: str, *args: Any, sender: str) -> str: ...

    def transact(
        self, contract: str, address: str, function: str, *args: Any, sender: str
    ) -> TxResult: ...

    def transact_many(self, calls: Sequence[CallLike], gas: int = 1_000_000) -> list[TxResult]: ...

    def try_many(
        self, calls: Sequence[CallLike], gas: int = 1_000_000
    ) -> list[TxResult | ChainError]: ...

    def call(self, contract: str, address: str, function: str, *args: Any) -> Any: ...

    def call_many(self, calls: Sequence[ReadLike]) -> list[Any]: ...

    def timestamp(self) -> int: ...

    def advance_time(self, seconds: int) -> None: ...

    def set_time(self, unix_time: int) -> None: ...

    def snapshot(self) -> str: ...

    def revert(self, snapshot_id: str) -> None: ...

    def close(self) -> None: ...
