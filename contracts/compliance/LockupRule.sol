// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RuleIds} from "../common/RuleIds.sol";
import {ComplianceRule} from "./ComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

/// @title LockupRule (STO-LOCKUP)
/// @notice No holder may move a token before its lock-up ends (issuance is not affected).
contract LockupRule is ComplianceRule {
    mapping(address token => uint256 until) public lockupEnd;

    event LockupSet(address indexed token, uint256 until);

    constructor(MarketRegistry market_, address admin) ComplianceRule(market_, admin) {}

    function ruleId() public pure override returns (bytes32) {
        return RuleIds.LOCKUP;
    }

    function setLockup(address token, uint256 until) external onlyRole(DEFAULT_ADMIN_ROLE) {
        lockupEnd[token] = until;
        emit LockupSet(token, until);
    }

    function _refusal(address token, address from, address, uint256, uint256, uint256 disabledRules)
        internal
        view
        override
        returns (string memory)
    {
        if (from == address(0) || block.timestamp >= lockupEnd[token]) return "";
        if (!RuleIds.inForce(disabledRules, RuleIds.LOCKUP_BIT)) return "";
        return "locked-up";
    }
}
