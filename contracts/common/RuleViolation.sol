// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Every refusal under a rule of kr-sto-rules.md reverts with this error, so that
/// off-chain code can name the rule (e.g. "KR-SEP-1") and the reason code that refused.
error RuleViolation(string ruleId, string reason);

/// @notice The outcome of a compliance check: allowed, or refused with rule ID and reason.
struct Decision {
    bool allowed;
    string ruleId;
    string reason;
}
