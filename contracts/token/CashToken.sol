// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title CashToken
/// @notice A KRW deposit token: whole won (0 decimals), minted against deposits and burned on
/// withdrawal by the settlement bank. It is the cash leg of every DvP trade (KR-SET-3).
contract CashToken is ERC20, AccessControl {
    bytes32 public constant BANK_ROLE = keccak256("BANK_ROLE");

    constructor(address bank) ERC20("Korean Won deposit token", "KRWD") {
        _grantRole(DEFAULT_ADMIN_ROLE, bank);
        _grantRole(BANK_ROLE, bank);
    }

    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @notice Credit a deposit of `amount` won to `to`.
    function mint(address to, uint256 amount) external onlyRole(BANK_ROLE) {
        _mint(to, amount);
    }

    /// @notice Pay out a withdrawal of `amount` won from `from`.
    function burn(address from, uint256 amount) external onlyRole(BANK_ROLE) {
        _burn(from, amount);
    }
}
