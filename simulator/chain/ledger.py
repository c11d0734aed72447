"""The narrow seam between stosim and a chain: what a ledger backend must offer.

Deployment, the simulator and the tests talk to this protocol only, so the same code runs on
Anvil through brownie or on any other backend that executes the same compiled contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ChainEvent:
    """One log a transaction emitted, decoded against the project's ABIs."""

    name: str
    address: str
    args: dict[str, Any]


@dataclass(frozen=True)
class TxResult:
    tx_hash: str
    gas_used: int
    block_number: int
    events: list[ChainEvent] = field(default_factory=list)

    def named(self, name: str) -> list[ChainEvent]:
        return [event for event in self.events if event.name == name]


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

    def call(self, contract: str, address: str, function: str, *args: Any) -> Any: ...

    def call_many(self, calls: list[tuple[str, str, str, tuple[Any, ...]]]) -> list[Any]: ...

    def timestamp(self) -> int: ...

    def advance_time(self, seconds: int) -> None: ...

    def set_time(self, unix_time: int) -> None: ...

    def snapshot(self) -> str: ...

    def revert(self, snapshot_id: str) -> None: ...

    def close(self) -> None: ...
