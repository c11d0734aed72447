// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Decision} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";

/// @title InvestorRegistry
/// @notice Who is a verified (KYC) investor, of which class, until when, and who is frozen
/// (KR-INV-1). Identity is kept apart from compliance: rules read this registry.
contract InvestorRegistry is AccessControl {
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");

    enum InvestorClass {
        None,
        General,
        IncomeQualified,
        Professional
    }

    struct Investor {
        InvestorClass class;
        uint64 kycExpiry; // unix time
        bool frozen;
    }

    mapping(address account => Investor) private _investors;
    mapping(address account => address key) public orderKey; // signs the account's orders

    event OrderKeySet(address indexed account, address indexed key);

    error ZeroAddress(string field);

    event InvestorVerified(address indexed account, InvestorClass class, uint64 kycExpiry);
    event InvestorRevoked(address indexed account);
    event InvestorFrozen(address indexed account, bool frozen);

    constructor(address admin, address verifier) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(VERIFIER_ROLE, verifier);
    }

    /// @notice Record a verified investor of a class, verified until `kycExpiry`.
    function verify(address account, InvestorClass class, uint64 kycExpiry) external onlyRole(VERIFIER_ROLE) {
        if (account == address(0)) revert ZeroAddress("account");
        require(class != InvestorClass.None, "class");
        _investors[account].class = class;
        _investors[account].kycExpiry = kycExpiry;
        emit InvestorVerified(account, class, kycExpiry);
    }

    /// @notice Withdraw a verification.
    function revoke(address account) external onlyRole(VERIFIER_ROLE) {
        delete _investors[account];
        emit InvestorRevoked(account);
    }

    /// @notice Freeze or unfreeze an investor: a frozen investor can neither send nor receive.
    function setFrozen(address account, bool frozen) external onlyRole(VERIFIER_ROLE) {
        _investors[account].frozen = frozen;
        emit InvestorFrozen(account, frozen);
    }

    /// @notice The caller names the key that signs its orders (EIP-712, see SignedOrders);
    /// the zero address withdraws it, leaving only orders the account signs itself.
    function setOrderKey(address key) external {
        orderKey[msg.sender] = key;
        emit OrderKeySet(msg.sender, key);
    }

    function investor(address account) external view returns (Investor memory) {
        return _investors[account];
    }

    function classOf(address account) external view returns (InvestorClass) {
        return _investors[account].class;
    }

    /// @notice KR-INV-1: may `account` hold and receive tokens now?
    function eligibility(address account) public view returns (Decision memory) {
        Investor storage inv = _investors[account];
        if (inv.class == InvestorClass.None) return Decision(false, RuleIds.INV_1, "investor-not-verified");
        if (inv.kycExpiry < block.timestamp) return Decision(false, RuleIds.INV_1, "kyc-expired");
        if (inv.frozen) return Decision(false, RuleIds.INV_1, "investor-frozen");
        return Decision(true, "", "");
    }
}
