// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IntradayLiquidityFacility, Repo, RepoStatus} from "../../../contracts/liquidity/IntradayLiquidityFacility.sol";
import {PaymentInstruction, PaymentQueue, PaymentStatus} from "../../../contracts/liquidity/PaymentQueue.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What the liquidity handler drives.
struct LiquiditySetup {
    IntradayLiquidityFacility facility;
    PaymentQueue queue;
    IERC20 bond; // the listed paper
    IERC20 cash; // wCBDC
    address centralBank; // HKMA: lists, sets rates, is the funding account
    address[] banks;
}

/// @title Random but bounded use of the intraday liquidity facility and the payment queue, with ghost accounting
/// @notice The invariant fuzzer calls only this contract. Moves: banks repo some of their bonds for up
/// to the lending value; reverse (their own repos; another bank's, which must be refused; with too
/// little cash, refused); anyone rolls repos past their cut-off into the Discount Window (before it,
/// refused); anyone closes out overnight repos unpaid when due (before, refused); the HKMA re-prices the bond and changes the rate; the clock moves (hours to days); banks
/// submit payments to each other (some larger than they hold, so they queue), release queues and
/// cancel queued payments.
/// @dev Every successful call is checked when it happens: exactly the units and cash it should move
/// moved, from and to whom they should. Interest is recomputed here independently (ACT/365, HKT days,
/// at least one, rounded up) and compared with what the facility charged.
contract LiquidityHandler {
    uint256 private constant HKT = 8 hours;

    IntradayLiquidityFacility public immutable facility;
    PaymentQueue public immutable queue;
    IERC20 public immutable bond;
    IERC20 public immutable cash;
    address private immutable centralBank;
    address[] private _banks;
    uint256 private immutable _endOfCampaign;

    // ------------------------------------------------------------------ facility ghosts

    /// @dev Units the handler's open repos delivered, and the principal they borrowed.
    uint256 public ghostOpenUnits;
    uint256 public ghostOpenPrincipal;
    /// @dev Calls that moved the wrong amounts, or charged other than the recomputed interest (must stay zero).
    uint256 public ghostBadMoves;
    /// @dev Refusals that should have happened but did not (another bank's reversal, an early roll) (must stay zero).
    uint256 public ghostMissedRefusals;

    // ------------------------------------------------------------------ queue ghosts

    /// @dev Payments settled other than in full, once, from their payer's own instruction (must stay zero).
    uint256 public ghostBadPayments;

    // ------------------------------------------------------------------ counters: real work

    uint256 public repos;
    uint256 public reversalsIntraday;
    uint256 public reversalsOvernight;
    uint256 public rolls;
    uint256 public closeOuts;
    uint256 public refusedEarlyCloseOut;
    uint256 public refusedOtherBank;
    uint256 public refusedShortCash;
    uint256 public refusedEarlyRoll;
    uint256 public refusedOverValue;
    uint256 public paymentsSettledAtOnce;
    uint256 public paymentsQueued;
    uint256 public paymentsReleased;
    uint256 public paymentsCancelled;
    uint256 public successfulCalls;

    constructor(LiquiditySetup memory s) {
        facility = s.facility;
        queue = s.queue;
        bond = s.bond;
        cash = s.cash;
        centralBank = s.centralBank;
        _banks = s.banks;
        _endOfCampaign = block.timestamp + 90 days; // well before the bond matures
    }

    /// @notice Every repo ever opened (ids run from 1).
    function repoCount() external view returns (uint256) {
        return facility.repoCount();
    }

    /// @notice The interest the facility should charge on repo `id` now, recomputed from its record.
    function expectedInterest(uint256 id) public view returns (uint256) {
        Repo memory r = facility.repoOf(id);
        if (r.status != RepoStatus.Overnight) return 0;
        uint256 startDay = (uint256(r.openedAt) + HKT) / 1 days;
        uint256 endDay = (block.timestamp + HKT) / 1 days;
        uint256 days_ = endDay > startDay ? endDay - startDay : 1;
        uint256 numerator = uint256(r.principal) * r.overnightRateBps * days_;
        return (numerator + 3_650_000 - 1) / 3_650_000;
    }

    // ------------------------------------------------------------------ facility

    /// @notice A bank repos up to all its bonds for up to (sometimes one cent over) their lending value.
    function repo(uint256 bankSeed, uint256 unitsSeed, uint256 amountSeed) external {
        address bank = _banks[bankSeed % _banks.length];
        uint256 held = bond.balanceOf(bank);
        if (held == 0 || block.timestamp >= facility.cutOffOf(block.timestamp)) return;
        uint256 units = _bound(unitsSeed, 1, held);
        uint256 value = facility.lendingValue(address(bond), units);
        if (value == 0) return;
        vm.prank(bank);
        bond.approve(address(facility), units);
        if (amountSeed % 8 == 0) {
            vm.prank(bank);
            try facility.repo(address(bond), units, value + 1) {
                ++ghostMissedRefusals;
            } catch (bytes memory reason) {
                if (bytes4(reason) == IntradayLiquidityFacility.RepoAmountOverLendingValue.selector) ++refusedOverValue;
                else ++ghostBadMoves;
            }
            return;
        }
        uint256 amount = _bound(amountSeed, 1, value);
        uint256 bankCash = cash.balanceOf(bank);
        uint256 hkmaCash = cash.balanceOf(centralBank);
        uint256 custody = bond.balanceOf(address(facility));
        vm.prank(bank);
        facility.repo(address(bond), units, amount);
        if (
            cash.balanceOf(bank) != bankCash + amount || cash.balanceOf(centralBank) != hkmaCash - amount
                || bond.balanceOf(bank) != held - units || bond.balanceOf(address(facility)) != custody + units
        ) ++ghostBadMoves;
        ghostOpenUnits += units;
        ghostOpenPrincipal += amount;
        ++repos;
        ++successfulCalls;
    }

    /// @notice The repo's own bank reverses it (refused when past the cut-off unrolled, or short of cash).
    function reverse(uint256 idSeed, uint256 spendSeed) external {
        uint256 n = facility.repoCount();
        if (n == 0) return;
        uint256 id = 1 + (idSeed % n);
        Repo memory r = facility.repoOf(id);
        if (r.status != RepoStatus.Intraday && r.status != RepoStatus.Overnight) return;
        if (r.status == RepoStatus.Intraday && block.timestamp >= r.cutOffAt) return;
        // Half the banks late on an overnight repo do not pay at all (they default and are closed out).
        if (r.status == RepoStatus.Overnight && block.timestamp >= facility.overnightDueAt(r.cutOffAt) && spendSeed % 2 == 1) {
            return;
        }
        uint256 owed = facility.amountOwed(id);
        if (owed != r.principal + expectedInterest(id)) ++ghostBadMoves;
        uint256 bankCash = cash.balanceOf(r.bank);
        if (spendSeed % 6 == 0 && bankCash >= owed) {
            // The bank pays away all but one cent short of what it owes to someone else first: refused.
            address other = _otherBank(r.bank, spendSeed);
            vm.prank(r.bank);
            cash.transfer(other, bankCash - owed + 1);
            vm.prank(r.bank);
            cash.approve(address(facility), owed);
            vm.prank(r.bank);
            try facility.reverse(id) {
                ++ghostMissedRefusals;
            } catch (bytes memory reason) {
                if (bytes4(reason) == IntradayLiquidityFacility.RepoInsufficientCash.selector) ++refusedShortCash;
                else ++ghostBadMoves;
            }
            return;
        }
        if (bankCash < owed) return;
        uint256 hkmaCash = cash.balanceOf(centralBank);
        uint256 bankBonds = bond.balanceOf(r.bank);
        vm.prank(r.bank);
        cash.approve(address(facility), owed);
        vm.prank(r.bank);
        uint256 paid = facility.reverse(id);
        if (
            paid != owed || cash.balanceOf(r.bank) != bankCash - owed || cash.balanceOf(centralBank) != hkmaCash + owed
                || bond.balanceOf(r.bank) != bankBonds + r.units
        ) ++ghostBadMoves;
        ghostOpenUnits -= r.units;
        ghostOpenPrincipal -= r.principal;
        if (r.status == RepoStatus.Intraday) ++reversalsIntraday;
        else ++reversalsOvernight;
        ++successfulCalls;
    }

    /// @notice Another bank tries to reverse a repo: must be refused with `RepoNotYours`.
    function reverseByOtherBank(uint256 idSeed, uint256 bankSeed) external {
        uint256 n = facility.repoCount();
        if (n == 0) return;
        uint256 id = 1 + (idSeed % n);
        Repo memory r = facility.repoOf(id);
        if (r.status == RepoStatus.Reversed || r.status == RepoStatus.ClosedOut) return;
        address other = _otherBank(r.bank, bankSeed);
        vm.prank(other);
        cash.approve(address(facility), type(uint256).max);
        vm.prank(other);
        try facility.reverse(id) {
            ++ghostMissedRefusals;
        } catch (bytes memory reason) {
            if (bytes4(reason) == IntradayLiquidityFacility.RepoNotYours.selector) ++refusedOtherBank;
            else ++ghostBadMoves;
        }
        vm.prank(other);
        cash.approve(address(facility), 0);
    }

    /// @notice Anyone rolls an intraday repo into the Discount Window (refused before its cut-off).
    function roll(uint256 idSeed) external {
        uint256 n = facility.repoCount();
        if (n == 0) return;
        uint256 id = 1 + (idSeed % n);
        Repo memory r = facility.repoOf(id);
        if (r.status != RepoStatus.Intraday) return;
        uint256 custody = bond.balanceOf(address(facility));
        if (block.timestamp < r.cutOffAt) {
            try facility.rollToDiscountWindow(id) {
                ++ghostMissedRefusals;
            } catch (bytes memory reason) {
                if (bytes4(reason) == IntradayLiquidityFacility.RepoBeforeCutOff.selector) ++refusedEarlyRoll;
                else ++ghostBadMoves;
            }
            return;
        }
        facility.rollToDiscountWindow(id);
        Repo memory rolled = facility.repoOf(id);
        if (
            rolled.status != RepoStatus.Overnight || rolled.overnightRateBps != facility.discountWindowRate()
                || bond.balanceOf(address(facility)) != custody
        ) ++ghostBadMoves;
        ++rolls;
        ++successfulCalls;
        // A keeper that closes out at once, before the overnight repo is due, is refused.
        if (block.timestamp < facility.overnightDueAt(rolled.cutOffAt)) _closeOutRefused(id);
    }

    /// @notice Anyone closes out an overnight repo unpaid when due: the paper goes to the HKMA, the
    /// bank keeps the cash (refused before it is due).
    function closeOut(uint256 idSeed) external {
        uint256 n = facility.repoCount();
        if (n == 0) return;
        // The first overnight repo from the seed on (most repos are reversed: a random id rarely is one).
        uint256 id;
        Repo memory r;
        for (uint256 k = 0; k < n && k < 32; ++k) {
            id = 1 + ((idSeed + k) % n);
            r = facility.repoOf(id);
            if (r.status == RepoStatus.Overnight) break;
        }
        if (r.status != RepoStatus.Overnight) return;
        if (block.timestamp < facility.overnightDueAt(r.cutOffAt)) return _closeOutRefused(id);
        uint256 custody = bond.balanceOf(address(facility));
        uint256 hkmaBonds = bond.balanceOf(centralBank);
        uint256 bankCash = cash.balanceOf(r.bank);
        uint256 hkmaCash = cash.balanceOf(centralBank);
        facility.closeOut(id);
        if (
            bond.balanceOf(address(facility)) != custody - r.units || bond.balanceOf(centralBank) != hkmaBonds + r.units
                || cash.balanceOf(r.bank) != bankCash || cash.balanceOf(centralBank) != hkmaCash
                || facility.repoOf(id).status != RepoStatus.ClosedOut
        ) ++ghostBadMoves;
        ghostOpenUnits -= r.units;
        ghostOpenPrincipal -= r.principal;
        ++closeOuts;
        ++successfulCalls;
    }

    function _closeOutRefused(uint256 id) private {
        try facility.closeOut(id) {
            ++ghostMissedRefusals;
        } catch (bytes memory reason) {
            if (bytes4(reason) == IntradayLiquidityFacility.RepoNotDue.selector) ++refusedEarlyCloseOut;
            else ++ghostBadMoves;
        }
    }

    /// @notice The HKMA re-prices the bond (price 95–100% of face, haircut 0–10%) or changes the Discount Window rate.
    function setTerms(uint256 seed) external {
        vm.startPrank(centralBank);
        if (seed % 2 == 0) {
            facility.listCollateral(address(bond), _bound(seed >> 8, 4_750_000, 5_000_000), uint16(_bound(seed >> 40, 0, 1_000)));
        } else {
            facility.setDiscountWindowRate(uint16(_bound(seed >> 8, 0, 800)), uint16(_bound(seed >> 40, 0, 300)));
        }
        vm.stopPrank();
        ++successfulCalls;
    }

    /// @notice The clock moves an hour to three days on, to the next cut-off, or to the next 08:30 HKT.
    function warp(uint256 seed) external {
        uint256 mode = seed % 3;
        uint256 target;
        if (mode == 0) target = block.timestamp + _bound(seed >> 8, 1 hours, 3 days);
        else if (mode == 1) {
            target = facility.cutOffOf(block.timestamp);
            if (target <= block.timestamp) target += 1 days;
        } else {
            target = ((block.timestamp + HKT) / 1 days + 1) * 1 days - HKT + 8.5 hours;
        }
        if (target > _endOfCampaign) return;
        vm.warp(target);
    }

    // ------------------------------------------------------------------ queue

    /// @notice A bank pays another: up to twice what it holds, so some payments queue.
    function submit(uint256 payerSeed, uint256 payeeSeed, uint256 amountSeed) external {
        address payer = _banks[payerSeed % _banks.length];
        address payee = _otherBank(payer, payeeSeed);
        uint256 amount = _bound(amountSeed, 1, 2 * cash.balanceOf(payer) + 1);
        if (queue.queueOf(payer).length >= queue.MAX_QUEUED()) return;
        vm.prank(payer);
        cash.approve(address(queue), type(uint256).max);
        uint256 payerCash = cash.balanceOf(payer);
        uint256 payeeCash = cash.balanceOf(payee);
        bool waited = queue.queueOf(payer).length > 0;
        vm.prank(payer);
        (uint256 id, bool settled) = queue.submit(payee, amount, bytes32(amountSeed));
        PaymentInstruction memory p = queue.paymentOf(id);
        if (settled) {
            if (waited || p.status != PaymentStatus.Settled || cash.balanceOf(payer) != payerCash - amount
                    || cash.balanceOf(payee) != payeeCash + amount) ++ghostBadPayments;
            ++paymentsSettledAtOnce;
        } else {
            if (p.status != PaymentStatus.Queued || cash.balanceOf(payer) != payerCash) ++ghostBadPayments;
            if (!waited && payerCash >= amount) ++ghostBadPayments; // it could have settled
            ++paymentsQueued;
        }
        ++successfulCalls;
    }

    /// @notice Anyone releases a bank's queue: settles from the head, in order, what the payer can fund.
    function release(uint256 payerSeed) external {
        address payer = _banks[payerSeed % _banks.length];
        uint256[] memory before = queue.queueOf(payer);
        uint256 payerCash = cash.balanceOf(payer);
        uint256 settled = queue.release(payer);
        uint256 paid = 0;
        for (uint256 i = 0; i < before.length; ++i) {
            PaymentInstruction memory p = queue.paymentOf(before[i]);
            bool isSettled = p.status == PaymentStatus.Settled;
            if (isSettled != (i < settled)) ++ghostBadPayments; // strictly the head, in order
            if (isSettled) paid += p.amount;
        }
        if (cash.balanceOf(payer) != payerCash - paid) ++ghostBadPayments;
        if (settled < before.length && cash.balanceOf(payer) >= queue.paymentOf(before[settled]).amount) ++ghostBadPayments;
        paymentsReleased += settled;
        ++successfulCalls;
    }

    /// @notice A payer cancels one of its queued payments.
    function cancel(uint256 payerSeed, uint256 indexSeed) external {
        address payer = _banks[payerSeed % _banks.length];
        uint256[] memory waiting = queue.queueOf(payer);
        if (waiting.length == 0) return;
        uint256 id = waiting[indexSeed % waiting.length];
        uint256 payerCash = cash.balanceOf(payer);
        vm.prank(payer);
        queue.cancel(id);
        if (queue.paymentOf(id).status != PaymentStatus.Cancelled || queue.queueOf(payer).length != waiting.length - 1
                || cash.balanceOf(payer) != payerCash) ++ghostBadPayments;
        ++paymentsCancelled;
        ++successfulCalls;
    }

    /// @notice The banks the handler drives.
    function banks() external view returns (address[] memory) {
        return _banks;
    }

    function _otherBank(address bank, uint256 seed) private view returns (address other) {
        other = _banks[seed % _banks.length];
        if (other == bank) other = _banks[(seed + 1) % _banks.length];
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
