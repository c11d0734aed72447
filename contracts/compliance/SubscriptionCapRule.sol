// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Decision} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {ComplianceRule} from "./ComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

/// @title SubscriptionCapRule (KR-INV-3)
/// @notice In the primary offering (mints), no investor subscribes more than
/// min(capBps of the offering, capKrw). The issuer's retained share is not a subscription.
contract SubscriptionCapRule is ComplianceRule {
    uint256 public capBps;
    uint256 public capKrw;
    mapping(address token => mapping(address investor => uint256 krw)) public subscribed;

    event CapSet(uint256 capBps, uint256 capKrw);

    constructor(MarketRegistry market_, address admin, uint256 capBps_, uint256 capKrw_)
        ComplianceRule(market_, admin)
    {
        capBps = capBps_;
        capKrw = capKrw_;
    }

    function ruleId() external pure returns (string memory) {
        return RuleIds.INV_3;
    }

    function setCap(uint256 capBps_, uint256 capKrw_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        capBps = capBps_;
        capKrw = capKrw_;
        emit CapSet(capBps_, capKrw_);
    }

    /// @notice The cap in KRW for one investor in this token's offering.
    function capFor(address token) public view returns (uint256) {
        MarketRegistry.Issue memory issue = market.issueOf(token);
        return Math.min(issue.totalQuantity * issue.offeringPrice * capBps / 10_000, capKrw);
    }

    function check(address token, address from, address to, uint256, uint256 value)
        external
        view
        returns (Decision memory)
    {
        if (from != address(0) || to == address(0) || !_enabled()) return _allow();
        MarketRegistry.Issue memory issue = market.issueOf(token);
        // the issuer's retained share, and an underwriter taking up unsold units under a firm
        // commitment, are no investor's subscription
        if (to == issue.issuer || to == issue.underwriter) return _allow();
        if (subscribed[token][to] + value > capFor(token)) return _refuse("subscription-cap-exceeded");
        return _allow();
    }

    function transferred(address token, address from, address to, uint256, uint256 value)
        external
        onlyRegisteredToken(token)
    {
        if (from == address(0) && to != address(0)) subscribed[token][to] += value;
    }
}
