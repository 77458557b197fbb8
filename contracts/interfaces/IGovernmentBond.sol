// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DayCountConvention} from "../libraries/DayCount.sol";

/// @notice The term sheet of one bond issue, fixed at deployment.
/// @param isin ISO 6166 identifier, e.g. "HK003GB29110" (check digit verified).
/// @param issueNumber the programme's issue number, e.g. "03GB2911" (3-year, matures Nov 2029).
/// @param currency ISO 4217 code of face value and coupons, e.g. "HKD".
/// @param cashToken the token coupons and redemptions are paid in (e.g. the HKD wCBDC).
/// @param denomination face value of one unit, in the currency's minor units.
/// @param couponRateBps fixed annual coupon rate in basis points (425 = 4.25%).
/// @param couponFrequency coupons a year (2 = semi-annual).
/// @param dayCount day-count convention for accrual.
/// @param issueDate unix time of issue (start of the first coupon period).
/// @param couponDates unix times of every coupon payment, strictly increasing; the last is the maturity date.
struct BondTerms {
    string isin;
    string issueNumber;
    string currency;
    address cashToken;
    uint256 denomination;
    uint16 couponRateBps;
    uint8 couponFrequency;
    DayCountConvention dayCount;
    uint64 issueDate;
    uint64[] couponDates;
}

/// @title Tokenized government bond: term-sheet views and errors (in the spirit of ERC-7092)
interface IGovernmentBond {
    /// @notice The ISIN is malformed or its check digit is wrong.
    /// @param isin the rejected identifier.
    error BondInvalidIsin(string isin);

    /// @notice A term is out of range; `term` names it (e.g. "denomination", "couponFrequency").
    /// @param term the name of the rejected term.
    error BondInvalidTerm(string term);

    /// @notice Coupon date number `index` is not more than a day (the record-date lag) after the one
    /// before it (or the issue date).
    /// @param index position in the schedule.
    /// @param date the rejected date.
    error BondInvalidCouponDate(uint256 index, uint64 date);

    /// @notice A forced transfer may not take from, or give to, `account`, a market-infrastructure
    /// contract that holds units for others (e.g. an escrow).
    /// @param account the infrastructure account.
    error BondForcedTransferFromInfrastructure(address account);

    /// @notice The bond has matured at `maturityDate`: only redemption burns are allowed.
    /// @param maturityDate the bond's maturity date.
    error BondMatured(uint64 maturityDate);

    /// @notice The bond matures at `maturityDate`; it cannot be redeemed (burned) before.
    /// @param maturityDate the bond's maturity date.
    error BondNotMatured(uint64 maturityDate);

    /// @notice A forced transfer must record why it was made.
    error BondForcedTransferReasonRequired();

    /// @notice Coupon period `index` does not exist.
    /// @param index the requested period.
    /// @param count the number of coupon periods.
    error BondCouponIndexOutOfRange(uint256 index, uint256 count);

    /// @notice Emitted when the registrar moves `amount` units from `from` to `to` under a legal order.
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount, string reason);

    /// @notice ISO 6166 identifier.
    function isin() external view returns (string memory);

    /// @notice Issue number, e.g. "03GB2911".
    function issueNumber() external view returns (string memory);

    /// @notice The issuer (e.g. the HKSAR Government).
    function issuer() external view returns (address);

    /// @notice ISO 4217 code of face value and coupons.
    function currency() external view returns (string memory);

    /// @notice The token coupons and redemptions are paid in.
    function cashToken() external view returns (address);

    /// @notice Face value of one unit, in minor units of `currency()`.
    function denomination() external view returns (uint256);

    /// @notice Annual coupon rate in basis points.
    function couponRate() external view returns (uint16);

    /// @notice Coupons per year.
    function couponFrequency() external view returns (uint8);

    /// @notice Day-count convention of accrual.
    function dayCountConvention() external view returns (DayCountConvention);

    /// @notice Unix time of issue.
    function issueDate() external view returns (uint64);

    /// @notice Unix time of maturity (the last coupon date).
    function maturityDate() external view returns (uint64);

    /// @notice Number of coupon periods.
    function couponCount() external view returns (uint256);

    /// @notice Start and end (payment date) of coupon period `index`.
    function couponPeriod(uint256 index) external view returns (uint64 start, uint64 end);

    /// @notice Coupon paid per unit for period `index`, in minor units, rounded down.
    function couponPerUnit(uint256 index) external view returns (uint256);

    /// @notice Coupon `index` on a holding of `units`, in minor units, rounded down once on the whole holding.
    function couponOn(uint256 index, uint256 units) external view returns (uint256);

    /// @notice The first record date, or else the maturity date, strictly after `after_`
    /// (`type(uint64).max` if none): a holder over that instant is entitled to a coupon or redemption.
    /// An escrow must not hold the bond across it.
    function nextEntitlementDate(uint64 after_) external view returns (uint64);

    /// @notice Interest per unit accrued from `start` to `end` under the bond's rate and day count.
    function interestPerUnit(uint64 start, uint64 end) external view returns (uint256);

    /// @notice Interest per unit accrued since the last coupon date up to `at`.
    function accruedInterestPerUnit(uint64 at) external view returns (uint256);

    /// @notice Amount repaid per unit at maturity (face value: the bond redeems at par).
    function redemptionPerUnit() external view returns (uint256);
}
