// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {VenueListings} from "./VenueListings.sol";

/// @title VenueFees
/// @notice A venue's fee schedule and the accounts fees go to: each fee is split between the
/// venue and the registrar, and every fee is an event. Cash moves only inside settlement.
///
/// Trade fees are netted per batch: a trade pulls both its fees from the buyer in one transfer
/// (the seller's withheld from its proceeds) and each payee's share is owed, in transient
/// storage (EIP-1153), until the batch pays each payee once (_payOutFees). A trade that fails
/// reverts its own transfer and its share of the totals with it.
abstract contract VenueFees is VenueListings {
    using SafeERC20 for IERC20;
    using TransientSlot for *;

    bytes32 private constant VENUE_FEES_OWED = keccak256("stosim.VenueFees.venueFeesOwed");
    bytes32 private constant REGISTRAR_FEES_OWED = keccak256("stosim.VenueFees.registrarFeesOwed");

    struct FeeSchedule {
        uint256 makerBps;
        uint256 takerBps;
        uint256 flatFee; // KRW per side per trade
        uint256 minFee; // KRW per side per trade
        uint256 listingFee; // KRW, paid by the issuer
        uint256 venueShareBps; // the venue's share of fees; the rest goes to the registrar
    }

    IERC20 public immutable cash;
    address public feeAccount;
    address public immutable registrarFeeAccount;
    FeeSchedule internal _fees;

    event FeeScheduleSet(FeeSchedule fees);
    event FeeAccountSet(address indexed account);
    event FeeCharged(uint256 indexed tradeId, address indexed payer, address indexed payee, uint256 amount, string kind);

    error ZeroAddress(string field);
    error FeeShareTooLarge(uint256 venueShareBps);

    constructor(IERC20 cash_, address registrarFeeAccount_) {
        if (address(cash_) == address(0)) revert ZeroAddress("cash");
        if (operator == address(0)) revert ZeroAddress("operator");
        if (registrarFeeAccount_ == address(0)) revert ZeroAddress("registrarFeeAccount");
        cash = cash_;
        feeAccount = operator;
        registrarFeeAccount = registrarFeeAccount_;
    }

    /// @notice Set the fee schedule. Orders signed under a cheaper one are never charged more.
    function setFeeSchedule(FeeSchedule calldata fees_) external onlyRole(OPERATOR_ROLE) {
        if (fees_.venueShareBps > 10_000) revert FeeShareTooLarge(fees_.venueShareBps);
        _fees = fees_;
        emit FeeScheduleSet(fees_);
    }

    function fees() external view returns (FeeSchedule memory) {
        return _fees;
    }

    /// @notice The account that receives the venue's share of fees.
    function setFeeAccount(address account) external onlyRole(OPERATOR_ROLE) {
        if (account == address(0)) revert ZeroAddress("feeAccount");
        feeAccount = account;
        emit FeeAccountSet(account);
    }

    /// @notice One side's fee for a trade worth `value` KRW.
    function feeFor(uint256 value, bool maker) public view returns (uint256 fee) {
        fee = value * (maker ? _fees.makerBps : _fees.takerBps) / 10_000 + _fees.flatFee;
        if (fee < _fees.minFee) fee = _fees.minFee;
    }

    function _chargeListingFee(address issuer) internal override {
        uint256 fee = _fees.listingFee;
        if (fee > 0) _payFee(0, issuer, issuer, fee, "listing");
    }

    /// @dev A settled trade's fees: both pulled from the buyer at once, each split between the
    /// venue and the registrar and owed to them until the batch ends; one FeeCharged per payer
    /// and payee, as if each part were paid now.
    function _chargeTradeFees(
        uint256 tradeId,
        address buyer,
        address seller,
        uint256 buyerFee,
        uint256 sellerFee,
        bool buyerIsMaker
    ) internal {
        if (buyerFee + sellerFee == 0) return;
        _safeCashTransfer(buyer, address(this), buyerFee + sellerFee);
        if (buyerFee > 0) _oweFee(tradeId, buyer, buyerFee, buyerIsMaker ? "maker" : "taker");
        if (sellerFee > 0) _oweFee(tradeId, seller, sellerFee, buyerIsMaker ? "taker" : "maker");
    }

    /// @dev Pay the venue and the registrar what the batch's trades owe them, one transfer each.
    function _payOutFees() internal {
        uint256 venueDue = VENUE_FEES_OWED.asUint256().tload();
        uint256 registrarDue = REGISTRAR_FEES_OWED.asUint256().tload();
        if (venueDue > 0) {
            VENUE_FEES_OWED.asUint256().tstore(0);
            cash.safeTransfer(feeAccount, venueDue);
        }
        if (registrarDue > 0) {
            REGISTRAR_FEES_OWED.asUint256().tstore(0);
            cash.safeTransfer(registrarFeeAccount, registrarDue);
        }
    }

    /// @dev Before a trade whose buyer is a fee account checks its cash: pay out what is owed,
    /// so that its balance is what it would be had every fee been paid at once.
    function _payOutFeesBefore(address buyer) internal {
        if (buyer == feeAccount || buyer == registrarFeeAccount) _payOutFees();
    }

    function _oweFee(uint256 tradeId, address payer, uint256 fee, string memory kind) private {
        (uint256 venuePart, uint256 registrarPart) = _split(fee);
        if (venuePart > 0) {
            VENUE_FEES_OWED.asUint256().tstore(VENUE_FEES_OWED.asUint256().tload() + venuePart);
            emit FeeCharged(tradeId, payer, feeAccount, venuePart, kind);
        }
        if (registrarPart > 0) {
            REGISTRAR_FEES_OWED.asUint256().tstore(REGISTRAR_FEES_OWED.asUint256().tload() + registrarPart);
            emit FeeCharged(tradeId, payer, registrarFeeAccount, registrarPart, kind);
        }
    }

    /// @dev Split one fee between the venue and the registrar; `source` is whose cash moves
    /// (the seller's fee is withheld from the buyer's payment), `payer` who bears it.
    function _payFee(uint256 tradeId, address payer, address source, uint256 fee, string memory kind) internal {
        (uint256 venuePart, uint256 registrarPart) = _split(fee);
        if (venuePart > 0) {
            _safeCashTransfer(source, feeAccount, venuePart);
            emit FeeCharged(tradeId, payer, feeAccount, venuePart, kind);
        }
        if (registrarPart > 0) {
            _safeCashTransfer(source, registrarFeeAccount, registrarPart);
            emit FeeCharged(tradeId, payer, registrarFeeAccount, registrarPart, kind);
        }
    }

    /// @dev One fee's parts: the venue's share of the schedule, the rest the registrar's.
    function _split(uint256 fee) private view returns (uint256 venuePart, uint256 registrarPart) {
        venuePart = fee * _fees.venueShareBps / 10_000;
        registrarPart = fee - venuePart;
    }

    /// @dev Cash of a holder moves only for a fill of its signed order (SignedOrders).
    function _safeCashTransfer(address from, address to, uint256 amount) internal {
        // A DvP venue pulls the buyer's cash, only for fills of orders the buyer signed
        // (SignedOrders._consume runs before any delivery); triaged in contracts/SLITHER.md.
        // slither-disable-next-line arbitrary-send-erc20
        cash.safeTransferFrom(from, to, amount);
    }
}
