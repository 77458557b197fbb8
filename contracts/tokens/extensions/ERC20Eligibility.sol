// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistry, IParticipantRegistryErrors} from "../../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../../interfaces/ITokenErrors.sol";
import {ParticipantWord, ParticipantWords} from "../../libraries/ParticipantWords.sol";
import {ERC20Compliance} from "./ERC20Compliance.sol";

/// @title ERC-20 extension: holders, and spenders, must be eligible in the participant registry
/// @notice Every balance change (transfer, transferFrom, mint, burn) asks the registry about both
/// non-zero sides and reverts with the registry's precise reason. A `transferFrom` also asks about
/// the spender: an allowance lets only an eligible participant (e.g. the registered settlement
/// engine) move a holder's tokens, and removing a contract from the registry stops it at once.
/// @dev One registry call per balance change answers every side (`participantWords`: one packed word,
/// one storage read per account), and the rule is applied here to the words (`ParticipantWords`),
/// with the registry's own errors; a `transferFrom` asks about its spender first, before the
/// allowance. Tokens narrow who may hold them by overriding `_checkHolder`; `_checkSender` exists so
/// a forced transfer can exempt its sender.
abstract contract ERC20Eligibility is ERC20Compliance, IParticipantRegistryErrors, ITokenErrors {
    using ParticipantWords for ParticipantWord;

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

    /// @dev Checks the sender and the receiver, on their records read in one registry call.
    function _checkTransfer(address from, address to, uint256 amount) internal view virtual override {
        super._checkTransfer(from, to, amount);
        (ParticipantWord fromWord, ParticipantWord toWord) = _registry.participantWords(from, to);
        if (from != address(0)) _checkSender(from, fromWord);
        if (to != address(0)) _checkHolder(to, toWord);
    }

    /// @dev Reverts unless `from`, whose registry record is `word`, may send. Defaults to the holder rule.
    function _checkSender(address from, ParticipantWord word) internal view virtual {
        _checkHolder(from, word);
    }

    /// @dev Reverts unless `account`, whose registry record is `word`, may hold this token. Defaults
    /// to registry eligibility; a token that admits only some kinds reads the kind from `word`.
    function _checkHolder(address account, ParticipantWord word) internal view virtual {
        word.requireEligible(account);
    }
}
