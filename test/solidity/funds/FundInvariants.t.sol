// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {FundFixture, ADMINISTRATOR_KEY, IMPOSTOR_KEY} from "./FundFixture.sol";
import {FundActors, FundHandler} from "./FundHandler.sol";
import {vm} from "../utils/Vm.sol";

/// @title Invariants of fund dealing under random use: units outstanding × NAV reconciles with the fund's cash
/// @notice The fund holds only cash (the trustee's deposit at bank B), and the administrator strikes
/// the NAV from it each dealing day, so after every call, for the NAV in force:
/// `0 ≤ fund cash × scale − units outstanding × NAV ≤ slack`, where slack is what the rounding rule
/// allows since the strike (see `FundHandler`): the fund never holds less than its units are worth (no
/// dealing creates value) and never more than the stated remainders. The dealing contract's custody
/// holds exactly the units of open redemptions and the cash of open subscriptions, never wCBDC
/// (wCBDC mode), even when an investor withdraws its allowance after placing its order.
/// Running this file alone, name the handler's and fixture's files too
/// (`npx hardhat test solidity test/solidity/funds/FundInvariants.t.sol test/solidity/funds/FundHandler.sol test/solidity/funds/FundFixture.sol`).
contract FundInvariantsTest is FundFixture {
    FundHandler private handler;

    /// @dev A refusal missed or with the wrong error, or a wrong move; `what` is the handler call or the error.
    error WrongOutcome(bytes4 what, bytes detail);

    function setUp() public override {
        super.setUp();
        vm.warp(START_HKT_10AM);
        // The fund starts empty: no cash, no units (its cash is what subscriptions bring).
        uint256 openingCash = depB.balanceOf(trustee);
        vm.prank(bankB);
        depB.burn(trustee, openingCash);
        address[] memory investors = new address[](3);
        address[] memory cash = new address[](3);
        (investors[0], cash[0]) = (alice, address(depA));
        (investors[1], cash[1]) = (bob, address(depA));
        (investors[2], cash[2]) = (carol, address(depB));
        handler = new FundHandler(
            FundActors({
                dealing: dealing,
                units: units,
                fundCash: IERC20(address(depB)),
                trustee: trustee,
                transferAgent: transferAgent,
                administratorKey: ADMINISTRATOR_KEY,
                impostorKey: IMPOSTOR_KEY,
                investors: investors,
                investorCash: cash
            })
        );
        targetContract(address(handler));
    }

    /// @dev 2026-01-01 (a Thursday) 10:00 HKT.
    uint256 private constant START_HKT_10AM = 1_767_225_600 + 2 hours;

    function invariant_unitsTimesNavReconcileWithFundCash() public view {
        uint256 nav = handler.navToday();
        if (nav == 0) return;
        uint256 assets = depB.balanceOf(trustee) * 1e6;
        uint256 liability = units.totalSupply() * nav;
        assertTrue(assets >= liability, "units outstanding are worth more than the fund's cash: value created");
        assertLe(assets - liability, handler.slack(), "the fund kept more than the rounding rule allows");
    }

    function invariant_custodyHoldsOpenOrdersOnly() public view {
        assertEq(units.balanceOf(address(dealing)), handler.ghostCustody(), "custody != units of open redemptions");
        assertEq(depA.balanceOf(address(dealing)) + depB.balanceOf(address(dealing)), handler.ghostCashCustody(), "custody != cash of open subscriptions");
        assertEq(wcbdc.balanceOf(address(dealing)), 0, "the dealing contract holds wCBDC");
        if (handler.ghostWrongOutcomes() != 0) revert WrongOutcome(handler.lastWrong(), handler.lastWrongDetail());
    }

    function afterInvariant() public view {
        assertTrue(handler.successfulCalls() >= 1, "a run in which no call succeeded");
    }

    /// @dev 400 pseudo-random calls from one seed reach every entry point and every refusal; the invariants hold.
    function test_handler_pseudoRandomUse_reachesEveryEntryPoint() public {
        for (uint256 i = 0; i < 400; ++i) {
            uint256 r = uint256(keccak256(abi.encode("fund", i)));
            uint256 a = uint256(keccak256(abi.encode(r, 1)));
            uint256 pick = r % 18;
            if (pick == 17) handler.walkAway(a);
            else if (pick == 16) handler.freeze(a);
            else if (pick < 5) handler.subscribe(a, r >> 8);
            else if (pick < 8) handler.redeem(a, r >> 8);
            else if (pick < 9) handler.cancelLate(a);
            else if (pick < 10) handler.strikeNav(a);
            else if (pick < 14) handler.settle(a, (r >> 4) % 5 == 0);
            else if (pick < 15 || handler.navToday() != 0) handler.newDay(a);
            invariant_unitsTimesNavReconcileWithFundCash();
            invariant_custodyHoldsOpenOrdersOnly();
        }
        assertTrue(handler.subscriptionsSettled() > 0 && handler.redemptionsSettled() > 0, "no dealing settled");
        assertTrue(handler.navsPublished() > 1 && handler.newDays() > 1, "fewer than two dealing days");
        assertTrue(handler.cancellations() > 0, "no order cancelled");
        assertTrue(handler.refusedImpostorNav() > 0 && handler.refusedNoNav() > 0, "no NAV refusal");
        assertTrue(handler.refusedWrongSettler() > 0 && handler.refusedLateCancel() > 0, "no settler or cancel refusal");
        assertTrue(handler.freezes() > 0 && handler.refusedFrozenOrder() > 0, "no freeze or refused frozen order");
        assertTrue(handler.refusedFrozenDealing() > 0, "no dealing refused for a frozen investor");
        assertTrue(handler.walkAways() > 0, "no investor withdrew its allowance from an open order");
        afterInvariant();
    }
}
