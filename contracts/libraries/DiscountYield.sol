// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Price of discount paper from its yield (Exchange Fund Bills)
/// @notice The sandbox's convention for a bill bought on a bid-yield basis:
/// `price = face / (1 + yield × days / 365)`, yield simple and Actual/365, rounded **down** to a
/// minor unit (the bidder never pays more than its yield implies). With the yield in basis points
/// the formula is exact in integers: `price = floor(face × 3,650,000 / (3,650,000 + yieldBps × days))`.
/// The same formula is `billPrice` in src/domain/exchange-fund-bills.ts.
library DiscountYield {
    /// @notice Basis points in one (100%).
    uint256 internal constant BPS = 10_000;
    /// @notice Days in the Actual/365 Fixed year.
    uint256 internal constant DAYS_IN_YEAR = 365;

    /// @notice The price of `face` minor units of face value, `tenorDays` to maturity, at `yieldBps`.
    /// @dev Cannot overflow for any face below 2^200 and yields or tenors below 2^24 (checked arithmetic
    /// reverts otherwise). A zero yield prices at par.
    /// @param face face value in minor units.
    /// @param yieldBps the annual yield, simple, in basis points.
    /// @param tenorDays days from issue to maturity.
    /// @return price in minor units, rounded down.
    function price(uint256 face, uint256 yieldBps, uint256 tenorDays) internal pure returns (uint256) {
        uint256 scale = BPS * DAYS_IN_YEAR;
        return (face * scale) / (scale + yieldBps * tenorDays);
    }
}
