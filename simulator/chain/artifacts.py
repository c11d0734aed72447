"""The compiled contracts as build/contracts holds them: bytecode, constructor and function ABIs,
and the calldata of a call. Read once per process; both ledgers encode their calls here."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from simulator.chain.abi import encode
from simulator.chain.revert import BUILD, abi_type
from simulator.errors import ChainError


@dataclass(frozen=True)
class FunctionAbi:
    selector: bytes
    inputs: list[str]
    outputs: list[str]


@dataclass(frozen=True)
class Artifact:
    bytecode: bytes
    constructor: list[str]
    functions: dict[str, FunctionAbi]


@functools.cache
def artifact(contract: str) -> Artifact:
    path = BUILD / f"{contract}.json"
    if not path.exists():
        raise ChainError(f"no compiled contract named {contract!r} in {BUILD}")
    data = json.loads(path.read_text())
    functions: dict[str, FunctionAbi] = {}
    constructor: list[str] = []
    for item in data["abi"]:
        if item["type"] == "constructor":
            constructor = [abi_type(i) for i in item["inputs"]]
        elif item["type"] == "function":
            inputs = [abi_type(i) for i in item["inputs"]]
            selector = keccak(text=f"{item['name']}({','.join(inputs)})")[:4]
            outputs = [abi_type(o) for o in item["outputs"]]
            functions[item["name"]] = FunctionAbi(selector, inputs, outputs)
    return Artifact(bytes.fromhex(data["bytecode"].removeprefix("0x")), constructor, functions)


def function_abi(contract: str, function: str) -> FunctionAbi:
    found = artifact(contract).functions.get(function)
    if found is None:
        raise ChainError(f"{contract} has no function {function!r}")
    return found


def encode_call(contract: str, function: str, args: tuple[Any, ...] | list[Any]) -> bytes:
    """Selector and ABI-encoded arguments of `contract.function(*args)`."""
    fn = function_abi(contract, function)
    return fn.selector + encode(fn.inputs, list(args))
