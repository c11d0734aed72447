"""Decode a receipt's logs against the compiled contracts' event ABIs.

brownie's own decoder compares every log with every other (quadratic in the number of logs):
a settlement batch of 40 trades emits about 280 logs and took seconds to decode. This decoder
is linear: one dictionary look-up by topic per log.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from simulator.chain.artifacts import abi_items, abi_type


@dataclass(frozen=True)
class ChainEvent:
    """One log a transaction emitted, decoded against the project's ABIs."""

    name: str
    address: str
    args: dict[str, Any]


@functools.cache
def event_signatures() -> dict[tuple[str, int], tuple[str, list[dict[str, Any]]]]:
    """(topic0, number of topics) -> (event name, inputs), from every compiled contract."""
    found: dict[tuple[str, int], tuple[str, list[dict[str, Any]]]] = {}
    for item in abi_items():
        if item.get("type") == "event" and not item.get("anonymous"):
            types = ",".join(abi_type(i) for i in item["inputs"])
            topic = "0x" + keccak(text=f"{item['name']}({types})").hex()
            indexed = sum(1 for i in item["inputs"] if i["indexed"])
            found[topic, 1 + indexed] = (item["name"], item["inputs"])
    return found


@functools.lru_cache(maxsize=1 << 16)
def _checksum(address: str) -> str:
    """Checksummed address; cached, as the same few thousand addresses recur in every log."""
    return to_checksum_address(address)


def _plain(value: Any, kind: str) -> Any:
    if kind == "address":
        return _checksum(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _word(word: bytes, kind: str) -> Any:
    """One static ABI word, decoded as eth_abi would."""
    if kind == "address":
        return _checksum("0x" + word[12:].hex())
    if kind.startswith("uint"):
        return int.from_bytes(word, "big")
    if kind.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    if kind == "bool":
        return word[-1] != 0
    return word[: int(kind[5:])]  # bytesN


def _fast_data(raw: bytes, kinds: list[str]) -> list[Any]:
    """Decode log data of static words, strings and bytes without eth_abi (the hot path: every
    settled trade emits about a dozen logs)."""
    values = []
    for i, kind in enumerate(kinds):
        head = raw[32 * i : 32 * i + 32]
        if kind in ("string", "bytes"):
            offset = int.from_bytes(head, "big")
            length = int.from_bytes(raw[offset : offset + 32], "big")
            body = raw[offset + 32 : offset + 32 + length]
            values.append(body.decode("utf-8") if kind == "string" else body)
        else:
            values.append(_word(head, kind))
    return values


@functools.cache
def _plan(topic: str, count: int) -> tuple[str, list[dict[str, Any]], list[str], bool] | None:
    """(name, inputs, non-indexed types, whether the fast decoder handles them) of an event."""
    known = event_signatures().get((topic, count))
    if known is None:
        return None
    name, inputs = known
    kinds = [abi_type(i) for i in inputs if not i["indexed"]]
    fast = all(k in _STATIC or k in ("string", "bytes") for k in kinds)
    return name, inputs, kinds, fast


@functools.cache
def topics_named(name: str) -> frozenset[str]:
    """topic0 of every event called `name` (contracts may declare it with different fields)."""
    return frozenset(topic for (topic, _), (n, _) in event_signatures().items() if n == name)


def topics_of(log: Any) -> list[str]:
    """A log's topics as lower-case hex: from a node's receipt (a mapping) or from pyrevm (an
    object with attributes)."""
    raw = log["topics"] if isinstance(log, Mapping) else log.topics
    if raw and isinstance(raw[0], str):
        return raw  # JSON-RPC and pyrevm give lower-case hex already
    return ["0x" + bytes(t).hex() for t in raw]


def decode_logs(logs: Sequence[Any], only: str | None = None) -> list[ChainEvent]:
    """ChainEvents for the logs of known events (of the event `only`, if given), in log order;
    unknown logs are skipped."""
    return decode_topical([(topics_of(log), log) for log in logs], only)


def decode_topical(logs: Sequence[tuple[list[str], Any]], only: str | None) -> list[ChainEvent]:
    """decode_logs for logs whose topics were read already: (topics, log) pairs."""
    wanted = topics_named(only) if only is not None else None
    events = []
    for topics, log in logs:
        if not topics or (wanted is not None and topics[0] not in wanted):
            continue
        plan = _plan(topics[0], len(topics))
        if plan is None:
            continue
        name, inputs, kinds, fast = plan
        if isinstance(log, Mapping):
            data, address = log["data"], log["address"]
        else:  # pyrevm: data is (topics, data)
            data, address = log.data[1], log.address
        raw = bytes(data) if not isinstance(data, str) else bytes.fromhex(data.removeprefix("0x"))
        if fast:
            values = iter(_fast_data(raw, kinds))
        else:
            values = iter(_plain(v, k) for v, k in zip(abi_decode(kinds, raw), kinds, strict=True))
        indexed_topics = iter(topics[1:])
        args: dict[str, Any] = {}
        for item in inputs:
            if item["indexed"]:
                kind = abi_type(item)
                topic = bytes.fromhex(next(indexed_topics)[2:])
                args[item["name"]] = _word(topic, kind) if kind in _STATIC else topic
            else:
                args[item["name"]] = next(values)
        events.append(ChainEvent(name=name, address=_checksum(address), args=args))
    return events


_STATIC = (
    {"address", "bool", "bytes32"}
    | {f"uint{n}" for n in range(8, 257, 8)}
    | {f"int{n}" for n in range(8, 257, 8)}
)
