// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITokenErrors} from "../../../contracts/interfaces/ITokenErrors.sol";
import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {FailureReason, Leg, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {TokenizedDeposit} from "../../../contracts/tokens/TokenizedDeposit.sol";
import {SettlementFixture, START} from "./SettlementFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @title Every settlement moves both legs exactly, or nothing
/// @notice Fuzzes one DvP trade over six cash routes — banks in wCBDC; two customers of one bank in its
/// deposit token; customers of two banks, the banks settling in wCBDC; a bank buying from another bank's
/// customer (wCBDC in, deposits out); a customer buying from a bank (deposits in, wCBDC out); a bank
/// buying from its own customer (paid in its own deposits, no wCBDC moves) — and over any combination of
/// injected faults (short balance, short allowance, frozen payee, illiquid paying bank). A model predicts
/// the first leg that must fail and why; the engine must agree, and must move all legs or none.
contract SettlementAtomicityTest is SettlementFixture {
    uint256 private constant ROUTE_INTERBANK = 0;
    uint256 private constant ROUTE_SAME_BANK = 1;
    uint256 private constant ROUTE_CROSS_BANK = 2;
    uint256 private constant ROUTE_BANK_BUYS_FROM_CUSTOMER = 3;
    uint256 private constant ROUTE_CUSTOMER_BUYS_FROM_BANK = 4;
    uint256 private constant ROUTE_BANK_BUYS_FROM_OWN_CUSTOMER = 5;

    uint256 private constant FAULT_SELLER_BONDS = 1 << 0;
    uint256 private constant FAULT_SELLER_ALLOWANCE = 1 << 1;
    uint256 private constant FAULT_BUYER_CASH = 1 << 2;
    uint256 private constant FAULT_BUYER_ALLOWANCE = 1 << 3;
    uint256 private constant FAULT_PAYER_BANK_LIQUIDITY = 1 << 4;
    uint256 private constant FAULT_SELLER_FROZEN = 1 << 5;

    /// @dev What the model predicts: the first leg that cannot move, or `FailureReason.None`.
    struct Prediction {
        FailureReason reason;
        Leg leg;
        address token;
    }

    /// @dev Both parties' orders for `trade`, signed with their current nonces for the given keys.
    struct SignedOrders {
        uint256 sellerNonce;
        bytes sellerSig;
        uint256 buyerNonce;
        bytes buyerSig;
    }

    // ------------------------------------------------------------------ instruction matching

    /// @dev A due trade matched by both instructions settles at once, exactly, or ends `Failed` with the
    /// predicted reason and no balance (nor any supply) changed.
    function testFuzz_instruct_settlesBothLegsOrNone(
        uint256 route,
        uint256 quantity,
        uint256 amount,
        uint256 faults,
        uint256 shortBy
    ) public {
        Trade memory trade = _scenario(route, quantity, amount, faults, shortBy);
        Prediction memory p = _predict(trade);
        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();

        TradeStatus status = _instructBoth(trade);

        InstructionMatching.TradeRecord memory record = _record(trade);
        assertEq(uint256(record.status), uint256(status), "returned status");
        if (p.reason == FailureReason.None) {
            assertEq(uint256(status), uint256(TradeStatus.Settled), "status");
            _assertSettled(trade, balancesBefore, suppliesBefore);
        } else {
            assertEq(uint256(status), uint256(TradeStatus.Failed), "status");
            assertEq(uint256(record.reason), uint256(p.reason), "failure reason");
            _assertSameBalances(_balances(), balancesBefore, "failed trade moved a balance");
            _assertSameBalances(_supplies(), suppliesBefore, "failed trade changed a supply");
        }
        _assertEngineHoldsNothing();
    }

    /// @dev A matched trade that failed settles on retry once the fault is gone, exactly once.
    function testFuzz_settle_retriesFailedTradeExactlyOnce(
        uint256 route,
        uint256 quantity,
        uint256 amount,
        uint256 faults,
        uint256 shortBy
    ) public {
        Trade memory trade = _scenario(route, quantity, amount, faults, shortBy);
        vm.assume(_predict(trade).reason != FailureReason.None);
        assertEq(uint256(_instructBoth(trade)), uint256(TradeStatus.Failed), "first attempt");

        _removeFaults(trade);
        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();
        assertEq(uint256(engine.settle(trade)), uint256(TradeStatus.Settled), "retry");
        _assertSettled(trade, balancesBefore, suppliesBefore);

        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementErrors.TradeInWrongStatus.selector,
                engine.tradeId(trade),
                TradeStatus.Settled
            )
        );
        engine.settle(trade);
    }

    // ------------------------------------------------------------------ signed orders

    /// @dev Both parties' signed orders settle the trade in one transaction, exactly, or the submission
    /// reverts `SettlementLegFailed` with the predicted reason, leg and token, moving nothing, writing no
    /// record and leaving the signatures usable. Settled orders never settle again, whoever replays them.
    function testFuzz_settleSigned_settlesBothLegsOrNoneAndOnlyOnce(
        uint256 route,
        uint256 quantity,
        uint256 amount,
        uint256 faults,
        uint256 shortBy,
        uint192 sellerKey,
        uint192 buyerKey,
        uint256 submitter
    ) public {
        Trade memory trade = _scenario(route, quantity, amount, faults, shortBy);
        Prediction memory p = _predict(trade);
        SignedOrders memory o = _signBoth(trade, sellerKey, buyerKey);
        submitter = bound(submitter, 0, 2);
        address by = submitter == 0 ? trade.seller : submitter == 1 ? trade.buyer : hkma; // hkma: settlement agent

        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();
        (bool ok, bytes memory err) = _submitSigned(by, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);

        if (p.reason != FailureReason.None) {
            assertTrue(!ok, "faulty trade settled");
            _assertLegFailed(err, p);
            _assertSameBalances(_balances(), balancesBefore, "failed submission moved a balance");
            _assertSameBalances(_supplies(), suppliesBefore, "failed submission changed a supply");
            assertEq(engine.nonces(trade.seller, sellerKey), o.sellerNonce, "failed submission used seller nonce");
            assertEq(engine.nonces(trade.buyer, buyerKey), o.buyerNonce, "failed submission used buyer nonce");
            assertEq(uint256(_record(trade).status), uint256(TradeStatus.None), "failed submission wrote a record");
            // The same signatures still settle once the fault is gone.
            _removeFaults(trade);
            balancesBefore = _balances();
            suppliesBefore = _supplies();
            (ok, err) = _submitSigned(by, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
        }
        assertTrue(ok, "valid signed trade did not settle");
        _assertSettled(trade, balancesBefore, suppliesBefore);
        _assertEngineHoldsNothing();
        _assertReplaysRevert(trade, o);
    }

    function _signBoth(Trade memory trade, uint192 sellerKey, uint192 buyerKey) internal view returns (SignedOrders memory o) {
        o.sellerNonce = engine.nonces(trade.seller, sellerKey);
        o.buyerNonce = engine.nonces(trade.buyer, buyerKey);
        o.sellerSig = _sign(trade.seller, trade, o.sellerNonce);
        o.buyerSig = _sign(trade.buyer, trade, o.buyerNonce);
    }

    /// @dev Replaying the settled orders, by either party or the settlement agent, reverts on the trade's
    /// shared record (`TradeInWrongStatus(id, Settled)`, checked before any nonce) and moves nothing.
    function _assertReplaysRevert(Trade memory trade, SignedOrders memory o) internal {
        uint256[] memory balancesBefore = _balances();
        bytes32 expected = keccak256(_settledAlready(trade));
        for (uint256 i = 0; i < 3; ++i) {
            address replayer = i == 0 ? trade.seller : i == 1 ? trade.buyer : hkma;
            (bool ok, bytes memory err) = _submitSigned(replayer, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
            assertTrue(!ok, "signed orders settled twice");
            assertTrue(keccak256(err) == expected, "replay not rejected by the trade's settled record");
        }
        assertEq(uint256(_record(trade).status), uint256(TradeStatus.Settled), "record after replays");
        _assertSameBalances(_balances(), balancesBefore, "replay moved a balance");
    }

    /// @dev Regression: a party that submits its own trade needs no signature of its own, but the trade must
    /// not settle twice. Here the seller submits with the buyer's signed order (and its own, as a client
    /// that always sends both would, making it public in the calldata); the buyer then submits the same
    /// two orders. Once the signed path kept no record, and the seller's nonce was not consumed, so the same
    /// trade settled a second time; now the shared trade record refuses it as settled (before any nonce
    /// is looked at), and the seller's nonce was consumed all the same.
    function test_settleSigned_replayByOtherParty_revertsWithTradeInWrongStatus() public {
        Trade memory trade = _trade(alice, bob, 10, address(depA), address(depA), 500_000_00);
        SignedOrders memory o = _signBoth(trade, 0, 0);
        (bool ok, ) = _submitSigned(alice, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
        assertTrue(ok, "first submission");
        assertEq(engine.nonces(alice, 0), o.sellerNonce + 1, "submitting seller's nonce not consumed");
        uint256[] memory balancesBefore = _balances();

        vm.expectRevert(_settledAlready(trade));
        vm.prank(bob);
        engine.settleSigned(trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);

        _assertSameBalances(_balances(), balancesBefore, "replay moved a balance");
    }

    // ------------------------------------------------------------------ one record per trade (finding 4, 11)

    /// @dev Finding 4a: a matched T+1 trade settled from signed orders on its date cannot be settled again
    /// by anyone calling `settle`: both legs moved exactly once.
    function test_finding4a_settleSignedThenSettle_revertsWithTradeInWrongStatus() public {
        Trade memory trade = _tradeDue(alice, bob, 10, address(depA), address(depA), 500_000_00, START + 1 days);
        assertEq(uint256(_instructBoth(trade)), uint256(TradeStatus.Matched), "matched, not due");
        vm.warp(START + 1 days);
        SignedOrders memory o = _signBoth(trade, 0, 0);
        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();
        (bool ok, ) = _submitSigned(hkma, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
        assertTrue(ok, "signed submission");
        _assertSettled(trade, balancesBefore, suppliesBefore);
        uint256[] memory balancesSettled = _balances();

        vm.expectRevert(_settledAlready(trade));
        vm.prank(carol); // a stranger: settle is open to anyone
        engine.settle(trade);

        _assertSameBalances(_balances(), balancesSettled, "settled twice");
        assertEq(uint256(_record(trade).status), uint256(TradeStatus.Settled), "record");
    }

    /// @dev Finding 4b: after a trade settles by matching, the buyer cannot reuse the seller's unused signed
    /// order to settle the same trade again.
    function test_finding4b_settledByMatching_buyerReusesSellerOrder_revertsWithTradeInWrongStatus() public {
        Trade memory trade = _trade(alice, bob, 10, address(depA), address(depA), 500_000_00);
        bytes memory sellerSig = _sign(alice, trade, 0); // signed, never submitted
        assertEq(uint256(_instructBoth(trade)), uint256(TradeStatus.Settled), "settled by matching");
        uint256[] memory balancesSettled = _balances();

        vm.expectRevert(_settledAlready(trade));
        vm.prank(bob);
        engine.settleSigned(trade, 0, sellerSig, 0, "");

        _assertSameBalances(_balances(), balancesSettled, "settled twice");
        assertEq(engine.nonces(alice, 0), 0, "the seller's unused order was consumed");
    }

    /// @dev Finding 4c: cancelling an unmatched trade voids the signed orders for it: the counterparty's
    /// later submission is refused as cancelled and the record still says Cancelled.
    function test_finding4c_cancelVoidsSignedOrders_revertsWithTradeInWrongStatus() public {
        Trade memory trade = _trade(alice, bob, 10, address(depA), address(depA), 500_000_00);
        SignedOrders memory o = _signBoth(trade, 0, 0);
        vm.prank(alice);
        assertEq(uint256(engine.cancel(trade)), uint256(TradeStatus.Cancelled), "cancel returns");
        uint256[] memory balancesBefore = _balances();

        vm.expectRevert(
            abi.encodeWithSelector(ISettlementErrors.TradeInWrongStatus.selector, engine.tradeId(trade), TradeStatus.Cancelled)
        );
        vm.prank(bob);
        engine.settleSigned(trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);

        _assertSameBalances(_balances(), balancesBefore, "cancelled trade settled");
        assertEq(uint256(_record(trade).status), uint256(TradeStatus.Cancelled), "record");
    }

    /// @dev A trade one side instructed (Pending) can still settle from both signed orders, which closes it
    /// for matching: the other side's instruction afterwards is refused as settled.
    function test_settleSigned_pendingTrade_thenInstruct_revertsWithTradeInWrongStatus() public {
        Trade memory trade = _trade(alice, bob, 10, address(depA), address(depA), 500_000_00);
        vm.prank(alice);
        assertEq(uint256(engine.instruct(trade)), uint256(TradeStatus.Pending), "pending");
        SignedOrders memory o = _signBoth(trade, 0, 0);
        (bool ok, ) = _submitSigned(hkma, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
        assertTrue(ok, "signed submission");
        uint256[] memory balancesSettled = _balances();

        vm.expectRevert(_settledAlready(trade));
        vm.prank(bob);
        engine.instruct(trade);

        _assertSameBalances(_balances(), balancesSettled, "settled twice");
    }

    /// @dev Finding 11: once matched, one party alone cannot cancel: its request is recorded, a repeat is
    /// refused, the trade still settles on its date unless the counterparty asks too; when both have
    /// asked it is cancelled and settles on no path.
    function test_finding11_cancelMatchedTrade_needsBothParties() public {
        Trade memory trade = _tradeDue(alice, bob, 10, address(depA), address(depA), 500_000_00, START + 1 days);
        _instructBoth(trade);
        bytes32 id = engine.tradeId(trade);

        vm.prank(alice);
        assertEq(uint256(engine.cancel(trade)), uint256(TradeStatus.Matched), "one side: still matched");
        InstructionMatching.TradeRecord memory r = _record(trade);
        assertTrue(r.sellerCancelRequested && !r.buyerCancelRequested, "request recorded");
        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.CancellationAlreadyRequested.selector, id, alice));
        vm.prank(alice);
        engine.cancel(trade);
        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.NotTradeParty.selector, carol, id));
        vm.prank(carol);
        engine.cancel(trade);

        vm.prank(bob);
        assertEq(uint256(engine.cancel(trade)), uint256(TradeStatus.Cancelled), "both sides: cancelled");
        vm.warp(START + 1 days);
        uint256[] memory balancesBefore = _balances();
        bytes memory cancelled = abi.encodeWithSelector(ISettlementErrors.TradeInWrongStatus.selector, id, TradeStatus.Cancelled);
        vm.expectRevert(cancelled);
        engine.settle(trade);
        SignedOrders memory o = _signBoth(trade, 0, 0);
        (bool ok, bytes memory err) = _submitSigned(hkma, trade, o.sellerNonce, o.sellerSig, o.buyerNonce, o.buyerSig);
        assertTrue(!ok && keccak256(err) == keccak256(cancelled), "signed orders settled a cancelled trade");
        _assertSameBalances(_balances(), balancesBefore, "cancelled trade moved a balance");
    }

    /// @dev Finding 11, the other half: a matched trade one party asked to cancel settles on its date.
    function test_finding11_cancelRequestedByOneSide_stillSettlesOnItsDate() public {
        Trade memory trade = _tradeDue(alice, bob, 10, address(depA), address(depA), 500_000_00, START + 1 days);
        _instructBoth(trade);
        vm.prank(bob);
        engine.cancel(trade);
        vm.warp(START + 1 days);
        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();

        assertEq(uint256(engine.settle(trade)), uint256(TradeStatus.Settled), "settles");

        _assertSettled(trade, balancesBefore, suppliesBefore);
    }

    function _settledAlready(Trade memory trade) internal view returns (bytes memory) {
        return abi.encodeWithSelector(ISettlementErrors.TradeInWrongStatus.selector, engine.tradeId(trade), TradeStatus.Settled);
    }

    function _assertLegFailed(bytes memory err, Prediction memory p) internal pure {
        (FailureReason reason, Leg leg, address token, ) = _decodeLegFailed(err);
        assertEq(uint256(reason), uint256(p.reason), "failure reason");
        assertEq(uint256(leg), uint256(p.leg), "failed leg");
        assertEq(token, p.token, "failed token");
    }

    // ------------------------------------------------------------------ customer payments

    /// @dev A payment from a customer of bank B to a customer of bank A burns exactly `amount` at B, moves
    /// `amount` of wCBDC from B to A and mints exactly `amount` at A; or reverts moving nothing.
    function testFuzz_pay_crossBankConservesSupply(uint256 amount, uint256 faults, uint256 shortBy) public {
        faults = bound(faults, 0, 127) & ~(FAULT_SELLER_BONDS | FAULT_SELLER_ALLOWANCE); // no asset leg here
        Trade memory trade = _scenario(ROUTE_CROSS_BANK, 1, amount, faults, shortBy);
        Prediction memory p = _predict(trade);
        uint256[] memory balancesBefore = _balances();
        uint256[] memory suppliesBefore = _supplies();

        vm.prank(trade.buyer);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory err) = address(engine).call(
            abi.encodeCall(engine.pay, (trade.buyerCash, trade.sellerCash, trade.seller, trade.amount, trade.tradeRef))
        );

        uint256[] memory balancesAfter = _balances();
        uint256[] memory suppliesAfter = _supplies();
        if (p.reason != FailureReason.None) {
            assertTrue(!ok, "faulty payment settled");
            _assertLegFailed(err, p);
            _assertSameBalances(balancesAfter, balancesBefore, "failed payment moved a balance");
            _assertSameBalances(suppliesAfter, suppliesBefore, "failed payment changed a supply");
            return;
        }
        assertTrue(ok, "payment failed");
        uint256 a = trade.amount;
        assertEq(suppliesAfter[2], suppliesBefore[2] - a, "bank B burned");
        assertEq(suppliesAfter[1], suppliesBefore[1] + a, "bank A minted");
        assertEq(suppliesAfter[0], suppliesBefore[0], "wCBDC supply");
        assertEq(balancesAfter[_slot(address(wcbdc), bankB)], balancesBefore[_slot(address(wcbdc), bankB)] - a, "B paid");
        assertEq(balancesAfter[_slot(address(wcbdc), bankA)], balancesBefore[_slot(address(wcbdc), bankA)] + a, "A paid");
        assertEq(balancesAfter[_slot(address(depB), trade.buyer)], balancesBefore[_slot(address(depB), trade.buyer)] - a, "payer");
        assertEq(balancesAfter[_slot(address(depA), trade.seller)], balancesBefore[_slot(address(depA), trade.seller)] + a, "payee");
        _assertEngineHoldsNothing();
    }

    // ------------------------------------------------------------------ netting batches and the Ignition wiring

    /// @dev Under the Ignition wiring the engine is not a customer of any bank, so a netting batch whose cash
    /// leg is a tokenized deposit cannot park the net debits in the engine: it reverts `NotEligible`, moving
    /// nothing. (Banks must onboard the engine as a customer for deposit batches; see NettingBatch.t.sol.)
    function test_settleBatch_depositCashLeg_revertsWithSettlementLegFailed() public {
        Trade[] memory trades = new Trade[](1);
        trades[0] = _tradeDue(alice, bob, 3, address(depA), address(depA), 150_000_00, START + 1 days);
        _instructBoth(trades[0]);
        vm.warp(START + 1 days);
        uint256[] memory balancesBefore = _balances();

        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementErrors.SettlementLegFailed.selector,
                FailureReason.NotEligible,
                Leg.Cash,
                address(depA),
                abi.encodeWithSelector(ITokenErrors.NotCustomerOfBank.selector, address(engine))
            )
        );
        vm.prank(hkma);
        engine.settleBatch(trades);

        _assertSameBalances(_balances(), balancesBefore, "failed batch moved a balance");
        assertEq(uint256(_record(trades[0]).status), uint256(TradeStatus.Matched), "trade left matched");
    }

    // ------------------------------------------------------------------ scenario and model

    /// @dev Builds the trade for `route` and sets balances, allowances and freezes so that exactly the faults
    /// in `faults` hold (when `faults` >= 64, none). Balances are otherwise the amount needed plus a margin.
    function _scenario(
        uint256 route,
        uint256 quantity,
        uint256 amount,
        uint256 faults,
        uint256 shortBy
    ) internal returns (Trade memory trade) {
        route = bound(route, 0, 5);
        quantity = bound(quantity, 1, 10_000);
        amount = bound(amount, 1, 10_000_000_000_00); // up to HK$10bn
        faults = bound(faults, 0, 127);
        if (faults >= 64) faults = 0;

        if (route == ROUTE_INTERBANK) {
            trade = _trade(bankA, bankB, quantity, address(wcbdc), address(wcbdc), amount);
        } else if (route == ROUTE_SAME_BANK) {
            trade = _trade(alice, bob, quantity, address(depA), address(depA), amount);
        } else if (route == ROUTE_CROSS_BANK) {
            trade = _trade(alice, carol, quantity, address(depB), address(depA), amount);
        } else if (route == ROUTE_BANK_BUYS_FROM_CUSTOMER) {
            trade = _trade(alice, bankB, quantity, address(wcbdc), address(depA), amount);
        } else if (route == ROUTE_CUSTOMER_BUYS_FROM_BANK) {
            trade = _trade(bankA, carol, quantity, address(depB), address(wcbdc), amount);
        } else {
            trade = _trade(alice, bankA, quantity, address(wcbdc), address(depA), amount);
        }

        uint256 margin = shortBy % 1_000;
        _setBalance(address(bond), trade.seller, (faults & FAULT_SELLER_BONDS) != 0 ? shortBy % quantity : quantity + margin);
        if ((faults & FAULT_SELLER_ALLOWANCE) != 0) _setAllowance(trade.seller, address(bond), (shortBy >> 8) % quantity);
        _setBalance(trade.buyerCash, trade.buyer, (faults & FAULT_BUYER_CASH) != 0 ? (shortBy >> 16) % amount : amount + margin);
        if ((faults & FAULT_BUYER_ALLOWANCE) != 0) _setAllowance(trade.buyer, trade.buyerCash, (shortBy >> 24) % amount);
        if (route == ROUTE_CROSS_BANK || route == ROUTE_CUSTOMER_BUYS_FROM_BANK) {
            uint256 liquidity = (faults & FAULT_PAYER_BANK_LIQUIDITY) != 0 ? (shortBy >> 32) % amount : amount + margin;
            _setBalance(address(wcbdc), bankB, liquidity);
        }
        if (trade.sellerCash != address(wcbdc) && (faults & FAULT_SELLER_FROZEN) != 0) {
            TokenizedDeposit deposit = TokenizedDeposit(trade.sellerCash);
            vm.prank(deposit.bank());
            deposit.setFrozen(trade.seller, true);
        }
    }

    /// @dev Undoes every fault `_scenario` may have injected.
    function _removeFaults(Trade memory trade) internal {
        _approveEngine(trade.seller, address(bond));
        _approveEngine(trade.buyer, trade.buyerCash);
        if (bond.balanceOf(trade.seller) < trade.quantity) _setBalance(address(bond), trade.seller, trade.quantity);
        if (_balanceOf(trade.buyerCash, trade.buyer) < trade.amount) _setBalance(trade.buyerCash, trade.buyer, trade.amount);
        if (wcbdc.balanceOf(bankB) < trade.amount) _setBalance(address(wcbdc), bankB, trade.amount);
        if (trade.sellerCash != address(wcbdc)) {
            TokenizedDeposit deposit = TokenizedDeposit(trade.sellerCash);
            vm.prank(deposit.bank());
            deposit.setFrozen(trade.seller, false);
        }
    }

    /// @dev The model: the first check that fails, in the order the legs move and the tokens check
    /// (allowance, then eligibility and freezes, then balance).
    function _predict(Trade memory t) internal view returns (Prediction memory) {
        if (bond.allowance(t.seller, address(engine)) < t.quantity) {
            return Prediction(FailureReason.MissingApproval, Leg.Asset, address(bond));
        }
        if (bond.balanceOf(t.seller) < t.quantity) {
            return Prediction(FailureReason.InsufficientSecurities, Leg.Asset, address(bond));
        }
        if (t.buyerCash == t.sellerCash) {
            if (_allowanceOf(t.buyerCash, t.buyer) < t.amount) {
                return Prediction(FailureReason.MissingApproval, Leg.Cash, t.buyerCash);
            }
            if (t.buyerCash != address(wcbdc) && TokenizedDeposit(t.sellerCash).isFrozen(t.seller)) {
                return Prediction(FailureReason.AccountFrozen, Leg.Cash, t.buyerCash);
            }
            if (_balanceOf(t.buyerCash, t.buyer) < t.amount) {
                return Prediction(FailureReason.InsufficientCash, Leg.Cash, t.buyerCash);
            }
            return Prediction(FailureReason.None, Leg.Asset, address(0));
        }
        // Two cash tokens: the payer's bank debits a deposit payer; wCBDC moves between the paying and the
        // paid bank (unless they are the same); the payee's bank credits a deposit payee.
        address from = t.buyer;
        if (t.buyerCash != address(wcbdc)) {
            if (_allowanceOf(t.buyerCash, t.buyer) < t.amount) {
                return Prediction(FailureReason.MissingApproval, Leg.Cash, t.buyerCash);
            }
            if (_balanceOf(t.buyerCash, t.buyer) < t.amount) {
                return Prediction(FailureReason.InsufficientCash, Leg.Cash, t.buyerCash);
            }
            from = TokenizedDeposit(t.buyerCash).bank();
        }
        address to = t.sellerCash == address(wcbdc) ? t.seller : TokenizedDeposit(t.sellerCash).bank();
        if (from != to) {
            if (wcbdc.allowance(from, address(engine)) < t.amount) {
                return Prediction(FailureReason.MissingApproval, Leg.Interbank, address(wcbdc));
            }
            if (wcbdc.balanceOf(from) < t.amount) {
                return Prediction(FailureReason.InsufficientCash, Leg.Interbank, address(wcbdc));
            }
        }
        if (t.sellerCash != address(wcbdc) && TokenizedDeposit(t.sellerCash).isFrozen(t.seller)) {
            return Prediction(FailureReason.AccountFrozen, Leg.Cash, t.sellerCash);
        }
        return Prediction(FailureReason.None, Leg.Asset, address(0));
    }

    /// @dev Both legs moved exactly: the asset, the cash, and the interbank wCBDC between the paying and the
    /// paid bank; deposit money is burned only at a deposit payer's bank and minted only at a deposit payee's,
    /// by exactly the amount; wCBDC and bond supply unchanged.
    function _assertSettled(Trade memory t, uint256[] memory before, uint256[] memory suppliesBefore) internal view {
        uint256[] memory expected = before;
        expected[_slot(address(bond), t.seller)] -= t.quantity;
        expected[_slot(address(bond), t.buyer)] += t.quantity;
        uint256[] memory expectedSupplies = suppliesBefore;
        if (t.buyerCash == t.sellerCash) {
            expected[_slot(t.buyerCash, t.buyer)] -= t.amount;
            expected[_slot(t.sellerCash, t.seller)] += t.amount;
        } else {
            address from = t.buyer;
            if (t.buyerCash != address(wcbdc)) {
                expected[_slot(t.buyerCash, t.buyer)] -= t.amount;
                expectedSupplies[_tokenIndex(t.buyerCash)] -= t.amount;
                from = TokenizedDeposit(t.buyerCash).bank();
            }
            address to = t.sellerCash == address(wcbdc) ? t.seller : TokenizedDeposit(t.sellerCash).bank();
            if (from != to) {
                expected[_slot(address(wcbdc), from)] -= t.amount;
                expected[_slot(address(wcbdc), to)] += t.amount;
            }
            if (t.sellerCash != address(wcbdc)) {
                expected[_slot(t.sellerCash, t.seller)] += t.amount;
                expectedSupplies[_tokenIndex(t.sellerCash)] += t.amount;
            }
        }
        _assertSameBalances(_balances(), expected, "settled balances");
        _assertSameBalances(_supplies(), expectedSupplies, "settled supplies");
    }

    function _balanceOf(address token, address account) private view returns (uint256) {
        return TokenizedDeposit(token).balanceOf(account);
    }

    function _allowanceOf(address token, address owner) private view returns (uint256) {
        return TokenizedDeposit(token).allowance(owner, address(engine));
    }
}
