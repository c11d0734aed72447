"""The compiled contracts, owned here: ABIs and bytecode, nothing else.

brownie compiles into build/contracts (one large JSON per contract, with ASTs and source maps:
16 MB in all). After a compile, the ABIs and bytecode are copied into one small store,
build/stosim/contracts.json, stamped with a digest of everything the compile read; both
ledgers, the codec (codec.py) and the decoders read only that store; `compile.ensure_compiled`
keeps it current.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from simulator.chain.toolchain import PROJECT_ROOT, SOLC_VERSION
from simulator.errors import ChainError

BUILD = PROJECT_ROOT / "build" / "contracts"  # brownie's artifacts
STORE = PROJECT_ROOT / "build" / "stosim" / "contracts.json"
# what a compile reads besides the sources: settings, and the lock that pins OpenZeppelin
_COMPILE_INPUTS = ("brownie-config.yaml", "package-lock.json")


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


def abi_type(item: dict) -> str:
    """The canonical type of an ABI input or output, tuples spelled out."""
    if item["type"].startswith("tuple"):
        inner = ",".join(abi_type(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return str(item["type"])


def sources_digest() -> str:
    """A digest of the contract sources, the compiler version and the compile's settings."""
    digest = hashlib.sha256(SOLC_VERSION.encode())
    paths = sorted((PROJECT_ROOT / "contracts").rglob("*.sol"))
    paths += [PROJECT_ROOT / name for name in _COMPILE_INPUTS if (PROJECT_ROOT / name).exists()]
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def store_is_current() -> bool:
    """Whether the store exists and was made from the sources as they are now."""
    if not STORE.exists():
        return False
    with STORE.open() as handle:
        head = handle.read(200)  # the digest comes first: no need to parse the whole store
    return f'"digest": "{sources_digest()}"' in head


def write_store(verified: bool = True) -> None:
    """Copy the ABIs and bytecode of brownie's artifacts into the store (atomically: runs
    started together may read it). `verified`: brownie has just compiled the current sources;
    otherwise the store is not stamped as current, and the next ledger to start compiles."""
    contracts = {}
    for path in sorted(BUILD.glob("*.json")):
        data = json.loads(path.read_text())
        contracts[path.stem] = {"abi": data.get("abi", []), "bytecode": data.get("bytecode", "")}
    STORE.parent.mkdir(parents=True, exist_ok=True)
    partial = STORE.with_suffix(f".{os.getpid()}.tmp")
    digest = sources_digest() if verified else ""
    partial.write_text(json.dumps({"digest": digest, "contracts": contracts}))
    partial.replace(STORE)
    _store.cache_clear()
    abi_items.cache_clear()
    artifact.cache_clear()


@functools.cache
def _store() -> dict[str, Any]:
    if not STORE.exists():
        if not BUILD.exists():
            raise ChainError(f"the contracts are not compiled ({BUILD} is missing)")
        write_store(verified=False)  # a build from before the store existed
    contracts: dict[str, Any] = json.loads(STORE.read_text())["contracts"]
    return contracts


@functools.cache
def abi_items() -> tuple[dict, ...]:
    """Every ABI entry of every compiled contract, read once per process."""
    return tuple(item for name in sorted(_store()) for item in _store()[name]["abi"])


@functools.cache
def artifact(contract: str) -> Artifact:
    data = _store().get(contract)
    if data is None:
        raise ChainError(f"no compiled contract named {contract!r} in {STORE}")
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
