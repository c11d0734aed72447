"""The one codec of contract calls, shared by every backend: calldata in, return values out.

Inputs go through the fast encoder (abi.py, checked against eth_abi by tests), outputs through
eth_abi; reverts are decoded by revert.py and logs by logs.py. Decoded values are plain Python:
ints, bools, str, bytes, checksummed addresses, tuples for structs, lists for arrays.
"""

from __future__ import annotations

from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import to_checksum_address

from simulator.chain.abi import encode
from simulator.chain.artifacts import artifact, function_abi


def encode_call(contract: str, function: str, args: tuple[Any, ...] | list[Any]) -> bytes:
    """Selector and ABI-encoded arguments of `contract.function(*args)`."""
    fn = function_abi(contract, function)
    return fn.selector + encode(fn.inputs, list(args))


def encode_deploy(contract: str, args: tuple[Any, ...] | list[Any]) -> bytes:
    """Init code of `contract`: its bytecode and ABI-encoded constructor arguments."""
    compiled = artifact(contract)
    return compiled.bytecode + encode(compiled.constructor, list(args))


def decode_output(contract: str, function: str, data: bytes) -> Any:
    """A view function's return: one value, or a tuple when it returns several."""
    kinds = function_abi(contract, function).outputs
    values = [_plain(v, k) for v, k in zip(abi_decode(kinds, data), kinds, strict=True)]
    return values[0] if len(values) == 1 else tuple(values)


def _plain(value: Any, kind: str) -> Any:
    if kind == "address":
        return to_checksum_address(value)
    if kind.endswith("]") and isinstance(value, tuple):
        element = kind[: kind.rindex("[")]
        return [_plain(v, element) for v in value]
    if kind.startswith("(") and isinstance(value, tuple):
        return tuple(value)
    return value
