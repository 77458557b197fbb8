// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {HktCalendar} from "./HktCalendar.sol";

/// @notice The RTGS operator's confirmation that an interbank payment settled off chain (in CHATS).
/// @param orderId the dealing order whose interbank amount is earmarked on chain.
/// @param paymentRef the RTGS payment reference of the off-chain payment.
/// @param payerBank the bank that paid in RTGS.
/// @param payeeBank the bank that was paid.
/// @param amount minor units paid.
/// @param settledAt when RTGS settled it (inside its operating hours).
struct RtgsConfirmation {
    uint256 orderId;
    bytes32 paymentRef;
    address payerBank;
    address payeeBank;
    uint256 amount;
    uint64 settledAt;
}

/// @title The bridge to an RTGS system: its operating hours and its operator's signed confirmations
/// @notice In RTGS mode the interbank leg of a dealing settles off chain, in CHATS, during RTGS
/// operating hours: business days (Monday to Friday HKT, no holiday calendar) from `rtgsOpensAt` to
/// `rtgsClosesAt` (defaults 09:00 and 17:30 HKT, configurable by the RTGS operator). An earmark made
/// at time `t` waits for a confirmation until `confirmationDeadline(t)`: the start of the RTGS session
/// in progress at `t` (or of the next one) plus `confirmationTimeout` (default 2 hours). A
/// confirmation counts only if signed by an account holding `RTGS_OPERATOR_ROLE`, settled inside
/// operating hours, not after now and not before the earmark, carries a payment reference never used
/// before, and arrives by the deadline.
abstract contract RtgsBridge is AccessControl, EIP712 {
    /// @notice Role of the RTGS operator's signing account (the HKMA operates CHATS).
    bytes32 public constant RTGS_OPERATOR_ROLE = keccak256("RTGS_OPERATOR_ROLE");
    /// @notice keccak256 of the EIP-712 type of an `RtgsConfirmation`.
    bytes32 public constant RTGS_CONFIRMATION_TYPEHASH = keccak256(
        "RtgsConfirmation(uint256 orderId,bytes32 paymentRef,address payerBank,address payeeBank,uint256 amount,uint64 settledAt)"
    );
    /// @notice Default opening of RTGS: 09:00 HKT.
    uint32 public constant DEFAULT_RTGS_OPENS_AT = 9 hours;
    /// @notice Default close of RTGS: 17:30 HKT.
    uint32 public constant DEFAULT_RTGS_CLOSES_AT = 17 hours + 30 minutes;
    /// @notice Default wait for a confirmation from the start of the RTGS session: 2 hours.
    uint32 public constant DEFAULT_CONFIRMATION_TIMEOUT = 2 hours;

    uint32 private _opensAt = DEFAULT_RTGS_OPENS_AT;
    uint32 private _closesAt = DEFAULT_RTGS_CLOSES_AT;
    uint32 private _timeout = DEFAULT_CONFIRMATION_TIMEOUT;

    mapping(bytes32 paymentRef => uint256 orderId) private _paymentRefUsedBy;

    /// @notice The operating hours or timeout are unusable (opening before close, within a day; timeout non-zero).
    error RtgsInvalidHours(uint32 opensAt, uint32 closesAt, uint32 timeout);
    /// @notice The confirmation was signed by `signer`, which is not the RTGS operator.
    error RtgsConfirmationWrongSigner(address signer);
    /// @notice The confirmation's `field` does not match the earmark.
    error RtgsConfirmationMismatch(uint256 orderId, string field);
    /// @notice RTGS says it settled at `settledAt`, outside its operating hours, before the earmark
    /// (`earmarkedAt`) or after now.
    error RtgsSettledOutsideHours(uint256 orderId, uint64 settledAt, uint64 earmarkedAt);
    /// @notice The confirmation came after the earmark's `deadline`.
    error RtgsConfirmationTooLate(uint256 orderId, uint64 deadline, uint256 now_);
    /// @notice `paymentRef` already confirmed order `orderId`.
    error RtgsPaymentRefUsed(bytes32 paymentRef, uint256 orderId);

    /// @notice RTGS operating hours and the confirmation timeout were set.
    event RtgsHoursSet(uint32 opensAt, uint32 closesAt, uint32 confirmationTimeout);

    /// @notice Sets RTGS operating hours (seconds after HKT midnight) and the confirmation timeout.
    /// @dev Requirements: caller has `RTGS_OPERATOR_ROLE`; `opensAt < closesAt ≤ 24h`; `timeout > 0`.
    /// Applies to earmarks made afterwards (each earmark's deadline is fixed when it is made).
    /// @param opensAt opening, seconds after HKT midnight.
    /// @param closesAt close, seconds after HKT midnight.
    /// @param timeout seconds from the session's start.
    function setRtgsHours(uint32 opensAt, uint32 closesAt, uint32 timeout) external onlyRole(RTGS_OPERATOR_ROLE) {
        if (opensAt >= closesAt || closesAt > 1 days || timeout == 0) revert RtgsInvalidHours(opensAt, closesAt, timeout);
        _opensAt = opensAt;
        _closesAt = closesAt;
        _timeout = timeout;
        emit RtgsHoursSet(opensAt, closesAt, timeout);
    }

    /// @notice RTGS operating hours and the confirmation timeout.
    /// @return opensAt opening, seconds after HKT midnight.
    /// @return closesAt close, seconds after HKT midnight.
    /// @return timeout seconds from the session's start.
    function rtgsHours() external view returns (uint32 opensAt, uint32 closesAt, uint32 timeout) {
        return (_opensAt, _closesAt, _timeout);
    }

    /// @notice Whether RTGS is open at unix time `t`.
    /// @param t unix time.
    /// @return true inside operating hours of a business day.
    function isRtgsOpen(uint256 t) public view returns (bool) {
        uint256 tod = HktCalendar.timeOfDay(t);
        return HktCalendar.isWeekday(HktCalendar.dayOf(t)) && tod >= _opensAt && tod < _closesAt;
    }

    /// @notice Until when an earmark made at `t` waits for its RTGS confirmation.
    /// @param t unix time of the earmark.
    /// @return deadline unix time.
    function confirmationDeadline(uint256 t) public view returns (uint64 deadline) {
        uint256 start = t;
        if (!isRtgsOpen(t)) {
            uint256 day = HktCalendar.dayOf(t);
            if (!HktCalendar.isWeekday(day) || HktCalendar.timeOfDay(t) >= _closesAt) day = HktCalendar.nextWeekday(day);
            start = HktCalendar.at(day, _opensAt);
        }
        deadline = uint64(start + _timeout);
    }

    /// @notice The EIP-712 digest the RTGS operator signs for `confirmation`.
    /// @param confirmation the confirmation.
    /// @return the digest.
    function rtgsConfirmationDigest(RtgsConfirmation calldata confirmation) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RTGS_CONFIRMATION_TYPEHASH, confirmation)));
    }

    /// @notice The order a payment reference confirmed (zero if unused).
    /// @param paymentRef the RTGS payment reference.
    /// @return orderId the order.
    function orderOfPaymentRef(bytes32 paymentRef) external view returns (uint256 orderId) {
        return _paymentRefUsedBy[paymentRef];
    }

    /// @dev Checks `confirmation` against an earmark (who pays whom, how much, its time and deadline)
    /// and records its payment reference; reverts with the failing rule's error.
    function _acceptConfirmation(
        RtgsConfirmation calldata confirmation,
        bytes calldata signature,
        address payerBank,
        address payeeBank,
        uint256 amount,
        uint64 earmarkedAt,
        uint64 deadline
    ) internal {
        uint256 orderId = confirmation.orderId;
        if (block.timestamp > deadline) revert RtgsConfirmationTooLate(orderId, deadline, block.timestamp);
        address signer = ECDSA.recover(rtgsConfirmationDigest(confirmation), signature);
        if (!hasRole(RTGS_OPERATOR_ROLE, signer)) revert RtgsConfirmationWrongSigner(signer);
        if (confirmation.payerBank != payerBank) revert RtgsConfirmationMismatch(orderId, "payerBank");
        if (confirmation.payeeBank != payeeBank) revert RtgsConfirmationMismatch(orderId, "payeeBank");
        if (confirmation.amount != amount) revert RtgsConfirmationMismatch(orderId, "amount");
        uint64 settledAt = confirmation.settledAt;
        if (!isRtgsOpen(settledAt) || settledAt < earmarkedAt || settledAt > block.timestamp) {
            revert RtgsSettledOutsideHours(orderId, settledAt, earmarkedAt);
        }
        uint256 usedBy = _paymentRefUsedBy[confirmation.paymentRef];
        if (usedBy != 0) revert RtgsPaymentRefUsed(confirmation.paymentRef, usedBy);
        _paymentRefUsedBy[confirmation.paymentRef] = orderId;
    }
}
