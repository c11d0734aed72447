// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

/// @title VenueListings
/// @notice A venue's listings: the issuer requests, the operator accepts (under KR-SEP-1) or
/// refuses, and may delist. States only move forward: a listed token cannot be sent back to
/// "requested", which would halt its trading.
abstract contract VenueListings is AccessControl {
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    enum Listing {
        None,
        Requested,
        Listed,
        Refused,
        Delisted
    }

    MarketRegistry public immutable market;
    address public immutable operator;
    mapping(address token => Listing) public listing;

    event ListingRequested(address indexed token, address indexed issuer);
    event ListingAccepted(address indexed token);
    event ListingRefused(address indexed token, string ruleId, string reason);
    event Delisted(address indexed token);

    error NotIssuer(address caller, address token);
    error ListingNotRequested(address token);
    error ListingStateInvalid(address token, Listing current);

    constructor(MarketRegistry market_, address operator_) {
        market = market_;
        operator = operator_;
    }

    /// @dev Charge the issuer's listing fee on acceptance.
    function _chargeListingFee(address issuer) internal virtual;

    /// @notice The issuer asks this venue to list its token: a first request, or again after
    /// a refusal or a delisting; never while a request is open or the token is listed.
    function requestListing(address token) external {
        if (msg.sender != market.issuerOf(token)) revert NotIssuer(msg.sender, token);
        Listing current = listing[token];
        if (current == Listing.Requested || current == Listing.Listed) revert ListingStateInvalid(token, current);
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
        _chargeListingFee(market.issuerOf(token));
        emit ListingAccepted(token);
    }

    /// @notice Refuse a requested listing, naming the rule and reason.
    function refuseListing(address token, string calldata ruleId, string calldata reason)
        external
        onlyRole(OPERATOR_ROLE)
    {
        if (listing[token] != Listing.Requested) revert ListingNotRequested(token);
        listing[token] = Listing.Refused;
        emit ListingRefused(token, ruleId, reason);
    }

    /// @notice Stop trading a listed token.
    function delist(address token) external onlyRole(OPERATOR_ROLE) {
        if (listing[token] != Listing.Listed) revert ListingStateInvalid(token, listing[token]);
        listing[token] = Listing.Delisted;
        emit Delisted(token);
    }
}
