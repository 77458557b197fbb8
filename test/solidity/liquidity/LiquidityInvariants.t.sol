// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {IntradayLiquidityFacility, Repo, RepoStatus} from "../../../contracts/liquidity/IntradayLiquidityFacility.sol";
import {PaymentQueue} from "../../../contracts/liquidity/PaymentQueue.sol";
import {SettlementFixture, START} from "../settlement/SettlementFixture.sol";
import {LiquidityHandler, LiquiditySetup} from "./LiquidityHandler.sol";
import {vm} from "../utils/Vm.sol";

/// @dev What the HKMA sets aside in its own account for the facility: HK$100bn.
uint256 constant FACILITY_FUNDING = 100_000_000_000_00;

/// @title Invariants of the intraday liquidity facility and the payment queue under random use
/// @notice Wired as `src/chain/deploy-liquidity.ts` wires them: both registered as infrastructure; the
/// bond listed at its face with a 2% haircut; Base Rate 4.00% + 1.00%; the HKMA funds the facility from
/// its own account (approving only the facility). The fuzzer drives only `LiquidityHandler`. After every
/// call: custody holds exactly the paper of the open repos; the cash owed on them is exactly their
/// principal plus, for those in the Discount Window, the interest recomputed independently; every move
/// the handler checked was exact; no refusal that should happen was missed.
/// Running this file alone, name the handler's file too
/// (`npx hardhat test solidity test/solidity/liquidity/LiquidityInvariants.t.sol test/solidity/liquidity/LiquidityHandler.sol`).
contract LiquidityInvariantsTest is SettlementFixture {
    IntradayLiquidityFacility private facility;
    PaymentQueue private queue;
    LiquidityHandler private handler;

    function setUp() public override {
        super.setUp();
        facility = new IntradayLiquidityFacility(wcbdc, registry, hkma, 400, 100);
        queue = new PaymentQueue(wcbdc, registry);
        vm.startPrank(hkma);
        registry.registerParticipant(address(facility), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        registry.registerParticipant(address(queue), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        facility.listCollateral(address(bond), bond.denomination(), 200);
        wcbdc.mint(hkma, FACILITY_FUNDING);
        wcbdc.approve(address(facility), FACILITY_FUNDING);
        vm.stopPrank();

        address[] memory banks = new address[](3);
        (banks[0], banks[1], banks[2]) = (bankA, bankB, bankC);
        handler = new LiquidityHandler(
            LiquiditySetup({
                facility: facility,
                queue: queue,
                bond: IERC20(address(bond)),
                cash: IERC20(address(wcbdc)),
                centralBank: hkma,
                banks: banks
            })
        );
        targetContract(address(handler));
    }

    /// @dev Custody holds exactly the paper of the open (intraday or overnight) repos, as the facility
    /// counts it, as the handler counts it, and as the repos' own records add up.
    function invariant_custodyIsTheOpenReposPaper() public view {
        (uint256 units, uint256 principal) = _openRepos();
        assertEq(bond.balanceOf(address(facility)), units, "custody != paper of open repos");
        assertEq(facility.custodyOf(address(bond)), units, "custodyOf != paper of open repos");
        assertEq(handler.ghostOpenUnits(), units, "handler's open units != open repos");
        assertEq(handler.ghostOpenPrincipal(), principal, "handler's open principal != open repos");
        assertEq(wcbdc.balanceOf(address(facility)), 0, "the facility holds cash");
    }

    /// @dev The cash owed on each open repo is its principal intraday, and principal + the interest
    /// recomputed here (ACT/365, HKT days, at least one, rounded up) overnight; zero once reversed or closed out.
    /// What the HKMA's account lacks is the principal still out less the interest already received.
    function invariant_cashOwedIsPrincipalPlusInterest() public view {
        uint256 n = facility.repoCount();
        for (uint256 id = 1; id <= n; ++id) {
            Repo memory r = facility.repoOf(id);
            bool open = r.status == RepoStatus.Intraday || r.status == RepoStatus.Overnight;
            uint256 expected = open ? r.principal + handler.expectedInterest(id) : 0;
            assertEq(facility.amountOwed(id), expected, "amount owed != principal (+ interest overnight)");
        }
        assertEq(handler.ghostBadMoves(), 0, "a repo, reversal or roll moved other than it should");
        assertEq(handler.ghostMissedRefusals(), 0, "a reversal by another bank, an early roll, a short reversal or an over-value repo went through");
        assertEq(handler.ghostBadPayments(), 0, "a queued payment settled out of order, twice, or not in full");
    }

    /// @dev After every run: some call succeeded.
    function afterInvariant() public view {
        assertTrue(handler.successfulCalls() >= 1, "a run in which no call succeeded");
    }

    /// @dev 400 pseudo-random handler calls from one seed reach every entry point successfully and have
    /// every rule refuse at least once; every invariant then holds.
    function test_handler_pseudoRandomUse_reachesEveryEntryPoint() public {
        for (uint256 i = 0; i < 400; ++i) _randomCall(uint256(keccak256(abi.encode("liquidity", i))));
        assertTrue(handler.repos() > 0, "no repo");
        assertTrue(handler.reversalsIntraday() > 0, "no same-day reversal");
        assertTrue(handler.rolls() > 0 && handler.reversalsOvernight() > 0, "no Discount Window round trip");
        
        assertTrue(handler.closeOuts() > 0, "no close-out");
        assertTrue(handler.refusedEarlyCloseOut() > 0, "no close-out refused before due");
        assertTrue(handler.refusedOtherBank() > 0 && handler.refusedShortCash() > 0, "no reversal refused");
        assertTrue(handler.refusedEarlyRoll() > 0 && handler.refusedOverValue() > 0, "no early roll or over-value repo refused");
        assertTrue(handler.paymentsSettledAtOnce() > 0 && handler.paymentsQueued() > 0, "no payment settled or queued");
        assertTrue(handler.paymentsReleased() > 0 && handler.paymentsCancelled() > 0, "no queued payment released or cancelled");
        invariant_custodyIsTheOpenReposPaper();
        invariant_cashOwedIsPrincipalPlusInterest();
        afterInvariant();
    }

    /// @dev Fuzzed repo terms: the lending value is never exceeded and is exact to the minor unit.
    function testFuzz_lendingValue(uint256 units, uint256 price, uint16 haircut) public {
        units = bound(units, 1, 1_000_000);
        price = bound(price, 1, 1_000_000_000);
        haircut = uint16(bound(haircut, 0, 9_999));
        vm.prank(hkma);
        facility.listCollateral(address(bond), price, haircut);
        uint256 value = facility.lendingValue(address(bond), units);
        assertEq(value, (units * price * (10_000 - haircut)) / 10_000, "lending value");
        assertLe(value, units * price, "lending value above the paper's value");
    }

    /// @dev Fuzzed Discount Window interest: never below the exact amount, less than a cent above it.
    function testFuzz_discountWindowInterest(uint256 principal, uint256 rate, uint256 openedAt, uint256 nights) public view {
        principal = bound(principal, 1, 1e18);
        rate = bound(rate, 0, 10_000);
        openedAt = bound(openedAt, START, START + 365 days);
        nights = bound(nights, 0, 30);
        uint256 repaidAt = openedAt + nights * 1 days;
        uint256 interest = facility.discountWindowInterest(principal, rate, openedAt, repaidAt);
        uint256 days_ = nights == 0 ? 1 : nights;
        uint256 exactTimes365e4 = principal * rate * days_;
        assertTrue(interest * 3_650_000 >= exactTimes365e4, "interest rounded down");
        assertTrue(interest * 3_650_000 < exactTimes365e4 + 3_650_000, "interest rounded up by a cent or more");
    }

    function _openRepos() private view returns (uint256 units, uint256 principal) {
        uint256 n = facility.repoCount();
        for (uint256 id = 1; id <= n; ++id) {
            Repo memory r = facility.repoOf(id);
            if (r.status == RepoStatus.Intraday || r.status == RepoStatus.Overnight) {
                units += r.units;
                principal += r.principal;
            }
        }
    }

    function _randomCall(uint256 r) private {
        uint256 a = uint256(keccak256(abi.encode(r, 1)));
        uint256 b = uint256(keccak256(abi.encode(r, 2)));
        uint256 c = uint256(keccak256(abi.encode(r, 3)));
        uint256 pick = r % 13;
        if (pick < 2) handler.repo(a, b, c);
        else if (pick < 4) handler.reverse(a, b);
        else if (pick == 4) handler.reverseByOtherBank(a, b);
        else if (pick == 5) handler.roll(a);
        else if (pick == 6) handler.setTerms(a);
        else if (pick == 7) handler.warp(a);
        else if (pick == 8) handler.submit(a, b, c);
        else if (pick == 9) handler.release(a);
        else if (pick == 10) handler.cancel(a, b);
        else if (pick == 11) handler.submit(a, b, c % 1_000_000_00);
        else handler.closeOut(a);
    }
}
