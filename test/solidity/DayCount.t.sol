// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DayCount, DayCountConvention} from "../../contracts/libraries/DayCount.sol";
import {SandboxTest} from "./utils/SandboxTest.sol";

contract DayCountTest is SandboxTest {
    uint256 private constant DAY = 86_400;

    /// @dev HK$50,000 at 4.25% for 181 days, ACT/365F: 5,000,000 × 425 × 181 / 3,650,000 = 105,376.71… → 105,376.
    function test_interest_actual365FixedHalfYear() public pure {
        uint256 i = DayCount.interest(5_000_000, 425, 0, 181 * DAY, DayCountConvention.Actual365Fixed);
        assertEq(i, 105_376, "ACT/365F 181 days");
    }

    /// @dev Same under ACT/360: 5,000,000 × 425 × 181 / 3,600,000 = 106,840.27… → 106,840.
    function test_interest_actual360HalfYear() public pure {
        uint256 i = DayCount.interest(5_000_000, 425, 0, 181 * DAY, DayCountConvention.Actual360);
        assertEq(i, 106_840, "ACT/360 181 days");
    }

    /// @dev A full 365-day year under ACT/365F pays exactly the annual rate.
    function testFuzz_interest_fullYearIsRate(uint256 principal, uint256 rateBps) public pure {
        principal = bound(principal, 0, 1e30);
        rateBps = bound(rateBps, 0, 10_000);
        uint256 i = DayCount.interest(principal, rateBps, 0, 365 * DAY, DayCountConvention.Actual365Fixed);
        assertEq(i, (principal * rateBps) / 10_000, "one year");
    }

    /// @dev Splitting a period never pays more than the whole (rounding is down, per part).
    function testFuzz_interest_splitNeverExceedsWhole(uint256 principal, uint256 rateBps, uint256 d1, uint256 d2) public pure {
        principal = bound(principal, 1, 1e24);
        rateBps = bound(rateBps, 1, 10_000);
        d1 = bound(d1, 0, 20_000);
        d2 = bound(d2, 0, 20_000);
        DayCountConvention c = DayCountConvention.Actual365Fixed;
        uint256 whole = DayCount.interest(principal, rateBps, 0, (d1 + d2) * DAY, c);
        uint256 parts = DayCount.interest(principal, rateBps, 0, d1 * DAY, c) +
            DayCount.interest(principal, rateBps, d1 * DAY, (d1 + d2) * DAY, c);
        assertLe(parts, whole, "parts exceed whole");
        assertLe(whole - parts, 1, "parts lose more than one minor unit");
    }

    /// @dev Partial days do not accrue: accrual is by whole days.
    function testFuzz_daysBetween_countsWholeDays(uint256 start, uint256 secondsElapsed) public pure {
        start = bound(start, 0, type(uint64).max);
        secondsElapsed = bound(secondsElapsed, 0, 100 * 365 * DAY);
        assertEq(DayCount.daysBetween(start, start + secondsElapsed), secondsElapsed / DAY, "whole days");
    }
}
