// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NettingBatch} from "../../../contracts/settlement/NettingBatch.sol";
import {ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {SettlementFixture, START} from "./SettlementFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @title A netted batch ends where settling its trades one by one would
/// @notice Random trades among six participants in two markets — bonds against wCBDC among three banks,
/// bonds against bank A's deposit token among three of its customers — are matched, then settled from the
/// same starting state twice (`vm.snapshotState` / `vm.revertToState`): one by one with `settle`, and as one
/// `settleBatch`. Bank A onboards the engine as a deposit customer here, which deposit batches need.
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
