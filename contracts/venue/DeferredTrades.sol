// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DeferredTrades
/// @notice A venue's trades as they settle, and those accepted for deferred settlement (KR-SET-1)
/// until KSD finalizes them, stored packed.
abstract contract DeferredTrades {
    /// @dev A trade as it settles: parties from the signed orders, fees fixed at acceptance.
    struct Leg {
        uint256 tradeId;
        address token;
        address buyer;
        address seller;
        uint256 quantity;
        uint256 price;
        uint256 buyerFee;
        uint256 sellerFee;
        bool buyerIsMaker;
    }

    struct PendingTrade {
        Leg trade;
        uint64 due;
        bool open;
    }

    /// @dev A deferred trade as stored: its id is the key, and token, due date and flags share
    /// one slot (seven slots, not ten).
    struct StoredTrade {
        address token;
        uint64 due;
        bool open;
        bool buyerIsMaker;
        address buyer;
        address seller;
        uint256 quantity;
        uint256 price;
        uint256 buyerFee;
        uint256 sellerFee;
    }

    mapping(uint256 tradeId => StoredTrade) internal _pending;

    function pendingTrade(uint256 tradeId) external view returns (PendingTrade memory) {
        StoredTrade storage p = _pending[tradeId];
        Leg memory leg = _leg(tradeId);
        if (p.buyer == address(0)) leg.tradeId = 0; // never accepted: all zero, as before
        return PendingTrade(leg, p.due, p.open);
    }

    function _leg(uint256 tradeId) internal view returns (Leg memory) {
        StoredTrade storage p = _pending[tradeId];
        return Leg(
            tradeId, p.token, p.buyer, p.seller, p.quantity, p.price, p.buyerFee, p.sellerFee, p.buyerIsMaker
        );
    }

    function _store(Leg memory leg, uint64 due) internal {
        _pending[leg.tradeId] = StoredTrade(
            leg.token,
            due,
            true,
            leg.buyerIsMaker,
            leg.buyer,
            leg.seller,
            leg.quantity,
            leg.price,
            leg.buyerFee,
            leg.sellerFee
        );
    }
}
