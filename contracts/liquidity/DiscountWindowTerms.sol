// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title The Discount Window's terms and the RTGS day
/// @notice The central bank sets the Base Rate and a penalty spread above it; an intraday repo not
/// reversed by the day's cut-off rolls into overnight Discount Window borrowing at Base Rate + spread,
/// fixed when it rolls. The business day is the Hong Kong (HKT, UTC+8) calendar day; the cut-off is a
/// time of day in HKT (default 17:30 HKT = 09:30 UTC), fixed on each repo when it opens.
/// Interest is ACT/365 Fixed on the calendar days from the repo's day to the day it is repaid (at
/// least one), `principal × rate × days / (10,000 × 365)`, rounded UP to the minor unit: the
/// borrower pays any fraction of a cent, so the central bank never lends a fraction free.
abstract contract DiscountWindowTerms {
    /// @notice Hong Kong time is UTC+8 all year.
    uint256 public constant HKT_OFFSET = 8 hours;
    /// @notice The default cut-off: 17:30 HKT (09:30 UTC).
    uint32 public constant DEFAULT_CUT_OFF = 17 hours + 30 minutes;
    /// @notice Highest rate the central bank may set (Base Rate + spread), in basis points.
    uint256 public constant MAX_RATE_BPS = 10_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant DAYS_A_YEAR = 365;

    uint16 private _baseRateBps;
    uint16 private _penaltySpreadBps;
    uint32 private _cutOff = DEFAULT_CUT_OFF;

    /// @notice A rate is out of range: Base Rate + spread above `MAX_RATE_BPS`.
    /// @param baseRateBps the Base Rate asked for.
    /// @param penaltySpreadBps the spread asked for.
    error DiscountWindowInvalidRate(uint16 baseRateBps, uint16 penaltySpreadBps);

    /// @notice The cut-off is not a time of day (seconds after HKT midnight, below 86,400).
    /// @param cutOff the rejected value.
    error DiscountWindowInvalidCutOff(uint32 cutOff);

    /// @notice The central bank set the Base Rate and the penalty spread above it.
    event DiscountWindowRateSet(uint16 baseRateBps, uint16 penaltySpreadBps);

    /// @notice The central bank set the daily cut-off (seconds after HKT midnight) for repos opened from now.
    event CutOffSet(uint32 cutOff);

    /// @notice The Base Rate, in basis points.
    /// @return the rate.
    function baseRate() public view returns (uint16) {
        return _baseRateBps;
    }

    /// @notice The penalty spread above the Base Rate for overnight Discount Window borrowing, in bps.
    /// @return the spread.
    function penaltySpread() public view returns (uint16) {
        return _penaltySpreadBps;
    }

    /// @notice The rate an intraday repo rolling now would borrow overnight at: Base Rate + spread.
    /// @return the rate in basis points.
    function discountWindowRate() public view returns (uint256) {
        return uint256(_baseRateBps) + _penaltySpreadBps;
    }

    /// @notice The daily cut-off, in seconds after HKT midnight.
    /// @return e.g. 63,000 for 17:30 HKT.
    function cutOff() public view returns (uint32) {
        return _cutOff;
    }

    /// @notice The HKT business day of `timestamp`: days since 1970-01-01 in Hong Kong.
    /// @param timestamp a unix time.
    /// @return the day number.
    function businessDayOf(uint256 timestamp) public pure returns (uint256) {
        return (timestamp + HKT_OFFSET) / 1 days;
    }

    /// @notice The cut-off instant (unix time) of the HKT day of `timestamp`, at the current cut-off.
    /// @param timestamp a unix time.
    /// @return the cut-off of that day.
    function cutOffOf(uint256 timestamp) public view returns (uint256) {
        return businessDayOf(timestamp) * 1 days - HKT_OFFSET + _cutOff;
    }

    /// @notice When an overnight Discount Window repo rolled at `cutOffAt` falls due: the same cut-off on
    /// the next weekday (Friday's falls due on Monday). There is no holiday calendar: a public holiday
    /// on a weekday counts as a business day.
    /// @param cutOffAt the cut-off the repo rolled at.
    /// @return the instant the overnight repo is due; from it, unpaid, it may be closed out.
    function overnightDueAt(uint256 cutOffAt) public pure returns (uint256) {
        // 1 Jan 1970 was a Thursday: (day + 3) % 7 is 0 on a Monday, 4 on a Friday.
        uint256 weekday = (businessDayOf(cutOffAt) + 3) % 7;
        uint256 days_ = weekday == 4 ? 3 : weekday == 5 ? 2 : 1;
        return cutOffAt + days_ * 1 days;
    }

    /// @notice Discount Window interest on `principal` at `rateBps` from `openedAt`'s day to `repaidAt`'s.
    /// @param principal the cash lent, in minor units.
    /// @param rateBps the overnight rate.
    /// @param openedAt when the repo opened.
    /// @param repaidAt when it is repaid.
    /// @return interest ACT/365 on at least one day, rounded up to the minor unit.
    function discountWindowInterest(
        uint256 principal,
        uint256 rateBps,
        uint256 openedAt,
        uint256 repaidAt
    ) public pure returns (uint256) {
        uint256 startDay = businessDayOf(openedAt);
        uint256 endDay = businessDayOf(repaidAt);
        uint256 days_ = endDay > startDay ? endDay - startDay : 1;
        return Math.mulDiv(principal * rateBps, days_, BPS * DAYS_A_YEAR, Math.Rounding.Ceil);
    }

    function _setRate(uint16 baseRateBps, uint16 penaltySpreadBps) internal {
        if (uint256(baseRateBps) + penaltySpreadBps > MAX_RATE_BPS) {
            revert DiscountWindowInvalidRate(baseRateBps, penaltySpreadBps);
        }
        _baseRateBps = baseRateBps;
        _penaltySpreadBps = penaltySpreadBps;
        emit DiscountWindowRateSet(baseRateBps, penaltySpreadBps);
    }

    function _setCutOff(uint32 cutOff_) internal {
        if (cutOff_ >= 1 days) revert DiscountWindowInvalidCutOff(cutOff_);
        _cutOff = cutOff_;
        emit CutOffSet(cutOff_);
    }
}
