// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {ERC20PackedBalances} from "../../tokens/extensions/ERC20PackedBalances.sol";

/// @title `ERC20PackedBalances` with open mint, burn and flag setters, for its tests
/// @notice Test-only: anyone may mint, burn and set any account's flags.
contract ERC20PackedBalancesMock is ERC20PackedBalances {
    constructor() ERC20("Packed", "PK") {}

    /// @notice Creates `amount` for `to`.
    /// @param to the receiver.
    /// @param amount the amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` of `from`'s balance.
    /// @param from the holder.
    /// @param amount the amount.
    function burn(address from, uint256 amount) external {
        _burn(from, amount);
    }

    /// @notice Sets or clears flag `bit` of `account`.
    /// @param account the holder.
    /// @param bit the flag (0–7).
    /// @param value the new flag.
    function setFlag(address account, uint8 bit, bool value) external {
        _setAccountFlag(account, bit, value);
    }

    /// @notice Flag `bit` of `account`.
    /// @param account the holder.
    /// @param bit the flag (0–7).
    /// @return whether it is set.
    function flag(address account, uint8 bit) external view returns (bool) {
        return _accountFlag(account, bit);
    }
}
