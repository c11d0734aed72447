// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Decision, RuleViolation} from "../common/RuleViolation.sol";
import {IComplianceRule} from "./IComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

/// @notice Shared plumbing of compliance modules: the market they serve, the admin who sets
/// their parameters, the check under the rules in force, and the guard on state updates.
abstract contract ComplianceRule is IComplianceRule, AccessControl {
    MarketRegistry public immutable market;

    error NotARegisteredToken(address caller);

    constructor(MarketRegistry market_, address admin) {
        market = market_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Only a registered token may record its own balance changes.
    function _requireRegisteredToken(address token) internal view {
        if (token != msg.sender || !market.isRegisteredIssue(msg.sender)) revert NotARegisteredToken(msg.sender);
    }

    function ruleId() public pure virtual returns (bytes32);

    /// @inheritdoc IComplianceRule
    function check(address token, address from, address to, uint256 amount, uint256 value)
        external
        view
        returns (Decision memory)
    {
        string memory reason = _refusal(token, from, to, amount, value, market.disabledRules());
        if (bytes(reason).length == 0) return Decision(true, bytes32(0), "");
        return Decision(false, ruleId(), reason);
    }

    /// @inheritdoc IComplianceRule
    /// @dev A rule that keeps no state only checks; one that does overrides this.
    function enforce(address token, address from, address to, uint256 amount, uint256 value, uint256 disabledRules)
        external
        virtual
    {
        string memory reason = _refusal(token, from, to, amount, value, disabledRules);
        if (bytes(reason).length != 0) revert RuleViolation(ruleId(), reason);
    }

    /// @dev The reason this rule refuses the balance change, "" if it allows it or is switched
    /// off in `disabledRules`.
    function _refusal(address token, address from, address to, uint256 amount, uint256 value, uint256 disabledRules)
        internal
        view
        virtual
        returns (string memory);
}
