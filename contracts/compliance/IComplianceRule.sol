// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Decision} from "../common/RuleViolation.sol";

/// @notice One compliance rule behind one interface: a pure check before a balance change and
/// an update after it. A token runs every rule in its rule set on every balance change.
interface IComplianceRule {
    /// @notice The rule ID this module enforces, e.g. "KR-INV-2".
    function ruleId() external view returns (string memory);

    /// @notice May `amount` tokens worth `value` KRW move from `from` to `to`? (0 = mint/burn)
    function check(address token, address from, address to, uint256 amount, uint256 value)
        external
        view
        returns (Decision memory);

    /// @notice Record a balance change that went through; callable only by registered tokens.
    function transferred(address token, address from, address to, uint256 amount, uint256 value) external;
}
