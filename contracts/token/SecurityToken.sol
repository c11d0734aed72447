// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {RuleViolation, Decision} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {IComplianceRule} from "../compliance/IComplianceRule.sol";
import {MarketRegistry} from "../market/MarketRegistry.sol";
import {InvestorRegistry} from "../market/InvestorRegistry.sol";

/// @title SecurityToken
/// @notice One token per registered issue, ERC-20 compatible with whole units (0 decimals).
/// Every balance change passes the holder checks (KR-INV-1, freezes, KR-ISS-2, KR-DIS-1) and the
/// token's compliance rules; minting is the account manager's alone and never passes the
/// registered quantity (KR-SET-2); the registrar (KSD) can pause, freeze and force transfers.
contract SecurityToken is ERC20, AccessControl, Pausable {
    using TransientSlot for *;

    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    // The balance change in progress, in transient storage (EIP-1153): its KRW value when a
    // venue or the offering knows it, and whether the registrar forces it.
    bytes32 private constant PENDING_VALUE = keccak256("stosim.SecurityToken.pendingValue");
    bytes32 private constant VALUE_KNOWN = keccak256("stosim.SecurityToken.valueKnown");
    bytes32 private constant FORCING = keccak256("stosim.SecurityToken.forcing");

    MarketRegistry public immutable market;
    InvestorRegistry public immutable investors;

    IComplianceRule[] private _rules;
    mapping(address account => bool) public addressFrozen;
    mapping(address account => uint256) public frozenAmount;
    mapping(address account => bool) public disclosed;
    uint256 public retainedLocked; // the issuer's locked share (KR-ISS-2)
    uint256 public referencePrice; // KRW per token: offering price, then last venue price
    uint256 public holderCount;

    event RulesSet(IComplianceRule[] rules);
    event AddressFrozen(address indexed account, bool frozen);
    event AmountFrozen(address indexed account, uint256 amount);
    event Disclosed(address indexed holder, bool disclosed);
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount, string reason, address registrar);
    event RetainedReleased(uint256 amount);

    error NotAVenue(address caller);
    error VenueTransferZero(uint256 amount, uint256 value);

    constructor(
        string memory name_,
        string memory symbol_,
        MarketRegistry market_,
        InvestorRegistry investors_,
        address registrar
    ) ERC20(name_, symbol_) {
        market = market_;
        investors = investors_;
        _grantRole(DEFAULT_ADMIN_ROLE, registrar);
        _grantRole(REGISTRAR_ROLE, registrar);
    }

    function decimals() public pure override returns (uint8) {
        return 0;
    }

    function issuer() public view returns (address) {
        return market.issuerOf(address(this));
    }

    function rules() external view returns (IComplianceRule[] memory) {
        return _rules;
    }

    // ---- issuance ----

    /// @notice Mint part of the registered issue to `to`; only the issue's account manager
    /// (KR-LIC-2), within the registered quantity (KR-SET-2) and the offering tier (KR-ISS-1);
    /// the issuer's retained share (KR-ISS-2) is allocated first and stays locked.
    function mint(address to, uint256 amount) external {
        MarketRegistry.Issue memory issue = market.issueOf(address(this));
        if (!issue.registered) revert RuleViolation(RuleIds.SET_2, "issue-not-registered");
        if (msg.sender != issue.accountManager) revert RuleViolation(RuleIds.LIC_2, "caller-not-account-manager");
        (bool licensed, string memory whyNot) = market.mintCheck(address(this));
        if (!licensed) revert RuleViolation(RuleIds.LIC_2, whyNot); // a revoked licence stops minting
        uint256 disabled = market.disabledRules();
        if (RuleIds.inForce(disabled, RuleIds.SET_2_BIT) && totalSupply() + amount > issue.totalQuantity) {
            revert RuleViolation(RuleIds.SET_2, "exceeds-registered-quantity");
        }
        (bool offeringOk, string memory why) = market.offeringCheck(address(this));
        if (!offeringOk) revert RuleViolation(RuleIds.ISS_1, why);
        if (RuleIds.inForce(disabled, RuleIds.ISS_2_BIT)) {
            uint256 required = issue.totalQuantity * market.params().retainedShareBps / 10_000;
            if (to == issue.issuer) {
                uint256 missing = required > retainedLocked ? required - retainedLocked : 0;
                retainedLocked += amount < missing ? amount : missing;
            } else if (retainedLocked < required) {
                revert RuleViolation(RuleIds.ISS_2, "retained-share-first");
            }
        }
        if (referencePrice == 0) referencePrice = issue.offeringPrice;
        _withValue(amount * issue.offeringPrice);
        _mint(to, amount);
    }

    // ---- trading ----

    /// @notice A registered venue moves tokens for a settled trade worth `value` KRW; the venue
    /// has checked both holders' signed orders (SignedOrders). A real trade only: the reference
    /// price moves with it, so neither a zero quantity nor a zero value is a trade.
    function venueTransfer(address from, address to, uint256 amount, uint256 value) external {
        if (!market.isVenue(msg.sender)) revert NotAVenue(msg.sender);
        if (amount == 0 || value == 0) revert VenueTransferZero(amount, value);
        referencePrice = value / amount;
        _withValue(value);
        _transfer(from, to, amount);
    }

    // ---- registrar powers (KR-LED-2) ----

    /// @notice Move tokens under a court order or key loss, recorded with its reason. The
    /// receiver must still be a verified investor (KR-INV-1); frozen and locked amounts may move.
    function forcedTransfer(address from, address to, uint256 amount, string calldata reason) external {
        if (!hasRole(REGISTRAR_ROLE, msg.sender)) revert RuleViolation(RuleIds.LED_2, "not-registrar");
        uint256 balance = balanceOf(from);
        uint256 free = balance - _lockedOf(from, balance);
        if (amount > free) {
            uint256 fromLocked = amount - free;
            uint256 fromFrozen = fromLocked < frozenAmount[from] ? fromLocked : frozenAmount[from];
            frozenAmount[from] -= fromFrozen;
            if (from == issuer()) retainedLocked -= fromLocked - fromFrozen;
        }
        FORCING.asBoolean().tstore(true); // read and cleared by _update before any external call
        _transfer(from, to, amount);
        emit ForcedTransfer(from, to, amount, reason, msg.sender);
    }

    function setAddressFrozen(address account, bool frozen) external onlyRole(REGISTRAR_ROLE) {
        addressFrozen[account] = frozen;
        emit AddressFrozen(account, frozen);
    }

    /// @notice Freeze `amount` of an account's tokens (0 unfreezes): they cannot leave it.
    function freezeAmount(address account, uint256 amount) external onlyRole(REGISTRAR_ROLE) {
        frozenAmount[account] = amount;
        emit AmountFrozen(account, amount);
    }

    /// @notice Record that a large holder filed its sale disclosure (KR-DIS-1).
    function setDisclosed(address holder, bool filed) external onlyRole(REGISTRAR_ROLE) {
        disclosed[holder] = filed;
        emit Disclosed(holder, filed);
    }

    /// @notice Release the issuer's retained share at liquidation (KR-ISS-2).
    function releaseRetained() external onlyRole(REGISTRAR_ROLE) {
        emit RetainedReleased(retainedLocked);
        retainedLocked = 0;
    }

    function setRules(IComplianceRule[] calldata newRules) external onlyRole(REGISTRAR_ROLE) {
        _rules = newRules;
        emit RulesSet(newRules);
    }

    function pause() external onlyRole(REGISTRAR_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(REGISTRAR_ROLE) {
        _unpause();
    }

    /// @notice Tokens of `account` that cannot leave it by its own transfer.
    function lockedBalance(address account) external view returns (uint256) {
        return _lockedOf(account, balanceOf(account));
    }

    // ---- the single hook every balance change passes ----

    function _update(address from, address to, uint256 amount) internal override {
        _requireNotPaused();
        uint256 value = VALUE_KNOWN.asBoolean().tload() ? PENDING_VALUE.asUint256().tload() : amount * referencePrice;
        VALUE_KNOWN.asBoolean().tstore(false);
        bool forcing = FORCING.asBoolean().tload();
        FORCING.asBoolean().tstore(false);
        uint256 disabled = market.disabledRules(); // every rule switch, read once per transfer
        if (to != address(0) && RuleIds.inForce(disabled, RuleIds.INV_1_BIT)) {
            Decision memory d = investors.eligibility(to);
            if (!d.allowed) revert RuleViolation(d.ruleId, d.reason);
        }
        if (from != address(0) && !forcing) _checkSender(from, amount, disabled);
        if (to != address(0) && !forcing && addressFrozen[to]) revert RuleViolation(RuleIds.LED_2, "receiver-frozen");
        if (!forcing) {
            // one call per rule: it refuses (reverting everything) or records the change
            uint256 ruleCount = _rules.length;
            for (uint256 i = 0; i < ruleCount; i++) {
                _rules[i].enforce(address(this), from, to, amount, value, disabled);
            }
        }
        _countHolders(from, to, amount);
        super._update(from, to, amount);
    }

    function _checkSender(address from, uint256 amount, uint256 disabled) private view {
        if (RuleIds.inForce(disabled, RuleIds.INV_1_BIT) && investors.investor(from).frozen) {
            revert RuleViolation(RuleIds.INV_1, "investor-frozen");
        }
        if (addressFrozen[from]) revert RuleViolation(RuleIds.LED_2, "address-frozen");
        uint256 balance = balanceOf(from);
        if (amount <= balance) {
            // frozen tokens never leave, not even to oneself
            if (amount > balance - (frozenAmount[from] < balance ? frozenAmount[from] : balance)) {
                revert RuleViolation(RuleIds.LED_2, "amount-frozen");
            }
            if (amount > balance - _lockedOf(from, balance)) {
                revert RuleViolation(RuleIds.ISS_2, "retained-share-locked");
            }
        }
        if (RuleIds.inForce(disabled, RuleIds.DIS_1_BIT) && !disclosed[from]) {
            uint256 threshold = market.issueOf(address(this)).totalQuantity * market.params().disclosureThresholdBps;
            if (balance * 10_000 > threshold) revert RuleViolation(RuleIds.DIS_1, "disclosure-required");
        }
    }

    function _lockedOf(address account, uint256 balance) private view returns (uint256) {
        uint256 locked = frozenAmount[account];
        if (account == issuer()) locked += retainedLocked;
        return locked < balance ? locked : balance;
    }

    function _countHolders(address from, address to, uint256 amount) private {
        if (amount == 0 || from == to) return;
        if (to != address(0) && balanceOf(to) == 0) holderCount += 1;
        if (from != address(0) && balanceOf(from) == amount) holderCount -= 1;
    }

    function _withValue(uint256 value) private {
        PENDING_VALUE.asUint256().tstore(value);
        VALUE_KNOWN.asBoolean().tstore(true);
    }
}
