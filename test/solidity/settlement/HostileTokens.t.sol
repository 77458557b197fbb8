// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {ERC20Mock} from "../../../contracts/mocks/token/ERC20Mock.sol";
import {ERC20ReentrantMock} from "../../../contracts/mocks/token/ERC20ReentrantMock.sol";
import {TwoTransfersReference} from "../../../contracts/mocks/TwoTransfersReference.sol";
import {ISettlementEngine, ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {PrimaryIssuance} from "../../../contracts/settlement/PrimaryIssuance.sol";
import {FailureReason, Leg, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {FalseReturningCashMock, HostileBond, ReentrantCashMock} from "./HostileContracts.sol";
import {SettlementFixture, START} from "./SettlementFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @title Hostile tokens cannot break atomicity or take funds
/// @notice The engine acts only on tokens the ledger registered with it. The worst case is a hostile token
/// that made it into the register: here the central bank operating the ledger has registered two hostile
/// cash tokens as central-bank money (`registerWholesaleCbdc`), and bob pays alice in one of them for real
/// bonds: the bond leg moves first, then the hostile leg. A token that re-enters the engine from
/// `transferFrom` (into `settleSigned`, `instruct`, `settle`, `settleBatch`, `pay` or `executeTrade`) is
/// refused by the reentrancy guard (or `OnlySelf`), and the whole settlement unwinds; a token that returns
/// false is refused as `TokenRejected`. Unregistered tokens, and an attacker's contract claiming to be a
/// bond of its own or a deposit token of a real bank (findings 1 and 7), are refused before anything moves.
contract HostileTokensTest is SettlementFixture {
    uint256 private constant ATTACKS = 6;
    uint256 private constant QUANTITY = 4;
    uint256 private constant AMOUNT = 200_000_00;

    ReentrantCashMock private evil;
    FalseReturningCashMock private liar;
    /// @dev A registered participant of kind `Issuer` that issues nothing registered: the attacker.
    address private mallory;
    /// @dev A matched, due trade of innocent parties the hostile token tries to settle or hijack.
    Trade private victim;

    function setUp() public override {
        super.setUp();
        evil = new ReentrantCashMock("Evil", "EVIL", "EVL");
        liar = new FalseReturningCashMock("Liar", "LIAR", "LIA");
        mallory = vm.addr(0xBAD);
        vm.label(mallory, "mallory");
        vm.startPrank(hkma);
        engine.registerWholesaleCbdc(address(evil));
        engine.registerWholesaleCbdc(address(liar));
        registry.registerParticipant(mallory, ParticipantKind.Issuer, "HK", START + 365 days);
        vm.stopPrank();
        holders.push(mallory);
        tokens.push(address(evil));
        tokens.push(address(liar));
        for (uint256 i = 0; i < 2; ++i) {
            address t = i == 0 ? address(evil) : address(liar);
            ERC20Mock(t).mint(bob, 1_000_000_00);
            _approveEngine(bob, t);
        }
        victim = _tradeDue(carol, dave, 1, address(depB), address(depB), 50_000_00, START + 1 hours);
        _instructBoth(victim);
    }

    // ------------------------------------------------------------------ re-entrancy, bubbled

    /// @dev Matching a due trade whose cash leg re-enters ends `Failed` (`TokenRejected`); nothing moves.
    function test_instruct_reentrantCashLeg_endsFailedWithTokenRejected() public {
        vm.warp(START + 1 hours);
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            Trade memory trade = _trade(alice, bob, QUANTITY, address(evil), address(evil), AMOUNT);
            _scheduleAttack(attack, true);
            uint256[] memory balancesBefore = _balances();

            vm.prank(alice);
            engine.instruct(trade);
            vm.expectEmit(address(engine));
            emit ISettlementEngine.TradeSettlementFailed(engine.tradeId(trade), FailureReason.TokenRejected, _legFailed(attack));
            vm.prank(bob);
            assertEq(uint256(engine.instruct(trade)), uint256(TradeStatus.Failed), "status");

            assertEq(uint256(_record(trade).reason), uint256(FailureReason.TokenRejected), "reason");
            _assertUntouched(balancesBefore);
            vm.revertToState(snapshot);
        }
    }

    /// @dev Settling a matched trade whose cash leg re-enters ends `Failed` (`TokenRejected`); nothing moves.
    function test_settle_reentrantCashLeg_endsFailedWithTokenRejected() public {
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            uint64 due = uint64(block.timestamp + 1 hours);
            Trade memory trade = _tradeDue(alice, bob, QUANTITY, address(evil), address(evil), AMOUNT, due);
            assertEq(uint256(_instructBoth(trade)), uint256(TradeStatus.Matched), "matched before due");
            vm.warp(due);
            _scheduleAttack(attack, true);
            uint256[] memory balancesBefore = _balances();

            vm.expectEmit(address(engine));
            emit ISettlementEngine.TradeSettlementFailed(engine.tradeId(trade), FailureReason.TokenRejected, _legFailed(attack));
            assertEq(uint256(engine.settle(trade)), uint256(TradeStatus.Failed), "status");

            _assertUntouched(balancesBefore);
            vm.revertToState(snapshot);
        }
    }

    /// @dev Submitting signed orders whose cash leg re-enters reverts `SettlementLegFailed`; nothing moves.
    function test_settleSigned_reentrantCashLeg_revertsWithSettlementLegFailed() public {
        vm.warp(START + 1 hours);
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            Trade memory trade = _trade(alice, bob, QUANTITY, address(evil), address(evil), AMOUNT);
            _scheduleAttack(attack, true);
            uint256[] memory balancesBefore = _balances();

            (bool ok, bytes memory err) = _submitSigned(hkma, trade, 0, _sign(alice, trade, 0), 0, _sign(bob, trade, 0));

            assertTrue(!ok, "settled");
            assertTrue(keccak256(err) == keccak256(_legFailed(attack)), "revert data");
            assertEq(engine.nonces(alice), 0, "seller nonce used");
            _assertUntouched(balancesBefore);
            vm.revertToState(snapshot);
        }
    }

    /// @dev A netting batch with a re-entering cash leg reverts `SettlementLegFailed` after the bond debit
    /// was already parked in the engine; the revert takes it back, so nothing moves and no trade settles.
    function test_settleBatch_reentrantCashLeg_revertsWithSettlementLegFailed() public {
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            Trade[] memory trades = new Trade[](1);
            uint64 due = uint64(block.timestamp + 1 hours);
            trades[0] = _tradeDue(alice, bob, QUANTITY, address(evil), address(evil), AMOUNT, due);
            _instructBoth(trades[0]);
            vm.warp(due);
            _scheduleAttack(attack, true);
            uint256[] memory balancesBefore = _balances();

            vm.expectRevert(_legFailed(attack));
            vm.prank(hkma);
            engine.settleBatch(trades);

            assertEq(uint256(_record(trades[0]).status), uint256(TradeStatus.Matched), "status");
            _assertUntouched(balancesBefore);
            vm.revertToState(snapshot);
        }
    }

    /// @dev A payment in a re-entering token reverts `SettlementLegFailed`; nothing moves.
    function test_pay_reentrantToken_revertsWithSettlementLegFailed() public {
        vm.warp(START + 1 hours);
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            _scheduleAttack(attack, true);
            uint256[] memory balancesBefore = _balances();

            vm.expectRevert(_legFailed(attack));
            vm.prank(bob);
            engine.pay(address(evil), address(evil), alice, AMOUNT, "pay-1");

            _assertUntouched(balancesBefore);
            vm.revertToState(snapshot);
        }
    }

    // ------------------------------------------------------------------ re-entrancy, swallowed

    /// @dev A token that swallows its failed re-entry and completes the transfer gets nowhere: every
    /// re-entry is refused, the trade settles exactly as agreed, and the victim trade is untouched.
    function test_settleSigned_reentrantTokenSwallowingRefusal_cannotReenter() public {
        vm.warp(START + 1 hours);
        for (uint256 attack = 0; attack < ATTACKS; ++attack) {
            uint256 snapshot = vm.snapshotState();
            Trade memory trade = _trade(alice, bob, QUANTITY, address(evil), address(evil), AMOUNT);
            _scheduleAttack(attack, false);
            uint256[] memory balancesBefore = _balances();

            (bool ok, ) = _submitSigned(hkma, trade, 0, _sign(alice, trade, 0), 0, _sign(bob, trade, 0));

            assertTrue(ok, "trade did not settle");
            assertTrue(!evil.lastReentrySucceeded(), "re-entry succeeded");
            assertTrue(keccak256(evil.lastReentryResult()) == keccak256(_refusal(attack)), "re-entry refusal");
            uint256[] memory expected = balancesBefore;
            expected[_slot(address(bond), alice)] -= QUANTITY;
            expected[_slot(address(bond), bob)] += QUANTITY;
            expected[_slot(address(evil), bob)] -= AMOUNT;
            expected[_slot(address(evil), alice)] += AMOUNT;
            _assertSameBalances(_balances(), expected, "balances");
            assertEq(uint256(_record(victim).status), uint256(TradeStatus.Matched), "victim touched");
            _assertEngineHoldsNothing();
            vm.revertToState(snapshot);
        }
    }

    /// @dev Outside a settlement the leg mover is closed to everyone, parties and admin included.
    function test_executeTrade_revertsWithOnlySelf() public {
        address[3] memory callers = [carol, dave, hkma];
        bytes32 id = engine.tradeId(victim);
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.OnlySelf.selector));
            vm.prank(callers[i]);
            engine.executeTrade(victim, id);
        }
        assertEq(uint256(_record(victim).status), uint256(TradeStatus.Matched), "victim touched");
    }

    // ------------------------------------------------------------------ false-returning token

    /// @dev A cash token that returns false instead of reverting fails the trade as `TokenRejected`, with the
    /// token's `false` as evidence; the bond leg that had already moved is unwound.
    function test_instruct_falseReturningCashLeg_endsFailedWithTokenRejected() public {
        Trade memory trade = _trade(alice, bob, QUANTITY, address(liar), address(liar), AMOUNT);
        uint256[] memory balancesBefore = _balances();
        bytes memory expected = abi.encodeWithSelector(
            ISettlementErrors.SettlementLegFailed.selector,
            FailureReason.TokenRejected,
            Leg.Cash,
            address(liar),
            abi.encode(false)
        );

        vm.prank(alice);
        engine.instruct(trade);
        vm.expectEmit(address(engine));
        emit ISettlementEngine.TradeSettlementFailed(engine.tradeId(trade), FailureReason.TokenRejected, expected);
        vm.prank(bob);
        assertEq(uint256(engine.instruct(trade)), uint256(TradeStatus.Failed), "status");

        assertEq(uint256(_record(trade).reason), uint256(FailureReason.TokenRejected), "reason");
        _assertUntouched(balancesBefore);
    }

    /// @dev The same through signed orders: the submission reverts `SettlementLegFailed(TokenRejected, Cash, ...)`.
    function test_settleSigned_falseReturningCashLeg_revertsWithSettlementLegFailed() public {
        Trade memory trade = _trade(alice, bob, QUANTITY, address(liar), address(liar), AMOUNT);
        uint256[] memory balancesBefore = _balances();
        bytes memory sellerSig = _sign(alice, trade, 0);
        bytes memory buyerSig = _sign(bob, trade, 0);

        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementErrors.SettlementLegFailed.selector,
                FailureReason.TokenRejected,
                Leg.Cash,
                address(liar),
                abi.encode(false)
            )
        );
        vm.prank(bob);
        engine.settleSigned(trade, 0, sellerSig, 0, buyerSig);

        _assertUntouched(balancesBefore);
    }

    // ------------------------------------------------------------------ unregistered and impostor tokens

    /// @dev A cash token nobody registered is refused before anything moves, on matching and on signed orders.
    function test_instruct_unregisteredCashToken_revertsWithCashTokenNotRegistered() public {
        ERC20ReentrantMock stray = new ERC20ReentrantMock("Stray", "STRAY");
        stray.mint(bob, AMOUNT);
        _approveEngine(bob, address(stray));
        Trade memory trade = _trade(alice, bob, QUANTITY, address(stray), address(stray), AMOUNT);
        uint256[] memory balancesBefore = _balances();

        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.CashTokenNotRegistered.selector, address(stray)));
        vm.prank(alice);
        engine.instruct(trade);
        bytes memory sellerSig = _sign(alice, trade, 0);
        bytes memory buyerSig = _sign(bob, trade, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.CashTokenNotRegistered.selector, address(stray)));
        vm.prank(bob);
        engine.settleSigned(trade, 0, sellerSig, 0, buyerSig);

        assertEq(stray.balanceOf(bob), AMOUNT, "stray cash moved");
        assertEq(uint256(_record(trade).status), uint256(TradeStatus.None), "a record was written");
        _assertUntouched(balancesBefore);
    }

    /// @dev Finding 1: an attacker's contract claiming that the attacker issues it and that it is paid in
    /// wCBDC cannot be tendered, although the attacker is a registered issuer and a bank stands ready
    /// with an unlimited wCBDC allowance to the tender contract.
    function test_finding1_openTenderWithHostileBond_revertsWithAssetNotRegistered() public {
        HostileBond fake = new HostileBond(mallory, address(wcbdc), bankA);
        vm.prank(bankA);
        wcbdc.approve(address(issuance), MAX);
        uint256[] memory balancesBefore = _balances();

        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.AssetNotRegistered.selector, address(fake)));
        vm.prank(mallory);
        issuance.openTender("FAKE-1", _tenderTerms(address(fake)));

        assertEq(uint256(issuance.tenderOf("FAKE-1").state), uint256(PrimaryIssuance.TenderState.None), "tender opened");
        _assertUntouched(balancesBefore);
    }

    /// @dev Finding 1: only the issuer the registrar registered with the bond opens its tenders, not
    /// another registered issuer.
    function test_finding1_openTenderOfRealBondByAnotherIssuer_revertsWithNotBondIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(PrimaryIssuance.NotBondIssuer.selector, mallory, address(bond)));
        vm.prank(mallory);
        issuance.openTender("REAL-1", _tenderTerms(address(bond)));
    }

    /// @dev Finding 1: the same impostor bond cannot be traded against real cash either, by matching or by
    /// signed orders, whoever submits: the engine never asks the asset who it is.
    function test_finding1_tradeOfHostileBond_revertsWithAssetNotRegistered() public {
        HostileBond fake = new HostileBond(mallory, address(wcbdc), bankA);
        Trade memory trade = _trade(mallory, bankA, QUANTITY, address(wcbdc), address(wcbdc), AMOUNT);
        trade.asset = address(fake);
        uint256[] memory balancesBefore = _balances();
        bytes memory err = abi.encodeWithSelector(ISettlementErrors.AssetNotRegistered.selector, address(fake));

        vm.expectRevert(err);
        vm.prank(mallory);
        engine.instruct(trade);
        bytes memory buyerSig = _sign(bankA, trade, 0);
        vm.expectRevert(err);
        vm.prank(mallory);
        engine.settleSigned(trade, 0, "", 0, buyerSig);
        vm.expectRevert(err);
        vm.prank(hkma);
        engine.settleSigned(trade, 0, "", 0, buyerSig);

        _assertUntouched(balancesBefore);
    }

    /// @dev Finding 7: a contract naming a real bank as its issuer is no deposit line: the bank never
    /// consented, so its central bank (here also the engine's admin) cannot register it, the attacker
    /// cannot consent for the bank, and another bank cannot consent for a token it does not issue.
    function test_finding7_fakeDepositTokenNamingABank_revertsWithDepositLineNotConsented() public {
        HostileBond fake = new HostileBond(mallory, address(wcbdc), bankA);

        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.DepositLineNotConsented.selector, address(fake)));
        vm.prank(hkma);
        engine.registerDepositToken(address(fake), address(wcbdc));
        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.NotCommercialBank.selector, mallory));
        vm.prank(mallory);
        engine.consentToDepositLine(address(fake), true);
        vm.expectRevert(abi.encodeWithSelector(ISettlementErrors.NotDepositTokenBank.selector, bankC, address(fake)));
        vm.prank(bankC);
        engine.consentToDepositLine(address(fake), true);

        assertEq(engine.bankOf(address(fake)), address(0), "fake line registered");
        assertEq(engine.depositLineConsentOf(address(fake)), address(0), "fake consent recorded");
    }

    // ------------------------------------------------------------------ gas floor reference

    /// @dev The benchmark floor moves both legs of a plain-ERC-20 DvP and nothing else.
    function test_twoTransfersReference_deliverAndPay_movesBothLegs() public {
        TwoTransfersReference floor = new TwoTransfersReference();
        ERC20Mock asset = new ERC20Mock("Asset", "A");
        ERC20Mock cash = new ERC20Mock("Cash", "C");
        asset.mint(alice, QUANTITY);
        cash.mint(bob, AMOUNT);
        vm.prank(alice);
        asset.approve(address(floor), QUANTITY);
        vm.prank(bob);
        cash.approve(address(floor), AMOUNT);

        floor.deliverAndPay(asset, cash, alice, bob, QUANTITY, AMOUNT);

        assertEq(asset.balanceOf(bob), QUANTITY, "asset delivered");
        assertEq(cash.balanceOf(alice), AMOUNT, "cash paid");
        assertEq(asset.balanceOf(alice) + cash.balanceOf(bob), 0, "nothing left behind");
    }

    /// @dev The floor refuses a token that returns false, like the engine.
    function test_twoTransfersReference_deliverAndPay_revertsWithTransferRejected() public {
        TwoTransfersReference floor = new TwoTransfersReference();
        vm.expectRevert(abi.encodeWithSelector(TwoTransfersReference.TransferRejected.selector, address(liar)));
        floor.deliverAndPay(liar, liar, alice, bob, QUANTITY, AMOUNT);
    }

    // ------------------------------------------------------------------ helpers

    function _tenderTerms(address asset) private view returns (PrimaryIssuance.TenderTerms memory) {
        return
            PrimaryIssuance.TenderTerms({
                bond: asset,
                unitsOffered: 100,
                minimumLot: 1,
                closesAt: uint64(block.timestamp + 1 days),
                proceedsAccount: hkma
            });
    }

    /// @dev Has `evil` call back into the engine during its `transferFrom` with attack number `attack`.
    function _scheduleAttack(uint256 attack, bool bubble) private {
        evil.scheduleReentry(address(engine), _attackCall(attack), bubble);
    }

    /// @dev The six ways back in: every state-changing entry point that moves legs, and the leg mover itself.
    function _attackCall(uint256 attack) private view returns (bytes memory) {
        Trade memory v = victim;
        if (attack == 0) return abi.encodeCall(engine.settleSigned, (v, 0, "", 0, ""));
        if (attack == 1) return abi.encodeCall(engine.instruct, (v));
        if (attack == 2) return abi.encodeCall(engine.settle, (v));
        if (attack == 3) {
            Trade[] memory batch = new Trade[](1);
            batch[0] = v;
            return abi.encodeCall(engine.settleBatch, (batch));
        }
        if (attack == 4) return abi.encodeCall(engine.pay, (address(depB), address(depB), address(evil), 1, "steal"));
        // executeTrade would move the victim's legs without any guard but `msg.sender == engine`.
        return abi.encodeCall(engine.executeTrade, (v, engine.tradeId(v)));
    }

    /// @dev How the engine refuses attack `attack`.
    function _refusal(uint256 attack) private pure returns (bytes memory) {
        if (attack == ATTACKS - 1) return abi.encodeWithSelector(ISettlementErrors.OnlySelf.selector);
        return abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    /// @dev The engine's revert when `evil`'s cash leg bubbles up refusal `attack`.
    function _legFailed(uint256 attack) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                ISettlementErrors.SettlementLegFailed.selector,
                FailureReason.TokenRejected,
                Leg.Cash,
                address(evil),
                _refusal(attack)
            );
    }

    /// @dev No balance moved (bonds, deposits, wCBDC, the hostile tokens), the engine holds nothing and
    /// the victim trade is still matched.
    function _assertUntouched(uint256[] memory balancesBefore) private view {
        _assertSameBalances(_balances(), balancesBefore, "a balance moved");
        _assertEngineHoldsNothing();
        assertEq(uint256(_record(victim).status), uint256(TradeStatus.Matched), "victim touched");
    }
}
