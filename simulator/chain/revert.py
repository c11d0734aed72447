"""Turn a contract's revert data into a typed stosim exception.

Custom errors are decoded against the ABIs of the compiled contracts, so a refusal arrives in
Python as RuleViolation(rule_id, reason) and anything else as ContractRevert(name, args). On-chain a
rule ID is a bytes32 (its text left-aligned, contracts/common/RuleIds.sol); here it is the text.
"""

from __future__ import annotations

import functools

from eth_abi import decode as abi_decode
from eth_utils import keccak

from simulator.chain.artifacts import abi_items, abi_type
from simulator.errors import ChainError, ContractRevert, RuleViolation

_ERROR_STRING = "0x08c379a0"  # Error(string), from require(..., "message")
_PANIC = "0x4e487b71"  # Panic(uint256)


@functools.cache
def error_signatures() -> dict[str, tuple[str, list[str]]]:
    """Selector (0x...) -> (error name, argument types), from every compiled contract."""
    found: dict[str, tuple[str, list[str]]] = {}
    for item in abi_items():
        if item.get("type") == "error":
            types = [abi_type(i) for i in item["inputs"]]
            selector = "0x" + keccak(text=f"{item['name']}({','.join(types)})")[:4].hex()
            found[selector] = (item["name"], types)
    return found


def decode_error(data: str) -> tuple[str, tuple[object, ...]] | None:
    """(name, args) of revert data, or None when it cannot be decoded."""
    if not data or len(data) < 10:
        return None
    selector, body = data[:10].lower(), bytes.fromhex(data[10:])
    if selector == _ERROR_STRING:
        return "Error", tuple(abi_decode(["string"], body))
    if selector == _PANIC:
        return "Panic", tuple(abi_decode(["uint256"], body))
    known = error_signatures().get(selector)
    if known is None:
        return None
    name, types = known
    return name, tuple(abi_decode(types, body))


def rule_id_text(rule_id: object) -> str:
    """A rule ID as the contracts give it (bytes32: text then zero bytes) as its text."""
    if isinstance(rule_id, bytes):
        return rule_id.rstrip(b"\0").decode("ascii")
    return str(rule_id)


def decode_revert(data: str, fallback: str) -> ChainError:
    """The exception for a revert with raw `data` (hex); `fallback` is used when it is opaque."""
    decoded = decode_error(data)
    if decoded is None:
        return ContractRevert(fallback.strip() or "reverted")
    name, args = decoded
    if name == "RuleViolation":
        return RuleViolation(rule_id_text(args[0]), str(args[1]))
    return ContractRevert(name, args)
