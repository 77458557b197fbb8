// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ParticipantKind} from "./IParticipantRegistry.sol";

/// @title Errors shared by the ledger's tokens
interface ITokenErrors {
    /// @notice `account` is frozen on this token.
    /// @param account the frozen holder.
    error AccountFrozen(address account);

    /// @notice `account` is not a wholesale participant (central bank, commercial bank or an
    /// approved settlement contract) and so may not hold central-bank money.
    /// @param account the rejected holder.
    /// @param kind its kind in the registry.
    error HolderNotWholesale(address account, ParticipantKind kind);

    /// @notice `account` is not a customer of the bank that issues this deposit token.
    /// @param account the rejected holder.
    error NotCustomerOfBank(address account);

    /// @notice `code` is not three upper-case ASCII letters (ISO 4217 alphabetic code).
    /// @param code the rejected code.
    error InvalidCurrencyCode(string code);

    /// @notice A zero address was given where a contract or account is required.
    error ZeroAddress();
}
