// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The fund's rounding rule: units down to the unit decimals, cash down to the minor unit
/// @notice Figures: units in the smallest unit (`UNIT_DECIMALS` = 4: 1 unit = 10,000), the NAV per
/// whole unit in 10^-`NAV_DECIMALS` of the currency (`NAV_DECIMALS` = 4: HKD 10.0000 = 100,000), cash
/// in ISO 4217 minor units (2 for HKD). `scale` = 10^(UNIT_DECIMALS + NAV_DECIMALS − minor units)
/// (10^6 for HKD) converts: value of `units` = `units × nav / scale` minor units.
///
/// The rule (stated here, in README and in `src/domain/money-market-fund.ts`, tested at the edges):
/// - **subscription** of `cash` at fee `feeBps`: `fee = floor(cash × feeBps / 10,000)` (the fee rounds
///   down, in the investor's favour); `net = cash − fee` goes to the fund; `units = floor(net × scale /
///   nav)`. The investor pays `cash`; the remainder `net − units × nav / scale` (less than the value of
///   one smallest unit, `nav / scale` minor units) is retained by the fund;
/// - **redemption** of `units`: `cash = floor(units × nav / scale)`; the fraction of a minor unit
///   (less than one cent) is retained by the fund.
/// So no dealing creates value: the fund never pays out, nor issues units worth, more than it receives.
library FundRounding {
    /// @notice Decimals of the fund units (`MoneyMarketFundUnits.decimals()`).
    uint8 internal constant UNIT_DECIMALS = 4;
    /// @notice Decimals of the NAV per unit, in the fund's currency.
    uint8 internal constant NAV_DECIMALS = 4;
    /// @notice Basis points in 100%.
    uint256 internal constant BPS = 10_000;

    /// @notice 10^(UNIT_DECIMALS + NAV_DECIMALS − `minorUnits`).
    /// @param minorUnits the currency's ISO 4217 minor units (at most 8).
    /// @return the scale.
    function scaleFor(uint8 minorUnits) internal pure returns (uint256) {
        return 10 ** (uint256(UNIT_DECIMALS) + NAV_DECIMALS - minorUnits);
    }

    /// @notice Splits a subscription of `cash` minor units at `feeBps` and `nav` by the rule above.
    /// @param cash what the investor pays, minor units.
    /// @param feeBps the share class's subscription fee, basis points (at most 10,000).
    /// @param nav NAV per whole unit, 10^-NAV_DECIMALS of the currency (non-zero).
    /// @param scale `scaleFor(minor units)`.
    /// @return fee the fee, minor units (rounded down).
    /// @return net what the fund receives, minor units.
    /// @return units units issued, smallest unit (rounded down).
    function subscription(
        uint256 cash,
        uint256 feeBps,
        uint256 nav,
        uint256 scale
    ) internal pure returns (uint256 fee, uint256 net, uint256 units) {
        fee = (cash * feeBps) / BPS;
        net = cash - fee;
        units = (net * scale) / nav;
    }

    /// @notice What a redemption of `units` pays at `nav`: `floor(units × nav / scale)` minor units.
    /// @param units units redeemed, smallest unit.
    /// @param nav NAV per whole unit.
    /// @param scale `scaleFor(minor units)`.
    /// @return cash minor units (rounded down).
    function redemption(uint256 units, uint256 nav, uint256 scale) internal pure returns (uint256 cash) {
        cash = (units * nav) / scale;
    }
}
