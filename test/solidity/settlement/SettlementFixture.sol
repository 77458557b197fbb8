// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BondTerms} from "../../../contracts/interfaces/IGovernmentBond.sol";
import {ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {DayCountConvention} from "../../../contracts/libraries/DayCount.sol";
import {ParticipantRegistry} from "../../../contracts/registry/ParticipantRegistry.sol";
import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {PrimaryIssuance} from "../../../contracts/settlement/PrimaryIssuance.sol";
import {SettlementEngine} from "../../../contracts/settlement/SettlementEngine.sol";
import {FailureReason, Leg, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {GovernmentBond} from "../../../contracts/tokens/GovernmentBond.sol";
import {TokenizedDeposit} from "../../../contracts/tokens/TokenizedDeposit.sol";
import {WholesaleCBDC} from "../../../contracts/tokens/WholesaleCBDC.sol";
import {SandboxTest} from "../utils/SandboxTest.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Private keys of the ledger's participants, so that each can sign settlement orders (`vm.sign`).
uint256 constant HKMA_KEY = 0xC0FFEE01;
uint256 constant GOVERNMENT_KEY = 0xC0FFEE02;
uint256 constant BANK_A_KEY = 0xBA4C0A; // Harbour Bank: issues deposit token A
uint256 constant BANK_B_KEY = 0xBA4C0B; // Victoria Bank: issues deposit token B
uint256 constant BANK_C_KEY = 0xBA4C0C; // Lion Rock Bank: wCBDC only, no deposit token here
uint256 constant ALICE_KEY = 0xA11CE; // customer of bank A
uint256 constant BOB_KEY = 0xB0B; // customer of bank A
uint256 constant CAROL_KEY = 0xCA401; // customer of bank B
uint256 constant DAVE_KEY = 0xDA7E; // customer of bank B
uint256 constant ERIN_KEY = 0xE41A; // customer of both banks

/// @dev 2026-01-01T00:00:00Z: every test starts here.
uint64 constant START = 1_767_225_600;

/// @title The ledger and settlement engine every settlement test starts from
/// @notice Deploys the registry, wHKD (2 decimals), two banks' tokenized deposits and a 3-year bond, and
/// wires the settlement engine exactly as `ignition/modules/Settlement.ts` does: registered as
/// `Infrastructure`, approved to hold wCBDC, the bond registered (issuer: the government, cash: wHKD),
/// both deposit lines consented by their banks and registered by the HKMA, each bank granting it
/// `SETTLEMENT_ROLE` and a standing wCBDC allowance. The tender contract (`PrimaryIssuance`) is wired as
/// `ignition/modules/GreenBondLifecycle.ts` wires it: registered as `Infrastructure`, approved to hold
/// wCBDC (bids' custody), appointed by the government to the bond's `ISSUER_ROLE`. Participants are funded and have approved the engine.
abstract contract SettlementFixture is SandboxTest {
    uint256 internal constant MAX = type(uint256).max;

    /// @dev Opening balances. Bond units are HK$50,000 each; cash is in cents.
    uint256 internal constant BANK_WCBDC = 1_000_000_000_00; // HK$1bn
    uint256 internal constant BANK_BONDS = 2_000;
    uint256 internal constant CUSTOMER_DEPOSIT = 50_000_000_00; // HK$50m
    uint256 internal constant CUSTOMER_BONDS = 500;

    ParticipantRegistry internal registry;
    WholesaleCBDC internal wcbdc;
    TokenizedDeposit internal depA;
    TokenizedDeposit internal depB;
    GovernmentBond internal bond;
    SettlementEngine internal engine;
    PrimaryIssuance internal issuance;

    address internal hkma;
    address internal government;
    address internal bankA;
    address internal bankB;
    address internal bankC;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;
    address internal erin;

    mapping(address account => uint256 key) internal keyOf;

    /// @dev Every address that may hold a token in these tests, and every token.
    address[] internal holders;
    address[] internal tokens;

    uint256 private _tradeRefs;

    function setUp() public virtual {
        vm.warp(START);
        hkma = _actor(HKMA_KEY, "HKMA");
        government = _actor(GOVERNMENT_KEY, "HKSAR Government");
        bankA = _actor(BANK_A_KEY, "Harbour Bank");
        bankB = _actor(BANK_B_KEY, "Victoria Bank");
        bankC = _actor(BANK_C_KEY, "Lion Rock Bank");
        alice = _actor(ALICE_KEY, "alice");
        bob = _actor(BOB_KEY, "bob");
        carol = _actor(CAROL_KEY, "carol");
        dave = _actor(DAVE_KEY, "dave");
        erin = _actor(ERIN_KEY, "erin");

        registry = new ParticipantRegistry(hkma);
        wcbdc = new WholesaleCBDC("HKMA Wholesale CBDC (HKD)", "wHKD", "HKD", 2, registry, hkma);
        depA = new TokenizedDeposit("Harbour Bank HKD Deposit", "hbHKD", "HKD", 2, registry, bankA);
        depB = new TokenizedDeposit("Victoria Bank HKD Deposit", "vbHKD", "HKD", 2, registry, bankB);
        bond = new GovernmentBond(_bondTerms(), "HKSAR Government Bond 4.25% 2029", "03GB2901", registry, government, hkma);
        engine = new SettlementEngine(address(wcbdc), registry, hkma);
        vm.label(address(engine), "SettlementEngine");
        issuance = new PrimaryIssuance(engine);
        vm.label(address(issuance), "PrimaryIssuance");

        uint64 kycExpiry = START + 10 * 365 days;
        vm.startPrank(hkma);
        registry.registerParticipant(hkma, ParticipantKind.CentralBank, "HK", kycExpiry);
        registry.registerParticipant(government, ParticipantKind.Issuer, "HK", kycExpiry);
        registry.registerParticipant(bankA, ParticipantKind.CommercialBank, "HK", kycExpiry);
        registry.registerParticipant(bankB, ParticipantKind.CommercialBank, "HK", kycExpiry);
        registry.registerParticipant(bankC, ParticipantKind.CommercialBank, "HK", kycExpiry);
        registry.registerParticipant(alice, ParticipantKind.Investor, "HK", kycExpiry);
        registry.registerParticipant(bob, ParticipantKind.Dealer, "HK", kycExpiry);
        registry.registerParticipant(carol, ParticipantKind.Investor, "HK", kycExpiry);
        registry.registerParticipant(dave, ParticipantKind.Investor, "SG", kycExpiry);
        registry.registerParticipant(erin, ParticipantKind.Investor, "HK", kycExpiry);
        vm.stopPrank();

        _wireEngineLikeIgnition(kycExpiry);

        vm.startPrank(bankA);
        depA.setCustomer(alice, true);
        depA.setCustomer(bob, true);
        depA.setCustomer(erin, true);
        vm.stopPrank();
        vm.startPrank(bankB);
        depB.setCustomer(carol, true);
        depB.setCustomer(dave, true);
        depB.setCustomer(erin, true);
        vm.stopPrank();

        address[10] memory everyone = [hkma, government, bankA, bankB, bankC, alice, bob, carol, dave, erin];
        for (uint256 i = 0; i < everyone.length; ++i) holders.push(everyone[i]);
        tokens.push(address(wcbdc));
        tokens.push(address(depA));
        tokens.push(address(depB));
        tokens.push(address(bond));

        address[3] memory banks = [bankA, bankB, bankC];
        for (uint256 i = 0; i < banks.length; ++i) {
            _setBalance(address(wcbdc), banks[i], BANK_WCBDC);
            _setBalance(address(bond), banks[i], BANK_BONDS);
            _approveEngine(banks[i], address(bond));
        }
        vm.prank(bankC);
        wcbdc.approve(address(engine), MAX); // bankC has no deposit token, but trades bonds in wCBDC
        address[5] memory customers = [alice, bob, carol, dave, erin];
        for (uint256 i = 0; i < customers.length; ++i) {
            address c = customers[i];
            _setBalance(address(bond), c, CUSTOMER_BONDS);
            _approveEngine(c, address(bond));
            if (depA.isCustomer(c)) {
                _setBalance(address(depA), c, CUSTOMER_DEPOSIT);
                _approveEngine(c, address(depA));
            }
            if (depB.isCustomer(c)) {
                _setBalance(address(depB), c, CUSTOMER_DEPOSIT);
                _approveEngine(c, address(depB));
            }
        }
    }

    /// @dev The steps of `ignition/modules/Settlement.ts`, in its order.
    function _wireEngineLikeIgnition(uint64 kycExpiry) private {
        vm.startPrank(hkma);
        registry.registerParticipant(address(engine), ParticipantKind.Infrastructure, "HK", kycExpiry);
        wcbdc.setSettlementContract(address(engine), true);
        engine.registerAsset(address(bond), government, address(wcbdc));
        vm.stopPrank();
        TokenizedDeposit[2] memory deposits = [depA, depB];
        for (uint256 i = 0; i < deposits.length; ++i) {
            TokenizedDeposit deposit = deposits[i];
            address bank = deposit.bank();
            bytes32 role = deposit.SETTLEMENT_ROLE();
            vm.startPrank(bank);
            deposit.grantRole(role, address(engine));
            engine.consentToDepositLine(address(deposit), true);
            vm.stopPrank();
            vm.prank(hkma);
            engine.registerDepositToken(address(deposit), address(wcbdc));
            vm.prank(bank);
            wcbdc.approve(address(engine), MAX);
        }
        // ignition/modules/GreenBondLifecycle.ts: the tender contract.
        vm.prank(hkma);
        registry.registerParticipant(address(issuance), ParticipantKind.Infrastructure, "HK", kycExpiry);
        vm.prank(hkma);
        wcbdc.setSettlementContract(address(issuance), true); // it holds each bid's cost in custody
        bytes32 issuerRole = bond.ISSUER_ROLE();
        vm.prank(government);
        bond.grantRole(issuerRole, address(issuance));
    }

    function _bondTerms() internal view returns (BondTerms memory terms) {
        uint64[] memory couponDates = new uint64[](6);
        couponDates[0] = 1_782_864_000; // 2026-07-01
        couponDates[1] = 1_798_761_600; // 2027-01-01
        couponDates[2] = 1_814_400_000; // 2027-07-01
        couponDates[3] = 1_830_297_600; // 2028-01-01
        couponDates[4] = 1_846_022_400; // 2028-07-01
        couponDates[5] = 1_861_920_000; // 2029-01-01
        terms = BondTerms({
            isin: "US0378331005",
            issueNumber: "03GB2901",
            currency: "HKD",
            cashToken: address(wcbdc),
            denomination: 5_000_000,
            couponRateBps: 425,
            couponFrequency: 2,
            dayCount: DayCountConvention.Actual365Fixed,
            issueDate: START,
            couponDates: couponDates
        });
    }

    // ------------------------------------------------------------------ actors and balances

    function _actor(uint256 key, string memory name) private returns (address account) {
        account = vm.addr(key);
        keyOf[account] = key;
        vm.label(account, name);
    }

    function _approveEngine(address owner, address token) internal {
        vm.prank(owner);
        IERC20(token).approve(address(engine), MAX);
    }

    function _setAllowance(address owner, address token, uint256 amount) internal {
        vm.prank(owner);
        IERC20(token).approve(address(engine), amount);
    }

    /// @dev Sets `account`'s balance of `token` to `target` the way its issuer would: the central bank
    /// mints or burns wCBDC, a bank mints or burns its deposits, the government issues bonds (excess bonds
    /// go back to the government, which keeps a float).
    function _setBalance(address token, address account, uint256 target) internal {
        uint256 balance = IERC20(token).balanceOf(account);
        if (balance == target) return;
        if (token == address(wcbdc)) {
            vm.prank(hkma);
            if (target > balance) wcbdc.mint(account, target - balance);
            else wcbdc.burn(account, balance - target);
        } else if (token == address(bond)) {
            if (target > balance) {
                vm.prank(government);
                bond.mint(account, target - balance);
            } else {
                vm.prank(account);
                bond.transfer(government, balance - target);
            }
        } else {
            TokenizedDeposit deposit = TokenizedDeposit(token);
            vm.prank(deposit.bank());
            if (target > balance) deposit.mint(account, target - balance);
            else deposit.burn(account, balance - target);
        }
    }

    /// @dev Every holder's balance of every token, flattened: index `t * holders.length + h`.
    function _balances() internal view returns (uint256[] memory b) {
        b = new uint256[](tokens.length * holders.length);
        for (uint256 t = 0; t < tokens.length; ++t) {
            for (uint256 h = 0; h < holders.length; ++h) {
                b[t * holders.length + h] = IERC20(tokens[t]).balanceOf(holders[h]);
            }
        }
    }

    function _supplies() internal view returns (uint256[] memory s) {
        s = new uint256[](tokens.length);
        for (uint256 t = 0; t < tokens.length; ++t) s[t] = IERC20(tokens[t]).totalSupply();
    }

    function _assertSameBalances(uint256[] memory actual, uint256[] memory expected, string memory what) internal pure {
        assertEq(actual.length, expected.length, what);
        for (uint256 i = 0; i < actual.length; ++i) assertEq(actual[i], expected[i], what);
    }

    function _assertEngineHoldsNothing() internal view {
        for (uint256 t = 0; t < tokens.length; ++t) {
            assertEq(IERC20(tokens[t]).balanceOf(address(engine)), 0, "engine holds a token");
        }
    }

    function _holderIndex(address account) internal view returns (uint256) {
        for (uint256 h = 0; h < holders.length; ++h) if (holders[h] == account) return h;
        revert AssertionFailedAddress("not a holder", account, address(0));
    }

    function _tokenIndex(address token) internal view returns (uint256) {
        for (uint256 t = 0; t < tokens.length; ++t) if (tokens[t] == token) return t;
        revert AssertionFailedAddress("not a token", token, address(0));
    }

    /// @dev Position of (`token`, `account`) in `_balances()`.
    function _slot(address token, address account) internal view returns (uint256) {
        return _tokenIndex(token) * holders.length + _holderIndex(account);
    }

    // ------------------------------------------------------------------ trades

    /// @dev A trade with a fresh reference, settling now and expiring in a week.
    function _trade(
        address seller,
        address buyer,
        uint256 quantity,
        address buyerCash,
        address sellerCash,
        uint256 amount
    ) internal returns (Trade memory) {
        return _tradeDue(seller, buyer, quantity, buyerCash, sellerCash, amount, uint64(block.timestamp));
    }

    function _tradeDue(
        address seller,
        address buyer,
        uint256 quantity,
        address buyerCash,
        address sellerCash,
        uint256 amount,
        uint64 settlementDate
    ) internal returns (Trade memory) {
        return
            Trade({
                tradeRef: bytes32(++_tradeRefs),
                seller: seller,
                buyer: buyer,
                asset: address(bond),
                quantity: quantity,
                buyerCash: buyerCash,
                sellerCash: sellerCash,
                amount: amount,
                settlementDate: settlementDate,
                expiry: settlementDate + 7 days
            });
    }

    function _instructBoth(Trade memory trade) internal returns (TradeStatus) {
        vm.prank(trade.seller);
        engine.instruct(trade);
        vm.prank(trade.buyer);
        return engine.instruct(trade);
    }

    function _record(Trade memory trade) internal view returns (InstructionMatching.TradeRecord memory) {
        return engine.tradeRecord(engine.tradeId(trade));
    }

    /// @dev `signer`'s 65-byte signature over its settlement order for `trade` with `nonce`.
    function _sign(address signer, Trade memory trade, uint256 nonce) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], engine.settlementOrderDigest(trade, nonce));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Submits `trade` signed by both parties as `submitter`; returns the call's success and revert data.
    function _submitSigned(
        address submitter,
        Trade memory trade,
        uint256 sellerNonce,
        bytes memory sellerSignature,
        uint256 buyerNonce,
        bytes memory buyerSignature
    ) internal returns (bool success, bytes memory result) {
        vm.prank(submitter);
        // solhint-disable-next-line avoid-low-level-calls
        (success, result) = address(engine).call(
            abi.encodeCall(engine.settleSigned, (trade, sellerNonce, sellerSignature, buyerNonce, buyerSignature))
        );
    }

    /// @dev Decodes `SettlementLegFailed(reason, leg, token, tokenError)` from revert data, failing on anything else.
    function _decodeLegFailed(
        bytes memory err
    ) internal pure returns (FailureReason reason, Leg leg, address token, bytes memory tokenError) {
        assertTrue(err.length >= 4 && bytes4(err) == ISettlementErrors.SettlementLegFailed.selector, "not SettlementLegFailed");
        bytes memory args = new bytes(err.length - 4);
        for (uint256 i = 0; i < args.length; ++i) args[i] = err[i + 4];
        (reason, leg, token, tokenError) = abi.decode(args, (FailureReason, Leg, address, bytes));
    }
}
