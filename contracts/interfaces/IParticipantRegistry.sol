// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ParticipantWord} from "../libraries/ParticipantWords.sol";

/// @notice The role a participant plays on the ledger.
/// @dev `None` marks an address that was never registered (or was removed). `Infrastructure` is a
/// financial market infrastructure contract (settlement engine, paying agent, escrow) that holds
/// tokens only while it settles them.
enum ParticipantKind {
    None,
    CentralBank,
    CommercialBank,
    Dealer,
    Investor,
    Issuer,
    Infrastructure
}

/// @notice What the registry knows of one participant. Stored packed into one word (`ParticipantWord`).
/// @param kind the participant's role.
/// @param jurisdiction ISO 3166-1 alpha-2 country code, e.g. "HK".
/// @param kycExpiry unix time at which the participant's KYC lapses; eligible strictly before it.
/// @param frozen true while a registrar has frozen the participant everywhere on the ledger.
struct Participant {
    ParticipantKind kind;
    bytes2 jurisdiction;
    uint64 kycExpiry;
    bool frozen;
}

/// @title Errors of the participant registry
/// @notice Raised by the registry and, through its checks, by every token that asks it.
interface IParticipantRegistryErrors {
    /// @notice `account` has never been registered (or was removed).
    /// @param account the address that is not a participant.
    error ParticipantNotRegistered(address account);

    /// @notice `account` is already registered.
    /// @param account the address that is already a participant.
    error ParticipantAlreadyRegistered(address account);

    /// @notice `account`'s KYC lapsed at `kycExpiry`.
    /// @param account the participant whose KYC is out of date.
    /// @param kycExpiry the unix time at which it lapsed.
    error ParticipantKycExpired(address account, uint64 kycExpiry);

    /// @notice `account` is frozen on the whole ledger.
    /// @param account the frozen participant.
    error ParticipantFrozen(address account);

    /// @notice The zero address cannot be a participant.
    error ParticipantZeroAddress();

    /// @notice `kind` is not a kind a participant can be registered as.
    /// @param kind the rejected kind.
    error ParticipantInvalidKind(ParticipantKind kind);

    /// @notice `jurisdiction` is not two upper-case ASCII letters (ISO 3166-1 alpha-2).
    /// @param jurisdiction the rejected code.
    error ParticipantInvalidJurisdiction(bytes2 jurisdiction);

    /// @notice `kycExpiry` is not in the future.
    /// @param kycExpiry the rejected unix time.
    /// @param now_ the current block time.
    error ParticipantInvalidKycExpiry(uint64 kycExpiry, uint256 now_);
}

/// @title Participant registry
/// @notice The ledger's eligibility and identity list (ERC-3643-like, lean): who may hold and move tokens.
interface IParticipantRegistry is IParticipantRegistryErrors {
    /// @notice Emitted when `account` joins the ledger.
    event ParticipantRegistered(
        address indexed account,
        ParticipantKind kind,
        bytes2 jurisdiction,
        uint64 kycExpiry
    );

    /// @notice Emitted when `account` leaves the ledger.
    event ParticipantRemoved(address indexed account);

    /// @notice Emitted when `account`'s KYC is renewed or shortened.
    event KycExpiryUpdated(address indexed account, uint64 kycExpiry);

    /// @notice Emitted when `account` is frozen (`frozen` true) or unfrozen.
    event ParticipantFreezeUpdated(address indexed account, bool frozen);

    /// @notice What the registry holds for `account` (kind `None` when unregistered).
    /// @param account the address to look up.
    /// @return the participant record.
    function participantOf(address account) external view returns (Participant memory);

    /// @notice Whether `account` is registered, unfrozen and within its KYC validity now.
    /// @param account the address to check.
    /// @return true when it may hold and move tokens.
    function isEligible(address account) external view returns (bool);

    /// @notice Reverts with the precise reason unless `account` is eligible now.
    /// @dev Reverts with `ParticipantNotRegistered`, `ParticipantFrozen` or `ParticipantKycExpired`.
    /// @param account the address to check.
    /// @return kind the participant's kind, for tokens that admit only some kinds.
    function requireEligible(address account) external view returns (ParticipantKind kind);

    /// @notice The packed records of a transfer's two sides in one call, so that a token checks both
    /// with one call and one storage read per account.
    /// @dev The zero address (a mint's sender, a burn's receiver) reads as the zero word (not
    /// registered) without touching storage. A token checks a word with `ParticipantWords.requireEligible`.
    /// @param from the sender, or zero.
    /// @param to the receiver, or zero.
    /// @return fromWord `from`'s record.
    /// @return toWord `to`'s record.
    function participantWords(
        address from,
        address to
    ) external view returns (ParticipantWord fromWord, ParticipantWord toWord);
}
