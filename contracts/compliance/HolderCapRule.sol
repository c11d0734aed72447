// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {ComplianceRule} from "./ComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";

interface IHolderCount {
    function holderCount() external view returns (uint256);
}

/// @title HolderCapRule (STO-HOLDERCAP)
/// @notice A token may have at most `maxHolders` holders (0 = no cap), e.g. to stay a private
/// placement; a transfer that would add a holder beyond the cap is refused. Keeps no state of
/// its own: the token counts its holders.
contract HolderCapRule is ComplianceRule {
    mapping(address token => uint256 cap) public maxHolders;

    event HolderCapSet(address indexed token, uint256 maxHolders);

    constructor(MarketRegistry market_, address admin) ComplianceRule(market_, admin) {}

    function ruleId() public pure override returns (bytes32) {
        return RuleIds.HOLDER_CAP;
    }

    function setMaxHolders(address token, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        maxHolders[token] = cap;
        emit HolderCapSet(token, cap);
    }

    function _refusal(address token, address, address to, uint256 amount, uint256, uint256 disabledRules)
        internal
        view
        override
        returns (string memory)
    {
        uint256 cap = maxHolders[token];
        if (cap == 0 || to == address(0) || amount == 0 || !RuleIds.inForce(disabledRules, RuleIds.HOLDER_CAP_BIT)) {
            return "";
        }
        if (IERC20(token).balanceOf(to) == 0 && IHolderCount(token).holderCount() >= cap) {
            return "holder-cap-reached";
        }
        return "";
    }
}
