// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Decision} from "../common/RuleViolation.sol";

/// @notice One compliance rule behind one interface: a pure check of a balance change, and the
/// one call a token makes per balance change, which checks and records it together.
interface IComplianceRule {
    /// @notice The rule ID this module enforces (a RuleIds constant, e.g. "KR-INV-2").
    function ruleId() external view returns (bytes32);

    /// @notice May `amount` tokens worth `value` KRW move from `from` to `to`? (0 = mint/burn)
    function check(address token, address from, address to, uint256 amount, uint256 value)
        external
        view
        returns (Decision memory);

    /// @notice A token's one call per balance change, before it: reverts with RuleViolation if
    /// the rule refuses it, else records it if the rule keeps state (then registered tokens
    /// only). `disabledRules` is MarketRegistry.disabledRules, read once by the token.
    function enforce(address token, address from, address to, uint256 amount, uint256 value, uint256 disabledRules)
        external;
}
