// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Gas floor of a delivery-versus-payment settlement
/// @notice Does nothing but the two ERC-20 `transferFrom`s every DvP needs: the asset from seller to
/// buyer and the cash from buyer to seller, in one transaction. No matching, signatures, status or
/// eligibility: what a settlement costs above this is the price of its controls. Benchmark-only.
contract TwoTransfersReference {
    /// @notice `token` returned false from `transferFrom`.
    /// @param token the token that refused.
    error TransferRejected(address token);

    /// @notice Moves `quantity` of `asset` from `seller` to `buyer` and `amount` of `cash` back.
    /// @dev Requirements: both parties approved this contract on their token.
    /// @param asset the token delivered.
    /// @param cash the token paid.
    /// @param seller delivers the asset, receives the cash.
    /// @param buyer receives the asset, pays the cash.
    /// @param quantity units of `asset`.
    /// @param amount units of `cash`.
    function deliverAndPay(
        IERC20 asset,
        IERC20 cash,
        address seller,
        address buyer,
        uint256 quantity,
        uint256 amount
    ) external {
        if (!asset.transferFrom(seller, buyer, quantity)) revert TransferRejected(address(asset));
        if (!cash.transferFrom(buyer, seller, amount)) revert TransferRejected(address(cash));
    }
}
