// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Plain ERC-20 for tests and gas baselines
/// @notice OpenZeppelin's ERC-20 with no rules of its own and a public `mint`. Test-only: anyone may mint.
contract ERC20Mock is ERC20 {
    /// @param name_ token name.
    /// @param symbol_ token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Creates `amount` tokens for `to`. Anyone may call.
    /// @param to the receiver.
    /// @param amount the amount to create.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
