// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm, vm} from "./Vm.sol";

/// @title Base of this project's Solidity tests
/// @notice Assertions that revert with the values that differed, and `bound` for fuzz inputs.
abstract contract SandboxTest {
    /// @dev Foundry-style invariant targeting: the fuzzer calls only these contracts when set.
    address[] private _targetContracts;

    error AssertionFailed(string what);
    error AssertionFailedUint(string what, uint256 actual, uint256 expected);
    error AssertionFailedAddress(string what, address actual, address expected);

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @notice Read by the invariant fuzzer.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedUint(what, actual, expected);
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedAddress(what, actual, expected);
    }

    function assertLe(uint256 actual, uint256 limit, string memory what) internal pure {
        if (actual > limit) revert AssertionFailedUint(what, actual, limit);
    }

    /// @dev Maps `x` into [min, max] without discarding runs (same idea as forge-std's `bound`).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert AssertionFailed("bound: min > max");
        if (min == 0 && max == type(uint256).max) return x;
        return min + (x % (max - min + 1));
    }
}
