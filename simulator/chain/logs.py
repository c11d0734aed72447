"""Decode a receipt's logs against the compiled contracts' event ABIs.

brownie's own decoder compares every log with every other (quadratic in the number of logs):
a settlement batch of 40 trades emits about 280 logs and took seconds to decode. This decoder
is linear: one dictionary look-up by topic per log.
"""

from __future__ import annotations

import functools
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from simulator.chain.ledger import ChainEvent
from simulator.chain.revert import abi_items, abi_type


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


def _plain(value: Any, kind: str) -> Any:
    if kind == "address":
        return to_checksum_address(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def decode_logs(logs: list[Any]) -> list[ChainEvent]:
    """ChainEvents for the logs of known events, in log order; unknown logs are skipped."""
    events = []
    for log in logs:
        topics = ["0x" + bytes(t).hex() if not isinstance(t, str) else t for t in log["topics"]]
        if not topics:
            continue
        known = event_signatures().get((topics[0].lower(), len(topics)))
        if known is None:
            continue
        name, inputs = known
        data = log["data"]
        raw = bytes(data) if not isinstance(data, str) else bytes.fromhex(data.removeprefix("0x"))
        plain_inputs = [i for i in inputs if not i["indexed"]]
        values = iter(abi_decode([abi_type(i) for i in plain_inputs], raw))
        indexed_topics = iter(topics[1:])
        args: dict[str, Any] = {}
        for item in inputs:
            kind = abi_type(item)
            if item["indexed"]:
                topic = bytes.fromhex(next(indexed_topics).removeprefix("0x"))
                args[item["name"]] = (
                    _plain(abi_decode([kind], topic)[0], kind) if kind in _STATIC else topic
                )
            else:
                args[item["name"]] = _plain(next(values), kind)
        events.append(ChainEvent(name=name, address=to_checksum_address(log["address"]), args=args))
    return events


_STATIC = (
    {"address", "bool", "bytes32"}
    | {f"uint{n}" for n in range(8, 257, 8)}
    | {f"int{n}" for n in range(8, 257, 8)}
)
