// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ERC-20 that calls back into a contract in the middle of `transferFrom`
/// @notice Models a hostile token used as a settlement leg: before moving the balance, `transferFrom`
/// makes one scheduled call (e.g. into the settlement engine that is calling it). In `bubble` mode a
/// failed call-back reverts the transfer with the call-back's own revert data; otherwise the failure is
/// recorded and the transfer goes ahead. Test-only: anyone may mint and schedule.
contract ERC20ReentrantMock is ERC20 {
    address private _target;
    bytes private _data;
    bool private _bubble;

    /// @notice Whether the last call-back succeeded (only written when `bubble` is off).
    bool public lastReentrySucceeded;
    /// @notice The return or revert data of the last call-back (only written when `bubble` is off).
    bytes public lastReentryResult;

    /// @notice Emitted after a call-back whose failure did not stop the transfer.
    event ReentryAttempted(address indexed target, bool success, bytes result);

    /// @param name_ token name.
    /// @param symbol_ token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Creates `amount` tokens for `to`. Anyone may call.
    /// @param to the receiver.
    /// @param amount the amount to create.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Schedules the call-back every later `transferFrom` makes: `data` sent to `target`.
    /// @dev A zero `target` turns the call-back off.
    /// @param target the contract to call back.
    /// @param data the calldata of the call-back.
    /// @param bubble true to revert the transfer with the call-back's revert data when it fails.
    function scheduleReentry(address target, bytes calldata data, bool bubble) external {
        _target = target;
        _data = data;
        _bubble = bubble;
    }

    /// @notice Makes the scheduled call-back, then transfers like any ERC-20.
    /// @param from the holder.
    /// @param to the receiver.
    /// @param value the amount.
    /// @return true, as ERC-20 requires.
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (_target != address(0)) _reenter();
        return super.transferFrom(from, to, value);
    }

    function _reenter() private {
        // A low-level call, so that a failure can either be bubbled up or recorded.
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory result) = _target.call(_data);
        if (_bubble) {
            Address.verifyCallResult(success, result);
            return;
        }
        lastReentrySucceeded = success;
        lastReentryResult = result;
        emit ReentryAttempted(_target, success, result);
    }
}
