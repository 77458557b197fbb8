// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {HashedTimelock} from "../../../contracts/crosschain/HashedTimelock.sol";
import {IGovernmentBond} from "../../../contracts/interfaces/IGovernmentBond.sol";
import {ITokenErrors} from "../../../contracts/interfaces/ITokenErrors.sol";
import {BondPayingAgent} from "../../../contracts/lifecycle/BondPayingAgent.sol";
import {GovernmentBond} from "../../../contracts/tokens/GovernmentBond.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What the lifecycle handler drives.
struct LifecycleSetup {
    GovernmentBond bond;
    IERC20 cash; // the bond's wCBDC
    HashedTimelock htlc;
    BondPayingAgent agent;
    address registrar; // the bond's registrar (freezes, forced transfers)
    address payingAgentOperator; // holds PAYING_AGENT_ROLE
    address[] bondHolders; // may hold and lock bonds; every coupon candidate
    address[] cashHolders; // banks: may hold and lock wCBDC
}

/// @title Random but bounded use of the escrow and the paying agent over a bond's life, with ghost accounting
/// @notice The invariant fuzzer calls only this contract. Moves: lock bonds or wCBDC in the hashed
/// time-locked escrow (sometimes across the bond's next record date or maturity, which must be refused),
/// claim with the right or a wrong preimage, refund, have the registrar try a forced transfer out of the
/// escrow (refused: finding 9); holders trade bonds, the registrar freezes and unfreezes holders, time
/// jumps (to the next record date, payment date or maturity too); holders claim coupons and redeem, the
/// paying agent pays pages of holders and redeems pages.
/// @dev Every successful coupon payment is checked when it happens: the payee was a holder of record,
/// not frozen on the bond, paid once for that coupon, exactly `couponOn(index, units of record)`.
contract LifecycleHandler {
    GovernmentBond public immutable bond;
    IERC20 public immutable cash;
    HashedTimelock public immutable htlc;
    BondPayingAgent public immutable agent;
    address private immutable registrar;
    address private immutable operator;
    address[] private _bondHolders;
    address[] private _cashHolders;

    bytes32[] private _locks;
    mapping(bytes32 lockId => bytes32) private _secretOf;

    // ------------------------------------------------------------------ escrow ghosts

    /// @dev Bond locks accepted whose window, plus the margin, contained an entitlement date (must stay zero).
    uint256 public ghostLocksAcrossEntitlement;
    /// @dev Forced transfers out of the escrow that succeeded (must stay zero).
    uint256 public ghostForcedFromEscrow;
    /// @dev Claims with a wrong preimage, late claims, early refunds that succeeded (must stay zero).
    uint256 public ghostBadEscrowCalls;

    // ------------------------------------------------------------------ paying-agent ghosts

    mapping(uint256 index => uint256) public ghostCouponPaid;
    mapping(uint256 index => mapping(address holder => uint256)) public ghostCouponPayments;
    /// @dev Coupon payments to a non-holder of record, a frozen holder, or of the wrong amount (must stay zero).
    uint256 public ghostBadCoupons;
    uint256 public ghostRedeemedUnits;
    uint256 public ghostRedemptionPaid;
    /// @dev Redemptions that did not burn exactly the holding or pay its face value (must stay zero).
    uint256 public ghostBadRedemptions;

    // ------------------------------------------------------------------ successful calls per entry point

    uint256 public locksMade;
    uint256 public locksRefusedAcrossEntitlement;
    uint256 public claimsMade;
    uint256 public refundsMade;
    uint256 public forcedTransfersRefused;
    uint256 public couponsClaimed;
    uint256 public couponsPaidInPages;
    uint256 public redemptions;
    uint256 public claimsRefusedFrozen;
    uint256 public bondTransfers;

    constructor(LifecycleSetup memory s) {
        bond = s.bond;
        cash = s.cash;
        htlc = s.htlc;
        agent = s.agent;
        registrar = s.registrar;
        operator = s.payingAgentOperator;
        _bondHolders = s.bondHolders;
        _cashHolders = s.cashHolders;
    }

    // ================================================================== escrow

    /// @notice A holder locks part of its bonds for another holder for 10 minutes to 20 days (one time in
    /// four up to 200 days, so across a record date or maturity, or ending less than the escrow's
    /// `ENTITLEMENT_MARGIN` before one, which must be refused).
    function lockBonds(uint256 senderSeed, uint256 receiverSeed, uint256 amount, uint256 duration, uint256 secretSeed) external {
        address sender = _bondHolders[senderSeed % _bondHolders.length];
        address receiver = _bondHolders[receiverSeed % _bondHolders.length];
        uint256 balance = bond.balanceOf(sender);
        if (balance == 0) return;
        uint64 timelock = _timelock(duration);
        uint64 next = bond.nextEntitlementDate(uint64(block.timestamp));
        bool spans = uint256(next) < uint256(timelock) + htlc.ENTITLEMENT_MARGIN();
        _lock(sender, receiver, address(bond), _bound(amount, 1, balance), timelock, secretSeed, spans);
    }

    /// @notice A bank locks wCBDC for another bank (cash has no entitlement dates).
    function lockCash(uint256 senderSeed, uint256 receiverSeed, uint256 amount, uint256 duration, uint256 secretSeed) external {
        address sender = _cashHolders[senderSeed % _cashHolders.length];
        address receiver = _cashHolders[receiverSeed % _cashHolders.length];
        uint256 balance = cash.balanceOf(sender);
        if (balance == 0) return;
        _lock(sender, receiver, address(cash), _bound(amount, 1, balance), _timelock(duration), secretSeed, false);
    }

    /// @notice Anyone claims a lock with its secret or a guess.
    function claim(uint256 lockSeed, bool rightPreimage, bytes32 guess) external {
        if (_locks.length == 0) return;
        bytes32 lockId = _locks[lockSeed % _locks.length];
        HashedTimelock.Lock memory l = htlc.getLock(lockId);
        bytes32 preimage = rightPreimage ? _secretOf[lockId] : guess;
        bool right = sha256(abi.encodePacked(preimage)) == l.hashlock;
        try htlc.claim(lockId, preimage) {
            ++claimsMade;
            if (!right || block.timestamp >= l.timelock) ++ghostBadEscrowCalls;
        } catch {}
    }

    /// @notice Anyone asks for a lock to be returned to its sender.
    function refund(uint256 lockSeed) external {
        if (_locks.length == 0) return;
        bytes32 lockId = _locks[lockSeed % _locks.length];
        HashedTimelock.Lock memory l = htlc.getLock(lockId);
        try htlc.refund(lockId) {
            ++refundsMade;
            if (block.timestamp < l.timelock) ++ghostBadEscrowCalls;
        } catch {}
    }

    /// @notice Finding 9: the registrar tries a legal order against the pooled escrow, which would take units
    /// belonging to other locks: refused with `BondForcedTransferFromInfrastructure`.
    function forcedTransferFromEscrow(uint256 receiverSeed, uint256 amount) external {
        uint256 held = bond.balanceOf(address(htlc));
        if (held == 0) return;
        address to = _bondHolders[receiverSeed % _bondHolders.length];
        vm.prank(registrar);
        try bond.forcedTransfer(address(htlc), to, _bound(amount, 1, held), "court order") {
            ++ghostForcedFromEscrow;
        } catch (bytes memory err) {
            if (bytes4(err) == IGovernmentBond.BondForcedTransferFromInfrastructure.selector) ++forcedTransfersRefused;
            else ++ghostForcedFromEscrow; // refused for another reason: the rule was not what stopped it
        }
    }

    // ================================================================== the bond's life

    /// @notice A holder sells bonds to another holder off-engine (changes who is holder of record).
    function transferBonds(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _bondHolders[fromSeed % _bondHolders.length];
        address to = _bondHolders[toSeed % _bondHolders.length];
        uint256 balance = bond.balanceOf(from);
        if (balance == 0 || from == to) return;
        vm.prank(from);
        try bond.transfer(to, _bound(amount, 1, balance)) {
            ++bondTransfers;
        } catch {}
    }

    /// @notice The registrar freezes or unfreezes a holder on the bond.
    function toggleFreeze(uint256 holderSeed) external {
        address holder = _bondHolders[holderSeed % _bondHolders.length];
        bool frozen = bond.isFrozen(holder);
        vm.prank(registrar);
        bond.setFrozen(holder, !frozen);
    }

    /// @notice Time passes: up to 60 days, or to just after the next record date, payment date or maturity.
    /// Before time passes an entitlement date (a record date or maturity), a keeper refunds every lapsed
    /// bond lock (the escrow makes every bond lock end at least `ENTITLEMENT_MARGIN` before the date, so
    /// that there is time to); if one cannot be refunded (its sender is frozen), time stops just before
    /// that date. Without the keeper, a lapsed bond lock left in the escrow over a record date makes the
    /// escrow the holder of record (see LifecycleInvariants.t.sol, `EscrowLapsedLockTest`).
    function warp(uint256 seed) external {
        uint256 mode = seed % 3;
        uint64 next = bond.nextEntitlementDate(uint64(block.timestamp));
        uint256 target;
        if (mode == 0) {
            target = block.timestamp + _bound(seed >> 8, 1 hours, 60 days);
        } else {
            if (next == type(uint64).max) return;
            target = next;
            if (mode == 2 && next != bond.maturityDate()) target += bond.RECORD_DATE_LAG(); // its payment date
            target += _bound(seed >> 8, 0, 2 hours);
        }
        if (next != type(uint64).max && target >= next && !_refundLapsedBondLocks(next)) target = next - 1;
        if (target > block.timestamp) vm.warp(target);
    }

    /// @dev The keeper: at `date - 1`, refunds every bond lock still locked (their time locks all end
    /// before `date`, as the escrow refuses a window across it). Returns whether all were refunded.
    function _refundLapsedBondLocks(uint64 date) private returns (bool all) {
        all = true;
        bool moved = false;
        for (uint256 i = 0; i < _locks.length; ++i) {
            HashedTimelock.Lock memory l = htlc.getLock(_locks[i]);
            if (l.state != HashedTimelock.LockState.Locked || l.token != address(bond)) continue;
            if (!moved && date - 1 > block.timestamp) vm.warp(date - 1);
            moved = true;
            try htlc.refund(_locks[i]) {
                ++refundsMade;
            } catch {
                all = false;
            }
        }
    }

    /// @notice A holder claims coupon `index` for itself.
    function claimCoupon(uint256 holderSeed, uint256 index) external {
        address holder = _bondHolders[holderSeed % _bondHolders.length];
        index %= bond.couponCount();
        (bool due, uint256 units, uint256 owed) = _couponState(index, holder);
        bool frozen = bond.isFrozen(holder);
        uint256 agentBefore = cash.balanceOf(address(agent));
        vm.prank(holder);
        try agent.claimCoupon(index) {
            ++couponsClaimed;
            _recordCoupon(index, holder, due, units, owed, frozen, agentBefore - cash.balanceOf(address(agent)));
        } catch (bytes memory err) {
            if (due && units != 0 && frozen && bytes4(err) == ITokenErrors.AccountFrozen.selector) ++claimsRefusedFrozen;
        }
    }

    /// @notice The paying agent pays coupon `index` to a page of holders (a frozen one is parked).
    function payCoupons(uint256 index, uint256 pageSeed) external {
        index %= bond.couponCount();
        address[] memory page = _page(pageSeed);
        bool[] memory wasPaid = new bool[](page.length);
        bool[] memory frozen = new bool[](page.length);
        uint256[] memory owed = new uint256[](page.length);
        uint256[] memory units = new uint256[](page.length);
        bool due;
        for (uint256 i = 0; i < page.length; ++i) {
            wasPaid[i] = agent.couponPaid(index, page[i]);
            frozen[i] = bond.isFrozen(page[i]);
            (due, units[i], owed[i]) = _couponState(index, page[i]);
        }
        uint256 agentBefore = cash.balanceOf(address(agent));
        vm.prank(operator);
        try agent.payCoupons(index, page) {
            uint256 expected = 0;
            for (uint256 i = 0; i < page.length; ++i) {
                if (wasPaid[i] || !agent.couponPaid(index, page[i])) continue;
                ++couponsPaidInPages;
                expected += owed[i];
                _recordCoupon(index, page[i], due, units[i], owed[i], frozen[i], owed[i]);
            }
            if (agentBefore - cash.balanceOf(address(agent)) != expected) ++ghostBadCoupons;
        } catch {}
    }

    /// @notice A holder redeems its whole holding at maturity.
    function redeem(uint256 holderSeed) external {
        address holder = _bondHolders[holderSeed % _bondHolders.length];
        uint256 units = bond.balanceOf(holder);
        uint256 agentBefore = cash.balanceOf(address(agent));
        vm.prank(holder);
        try agent.redeem() {
            _recordRedemption(holder, units, agentBefore - cash.balanceOf(address(agent)));
        } catch {}
    }

    /// @notice The paying agent redeems a page of holders (one that cannot be redeemed is parked).
    function redeemHolders(uint256 pageSeed) external {
        address[] memory page = _page(pageSeed);
        uint256[] memory units = new uint256[](page.length);
        for (uint256 i = 0; i < page.length; ++i) units[i] = bond.balanceOf(page[i]);
        uint256 agentBefore = cash.balanceOf(address(agent));
        vm.prank(operator);
        try agent.redeemHolders(page) {
            uint256 burned = 0;
            for (uint256 i = 0; i < page.length; ++i) {
                if (units[i] == 0 || bond.balanceOf(page[i]) != 0) continue;
                burned += units[i];
                ++redemptions;
            }
            ghostRedeemedUnits += burned;
            uint256 paid = agentBefore - cash.balanceOf(address(agent));
            ghostRedemptionPaid += paid;
            if (paid != burned * bond.redemptionPerUnit()) ++ghostBadRedemptions;
        } catch {}
    }

    // ================================================================== views for the invariants

    function lockCount() external view returns (uint256) {
        return _locks.length;
    }

    function lockIdAt(uint256 i) external view returns (bytes32) {
        return _locks[i];
    }

    function bondHolders() external view returns (address[] memory) {
        return _bondHolders;
    }

    /// @notice Calls this run that succeeded, or were refused for the reason they must be.
    function successfulCalls() external view returns (uint256) {
        return
            locksMade + locksRefusedAcrossEntitlement + claimsMade + refundsMade + forcedTransfersRefused +
            couponsClaimed + couponsPaidInPages + redemptions + claimsRefusedFrozen + bondTransfers;
    }

    // ================================================================== helpers

    function _lock(
        address sender,
        address receiver,
        address token,
        uint256 amount,
        uint64 timelock,
        uint256 secretSeed,
        bool spansEntitlement
    ) private {
        bytes32 secret = keccak256(abi.encode(secretSeed, _locks.length));
        bytes32 hashlock = sha256(abi.encodePacked(secret)); // before the prank: a precompile call would take it
        vm.prank(sender);
        try htlc.lock(receiver, token, amount, hashlock, timelock) returns (bytes32 lockId) {
            ++locksMade;
            if (spansEntitlement) ++ghostLocksAcrossEntitlement;
            _locks.push(lockId);
            _secretOf[lockId] = secret;
        } catch (bytes memory err) {
            if (spansEntitlement && bytes4(err) == HashedTimelock.LockSpansEntitlementDate.selector) {
                ++locksRefusedAcrossEntitlement;
            }
        }
    }

    function _timelock(uint256 duration) private view returns (uint64) {
        uint256 longest = duration % 4 == 0 ? 200 days : 20 days;
        return uint64(block.timestamp + _bound(duration >> 2, htlc.MIN_TIMELOCK(), longest));
    }

    /// @dev Whether coupon `index` is payable now, the holder's units of record and the coupon on them.
    function _couponState(uint256 index, address holder) private view returns (bool due, uint256 units, uint256 owed) {
        (, uint64 paymentDate) = bond.couponPeriod(index);
        due = block.timestamp >= paymentDate;
        if (!due) return (false, 0, 0);
        units = bond.balanceOfAtRecord(holder, index);
        owed = bond.couponOn(index, units);
    }

    /// @dev Checks and books one coupon payment of `paid`.
    function _recordCoupon(
        uint256 index,
        address holder,
        bool due,
        uint256 units,
        uint256 owed,
        bool frozen,
        uint256 paid
    ) private {
        if (!due || units == 0 || frozen || paid != owed) ++ghostBadCoupons;
        ghostCouponPaid[index] += paid;
        ++ghostCouponPayments[index][holder];
    }

    function _recordRedemption(address holder, uint256 units, uint256 paid) private {
        ++redemptions;
        ghostRedeemedUnits += units;
        ghostRedemptionPaid += paid;
        if (bond.balanceOf(holder) != 0 || paid != units * bond.redemptionPerUnit()) ++ghostBadRedemptions;
    }

    /// @dev 1 to 4 bond holders from `seed` on.
    function _page(uint256 seed) private view returns (address[] memory page) {
        uint256 n = _bound(seed, 1, 4);
        page = new address[](n);
        for (uint256 i = 0; i < n; ++i) page[i] = _bondHolders[((seed >> 8) + i) % _bondHolders.length];
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
