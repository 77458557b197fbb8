// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistry, IParticipantRegistryErrors} from "../../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../../interfaces/ITokenErrors.sol";
import {ERC20Compliance} from "./ERC20Compliance.sol";

/// @title ERC-20 extension: holders, and spenders, must be eligible in the participant registry
/// @notice Every balance change (transfer, transferFrom, mint, burn) asks the registry about both
/// non-zero sides and reverts with the registry's precise reason. A `transferFrom` also asks about
/// the spender: an allowance lets only an eligible participant (e.g. the registered settlement
/// engine) move a holder's tokens, and removing a contract from the registry stops it at once.
/// @dev Tokens narrow who may hold them by overriding `_checkHolder`; `_checkSender` exists so a
/// forced transfer can exempt its sender.
abstract contract ERC20Eligibility is ERC20Compliance, IParticipantRegistryErrors, ITokenErrors {
    IParticipantRegistry private immutable _registry;

    constructor(IParticipantRegistry registry_) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        _registry = registry_;
    }

    /// @notice The participant registry this token asks.
    /// @return the registry.
    function registry() public view returns (IParticipantRegistry) {
        return _registry;
    }

    /// @notice Moves `value` from `from` to `to` on `from`'s allowance to the caller.
    /// @dev Requirements: the caller (spender) is eligible in the registry; then as ERC-20 `transferFrom`.
    /// @param from the holder.
    /// @param to the receiver.
    /// @param value the amount.
    /// @return true.
    function transferFrom(address from, address to, uint256 value) public virtual override returns (bool) {
        _registry.requireEligible(_msgSender());
        return super.transferFrom(from, to, value);
    }

    /// @dev Checks the sender and the receiver.
    function _checkTransfer(address from, address to, uint256 amount) internal view virtual override {
        super._checkTransfer(from, to, amount);
        if (from != address(0)) _checkSender(from);
        if (to != address(0)) _checkHolder(to);
    }

    /// @dev Reverts unless `from` may send. Defaults to the holder rule.
    function _checkSender(address from) internal view virtual {
        _checkHolder(from);
    }

    /// @dev Reverts unless `account` may hold this token. Defaults to registry eligibility.
    function _checkHolder(address account) internal view virtual {
        _registry.requireEligible(account);
    }
}
