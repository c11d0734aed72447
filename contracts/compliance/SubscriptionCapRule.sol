// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
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

    function ruleId() public pure override returns (bytes32) {
        return RuleIds.INV_3;
    }

    function setCap(uint256 capBps_, uint256 capKrw_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        capBps = capBps_;
        capKrw = capKrw_;
        emit CapSet(capBps_, capKrw_);
    }

    /// @notice The cap in KRW for one investor in this token's offering.
    function capFor(address token) external view returns (uint256) {
        return _capFor(market.issueOf(token));
    }

    /// @notice Check a subscription (a mint) against the cap and count it, in one call from the
    /// token; other balance changes are neither checked nor counted.
    function enforce(address token, address from, address to, uint256 amount, uint256 value, uint256 disabledRules)
        external
        override
    {
        if (from != address(0) || to == address(0)) return;
        _requireRegisteredToken(token);
        string memory reason = _refusal(token, from, to, amount, value, disabledRules);
        if (bytes(reason).length != 0) revert RuleViolation(RuleIds.INV_3, reason);
        subscribed[token][to] += value;
    }

    function _refusal(address token, address from, address to, uint256, uint256 value, uint256 disabledRules)
        internal
        view
        override
        returns (string memory)
    {
        if (from != address(0) || to == address(0) || !RuleIds.inForce(disabledRules, RuleIds.INV_3_BIT)) return "";
        MarketRegistry.Issue memory issue = market.issueOf(token);
        // the issuer's retained share, and an underwriter taking up unsold units under a firm
        // commitment, are no investor's subscription
        if (to == issue.issuer || to == issue.underwriter) return "";
        if (subscribed[token][to] + value > _capFor(issue)) return "subscription-cap-exceeded";
        return "";
    }

    function _capFor(MarketRegistry.Issue memory issue) private view returns (uint256) {
        return Math.min(issue.totalQuantity * issue.offeringPrice * capBps / 10_000, capKrw);
    }
}
