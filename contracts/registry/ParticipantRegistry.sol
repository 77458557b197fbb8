// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IParticipantRegistry, Participant, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ParticipantWord, ParticipantWords} from "../libraries/ParticipantWords.sol";

/// @title Participant registry
/// @notice Keeps, for every address allowed on the ledger, its kind, jurisdiction, KYC expiry
/// and a ledger-wide freeze flag. Tokens ask it whether an address may hold and move them.
/// @dev A registrar (`REGISTRAR_ROLE`) maintains the list; the admin grants that role. Each record is
/// one packed word (`ParticipantWord`), so one cold storage read answers a token's eligibility check.
contract ParticipantRegistry is AccessControl, IParticipantRegistry {
    using ParticipantWords for ParticipantWord;

    /// @notice Role allowed to register, remove, freeze and renew participants.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    mapping(address account => ParticipantWord) private _participants;

    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `REGISTRAR_ROLE`.
    constructor(address admin) {
        if (admin == address(0)) revert ParticipantZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    /// @notice Registers `account` as a participant of `kind` in `jurisdiction`, KYC'd until `kycExpiry`.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `account` is non-zero and not registered;
    /// `kind` is not `None`; `jurisdiction` is ISO 3166-1 alpha-2; `kycExpiry` is in the future.
    /// @param account the participant's address.
    /// @param kind its role on the ledger.
    /// @param jurisdiction ISO 3166-1 alpha-2 code, e.g. "HK".
    /// @param kycExpiry unix time at which its KYC lapses.
    function registerParticipant(
        address account,
        ParticipantKind kind,
        bytes2 jurisdiction,
        uint64 kycExpiry
    ) external onlyRole(REGISTRAR_ROLE) {
        if (account == address(0)) revert ParticipantZeroAddress();
        ParticipantWord word = _participants[account];
        if (word.kind() != ParticipantKind.None) revert ParticipantAlreadyRegistered(account);
        if (kind == ParticipantKind.None) revert ParticipantInvalidKind(kind);
        if (!_isAlpha2(jurisdiction)) revert ParticipantInvalidJurisdiction(jurisdiction);
        _requireFutureExpiry(kycExpiry);

        // A freeze set before an earlier removal is kept (see `removeParticipant`).
        _participants[account] = ParticipantWords.pack(kind, jurisdiction, kycExpiry, word.frozen());
        emit ParticipantRegistered(account, kind, jurisdiction, kycExpiry);
    }

    /// @notice Removes `account` from the ledger; it can no longer receive or send any token.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `account` is registered. A freeze survives
    /// removal: registering the account again brings it back frozen, and only an explicit
    /// `setFrozen(account, false)` lifts it.
    /// @param account the participant to remove.
    function removeParticipant(address account) external onlyRole(REGISTRAR_ROLE) {
        ParticipantWord word = _requireRegistered(account);
        _participants[account] = ParticipantWords.pack(ParticipantKind.None, bytes2(0), 0, word.frozen());
        emit ParticipantRemoved(account);
    }

    /// @notice Sets `account`'s KYC expiry to `kycExpiry` (renewal after a periodic review).
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `account` is registered; `kycExpiry` is in the future.
    /// @param account the participant.
    /// @param kycExpiry the new unix time at which its KYC lapses.
    function updateKycExpiry(address account, uint64 kycExpiry) external onlyRole(REGISTRAR_ROLE) {
        ParticipantWord word = _requireRegistered(account);
        _requireFutureExpiry(kycExpiry);
        _participants[account] = word.withKycExpiry(kycExpiry);
        emit KycExpiryUpdated(account, kycExpiry);
    }

    /// @notice Freezes (`frozen` true) or unfreezes `account` on every token of the ledger.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `account` is registered.
    /// @param account the participant.
    /// @param frozen the new freeze flag.
    function setFrozen(address account, bool frozen) external onlyRole(REGISTRAR_ROLE) {
        ParticipantWord word = _requireRegistered(account);
        _participants[account] = word.withFrozen(frozen);
        emit ParticipantFreezeUpdated(account, frozen);
    }

    /// @inheritdoc IParticipantRegistry
    function participantOf(address account) external view returns (Participant memory) {
        return _participants[account].unpack();
    }

    /// @inheritdoc IParticipantRegistry
    function isEligible(address account) external view returns (bool) {
        return _participants[account].isEligible();
    }

    /// @inheritdoc IParticipantRegistry
    function requireEligible(address account) external view returns (ParticipantKind kind) {
        return _participants[account].requireEligible(account);
    }

    /// @inheritdoc IParticipantRegistry
    function participantWords(
        address from,
        address to
    ) external view returns (ParticipantWord fromWord, ParticipantWord toWord) {
        // The zero word for the zero address, without a storage read (nothing is ever registered there).
        if (from != address(0)) fromWord = _participants[from];
        if (to != address(0)) toWord = _participants[to];
    }

    function _requireRegistered(address account) private view returns (ParticipantWord word) {
        word = _participants[account];
        if (word.kind() == ParticipantKind.None) revert ParticipantNotRegistered(account);
    }

    function _requireFutureExpiry(uint64 kycExpiry) private view {
        if (kycExpiry <= block.timestamp) revert ParticipantInvalidKycExpiry(kycExpiry, block.timestamp);
    }

    function _isAlpha2(bytes2 code) private pure returns (bool) {
        return _isUpper(code[0]) && _isUpper(code[1]);
    }

    function _isUpper(bytes1 c) private pure returns (bool) {
        return c >= "A" && c <= "Z";
    }
}
