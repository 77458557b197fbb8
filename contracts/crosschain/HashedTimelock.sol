// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGovernmentBond} from "../interfaces/IGovernmentBond.sol";

/// @title Hashed time-locked escrow, one per ledger (Jasper–Ubin style cross-chain settlement)
/// @notice A sender locks tokens for a receiver under a hash lock and a time lock. Whoever presents
/// the preimage of the hash before the time lock pays the receiver; after the time lock, anyone can
/// return the tokens to the sender. Each lock is locked, claimed or refunded exactly once. Two locks
/// on two ledgers under the same hash make a cross-chain DvP or PvP: the initiator, who knows the
/// secret, locks first with the longer time lock; revealing the secret to claim on one ledger lets
/// the counterparty claim on the other.
/// @dev The hash is SHA-256 of a 32-byte preimage, as in the Bitcoin-style HTLCs the central-bank
/// trials used, so the same secret can serve ledgers of different kinds. This contract must be an
/// eligible holder of the tokens it escrows (registered as infrastructure; approved for wCBDC).
/// A bond is never escrowed across one of its entitlement dates (a record date or maturity,
/// `IGovernmentBond.nextEntitlementDate`): over a record date the escrow would be the holder of
/// record and the coupon stranded; over maturity the lock could not be claimed. A bond lock must end
/// at least `ENTITLEMENT_MARGIN` before the date, so that anyone has that long to refund it in time
/// (refunds are permissionless; the coordinator refunds at once). A lock still open after maturity
/// can always be refunded: the bond lets infrastructure return units after maturity. A lock left
/// unrefunded for longer than the margin past its time lock still holds its units over the next
/// record date: that residual is the refunder's to avoid.
/// A registrar's forced transfer cannot take from the escrow (`GovernmentBond.forcedTransfer`
/// refuses infrastructure accounts), so the escrow always holds what its open locks cover.
contract HashedTimelock is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The shortest time lock accepted: a lock must leave its receiver time to claim.
    uint64 public constant MIN_TIMELOCK = 10 minutes;
    /// @notice How long before a bond's record date or maturity a lock of it must end: the time left
    /// to claim or refund it before the date.
    uint64 public constant ENTITLEMENT_MARGIN = 1 days;

    /// @notice Where a lock stands.
    enum LockState {
        None,
        Locked,
        Claimed,
        Refunded
    }

    /// @notice One escrow.
    struct Lock {
        address sender;
        address receiver;
        address token;
        uint256 amount;
        bytes32 hashlock;
        uint64 timelock;
        LockState state;
    }

    mapping(bytes32 lockId => Lock) private _locks;

    /// @notice The time lock `timelock` ends before `earliest` (now + `MIN_TIMELOCK`).
    error TimelockTooShort(uint64 timelock, uint256 earliest);
    /// @notice A lock with the same terms exists already.
    error LockAlreadyExists(bytes32 lockId);
    /// @notice Lock `lockId` is in `state`, which does not allow this action.
    error LockInWrongState(bytes32 lockId, LockState state);
    /// @notice The preimage does not hash to the lock's hash lock.
    error WrongPreimage(bytes32 lockId);
    /// @notice The lock's time lock has passed; it can only be refunded.
    error LockExpired(bytes32 lockId, uint64 timelock);
    /// @notice The lock's time lock has not passed; it cannot be refunded yet.
    error LockNotExpired(bytes32 lockId, uint64 timelock);
    /// @notice Zero amount or zero address.
    error InvalidLockTerms();
    /// @notice `token` has an entitlement date (record date or maturity) at `date`, inside the lock
    /// window that ends at `timelock` or less than `ENTITLEMENT_MARGIN` after it: lock for a shorter
    /// time, or after that date.
    error LockSpansEntitlementDate(address token, uint64 date, uint64 timelock);

    /// @notice `sender` locked `amount` of `token` for `receiver` under `hashlock` until `timelock`.
    event Locked(
        bytes32 indexed lockId,
        address indexed sender,
        address indexed receiver,
        address token,
        uint256 amount,
        bytes32 hashlock,
        uint64 timelock
    );
    /// @notice The lock was claimed with `preimage`, which is now public.
    event Claimed(bytes32 indexed lockId, bytes32 preimage);
    /// @notice The lock was returned to its sender after its time lock.
    event Refunded(bytes32 indexed lockId);

    /// @notice Locks `amount` of `token` from the caller for `receiver` under `hashlock` until `timelock`.
    /// @dev Requirements: `timelock` ≥ now + `MIN_TIMELOCK`; non-zero amount and receiver; for a bond,
    /// no record date or maturity after now and before `timelock + ENTITLEMENT_MARGIN`; no identical
    /// lock from the caller; the caller approved this contract for `amount`.
    /// @param receiver who can claim with the preimage.
    /// @param token the token escrowed.
    /// @param amount how much.
    /// @param hashlock SHA-256 of the secret preimage.
    /// @param timelock unix time from which the lock can be refunded and no longer claimed.
    /// @return lockId the lock's id.
    function lock(
        address receiver,
        address token,
        uint256 amount,
        bytes32 hashlock,
        uint64 timelock
    ) external nonReentrant returns (bytes32 lockId) {
        if (amount == 0 || receiver == address(0) || token == address(0)) revert InvalidLockTerms();
        if (timelock < block.timestamp + MIN_TIMELOCK) revert TimelockTooShort(timelock, block.timestamp + MIN_TIMELOCK);
        _requireNoEntitlementDate(token, timelock);
        lockId = lockIdOf(msg.sender, receiver, token, amount, hashlock, timelock);
        if (_locks[lockId].state != LockState.None) revert LockAlreadyExists(lockId);
        _locks[lockId] = Lock(msg.sender, receiver, token, amount, hashlock, timelock, LockState.Locked);
        emit Locked(lockId, msg.sender, receiver, token, amount, hashlock, timelock);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Pays lock `lockId` to its receiver against the preimage of its hash lock. Anyone may call.
    /// @dev Requirements: the lock is `Locked`; its time lock has not passed; SHA-256(`preimage`) is its hash lock.
    /// @param lockId the lock.
    /// @param preimage the secret.
    function claim(bytes32 lockId, bytes32 preimage) external nonReentrant {
        Lock storage escrow = _requireLocked(lockId);
        if (block.timestamp >= escrow.timelock) revert LockExpired(lockId, escrow.timelock);
        if (sha256(abi.encodePacked(preimage)) != escrow.hashlock) revert WrongPreimage(lockId);
        escrow.state = LockState.Claimed;
        emit Claimed(lockId, preimage);
        IERC20(escrow.token).safeTransfer(escrow.receiver, escrow.amount);
    }

    /// @notice Returns lock `lockId` to its sender once its time lock has passed. Anyone may call.
    /// @dev Requirements: the lock is `Locked`; its time lock has passed.
    /// @param lockId the lock.
    function refund(bytes32 lockId) external nonReentrant {
        Lock storage escrow = _requireLocked(lockId);
        if (block.timestamp < escrow.timelock) revert LockNotExpired(lockId, escrow.timelock);
        escrow.state = LockState.Refunded;
        emit Refunded(lockId);
        IERC20(escrow.token).safeTransfer(escrow.sender, escrow.amount);
    }

    /// @notice Lock `lockId` (all zero if none).
    /// @param lockId the lock.
    /// @return the lock.
    function getLock(bytes32 lockId) external view returns (Lock memory) {
        return _locks[lockId];
    }

    /// @notice The id of a lock with these terms on this contract and chain.
    /// @param sender who locks.
    /// @param receiver who can claim.
    /// @param token the token.
    /// @param amount how much.
    /// @param hashlock SHA-256 of the secret.
    /// @param timelock the time lock.
    /// @return the lock id.
    function lockIdOf(
        address sender,
        address receiver,
        address token,
        uint256 amount,
        bytes32 hashlock,
        uint64 timelock
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), sender, receiver, token, amount, hashlock, timelock));
    }

    /// @dev For a token that publishes entitlement dates (a bond), reverts if one falls in
    /// (now, timelock + ENTITLEMENT_MARGIN). A token without them (cash) is not asked further.
    function _requireNoEntitlementDate(address token, uint64 timelock) private view {
        try IGovernmentBond(token).nextEntitlementDate(uint64(block.timestamp)) returns (uint64 date) {
            if (date < uint256(timelock) + ENTITLEMENT_MARGIN) revert LockSpansEntitlementDate(token, date, timelock);
        } catch {
            return;
        }
    }

    function _requireLocked(bytes32 lockId) private view returns (Lock storage escrow) {
        escrow = _locks[lockId];
        if (escrow.state != LockState.Locked) revert LockInWrongState(lockId, escrow.state);
    }
}
