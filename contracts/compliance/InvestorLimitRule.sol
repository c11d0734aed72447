// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Decision} from "../common/RuleViolation.sol";
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

    function ruleId() external pure returns (string memory) {
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

    function check(address token, address, address to, uint256, uint256 value)
        external
        view
        returns (Decision memory)
    {
        if (to == address(0) || value == 0 || !_enabled()) return _allow();
        Limits storage lim = _limits[investors.classOf(to)];
        uint256 year = KoreanCalendar.yearOf(block.timestamp);
        if (investedInYear[to][year] + value > lim.annual) return _refuse("annual-limit-exceeded");
        address issuer = market.issuerOf(token);
        if (investedWithIssuer[to][issuer][year] + value > lim.perIssuer) return _refuse("issuer-limit-exceeded");
        return _allow();
    }

    function transferred(address token, address, address to, uint256, uint256 value) external onlyRegisteredToken(token) {
        if (to == address(0) || value == 0) return;
        uint256 year = KoreanCalendar.yearOf(block.timestamp);
        investedInYear[to][year] += value;
        investedWithIssuer[to][market.issuerOf(token)][year] += value;
    }
}
