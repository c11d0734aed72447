"""The narrow seam between stosim and a chain: what a ledger backend must offer.

Deployment, the simulator and the tests talk to this protocol only, so the same code runs on
Anvil through brownie or on any other backend that executes the same compiled contracts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

from simulator.chain.logs import ChainEvent, decode_topical, topics_of
from simulator.errors import ChainError

__all__ = ["ChainEvent", "Ledger", "TxResult", "all_or_first_error"]


@dataclass(frozen=True)
class TxResult:
    """A mined transaction. Its raw logs are decoded on demand, and `named` decodes only the
    logs of one event: a settlement batch emits hundreds of logs, of which a caller reads a few
    kinds."""

    tx_hash: str
    gas_used: int
    block_number: int
    logs: tuple[Any, ...] = ()  # as the node gives them: address, topics, data

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

    def transact_many(
        self, calls: list[tuple[str, str, str, tuple[Any, ...], str]], gas: int = 1_000_000
    ) -> list[TxResult]: ...

    def try_many(
        self, calls: list[tuple[str, str, str, tuple[Any, ...], str]], gas: int = 1_000_000
    ) -> list[TxResult | ChainError]: ...

    def call(self, contract: str, address: str, function: str, *args: Any) -> Any: ...

    def call_many(self, calls: list[tuple[str, str, str, tuple[Any, ...]]]) -> list[Any]: ...

    def timestamp(self) -> int: ...

    def advance_time(self, seconds: int) -> None: ...

    def set_time(self, unix_time: int) -> None: ...

    def snapshot(self) -> str: ...

    def revert(self, snapshot_id: str) -> None: ...

    def close(self) -> None: ...
