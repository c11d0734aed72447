// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Decision} from "../common/RuleViolation.sol";
import {IComplianceRule} from "./IComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

/// @notice Shared plumbing of compliance modules: the market they serve, the admin who sets
/// their parameters, the "allowed" decision, and the guard on state updates.
abstract contract ComplianceRule is IComplianceRule, AccessControl {
    MarketRegistry public immutable market;

    error NotARegisteredToken(address caller);

    constructor(MarketRegistry market_, address admin) {
        market = market_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Only a registered token may record its own balance changes.
    modifier onlyRegisteredToken(address token) {
        if (token != msg.sender || !market.isRegisteredIssue(msg.sender)) revert NotARegisteredToken(msg.sender);
        _;
    }

    function _enabled() internal view returns (bool) {
        return market.isEnabled(this.ruleId());
    }

    function _allow() internal pure returns (Decision memory) {
        return Decision(true, "", "");
    }

    function _refuse(string memory reason) internal view returns (Decision memory) {
        return Decision(false, this.ruleId(), reason);
    }
}
