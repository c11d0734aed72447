// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Every refusal under a rule of kr-sto-rules.md reverts with this error, so that
/// off-chain code can name the rule and the reason code that refused. The rule ID is a RuleIds
/// constant: its text ("KR-SEP-1") left-aligned in a bytes32.
error RuleViolation(bytes32 ruleId, string reason);

/// @notice The outcome of a compliance check: allowed, or refused with rule ID and reason.
struct Decision {
    bool allowed;
    bytes32 ruleId;
    string reason;
}
