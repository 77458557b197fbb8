// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The compliance view of a ledger token (`ERC20Compliance.checkTransfer`)
interface ITransferCompliance {
    /// @notice Reverts with the rule's own error unless a transfer of `amount` from `from` to `to`
    /// would pass every rule of the token other than `from`'s balance (zero `from`: a mint).
    function checkTransfer(address from, address to, uint256 amount) external view;
}
