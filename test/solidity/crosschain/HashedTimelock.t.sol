// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HashedTimelock} from "../../../contracts/crosschain/HashedTimelock.sol";
import {ERC20Mock} from "../../../contracts/mocks/token/ERC20Mock.sol";
import {SandboxTest} from "../utils/SandboxTest.sol";
import {vm} from "../utils/Vm.sol";

/// @dev 2026-01-01T00:00:00Z: every test starts here.
uint64 constant START = 1_767_225_600;
/// @dev What each participant is minted at the start, in minor units (10,000,000.00).
uint256 constant OPENING_BALANCE = 1_000_000_000;

/// @title Random but bounded use of the hashed time-locked escrow, with ghost accounting
/// @notice The invariant fuzzer calls only this contract. Each function makes one plausible move — a
/// participant locks (sometimes with a time lock that is too short), anyone claims with the right or a
/// wrong preimage, anyone refunds, a sender repeats a lock, time passes — and records what the escrow
/// accepted: per lock how often it was locked, claimed and refunded, and every balance it moved.
/// @dev Nothing here reverts on a refused call: refusals are part of the game. Ghost amounts are signed so
/// that a discrepancy shows up as a failed invariant, not as a reverted (and discarded) handler call.
contract HashedTimelockHandler {
    uint256 private constant ACTORS = 4;

    HashedTimelock public immutable htlc;
    ERC20Mock public immutable token;

    address[ACTORS] private _actors;
    bytes32[] private _lockIds;
    mapping(bytes32 lockId => bytes32) private _secretOf;

    /// @dev Per lock: how many times the escrow accepted it, paid it to the receiver, returned it to the sender.
    mapping(bytes32 lockId => uint256) public ghostLocks;
    mapping(bytes32 lockId => uint256) public ghostClaims;
    mapping(bytes32 lockId => uint256) public ghostRefunds;

    /// @dev The value the handler saw go in and out of the escrow, and every participant's balance.
    int256 public ghostEscrowed;
    mapping(address account => int256) public ghostBalance;
    uint256 public immutable minted;

    /// @dev Accepted calls that the escrow must refuse (each must stay zero).
    uint256 public wrongPreimageClaims;
    uint256 public lateClaims;
    uint256 public earlyRefunds;
    uint256 public duplicateLocks;
    uint256 public shortLocks;

    /// @dev Call statistics, to see what a campaign exercised.
    uint256 public locksMade;
    uint256 public claimsMade;
    uint256 public refundsMade;
    uint256 public refusals;

    constructor(HashedTimelock htlc_, ERC20Mock token_, address[ACTORS] memory actors_) {
        htlc = htlc_;
        token = token_;
        _actors = actors_;
        for (uint256 i = 0; i < ACTORS; ++i) {
            token_.mint(actors_[i], OPENING_BALANCE);
            ghostBalance[actors_[i]] = int256(OPENING_BALANCE);
            vm.prank(actors_[i]);
            token_.approve(address(htlc_), type(uint256).max);
        }
        minted = ACTORS * OPENING_BALANCE;
    }

    // ================================================================== moves

    /// @notice A participant locks part of its balance for another (or itself) under a fresh secret, for
    /// 10 minutes to 3 days — or, one time in eight, for less than `MIN_TIMELOCK`, which must be refused.
    function lock(uint256 senderSeed, uint256 receiverSeed, uint256 amount, uint256 secretSeed, uint256 duration) external {
        address sender = _actors[senderSeed % ACTORS];
        address receiver = _actors[receiverSeed % ACTORS];
        uint256 balance = token.balanceOf(sender);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        bool tooShort = duration % 8 == 0;
        uint256 minimum = htlc.MIN_TIMELOCK();
        uint64 timelock = uint64(
            block.timestamp + (tooShort ? _bound(duration, 0, minimum - 1) : _bound(duration, minimum, 3 days))
        );
        bytes32 secret = keccak256(abi.encode(secretSeed, _lockIds.length));
        bytes32 hashlock = sha256(abi.encodePacked(secret));

        vm.prank(sender);
        try htlc.lock(receiver, address(token), amount, hashlock, timelock) returns (bytes32 lockId) {
            if (tooShort) ++shortLocks;
            if (ghostLocks[lockId] == 0) _lockIds.push(lockId);
            _secretOf[lockId] = secret;
            _recordLock(lockId, sender, amount);
        } catch {
            ++refusals;
        }
    }

    /// @notice The sender of an existing lock sends the same terms again, which must be refused.
    function relock(uint256 lockSeed) external {
        if (_lockIds.length == 0) return;
        bytes32 lockId = _lockIds[lockSeed % _lockIds.length];
        HashedTimelock.Lock memory l = htlc.getLock(lockId);
        if (token.balanceOf(l.sender) < l.amount) return;
        vm.prank(l.sender);
        try htlc.lock(l.receiver, l.token, l.amount, l.hashlock, l.timelock) returns (bytes32 again) {
            ++duplicateLocks;
            _recordLock(again, l.sender, l.amount);
        } catch {
            ++refusals;
        }
    }

    /// @notice Anyone (a participant or a stranger) claims a lock with its secret or with a guess.
    function claim(uint256 lockSeed, bool rightPreimage, bytes32 guess, uint256 callerSeed) external {
        if (_lockIds.length == 0) return;
        bytes32 lockId = _lockIds[lockSeed % _lockIds.length];
        HashedTimelock.Lock memory l = htlc.getLock(lockId);
        bytes32 preimage = rightPreimage ? _secretOf[lockId] : guess;
        bool right = sha256(abi.encodePacked(preimage)) == l.hashlock;

        vm.prank(_caller(callerSeed));
        try htlc.claim(lockId, preimage) {
            ++claimsMade;
            ++ghostClaims[lockId];
            if (!right) ++wrongPreimageClaims;
            if (block.timestamp >= l.timelock) ++lateClaims;
            ghostEscrowed -= int256(l.amount);
            ghostBalance[l.receiver] += int256(l.amount);
        } catch {
            ++refusals;
        }
    }

    /// @notice Anyone asks for a lock to be returned to its sender.
    function refund(uint256 lockSeed, uint256 callerSeed) external {
        if (_lockIds.length == 0) return;
        bytes32 lockId = _lockIds[lockSeed % _lockIds.length];
        HashedTimelock.Lock memory l = htlc.getLock(lockId);

        vm.prank(_caller(callerSeed));
        try htlc.refund(lockId) {
            ++refundsMade;
            ++ghostRefunds[lockId];
            if (block.timestamp < l.timelock) ++earlyRefunds;
            ghostEscrowed -= int256(l.amount);
            ghostBalance[l.sender] += int256(l.amount);
        } catch {
            ++refusals;
        }
    }

    /// @notice Time passes: up to a day, so locks both lapse and stay claimable during a run.
    function warp(uint256 secondsLater) external {
        vm.warp(block.timestamp + _bound(secondsLater, 1, 1 days));
    }

    // ================================================================== views for the invariants

    function lockCount() external view returns (uint256) {
        return _lockIds.length;
    }

    function lockIdAt(uint256 index) external view returns (bytes32) {
        return _lockIds[index];
    }

    function actors() external view returns (address[ACTORS] memory) {
        return _actors;
    }

    // ================================================================== helpers

    function _recordLock(bytes32 lockId, address sender, uint256 amount) private {
        ++locksMade;
        ++ghostLocks[lockId];
        ghostEscrowed += int256(amount);
        ghostBalance[sender] -= int256(amount);
    }

    /// @dev One of the participants, or a stranger who holds nothing (claims and refunds are open to anyone).
    function _caller(uint256 seed) private view returns (address) {
        uint256 i = seed % (ACTORS + 1);
        return i < ACTORS ? _actors[i] : address(0xBEEF);
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}

/// @title Invariants of the hashed time-locked escrow under random use
/// @notice After every handler call: each lock was locked once and settled (claimed or refunded) at most
/// once, in agreement with its recorded state; the escrow holds exactly the open locks; and no value was
/// created or lost — every token is with a participant or in the escrow, as the ghost ledger says.
contract HashedTimelockInvariantsTest is SandboxTest {
    HashedTimelock private htlc;
    ERC20Mock private token;
    HashedTimelockHandler private handler;

    function setUp() public {
        vm.warp(START);
        htlc = new HashedTimelock();
        token = new ERC20Mock("Test Money", "TST");
        address[4] memory participants = [vm.addr(0xA11CE), vm.addr(0xB0B), vm.addr(0xCA401), vm.addr(0xDA7E)];
        handler = new HashedTimelockHandler(htlc, token, participants);
        targetContract(address(handler));
    }

    /// @dev Each lock's value is locked once, then claimed or refunded at most once, as its state says; and no
    /// claim with a wrong preimage or after the time lock, no early refund, no duplicate or short lock was accepted.
    function invariant_eachLockSettlesOnce() public view {
        uint256 n = handler.lockCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 lockId = handler.lockIdAt(i);
            uint256 claims = handler.ghostClaims(lockId);
            uint256 refunds = handler.ghostRefunds(lockId);
            assertEq(handler.ghostLocks(lockId), 1, "a lock was locked more than once");
            assertLe(claims + refunds, 1, "a lock settled more than once");
            HashedTimelock.LockState state = htlc.getLock(lockId).state;
            if (state == HashedTimelock.LockState.Locked) {
                assertEq(claims + refunds, 0, "an open lock was paid out");
            } else if (state == HashedTimelock.LockState.Claimed) {
                assertTrue(claims == 1 && refunds == 0, "a claimed lock was not paid to its receiver once");
            } else if (state == HashedTimelock.LockState.Refunded) {
                assertTrue(refunds == 1 && claims == 0, "a refunded lock was not returned to its sender once");
            } else {
                assertTrue(false, "a lock the escrow accepted has no state");
            }
        }
        assertEq(handler.wrongPreimageClaims(), 0, "claimed with a wrong preimage");
        assertEq(handler.lateClaims(), 0, "claimed at or after the time lock");
        assertEq(handler.earlyRefunds(), 0, "refunded before the time lock");
        assertEq(handler.duplicateLocks(), 0, "the same lock was accepted twice");
        assertEq(handler.shortLocks(), 0, "a time lock shorter than MIN_TIMELOCK was accepted");
    }

    /// @dev The escrow's balance is exactly the sum of the amounts of the locks still `Locked`.
    function invariant_escrowHoldsExactlyTheOpenLocks() public view {
        uint256 open = 0;
        uint256 n = handler.lockCount();
        for (uint256 i = 0; i < n; ++i) {
            HashedTimelock.Lock memory l = htlc.getLock(handler.lockIdAt(i));
            if (l.state == HashedTimelock.LockState.Locked) open += l.amount;
        }
        assertEq(token.balanceOf(address(htlc)), open, "escrow balance != open locks");
        assertTrue(handler.ghostEscrowed() >= 0, "more paid out of the escrow than locked in it");
        assertEq(uint256(handler.ghostEscrowed()), open, "open locks != value locked minus value paid out");
    }

    /// @dev The supply never changes, and every unit is with a participant or in the escrow, each
    /// participant holding what the ghost ledger says.
    function invariant_valueConserved() public view {
        uint256 minted = handler.minted();
        assertEq(token.totalSupply(), minted, "supply changed");
        address[4] memory participants = handler.actors();
        uint256 sum = token.balanceOf(address(htlc));
        for (uint256 i = 0; i < participants.length; ++i) {
            uint256 balance = token.balanceOf(participants[i]);
            int256 ghost = handler.ghostBalance(participants[i]);
            assertTrue(ghost >= 0, "ghost balance negative");
            assertEq(balance, uint256(ghost), "balance != ghost ledger");
            sum += balance;
        }
        assertEq(token.balanceOf(address(0xBEEF)), 0, "a stranger who claimed or refunded was paid");
        assertEq(sum, minted, "value held outside the participants and the escrow");
    }
}

