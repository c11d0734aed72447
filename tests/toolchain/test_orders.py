"""Signed orders (simulator.chain.orders): the EIP-712 digest agrees with eth_account's own
typed-data encoder, signatures recover to the order key, and keys and signatures replay."""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_typed_data
from hypothesis import given
from hypothesis import strategies as st

from simulator.chain.orders import DOMAIN_NAME, DOMAIN_VERSION, Order, OrderKey, order_digest

ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
ORDERS = st.builds(
    Order, ADDRESS, ADDRESS, ADDRESS, st.booleans(), st.integers(0, 2**64),
    st.integers(0, 2**64), st.integers(0, 2**64 - 1), st.integers(0, 2**256 - 1),
    st.integers(0, 10_000), st.integers(0, 10**9), st.integers(0, 10**9),
)  # fmt: skip
FIELDS = [
    ("trader", "address"), ("token", "address"), ("venue", "address"), ("buy", "bool"),
    ("quantity", "uint256"), ("limitPrice", "uint256"), ("expiry", "uint64"),
    ("nonce", "uint256"), ("feeBps", "uint256"), ("flatFee", "uint256"), ("minFee", "uint256"),
]  # fmt: skip


def _typed(order: Order, chain_id: int) -> dict:
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Order": [{"name": n, "type": t} for n, t in FIELDS],
        },
        "primaryType": "Order",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": order.venue,
        },
        "message": dict(zip([n for n, _ in FIELDS], order.as_tuple(), strict=True)),
    }


@given(order=ORDERS, chain_id=st.integers(1, 2**32))
def test_the_digest_is_eip712_as_eth_account_encodes_it(order: Order, chain_id: int):
    signable = encode_typed_data(full_message=_typed(order, chain_id))
    key = OrderKey.for_account(order.trader)
    signed = key.sign(order, chain_id)
    s = int.from_bytes(signed.vs, "big") & ((1 << 255) - 1)
    v = 27 + (int.from_bytes(signed.vs, "big") >> 255)
    recovered = Account.recover_message(signable, vrs=(v, signed.r, s.to_bytes(32, "big")))
    assert recovered == key.address
    assert len(order_digest(order, chain_id)) == 32


def test_keys_and_signatures_replay():
    account = "0x" + "ab" * 20
    key = OrderKey.for_account(account)
    assert key.address == OrderKey.for_account(account.upper().replace("0X", "0x")).address
    order = Order(account, "0x" + "01" * 20, "0x" + "02" * 20, True, 10, 5_000, 2**40, 7)
    assert key.sign(order, 31337) == OrderKey.for_account(account).sign(order, 31337)
