"""The shared codec's decoding side: revert data into typed errors, and logs into events, from a
node's receipts and from pyrevm alike; the hand-written log decoder agrees with eth_abi."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from simulator.chain.logs import decode_logs
from simulator.chain.revert import decode_error, decode_revert, rule_id_text
from simulator.errors import ContractRevert, RuleViolation

FEE_CHARGED = "0x" + keccak(text="FeeCharged(uint256,address,address,uint256,string)").hex()
TRANSFER = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
PAYER, PAYEE = "0x" + "ab" * 20, "0x" + "cd" * 20


def _error(signature: str, types: list[str], args: list[Any]) -> str:
    return "0x" + (keccak(text=signature)[:4] + abi_encode(types, args)).hex()


def _topic(value: int | str) -> str:
    word = int(value, 16) if isinstance(value, str) else value
    return "0x" + word.to_bytes(32, "big").hex()


@pytest.mark.parametrize("rule_id", ["KR-SEP-1", "STO-HOLDERCAP"])
def test_a_rule_violation_arrives_with_its_rule_id_and_reason(rule_id: str):
    # on-chain the rule ID is a bytes32 constant: its text left-aligned (RuleIds.sol)
    word = rule_id.encode().ljust(32, b"\0")
    data = _error("RuleViolation(bytes32,string)", ["bytes32", "string"], [word, "affiliate"])
    error = decode_revert(data, "fallback")
    assert isinstance(error, RuleViolation)
    assert (error.rule_id, error.reason) == (rule_id, "affiliate")


def test_rule_id_text_reads_the_contracts_bytes32_and_passes_text_through():
    assert rule_id_text(b"KR-INV-2".ljust(32, b"\0")) == "KR-INV-2"
    assert rule_id_text("KR-INV-2") == "KR-INV-2"


@pytest.mark.parametrize(
    ("data", "name", "args"),
    [
        (_error("Error(string)", ["string"], ["not allowed"]), "Error", ("not allowed",)),
        (_error("Panic(uint256)", ["uint256"], [0x11]), "Panic", (0x11,)),
    ],
)
def test_require_messages_and_panics_are_named(data: str, name: str, args: tuple):
    assert decode_error(data) == (name, args)
    error = decode_revert(data, "fallback")
    assert isinstance(error, ContractRevert) and not isinstance(error, RuleViolation)


@pytest.mark.parametrize("data", ["", "0x", "0xdeadbeef", "0x12345678" + "00" * 32])
def test_opaque_revert_data_falls_back_to_the_message(data: str):
    assert decode_error(data) is None
    error = decode_revert(data, "transaction 0x1 reverted")
    assert isinstance(error, ContractRevert) and "transaction 0x1 reverted" in str(error)


def _fee_log(trade: int, amount: int, kind: str) -> dict[str, Any]:
    return {
        "address": PAYEE,
        "topics": [FEE_CHARGED, _topic(trade), _topic(PAYER), _topic(PAYEE)],
        "data": "0x" + abi_encode(["uint256", "string"], [amount, kind]).hex(),
    }


@given(
    trade=st.integers(0, 2**256 - 1),
    amount=st.integers(0, 2**256 - 1),
    kind=st.text(max_size=80),
)
def test_log_data_decodes_as_eth_abi_does(trade: int, amount: int, kind: str):
    log = _fee_log(trade, amount, kind)
    (event,) = decode_logs([log])
    assert event.name == "FeeCharged"
    assert event.address == to_checksum_address(PAYEE)
    expected = abi_decode(["uint256", "string"], bytes.fromhex(log["data"][2:]))
    assert (event.args["amount"], event.args["kind"]) == expected
    assert event.args["tradeId"] == trade
    assert event.args["payer"] == to_checksum_address(PAYER)


def test_pyrevm_logs_decode_like_node_logs_and_repeated_events_stay_apart():
    node = [_fee_log(7, 100, "maker"), _fee_log(7, 300, "taker")]
    embedded = [
        SimpleNamespace(
            address=log["address"],
            topics=log["topics"],
            data=(log["topics"], bytes.fromhex(log["data"][2:])),
        )
        for log in node
    ]
    assert decode_logs(embedded) == decode_logs(node)
    assert [e.args["kind"] for e in decode_logs(node)] == ["maker", "taker"]


def test_unknown_logs_are_skipped_and_only_filters_by_name():
    transfer = {
        "address": PAYER,
        "topics": [TRANSFER, _topic(PAYER), _topic(PAYEE)],
        "data": "0x" + (5).to_bytes(32, "big").hex(),
    }
    unknown = {"address": PAYER, "topics": ["0x" + "11" * 32], "data": "0x"}
    logs = [transfer, unknown, _fee_log(1, 2, "tax")]
    assert [e.name for e in decode_logs(logs)] == ["Transfer", "FeeCharged"]
    assert [e.name for e in decode_logs(logs, only="FeeCharged")] == ["FeeCharged"]
    assert decode_logs(logs, only="Transfer")[0].args["value"] == 5
