// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistryErrors, Participant, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";

/// @notice A participant's record packed into one word: what the registry stores per account, and
/// what a token reads in one call and one cold storage read to decide whether an account may hold
/// and move it. Zero is "not registered".
/// @dev Layout, from the lowest bit: kind (bits 0–7), jurisdiction (8–23, ISO 3166-1 alpha-2 as
/// `bytes2`), KYC expiry (24–87, unix time), frozen (bit 88).
type ParticipantWord is uint256;

/// @title Packing, reading and checking a `ParticipantWord`
/// @notice `requireEligible` is the one eligibility rule of the ledger: the registry's own
/// `requireEligible` and every token's check of a holder or a spender run it on the same word.
library ParticipantWords {
    uint256 private constant JURISDICTION_SHIFT = 8;
    uint256 private constant KYC_EXPIRY_SHIFT = 24;
    uint256 private constant FROZEN_BIT = 1 << 88;

    /// @notice Packs a participant's record.
    /// @param kind its role.
    /// @param jurisdiction ISO 3166-1 alpha-2 code.
    /// @param kycExpiry unix time at which its KYC lapses.
    /// @param frozen whether it is frozen ledger-wide.
    /// @return the packed word.
    function pack(
        ParticipantKind kind,
        bytes2 jurisdiction,
        uint64 kycExpiry,
        bool frozen
    ) internal pure returns (ParticipantWord) {
        return ParticipantWord.wrap(
            uint256(kind) |
                (uint256(uint16(jurisdiction)) << JURISDICTION_SHIFT) |
                (uint256(kycExpiry) << KYC_EXPIRY_SHIFT) |
                (frozen ? FROZEN_BIT : 0)
        );
    }

    /// @notice The participant's role (`None` when not registered).
    /// @param word the packed record.
    /// @return its kind.
    function kind(ParticipantWord word) internal pure returns (ParticipantKind) {
        return ParticipantKind(uint8(ParticipantWord.unwrap(word)));
    }

    /// @notice The participant's jurisdiction.
    /// @param word the packed record.
    /// @return ISO 3166-1 alpha-2 code (zero when not registered).
    function jurisdiction(ParticipantWord word) internal pure returns (bytes2) {
        return bytes2(uint16(ParticipantWord.unwrap(word) >> JURISDICTION_SHIFT));
    }

    /// @notice When the participant's KYC lapses.
    /// @param word the packed record.
    /// @return unix time (zero when not registered).
    function kycExpiry(ParticipantWord word) internal pure returns (uint64) {
        return uint64(ParticipantWord.unwrap(word) >> KYC_EXPIRY_SHIFT);
    }

    /// @notice Whether the participant is frozen ledger-wide (kept across a removal).
    /// @param word the packed record.
    /// @return true when frozen.
    function frozen(ParticipantWord word) internal pure returns (bool) {
        return ParticipantWord.unwrap(word) & FROZEN_BIT != 0;
    }

    /// @notice The same word with the frozen flag set to `value`.
    /// @param word the packed record.
    /// @param value the new flag.
    /// @return the updated word.
    function withFrozen(ParticipantWord word, bool value) internal pure returns (ParticipantWord) {
        uint256 w = ParticipantWord.unwrap(word) & ~FROZEN_BIT;
        return ParticipantWord.wrap(value ? w | FROZEN_BIT : w);
    }

    /// @notice The same word with the KYC expiry set to `value`.
    /// @param word the packed record.
    /// @param value the new unix time.
    /// @return the updated word.
    function withKycExpiry(ParticipantWord word, uint64 value) internal pure returns (ParticipantWord) {
        uint256 w = ParticipantWord.unwrap(word) & ~(uint256(type(uint64).max) << KYC_EXPIRY_SHIFT);
        return ParticipantWord.wrap(w | (uint256(value) << KYC_EXPIRY_SHIFT));
    }

    /// @notice The record as the registry's `Participant` struct.
    /// @param word the packed record.
    /// @return p the unpacked record.
    function unpack(ParticipantWord word) internal pure returns (Participant memory p) {
        p = Participant(kind(word), jurisdiction(word), kycExpiry(word), frozen(word));
    }

    /// @notice Whether the participant may hold and move tokens now: registered, unfrozen, KYC valid.
    /// @param word the packed record.
    /// @return true when eligible.
    function isEligible(ParticipantWord word) internal view returns (bool) {
        return kind(word) != ParticipantKind.None && !frozen(word) && block.timestamp < kycExpiry(word);
    }

    /// @notice Reverts with the precise reason unless `account`, whose record is `word`, is eligible now.
    /// @dev Reverts `ParticipantNotRegistered`, `ParticipantFrozen` or `ParticipantKycExpired`, checked in that order.
    /// @param word `account`'s packed record.
    /// @param account the address the record belongs to (the errors' evidence).
    /// @return k the participant's kind.
    function requireEligible(ParticipantWord word, address account) internal view returns (ParticipantKind k) {
        k = kind(word);
        if (k == ParticipantKind.None) revert IParticipantRegistryErrors.ParticipantNotRegistered(account);
        if (frozen(word)) revert IParticipantRegistryErrors.ParticipantFrozen(account);
        uint64 expiry = kycExpiry(word);
        if (block.timestamp >= expiry) revert IParticipantRegistryErrors.ParticipantKycExpired(account, expiry);
    }
}
