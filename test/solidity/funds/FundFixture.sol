// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FundDealing, FundSetup, InterbankMode} from "../../../contracts/funds/FundDealing.sol";
import {NavStrike} from "../../../contracts/funds/FundNav.sol";
import {MoneyMarketFundUnits} from "../../../contracts/funds/MoneyMarketFundUnits.sol";
import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {SettlementFixture, START} from "../settlement/SettlementFixture.sol";
import {vm} from "../utils/Vm.sol";

uint256 constant ADMINISTRATOR_KEY = 0xAD417;
uint256 constant IMPOSTOR_KEY = 0xBAD;

/// @title The settlement fixture with one share class of the money-market fund, dealt in wCBDC
/// @notice Wired as `src/chain/deploy-funds.ts` wires it: the trustee and the manager are customers of
/// bank B (the fund's bank, depB); the dealing contract is registered infrastructure, holds the units'
/// `DEALING_ROLE` (granted by the transfer agent) and each bank's deposit `SETTLEMENT_ROLE` and wCBDC
/// allowance; banks A and B are distributors. The trustee starts with HK$50m of fund cash and no units.
abstract contract FundFixture is SettlementFixture {
    uint16 internal constant FEE_BPS = 10;

    MoneyMarketFundUnits internal units;
    FundDealing internal dealing;
    address internal trustee;
    address internal manager;
    address internal transferAgent;
    address internal administrator;

    function setUp() public virtual override {
        super.setUp();
        trustee = vm.addr(0x7457EE);
        manager = vm.addr(0x3A4A6E);
        transferAgent = vm.addr(0x7A);
        administrator = vm.addr(ADMINISTRATOR_KEY);
        vm.startPrank(hkma);
        registry.registerParticipant(trustee, ParticipantKind.Investor, "HK", START + 10 * 365 days);
        registry.registerParticipant(manager, ParticipantKind.Investor, "HK", START + 10 * 365 days);
        vm.stopPrank();
        vm.startPrank(bankB);
        depB.setCustomer(trustee, true);
        depB.setCustomer(manager, true);
        depB.mint(trustee, 50_000_000_00);
        vm.stopPrank();

        units = new MoneyMarketFundUnits("Harbour Star HKD MMF A", "HSMMF-A", "A", "HKD", registry, manager, transferAgent);
        dealing = new FundDealing(
            FundSetup({
                units: units,
                engine: engine,
                fundCash: address(depB),
                trustee: trustee,
                fundManager: manager,
                transferAgent: transferAgent,
                administrator: administrator,
                rtgsOperator: address(0),
                mode: InterbankMode.CentralBankMoney,
                subscriptionFeeBps: FEE_BPS
            })
        );
        vm.prank(hkma);
        registry.registerParticipant(address(dealing), ParticipantKind.Infrastructure, "HK", START + 10 * 365 days);
        bytes32 dealingRole = units.DEALING_ROLE();
        vm.prank(transferAgent);
        units.grantRole(dealingRole, address(dealing));
        bytes32 distributor = dealing.DISTRIBUTOR_ROLE();
        vm.startPrank(manager);
        dealing.grantRole(distributor, bankA);
        dealing.grantRole(distributor, bankB);
        vm.stopPrank();
        bytes32 settlementRole = depA.SETTLEMENT_ROLE();
        // Each bank onboards the dealing contract: it holds subscriptions' cash from the order on.
        vm.startPrank(bankA);
        depA.setCustomer(address(dealing), true);
        depA.grantRole(settlementRole, address(dealing));
        wcbdc.approve(address(dealing), MAX);
        vm.stopPrank();
        vm.startPrank(bankB);
        depB.setCustomer(address(dealing), true);
        depB.grantRole(settlementRole, address(dealing));
        wcbdc.approve(address(dealing), MAX);
        vm.stopPrank();
    }

    /// @dev A NAV for `day` struck at its cut-off, valid six hours, signed with `key`.
    function _signedNav(uint256 day, uint256 nav, uint256 key) internal view returns (NavStrike memory strike, bytes memory sig) {
        uint64 struckAt = uint64(day * 1 days + 12 hours - 8 hours);
        strike = NavStrike(address(units), uint32(day), nav, struckAt, struckAt + 6 hours);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, dealing.navDigest(strike));
        sig = abi.encodePacked(r, s, v);
    }
}
