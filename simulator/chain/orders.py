"""Holder consent: orders an investor signs (EIP-712) and a venue verifies on-chain before it
moves the investor's tokens or cash (contracts/venue/SignedOrders.sol, KR-LED-2).

Each investor account names an order-signing key once (InvestorRegistry.setOrderKey). In a
simulation the key is derived from the account's address, so runs replay exactly; these are
simulation keys, public by construction, never keys for real assets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

from coincurve import PrivateKey
from eth_utils import keccak, to_checksum_address

from simulator.rules import ALLOW, Decision, refuse

DOMAIN_NAME, DOMAIN_VERSION = "stosim Venue", "1"  # as SignedOrders' EIP712 constructor
DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
ORDER_TYPE = (
    "Order(address trader,address token,address venue,bool buy,uint256 quantity,"
    "uint256 limitPrice,uint64 expiry,uint256 nonce,uint256 feeBps,uint256 flatFee,uint256 minFee)"
)
NO_EXPIRY = 2**64 - 1
KEY_LABEL = b"stosim order key"
SIGNED_CACHE = 10_000
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class FeeTerms(Protocol):
    """A venue's fee schedule as the scenario or the deploy step describe it."""

    @property
    def maker_bps(self) -> int: ...
    @property
    def taker_bps(self) -> int: ...
    @property
    def flat_fee(self) -> int: ...
    @property
    def min_fee(self) -> int: ...


@dataclass(frozen=True)
class Order:
    """An order as the holder signs it; prices and fees in KRW, `fee_bps` etc. the most the
    holder agrees to pay per side."""

    trader: str
    token: str
    venue: str
    buy: bool
    quantity: int
    limit_price: int
    expiry: int
    nonce: int
    fee_bps: int = 0
    flat_fee: int = 0
    min_fee: int = 0

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.trader,
            self.token,
            self.venue,
            self.buy,
            self.quantity,
            self.limit_price,
            self.expiry,
            self.nonce,
            self.fee_bps,
            self.flat_fee,
            self.min_fee,
        )


@dataclass(frozen=True)
class SignedOrder:
    order: Order
    r: bytes
    vs: bytes  # EIP-2098 compact: yParity in the top bit of s

    def as_tuple(self) -> tuple[Any, ...]:
        """The order as Venue.settleBatch takes it (a SignedOrder struct)."""
        return (self.order.as_tuple(), self.r, self.vs)


def _word(value: Any) -> bytes:
    if isinstance(value, bool):
        return int(value).to_bytes(32, "big")
    if isinstance(value, str):
        return bytes(12) + bytes.fromhex(value.removeprefix("0x"))
    return int(value).to_bytes(32, "big")


@functools.cache
def domain_separator(chain_id: int, venue: str) -> bytes:
    return keccak(
        keccak(text=DOMAIN_TYPE)
        + keccak(text=DOMAIN_NAME)
        + keccak(text=DOMAIN_VERSION)
        + _word(chain_id)
        + _word(venue)
    )


_ORDER_TYPEHASH = keccak(text=ORDER_TYPE)


def order_digest(order: Order, chain_id: int) -> bytes:
    """The EIP-712 digest the holder signs: Venue.orderHash(order) on chain `chain_id`."""
    struct_hash = keccak(_ORDER_TYPEHASH + b"".join(_word(v) for v in order.as_tuple()))
    return keccak(b"\x19\x01" + domain_separator(chain_id, order.venue) + struct_hash)


class OrderKey:
    """A secp256k1 key that signs one account's orders."""

    def __init__(self, secret: bytes) -> None:
        self._key = PrivateKey(secret)
        public = self._key.public_key.format(compressed=False)[1:]
        self.address = to_checksum_address(keccak(public)[-20:])

    @classmethod
    def for_account(cls, account: str) -> OrderKey:
        """The simulation's key of `account` (in any letter case): the same in every run."""
        return _key_of(account.lower())

    def sign(self, order: Order, chain_id: int) -> SignedOrder:
        """Sign deterministically (RFC 6979): the same order, the same signature."""
        sig = self._key.sign_recoverable(order_digest(order, chain_id), hasher=None)
        r, s, parity = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
        return SignedOrder(order, r, (s | (parity << 255)).to_bytes(32, "big"))


@functools.cache
def _key_of(account: str) -> OrderKey:
    seed = keccak(KEY_LABEL + bytes.fromhex(account.removeprefix("0x")))
    return OrderKey((int.from_bytes(seed, "big") % (_SECP256K1_N - 1) + 1).to_bytes(32, "big"))


def consent(
    order: Order, buy: bool, venue: str, quantity: int, price: int, fee: int, filled: int, now: int
) -> Decision:
    """KR-LED-2, the rule spec of SignedOrders._consume for a validly signed order: may a fill of
    `quantity` at `price` with `fee` draw on it, `filled` already filled (-1: cancelled)?"""
    cap = max(quantity * price * order.fee_bps // 10_000 + order.flat_fee, order.min_fee)
    if order.buy != buy:
        return refuse("KR-LED-2", "order-side-mismatch")
    if order.venue.lower() != venue.lower():
        return refuse("KR-LED-2", "order-for-another-venue")
    if now > order.expiry:
        return refuse("KR-LED-2", "order-expired")
    if price > order.limit_price if buy else price < order.limit_price:
        return refuse("KR-LED-2", "limit-price-crossed")
    if fee > cap:
        return refuse("KR-LED-2", "fee-above-signed-schedule")
    if filled < 0:
        return refuse("KR-LED-2", "order-cancelled")
    if filled + quantity > order.quantity:
        return refuse("KR-LED-2", "order-overfilled")
    return ALLOW


def fee_terms(fees: FeeTerms) -> tuple[int, int, int]:
    """The fee terms a holder signs under a venue's schedule: the dearer side's bps (it does not
    know whether it will make or take), the flat fee and the minimum fee."""
    return max(fees.maker_bps, fees.taker_bps), fees.flat_fee, fees.min_fee


def register_key_call(
    investor_registry: str, account: str
) -> tuple[str, str, str, tuple[Any, ...], str]:
    """The transaction by which `account` names its order key (for Ledger.transact_many)."""
    key = OrderKey.for_account(account).address
    return ("InvestorRegistry", investor_registry, "setOrderKey", (key,), account)


class OrderSigner:
    """Signs investors' orders for one venue (the investors' keys, the venue's fee terms), each
    order once: an order filled in several trades carries the same signature every time."""

    def __init__(self, chain_id: int, venue: str, fees: FeeTerms) -> None:
        self.chain_id = chain_id
        self.venue = venue
        self.fees = fee_terms(fees)
        self._signed: dict[tuple[str, int], SignedOrder] = {}

    def signed(
        self,
        trader: str,
        token: str,
        buy: bool,
        quantity: int,
        limit_price: int,
        nonce: int,
        expiry: int = NO_EXPIRY,
    ) -> tuple[Any, ...]:
        """The signed order as settleBatch takes it."""
        key = (trader, nonce)
        found = self._signed.get(key)
        if found is None:
            if len(self._signed) >= SIGNED_CACHE:  # orders close within a day: keep memory flat
                self._signed.clear()
            order = Order(
                trader, token, self.venue, buy, quantity, limit_price, expiry, nonce, *self.fees
            )
            found = OrderKey.for_account(trader).sign(order, self.chain_id)
            self._signed[key] = found
        return found.as_tuple()
