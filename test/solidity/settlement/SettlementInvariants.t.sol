// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {FailureReason, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {WholesaleCBDC} from "../../../contracts/tokens/WholesaleCBDC.sol";
import {
    ALICE_KEY,
    BANK_A_KEY,
    BANK_B_KEY,
    BANK_C_KEY,
    BOB_KEY,
    CAROL_KEY,
    DAVE_KEY,
    ERIN_KEY,
    GOVERNMENT_KEY,
    HKMA_KEY,
    SettlementFixture,
    START
} from "./SettlementFixture.sol";
import {HandlerSetup, SettlementHandler} from "./SettlementHandler.sol";
import {vm} from "../utils/Vm.sol";

uint256 constant BOT_KEY = 0xB07; // Bank of Thailand: issues wTHB
uint256 constant MALLORY_KEY = 0xBAD; // a registered issuer that issues nothing registered: the attacker
uint256 constant THB_DEALER_FLOAT = 1_000_000_000_00; // THB 1bn with bank C, the FX dealer

/// @title Invariants of the settlement engine and the tender contract under random use of every entry point
/// @notice The fuzzer drives only `SettlementHandler`: instruct, settle (by anyone), cancel (one side, both),
/// expire, signed orders (fresh and of trades already on another path, with replays), netted batches of any
/// members, customer payments, payments to customers, FX at a dealer's quote (a second currency, wTHB, is
/// registered for it), engine pause with every entry point probed, bond pause, tenders (open, bid,
/// withdraw, allot, cancel), attacks (an impostor bond, forged orders, strangers) and disturbances
/// (approvals, freezes, bank mints and burns). After every call:
/// - no debit without consent: each debit of each engine or tender call was within what the debited
///   account itself instructed, signed, bid, quoted or called for (issue #9);
/// - each trade id settles at most once across all paths, as its record says; Cancelled/Expired never settles;
/// - the ledger equals a ghost ledger moved only by what the engine reported settled, nothing leaks,
///   supplies change only by issuers' acts, and the engine and the tender contract hold nothing.
/// After every run (`afterInvariant`) some call must have succeeded and a clean trade must still settle:
/// a campaign in which every call reverted fails.
/// @dev Bank A and bank B onboard the engine as a deposit customer so that netted batches of deposit
/// trades can settle too (under the plain Ignition wiring they cannot; see SettlementAtomicity.t.sol).
/// Running this file alone, name the handler's file too (`npx hardhat test solidity <this file> test/solidity/settlement/SettlementHandler.sol`):
/// the fuzzer finds the handler by its compiled artifact, which a build of this file alone does not
/// refresh ("No contracts to fuzz", or an old ABI, after the handler changed). The full suite builds both.
contract SettlementInvariantsTest is SettlementFixture {
    SettlementHandler private handler;
    WholesaleCBDC private wthb;
    address private bot;
    address private mallory;
    address private stranger;

    function setUp() public override {
        super.setUp();
        vm.prank(bankA);
        depA.setCustomer(address(engine), true);
        vm.prank(bankB);
        depB.setCustomer(address(engine), true);

        // A second central-bank currency on the same ledger, for FX PvP with bank C as the dealer.
        bot = vm.addr(BOT_KEY);
        mallory = vm.addr(MALLORY_KEY);
        stranger = vm.addr(0x5742);
        vm.label(bot, "Bank of Thailand");
        vm.label(mallory, "mallory");
        vm.label(stranger, "stranger");
        wthb = new WholesaleCBDC("Bank of Thailand Wholesale CBDC (THB)", "wTHB", "THB", 2, registry, bot);
        vm.startPrank(hkma);
        registry.registerParticipant(bot, ParticipantKind.CentralBank, "TH", START + 10 * 365 days);
        registry.registerParticipant(mallory, ParticipantKind.Issuer, "HK", START + 10 * 365 days);
        engine.registerWholesaleCbdc(address(wthb));
        vm.stopPrank();
        vm.startPrank(bot);
        wthb.setSettlementContract(address(engine), true);
        wthb.mint(bankC, THB_DEALER_FLOAT);
        vm.stopPrank();
        vm.prank(bankC);
        wthb.approve(address(engine), MAX);
        // Bidders give the tender contract an unlimited allowance: only their bids may bound what it takes.
        address[3] memory banks = [bankA, bankB, bankC];
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(banks[i]);
            wcbdc.approve(address(issuance), MAX);
        }

        holders.push(bot);
        holders.push(mallory);
        holders.push(stranger);
        tokens.push(address(wthb));
        uint256[13] memory keyList = [
            HKMA_KEY,
            GOVERNMENT_KEY,
            BANK_A_KEY,
            BANK_B_KEY,
            BANK_C_KEY,
            ALICE_KEY,
            BOB_KEY,
            CAROL_KEY,
            DAVE_KEY,
            ERIN_KEY,
            BOT_KEY,
            MALLORY_KEY,
            0
        ];
        uint256[] memory keys = new uint256[](keyList.length);
        for (uint256 i = 0; i < keyList.length; ++i) keys[i] = keyList[i];
        handler = new SettlementHandler(
            HandlerSetup({
                registry: registry,
                wcbdc: wcbdc,
                wthb: wthb,
                depA: depA,
                depB: depB,
                bond: bond,
                engine: engine,
                issuance: issuance,
                hkma: hkma,
                government: government,
                mallory: mallory,
                stranger: stranger,
                banks: [bankA, bankB, bankC],
                customersA: [alice, bob, erin],
                customersB: [carol, dave, erin],
                holders: holders,
                keys: keys
            })
        );
        vm.label(address(handler), "SettlementHandler");
        targetContract(address(handler));
    }

    // ------------------------------------------------------------------ invariants

    /// @dev Issue #9: no token leaves an account except under that account's own instruction, signature,
    /// bid, quote or call. Per engine or tender call, every debit of every (token, holder) was within what
    /// the call was allowed to debit that holder (so, cumulatively, `ghostDebited` ≤ `ghostConsented`);
    /// and every balance equals the ghost ledger, which moves only by the legs of what the engine
    /// reported settled, the payments the handler made and the issuers' own acts. Attacks and
    /// strangers' calls were refused, each for its reason, and no allotment exceeded a bid.
    function invariant_noDebitWithoutConsent() public view {
        assertEq(handler.ghostUnconsentedDebits(), 0, "a debit without consent");
        address[] memory accounts = handler.holders();
        address[] memory tracked = handler.trackedTokens();
        int256[] memory ghosts = handler.ghostBalances();
        for (uint256 t = 0; t < tracked.length; ++t) {
            for (uint256 h = 0; h < accounts.length; ++h) {
                int256 ghost = ghosts[t * accounts.length + h];
                assertTrue(ghost >= 0, "ghost ledger negative: the engine settled what could not settle");
                assertEq(IERC20(tracked[t]).balanceOf(accounts[h]), uint256(ghost), "balance != ghost ledger");
            }
        }
        assertEq(handler.ghostForbiddenSuccesses(), 0, "an attack or a stranger's call succeeded");
        assertEq(handler.ghostUnexpectedRefusals(), 0, "a refusal for the wrong reason");
        assertEq(handler.ghostAllotmentViolations(), 0, "an allotment beyond a bid, off-lot or beyond the offer");
        assertEq(handler.ghostRefundViolations(), 0, "a tender parked more than it owed a bidder");
    }

    /// @dev Issue #9: a trade id settles at most once across all paths (`TradeSettled` from matching,
    /// `settle` and signed orders, `TradeSettledInBatch` from batches, counted per id from the engine's
    /// events), exactly when its shared record says Settled; a trade once seen Cancelled or Expired stays
    /// so; signed orders never settle a settled trade again; nothing the handler did not create settles.
    function invariant_tradeSettlesAtMostOnce() public view {
        uint256 n = handler.tradeCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 id = engine.tradeId(handler.tradeAt(i));
            InstructionMatching.TradeRecord memory r = engine.tradeRecord(id);
            uint256 settlements = handler.ghostSettleCount(id);
            assertLe(settlements, 1, "a trade settled more than once");
            assertTrue((r.status == TradeStatus.Settled) == (settlements == 1), "record and settlements disagree");
            TradeStatus closed = handler.ghostClosed(id);
            if (closed != TradeStatus.None) assertEq(uint256(r.status), uint256(closed), "a closed trade changed status");
        }
        assertEq(handler.ghostSettledAfterClose(), 0, "a cancelled or expired trade settled");
        assertEq(handler.ghostReplaysSettled(), 0, "signed orders settled a settled trade again");
        assertEq(handler.ghostUnknownSettled(), 0, "a trade nobody instructed or signed settled");
    }

    /// @dev For every trade, on the shared record: a settled one carries no failure reason (whichever path
    /// settled it), a failed one its reason, an expired one `Expired`; a matched or failed one was
    /// instructed by both sides. Both legs moved or neither: checked through the ghost ledger above.
    function invariant_noHalfSettledTrade() public view {
        uint256 n = handler.tradeCount();
        for (uint256 i = 0; i < n; ++i) {
            InstructionMatching.TradeRecord memory r = engine.tradeRecord(engine.tradeId(handler.tradeAt(i)));
            if (r.status == TradeStatus.Settled) assertEq(uint256(r.reason), uint256(FailureReason.None), "settled with a reason");
            if (r.status == TradeStatus.Failed) assertTrue(r.reason != FailureReason.None, "failed without a reason");
            if (r.status == TradeStatus.Expired) assertEq(uint256(r.reason), uint256(FailureReason.Expired), "expiry reason");
            if (r.status == TradeStatus.Matched || r.status == TradeStatus.Failed) {
                assertTrue(r.sellerInstructed && r.buyerInstructed, "matched without both instructions");
            }
        }
    }

    /// @dev Supply changes only by what issuers did: wCBDC (both currencies) is constant; bonds grow only by
    /// tender allotments; deposit money moves between banks (burned at one = minted at the other) and is
    /// created or destroyed in settlement only against wCBDC paid into or out of a bank for a customer.
    /// Every token's supply equals the ghost supply and the sum of the participants' balances and the
    /// tender contract's custody: the engine holds nothing between transactions, the tender contract only
    /// the cost of live bids and the refunds parked for bidders the wCBDC refused.
    function invariant_supplyConserved() public view {
        assertEq(wcbdc.totalSupply(), handler.initialSupply(address(wcbdc)), "wHKD supply changed");
        assertEq(wthb.totalSupply(), handler.initialSupply(address(wthb)), "wTHB supply changed");
        assertEq(
            bond.totalSupply(),
            uint256(int256(handler.initialSupply(address(bond))) + handler.ghostBondsIssued()),
            "bonds created or destroyed outside allotment"
        );
        for (uint256 i = 0; i < 2; ++i) {
            address deposit = i == 0 ? address(depA) : address(depB);
            assertEq(
                IERC20(deposit).totalSupply(),
                uint256(
                    int256(handler.initialSupply(deposit)) +
                        handler.ghostIssuerNet(deposit) +
                        handler.ghostSettlementNet(deposit)
                ),
                "a bank's deposits changed other than by its mints, burns and settled cash legs"
            );
        }
        assertEq(
            depA.totalSupply() + depB.totalSupply(),
            uint256(
                int256(handler.initialSupply(address(depA)) + handler.initialSupply(address(depB))) +
                    handler.ghostIssuerNet(address(depA)) +
                    handler.ghostIssuerNet(address(depB)) +
                    handler.ghostDepositMoneyNet()
            ),
            "deposit money created or destroyed in settlement"
        );
        address[] memory accounts = handler.holders();
        address[] memory tracked = handler.trackedTokens();
        for (uint256 t = 0; t < tracked.length; ++t) {
            IERC20 token = IERC20(tracked[t]);
            assertEq(token.balanceOf(address(engine)), 0, "engine holds a token");
            // The tender contract holds only wCBDC: the cost of live bids and the parked refunds.
            uint256 custody = tracked[t] == address(wcbdc) ? handler.ghostCustodyLive() + handler.ghostParkedRefunds() : 0;
            assertEq(token.balanceOf(address(issuance)), custody, "tender contract holds other than bids' cost and parked refunds");
            assertTrue(int256(custody) == handler.ghostBalance(address(token), address(issuance)), "custody != ghost custody");
            assertEq(token.totalSupply(), uint256(handler.ghostSupply(address(token))), "supply != ghost supply");
            uint256 sum = custody;
            for (uint256 h = 0; h < accounts.length; ++h) sum += token.balanceOf(accounts[h]);
            assertEq(sum, token.totalSupply(), "tokens held outside the ledger's participants");
        }
    }

    /// @dev Every run did real work and left the engine live. With `failOnRevert: false`, a run whose every
    /// call reverted would otherwise pass: so (1) at least one engine or tender call of the run succeeded
    /// or was refused for its reason, and (2) after whatever the run did, a fresh trade between two
    /// participants no disturbance touches still settles at once (it goes through the same consent and
    /// settlement accounting, checked by the invariants on the next call). How much real work random use
    /// does — at least 30 trade settlements in 200 calls, every entry point reached — is pinned by
    /// `test_handler_pseudoRandomUse_reachesEveryEntryPoint`.
    function afterInvariant() public {
        assertTrue(handler.successfulCalls() >= 1, "a run in which no engine or tender call succeeded");
        assertTrue(handler.settleCleanTrade(), "a clean trade did not settle: the run wedged the engine");
        invariant_noDebitWithoutConsent();
        invariant_tradeSettlesAtMostOnce();
    }

    // ------------------------------------------------------------------ the handler does real work

    /// @dev 200 pseudo-random handler calls from one seed, then a bid reclaimed after the close: the
    /// handler reaches every entry point successfully (and has every attack refused), settles at least 30
    /// trades, and every invariant holds.
    function test_handler_pseudoRandomUse_reachesEveryEntryPoint() public {
        for (uint256 i = 0; i < 200; ++i) _randomCall(uint256(keccak256(abi.encode("handler", i))));
        // Then a tender the government leaves unallotted: a fresh one and a bid valid only to the close,
        // so that one is open whatever the run did; its bidder reclaims it once it lapses.
        handler.openTender(1);
        uint256 last = handler.tendersOpened() - 1;
        handler.submitBid(last, 0, 1, 5_000_000, 0);
        for (uint256 k = 0; k < 4; ++k) handler.reclaimBid(last, k, true);

        assertTrue(handler.tradesSettled() >= 30, "fewer than 30 trades settled");
        assertTrue(handler.settledByMatching() > 0, "no trade settled by matching");
        assertTrue(handler.settledBySettle() > 0, "no trade settled by settle");
        assertTrue(handler.signedSettled() > 0, "no trade settled from signed orders");
        assertTrue(handler.batchesSettled() > 0 && handler.batchMembersSettled() > 0, "no batch settled a member");
        assertTrue(handler.batchMembersSkipped() > 0, "no batch skipped a member");
        assertTrue(handler.tradesFailed() > 0, "no settlement attempt failed");
        assertTrue(handler.cancels() > 0 && handler.cancelRequests() > 0, "no cancellation, or no one-sided request");
        assertTrue(handler.expires() > 0, "no trade expired");
        assertTrue(handler.paymentsSettled() > 0 && handler.customerPaymentsSettled() > 0, "no payment");
        assertTrue(handler.fxSettled() > 0, "no FX settled");
        assertTrue(handler.pauses() > 0 && handler.bondPauseProbes() > 0, "no pause probed");
        assertTrue(handler.tendersOpened() > 0 && handler.bidsSubmitted() > 0, "no tender or bid");
        assertTrue(handler.bidsWithdrawn() + handler.bidsRejected() > 0, "no bid withdrawn or rejected");
        assertTrue(handler.bidsReclaimed() > 0, "no bid reclaimed after the close");
        assertTrue(handler.tendersAllotted() > 0, "no tender allotted");
        assertTrue(handler.expectedRefusals() > 0 && handler.strangerRefusals() > 0, "no attack refused");
        invariant_noDebitWithoutConsent();
        invariant_tradeSettlesAtMostOnce();
        invariant_noHalfSettledTrade();
        invariant_supplyConserved();
        afterInvariant();
        assertEq(handler.cleanTradesSettled(), 1, "the clean trade");
    }

    /// @dev One handler call chosen and parameterised by `r`: settlements three times in five, the rest
    /// spread over every other move.
    function _randomCall(uint256 r) private {
        uint256 a = uint256(keccak256(abi.encode(r, 1)));
        uint256 b = uint256(keccak256(abi.encode(r, 2)));
        uint256 c = uint256(keccak256(abi.encode(r, 3)));
        uint256 pick = r % 46;
        if (pick < 7) handler.newTrade(a, b, c, r >> 8, r >> 16, 1 + (r >> 24));
        else if (pick < 11) handler.settleSigned(a, b, c, uint192(r >> 32) % 3, r >> 40);
        else if (pick < 13) handler.settle(a, b);
        else if (pick == 13) handler.settleBatch(a, b);
        else if (pick < 16) handler.newBatch(a, b, c, r >> 8);
        else if (pick < 18) handler.pay(a, b, c);
        else if (pick < 20) handler.payToCustomer(a, b, c);
        else if (pick < 22) handler.settleFx(a, b, c, uint192(r >> 32) % 3);
        else if (pick < 24) handler.warp(a % 4 hours);
        else if (pick == 24) handler.instructMissing(a);
        else if (pick == 25) handler.cancel(a, b % 2 == 0);
        else if (pick == 26) handler.cancelBoth(a, b % 2 == 0);
        else if (pick == 27) handler.expire(a, b);
        else if (pick == 28) handler.settleSignedExisting(a, uint192(b) % 3, c);
        else if (pick == 29) handler.pauseAndProbe(a);
        else if (pick == 30) handler.settleWhileBondPaused(a);
        else if (pick == 31) handler.openTender(a);
        else if (pick < 35) handler.submitBid(a, b, c, r >> 8, r >> 16);
        else if (pick == 35) handler.withdrawBid(a, b);
        else if (pick == 36) handler.allotTender(a, true);
        else if (pick == 37) handler.cancelTender(a);
        else if (pick == 38) handler.attackWithHostileBond(a, b);
        else if (pick == 39) handler.attackForgedOrder(a, b, c);
        else if (pick == 40) handler.strangerMeddles(a, b);
        else if (pick == 41) handler.toggleApproval(a, b);
        else if (pick == 42) handler.toggleFreeze(a, b);
        else if (pick == 43) handler.bankMintOrBurn(a, b, c % 2 == 0);
        else if (pick == 44) handler.rejectBid(a, b);
        else handler.openTender(a);
    }
}
