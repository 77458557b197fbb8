// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A transaction whose gas depends on the clock
/// @notice Stores the time of its latest call, as FundDealing stores the time of a day's latest
/// order: a call in the same second as the last one rewrites the same value (100 gas), a call a
/// second later writes a new one (2,900 gas). Test-only: shows why a gas estimate made in one second
/// can be short for the block mined in the next.
contract ClockStamp {
    /// @notice The block timestamp of the latest `stamp` call.
    uint256 public lastStampedAt;

    /// @notice `stamp` was called at `time`.
    /// @param time the block timestamp stored.
    event Stamped(uint256 time);

    /// @notice Stores the current block timestamp.
    function stamp() external {
        lastStampedAt = block.timestamp;
        emit Stamped(block.timestamp);
    }
}
