// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BillTender} from "../../../contracts/settlement/BillTender.sol";
import {ExchangeFundBill} from "../../../contracts/tokens/ExchangeFundBill.sol";
import {vm} from "../utils/Vm.sol";

/// @title Random but bounded use of the bill tender, checking every allotment as it happens
/// @notice The invariant fuzzer calls only this contract. Moves: the central bank opens a tender
/// (one at a time, a random amount on offer), banks bid random face amounts (some below the
/// minimum or not whole units, which must be refused) at yields from a narrow band (so that yields
/// tie), withdraw, reclaim after the close (time moved to the end of the allotment window, or the bill's
/// maturity if sooner), the central bank rejects bids, cancels, or allots after the close.
/// @dev Every successful allotment is checked when it happens: at most the amount on offer; no bid
/// beyond its own units; lower yields in full, higher yields nothing; at the cut-off each bid gets
/// `floor(units × remaining / asked)` or one unit more, the level exactly the remainder; each bank
/// debited over the tender's life (bids into custody, refunds back) exactly Σ units allotted × its
/// bids' own prices, never above Σ units × price, and credited at allotment exactly its live bids'
/// unallotted cost; the central bank credited the proceeds; the bills minted exactly the units
/// allotted. A cancellation returns every bank to its cash at the opening. Between calls the tender
/// holds exactly the cost of the open tender's live bids (`liveCost`; no bank is frozen here, so
/// nothing is parked).
contract BillTenderHandler {
    BillTender public immutable tender;
    ExchangeFundBill public immutable bill;
    IERC20 public immutable cash;
    address private immutable _centralBank;
    address[] private _banks;
    uint256[] private _cashAtOpen;

    uint256 private _refCounter;
    bytes32 public currentRef;
    bool public hasOpenTender;

    // Real work done (pinned by the test that replays pseudo-random calls).
    uint256 public opened;
    uint256 public bidsAccepted;
    uint256 public bidsRefusedMinimum;
    uint256 public bidsRefusedMultiple;
    uint256 public withdrawals;
    uint256 public reclaims;
    uint256 public rejections;
    uint256 public cancellations;
    uint256 public allotments;
    uint256 public allotmentsProRata;
    uint256 public allotmentsFailed;

    // Ghosts.
    uint256 public ghostUnitsAllotted;
    uint256 public ghostProceeds;
    /// @dev Allotment checks that failed (must stay zero).
    uint256 public ghostBadAllotments;

    constructor(BillTender tender_, ExchangeFundBill bill_, address centralBank_, address[] memory banks_) {
        tender = tender_;
        bill = bill_;
        cash = IERC20(bill_.cashToken());
        _centralBank = centralBank_;
        _banks = banks_;
    }

    function successfulCalls() external view returns (uint256) {
        return opened + bidsAccepted + withdrawals + reclaims + rejections + cancellations + allotments;
    }

    // ------------------------------------------------------------------ moves

    function open(uint256 offerSeed) external {
        if (hasOpenTender) return;
        uint64 closesAt = uint64(block.timestamp + 1 hours);
        if (closesAt >= bill.maturityDate()) return;
        uint256 face = (10 + (offerSeed % 2_000)) * bill.denomination();
        bytes32 ref = keccak256(abi.encode("bill tender", ++_refCounter));
        vm.prank(_centralBank);
        tender.openTender(ref, BillTender.TenderTerms(address(bill), face, closesAt));
        currentRef = ref;
        hasOpenTender = true;
        _cashAtOpen = _cashOfBanks();
        ++opened;
    }

    function bid(uint256 bankSeed, uint256 unitsSeed, uint256 yieldSeed, bool oddFace) external {
        if (!hasOpenTender || block.timestamp >= tender.tenderOf(currentRef).terms.closesAt) return;
        address bank = _banks[bankSeed % _banks.length];
        uint256 face = (5 + (unitsSeed % 600)) * bill.denomination() + (oddFace ? 1 : 0);
        uint256 yieldBps = 300 + (yieldSeed % 8);
        vm.prank(bank);
        try tender.submitBid(currentRef, face, yieldBps) {
            ++bidsAccepted;
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            if (selector == BillTender.BillBidBelowMinimum.selector) ++bidsRefusedMinimum;
            else if (selector == BillTender.BillBidNotMultipleOfDenomination.selector) ++bidsRefusedMultiple;
        }
    }

    function withdraw(uint256 indexSeed) external {
        (bool ok, uint256 index, BillTender.Bid memory b) = _someBid(indexSeed);
        if (!ok) return;
        vm.prank(b.bidder);
        try tender.withdrawBid(currentRef, index) {
            ++withdrawals;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev A bidder takes back a bid the central bank has not allotted in time; if `wait`, time first
    /// moves to when it may (the close plus `ALLOTMENT_WINDOW`, or the bill's maturity if sooner).
    function reclaim(uint256 indexSeed, bool wait) external {
        (bool ok, uint256 index, BillTender.Bid memory b) = _someBid(indexSeed);
        if (!ok) return;
        if (wait) {
            uint256 from = uint256(tender.tenderOf(currentRef).terms.closesAt) + tender.ALLOTMENT_WINDOW();
            if (bill.maturityDate() < from) from = bill.maturityDate();
            if (block.timestamp < from) vm.warp(from);
        }
        vm.prank(b.bidder);
        try tender.reclaimBid(currentRef, index) {
            ++reclaims;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function reject(uint256 indexSeed) external {
        (bool ok, uint256 index, ) = _someBid(indexSeed);
        if (!ok) return;
        vm.prank(_centralBank);
        try tender.rejectBid(currentRef, index) {
            ++rejections;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function cancel(uint256 seed) external {
        if (!hasOpenTender || seed % 4 != 0) return; // rarely: most tenders should reach allotment
        vm.prank(_centralBank);
        tender.cancelTender(currentRef);
        hasOpenTender = false;
        ++cancellations;
        for (uint256 k = 0; k < _banks.length; ++k) {
            if (cash.balanceOf(_banks[k]) != _cashAtOpen[k]) ++ghostBadAllotments; // every bid's cost came back
        }
    }

    function allot() external {
        if (!hasOpenTender) return;
        BillTender.Tender memory t = tender.tenderOf(currentRef);
        if (block.timestamp < t.terms.closesAt) vm.warp(t.terms.closesAt);
        uint256[] memory cashBefore = _cashOfBanks();
        uint256 centralBankBefore = cash.balanceOf(_centralBank);
        uint256 supplyBefore = bill.totalSupply();
        vm.prank(_centralBank);
        try tender.allotTender(currentRef) returns (BillTender.TenderResult memory result) {
            ++allotments;
            hasOpenTender = false;
            if (result.proRataRatio < tender.RATIO_SCALE()) ++allotmentsProRata;
            _checkAllotment(t, result, cashBefore, centralBankBefore, supplyBefore);
        } catch {
            ++allotmentsFailed;
        }
    }

    // ------------------------------------------------------------------ checks

    function _checkAllotment(
        BillTender.Tender memory t,
        BillTender.TenderResult memory result,
        uint256[] memory cashBefore,
        uint256 centralBankBefore,
        uint256 supplyBefore
    ) private {
        BillTender.Bid[] memory bids = tender.bidsOf(currentRef);
        uint256 offered = t.terms.faceOffered / t.denomination;
        uint256 cutoff = result.highestYieldAccepted;
        uint256 total = 0;
        uint256 belowCutoff = 0;
        uint256 askedAtCutoff = 0;
        uint256[] memory debit = new uint256[](_banks.length);
        uint256[] memory ceiling = new uint256[](_banks.length);
        uint256[] memory refund = new uint256[](_banks.length);
        for (uint256 i = 0; i < bids.length; ++i) {
            BillTender.Bid memory b = bids[i];
            if (b.unitsAllotted > b.units) ++ghostBadAllotments;
            total += b.unitsAllotted;
            uint256 k = _bankIndex(b.bidder);
            debit[k] += b.unitsAllotted * b.pricePerUnit;
            ceiling[k] += b.units * b.pricePerUnit;
            bool live = !b.withdrawn && !b.rejected;
            if (live) refund[k] += (b.units - b.unitsAllotted) * b.pricePerUnit;
            if (!live) {
                if (b.unitsAllotted != 0) ++ghostBadAllotments;
            } else if (b.yieldBps < cutoff) {
                if (b.unitsAllotted != b.units) ++ghostBadAllotments;
                belowCutoff += b.units;
            } else if (b.yieldBps > cutoff) {
                if (b.unitsAllotted != 0) ++ghostBadAllotments;
            } else {
                askedAtCutoff += b.units;
            }
        }
        if (total > offered || total * t.denomination != result.amountAllotted) ++ghostBadAllotments;
        // The cut-off level: in full, or pro rata with floor / floor + 1, the level exactly the remainder.
        if (askedAtCutoff != 0) {
            uint256 remaining = offered - belowCutoff;
            uint256 levelGiven = 0;
            for (uint256 i = 0; i < bids.length; ++i) {
                BillTender.Bid memory b = bids[i];
                if (b.withdrawn || b.rejected || b.yieldBps != cutoff) continue;
                levelGiven += b.unitsAllotted;
                if (askedAtCutoff <= remaining) {
                    if (b.unitsAllotted != b.units) ++ghostBadAllotments;
                } else {
                    uint256 floorShare = (b.units * remaining) / askedAtCutoff;
                    if (b.unitsAllotted != floorShare && b.unitsAllotted != floorShare + 1) ++ghostBadAllotments;
                }
            }
            if (askedAtCutoff > remaining && levelGiven != remaining) ++ghostBadAllotments;
        }
        for (uint256 k = 0; k < _banks.length; ++k) {
            uint256 balance = cash.balanceOf(_banks[k]);
            if (balance - cashBefore[k] != refund[k]) ++ghostBadAllotments; // the allotment only returns custody
            uint256 paid = _cashAtOpen[k] - balance;
            if (paid != debit[k] || paid > ceiling[k]) ++ghostBadAllotments;
        }
        if (cash.balanceOf(_centralBank) - centralBankBefore != result.proceeds) ++ghostBadAllotments;
        if (bill.totalSupply() - supplyBefore != total) ++ghostBadAllotments;
        ghostUnitsAllotted += total;
        ghostProceeds += result.proceeds;
    }

    /// @notice What the open tender's live bids cost (zero when none is open): what the tender holds.
    function liveCost() external view returns (uint256 total) {
        if (!hasOpenTender) return 0;
        BillTender.Bid[] memory bids = tender.bidsOf(currentRef);
        for (uint256 i = 0; i < bids.length; ++i) {
            if (!bids[i].withdrawn && !bids[i].rejected) total += bids[i].units * bids[i].pricePerUnit;
        }
    }

    function _someBid(uint256 seed) private view returns (bool ok, uint256 index, BillTender.Bid memory b) {
        if (!hasOpenTender) return (false, 0, b);
        BillTender.Bid[] memory bids = tender.bidsOf(currentRef);
        if (bids.length == 0) return (false, 0, b);
        index = seed % bids.length;
        return (true, index, bids[index]);
    }

    function _cashOfBanks() private view returns (uint256[] memory out) {
        out = new uint256[](_banks.length);
        for (uint256 k = 0; k < _banks.length; ++k) out[k] = cash.balanceOf(_banks[k]);
    }

    function _bankIndex(address bank) private view returns (uint256) {
        for (uint256 k = 0; k < _banks.length; ++k) if (_banks[k] == bank) return k;
        return type(uint256).max;
    }
}
