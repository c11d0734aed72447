// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";
import {VenueRegister} from "./VenueRegister.sol";

/// @title MarketRegistry
/// @notice The regulator's (FSC) and the registration institution's (KSD) view of the market:
/// firms and their licences, related-party groups, registered venues, registered issues with
/// their total quantity, and the switchboard of rules in force with their parameters.
contract MarketRegistry is VenueRegister {
    // Licences as bit flags: a firm may hold several of one side, never of both (KR-SEP-2).
    uint8 public constant ISSUER_ACCOUNT_MANAGER = 1;
    uint8 public constant SECURITIES_ACCOUNT_MANAGER = 2;
    uint8 public constant OTC_VENUE = 4;
    uint8 public constant PROFESSIONAL_VENUE = 8;
    uint8 public constant ISSUANCE_LICENCES = ISSUER_ACCOUNT_MANAGER | SECURITIES_ACCOUNT_MANAGER;
    uint8 public constant DISTRIBUTION_LICENCES = OTC_VENUE | PROFESSIONAL_VENUE;

    // Disclosure filed for an offering (KR-ISS-1).
    uint8 public constant DISCLOSURE_NONE = 0;
    uint8 public constant DISCLOSURE_TIER_TWO = 1;
    uint8 public constant DISCLOSURE_REGISTRATION_STATEMENT = 2;

    struct Params {
        uint256 otcVenueMinEquity; // KR-LIC-1
        uint256 professionalVenueMinEquity; // KR-LIC-1
        uint256 issuerAccountManagerMinEquity; // KR-LIC-2
        uint256 maxVenueLicences; // KR-LIC-3
        uint256 smallOfferingCap; // KR-ISS-1
        uint256 tierTwoCap; // KR-ISS-1
        uint256 retainedShareBps; // KR-ISS-2
        uint256 disclosureThresholdBps; // KR-DIS-1
    }

    struct Firm {
        bool registered;
        uint8 licences;
        uint64 group; // related-party group; 0 = none
        uint256 equity; // KRW
    }

    struct Issue {
        bool registered;
        bool professionalOnly;
        uint8 disclosure;
        address issuer;
        address underwriter;
        address arranger;
        address settlor;
        address accountManager;
        uint256 totalQuantity; // KR-SET-2
        uint256 offeringPrice; // KRW per token
    }

    error UnknownFirm(address account);

    Params private _params;
    mapping(address firm => Firm) private _firms;
    mapping(address token => Issue) private _issues;
    mapping(bytes32 ruleKey => bool) private _disabled; // any rule ID, by the hash of its text
    /// @notice The rules switched off as one word of RuleIds bits: contracts read every switch
    /// in one call (per batch, per transfer) instead of hashing a rule ID per check.
    uint256 public disabledRules;
    uint256 public venueLicenceCount;

    event FirmRegistered(address indexed firm, uint256 equity, uint64 group);
    event LicenceGranted(address indexed firm, uint8 licence);
    event LicenceRevoked(address indexed firm, uint8 licence);
    event GroupSet(address indexed firm, uint64 group);
    event IssueRegistered(address indexed token, address indexed issuer, uint256 totalQuantity);
    event RuleSwitched(string ruleId, bool enabled);
    event ParamsSet(Params params);

    constructor(address regulator, address ksd, Params memory params) {
        _grantRole(DEFAULT_ADMIN_ROLE, regulator);
        _grantRole(REGULATOR_ROLE, regulator);
        _grantRole(KSD_ROLE, ksd);
        _setRoleAdmin(KSD_ROLE, KSD_ROLE); // only KSD grants the registrar's (settlement) role
        _params = params;
    }

    // ---- rules in force ----

    /// @notice Whether a rule is in force (all are, unless the regulator switched one off).
    function isEnabled(string calldata ruleId) external view returns (bool) {
        return !_disabled[keccak256(bytes(ruleId))];
    }

    /// @notice Switch a rule on or off (a scenario's regime).
    function setRuleEnabled(string calldata ruleId, bool enabled) external onlyRole(REGULATOR_ROLE) {
        _disabled[keccak256(bytes(ruleId))] = !enabled;
        // an ID no contract enforces (e.g. KR-MKT-3, modelled off-chain) has no bit
        uint256 bit = bytes(ruleId).length <= 32 ? RuleIds.bitOf(bytes32(bytes(ruleId))) : 0;
        disabledRules = enabled ? disabledRules & ~bit : disabledRules | bit;
        emit RuleSwitched(ruleId, enabled);
    }

    /// @notice Set the regime's numeric parameters.
    function setParams(Params calldata params) external onlyRole(REGULATOR_ROLE) {
        _params = params;
        emit ParamsSet(params);
    }

    function params() external view returns (Params memory) {
        return _params;
    }

    // ---- firms and licences ----

    /// @notice Register a firm with its equity capital (KRW) and related-party group (0 = none).
    function registerFirm(address firm, uint256 equity, uint64 group) external onlyRole(REGULATOR_ROLE) {
        if (firm == address(0)) revert ZeroAddress("firm");
        _firms[firm] = Firm({registered: true, licences: _firms[firm].licences, group: group, equity: equity});
        emit FirmRegistered(firm, equity, group);
    }

    /// @notice Put a firm into a related-party group (0 removes it from any group).
    function setGroup(address firm, uint64 group) external onlyRole(REGULATOR_ROLE) {
        _requireFirm(firm);
        _firms[firm].group = group;
        emit GroupSet(firm, group);
    }

    /// @notice Grant a licence, under KR-SEP-2, KR-LIC-1, KR-LIC-2 and KR-LIC-3.
    function grantLicence(address firm, uint8 licence) external onlyRole(REGULATOR_ROLE) {
        Firm storage f = _requireFirm(firm);
        bool distribution = licence & DISTRIBUTION_LICENCES != 0;
        bool issuance = licence & ISSUANCE_LICENCES != 0;
        if (_inForce(RuleIds.SEP_2_BIT)) {
            if (distribution && f.licences & ISSUANCE_LICENCES != 0) {
                revert RuleViolation(RuleIds.SEP_2, "issuer-cannot-distribute");
            }
            if (issuance && f.licences & DISTRIBUTION_LICENCES != 0) {
                revert RuleViolation(RuleIds.SEP_2, "distributor-cannot-issue");
            }
            if (distribution && issuance) revert RuleViolation(RuleIds.SEP_2, "issuer-cannot-distribute");
        }
        if (_inForce(RuleIds.LIC_1_BIT)) {
            if (licence & OTC_VENUE != 0 && f.equity < _params.otcVenueMinEquity) {
                revert RuleViolation(RuleIds.LIC_1, "equity-below-venue-minimum");
            }
            if (licence & PROFESSIONAL_VENUE != 0 && f.equity < _params.professionalVenueMinEquity) {
                revert RuleViolation(RuleIds.LIC_1, "equity-below-venue-minimum");
            }
        }
        if (_inForce(RuleIds.LIC_2_BIT) && licence & ISSUER_ACCOUNT_MANAGER != 0) {
            if (f.equity < _params.issuerAccountManagerMinEquity) {
                revert RuleViolation(RuleIds.LIC_2, "equity-below-account-manager-minimum");
            }
        }
        if (distribution && f.licences & DISTRIBUTION_LICENCES == 0) {
            if (_inForce(RuleIds.LIC_3_BIT) && venueLicenceCount >= _params.maxVenueLicences) {
                revert RuleViolation(RuleIds.LIC_3, "venue-licences-exhausted");
            }
            venueLicenceCount += 1;
        }
        f.licences |= licence;
        emit LicenceGranted(firm, licence);
    }

    /// @notice Withdraw a licence.
    function revokeLicence(address firm, uint8 licence) external onlyRole(REGULATOR_ROLE) {
        Firm storage f = _requireFirm(firm);
        bool hadVenue = f.licences & DISTRIBUTION_LICENCES != 0;
        f.licences &= ~licence;
        if (hadVenue && f.licences & DISTRIBUTION_LICENCES == 0) venueLicenceCount -= 1;
        emit LicenceRevoked(firm, licence);
    }

    function firm(address account) external view returns (Firm memory) {
        return _firms[account];
    }

    function hasLicence(address account, uint8 licence) public view returns (bool) {
        return _firms[account].licences & licence != 0;
    }

    /// @notice True if a and b are the same firm or belong to the same related-party group.
    function related(address a, address b) public view returns (bool) {
        if (a == b) return true;
        uint64 group = _firms[a].group;
        return group != 0 && group == _firms[b].group;
    }

    function _venueLicensed(address operator, bool professionalOnly) internal view override returns (bool) {
        return hasLicence(operator, OTC_VENUE) || (professionalOnly && hasLicence(operator, PROFESSIONAL_VENUE));
    }

    // ---- issues ----

    /// @notice KSD registers an issue and its total quantity (KR-SET-2). Its tokens are registered
    /// by the issuer itself only if it is an issuer account-management institution (KR-LIC-2).
    function registerIssue(address token, Issue calldata issue) external onlyRole(KSD_ROLE) {
        _requireFirm(issue.issuer);
        if (_issues[token].registered) revert RuleViolation(RuleIds.SET_2, "issue-already-registered");
        if (token == address(0)) revert ZeroAddress("token");
        if (issue.accountManager == address(0)) revert ZeroAddress("accountManager");
        if (issue.totalQuantity == 0) revert RuleViolation(RuleIds.SET_2, "zero-quantity");
        if (issue.offeringPrice == 0) revert RuleViolation(RuleIds.SET_2, "zero-price");
        (bool licensed, string memory reason) = _accountManagerCheck(issue.issuer, issue.accountManager);
        if (!licensed) revert RuleViolation(RuleIds.LIC_2, reason);
        Issue memory stored = issue;
        stored.registered = true;
        _issues[token] = stored;
        emit IssueRegistered(token, issue.issuer, issue.totalQuantity);
    }

    function isRegisteredIssue(address token) external view returns (bool) {
        return _issues[token].registered;
    }

    function issuerOf(address token) external view returns (address) {
        return _issues[token].issuer;
    }

    function issueOf(address token) external view returns (Issue memory) {
        return _issues[token];
    }

    /// @notice KR-SEP-1: may `operator` broker `token`? Refused if the operator or a related party
    /// is the token's issuer, underwriter, arranger or trust settlor.
    function separationCheck(address operator, address token) external view returns (bool, string memory) {
        if (!_inForce(RuleIds.SEP_1_BIT)) return (true, "");
        Issue storage issue = _issues[token];
        if (related(operator, issue.issuer)) return (false, "operator-related-to-issuer");
        if (issue.underwriter != address(0) && related(operator, issue.underwriter)) {
            return (false, "operator-related-to-underwriter");
        }
        if (issue.arranger != address(0) && related(operator, issue.arranger)) {
            return (false, "operator-related-to-arranger");
        }
        if (issue.settlor != address(0) && related(operator, issue.settlor)) {
            return (false, "operator-related-to-settlor");
        }
        return (true, "");
    }

    /// @notice KR-ISS-1: the disclosure an offering of this size needs has been filed.
    function offeringCheck(address token) external view returns (bool, string memory) {
        Issue storage issue = _issues[token];
        if (!_inForce(RuleIds.ISS_1_BIT) || issue.professionalOnly) return (true, "");
        uint256 size = issue.totalQuantity * issue.offeringPrice;
        if (size > _params.tierTwoCap && issue.disclosure < DISCLOSURE_REGISTRATION_STATEMENT) {
            return (false, "registration-statement-required");
        }
        if (size > _params.smallOfferingCap && issue.disclosure < DISCLOSURE_TIER_TWO) {
            return (false, "tier-two-filing-required");
        }
        return (true, "");
    }

    /// @notice KR-LIC-2: may the issue's account manager mint now? Checked at every mint, so a
    /// revoked licence stops minting at once.
    function mintCheck(address token) external view returns (bool, string memory) {
        Issue storage issue = _issues[token];
        return _accountManagerCheck(issue.issuer, issue.accountManager);
    }

    function _accountManagerCheck(address issuer, address accountManager) private view returns (bool, string memory) {
        if (!_inForce(RuleIds.LIC_2_BIT)) return (true, "");
        if (accountManager == issuer) {
            if (!hasLicence(issuer, ISSUER_ACCOUNT_MANAGER)) return (false, "issuer-not-account-manager");
        } else if (!hasLicence(accountManager, ISSUANCE_LICENCES)) {
            return (false, "account-manager-not-licensed");
        }
        return (true, "");
    }

    function _inForce(uint256 ruleBit) private view returns (bool) {
        return RuleIds.inForce(disabledRules, ruleBit);
    }

    function _requireFirm(address account) private view returns (Firm storage f) {
        f = _firms[account];
        if (!f.registered) revert UnknownFirm(account);
    }
}
