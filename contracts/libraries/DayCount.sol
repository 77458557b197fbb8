// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice Day-count conventions for accruing interest on actual days elapsed.
/// @dev `Actual365Fixed` is the HKD market convention (ACT/365F); `Actual360` is used for USD money markets.
enum DayCountConvention {
    Actual365Fixed,
    Actual360
}

/// @title Day-count arithmetic
/// @notice Interest = principal × rate × days / basis, rounded down to the minor unit.
library DayCount {
    uint256 internal constant SECONDS_PER_DAY = 86_400;
    uint256 internal constant BASIS_POINTS = 10_000;

    /// @notice Whole days from `start` to `end` (both unix times; `end` >= `start`).
    function daysBetween(uint256 start, uint256 end) internal pure returns (uint256) {
        return (end - start) / SECONDS_PER_DAY;
    }

    /// @notice The days in a year under `convention` (365 or 360).
    function basis(DayCountConvention convention) internal pure returns (uint256) {
        return convention == DayCountConvention.Actual360 ? 360 : 365;
    }

    /// @notice Interest on `principal` at `rateBps` basis points a year for the days from `start` to `end`.
    /// @param principal face amount in minor units.
    /// @param rateBps annual rate in basis points (425 = 4.25%).
    /// @param start first day of accrual (unix time).
    /// @param end day accrual stops (unix time, exclusive).
    /// @param convention the day-count convention.
    /// @return interest in minor units, rounded down.
    function interest(
        uint256 principal,
        uint256 rateBps,
        uint256 start,
        uint256 end,
        DayCountConvention convention
    ) internal pure returns (uint256) {
        return Math.mulDiv(principal * rateBps, daysBetween(start, end), BASIS_POINTS * basis(convention));
    }
}
