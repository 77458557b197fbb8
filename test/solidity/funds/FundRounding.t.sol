// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FundRounding} from "../../../contracts/funds/FundRounding.sol";
import {SandboxTest} from "../utils/SandboxTest.sol";

/// @title The fund's rounding rule, fuzzed: no dealing creates value, and the investor loses less than the stated remainder
/// @notice Units in 10^-4, NAV in 10^-4 HKD, cash in cents: scale 10^6. A subscription's units are worth
/// at most the net cash and less than one smallest unit's value below it (`nav / scale` cents); a
/// redemption pays at most the units' value and less than a cent below it; the fee is the exact floor.
contract FundRoundingTest is SandboxTest {
    uint256 private constant SCALE = 1e6;

    function test_scaleFor_hkd() public pure {
        assertEq(FundRounding.scaleFor(2), SCALE, "scale for 2 minor units");
        assertEq(FundRounding.scaleFor(0), 1e8, "scale for 0 minor units (JPY)");
    }

    function testFuzz_subscription_createsNoValue_losesLessThanOneSmallestUnit(uint256 cash, uint256 feeBps, uint256 nav) public pure {
        cash = bound(cash, 1, 1e15); // up to HK$10 trillion
        feeBps = bound(feeBps, 0, 500);
        nav = bound(nav, 1, 1e9); // up to HKD 100,000.0000 a unit
        (uint256 fee, uint256 net, uint256 units) = FundRounding.subscription(cash, feeBps, nav, SCALE);
        assertEq(fee + net, cash, "fee + net != cash paid");
        assertTrue(fee * 10_000 <= cash * feeBps && cash * feeBps < (fee + 1) * 10_000, "fee is not the floor");
        assertTrue(units * nav <= net * SCALE, "units worth more than the net cash: value created");
        assertTrue(net * SCALE - units * nav < nav, "investor lost a smallest unit's value or more");
    }

    function testFuzz_redemption_createsNoValue_losesLessThanOneCent(uint256 units, uint256 nav) public pure {
        units = bound(units, 1, 1e17);
        nav = bound(nav, 1, 1e9);
        uint256 cash = FundRounding.redemption(units, nav, SCALE);
        assertTrue(cash * SCALE <= units * nav, "paid more than the units are worth: value created");
        assertTrue(units * nav - cash * SCALE < SCALE, "investor lost a cent or more");
    }

    /// @dev Subscribing and redeeming at once at the same NAV never gives back more than was paid.
    function testFuzz_roundTrip_neverProfits(uint256 cash, uint256 nav) public pure {
        cash = bound(cash, 1, 1e15);
        nav = bound(nav, 1, 1e9);
        (, uint256 net, uint256 units) = FundRounding.subscription(cash, 0, nav, SCALE);
        assertLe(FundRounding.redemption(units, nav, SCALE), net, "round trip made money");
    }

    function test_edges() public pure {
        // One cent at HKD 10.0000 buys exactly ten smallest units; nothing left over.
        (, uint256 net, uint256 units) = FundRounding.subscription(1, 0, 100_000, SCALE);
        assertEq(units, 10, "one cent at 10.0000");
        assertEq(net * SCALE - units * 100_000, 0, "remainder at an exact price");
        // A fee of 0.10% on 999 cents rounds to zero; on 1,000 cents it is one cent.
        (uint256 fee999, , ) = FundRounding.subscription(999, 10, 100_123, SCALE);
        (uint256 fee1000, , ) = FundRounding.subscription(1_000, 10, 100_123, SCALE);
        assertEq(fee999, 0, "fee on 9.99");
        assertEq(fee1000, 1, "fee on 10.00");
        // Nine smallest units at 10.0123 are worth 0.90 cent: the redemption pays zero.
        assertEq(FundRounding.redemption(9, 100_123, SCALE), 0, "sub-cent redemption");
        assertEq(FundRounding.redemption(10_000, 100_123, SCALE), 1_001, "one unit at 10.0123");
    }
}
