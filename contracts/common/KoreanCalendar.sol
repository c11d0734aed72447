// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Calendar year in Korea Standard Time (UTC+9) of a block timestamp. Annual investor
/// limits (KR-INV-2) reset at the Korean new year, not at UTC midnight.
library KoreanCalendar {
    uint256 internal constant KST_OFFSET = 9 hours;

    /// @dev Days-to-civil conversion (proleptic Gregorian), after H. Hinnant's public algorithm.
    function yearOf(uint256 timestamp) internal pure returns (uint256) {
        uint256 z = (timestamp + KST_OFFSET) / 1 days + 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097;
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 year = yoe + era * 400;
        return mp >= 10 ? year + 1 : year; // months Jan and Feb count from March of the year before
    }
}