/// @title The escrow's rules, one by one
contract HashedTimelockTest is SandboxTest {
    uint256 private constant AMOUNT = 250_000_00;
    bytes32 private constant SECRET = keccak256("Jasper-Ubin");

    HashedTimelock private htlc;
    ERC20Mock private token;
    address private sender;
    address private receiver;
    bytes32 private hashlock;

    function setUp() public {
        vm.warp(START);
        htlc = new HashedTimelock();
        token = new ERC20Mock("Test Money", "TST");
        sender = vm.addr(0xA11CE);
        receiver = vm.addr(0xB0B);
        token.mint(sender, OPENING_BALANCE);
        vm.prank(sender);
        token.approve(address(htlc), type(uint256).max);
        hashlock = sha256(abi.encodePacked(SECRET));
    }

    function _lock(uint64 timelock) private returns (bytes32 lockId) {
        vm.prank(sender);
        lockId = htlc.lock(receiver, address(token), AMOUNT, hashlock, timelock);
    }

    function test_lock_revertsWithTimelockTooShort() public {
        uint64 timelock = uint64(block.timestamp + htlc.MIN_TIMELOCK() - 1);
        vm.expectRevert(
            abi.encodeWithSelector(HashedTimelock.TimelockTooShort.selector, timelock, block.timestamp + htlc.MIN_TIMELOCK())
        );
        _lock(timelock);
    }

    function test_lock_revertsWithLockAlreadyExists() public {
        uint64 timelock = START + 1 hours;
        bytes32 lockId = _lock(timelock);
        vm.expectRevert(abi.encodeWithSelector(HashedTimelock.LockAlreadyExists.selector, lockId));
        _lock(timelock);
    }

    function test_claim_revertsWithLockExpired_atTimelock() public {
        uint64 timelock = START + 1 hours;
        bytes32 lockId = _lock(timelock);
        vm.warp(timelock);
        vm.expectRevert(abi.encodeWithSelector(HashedTimelock.LockExpired.selector, lockId, timelock));
        htlc.claim(lockId, SECRET);
    }

    function test_refund_revertsWithLockNotExpired_beforeTimelock() public {
        uint64 timelock = START + 1 hours;
        bytes32 lockId = _lock(timelock);
        vm.warp(timelock - 1);
        vm.expectRevert(abi.encodeWithSelector(HashedTimelock.LockNotExpired.selector, lockId, timelock));
        htlc.refund(lockId);
    }

    function testFuzz_claim_revertsWithWrongPreimage(bytes32 guess) public {
        vm.assume(guess != SECRET);
        bytes32 lockId = _lock(START + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(HashedTimelock.WrongPreimage.selector, lockId));
        htlc.claim(lockId, guess);
    }

    /// @dev Whatever the time lock and whenever the attempt, exactly one of claim and refund succeeds, and
    /// the tokens end with the receiver (claimed in time) or the sender (refunded after).
    function testFuzz_lock_settlesExactlyOnce(uint256 duration, uint256 elapsed) public {
        uint64 timelock = uint64(block.timestamp + bound(duration, htlc.MIN_TIMELOCK(), 30 days));
        bytes32 lockId = _lock(timelock);
        vm.warp(block.timestamp + bound(elapsed, 0, 60 days));
        bool inTime = block.timestamp < timelock;
        if (inTime) {
            htlc.claim(lockId, SECRET);
            vm.expectRevert(
                abi.encodeWithSelector(HashedTimelock.LockInWrongState.selector, lockId, HashedTimelock.LockState.Claimed)
            );
            htlc.claim(lockId, SECRET);
        } else {
            htlc.refund(lockId);
            vm.expectRevert(
                abi.encodeWithSelector(HashedTimelock.LockInWrongState.selector, lockId, HashedTimelock.LockState.Refunded)
            );
            htlc.refund(lockId);
        }
        assertEq(token.balanceOf(receiver), inTime ? AMOUNT : 0, "receiver");
        assertEq(token.balanceOf(sender), inTime ? OPENING_BALANCE - AMOUNT : OPENING_BALANCE, "sender");
        assertEq(token.balanceOf(address(htlc)), 0, "escrow");
    }
}
