// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";
import {InvestorRegistry} from "../market/InvestorRegistry.sol";
import {SecurityToken} from "../token/SecurityToken.sol";

/// @title Venue
/// @notice One licensed distributor's OTC venue. Matching runs off-chain; the operator submits
/// matched trades in batches and each trade settles as an atomic DvP (KR-SET-3) at T+0, or is
/// accepted for deferred settlement that KSD finalizes on the due date (KR-SET-1). Fees follow
/// the venue's schedule and are split between the venue and the registrar, each fee an event.
contract Venue is AccessControl {
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant SETTLEMENT_AGENT_ROLE = keccak256("SETTLEMENT_AGENT_ROLE");

    enum Listing {
        None,
        Requested,
        Listed,
        Refused,
        Delisted
    }

    struct FeeSchedule {
        uint256 makerBps;
        uint256 takerBps;
        uint256 flatFee; // KRW per side per trade
        uint256 minFee; // KRW per side per trade
        uint256 listingFee; // KRW, paid by the issuer
        uint256 venueShareBps; // the venue's share of fees; the rest goes to the registrar
    }

    struct Trade {
        uint256 tradeId;
        address token;
        address buyer;
        address seller;
        uint256 quantity;
        uint256 price; // KRW per token
        bool buyerIsMaker;
    }

    struct PendingTrade {
        Trade trade;
        uint64 due;
        bool open;
    }

    MarketRegistry public immutable market;
    InvestorRegistry public immutable investors;
    IERC20 public immutable cash;
    address public immutable operator;
    bool public immutable professionalOnly;
    address public feeAccount;
    address public registrarFeeAccount;
    uint256 public settlementDays; // 0 = on-ledger DvP at T+0
    FeeSchedule private _fees;
    mapping(address token => Listing) public listing;
    mapping(uint256 tradeId => PendingTrade) private _pending;

    event ListingRequested(address indexed token, address indexed issuer);
    event ListingAccepted(address indexed token);
    event ListingRefused(address indexed token, string ruleId, string reason);
    event Delisted(address indexed token);
    event FeeScheduleSet(FeeSchedule fees);
    event SettlementCycleSet(uint256 settlementDays);
    event TradeSettled(
        uint256 indexed tradeId, address indexed token, address buyer, address seller, uint256 quantity, uint256 price
    );
    event TradeAccepted(uint256 indexed tradeId, address indexed token, uint64 due);
    event TradeFailed(uint256 indexed tradeId, string ruleId, string reason, bytes error);
    event FeeCharged(uint256 indexed tradeId, address indexed payer, address indexed payee, uint256 amount, string kind);

    error NotIssuer(address caller, address token);
    error OnlySelf();
    error ListingNotRequested(address token);
    error UnknownPendingTrade(uint256 tradeId);
    error DuplicateTrade(uint256 tradeId);

    constructor(
        MarketRegistry market_,
        InvestorRegistry investors_,
        IERC20 cash_,
        address operator_,
        address settlementAgent,
        address registrarFeeAccount_,
        bool professionalOnly_
    ) {
        market = market_;
        investors = investors_;
        cash = cash_;
        operator = operator_;
        professionalOnly = professionalOnly_;
        feeAccount = operator_;
        registrarFeeAccount = registrarFeeAccount_;
        _grantRole(DEFAULT_ADMIN_ROLE, operator_);
        _grantRole(OPERATOR_ROLE, operator_);
        _grantRole(SETTLEMENT_AGENT_ROLE, settlementAgent);
    }

    // ---- configuration ----

    function setFeeSchedule(FeeSchedule calldata fees_) external onlyRole(OPERATOR_ROLE) {
        require(fees_.venueShareBps <= 10_000, "venueShareBps");
        _fees = fees_;
        emit FeeScheduleSet(fees_);
    }

    function fees() external view returns (FeeSchedule memory) {
        return _fees;
    }

    function setFeeAccount(address account) external onlyRole(OPERATOR_ROLE) {
        feeAccount = account;
    }

    /// @notice Settlement cycle in days: 0 settles at T+0 on the ledger, n defers to KSD (KR-SET-1).
    function setSettlementDays(uint256 days_) external onlyRole(OPERATOR_ROLE) {
        settlementDays = days_;
        emit SettlementCycleSet(days_);
    }

    /// @notice One side's fee for a trade worth `value` KRW.
    function feeFor(uint256 value, bool maker) public view returns (uint256 fee) {
        fee = value * (maker ? _fees.makerBps : _fees.takerBps) / 10_000 + _fees.flatFee;
        if (fee < _fees.minFee) fee = _fees.minFee;
    }

    // ---- listing ----

    /// @notice The issuer asks this venue to list its token.
    function requestListing(address token) external {
        if (msg.sender != market.issuerOf(token)) revert NotIssuer(msg.sender, token);
        listing[token] = Listing.Requested;
        emit ListingRequested(token, msg.sender);
    }

    /// @notice Accept a requested listing: refused under KR-SEP-1 if the operator or a related
    /// party issued, underwrote, arranged or settled the trust; charges the issuer's listing fee.
    function acceptListing(address token) external onlyRole(OPERATOR_ROLE) {
        if (listing[token] != Listing.Requested) revert ListingNotRequested(token);
        (bool separated, string memory reason) = market.separationCheck(operator, token);
        if (!separated) revert RuleViolation(RuleIds.SEP_1, reason);
        listing[token] = Listing.Listed;
        uint256 fee = _fees.listingFee;
        if (fee > 0) _payFee(0, market.issuerOf(token), market.issuerOf(token), fee, "listing");
        emit ListingAccepted(token);
    }

    function refuseListing(address token, string calldata ruleId, string calldata reason)
        external
        onlyRole(OPERATOR_ROLE)
    {
        if (listing[token] != Listing.Requested) revert ListingNotRequested(token);
        listing[token] = Listing.Refused;
        emit ListingRefused(token, ruleId, reason);
    }

    function delist(address token) external onlyRole(OPERATOR_ROLE) {
        listing[token] = Listing.Delisted;
        emit Delisted(token);
    }

    // ---- settlement ----

    /// @notice Settle a batch of matched trades; each trade settles (or is accepted for deferred
    /// settlement due at `due`) or fails on its own, with the rule that refused it.
    function settleBatch(Trade[] calldata trades, uint64 due) external onlyRole(OPERATOR_ROLE) {
        for (uint256 i = 0; i < trades.length; i++) {
            try this.executeTrade(trades[i], due) {}
            catch (bytes memory err) {
                _fail(trades[i].tradeId, err);
            }
        }
    }

    /// @dev External so that a failing trade reverts alone; callable only by this venue.
    function executeTrade(Trade calldata t, uint64 due) external {
        if (msg.sender != address(this)) revert OnlySelf();
        _checkTrade(t);
        if (settlementDays == 0) {
            _deliver(t);
        } else {
            if (_pending[t.tradeId].open) revert DuplicateTrade(t.tradeId);
            _pending[t.tradeId] = PendingTrade(t, due, true);
            emit TradeAccepted(t.tradeId, t.token, due);
        }
    }

    /// @notice KSD finalizes deferred trades on their due date (KR-SET-1); each settles or fails
    /// on its own. Submitting a trade before its due date refuses the whole call.
    function finalize(uint256[] calldata tradeIds) external onlyRole(SETTLEMENT_AGENT_ROLE) {
        for (uint256 i = 0; i < tradeIds.length; i++) {
            PendingTrade storage p = _pending[tradeIds[i]];
            if (!p.open) revert UnknownPendingTrade(tradeIds[i]);
            if (block.timestamp < p.due) revert RuleViolation(RuleIds.SET_1, "not-due");
        }
        for (uint256 i = 0; i < tradeIds.length; i++) {
            uint256 id = tradeIds[i];
            _pending[id].open = false;
            try this.deliverPending(id) {}
            catch (bytes memory err) {
                _fail(id, err);
            }
        }
    }

    /// @dev External so that a failing delivery reverts alone; callable only by this venue.
    function deliverPending(uint256 tradeId) external {
        if (msg.sender != address(this)) revert OnlySelf();
        Trade memory t = _pending[tradeId].trade;
        _checkTrade(t);
        _deliver(t);
    }

    function pendingTrade(uint256 tradeId) external view returns (PendingTrade memory) {
        return _pending[tradeId];
    }

    function _checkTrade(Trade memory t) private view {
        if (listing[t.token] != Listing.Listed) revert RuleViolation(RuleIds.SEP_1, "token-not-listed");
        (bool separated, string memory reason) = market.separationCheck(operator, t.token);
        if (!separated) revert RuleViolation(RuleIds.SEP_1, reason);
        if (market.isEnabled(RuleIds.MKT_1)) {
            if (t.buyer == t.seller) revert RuleViolation(RuleIds.MKT_1, "self-trade");
            if (market.related(operator, t.buyer) || market.related(operator, t.seller)) {
                revert RuleViolation(RuleIds.MKT_1, "operator-own-account");
            }
        }
        if (professionalOnly && market.isEnabled(RuleIds.INV_4)) {
            if (investors.classOf(t.buyer) != InvestorRegistry.InvestorClass.Professional) {
                revert RuleViolation(RuleIds.INV_4, "buyer-not-professional");
            }
            if (investors.classOf(t.seller) != InvestorRegistry.InvestorClass.Professional) {
                revert RuleViolation(RuleIds.INV_4, "seller-not-professional");
            }
        }
        uint256 value = t.quantity * t.price;
        if (cash.balanceOf(t.buyer) < value + feeFor(value, t.buyerIsMaker)) {
            revert RuleViolation(RuleIds.MKT_2, "insufficient-cash");
        }
        if (SecurityToken(t.token).balanceOf(t.seller) < t.quantity) {
            revert RuleViolation(RuleIds.MKT_2, "insufficient-tokens");
        }
    }

    /// @dev Both legs and the fees move in one call, or nothing does (KR-SET-3).
    function _deliver(Trade memory t) private {
        uint256 value = t.quantity * t.price;
        uint256 buyerFee = feeFor(value, t.buyerIsMaker);
        uint256 sellerFee = feeFor(value, !t.buyerIsMaker);
        if (sellerFee > value) revert RuleViolation(RuleIds.SET_3, "fee-exceeds-proceeds");
        if (cash.allowance(t.buyer, address(this)) < value + buyerFee) {
            revert RuleViolation(RuleIds.MKT_2, "cash-not-committed");
        }
        SecurityToken(t.token).venueTransfer(t.seller, t.buyer, t.quantity, value);
        _safeCashTransfer(t.buyer, t.seller, value - sellerFee);
        if (buyerFee > 0) _payFee(t.tradeId, t.buyer, t.buyer, buyerFee, t.buyerIsMaker ? "maker" : "taker");
        if (sellerFee > 0) _payFee(t.tradeId, t.seller, t.buyer, sellerFee, t.buyerIsMaker ? "taker" : "maker");
        emit TradeSettled(t.tradeId, t.token, t.buyer, t.seller, t.quantity, t.price);
    }

    /// @dev Split one fee between the venue and the registrar; `source` is whose cash moves
    /// (the seller's fee is withheld from the buyer's payment), `payer` who bears it.
    function _payFee(uint256 tradeId, address payer, address source, uint256 fee, string memory kind) private {
        uint256 venuePart = fee * _fees.venueShareBps / 10_000;
        uint256 registrarPart = fee - venuePart;
        if (venuePart > 0) {
            _safeCashTransfer(source, feeAccount, venuePart);
            emit FeeCharged(tradeId, payer, feeAccount, venuePart, kind);
        }
        if (registrarPart > 0) {
            _safeCashTransfer(source, registrarFeeAccount, registrarPart);
            emit FeeCharged(tradeId, payer, registrarFeeAccount, registrarPart, kind);
        }
    }

    function _safeCashTransfer(address from, address to, uint256 amount) private {
        if (!cash.transferFrom(from, to, amount)) revert RuleViolation(RuleIds.SET_3, "cash-leg-failed");
    }

    function _fail(uint256 tradeId, bytes memory err) private {
        (string memory ruleId, string memory reason) = _decodeRuleViolation(err);
        emit TradeFailed(tradeId, ruleId, reason, err);
    }

    /// @dev The rule ID and reason of a RuleViolation revert; ("", "") for any other error.
    function _decodeRuleViolation(bytes memory err) private pure returns (string memory, string memory) {
        if (err.length < 4 || bytes4(err) != RuleViolation.selector) return ("", "");
        bytes memory body = new bytes(err.length - 4);
        for (uint256 i = 0; i < body.length; i++) {
            body[i] = err[i + 4];
        }
        return abi.decode(body, (string, string));
    }
}
