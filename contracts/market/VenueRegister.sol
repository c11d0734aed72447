// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {RuleViolation} from "../common/RuleViolation.sol";
import {RuleIds} from "../common/RuleIds.sol";

/// @notice What the registry needs to know about a venue contract.
interface IVenueInfo {
    function operator() external view returns (address);
    function professionalOnly() external view returns (bool);
    function market() external view returns (address);
}

/// @title VenueRegister
/// @notice The regulator's register of venues (KR-LIC-1): registered, suspended, deregistered;
/// and KSD's settlement calendar (KR-SET-1). A venue settles only while registered, not
/// suspended, and its operator holds the licence it needs.
abstract contract VenueRegister is AccessControl {
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");
    bytes32 public constant KSD_ROLE = keccak256("KSD_ROLE");

    enum VenueStatus {
        None,
        Registered,
        Suspended,
        Deregistered
    }

    mapping(address venue => VenueStatus) private _venueStatus;
    address public settlementCalendar;

    event VenueRegistered(address indexed venue, address indexed operator);
    event VenueSuspended(address indexed venue, bool suspended);
    event VenueDeregistered(address indexed venue);
    event SettlementCalendarSet(address indexed calendar);

    error ZeroAddress(string field);
    error VenueStatusInvalid(address venue, VenueStatus status);

    /// @dev Whether `operator` holds the licence a (professional-only) venue needs (KR-LIC-1).
    function _venueLicensed(address operator, bool professionalOnly) internal view virtual returns (bool);

    /// @notice Register a venue contract of this market; its operator needs a distribution
    /// licence (KR-LIC-1), the professional one only for a professional-only venue.
    function registerVenue(address venue) external onlyRole(REGULATOR_ROLE) {
        if (venue == address(0)) revert ZeroAddress("venue");
        if (_venueStatus[venue] != VenueStatus.None) revert VenueStatusInvalid(venue, _venueStatus[venue]);
        if (IVenueInfo(venue).market() != address(this)) revert RuleViolation(RuleIds.LIC_1, "venue-of-another-market");
        address operator = IVenueInfo(venue).operator();
        if (!_venueLicensed(operator, IVenueInfo(venue).professionalOnly())) {
            revert RuleViolation(RuleIds.LIC_1, "operator-not-licensed");
        }
        _venueStatus[venue] = VenueStatus.Registered;
        emit VenueRegistered(venue, operator);
    }

    /// @notice Suspend a venue (it settles nothing new) or lift the suspension.
    function suspendVenue(address venue, bool suspended) external onlyRole(REGULATOR_ROLE) {
        VenueStatus status = _venueStatus[venue];
        if (status != VenueStatus.Registered && status != VenueStatus.Suspended) {
            revert VenueStatusInvalid(venue, status);
        }
        _venueStatus[venue] = suspended ? VenueStatus.Suspended : VenueStatus.Registered;
        emit VenueSuspended(venue, suspended);
    }

    /// @notice Strike a venue off for good: its tokens no longer move through it, and its
    /// pending deferred trades fail when KSD finalizes them.
    function deregisterVenue(address venue) external onlyRole(REGULATOR_ROLE) {
        VenueStatus status = _venueStatus[venue];
        if (status != VenueStatus.Registered && status != VenueStatus.Suspended) {
            revert VenueStatusInvalid(venue, status);
        }
        _venueStatus[venue] = VenueStatus.Deregistered;
        emit VenueDeregistered(venue);
    }

    function venueStatus(address venue) external view returns (VenueStatus) {
        return _venueStatus[venue];
    }

    /// @notice A registered venue (suspended or not) may still deliver trades it accepted.
    function isVenue(address venue) external view returns (bool) {
        VenueStatus status = _venueStatus[venue];
        return status == VenueStatus.Registered || status == VenueStatus.Suspended;
    }

    /// @notice KR-LIC-1: may `venue` accept new trades now? (ok, reason)
    function venueCheck(address venue) external view returns (bool, string memory) {
        VenueStatus status = _venueStatus[venue];
        if (status == VenueStatus.Suspended) return (false, "venue-suspended");
        if (status != VenueStatus.Registered) return (false, "venue-not-registered");
        if (!_venueLicensed(IVenueInfo(venue).operator(), IVenueInfo(venue).professionalOnly())) {
            return (false, "operator-not-licensed");
        }
        return (true, "");
    }

    /// @notice KSD names the settlement calendar that dates every deferred trade (KR-SET-1).
    function setSettlementCalendar(address calendar) external onlyRole(KSD_ROLE) {
        if (calendar == address(0)) revert ZeroAddress("calendar");
        settlementCalendar = calendar;
        emit SettlementCalendarSet(calendar);
    }
}
