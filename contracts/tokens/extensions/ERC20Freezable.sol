// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITokenErrors} from "../../interfaces/ITokenErrors.sol";
import {ERC20Compliance} from "./ERC20Compliance.sol";

/// @title ERC-20 extension: accounts frozen on this token
/// @notice A frozen account can neither send nor receive this token (it keeps its balance), nor
/// spend an allowance of it: a settlement contract frozen on this token moves none of it.
/// @dev The inheriting token exposes `_setFrozen` behind its own role. The flag is bit 0 of the
/// account's word (`ERC20PackedBalances`), so checking it costs no storage read beyond the balance's.
abstract contract ERC20Freezable is ERC20Compliance, ITokenErrors {
    uint8 private constant FROZEN_FLAG = 0;

    /// @notice Emitted when `account` is frozen (`frozen` true) or unfrozen on this token.
    event AccountFreezeUpdated(address indexed account, bool frozen);

    /// @notice Whether `account` is frozen on this token.
    /// @param account the holder.
    /// @return true when frozen.
    function isFrozen(address account) public view returns (bool) {
        return _accountFlag(account, FROZEN_FLAG);
    }

    function _setFrozen(address account, bool frozen) internal {
        if (account == address(0)) revert ZeroAddress();
        _setAccountFlag(account, FROZEN_FLAG, frozen);
        emit AccountFreezeUpdated(account, frozen);
    }

    /// @dev Reverts with `AccountFrozen` if either non-zero side is frozen.
    function _checkTransfer(address from, address to, uint256 amount) internal view virtual override {
        super._checkTransfer(from, to, amount);
        if (from != address(0)) _checkNotFrozenSender(from);
        if (to != address(0) && isFrozen(to)) revert AccountFrozen(to);
    }

    /// @dev Reverts with `AccountFrozen` if the spender is frozen on this token, then spends the
    /// allowance: every `transferFrom` and allowance-based burn comes through here.
    function _spendAllowance(address owner, address spender, uint256 value) internal virtual override {
        if (isFrozen(spender)) revert AccountFrozen(spender);
        super._spendAllowance(owner, spender, value);
    }

    /// @dev Reverts if `from` is frozen; a forced transfer may override this to exempt its sender.
    function _checkNotFrozenSender(address from) internal view virtual {
        if (isFrozen(from)) revert AccountFrozen(from);
    }
}
