// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {FailureReason, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
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
    SettlementFixture
} from "./SettlementFixture.sol";
import {HandlerSetup, SettlementHandler} from "./SettlementHandler.sol";
import {vm} from "../utils/Vm.sol";

/// @title Invariants of the settlement engine under random use
/// @notice The fuzzer drives only `SettlementHandler` (instruct, settle, cancel, expire by warping, signed
/// orders, payments across banks, netted batches, and disturbances: approvals, freezes, issuer mints and
/// burns). After every call the ledger must match the handler's ghost ledger, which moves only by the
/// terms of what the engine reported settled.
/// @dev Bank A and bank B onboard the engine as a deposit customer so that netted batches of deposit
/// trades can settle too (under the plain Ignition wiring they cannot; see SettlementAtomicity.t.sol).
contract SettlementInvariantsTest is SettlementFixture {
    SettlementHandler private handler;

    function setUp() public override {
        super.setUp();
        vm.prank(bankA);
        depA.setCustomer(address(engine), true);
        vm.prank(bankB);
        depB.setCustomer(address(engine), true);

        uint256[10] memory keyList = [
            HKMA_KEY,
            GOVERNMENT_KEY,
            BANK_A_KEY,
            BANK_B_KEY,
            BANK_C_KEY,
            ALICE_KEY,
            BOB_KEY,
            CAROL_KEY,
            DAVE_KEY,
            ERIN_KEY
        ];
        uint256[] memory keys = new uint256[](keyList.length);
        for (uint256 i = 0; i < keyList.length; ++i) keys[i] = keyList[i];
        handler = new SettlementHandler(
            HandlerSetup({
                registry: registry,
                wcbdc: wcbdc,
                depA: depA,
                depB: depB,
                bond: bond,
                engine: engine,
                hkma: hkma,
                government: government,
                banks: [bankA, bankB, bankC],
                customersA: [alice, bob, erin],
                customersB: [carol, dave, erin],
                holders: holders,
                keys: keys
            })
        );
        targetContract(address(handler));
    }

    /// @dev Supply changes only by what issuers did explicitly: wCBDC is constant; bonds grow only by
    /// issuance; in settlement, deposit money moves between banks (burned at one = minted at the other)
    /// and is created or destroyed only against wCBDC paid into or out of a bank for a customer. Every
    /// token's supply equals the ghost supply and the sum of the balances of the participants and the
    /// engine (nothing leaks).
    function invariant_supplyConserved() public view {
        assertEq(wcbdc.totalSupply(), handler.initialSupply(address(wcbdc)), "wCBDC supply changed");
        assertEq(
            bond.totalSupply(),
            uint256(int256(handler.initialSupply(address(bond))) + handler.ghostBondsIssued()),
            "bonds created or destroyed outside issuance"
        );
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
        address[] memory accounts = handler.holders();
        address[] memory tracked = handler.trackedTokens();
        for (uint256 t = 0; t < tracked.length; ++t) {
            IERC20 token = IERC20(tracked[t]);
            assertEq(token.totalSupply(), uint256(handler.ghostSupply(address(token))), "supply != ghost supply");
            uint256 sum = token.balanceOf(address(engine));
            for (uint256 h = 0; h < accounts.length; ++h) sum += token.balanceOf(accounts[h]);
            assertEq(sum, token.totalSupply(), "tokens held outside the ledger's participants");
        }
    }

    /// @dev For every trade the handler created: settled, with both legs on the ghost ledger, or not settled,
    /// with neither; and the ghost ledger equals every balance of every token. A settled pair of signed
    /// orders never settles again when replayed.
    function invariant_noHalfSettledTrade() public view {
        uint256 n = handler.tradeCount();
        for (uint256 i = 0; i < n; ++i) {
            Trade memory t = handler.tradeAt(i);
            bytes32 id = engine.tradeId(t);
            InstructionMatching.TradeRecord memory r = engine.tradeRecord(id);
            bool settled = r.status == TradeStatus.Settled;
            assertTrue(settled == handler.ghostApplied(id), "settled status and ghost legs disagree");
            if (settled) assertEq(uint256(r.reason), uint256(FailureReason.None), "settled trade with a reason");
            if (r.status == TradeStatus.Failed) assertTrue(r.reason != FailureReason.None, "failed without a reason");
            if (r.status == TradeStatus.Expired) assertEq(uint256(r.reason), uint256(FailureReason.Expired), "expiry reason");
        }
        address[] memory accounts = handler.holders();
        address[] memory tracked = handler.trackedTokens();
        for (uint256 t = 0; t < tracked.length; ++t) {
            for (uint256 h = 0; h < accounts.length; ++h) {
                int256 ghost = handler.ghostBalance(tracked[t], accounts[h]);
                assertTrue(ghost >= 0, "ghost ledger negative: engine settled what could not settle");
                assertEq(IERC20(tracked[t]).balanceOf(accounts[h]), uint256(ghost), "balance != ghost ledger");
            }
        }
        assertEq(handler.ghostReplaysSettled(), 0, "signed orders settled twice");
    }

    /// @dev Between transactions the engine holds nothing: netted batches park debits only for their duration.
    function invariant_engineHoldsNothing() public view {
        address[] memory tracked = handler.trackedTokens();
        for (uint256 t = 0; t < tracked.length; ++t) {
            assertEq(IERC20(tracked[t]).balanceOf(address(engine)), 0, "engine holds a token");
        }
    }
}
