// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITransferCompliance} from "../../interfaces/ITransferCompliance.sol";
import {ERC20PackedBalances} from "./ERC20PackedBalances.sol";

/// @title ERC-20 extension: one set of transfer rules, checked on every balance change and readable as a view
/// @notice Every rule a transfer must pass apart from the balance itself — eligibility, freeze,
/// pause, maturity — is a `_checkTransfer` override, run by `_update` before any balance moves.
/// `checkTransfer` runs the same rules without moving anything, so a settlement engine can ask
/// whether each gross leg of a netted batch would settle on its own.
/// @dev Extensions override `_checkTransfer` and call `super._checkTransfer` first; they do not
/// override `_update` for rules, so the view and the transfer can never disagree. Balances are kept
/// packed with each account's flags (`ERC20PackedBalances`), so a per-account rule reads the slot the
/// transfer reads for the balance.
abstract contract ERC20Compliance is ERC20PackedBalances, ITransferCompliance {
    /// @notice Reverts with the rule's own error unless a transfer of `amount` from `from` to `to`
    /// would pass every rule of this token other than `from`'s balance. Zero `from` checks a mint,
    /// zero `to` a burn.
    /// @param from the sender (zero for a mint).
    /// @param to the receiver (zero for a burn).
    /// @param amount the amount.
    function checkTransfer(address from, address to, uint256 amount) external view {
        _checkTransfer(from, to, amount);
    }

    /// @dev The token's transfer rules; reverts with the failing rule's error. This base has no rule of
    /// its own: each extension adds one and calls `super` first.
    // solhint-disable-next-line no-empty-blocks
    function _checkTransfer(address from, address to, uint256 amount) internal view virtual {}

    /// @dev Checks the rules, then moves the balance.
    function _update(address from, address to, uint256 value) internal virtual override {
        _checkTransfer(from, to, value);
        super._update(from, to, value);
    }
}
