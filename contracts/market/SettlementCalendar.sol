// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title SettlementCalendar
/// @notice KSD's settlement calendar (KR-SET-1): which Korean days are business days, and at
/// which time of day deferred trades fall due. Venues compute a trade's due date here from their
/// settlement cycle, so the date is KSD's, not the operator's.
contract SettlementCalendar is AccessControl {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    uint256 public constant KST_OFFSET = 9 hours;
    uint256 public constant MAX_SCAN_DAYS = 366; // bounds the walk over holidays

    bool public roundTheClock; // 24/7: every day is a business day, trades fall due at midnight
    uint32 public settlementTime; // seconds after KST midnight when a business day's trades fall due
    mapping(uint256 kstDay => bool) public holiday; // days since 1970-01-01 in KST

    event ScheduleSet(bool roundTheClock, uint32 settlementTime);
    event HolidaySet(uint256 indexed kstDay, bool closed);

    error CalendarSettlementTime(uint32 settlementTime);
    error CalendarNoBusinessDay(uint256 fromDay);

    constructor(address registrar, bool roundTheClock_, uint32 settlementTime_) {
        _grantRole(DEFAULT_ADMIN_ROLE, registrar);
        _grantRole(REGISTRAR_ROLE, registrar);
        _setSchedule(roundTheClock_, settlementTime_);
    }

    /// @notice Round-the-clock or KRX-like business days, and the time of day trades fall due.
    function setSchedule(bool roundTheClock_, uint32 settlementTime_) external onlyRole(REGISTRAR_ROLE) {
        _setSchedule(roundTheClock_, settlementTime_);
    }

    /// @notice Mark KST days (days since 1970-01-01) as holidays, or open them again.
    function setHolidays(uint256[] calldata kstDays, bool closed) external onlyRole(REGISTRAR_ROLE) {
        for (uint256 i = 0; i < kstDays.length; i++) {
            holiday[kstDays[i]] = closed;
            emit HolidaySet(kstDays[i], closed);
        }
    }

    /// @notice Weekdays that are not holidays; every day round the clock.
    function isBusinessDay(uint256 kstDay) public view returns (bool) {
        if (roundTheClock) return true;
        return (kstDay + 3) % 7 < 5 && !holiday[kstDay]; // 1970-01-01 was a Thursday
    }

    /// @notice Due time of a trade made at `timestamp` under a T+`days` cycle: the settlement
    /// time of the `days`-th business day after the trade's KST day (T+0: `timestamp` itself).
    function dueDate(uint256 timestamp, uint256 days_) external view returns (uint64) {
        if (days_ == 0) return uint64(timestamp);
        uint256 day = (timestamp + KST_OFFSET) / 1 days;
        uint256 from = day;
        for (uint256 added = 0; added < days_;) {
            day += 1;
            if (day - from > MAX_SCAN_DAYS) revert CalendarNoBusinessDay(from);
            if (isBusinessDay(day)) added += 1;
        }
        uint256 midnight = day * 1 days - KST_OFFSET;
        return uint64(roundTheClock ? midnight : midnight + settlementTime);
    }

    function _setSchedule(bool roundTheClock_, uint32 settlementTime_) private {
        if (settlementTime_ >= 1 days) revert CalendarSettlementTime(settlementTime_);
        roundTheClock = roundTheClock_;
        settlementTime = settlementTime_;
        emit ScheduleSet(roundTheClock_, settlementTime_);
    }
}
