// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ERC-20 that refuses transfers by returning false
/// @notice Models a token that signals failure with a `false` return value instead of reverting.
/// `transfer` and `transferFrom` move nothing and return false; `mint` and `approve` work, so a test
/// can give a party a balance and an allowance that would otherwise suffice. Test-only.
contract ERC20ReturnFalseMock is ERC20 {
    /// @param name_ token name.
    /// @param symbol_ token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Creates `amount` tokens for `to`. Anyone may call.
    /// @param to the receiver.
    /// @param amount the amount to create.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Moves nothing.
    /// @return always false.
    function transfer(address, uint256) public pure override returns (bool) {
        return false;
    }

    /// @notice Moves nothing.
    /// @return always false.
    function transferFrom(address, address, uint256) public pure override returns (bool) {
        return false;
    }
}
