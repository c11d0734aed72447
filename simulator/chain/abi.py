"""ABI encoding of call arguments, fast for the shapes the simulator sends on every settlement.

eth_abi validates and encodes through layers of generic coders: about 100 us for one trade of a
settlement batch. The shapes on the hot path are few (static words, strings, and arrays of
static words or of static tuples of them, nested or not: a trade with its two signed orders),
and are encoded here directly; any other shape, and any value
out of range, goes to eth_abi, which encodes it or raises its own precise error.
"""

from __future__ import annotations

import functools
from typing import Any

from eth_abi import encode as abi_encode

_WORD_KINDS = ("uint", "int", "address", "bool", "bytes32")


class _Unsupported(Exception):
    """Not a shape (or value) the fast path handles: eth_abi takes over."""


def encode(types: list[str], values: list[Any] | tuple[Any, ...]) -> bytes:
    """The ABI encoding of `values` as `types` (the arguments of a call)."""
    plan = _plan(tuple(types))
    if plan is not None and len(values) == len(types):
        try:
            return _encode(plan, values)
        except _Unsupported:
            pass
    return abi_encode(types, list(values))


def _is_word(kind: str) -> bool:
    return kind.startswith(_WORD_KINDS) and "[" not in kind and "(" not in kind


@functools.cache
def _plan(types: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """Per argument: ("word", (kind,)), ("text", (kind,)), ("array", (element kind,)) or
    ("tuples", member kinds); None when some argument has another shape."""
    plan: list[tuple[str, tuple[str, ...]]] = []
    for kind in types:
        if _is_word(kind):
            plan.append(("word", (kind,)))
        elif kind in ("string", "bytes"):
            plan.append(("text", (kind,)))
        elif kind.endswith("[]") and _is_word(kind[:-2]):
            plan.append(("array", (kind[:-2],)))
        elif kind.startswith("(") and kind.endswith(")[]"):
            members = _leaves(kind[:-2])
            if members is None:
                return None
            plan.append(("tuples", members))
        else:
            return None
    return tuple(plan)


def _leaves(kind: str) -> tuple[str, ...] | None:
    """The word kinds of a static tuple type in encoding order (a static tuple encodes as its
    members' words one after another, nested ones inline); None if it is not all words."""
    if _is_word(kind):
        return (kind,)
    if not (kind.startswith("(") and kind.endswith(")")):
        return None
    members, depth, start = [], 0, 1
    for i, char in enumerate(kind[1:-1], start=1):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            members.append(kind[start:i])
            start = i + 1
    members.append(kind[start:-1])
    found: list[str] = []
    for member in members:
        leaves = _leaves(member)
        if leaves is None:
            return None
        found.extend(leaves)
    return tuple(found)


def _flat(value: Any) -> list[Any]:
    """The leaf values of a (nested) tuple value, in encoding order."""
    if isinstance(value, list | tuple):
        return [leaf for member in value for leaf in _flat(member)]
    return [value]


def _word(kind: str, value: Any) -> bytes:
    if kind.startswith("uint"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _Unsupported
        if value >= 1 << int(kind[4:] or 256):
            raise _Unsupported
        return value.to_bytes(32, "big")
    if kind == "address":
        if not isinstance(value, str) or len(value) != 42 or not value.startswith("0x"):
            raise _Unsupported
        try:
            return bytes(12) + bytes.fromhex(value[2:])
        except ValueError:
            raise _Unsupported from None
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Unsupported
        return (1 if value else 0).to_bytes(32, "big")
    if kind.startswith("int"):
        bits = int(kind[3:] or 256)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Unsupported
        if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
            raise _Unsupported
        return value.to_bytes(32, "big", signed=True)
    if not isinstance(value, bytes) or len(value) != 32:  # bytes32
        raise _Unsupported
    return value


def _text(kind: str, value: Any) -> bytes:
    if kind == "string":
        if not isinstance(value, str):
            raise _Unsupported
        raw = value.encode("utf-8")
    elif isinstance(value, bytes):
        raw = value
    else:
        raise _Unsupported
    padding = -len(raw) % 32
    return len(raw).to_bytes(32, "big") + raw + bytes(padding)


def _array(members: tuple[str, ...], values: Any, tuples: bool) -> bytes:
    if not isinstance(values, list | tuple):
        raise _Unsupported
    parts = [len(values).to_bytes(32, "big")]
    for element in values:
        if tuples:
            if not isinstance(element, list | tuple):
                raise _Unsupported
            leaves = _flat(element)
            if len(leaves) != len(members):
                raise _Unsupported
            parts.extend(_word(m, v) for m, v in zip(members, leaves, strict=True))
        else:
            parts.append(_word(members[0], element))
    return b"".join(parts)


def _encode(plan: tuple[tuple[str, tuple[str, ...]], ...], values: Any) -> bytes:
    heads: list[bytes] = []
    tails: list[bytes] = []
    tail_offset = 32 * len(plan)
    for (shape, kinds), value in zip(plan, values, strict=True):
        if shape == "word":
            heads.append(_word(kinds[0], value))
            continue
        if shape == "text":
            tail = _text(kinds[0], value)
        else:
            tail = _array(kinds, value, tuples=shape == "tuples")
        heads.append(tail_offset.to_bytes(32, "big"))
        tails.append(tail)
        tail_offset += len(tail)
    return b"".join(heads) + b"".join(tails)
