// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {InvestorRegistry} from "../market/InvestorRegistry.sol";

/// @title SignedOrders
/// @notice Holder consent: a venue moves a holder's tokens or cash only to fill an order the
/// holder signed (EIP-712), within its quantity, limit price, expiry and the fee schedule it was
/// signed under. Anything else is a transfer by someone other than the registrar (KR-LED-2).
abstract contract SignedOrders is EIP712 {
    /// @dev The fee terms are the most the holder agreed to pay: per side, `feeBps` of the
    /// traded value plus `flatFee`, or `minFee` if that is more.
    struct Order {
        address trader;
        address token;
        address venue;
        bool buy;
        uint256 quantity;
        uint256 limitPrice; // KRW per token: most a buyer pays, least a seller takes
        uint64 expiry; // unix time after which the order fills no more
        uint256 nonce; // the holder's order number
        uint256 feeBps;
        uint256 flatFee;
        uint256 minFee;
    }

    /// @dev An order with its signature in EIP-2098 compact form (r, yParity and s).
    struct SignedOrder {
        Order order;
        bytes32 r;
        bytes32 vs;
    }

    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address trader,address token,address venue,bool buy,uint256 quantity,uint256 limitPrice,"
        "uint64 expiry,uint256 nonce,uint256 feeBps,uint256 flatFee,uint256 minFee)"
    );
    uint256 private constant CANCELLED = type(uint256).max;

    InvestorRegistry private immutable _keys;
    mapping(bytes32 orderHash => uint256) private _filled; // CANCELLED once cancelled

    event OrderCancelled(address indexed trader, bytes32 indexed orderHash, uint256 nonce);

    error OrderNotYours(address caller, address trader);

    constructor(InvestorRegistry keys) EIP712("stosim Venue", "1") {
        _keys = keys;
    }

    /// @notice The EIP-712 hash a holder signs for `order` on this venue.
    function orderHash(Order calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ORDER_TYPEHASH, order)));
    }

    /// @notice Quantity of an order filled or accepted for settlement (max: cancelled).
    function filledOf(bytes32 hash) external view returns (uint256) {
        return _filled[hash];
    }

    /// @notice The holder (or its order key) cancels an order: it fills no more from now on.
    function cancelOrder(Order calldata order) external {
        if (msg.sender != order.trader && msg.sender != _keys.orderKey(order.trader)) {
            revert OrderNotYours(msg.sender, order.trader);
        }
        bytes32 hash = orderHash(order);
        _filled[hash] = CANCELLED;
        emit OrderCancelled(order.trader, hash, order.nonce);
    }

    /// @dev Check the holder's consent to a fill of `quantity` at `price` with `fee`, and count
    /// it against the order; reverts with the reason when the order does not cover the fill.
    function _consume(SignedOrder calldata signed, bool buy, uint256 quantity, uint256 price, uint256 fee)
        internal
    {
        Order calldata o = signed.order;
        if (o.buy != buy) revert RuleViolation(RuleIds.LED_2, "order-side-mismatch");
        if (o.venue != address(this)) revert RuleViolation(RuleIds.LED_2, "order-for-another-venue");
        if (block.timestamp > o.expiry) revert RuleViolation(RuleIds.LED_2, "order-expired");
        if (buy ? price > o.limitPrice : price < o.limitPrice) {
            revert RuleViolation(RuleIds.LED_2, "limit-price-crossed");
        }
        uint256 cap = quantity * price * o.feeBps / 10_000 + o.flatFee;
        if (fee > (cap > o.minFee ? cap : o.minFee)) revert RuleViolation(RuleIds.LED_2, "fee-above-signed-schedule");
        bytes32 hash = orderHash(o);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signed.r, signed.vs);
        if (err != ECDSA.RecoverError.NoError || signer == address(0)) {
            revert RuleViolation(RuleIds.LED_2, "order-signature-invalid");
        }
        if (signer != o.trader && signer != _keys.orderKey(o.trader)) {
            revert RuleViolation(RuleIds.LED_2, "order-not-signed-by-holder");
        }
        uint256 filled = _filled[hash];
        if (filled == CANCELLED) revert RuleViolation(RuleIds.LED_2, "order-cancelled");
        if (filled + quantity > o.quantity) revert RuleViolation(RuleIds.LED_2, "order-overfilled");
        _filled[hash] = filled + quantity;
    }
}
