// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Hong Kong business days: HKT (UTC+8 all year), Monday to Friday, no holiday calendar
/// @notice A day is a whole number of days since 1970-01-01 in Hong Kong (`dayOf`); a time of day is
/// seconds after HKT midnight. Weekdays are business days; the sandbox keeps no public-holiday list
/// (as `contracts/liquidity/` and `src/domain/liquidity.ts`), stated in README.
library HktCalendar {
    /// @notice Hong Kong time is UTC+8, with no daylight saving.
    uint256 internal constant HKT_OFFSET = 8 hours;

    /// @notice The HKT day of unix time `t`.
    /// @param t unix time.
    /// @return the day number (days since 1970-01-01, HKT).
    function dayOf(uint256 t) internal pure returns (uint256) {
        return (t + HKT_OFFSET) / 1 days;
    }

    /// @notice Seconds after HKT midnight of unix time `t`.
    /// @param t unix time.
    /// @return the time of day in seconds.
    function timeOfDay(uint256 t) internal pure returns (uint256) {
        return (t + HKT_OFFSET) % 1 days;
    }

    /// @notice Unix time of `secondsAfterMidnight` HKT on `day`.
    /// @param day the HKT day number.
    /// @param secondsAfterMidnight e.g. 12 hours for noon.
    /// @return unix time.
    function at(uint256 day, uint256 secondsAfterMidnight) internal pure returns (uint256) {
        return day * 1 days + secondsAfterMidnight - HKT_OFFSET;
    }

    /// @notice Whether `day` is Monday to Friday (1970-01-01 was a Thursday).
    /// @param day the HKT day number.
    /// @return true on a weekday.
    function isWeekday(uint256 day) internal pure returns (bool) {
        uint256 weekday = (day + 4) % 7; // 0 Sunday … 6 Saturday
        return weekday != 0 && weekday != 6;
    }

    /// @notice The first weekday strictly after `day` (at most three steps: Friday to Monday).
    /// @param day the HKT day number.
    /// @return the next weekday.
    function nextWeekday(uint256 day) internal pure returns (uint256) {
        uint256 next = day + 1;
        while (!isWeekday(next)) ++next;
        return next;
    }
}
