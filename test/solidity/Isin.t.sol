// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Isin} from "../../contracts/libraries/Isin.sol";
import {SandboxTest} from "./utils/SandboxTest.sol";
import {vm} from "./utils/Vm.sol";

contract IsinTest is SandboxTest {
    function test_isValid_acceptsPublishedIsins() public pure {
        assertTrue(Isin.isValid("US0378331005"), "Apple");
        assertTrue(Isin.isValid("AU0000XVGZA3"), "Treasury Corp of Victoria");
        assertTrue(Isin.isValid("GB0002634946"), "BAE Systems");
    }

    function test_isValid_rejectsWrongShape() public pure {
        assertTrue(!Isin.isValid(""), "empty");
        assertTrue(!Isin.isValid("US037833100"), "11 characters");
        assertTrue(!Isin.isValid("US03783310055"), "13 characters");
        assertTrue(!Isin.isValid("us0378331005"), "lower-case country");
        assertTrue(!Isin.isValid("1S0378331005"), "digit in country");
        assertTrue(!Isin.isValid("US037833100X"), "letter as check digit");
        assertTrue(!Isin.isValid("US03783-1005"), "punctuation");
    }

    /// @dev Changing the check digit of a valid ISIN always invalidates it.
    function testFuzz_isValid_rejectsEveryOtherCheckDigit(uint8 digit) public pure {
        digit = uint8(bound(digit, 0, 9));
        vm.assume(digit != 5);
        bytes memory b = bytes("US0378331005");
        b[11] = bytes1(48 + digit);
        assertTrue(!Isin.isValid(string(b)), "wrong check digit accepted");
    }

    /// @dev Luhn catches every single-digit substitution in the body.
    function testFuzz_isValid_rejectsSingleDigitSubstitution(uint8 position, uint8 digit) public pure {
        bytes memory b = bytes("GB0002634946");
        position = uint8(bound(position, 2, 10));
        digit = uint8(bound(digit, 0, 9));
        vm.assume(uint8(b[position]) != 48 + digit);
        b[position] = bytes1(48 + digit);
        assertTrue(!Isin.isValid(string(b)), "substituted digit accepted");
    }
}
