// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {DiscountYield} from "../../../contracts/libraries/DiscountYield.sol";
import {BillTender} from "../../../contracts/settlement/BillTender.sol";
import {BillTerms, ExchangeFundBill} from "../../../contracts/tokens/ExchangeFundBill.sol";
import {SettlementFixture, START} from "../settlement/SettlementFixture.sol";
import {BillTenderHandler} from "./BillTenderHandler.sol";
import {vm} from "../utils/Vm.sol";

/// @dev One bill unit: HK$50,000 in cents.
uint256 constant UNIT = 5_000_000;

/// @title A 91-day Exchange Fund Bill and its tender, wired as src/chain/deploy-bills.ts wires them
/// @notice Bill and tender registered as infrastructure, both approved to hold wCBDC (the tender holds
/// bids' cost in custody), the tender appointed to the bill's `ISSUER_ROLE` by the HKMA; the three
/// banks approve the tender on wCBDC (in tests only: the tender debits each only what its own bids
/// cost, which is checked).
abstract contract BillFixture is SettlementFixture {
    ExchangeFundBill internal bill;
    BillTender internal tender;

    function setUp() public virtual override {
        super.setUp();
        uint64 issueDate = START + 1 days;
        bill = new ExchangeFundBill(
            BillTerms("Q2601", issueDate, issueDate + 91 days, UNIT, "HKD", address(wcbdc)),
            "Exchange Fund Bill Q2601 (91-day)",
            "Q2601",
            registry,
            hkma
        );
        tender = new BillTender(engine);
        vm.startPrank(hkma);
        registry.registerParticipant(address(bill), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        registry.registerParticipant(address(tender), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        wcbdc.setSettlementContract(address(bill), true);
        wcbdc.setSettlementContract(address(tender), true);
        bill.grantRole(bill.ISSUER_ROLE(), address(tender));
        vm.stopPrank();
        address[3] memory banks = [bankA, bankB, bankC];
        for (uint256 i = 0; i < banks.length; ++i) {
            vm.prank(banks[i]);
            wcbdc.approve(address(tender), MAX);
        }
    }
}

/// @title Fuzz: the price formula and the allotment rule of the bill tender
contract BillTenderFuzzTest is BillFixture {
    /// @dev The price is the exact floor of `face × 3,650,000 / (3,650,000 + yield × days)`: at most
    /// par, falling as the yield rises.
    function testFuzz_price_isTheFloorOfTheFormula(uint256 face, uint256 yieldBps, uint256 days_) public pure {
        face = bound(face, 1, 1e15);
        yieldBps = bound(yieldBps, 0, 10_000);
        days_ = bound(days_, 1, 364);
        uint256 p = DiscountYield.price(face, yieldBps, days_);
        uint256 denominator = 3_650_000 + yieldBps * days_;
        assertLe(p * denominator, face * 3_650_000, "price above the formula");
        assertTrue((p + 1) * denominator > face * 3_650_000, "price more than a minor unit below the formula");
        assertLe(p, face, "price above par");
        assertLe(DiscountYield.price(face, yieldBps + 1, days_), p, "price rose with the yield");
    }

    /// @dev Up to 15 random bids (three banks, five each) at a narrow band of yields: the tender
    /// never allots more than offered nor more than a bid asked, lower yields in full, higher yields
    /// nothing, each cut-off bid `floor(share)` or `floor(share) + 1` with the level exactly the
    /// remainder, each bank debited exactly its allotments at its own prices over bid and allotment,
    /// and the tender left holding nothing.
    function testFuzz_allotment_withinOfferAndBidsAndFairAtTheCutoff(uint256 seed, uint256 offeredUnits, uint8 count) public {
        offeredUnits = bound(offeredUnits, 10, 3_000);
        bytes32 ref = keccak256("fuzz tender");
        // Before the bids: each bid takes its cost into custody, the allotment returns what was not allotted.
        uint256[3] memory before = [wcbdc.balanceOf(bankA), wcbdc.balanceOf(bankB), wcbdc.balanceOf(bankC)];
        uint64 closesAt = _openAndBid(ref, seed, offeredUnits, bound(count, 1, 15));
        vm.warp(closesAt);
        vm.prank(hkma);
        BillTender.TenderResult memory result = tender.allotTender(ref);
        BillTender.Bid[] memory bids = tender.bidsOf(ref);
        Tally memory t = _tally(bids, result.highestYieldAccepted);

        assertLe(t.total, offeredUnits, "allotted more than offered");
        assertEq(t.total, t.applied < offeredUnits ? t.applied : offeredUnits, "offer not used up while bids remained");
        assertEq(result.amountAllotted, t.total * UNIT, "result's amount allotted");
        assertEq(result.amountApplied, t.applied * UNIT, "result's amount applied");
        _checkCutoff(bids, result.highestYieldAccepted, offeredUnits - t.below, t.asked);
        address[3] memory banks = [bankA, bankB, bankC];
        for (uint256 k = 0; k < 3; ++k) {
            assertEq(before[k] - wcbdc.balanceOf(banks[k]), t.debit[k], "a bank debited other than its allotments at its prices");
        }
        assertEq(bill.totalSupply(), t.total, "bills minted other than allotted");
        assertEq(wcbdc.balanceOf(address(tender)), 0, "the tender kept some of the bids' cost");
    }

    struct Tally {
        uint256 total;
        uint256 below;
        uint256 asked;
        uint256 applied;
        uint256[3] debit;
    }

    /// @dev Opens `ref` for `offeredUnits` and has the banks (in turn) submit `n` bids of 10 units up
    /// to the offer at yields 3.00%–3.04%.
    function _openAndBid(bytes32 ref, uint256 seed, uint256 offeredUnits, uint256 n) private returns (uint64 closesAt) {
        closesAt = uint64(block.timestamp + 1 hours);
        vm.prank(hkma);
        tender.openTender(ref, BillTender.TenderTerms(address(bill), offeredUnits * UNIT, closesAt));
        address[3] memory banks = [bankA, bankB, bankC];
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            vm.prank(banks[i % 3]);
            tender.submitBid(ref, bound(r, 10, offeredUnits) * UNIT, 300 + ((r >> 128) % 5));
        }
    }

    /// @dev Per-bid checks (never above its units; below the cut-off in full, above it nothing) and the sums.
    function _tally(BillTender.Bid[] memory bids, uint256 cutoff) private pure returns (Tally memory t) {
        for (uint256 i = 0; i < bids.length; ++i) {
            BillTender.Bid memory b = bids[i];
            assertLe(b.unitsAllotted, b.units, "a bid allotted more than it asked");
            t.total += b.unitsAllotted;
            t.applied += b.units;
            t.debit[i % 3] += b.unitsAllotted * b.pricePerUnit;
            if (b.yieldBps < cutoff) {
                assertEq(b.unitsAllotted, b.units, "a bid below the cut-off not in full");
                t.below += b.units;
            } else if (b.yieldBps > cutoff) {
                assertEq(b.unitsAllotted, 0, "a bid above the cut-off allotted");
            } else {
                t.asked += b.units;
            }
        }
    }

    /// @dev Scaled at the cut-off: each bid `floor(share)` or `floor(share) + 1`, the level exactly the remainder.
    function _checkCutoff(BillTender.Bid[] memory bids, uint256 cutoff, uint256 remaining, uint256 asked) private pure {
        if (asked <= remaining) return;
        uint256 given = 0;
        for (uint256 i = 0; i < bids.length; ++i) {
            if (bids[i].yieldBps != cutoff) continue;
            uint256 floorShare = (bids[i].units * remaining) / asked;
            given += bids[i].unitsAllotted;
            assertTrue(
                bids[i].unitsAllotted == floorShare || bids[i].unitsAllotted == floorShare + 1,
                "a cut-off bid got neither floor(share) nor floor(share) + 1"
            );
        }
        assertEq(given, remaining, "the cut-off level did not get exactly the remainder");
    }
}

/// @title Invariants of the bill tender under random use
/// @notice The fuzzer drives only `BillTenderHandler`, which checks each allotment as it happens
/// (see its notice). After every call: no allotment check failed; the bills in issue are exactly the
/// units allotted; the central bank received exactly the proceeds; the tender holds exactly the cost
/// of the open tender's live bids (nothing once it is allotted or cancelled).
/// Running this file alone, name the handler's file too (`npx hardhat test solidity <this file>
/// test/solidity/lifecycle/BillTenderHandler.sol`), as for LifecycleInvariants.t.sol.
contract BillTenderInvariantsTest is BillFixture {
    BillTenderHandler private handler;
    uint256 private centralBankOpening;

    function setUp() public override {
        super.setUp();
        address[] memory banks = new address[](3);
        (banks[0], banks[1], banks[2]) = (bankA, bankB, bankC);
        handler = new BillTenderHandler(tender, bill, hkma, banks);
        centralBankOpening = wcbdc.balanceOf(hkma);
        targetContract(address(handler));
    }

    function invariant_allotmentsWithinOfferBidsAndPrices() public view {
        assertEq(handler.ghostBadAllotments(), 0, "an allotment broke the rule (see BillTenderHandler)");
        assertEq(bill.totalSupply(), handler.ghostUnitsAllotted(), "bills in issue != units allotted");
        assertEq(wcbdc.balanceOf(hkma) - centralBankOpening, handler.ghostProceeds(), "central bank credited other than proceeds");
        assertEq(wcbdc.balanceOf(address(tender)), handler.liveCost(), "tender holds other than its live bids' cost");
    }

    /// @dev After every run: the run did real work (some call succeeded).
    function afterInvariant() public view {
        assertTrue(handler.successfulCalls() >= 1, "a run in which no call succeeded");
    }

    /// @dev 400 pseudo-random handler calls from one seed, then a bid reclaimed after the close, reach
    /// every entry point successfully, have the minimum and the denomination refuse bids, and allot pro
    /// rata at least once.
    function test_handler_pseudoRandomUse_reachesEveryEntryPoint() public {
        for (uint256 i = 0; i < 400; ++i) {
            uint256 r = uint256(keccak256(abi.encode("bills", i)));
            uint256 a = uint256(keccak256(abi.encode(r, 1)));
            uint256 pick = r % 20;
            if (pick < 2) handler.open(a);
            else if (pick < 14) handler.bid(a, a >> 64, a >> 128, (a >> 200) % 8 == 0);
            else if (pick == 14) handler.withdraw(a);
            else if (pick == 15) handler.reject(a);
            else if (pick == 16) handler.cancel(a);
            else handler.allot();
        }
        // Then a tender the central bank leaves unallotted (a fresh one: any still open is cancelled
        // first) with one bid, which its bidder reclaims once the allotment window has passed.
        if (handler.hasOpenTender()) handler.cancel(0);
        handler.open(1);
        uint256 accepted = handler.bidsAccepted();
        handler.bid(0, 5, 0, false); // bank A, the minimum bid (ten units) at 3.00%
        assertEq(handler.bidsAccepted(), accepted + 1, "the bid to reclaim was not taken");
        handler.reclaim(0, true);
        assertTrue(handler.opened() > 0 && handler.bidsAccepted() > 0, "no tender or no bid");
        assertTrue(handler.bidsRefusedMinimum() > 0 && handler.bidsRefusedMultiple() > 0, "no bid refused");
        assertTrue(handler.withdrawals() > 0 && handler.rejections() > 0 && handler.cancellations() > 0, "withdraw/reject/cancel");
        assertTrue(handler.reclaims() > 0, "no bid reclaimed after the close");
        assertTrue(handler.allotments() > 0 && handler.allotmentsProRata() > 0, "no allotment, or none pro rata");
        invariant_allotmentsWithinOfferBidsAndPrices();
    }
}
