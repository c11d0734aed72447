// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SlotDerivation} from "@openzeppelin/contracts/utils/SlotDerivation.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";
import {InvestorRegistry} from "../market/InvestorRegistry.sol";
import {SettlementCalendar} from "../market/SettlementCalendar.sol";
import {SecurityToken} from "../token/SecurityToken.sol";
import {SignedOrders} from "./SignedOrders.sol";
import {VenueFees} from "./VenueFees.sol";
import {VenueListings} from "./VenueListings.sol";
import {DeferredTrades} from "./DeferredTrades.sol";

/// @title Venue
/// @notice One licensed distributor's OTC venue. Matching runs off-chain; the operator submits
/// matched trades in batches, each carrying both holders' signed orders. A trade settles as an
/// atomic DvP (KR-SET-3) at T+0, or is accepted for deferred settlement that KSD finalizes on the
/// due date its calendar gives (KR-SET-1). Every trade id settles or fails once.
///
/// Licences (KR-LIC-1): a venue that is suspended, deregistered or whose operator lost its
/// licence accepts nothing new. Trades it accepted before still settle when KSD finalizes them
/// (settlement finality), unless the regulator deregistered the venue.
///
/// What cannot change while a batch runs (the rule switches, this venue's registration and
/// licence, a token's separation from the operator) is read once per batch, not per trade.
contract Venue is VenueFees, SignedOrders, DeferredTrades, ReentrancyGuardTransient {
    using SlotDerivation for bytes32;
    using TransientSlot for *;

    bytes32 private constant KSD_ROLE = keccak256("KSD_ROLE");
    // transient: a number per batch of this transaction, and the tokens found separated (KR-SEP-1) in it
    bytes32 private constant BATCH = keccak256("stosim.Venue.batch");
    bytes32 private constant SEPARATED = keccak256("stosim.Venue.separated");
    uint256 public constant MAX_SETTLEMENT_DAYS = 30;

    enum TradeStatus {
        None,
        Pending,
        Settled,
        Failed
    }

    struct Trade {
        uint256 tradeId;
        SignedOrder buy;
        SignedOrder sell;
        uint256 quantity;
        uint256 price; // KRW per token
        bool buyerIsMaker;
    }

    InvestorRegistry public immutable investors;
    bool public immutable professionalOnly;
    uint256 public settlementDays; // 0 = on-ledger DvP at T+0
    mapping(uint256 tradeId => TradeStatus) public tradeStatus;

    event SettlementCycleSet(uint256 settlementDays);
    event TradeSettled(
        uint256 indexed tradeId, address indexed token, address buyer, address seller, uint256 quantity, uint256 price
    );
    /// @dev The whole leg, flat, so that KSD can pass it back at finalize (DeferredTrades).
    event TradeAccepted(
        uint256 indexed tradeId,
        address indexed token,
        uint64 due,
        address buyer,
        address seller,
        uint256 quantity,
        uint256 price,
        uint256 buyerFee,
        uint256 sellerFee,
        bool buyerIsMaker
    );
    event TradeFailed(uint256 indexed tradeId, string ruleId, string reason, bytes error);
    event TradeIdReused(uint256 indexed tradeId, TradeStatus status);

    error OnlySelf();
    error UnknownPendingTrade(uint256 tradeId);
    error TradeZeroQuantity(uint256 tradeId);
    error TradeZeroPrice(uint256 tradeId);
    error TokenNotListed(address token);
    error SettlementCycleTooLong(uint256 settlementDays);

    constructor(
        MarketRegistry market_,
        InvestorRegistry investors_,
        IERC20 cash_,
        address operator_,
        address registrarFeeAccount_,
        bool professionalOnly_
    )
        VenueListings(market_, operator_)
        VenueFees(cash_, registrarFeeAccount_)
        SignedOrders(investors_)
    {
        if (address(market_) == address(0)) revert ZeroAddress("market");
        if (address(investors_) == address(0)) revert ZeroAddress("investors");
        investors = investors_;
        professionalOnly = professionalOnly_;
        _grantRole(DEFAULT_ADMIN_ROLE, operator_);
        _grantRole(OPERATOR_ROLE, operator_);
    }

    /// @notice Settlement cycle in business days: 0 settles at T+0 on the ledger, n defers to KSD
    /// (KR-SET-1), due on the n-th business day of KSD's calendar.
    function setSettlementDays(uint256 days_) external onlyRole(OPERATOR_ROLE) {
        if (days_ > MAX_SETTLEMENT_DAYS) revert SettlementCycleTooLong(days_);
        settlementDays = days_;
        emit SettlementCycleSet(days_);
    }

    // ---- settlement ----

    /// @notice Settle a batch of matched trades; each settles (or is accepted for deferred
    /// settlement) or fails on its own, with the rule that refused it. An id already used is
    /// reported (TradeIdReused) and moves nothing.
    function settleBatch(Trade[] calldata trades) external onlyRole(OPERATOR_ROLE) nonReentrant {
        uint64 due = settlementDays == 0 ? 0 : _dueDate();
        _newBatch();
        uint256 disabled = market.disabledRules();
        (bool licensed, string memory why) = market.venueCheck(address(this));
        string memory unlicensed = licensed ? "" : why;
        for (uint256 i = 0; i < trades.length; i++) {
            uint256 id = trades[i].tradeId;
            if (tradeStatus[id] != TradeStatus.None) {
                emit TradeIdReused(id, tradeStatus[id]);
                continue;
            }
            // Failed unless executeTrade, which reverts alone, records Settled or Pending
            tradeStatus[id] = TradeStatus.Failed;
            try this.executeTrade(trades[i], due, disabled, unlicensed) {}
            catch (bytes memory err) {
                _fail(id, err);
            }
        }
        _payOutFees();
    }

    /// @dev External so that a failing trade reverts alone; callable only by this venue.
    /// `disabled` is the batch's rule switches, `unlicensed` why venueCheck refused ("" if not).
    function executeTrade(Trade calldata t, uint64 due, uint256 disabled, string calldata unlicensed) external {
        if (msg.sender != address(this)) revert OnlySelf();
        if (t.quantity == 0) revert TradeZeroQuantity(t.tradeId);
        if (t.price == 0) revert TradeZeroPrice(t.tradeId);
        if (bytes(unlicensed).length != 0) revert RuleViolation(RuleIds.LIC_1, unlicensed);
        address token = t.buy.order.token;
        if (t.sell.order.token != token) revert RuleViolation(RuleIds.LED_2, "order-token-mismatch");
        uint256 value = t.quantity * t.price;
        Leg memory leg = Leg(
            t.tradeId,
            token,
            t.buy.order.trader,
            t.sell.order.trader,
            t.quantity,
            t.price,
            feeFor(value, t.buyerIsMaker),
            feeFor(value, !t.buyerIsMaker),
            t.buyerIsMaker
        );
        _payOutFeesBefore(leg.buyer);
        _checkTrade(leg, disabled);
        _consume(t.buy, true, t.quantity, t.price, leg.buyerFee);
        _consume(t.sell, false, t.quantity, t.price, leg.sellerFee);
        if (due == 0) {
            tradeStatus[t.tradeId] = TradeStatus.Settled;
            _deliver(leg);
        } else {
            tradeStatus[t.tradeId] = TradeStatus.Pending;
            _commit(leg, due);
            emit TradeAccepted(
                t.tradeId,
                token,
                due,
                leg.buyer,
                leg.seller,
                leg.quantity,
                leg.price,
                leg.buyerFee,
                leg.sellerFee,
                leg.buyerIsMaker
            );
        }
    }

    /// @notice KSD finalizes deferred trades on their due date (KR-SET-1), passing each back as
    /// the venue accepted it (TradeAccepted); each settles or fails on its own, once. A trade not
    /// pending, not exactly as accepted, or not yet due refuses the whole call.
    function finalize(PendingTrade[] calldata trades) external nonReentrant {
        if (!market.hasRole(KSD_ROLE, msg.sender)) revert RuleViolation(RuleIds.SET_1, "not-registrar");
        for (uint256 i = 0; i < trades.length; i++) {
            // KR-SET-1: KSD settles only what the venue accepted, field for field
            if (!_isPending(trades[i])) revert UnknownPendingTrade(trades[i].trade.tradeId);
            if (block.timestamp < trades[i].due) revert RuleViolation(RuleIds.SET_1, "not-due");
        }
        _newBatch();
        uint256 disabled = market.disabledRules();
        bool registered = market.isVenue(address(this));
        for (uint256 i = 0; i < trades.length; i++) {
            uint256 id = trades[i].trade.tradeId;
            if (!_isOpen(id)) {
                emit TradeIdReused(id, tradeStatus[id]); // repeated in this call: done already
                continue;
            }
            _close(id);
            tradeStatus[id] = TradeStatus.Failed; // unless deliverPending records Settled
            try this.deliverPending(trades[i].trade, disabled, registered) {}
            catch (bytes memory err) {
                _fail(id, err);
            }
        }
        _payOutFees();
    }

    /// @dev External so that a failing delivery reverts alone; callable only by this venue.
    /// `disabled` and `registered` are the batch's rule switches and isVenue (KR-LIC-1).
    function deliverPending(Leg calldata leg, uint256 disabled, bool registered) external {
        if (msg.sender != address(this)) revert OnlySelf();
        // settlement finality: a suspended venue's accepted trades settle, a deregistered one's fail
        if (!registered) revert RuleViolation(RuleIds.LIC_1, "venue-deregistered");
        _payOutFeesBefore(leg.buyer);
        _checkTrade(leg, disabled);
        tradeStatus[leg.tradeId] = TradeStatus.Settled;
        _deliver(leg);
    }

    /// @dev A fresh namespace for what a batch reads once (a second batch in the same
    /// transaction reads afresh).
    function _newBatch() private {
        BATCH.asUint256().tstore(BATCH.asUint256().tload() + 1);
    }

    /// @dev KR-SEP-1 once per token and batch: only a token found separated is remembered.
    function _requireSeparated(address token) private {
        TransientSlot.BooleanSlot known =
            SEPARATED.deriveMapping(BATCH.asUint256().tload()).deriveMapping(token).asBoolean();
        if (known.tload()) return;
        (bool separated, string memory reason) = market.separationCheck(operator, token);
        if (!separated) revert RuleViolation(RuleIds.SEP_1, reason);
        known.tstore(true);
    }

    function _dueDate() private view returns (uint64) {
        address calendar = market.settlementCalendar();
        if (calendar == address(0)) revert RuleViolation(RuleIds.SET_1, "no-settlement-calendar");
        return SettlementCalendar(calendar).dueDate(block.timestamp, settlementDays);
    }

    function _checkTrade(Leg memory t, uint256 disabled) private {
        if (listing[t.token] != Listing.Listed) revert TokenNotListed(t.token);
        _requireSeparated(t.token);
        if (RuleIds.inForce(disabled, RuleIds.MKT_1_BIT)) {
            if (t.buyer == t.seller) revert RuleViolation(RuleIds.MKT_1, "self-trade");
            if (market.related(operator, t.buyer) || market.related(operator, t.seller)) {
                revert RuleViolation(RuleIds.MKT_1, "operator-own-account");
            }
        }
        if (professionalOnly && RuleIds.inForce(disabled, RuleIds.INV_4_BIT)) {
            if (investors.classOf(t.buyer) != InvestorRegistry.InvestorClass.Professional) {
                revert RuleViolation(RuleIds.INV_4, "buyer-not-professional");
            }
            if (investors.classOf(t.seller) != InvestorRegistry.InvestorClass.Professional) {
                revert RuleViolation(RuleIds.INV_4, "seller-not-professional");
            }
        }
        uint256 value = t.quantity * t.price;
        if (cash.balanceOf(t.buyer) < value + t.buyerFee) revert RuleViolation(RuleIds.MKT_2, "insufficient-cash");
        if (SecurityToken(t.token).balanceOf(t.seller) < t.quantity) {
            revert RuleViolation(RuleIds.MKT_2, "insufficient-tokens");
        }
    }

    /// @dev Both legs and the fees move in one call, or nothing does (KR-SET-3).
    function _deliver(Leg memory t) private {
        uint256 value = t.quantity * t.price;
        if (t.sellerFee > value) revert RuleViolation(RuleIds.SET_3, "fee-exceeds-proceeds");
        if (cash.allowance(t.buyer, address(this)) < value + t.buyerFee) {
            revert RuleViolation(RuleIds.MKT_2, "cash-not-committed");
        }
        SecurityToken(t.token).venueTransfer(t.seller, t.buyer, t.quantity, value);
        _safeCashTransfer(t.buyer, t.seller, value - t.sellerFee);
        _chargeTradeFees(t.tradeId, t.buyer, t.seller, t.buyerFee, t.sellerFee, t.buyerIsMaker);
        emit TradeSettled(t.tradeId, t.token, t.buyer, t.seller, t.quantity, t.price);
    }

    /// @dev TradeFailed names the rule as text, as it always has: off-chain code reads strings.
    function _fail(uint256 tradeId, bytes memory err) private {
        (bytes32 ruleId, string memory reason) = _decodeRuleViolation(err);
        emit TradeFailed(tradeId, ruleId == 0 ? "" : RuleIds.toString(ruleId), reason, err);
    }

    /// @dev The rule ID and reason of a RuleViolation revert; (0, "") for any other error.
    function _decodeRuleViolation(bytes memory err) private pure returns (bytes32, string memory) {
        if (err.length < 4 || bytes4(err) != RuleViolation.selector) return (0, "");
        bytes memory body = new bytes(err.length - 4);
        for (uint256 i = 0; i < body.length; i++) {
            body[i] = err[i + 4];
        }
        return abi.decode(body, (bytes32, string));
    }
}
