// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {IParticipantRegistry, IParticipantRegistryErrors} from "../../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../../interfaces/ITokenErrors.sol";

/// @title ERC-20 extension: holders must be eligible in the participant registry
/// @notice Every balance change (transfer, transferFrom, mint, burn) asks the registry about both
/// non-zero sides and reverts with the registry's precise reason.
/// @dev Tokens narrow who may hold them by overriding `_checkHolder`; `_checkSender` exists so a
/// forced transfer can exempt its sender.
abstract contract ERC20Eligibility is ERC20, IParticipantRegistryErrors, ITokenErrors {
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

    /// @dev Checks the sender and the receiver, then moves the balance.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (from != address(0)) _checkSender(from);
        if (to != address(0)) _checkHolder(to);
        super._update(from, to, value);
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
