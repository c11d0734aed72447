"""Carry the whole state of a pyrevm EVM into a fresh one, so that memory stays flat.

pyrevm 0.3.7 never finalizes revm's journal: every state change of every transaction stays in
memory until the EVM is dropped (about 20 KB per settled trade, 11 GiB over a simulated year).
Nothing in its API clears the journal, so the ledger periodically moves the state (accounts,
code, storage) into a new EVM and drops the old one with its journal.

pyrevm exposes accounts and code but no storage listing; the journal's debug text
(`EVM.journal_str`) holds every loaded slot with its present value, and is parsed here. Contracts
are re-created by their original deployer at its original nonce (same CREATE address) from an
init code that returns the runtime code: revm then keeps the code analysed, whereas code inserted
with `insert_account_info` is re-analysed on every call (half the throughput).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from simulator.errors import ChainError

_ACCOUNT = re.compile(
    r"(0x[0-9a-fA-F]{40}): Account \{ info: AccountInfo \{ balance: (\d+), nonce: (\d+), "
)
_SLOT = re.compile(
    r"(\d+): StorageSlot \{ previous_or_original_value: \d+, present_value: (\d+) \}"
)
_STATE_END = ", transient_storage:"
# after PUSH2 <length>: DUP1, PUSH2 11, PUSH0, CODECOPY, PUSH0, RETURN -- return the code that
# follows these 11 bytes
_RETURN_RUNTIME = bytes.fromhex("8061000b5f395ff3")


@dataclass(frozen=True)
class Deployment:
    """How a contract came to its address: CREATE by `deployer` at `nonce`."""

    address: str
    deployer: str
    nonce: int


@dataclass(frozen=True)
class CarriedState:
    """What a carry-over takes from the old EVM before dropping it: the journal's text (storage
    is read from it while the new EVM is filled), accounts' nonces and balances, contract code."""

    text: str
    state_end: int  # where the text's state part ends
    accounts: dict[str, tuple[int, int]]  # address (lower case) -> (nonce, balance)
    codes: dict[str, bytes]  # contract address (lower case) -> runtime code


def _state_end(journal_text: str) -> int:
    end = journal_text.find(_STATE_END)
    if end < 0 or not journal_text.startswith("JournaledState { state: {"):
        raise ChainError("pyrevm's journal text has an unknown layout; cannot carry state over")
    return end


def slots_of(journal_text: str, end: int) -> Iterator[tuple[str, int, int]]:
    """(address, slot, present value) of every loaded storage slot, read from `EVM.journal_str`
    one at a time (a large state has millions: no list of them all)."""
    starts = _ACCOUNT.finditer(journal_text, 0, end)
    found = next(starts, None)
    while found is not None:
        following = next(starts, None)
        stop = following.start() if following is not None else end
        opened = journal_text.index("storage: {", found.end(), stop)
        address = found.group(1).lower()
        for slot in _SLOT.finditer(journal_text, opened, stop):
            yield address, int(slot.group(1)), int(slot.group(2))
        found = following


def storage_of(journal_text: str) -> dict[str, list[tuple[int, int]]]:
    """Every account's loaded storage slots (index, present value) from `EVM.journal_str`."""
    storage: dict[str, list[tuple[int, int]]] = {}
    end = _state_end(journal_text)
    for found in _ACCOUNT.finditer(journal_text, 0, end):
        storage.setdefault(found.group(1).lower(), [])
    for address, index, value in slots_of(journal_text, end):
        storage[address].append((index, value))
    return storage


def returning(runtime: bytes) -> bytes:
    """Init code that deploys `runtime` as it is (no constructor)."""
    if len(runtime) >= 1 << 16:
        raise ChainError(f"runtime code of {len(runtime)} bytes is too large to carry over")
    return b"\x61" + len(runtime).to_bytes(2, "big") + _RETURN_RUNTIME + runtime


def read_state(old: Any, deployments: list[Deployment]) -> CarriedState:
    """Everything a new EVM needs from `old`, so that `old` can be dropped before it is built."""
    text = old.journal_str
    end = _state_end(text)
    loaded = {found.group(1).lower() for found in _ACCOUNT.finditer(text, 0, end)}
    accounts = {}
    for address in {a.lower() for a in old.db_accounts} | loaded:
        info = old.basic(address)
        accounts[address] = (info.nonce, info.balance)
    codes = {}
    for d in deployments:
        code = old.get_code(d.address)
        if code is None:
            raise ChainError(f"contract {d.address} has no code to carry over")
        codes[d.address.lower()] = bytes(code)
    return CarriedState(text, end, accounts, codes)


def build(
    carried: CarriedState, fresh: Callable[[], Any], deployments: list[Deployment], gas: int
) -> tuple[Any, int]:
    """A new EVM (made by `fresh`) holding the carried accounts, code and storage, and no
    journal; and the number of storage slots it holds."""
    from pyrevm import AccountInfo

    new = fresh()
    for d in deployments:  # in deployment order, as their deployers' nonces went
        new.insert_account_info(d.deployer, AccountInfo(nonce=d.nonce))
        created = new.deploy(d.deployer, returning(carried.codes[d.address.lower()]), gas=gas)
        if created.lower() != d.address.lower():
            raise ChainError(f"carrying {d.address} over created {created} instead")
    for address, (nonce, balance) in carried.accounts.items():
        if address not in carried.codes:  # a contract's info would replace its code
            new.insert_account_info(address, AccountInfo(nonce=nonce))
        if balance:
            new.set_balance(address, balance)
    held = 0
    for address, index, value in slots_of(carried.text, carried.state_end):
        if value:
            new.insert_account_storage(address, index, value)
            held += 1
    return new, held


def release_freed_memory() -> None:
    """Hand the dropped journal's pages back to the OS (glibc keeps freed heap otherwise, and
    the process's resident memory would not show the saving); a no-op elsewhere."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
