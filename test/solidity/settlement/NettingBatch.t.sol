// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {NettingBatch} from "../../../contracts/settlement/NettingBatch.sol";
import {ISettlementEngine, ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {FailureReason, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {SettlementFixture, START} from "./SettlementFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @title A netted batch ends where settling its trades one by one would, failures included
/// @notice Random trades among six participants in two markets — bonds against wCBDC among three banks,
/// bonds against bank A's deposit token among three of its customers — are matched, then settled from the
/// same starting state twice (`vm.snapshotState` / `vm.revertToState`): one by one with `settle`, and as one
/// `settleBatch`. Bank A onboards the engine as a deposit customer here, which deposit batches need.
/// The batch policy (NettingBatch.sol) is "skip the trade, fail the batch only for liquidity": members
/// that are settled elsewhere, cancelled, pending, not due, expired, or whose gross legs break a token's
/// rules (pause, freeze, eligibility, maturity) end exactly as `settle` leaves them (findings 5 and 10).
contract NettingBatchTest is SettlementFixture {
    uint256 private constant MAX_TRADES = 20;

    address[3] private _banks;
    address[3] private _customers;

    function setUp() public override {
        super.setUp();
        _banks = [bankA, bankB, bankC];
        _customers = [alice, bob, erin];
        // The engine parks net debits in itself for the length of the batch, so it must be able to hold
        // bank A's deposit token (see SettlementAtomicityTest.test_settleBatch_depositCashLeg_...).
        vm.prank(bankA);
        depA.setCustomer(address(engine), true);
    }

    /// @dev Settled as one batch, `count` random matched trades move every balance by exactly the sum of
    /// their legs, with one transfer per non-zero net position. Settled one by one instead, the trades
    /// that settle move balances by exactly their own legs. When every trade settles one by one, the
    /// batch settles too and both end in the same balances; when the batch fails (a net debit cannot be
    /// paid) it moves nothing, every trade stays matched, and at least one trade fails one by one too.
    /// (The converse does not hold: a batch can settle trades that fail one by one, because netting needs
    /// less liquidity.)
    function testFuzz_settleBatch_sameBalancesAsOneByOne(uint256 count, uint256 seed) public {
        count = bound(count, 2, MAX_TRADES);
        _fundRandomly(seed);
        Trade[] memory trades = new Trade[](count);
        for (uint256 i = 0; i < count; ++i) {
            trades[i] = _randomTrade(uint256(keccak256(abi.encode(seed, i))));
            assertEq(uint256(_instructBoth(trades[i])), uint256(TradeStatus.Matched), "matched, not yet due");
        }
        vm.warp(START + 1 days);

        uint256[] memory start = _balances();
        int256[] memory allLegs = new int256[](start.length);
        for (uint256 i = 0; i < count; ++i) _addLegs(allLegs, trades[i]);
        uint256 snapshot = vm.snapshotState();

        // One by one.
        bool allSettled = true;
        int256[] memory settledLegs = new int256[](start.length);
        for (uint256 i = 0; i < count; ++i) {
            TradeStatus status = engine.settle(trades[i]);
            if (status == TradeStatus.Settled) _addLegs(settledLegs, trades[i]);
            else allSettled = false;
        }
        uint256[] memory oneByOne = _balances();
        _assertSameBalances(oneByOne, _apply(start, settledLegs), "one by one: balances != settled legs");
        _assertEngineHoldsNothing();

        // As one batch, from the same state.
        assertTrue(vm.revertToState(snapshot), "revertToState");
        _assertSameBalances(_balances(), start, "revertToState did not restore balances");
        vm.prank(hkma);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory err) = address(engine).call(abi.encodeCall(engine.settleBatch, (trades)));
        _assertEngineHoldsNothing();

        if (!ok) {
            assertTrue(!allSettled, "batch failed where every trade settles one by one");
            assertTrue(bytes4(err) == ISettlementErrors.SettlementLegFailed.selector, "batch failed for another reason");
            _assertSameBalances(_balances(), start, "failed batch moved a balance");
            for (uint256 i = 0; i < count; ++i) {
                assertEq(uint256(_record(trades[i]).status), uint256(TradeStatus.Matched), "failed batch changed a status");
            }
            return;
        }
        uint256[] memory batched = _balances();
        _assertSameBalances(batched, _apply(start, allLegs), "batch: balances != sum of all legs");
        if (allSettled) _assertSameBalances(batched, oneByOne, "batch != one by one");
        for (uint256 i = 0; i < count; ++i) {
            assertEq(uint256(_record(trades[i]).status), uint256(TradeStatus.Settled), "batched trade not settled");
        }
        NettingBatch.BatchReport memory report = engine.batchReport(engine.batchCount());
        assertEq(report.tradeCount, count, "report: trades");
        assertEq(report.grossTransfers, 2 * count, "report: gross transfers");
        assertEq(report.netTransfers, _nonZero(allLegs), "report: one transfer per non-zero net position");
    }

    // ------------------------------------------------------------------ failures included

    uint256 private constant FAULT_KINDS = 11;

    /// @dev Up to 12 trades with ample balances, each given one of: no fault, bilateral cancel, a one-sided
    /// cancel request, only one side instructed, settled on its own before the batch, a duplicate of an
    /// earlier member, not yet due, expired; and across the batch at most one of: a participant frozen
    /// in the registry, on the bond, on the deposit token or on wCBDC, and the bond paused. From the same
    /// state, `settle` one by one (reverts ignored) and one `settleBatch` end with the same balance of
    /// every token for every holder and the same record (status, reason, instructions, cancel requests)
    /// for every trade; the batch reports as settled exactly the members that settled one by one.
    function testFuzz_settleBatch_equalsOneByOne_failuresIncluded(uint256 count, uint256 seed) public {
        count = bound(count, 2, 12);
        Trade[] memory trades = new Trade[](count);
        bool[] memory settleFirst = new bool[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            settleFirst[i] = _faultyMember(trades, i, r);
        }
        _disturb(seed);
        vm.warp(START + 2 days);
        for (uint256 i = 0; i < count; ++i) if (settleFirst[i]) engine.settle(trades[i]); // settled elsewhere (or failed)

        uint256 settledBefore = _countSettled(trades);
        uint256 snapshot = vm.snapshotState();
        for (uint256 i = 0; i < count; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool settledAlone, ) = address(engine).call(abi.encodeCall(engine.settle, (trades[i])));
            settledAlone; // a refusal (not due, wrong status) is part of the comparison
        }
        uint256[] memory oneByOne = _balances();
        InstructionMatching.TradeRecord[] memory recordsOneByOne = _records(trades);
        uint256 settledOneByOne = _countSettled(trades) - settledBefore;

        assertTrue(vm.revertToState(snapshot), "revertToState");
        vm.prank(hkma);
        uint256 batchId = engine.settleBatch(trades);

        _assertSameBalances(_balances(), oneByOne, "batch != one by one: balances");
        InstructionMatching.TradeRecord[] memory recordsBatch = _records(trades);
        for (uint256 i = 0; i < count; ++i) _assertSameRecord(recordsBatch[i], recordsOneByOne[i]);
        NettingBatch.BatchReport memory report = engine.batchReport(batchId);
        assertEq(report.tradeCount, settledOneByOne, "report: members settled");
        assertEq(report.skipped, count - settledOneByOne, "report: members skipped");
        _assertEngineHoldsNothing();
    }

    /// @dev Writes member `i` with fault `r % FAULT_KINDS`; returns whether it is to settle on its own first.
    function _faultyMember(Trade[] memory trades, uint256 i, uint256 r) private returns (bool settleFirst) {
        uint256 fault = r % FAULT_KINDS;
        if (fault == 7 && i > 0) {
            trades[i] = trades[(r >> 128) % i]; // the same member twice
            return false;
        }
        Trade memory t = _randomTrade(r >> 8);
        if (fault == 8) (t.settlementDate, t.expiry) = (START + 3 days, START + 9 days); // not yet due
        if (fault == 9) t.expiry = START + 1 days + 1 hours; // expires before the batch
        trades[i] = t;
        vm.prank(t.seller);
        engine.instruct(t);
        if (fault == 6) return false; // only the seller instructed: pending
        vm.prank(t.buyer);
        engine.instruct(t);
        if (fault == 4 || fault == 5) {
            vm.prank(t.buyer);
            engine.cancel(t);
            if (fault == 4) {
                vm.prank(t.seller);
                engine.cancel(t); // both asked: cancelled
            }
        }
        return fault == 10;
    }

    /// @dev At most one disturbance for the whole batch, chosen by `seed`.
    function _disturb(uint256 seed) private {
        uint256 what = (seed >> 200) % 6;
        uint256 who = (seed >> 208) % 3;
        vm.startPrank(hkma);
        if (what == 1) registry.setFrozen((seed >> 216) % 2 == 0 ? _banks[who] : _customers[who], true);
        else if (what == 2) bond.setFrozen((seed >> 216) % 2 == 0 ? _banks[who] : _customers[who], true);
        else if (what == 3) wcbdc.setFrozen(_banks[who], true);
        else if (what == 4) bond.pause();
        vm.stopPrank();
        if (what == 5) {
            vm.prank(bankA);
            depA.setFrozen(_customers[who], true);
        }
    }

    function _records(Trade[] memory trades) private view returns (InstructionMatching.TradeRecord[] memory r) {
        r = new InstructionMatching.TradeRecord[](trades.length);
        for (uint256 i = 0; i < trades.length; ++i) r[i] = _record(trades[i]);
    }

    /// @dev Distinct trades of `trades` that are settled.
    function _countSettled(Trade[] memory trades) private view returns (uint256 n) {
        for (uint256 i = 0; i < trades.length; ++i) {
            bool again = false;
            for (uint256 j = 0; j < i; ++j) if (engine.tradeId(trades[j]) == engine.tradeId(trades[i])) again = true;
            if (!again && _record(trades[i]).status == TradeStatus.Settled) ++n;
        }
    }

    function _assertSameRecord(
        InstructionMatching.TradeRecord memory a,
        InstructionMatching.TradeRecord memory b
    ) private pure {
        assertEq(uint256(a.status), uint256(b.status), "batch != one by one: status");
        assertEq(uint256(a.reason), uint256(b.reason), "batch != one by one: reason");
        assertTrue(a.sellerInstructed == b.sellerInstructed && a.buyerInstructed == b.buyerInstructed, "instructions");
        assertTrue(
            a.sellerCancelRequested == b.sellerCancelRequested && a.buyerCancelRequested == b.buyerCancelRequested,
            "cancel requests"
        );
    }

    // ------------------------------------------------------------------ findings 5 and 10

    /// @dev Finding 5: trades of a paused bond do not settle in a batch: each member is skipped as `Failed`
    /// (`Paused`), as `settle` would leave it, and nothing moves.
    function test_finding5_pausedBond_membersSkippedAsFailedPaused() public {
        Trade[] memory trades = _matchedBankTrades();
        vm.warp(START + 1 days);
        vm.prank(hkma);
        bond.pause();
        uint256[] memory balancesBefore = _balances();

        for (uint256 i = 0; i < trades.length; ++i) {
            vm.expectEmit(address(engine));
            emit ISettlementEngine.TradeSkippedInBatch(engine.tradeId(trades[i]), 1, TradeStatus.Failed, FailureReason.Paused);
        }
        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameBalances(_balances(), balancesBefore, "paused bond settled in a batch");
        for (uint256 i = 0; i < trades.length; ++i) {
            assertEq(uint256(_record(trades[i]).status), uint256(TradeStatus.Failed), "status");
            assertEq(uint256(_record(trades[i]).reason), uint256(FailureReason.Paused), "reason");
        }
        assertEq(engine.batchReport(1).tradeCount, 0, "report: settled");
        assertEq(engine.batchReport(1).skipped, trades.length, "report: skipped");
    }

    /// @dev Finding 5: a holder frozen on the bond that sells 10 and buys 10 (net zero bonds) does not pocket
    /// the cash difference: both its trades are skipped `Failed` (`AccountFrozen`); the others settle.
    function test_finding5_frozenHolderSellsAndBuys_bothSkippedAsAccountFrozen() public {
        Trade[] memory trades = new Trade[](3);
        trades[0] = _tradeDue(bankA, bankB, 10, address(wcbdc), address(wcbdc), 600_000_00, START + 1 days);
        trades[1] = _tradeDue(bankC, bankA, 10, address(wcbdc), address(wcbdc), 400_000_00, START + 1 days);
        trades[2] = _tradeDue(bankB, bankC, 5, address(wcbdc), address(wcbdc), 250_000_00, START + 1 days);
        for (uint256 i = 0; i < 3; ++i) _instructBoth(trades[i]);
        vm.warp(START + 1 days);
        vm.prank(hkma);
        bond.setFrozen(bankA, true);
        uint256[] memory expected = _balances();
        expected[_slot(address(bond), bankB)] -= 5;
        expected[_slot(address(bond), bankC)] += 5;
        expected[_slot(address(wcbdc), bankC)] -= 250_000_00;
        expected[_slot(address(wcbdc), bankB)] += 250_000_00;

        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameBalances(_balances(), expected, "balances");
        for (uint256 i = 0; i < 2; ++i) {
            assertEq(uint256(_record(trades[i]).status), uint256(TradeStatus.Failed), "frozen member status");
            assertEq(uint256(_record(trades[i]).reason), uint256(FailureReason.AccountFrozen), "frozen member reason");
        }
        assertEq(uint256(_record(trades[2]).status), uint256(TradeStatus.Settled), "other member");
        _assertEngineHoldsNothing();
    }

    /// @dev Finding 5: a bank frozen in the registry does not settle in a batch: its two trades are skipped
    /// `Failed` (`AccountFrozen`) and its balances stay; the member it is not party to settles.
    function test_finding5_bankFrozenInRegistry_memberSkippedAsAccountFrozen() public {
        Trade[] memory trades = _matchedBankTrades(); // A sells to B, B to C, C to A
        vm.warp(START + 1 days);
        vm.prank(hkma);
        registry.setFrozen(bankB, true);
        uint256 bankBBonds = bond.balanceOf(bankB);
        uint256 bankBCash = wcbdc.balanceOf(bankB);

        vm.prank(hkma);
        engine.settleBatch(trades);

        assertEq(bond.balanceOf(bankB), bankBBonds, "frozen bank's bonds moved");
        assertEq(wcbdc.balanceOf(bankB), bankBCash, "frozen bank's cash moved");
        for (uint256 i = 0; i < 2; ++i) {
            assertEq(uint256(_record(trades[i]).status), uint256(TradeStatus.Failed), "status");
            assertEq(uint256(_record(trades[i]).reason), uint256(FailureReason.AccountFrozen), "reason");
        }
        assertEq(uint256(_record(trades[2]).status), uint256(TradeStatus.Settled), "member without the frozen bank");
    }

    /// @dev Finding 5, matured bonds: a trade due after maturity is skipped `Failed` (`Matured`).
    function test_finding5_maturedBond_memberSkippedAsFailedMatured() public {
        uint64 maturity = bond.maturityDate();
        vm.warp(maturity - 1 days);
        Trade[] memory trades = new Trade[](1);
        trades[0] = _tradeDue(bankA, bankB, 10, address(wcbdc), address(wcbdc), 500_000_00, maturity + 1 hours);
        _instructBoth(trades[0]);
        vm.warp(maturity + 1 hours);
        uint256[] memory balancesBefore = _balances();

        vm.expectEmit(address(engine));
        emit ISettlementEngine.TradeSkippedInBatch(engine.tradeId(trades[0]), 1, TradeStatus.Failed, FailureReason.Matured);
        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameBalances(_balances(), balancesBefore, "matured bond settled in a batch");
        assertEq(uint256(_record(trades[0]).reason), uint256(FailureReason.Matured), "reason");
    }

    /// @dev Finding 10: one member cancelled by both parties and one settled by a stranger calling `settle`
    /// do not revert the batch: both are skipped with their status, and the rest settles net.
    function test_finding10_cancelledAndSettledElsewhereMembers_skippedRestSettles() public {
        Trade[] memory trades = _matchedBankTrades();
        vm.warp(START + 1 days);
        vm.prank(trades[0].seller);
        engine.cancel(trades[0]);
        vm.prank(trades[0].buyer);
        engine.cancel(trades[0]);
        vm.prank(alice); // a stranger to the trade: settle is open to anyone
        assertEq(uint256(engine.settle(trades[1])), uint256(TradeStatus.Settled), "settled elsewhere");
        uint256[] memory expected = _balances();
        expected[_slot(address(bond), trades[2].seller)] -= trades[2].quantity;
        expected[_slot(address(bond), trades[2].buyer)] += trades[2].quantity;
        expected[_slot(address(wcbdc), trades[2].buyer)] -= trades[2].amount;
        expected[_slot(address(wcbdc), trades[2].seller)] += trades[2].amount;

        vm.expectEmit(address(engine));
        emit ISettlementEngine.TradeSkippedInBatch(engine.tradeId(trades[0]), 1, TradeStatus.Cancelled, FailureReason.None);
        vm.expectEmit(address(engine));
        emit ISettlementEngine.TradeSkippedInBatch(engine.tradeId(trades[1]), 1, TradeStatus.Settled, FailureReason.None);
        vm.expectEmit(address(engine));
        emit ISettlementEngine.TradeSettledInBatch(engine.tradeId(trades[2]), 1);
        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameBalances(_balances(), expected, "balances");
        assertEq(uint256(_record(trades[0]).status), uint256(TradeStatus.Cancelled), "cancelled member");
        assertEq(engine.batchReport(1).tradeCount, 1, "report: settled");
        assertEq(engine.batchReport(1).skipped, 2, "report: skipped");
    }

    /// @dev A member given twice settles once.
    function test_settleBatch_duplicateMember_settlesOnce() public {
        Trade[] memory trades = new Trade[](2);
        trades[0] = _tradeDue(bankA, bankB, 10, address(wcbdc), address(wcbdc), 500_000_00, START + 1 days);
        trades[1] = trades[0];
        _instructBoth(trades[0]);
        vm.warp(START + 1 days);
        uint256 sellerBonds = bond.balanceOf(bankA);

        vm.prank(hkma);
        engine.settleBatch(trades);

        assertEq(bond.balanceOf(bankA), sellerBonds - 10, "delivered once");
        assertEq(engine.batchReport(1).tradeCount, 1, "report: settled");
    }

    /// @dev A trade that failed once (its bond was paused) and then settles in a batch ends with the same
    /// record as when `settle` retries it: Settled, its old failure reason cleared.
    function test_settleBatch_previouslyFailedMember_clearsReasonLikeSettle() public {
        Trade[] memory trades = new Trade[](1);
        trades[0] = _tradeDue(bankA, bankB, 10, address(wcbdc), address(wcbdc), 500_000_00, START + 1 days);
        _instructBoth(trades[0]);
        vm.warp(START + 1 days);
        vm.prank(hkma);
        bond.pause();
        assertEq(uint256(engine.settle(trades[0])), uint256(TradeStatus.Failed), "fails while paused");
        vm.prank(hkma);
        bond.unpause();
        uint256 snapshot = vm.snapshotState();
        engine.settle(trades[0]);
        InstructionMatching.TradeRecord memory alone = _record(trades[0]);
        vm.revertToState(snapshot);

        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameRecord(_record(trades[0]), alone);
    }

    /// @dev Three matched bank trades due tomorrow (A sells to B, B to C, C to A).
    function _matchedBankTrades() private returns (Trade[] memory trades) {
        trades = new Trade[](3);
        for (uint256 i = 0; i < 3; ++i) {
            trades[i] = _tradeDue(_banks[i], _banks[(i + 1) % 3], 10 + i, address(wcbdc), address(wcbdc), (5 + i) * 100_000_00, START + 1 days);
            _instructBoth(trades[i]);
        }
    }

    /// @dev Each participant starts with 0–100 bonds and HK$0–80,000 in its market's cash token (about 40% of
    /// batches then settle, 3 in 4 of them with every trade also settling one by one).
    function _fundRandomly(uint256 seed) private {
        for (uint256 i = 0; i < 3; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, "funds", i)));
            _setBalance(address(bond), _banks[i], r % 101);
            _setBalance(address(wcbdc), _banks[i], (r >> 64) % 8_000_001);
            _setBalance(address(bond), _customers[i], (r >> 128) % 101);
            _setBalance(address(depA), _customers[i], (r >> 192) % 8_000_001);
        }
    }

    /// @dev 1–20 bonds for HK$0.01–10,000 between two different participants of one market, due tomorrow.
    function _randomTrade(uint256 r) private returns (Trade memory) {
        bool interbank = r % 2 == 0;
        address[3] memory market = interbank ? _banks : _customers;
        uint256 s = (r >> 8) % 3;
        uint256 b = (s + 1 + ((r >> 16) % 2)) % 3;
        address cash = interbank ? address(wcbdc) : address(depA);
        return _tradeDue(market[s], market[b], 1 + ((r >> 24) % 20), cash, cash, 1 + ((r >> 64) % 1_000_000), START + 1 days);
    }

    /// @dev Adds `trade`'s two legs to the per-(token, holder) deltas.
    function _addLegs(int256[] memory legs, Trade memory trade) private view {
        legs[_slot(trade.asset, trade.seller)] -= int256(trade.quantity);
        legs[_slot(trade.asset, trade.buyer)] += int256(trade.quantity);
        legs[_slot(trade.buyerCash, trade.buyer)] -= int256(trade.amount);
        legs[_slot(trade.sellerCash, trade.seller)] += int256(trade.amount);
    }

    function _apply(uint256[] memory start, int256[] memory legs) private pure returns (uint256[] memory end) {
        end = new uint256[](start.length);
        for (uint256 i = 0; i < start.length; ++i) end[i] = uint256(int256(start[i]) + legs[i]);
    }

    function _nonZero(int256[] memory legs) private pure returns (uint256 n) {
        for (uint256 i = 0; i < legs.length; ++i) if (legs[i] != 0) ++n;
    }
}
