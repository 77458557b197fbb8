// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ERC20PackedBalances} from "../../../contracts/tokens/extensions/ERC20PackedBalances.sol";
import {ERC20PackedBalancesMock} from "../../../contracts/mocks/token/ERC20PackedBalancesMock.sol";
import {SandboxTest} from "../utils/SandboxTest.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A balance and the token's flags on its account share one storage word: neither may ever
/// change the other, and the supply cap keeps every balance out of the flag bits.
contract PackedBalancesTest is SandboxTest {
    ERC20PackedBalancesMock private token;
    address private constant ALICE = address(0xA11CE);
    address private constant BOB = address(0xB0B);

    function setUp() public {
        token = new ERC20PackedBalancesMock();
    }

    /// @dev Setting and clearing any flag leaves the balance and the supply as they were, and the
    /// other flags too.
    function testFuzz_setFlag_neverChangesBalanceOrOtherFlags(uint256 balance, uint8 bit, uint8 other) public {
        balance = bound(balance, 0, token.SUPPLY_CAP());
        bit = uint8(bound(bit, 0, 7));
        other = uint8(bound(other, 0, 7));
        vm.assume(other != bit);
        token.mint(ALICE, balance);
        token.setFlag(ALICE, other, true);

        token.setFlag(ALICE, bit, true);
        assertTrue(token.flag(ALICE, bit), "flag not set");
        assertEq(token.balanceOf(ALICE), balance, "balance changed by setting a flag");
        token.setFlag(ALICE, bit, false);
        assertTrue(!token.flag(ALICE, bit), "flag not cleared");
        assertEq(token.balanceOf(ALICE), balance, "balance changed by clearing a flag");
        assertTrue(token.flag(ALICE, other), "another flag changed");
        assertEq(token.totalSupply(), balance, "supply changed");
    }

    /// @dev Moving balances in and out, down to zero and up to the cap, leaves every flag of both
    /// accounts as it was; balances and supply add up.
    function testFuzz_transfers_neverChangeFlags(uint256 minted, uint256 moved, uint256 burned, uint8 flags) public {
        minted = bound(minted, 0, token.SUPPLY_CAP());
        moved = bound(moved, 0, minted);
        burned = bound(burned, 0, moved);
        for (uint8 bit = 0; bit < 8; ++bit) {
            token.setFlag(ALICE, bit, (flags >> bit) & 1 == 1);
            token.setFlag(BOB, bit, (flags >> bit) & 1 == 0);
        }
        token.mint(ALICE, minted);
        vm.prank(ALICE);
        token.transfer(BOB, moved);
        token.burn(BOB, burned);

        assertEq(token.balanceOf(ALICE), minted - moved, "sender balance");
        assertEq(token.balanceOf(BOB), moved - burned, "receiver balance");
        assertEq(token.totalSupply(), minted - burned, "supply");
        for (uint8 bit = 0; bit < 8; ++bit) {
            assertTrue(token.flag(ALICE, bit) == ((flags >> bit) & 1 == 1), "sender flag changed");
            assertTrue(token.flag(BOB, bit) == ((flags >> bit) & 1 == 0), "receiver flag changed");
        }
    }

    /// @dev A self-transfer keeps the balance and the flags.
    function test_transfer_toSelfKeepsBalanceAndFlags() public {
        token.mint(ALICE, 100);
        token.setFlag(ALICE, 7, true);
        vm.prank(ALICE);
        token.transfer(ALICE, 60);
        assertEq(token.balanceOf(ALICE), 100, "balance");
        assertTrue(token.flag(ALICE, 7), "flag");
    }

    function test_transfer_revertsWithERC20InsufficientBalance_evenWithFlagsSet() public {
        token.mint(ALICE, 10);
        token.setFlag(ALICE, 7, true);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, ALICE, 10, 11));
        vm.prank(ALICE);
        token.transfer(BOB, 11);
    }

    function test_mint_reachesTheSupplyCapExactly() public {
        token.setFlag(ALICE, 0, true);
        token.mint(ALICE, token.SUPPLY_CAP());
        assertEq(token.balanceOf(ALICE), token.SUPPLY_CAP(), "balance at the cap");
        assertTrue(token.flag(ALICE, 0), "flag kept at the cap");
    }

    function test_mint_revertsWithERC20SupplyCapExceeded() public {
        uint256 cap = token.SUPPLY_CAP();
        token.mint(ALICE, cap - 5);
        vm.expectRevert(abi.encodeWithSelector(ERC20PackedBalances.ERC20SupplyCapExceeded.selector, cap - 5, 6));
        token.mint(BOB, 6);
    }

    function test_mint_revertsWithERC20SupplyCapExceeded_forTheLargestAmount() public {
        vm.expectRevert(
            abi.encodeWithSelector(ERC20PackedBalances.ERC20SupplyCapExceeded.selector, 0, type(uint256).max)
        );
        token.mint(ALICE, type(uint256).max);
    }
}
