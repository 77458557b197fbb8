// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;


import {HashedTimelock} from "../../../contracts/crosschain/HashedTimelock.sol";
import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {BondPayingAgent} from "../../../contracts/lifecycle/BondPayingAgent.sol";
import {SettlementFixture, START} from "../settlement/SettlementFixture.sol";
import {LifecycleHandler, LifecycleSetup} from "./LifecycleHandler.sol";
import {vm} from "../utils/Vm.sol";

/// @dev What the fiscal agent funds the paying agent with: more than every coupon and the redemption.
uint256 constant AGENT_FUNDING = 50_000_000_000_00; // HK$50bn

/// @title The escrow and the paying agent over the bond's life, wired as Ignition wires them
/// @notice The hashed time-locked escrow and the paying agent are registered as infrastructure and
/// approved to hold wCBDC; the government appoints the paying agent to the bond's `ISSUER_ROLE` (to
/// burn at redemption); the HKMA funds it. Customers name their bank's deposit token as standing
/// settlement instruction, so their coupons reach them through the engine.
abstract contract LifecycleFixture is SettlementFixture {
    HashedTimelock internal htlc;
    BondPayingAgent internal agent;

    function setUp() public virtual override {
        super.setUp();
        htlc = new HashedTimelock();
        agent = new BondPayingAgent(bond, engine, hkma);
        vm.startPrank(hkma);
        registry.registerParticipant(address(htlc), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        registry.registerParticipant(address(agent), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        wcbdc.setSettlementContract(address(htlc), true);
        wcbdc.setSettlementContract(address(agent), true);
        wcbdc.mint(address(agent), AGENT_FUNDING);
        vm.stopPrank();
        bytes32 issuerRole = bond.ISSUER_ROLE();
        vm.prank(government);
        bond.grantRole(issuerRole, address(agent));

        address[5] memory customers = [alice, bob, carol, dave, erin];
        for (uint256 i = 0; i < customers.length; ++i) {
            vm.prank(customers[i]);
            agent.setStandingInstruction(depA.isCustomer(customers[i]) ? address(depA) : address(depB));
        }
        for (uint256 h = 0; h < holders.length; ++h) {
            vm.startPrank(holders[h]);
            bond.approve(address(htlc), MAX);
            wcbdc.approve(address(htlc), MAX);
            vm.stopPrank();
        }
    }
}

/// @title Invariants of the escrow and the paying agent under random use
/// @notice The fuzzer drives only `LifecycleHandler`. After every call: the escrow holds, per token,
/// exactly what its open locks cover, and never accepted a bond lock across an entitlement date; a
/// forced transfer never took from it; coupons paid for each period never exceed its liability, went
/// only to holders of record that were not frozen, once each and exactly; redemption burned and paid
/// face value. After every run, every open lock can still be refunded.
/// Running this file alone, name the handler's file too (`npx hardhat test solidity <this file> test/solidity/lifecycle/LifecycleHandler.sol`):
/// the fuzzer finds the handler by its compiled artifact, which a build of this file alone does not
/// refresh ("No contracts to fuzz", or an old ABI, after the handler changed). The full suite builds both.
contract LifecycleInvariantsTest is LifecycleFixture {
    LifecycleHandler private handler;
    uint256 private bondSupply;

    function setUp() public override {
        super.setUp();
        address[] memory bondHolders = new address[](9);
        address[9] memory list = [bankA, bankB, bankC, alice, bob, carol, dave, erin, government];
        for (uint256 i = 0; i < list.length; ++i) bondHolders[i] = list[i];
        address[] memory cashHolders = new address[](3);
        (cashHolders[0], cashHolders[1], cashHolders[2]) = (bankA, bankB, bankC);
        handler = new LifecycleHandler(
            LifecycleSetup({
                bond: bond,
                cash: wcbdc,
                htlc: htlc,
                agent: agent,
                registrar: hkma,
                payingAgentOperator: hkma,
                bondHolders: bondHolders,
                cashHolders: cashHolders
            })
        );
        bondSupply = bond.totalSupply();
        targetContract(address(handler));
    }

    /// @dev Issue #9 (finding 6, 9): per token, the escrow's balance equals the sum of its `Locked` locks —
    /// it holds no value a lock does not cover; it never accepted a bond lock whose window holds a record
    /// date or maturity; no forced transfer took from it; no claim with a wrong preimage or after the
    /// time lock, and no early refund, succeeded.
    function invariant_escrowCovered() public view {
        uint256 lockedBonds = 0;
        uint256 lockedCash = 0;
        uint256 n = handler.lockCount();
        for (uint256 i = 0; i < n; ++i) {
            HashedTimelock.Lock memory l = htlc.getLock(handler.lockIdAt(i));
            if (l.state != HashedTimelock.LockState.Locked) continue;
            if (l.token == address(bond)) lockedBonds += l.amount;
            else lockedCash += l.amount;
        }
        assertEq(bond.balanceOf(address(htlc)), lockedBonds, "escrow's bonds != its open bond locks");
        assertEq(wcbdc.balanceOf(address(htlc)), lockedCash, "escrow's wCBDC != its open cash locks");
        assertEq(handler.ghostLocksAcrossEntitlement(), 0, "a bond lock across a record date or maturity");
        assertEq(handler.ghostForcedFromEscrow(), 0, "a forced transfer took from the escrow");
        assertEq(handler.ghostBadEscrowCalls(), 0, "a wrong-preimage or late claim, or an early refund");
    }

    /// @dev Issue #9 (finding 12, 13): for every coupon whose record date has passed, what the agent paid
    /// is at most `couponLiability(index)`; each payment went to a holder of record not frozen on the
    /// bond, once, for exactly the coupon on its holding (checked as each happened); what left the agent
    /// is exactly coupons plus redemptions; redemption burned the units it paid face value for.
    function invariant_payingAgentWithinLiability() public view {
        uint256 passed = bond.recordDatesPassed();
        uint256 coupons = 0;
        address[] memory holders_ = handler.bondHolders();
        for (uint256 i = 0; i < passed; ++i) {
            uint256 paid = handler.ghostCouponPaid(i);
            coupons += paid;
            assertLe(paid, agent.couponLiability(i), "coupon paid beyond its liability");
            for (uint256 h = 0; h < holders_.length; ++h) {
                uint256 payments = handler.ghostCouponPayments(i, holders_[h]);
                assertLe(payments, 1, "a holder paid a coupon twice");
                assertTrue((payments == 1) == agent.couponPaid(i, holders_[h]), "coupon record disagrees");
            }
            assertEq(agent.couponPaid(i, address(htlc)) ? 1 : 0, 0, "the escrow was paid a coupon");
        }
        assertEq(handler.ghostBadCoupons(), 0, "a coupon to a non-holder of record, a frozen holder, or of the wrong amount");
        assertEq(handler.ghostBadRedemptions(), 0, "a redemption that did not burn the holding or pay face value");
        assertEq(
            AGENT_FUNDING - wcbdc.balanceOf(address(agent)),
            coupons + handler.ghostRedemptionPaid(),
            "the agent paid out other than coupons and redemptions"
        );
        assertEq(bond.totalSupply(), bondSupply - handler.ghostRedeemedUnits(), "bonds burned other than at redemption");
    }

    /// @dev After every run: the run did real work (some call succeeded, or was refused for its reason),
    /// and every lock still open can be refunded once its time lock passes (after the registrar lifts
    /// any freeze), leaving the escrow empty. How much real work random use does is pinned by
    /// `test_handler_pseudoRandomUse_reachesEveryEntryPoint`.
    function afterInvariant() public {
        assertTrue(handler.successfulCalls() >= 1, "a run in which no call succeeded");
        address[] memory holders_ = handler.bondHolders();
        vm.startPrank(hkma);
        for (uint256 h = 0; h < holders_.length; ++h) if (bond.isFrozen(holders_[h])) bond.setFrozen(holders_[h], false);
        vm.stopPrank();
        // Bond locks first: their time locks all end before the next entitlement date; then cash.
        for (uint256 pass = 0; pass < 2; ++pass) {
            uint256 n = handler.lockCount();
            for (uint256 i = 0; i < n; ++i) {
                bytes32 lockId = handler.lockIdAt(i);
                HashedTimelock.Lock memory l = htlc.getLock(lockId);
                if (l.state != HashedTimelock.LockState.Locked || (l.token == address(bond)) != (pass == 0)) continue;
                if (l.timelock > block.timestamp) vm.warp(l.timelock);
                htlc.refund(lockId);
            }
        }
        assertEq(bond.balanceOf(address(htlc)) + wcbdc.balanceOf(address(htlc)), 0, "value stranded in the escrow");
    }

    // ------------------------------------------------------------------ the handler does real work

    /// @dev 300 pseudo-random handler calls from one seed reach every entry point successfully (locks of
    /// both kinds, claims, refunds, coupons claimed and paged, redemptions) and have every rule refuse
    /// (a lock across an entitlement date, a forced transfer from the escrow, a frozen holder's claim);
    /// every invariant then holds.
    function test_handler_pseudoRandomUse_reachesEveryEntryPoint() public {
        for (uint256 i = 0; i < 300; ++i) _randomCall(uint256(keccak256(abi.encode("lifecycle", i))));

        assertTrue(handler.locksMade() > 0 && handler.claimsMade() > 0 && handler.refundsMade() > 0, "escrow");
        assertTrue(handler.locksRefusedAcrossEntitlement() > 0, "no lock across an entitlement date refused");
        assertTrue(handler.forcedTransfersRefused() > 0, "no forced transfer from the escrow refused");
        assertTrue(handler.couponsClaimed() > 0 && handler.couponsPaidInPages() > 0, "no coupon paid");
        assertTrue(handler.claimsRefusedFrozen() > 0, "no frozen holder's claim refused");
        assertTrue(handler.redemptions() > 0, "no redemption");
        invariant_escrowCovered();
        invariant_payingAgentWithinLiability();
        afterInvariant();
    }

    function _randomCall(uint256 r) private {
        uint256 a = uint256(keccak256(abi.encode(r, 1)));
        uint256 b = uint256(keccak256(abi.encode(r, 2)));
        uint256 c = uint256(keccak256(abi.encode(r, 3)));
        uint256 pick = r % 14;
        if (pick == 0) handler.lockBonds(a, b, c, r >> 8, r >> 16);
        else if (pick == 1) handler.lockCash(a, b, c, r >> 8, r >> 16);
        else if (pick == 2) handler.claim(a, b % 4 != 0, bytes32(c));
        else if (pick == 3) handler.refund(a);
        else if (pick == 4) handler.forcedTransferFromEscrow(a, b);
        else if (pick == 5) handler.transferBonds(a, b, c);
        else if (pick == 6) handler.toggleFreeze(a);
        else if (pick < 9) handler.warp(a);
        else if (pick == 9) handler.claimCoupon(a, b);
        else if (pick == 10) handler.payCoupons(a, b);
        else if (pick == 11) handler.redeem(a);
        else if (pick == 12) handler.redeemHolders(a);
        else handler.claimCoupon(a, bond.recordDatesPassed() == 0 ? 0 : bond.recordDatesPassed() - 1);
    }
}

/// @title A bond lock that lapsed and was not refunded before an entitlement date
/// @notice The escrow refuses a bond lock whose window, plus `ENTITLEMENT_MARGIN` (one day), contains a
/// record date or maturity (finding 6), so there is a day to refund a lapsed lock before the date. Left
/// unrefunded over maturity it can still be refunded (the bond lets infrastructure return units after
/// maturity), and then redeemed by its owner. Left unrefunded over a record date, the escrow is the
/// holder of record: the NatSpec of `HashedTimelock` calls this residual "the refunder's to avoid"; the
/// test of the stronger rule (the paying agent pays no coupon into the escrow) is kept, skipped.
contract EscrowLapsedLockTest is LifecycleFixture {
    bytes32 private constant SECRET = keccak256("lapsed");

    /// @dev Finding 6: a bond lock ending more than a day before the last record date, never refunded,
    /// is refunded after maturity; its sender then redeems the units at face value.
    function test_finding6_bondLockLapsedBeforeMaturity_refundsAfterMaturity() public {
        uint64 maturity = bond.maturityDate();
        vm.warp(maturity - 3 days); // the next entitlement date is the last record date, maturity - 1 day
        uint256 held = bond.balanceOf(bankA);
        bytes32 lockId = _lockBonds(uint64(block.timestamp + 1 hours));
        vm.warp(maturity + 1 days);

        htlc.refund(lockId);

        assertEq(bond.balanceOf(address(htlc)), 0, "bonds stranded in the escrow");
        assertEq(bond.balanceOf(bankA), held, "bonds not returned to the sender");
        uint256 cashBefore = wcbdc.balanceOf(bankA);
        vm.prank(bankA);
        agent.redeem();
        assertEq(wcbdc.balanceOf(bankA), cashBefore + held * bond.redemptionPerUnit(), "redeemed at face value");
    }

    /// @dev A lock that ends just within the margin before an entitlement date is refused.
    function test_lock_endingWithinMarginOfRecordDate_revertsWithLockSpansEntitlementDate() public {
        uint64 recordDate = bond.recordDate(0);
        vm.warp(recordDate - 2 days);
        uint64 timelock = recordDate - htlc.ENTITLEMENT_MARGIN() + 1;
        bytes32 hashlock = sha256(abi.encodePacked(SECRET));
        vm.expectRevert(
            abi.encodeWithSelector(HashedTimelock.LockSpansEntitlementDate.selector, address(bond), recordDate, timelock)
        );
        vm.prank(bankA);
        htlc.lock(bankB, address(bond), 10, hashlock, timelock);
    }

    /// @dev A lapsed lock left in the escrow over a record date does not make the escrow the payee of that
    /// coupon: the paying agent parks it (HolderIsInfrastructure) instead of paying into the escrow.
    function test_payCoupons_lapsedLockOverRecordDate_paysNothingIntoEscrow() public {
        (, uint64 paymentDate) = bond.couponPeriod(0);
        vm.warp(paymentDate - 3 days);
        _lockBonds(uint64(block.timestamp + 1 hours));
        vm.warp(paymentDate);
        address[] memory page = new address[](1);
        page[0] = address(htlc);

        vm.prank(hkma);
        agent.payCoupons(0, page);

        assertEq(wcbdc.balanceOf(address(htlc)), 0, "coupon paid into the escrow, covered by no lock");
    }

    function _lockBonds(uint64 timelock) private returns (bytes32) {
        bytes32 hashlock = sha256(abi.encodePacked(SECRET));
        vm.prank(bankA);
        return htlc.lock(bankB, address(bond), 10, hashlock, timelock);
    }
}
