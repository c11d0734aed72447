// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DeferredTrades
/// @notice A venue's trades as they settle, and those accepted for deferred settlement (KR-SET-1)
/// until KSD finalizes them. A deferred trade is stored as one slot, a hash of its leg and due
/// date; KSD passes the data back at finalization (from the acceptance event) and it must match.
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

    /// @dev A deferred trade as accepted: what its commitment hashes.
    struct PendingTrade {
        Leg trade;
        uint64 due;
    }

    // One slot per deferred trade, not seven: a node's cost per block grows with the slots the
    // chain holds. Zero when not pending (never accepted, or finalized).
    mapping(uint256 tradeId => bytes32) private _commitments;

    /// @notice The commitment of a trade pending deferred settlement, or zero if it is not pending.
    function pendingCommitment(uint256 tradeId) external view returns (bytes32) {
        return _commitments[tradeId];
    }

    /// @notice The commitment a pending trade is stored as: keccak256(abi.encode(trade, due)).
    function commitmentOf(PendingTrade memory p) public pure returns (bytes32) {
        return keccak256(abi.encode(p));
    }

    function _commit(Leg memory leg, uint64 due) internal {
        _commitments[leg.tradeId] = commitmentOf(PendingTrade(leg, due));
    }

    /// @dev Whether `p` is exactly a trade accepted and not yet finalized.
    function _isPending(PendingTrade calldata p) internal view returns (bool) {
        bytes32 stored = _commitments[p.trade.tradeId];
        return stored != 0 && stored == commitmentOf(p);
    }

    function _isOpen(uint256 tradeId) internal view returns (bool) {
        return _commitments[tradeId] != 0;
    }

    function _close(uint256 tradeId) internal {
        delete _commitments[tradeId];
    }
}
