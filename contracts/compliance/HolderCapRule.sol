// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Decision} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {ComplianceRule} from "./ComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

interface IHolderCount {
    function holderCount() external view returns (uint256);
}

/// @title HolderCapRule (STO-HOLDERCAP)
/// @notice A token may have at most `maxHolders` holders (0 = no cap), e.g. to stay a private
/// placement; a transfer that would add a holder beyond the cap is refused.
contract HolderCapRule is ComplianceRule {
    mapping(address token => uint256 cap) public maxHolders;

    event HolderCapSet(address indexed token, uint256 maxHolders);

    constructor(MarketRegistry market_, address admin) ComplianceRule(market_, admin) {}

    function ruleId() external pure returns (string memory) {
        return RuleIds.HOLDER_CAP;
    }

    function setMaxHolders(address token, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        maxHolders[token] = cap;
        emit HolderCapSet(token, cap);
    }

    function check(address token, address, address to, uint256 amount, uint256) external view returns (Decision memory) {
        uint256 cap = maxHolders[token];
        if (cap == 0 || to == address(0) || amount == 0 || !_enabled()) return _allow();
        if (IERC20(token).balanceOf(to) == 0 && IHolderCount(token).holderCount() >= cap) {
            return _refuse("holder-cap-reached");
        }
        return _allow();
    }

    function transferred(address token, address, address, uint256, uint256) external view onlyRegisteredToken(token) {}
}
