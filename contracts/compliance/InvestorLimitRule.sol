// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {KoreanCalendar} from "../common/KoreanCalendar.sol";
import {ComplianceRule} from "./ComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";
import {InvestorRegistry} from "../market/InvestorRegistry.sol";

/// @title InvestorLimitRule (KR-INV-2)
/// @notice Annual investment limits per investor class: per issuer and in total, counted in KRW
/// of acquisitions in the Korean calendar year. Professionals are unlimited by default.
contract InvestorLimitRule is ComplianceRule {
    struct Limits {
        uint256 perIssuer;
        uint256 annual;
    }

    InvestorRegistry public immutable investors;
    mapping(InvestorRegistry.InvestorClass class => Limits) private _limits;
    mapping(address investor => mapping(uint256 year => uint256 krw)) public investedInYear;
    mapping(address investor => mapping(address issuer => mapping(uint256 year => uint256 krw))) public
        investedWithIssuer;

    event LimitsSet(InvestorRegistry.InvestorClass class, uint256 perIssuer, uint256 annual);

    constructor(MarketRegistry market_, InvestorRegistry investors_, address admin) ComplianceRule(market_, admin) {
        investors = investors_;
        _limits[InvestorRegistry.InvestorClass.Professional] = Limits(type(uint256).max, type(uint256).max);
    }

    function ruleId() public pure override returns (bytes32) {
        return RuleIds.INV_2;
    }

    /// @notice Set a class's limits in KRW (type(uint256).max = unlimited).
    function setLimits(InvestorRegistry.InvestorClass class, uint256 perIssuer, uint256 annual)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _limits[class] = Limits(perIssuer, annual);
        emit LimitsSet(class, perIssuer, annual);
    }

    function limits(InvestorRegistry.InvestorClass class) external view returns (Limits memory) {
        return _limits[class];
    }

    /// @notice Check an acquisition against the limits and count it, in one call from the
    /// token: every executed acquisition counts, also while KR-INV-2 is switched off.
    function enforce(address token, address, address to, uint256, uint256 value, uint256 disabledRules)
        external
        override
    {
        if (to == address(0) || value == 0) return;
        _requireRegisteredToken(token);
        uint256 year = KoreanCalendar.yearOf(block.timestamp);
        address issuer = market.issuerOf(token);
        uint256 inYear = investedInYear[to][year] + value;
        uint256 withIssuer = investedWithIssuer[to][issuer][year] + value;
        if (RuleIds.inForce(disabledRules, RuleIds.INV_2_BIT)) {
            string memory reason = _overLimit(to, inYear, withIssuer);
            if (bytes(reason).length != 0) revert RuleViolation(RuleIds.INV_2, reason);
        }
        investedInYear[to][year] = inYear;
        investedWithIssuer[to][issuer][year] = withIssuer;
    }

    function _refusal(address token, address, address to, uint256, uint256 value, uint256 disabledRules)
        internal
        view
        override
        returns (string memory)
    {
        if (to == address(0) || value == 0 || !RuleIds.inForce(disabledRules, RuleIds.INV_2_BIT)) return "";
        uint256 year = KoreanCalendar.yearOf(block.timestamp);
        return _overLimit(
            to, investedInYear[to][year] + value, investedWithIssuer[to][market.issuerOf(token)][year] + value
        );
    }

    /// @dev KR-INV-2: the reason totals of `investor` after an acquisition pass its limits, or "".
    function _overLimit(address investor, uint256 inYear, uint256 withIssuer) private view returns (string memory) {
        Limits storage lim = _limits[investors.classOf(investor)];
        if (inYear > lim.annual) return "annual-limit-exceeded";
        if (withIssuer > lim.perIssuer) return "issuer-limit-exceeded";
        return "";
    }
}
