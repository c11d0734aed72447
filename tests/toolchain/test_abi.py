"""The fast ABI encoder agrees with eth_abi on every shape it handles, and hands the rest (and
bad values) to eth_abi."""

from __future__ import annotations

import pytest
from eth_abi import encode as abi_encode
from eth_abi.exceptions import EncodingError
from hypothesis import given
from hypothesis import strategies as st

from simulator.chain.abi import encode

ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
TRADE = st.tuples(
    st.integers(0, 2**256 - 1), ADDRESS, ADDRESS, ADDRESS,
    st.integers(0, 2**64), st.integers(0, 2**64), st.booleans(),
)  # fmt: skip
TRADE_TYPE = "(uint256,address,address,address,uint256,uint256,bool)[]"


@given(trades=st.lists(TRADE, max_size=5), due=st.integers(0, 2**64 - 1))
def test_settlement_batches_encode_as_eth_abi_does(trades, due):
    types = [TRADE_TYPE, "uint64"]
    assert encode(types, [trades, due]) == abi_encode(types, [trades, due])


ORDER = st.tuples(
    ADDRESS, ADDRESS, ADDRESS, st.booleans(), st.integers(0, 2**256 - 1), st.integers(0, 2**64),
    st.integers(0, 2**64 - 1), st.integers(0, 2**256 - 1), st.integers(0, 10_000),
    st.integers(0, 10**9), st.integers(0, 10**9),
)  # fmt: skip
WORD = st.binary(min_size=32, max_size=32)
SIGNED = st.tuples(ORDER, WORD, WORD)
SIGNED_TRADE = st.tuples(
    st.integers(0, 2**256 - 1), SIGNED, SIGNED, st.integers(0, 2**64), st.integers(0, 2**64),
    st.booleans(),
)  # fmt: skip
ORDER_TYPE = (
    "((address,address,address,bool,uint256,uint256,uint64,uint256,uint256,uint256,uint256),"
    "bytes32,bytes32)"
)
SIGNED_TRADE_TYPE = f"(uint256,{ORDER_TYPE},{ORDER_TYPE},uint256,uint256,bool)[]"


@given(trades=st.lists(SIGNED_TRADE, max_size=4))
def test_trades_with_signed_orders_encode_as_eth_abi_does(trades):
    """Nested static tuples (issue 12's trades carry both signed orders) stay on the fast path."""
    assert encode([SIGNED_TRADE_TYPE], [trades]) == abi_encode([SIGNED_TRADE_TYPE], [trades])


@given(
    text=st.text(max_size=70),
    flag=st.booleans(),
    signed=st.integers(-(2**127), 2**127 - 1),
    ids=st.lists(st.integers(0, 2**256 - 1), max_size=4),
    blob=st.binary(max_size=70),
    word=st.binary(min_size=32, max_size=32),
)
def test_words_strings_and_arrays_encode_as_eth_abi_does(text, flag, signed, ids, blob, word):
    types = ["string", "bool", "int128", "uint256[]", "bytes", "bytes32", "address[]"]
    values = [text, flag, signed, ids, blob, word, ["0x" + "ab" * 20]]
    assert encode(types, values) == abi_encode(types, values)


def test_other_shapes_and_bad_values_go_to_eth_abi():
    nested = ["(uint256,(bool,address))"]
    assert encode(nested, [(1, (True, "0x" + "00" * 20))]) == abi_encode(
        nested, [(1, (True, "0x" + "00" * 20))]
    )
    with pytest.raises(EncodingError):
        encode(["uint8"], [256])
    with pytest.raises(EncodingError):
        encode(["address"], ["not an address"])
