// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {ParticipantRegistry} from "../../../contracts/registry/ParticipantRegistry.sol";
import {FxQuote, FxSettlement} from "../../../contracts/settlement/FxSettlement.sol";
import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {ISettlementEngine, ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {PrimaryIssuance} from "../../../contracts/settlement/PrimaryIssuance.sol";
import {SettlementEngine} from "../../../contracts/settlement/SettlementEngine.sol";
import {Trade, TradeHash, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {GovernmentBond} from "../../../contracts/tokens/GovernmentBond.sol";
import {TokenizedDeposit} from "../../../contracts/tokens/TokenizedDeposit.sol";
import {WholesaleCBDC} from "../../../contracts/tokens/WholesaleCBDC.sol";
import {ERC20Compliance} from "../../../contracts/tokens/extensions/ERC20Compliance.sol";
import {HostileBond} from "./HostileContracts.sol";
import {Vm, vm} from "../utils/Vm.sol";

/// @notice What the handler drives: the ledger, its operators and the participants (with their keys).
struct HandlerSetup {
    ParticipantRegistry registry;
    WholesaleCBDC wcbdc;
    WholesaleCBDC wthb; // a second central-bank currency, for FX payment-versus-payment
    TokenizedDeposit depA;
    TokenizedDeposit depB;
    GovernmentBond bond;
    SettlementEngine engine;
    PrimaryIssuance issuance;
    address hkma; // central bank, engine admin and settlement agent, bond registrar, tender proceeds account
    address government; // the bond's registered issuer
    address mallory; // a registered participant of kind Issuer that issues nothing registered: the attacker
    address stranger; // not registered anywhere
    address[3] banks; // bank A, bank B, bank C (wCBDC only; the FX dealer)
    address[3] customersA; // customers of bank A
    address[3] customersB; // customers of bank B (one is also a customer of A)
    address[] holders; // every address that may hold any token
    uint256[] keys; // private keys of `holders` (zero where none), for settlement orders and quotes
}

/// @title Random but bounded use of every entry point of the settlement engine and the tender contract
/// @notice The invariant fuzzer calls only this contract. Each function makes one bounded, plausible move:
/// instruct, settle (by anyone), cancel (one side, or both once matched), let time pass and expire,
/// settle signed orders (fresh, or of a trade already on another path) and replay them, settle a netted
/// batch of any members (open, settled elsewhere, cancelled, pending, expired, frozen, of a paused bond,
/// duplicated), pay across banks, pay a customer, settle FX at a dealer's quote, pause the engine and
/// probe every entry point, open a tender, bid, withdraw, reject or (after the close, unallotted in time)
/// reclaim a bid, allot, cancel it; attack (an
/// impostor bond claiming the attacker as issuer, forged orders, strangers settling, cancelling,
/// submitting and taking others' orders and quotes); and disturb the ledger (approvals, freezes, bank
/// mints and burns).
///
/// Every engine and tender call goes through one wrapper that records, before the call, which debits the
/// call may cause — per (token, holder), only what that holder itself instructed, signed, bid, quoted or
/// called for, plus a bank's wCBDC for a payment by one of its own customers on the deposit line the bank
/// consented to — and after it compares every balance: a debit beyond that is counted as a debit without
/// consent. It also counts, from the engine's events, every settlement of every trade id
/// (`TradeSettled`, `TradeSettledInBatch`) and replays it on a ghost ledger from the terms alone.
/// @dev Nothing here reverts on a refused call: refusals are part of the game. Refusals that must
/// happen (attacks, pause) are checked for their reason; a success or another reason is counted.
/// Disturbances touch only the "frail" participants (bob, dave, bank B), so that the others keep
/// settling and every campaign does real work (checked in `afterInvariant`).
contract SettlementHandler {
    uint256 private constant RATE = 4.3e18; // THB per HKD, scaled by 1e18
    uint256 private constant TOKENS = 5;

    ParticipantRegistry private immutable registry;
    WholesaleCBDC private immutable wcbdc;
    WholesaleCBDC private immutable wthb;
    TokenizedDeposit private immutable depA;
    TokenizedDeposit private immutable depB;
    GovernmentBond private immutable bond;
    SettlementEngine private immutable engine;
    PrimaryIssuance private immutable issuance;
    address private immutable hkma;
    address private immutable government;
    address private immutable mallory;
    address private immutable stranger;
    HostileBond private immutable impostor;

    address[3] private _banks;
    address[3] private _customersA;
    address[3] private _customersB;
    address[3] private _frail;
    address[] private _holders;
    address[TOKENS] private _tokens;
    mapping(address account => uint256 key) private _keyOf;

    // ------------------------------------------------------------------ trades and tenders

    Trade[] private _trades;
    mapping(bytes32 tradeId => uint256 indexPlusOne) private _indexOf;
    /// @dev Which party gave its own instruction or signature for a trade (its consent to that trade's legs).
    mapping(bytes32 tradeId => mapping(address party => bool)) private _consented;

    bytes32[] private _tenders;
    uint256 private _refs;

    // ------------------------------------------------------------------ consent accounting

    uint256 private _callId;
    /// @dev The (token, holder) pairs that can hold a balance — held one at the start, or allowed to
    /// receive by the token's rules (`checkTransfer` of a mint) — the only ones that can be debited.
    address[] private _pairToken;
    address[] private _pairHolder;
    mapping(address token => mapping(address holder => uint256 indexPlusOne)) private _pairIndex;
    mapping(uint256 callId => mapping(bytes32 tradeId => bool)) private _tradeAllowed;

    /// @dev What engine and tender calls actually debited, and what those calls were allowed to debit.
    mapping(address token => mapping(address holder => uint256)) public ghostDebited;
    mapping(address token => mapping(address holder => uint256)) public ghostConsented;
    /// @dev Debits beyond consent (must stay zero), with the last one's evidence.
    uint256 public ghostUnconsentedDebits;
    address public lastUnconsentedToken;
    address public lastUnconsentedHolder;
    uint256 public lastUnconsentedAmount;

    // ------------------------------------------------------------------ settlement counting

    /// @dev Settlements the engine reported per trade id, over every path.
    mapping(bytes32 tradeId => uint256) public ghostSettleCount;
    /// @dev The closed status (Cancelled or Expired) the handler saw a trade in, if any.
    mapping(bytes32 tradeId => TradeStatus) public ghostClosed;
    uint256 public ghostSettledAfterClose;
    uint256 public ghostUnknownSettled;
    uint256 public ghostReplaysSettled;

    // ------------------------------------------------------------------ refusals that must happen

    uint256 public ghostForbiddenSuccesses;
    uint256 public ghostUnexpectedRefusals;
    bytes4 public lastUnexpectedRefusal;
    uint256 public ghostAllotmentViolations;
    /// @dev The tender contract's custody of bids' cost (firm bids): what live bids of open tenders
    /// cost, and the refunds parked for bidders the wCBDC refused; its wCBDC balance is their sum.
    uint256 public ghostCustodyLive;
    uint256 public ghostParkedRefunds;
    /// @dev Refunds beyond what a bid did not spend (its cost less its allotment), counted per bid.
    uint256 public ghostRefundViolations;
    mapping(bytes32 tenderRef => mapping(uint256 index => uint256)) private _returned;

    // ------------------------------------------------------------------ ghost ledger

    mapping(address token => mapping(address account => int256)) public ghostBalance;
    mapping(address token => int256) public ghostSupply;
    mapping(address token => uint256) public initialSupply;
    /// @dev Bonds minted by tender allotments.
    int256 public ghostBondsIssued;
    /// @dev Deposit money banks created (+) or destroyed (-) outside settlement.
    mapping(address depositToken => int256) public ghostIssuerNet;
    /// @dev Deposit money a bank created (+) or destroyed (-) in settlements, against wCBDC it received or paid.
    mapping(address depositToken => int256) public ghostSettlementNet;
    /// @dev Net wCBDC settlements paid into banks for their customers' deposits (+) or paid out of them (-).
    int256 public ghostDepositMoneyNet;

    // ------------------------------------------------------------------ successful calls per entry point

    uint256 public instructs;
    uint256 public tradesSettled; // any path
    uint256 public settledByMatching; // instruct completed the match and settled
    uint256 public settledBySettle;
    uint256 public signedSettled;
    uint256 public batchMembersSettled;
    uint256 public batchesSettled;
    uint256 public batchMembersSkipped;
    uint256 public tradesFailed;
    uint256 public cancels;
    uint256 public cancelRequests;
    uint256 public expires;
    uint256 public paymentsSettled;
    uint256 public customerPaymentsSettled;
    uint256 public fxSettled;
    uint256 public pauses;
    uint256 public bondPauseProbes;
    uint256 public tendersOpened;
    uint256 public bidsSubmitted;
    uint256 public bidsWithdrawn;
    uint256 public bidsRejected;
    uint256 public bidsReclaimed;
    uint256 public tendersAllotted;
    uint256 public tendersCancelled;
    uint256 public refundsClaimed;
    uint256 public expectedRefusals;
    uint256 public strangerRefusals;
    uint256 public cleanTradesSettled;

    constructor(HandlerSetup memory s) {
        registry = s.registry;
        wcbdc = s.wcbdc;
        wthb = s.wthb;
        depA = s.depA;
        depB = s.depB;
        bond = s.bond;
        engine = s.engine;
        issuance = s.issuance;
        hkma = s.hkma;
        government = s.government;
        mallory = s.mallory;
        stranger = s.stranger;
        impostor = new HostileBond(s.mallory, address(s.wcbdc), s.banks[0]);
        _banks = s.banks;
        _customersA = s.customersA;
        _customersB = s.customersB;
        _frail = [s.customersA[1], s.customersB[1], s.banks[1]];
        _holders = s.holders;
        _tokens = [address(wcbdc), address(depA), address(depB), address(bond), address(wthb)];
        for (uint256 h = 0; h < s.holders.length; ++h) {
            _keyOf[s.holders[h]] = s.keys[h];
        }
        for (uint256 t = 0; t < TOKENS; ++t) {
            address token = _tokens[t];
            initialSupply[token] = IERC20(token).totalSupply();
            ghostSupply[token] = int256(initialSupply[token]);
            for (uint256 h = 0; h < s.holders.length; ++h) {
                address holder = s.holders[h];
                uint256 balance = IERC20(token).balanceOf(holder);
                ghostBalance[token][holder] = int256(balance);
                if (balance != 0 || _mayReceive(token, holder)) {
                    _pairToken.push(token);
                    _pairHolder.push(holder);
                    _pairIndex[token][holder] = _pairToken.length;
                }
            }
        }
    }

    // ================================================================== instruction matching

    /// @notice A new trade in one of five markets; the seller instructs, and (three times in four) the buyer
    /// too. Due now or within 6 hours, expiring 1 hour to 3 days after its settlement date.
    function newTrade(uint256 seed, uint256 quantity, uint256 amount, uint256 delay, uint256 window, uint256 both) external {
        Trade memory t = _newTerms(seed, quantity, amount);
        t.settlementDate = uint64(block.timestamp + (delay % 2 == 0 ? 0 : _bound(delay, 0, 6 hours)));
        t.expiry = t.settlementDate + uint64(_bound(window, 1 hours, 3 days));
        uint256 index = _push(t);
        _instruct(index, t.seller);
        if (both % 4 != 0) _instruct(index, t.buyer);
    }

    /// @notice The side of a pending trade (the first from `index` on) that has not instructed yet does so.
    function instructMissing(uint256 index) external {
        (bool found, uint256 i) = _find(index, TradeStatus.Pending, TradeStatus.Pending);
        if (!found) return;
        InstructionMatching.TradeRecord memory r = engine.tradeRecord(_idAt(i));
        _instruct(i, r.sellerInstructed ? _trades[i].buyer : _trades[i].seller);
    }

    /// @notice Anyone — a party, another participant, a stranger — settles a trade (settle is open to all):
    /// the first matched or failed one from `index` on, or (one time in four) whichever trade `index` is.
    /// Half the time it waits for that trade's settlement date first.
    function settle(uint256 index, uint256 callerSeed) external {
        if (_trades.length == 0) return;
        (bool found, uint256 i) = _find(index, TradeStatus.Matched, TradeStatus.Failed);
        i = found && callerSeed % 4 != 0 ? i : index % _trades.length;
        if ((callerSeed >> 2) % 2 == 0) _waitFor(_trades[i].settlementDate);
        _settleBy(i, _anyone(callerSeed >> 3));
    }

    /// @notice A party cancels a trade (or, once matched, asks to).
    function cancel(uint256 index, bool bySeller) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        _cancel(index, bySeller);
    }

    /// @notice Both parties cancel: a matched trade is cancelled only then.
    function cancelBoth(uint256 index, bool sellerFirst) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        _cancel(index, sellerFirst);
        _cancel(index, !sellerFirst);
    }

    /// @notice Time passes: up to a day.
    function warp(uint256 secondsLater) external {
        vm.warp(block.timestamp + _bound(secondsLater, 1, 1 days));
    }

    /// @notice Anyone marks an unsettled trade past its expiry as expired: the first such from `index` on,
    /// or (one time in four) whichever trade `index` is.
    function expire(uint256 index, uint256 callerSeed) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        for (uint256 j = 0; j < _trades.length && callerSeed % 4 != 0; ++j) {
            uint256 i = (index + j) % _trades.length;
            TradeStatus status = engine.tradeRecord(_idAt(i)).status;
            bool open = status == TradeStatus.Pending || status == TradeStatus.Matched || status == TradeStatus.Failed;
            if (open && block.timestamp > _trades[i].expiry) {
                index = i;
                break;
            }
        }
        Trade memory t = _trades[index];
        address caller = _anyone(callerSeed);
        Ctx memory ctx = _open();
        vm.prank(caller);
        try engine.expire(t) {
            ++expires;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        _observe(index);
    }

    /// @notice The settlement agent settles 2 to 6 single-cash-token trades as one netted batch, whatever
    /// their status (open, settled elsewhere, cancelled, pending, expired, failing a token's rules), one
    /// of them possibly twice.
    /// Half the time the agent waits for the members' settlement dates first.
    function settleBatch(uint256 seed, uint256 k) external {
        uint256[] memory picked = _pickMembers(seed, _bound(k, 2, 6));
        if (picked.length == 0) return;
        if ((k >> 8) % 2 == 0) {
            for (uint256 j = 0; j < picked.length; ++j) _waitFor(_trades[picked[j]].settlementDate);
        }
        _batch(picked);
    }

    /// @notice 1 to 4 fresh trades in the single-cash markets (banks in wCBDC, customers of one bank in its
    /// deposits) are matched for settlement a minute later; the agent then settles them as one batch
    /// together with an existing trade of any status (and possibly one of them twice).
    function newBatch(uint256 seed, uint256 k, uint256 quantity, uint256 amount) external {
        k = _bound(k, 1, 4);
        uint256[] memory picked = new uint256[](k + 2);
        for (uint256 j = 0; j < k; ++j) {
            uint256 r = uint256(keccak256(abi.encode(seed, j)));
            Trade memory t = _newTerms((r % 3) + 5 * (r >> 8), quantity >> (8 * j), amount >> (8 * j));
            (t.settlementDate, t.expiry) = (uint64(block.timestamp + 1 minutes), uint64(block.timestamp + 1 days));
            uint256 index = _push(t);
            _instruct(index, t.seller);
            _instruct(index, t.buyer);
            picked[j] = index;
        }
        uint256 count = k;
        uint256[] memory others = _pickMembers(seed >> 64, 1);
        if (others.length != 0) picked[count++] = others[0];
        if (seed % 3 == 0) picked[count++] = picked[0];
        uint256[] memory members = new uint256[](count);
        for (uint256 j = 0; j < count; ++j) members[j] = picked[j];
        vm.warp(block.timestamp + 1 minutes);
        _batch(members);
    }

    // ================================================================== signed orders

    /// @notice Both parties sign a fresh due trade; the seller, the buyer or the agent submits it; one of
    /// them then replays it, which must not settle again.
    function settleSigned(uint256 seed, uint256 quantity, uint256 amount, uint192 nonceKey, uint256 submitter) external {
        Trade memory t = _newTerms(seed, quantity, amount);
        t.settlementDate = uint64(block.timestamp);
        t.expiry = uint64(block.timestamp + 1 days);
        uint256 index = _push(t);
        if (_signAndSubmit(index, nonceKey, submitter)) {
            address replayer = _party(t, (seed >> 32) % 3);
            Ctx memory ctx = _open();
            (uint256 sn, bytes memory ss, uint256 bn, bytes memory bs) = _orders(t, nonceKey);
            vm.prank(replayer);
            try engine.settleSigned(t, sn, ss, bn, bs) {
                ++ghostReplaysSettled;
                _close(ctx, true);
            } catch {
                _close(ctx, false);
            }
        }
    }

    /// @notice Both parties of a trade already on the books (pending, matched, failed, settled, cancelled,
    /// expired) sign it and one of them, or the agent, submits.
    function settleSignedExisting(uint256 index, uint192 nonceKey, uint256 submitter) external {
        if (_trades.length == 0) return;
        _signAndSubmit(index % _trades.length, nonceKey, submitter);
    }

    // ================================================================== payments and FX

    /// @notice A customer pays another customer, at the same bank or across banks.
    function pay(uint256 payerSeed, uint256 payeeSeed, uint256 amount) external {
        (address payer, address payerDeposit) = _customerAccount(payerSeed);
        (address payee, address payeeDeposit) = _customerAccount(payeeSeed);
        amount = _bound(amount, 1, 2_000_000_000);
        bytes32 ref = bytes32(++_refs);
        Ctx memory ctx = _open();
        _allowCash(ctx, payerDeposit, payeeDeposit, payer, amount);
        vm.prank(payer);
        try engine.pay(payerDeposit, payeeDeposit, payee, amount, ref) {
            ++paymentsSettled;
            _applyCash(payerDeposit, payeeDeposit, payer, payee, amount);
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice A bank pays wCBDC to a customer of bank A or B, who is credited in deposits.
    function payToCustomer(uint256 bankSeed, uint256 payeeSeed, uint256 amount) external {
        address bank = _banks[bankSeed % 3];
        (address payee, address deposit) = _customerAccount(payeeSeed);
        amount = _bound(amount, 1, 2_000_000_000);
        bytes32 ref = bytes32(++_refs);
        Ctx memory ctx = _open();
        _allow(ctx, address(wcbdc), bank, amount);
        vm.prank(bank);
        try engine.payToCustomer(deposit, payee, amount, ref) {
            ++customerPaymentsSettled;
            _applyCash(address(wcbdc), deposit, bank, payee, amount);
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice Bank C, the FX dealer, quotes wTHB for wHKD to a taker (bank A or B paying in wCBDC, or a
    /// customer paying in deposits through its bank); first a stranger or the attacker tries to use the
    /// quote (refused: not the taker), then the taker settles it for bank A or B, then tries it again
    /// (refused: the quote's nonce is used).
    function settleFx(uint256 takerSeed, uint256 beneficiarySeed, uint256 fromAmount, uint192 nonceKey) external {
        FxAttempt memory x;
        (x.taker, x.payerCash) = _fxTaker(takerSeed);
        x.beneficiary = _banks[beneficiarySeed % 2];
        (x.quote, x.signature) = _quote(x.taker, nonceKey);
        x.fromAmount = _bound(fromAmount, 1, x.quote.maxFromAmount);
        x.toAmount = Math.mulDiv(x.fromAmount, RATE, 1e18);
        x.ref = bytes32(++_refs);

        address thief = beneficiarySeed % 3 == 0 ? stranger : mallory;
        _refuse(thief, _fxCall(x, address(wcbdc), thief), FxSettlement.FxQuoteNotForCaller.selector);
        if (_settleFx(x)) {
            _refuse(x.taker, _fxCall(x, x.payerCash, x.beneficiary), FxSettlement.FxQuoteNonceUsed.selector);
        }
    }

    /// @dev One FX settlement attempt and what it should move.
    struct FxAttempt {
        address taker;
        address payerCash;
        address beneficiary;
        FxQuote quote;
        bytes signature;
        uint256 fromAmount;
        uint256 toAmount;
        bytes32 ref;
    }

    function _fxCall(FxAttempt memory x, address payerCash, address beneficiary) private view returns (bytes memory) {
        return abi.encodeCall(engine.settleFx, (x.quote, x.signature, x.fromAmount, payerCash, address(wthb), beneficiary, x.ref));
    }

    function _settleFx(FxAttempt memory x) private returns (bool settled) {
        Ctx memory ctx = _open();
        _allowCash(ctx, x.payerCash, address(wcbdc), x.taker, x.fromAmount);
        _allow(ctx, address(wthb), x.quote.dealer, x.toAmount);
        vm.prank(x.taker);
        try engine.settleFx(x.quote, x.signature, x.fromAmount, x.payerCash, address(wthb), x.beneficiary, x.ref) returns (uint256 paid) {
            settled = true;
            ++fxSettled;
            if (paid != x.toAmount) ++ghostUnexpectedRefusals; // not what the quote's rate pays
            _applyCash(x.payerCash, address(wcbdc), x.taker, x.quote.dealer, x.fromAmount);
            _applyCash(address(wthb), address(wthb), x.quote.dealer, x.beneficiary, x.toAmount);
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    // ================================================================== pause

    /// @notice The admin pauses the engine; every settlement entry point of the engine and the tender
    /// contract is then refused (`EnforcedPause`) and moves nothing, while a party can still cancel;
    /// then the admin unpauses.
    function pauseAndProbe(uint256 seed) external {
        vm.prank(hkma);
        engine.pause();
        ++pauses;
        bytes4 paused = Pausable.EnforcedPause.selector;
        Trade memory t = _newTerms(seed, seed >> 16, seed >> 32);
        (t.settlementDate, t.expiry) = (uint64(block.timestamp), uint64(block.timestamp + 1 days));
        _refuse(t.seller, abi.encodeCall(engine.instruct, (t)), paused);
        (uint256 sn, bytes memory ss, uint256 bn, bytes memory bs) = _orders(t, 0);
        _refuse(hkma, abi.encodeCall(engine.settleSigned, (t, sn, ss, bn, bs)), paused);
        (address payer, address deposit) = _customerAccount(seed);
        _refuse(payer, abi.encodeCall(engine.pay, (deposit, address(depA), _customersA[0], 1, "paused")), paused);
        _refuse(_banks[0], abi.encodeCall(engine.payToCustomer, (deposit, payer, 1, "paused")), paused);
        (FxQuote memory q, bytes memory sig) = _quote(_banks[0], 0);
        _refuse(_banks[0], abi.encodeCall(engine.settleFx, (q, sig, 1, address(wcbdc), address(wthb), _banks[1], "paused")), paused);
        _refuse(government, abi.encodeCall(issuance.openTender, ("paused", _tenderTerms(seed))), paused);
        if (_trades.length != 0) {
            uint256 index = seed % _trades.length;
            _refuse(hkma, abi.encodeCall(engine.settle, (_trades[index])), paused);
            Trade[] memory batch = new Trade[](1);
            batch[0] = _trades[index];
            _refuse(hkma, abi.encodeCall(engine.settleBatch, (batch)), paused);
            _cancel(index, seed % 2 == 0); // cancellation stays open
        }
        if (_tenders.length != 0) {
            bytes32 ref = _tenders[seed % _tenders.length];
            _refuse(_banks[0], abi.encodeCall(issuance.submitBid, (ref, 1, 5_000_000, type(uint64).max)), paused);
            _refuse(government, abi.encodeCall(issuance.allotTender, (ref)), paused);
        }
        vm.prank(hkma);
        engine.unpause();
    }

    /// @notice The registrar pauses the bond; a settle and a batch of its trades then settle nothing (each
    /// due member fails `Paused`); the registrar unpauses.
    function settleWhileBondPaused(uint256 seed) external {
        if (_trades.length == 0) return;
        vm.prank(hkma);
        bond.pause();
        ++bondPauseProbes;
        uint256 index = seed % _trades.length;
        Trade memory t = _trades[index];
        Ctx memory ctx = _open();
        _allowTrade(ctx, t);
        try engine.settle(t) {
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        _observe(index);
        uint256[] memory picked = _pickMembers(seed >> 8, 3);
        if (picked.length != 0) _batch(picked);
        vm.prank(hkma);
        bond.unpause();
    }

    // ================================================================== primary issuance

    /// @notice The government, the bond's registered issuer, opens a tender.
    function openTender(uint256 seed) external {
        bytes32 ref = keccak256(abi.encode("TENDER", ++_refs));
        PrimaryIssuance.TenderTerms memory terms = _tenderTerms(seed);
        Ctx memory ctx = _open();
        vm.prank(government);
        try issuance.openTender(ref, terms) {
            ++tendersOpened;
            _tenders.push(ref);
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice A bank bids for whole lots at HK$48,000–52,000 per unit; it has given the tender contract an
    /// unlimited wCBDC allowance, so only its bid bounds what the bid takes into custody (its cost).
    function submitBid(uint256 tenderSeed, uint256 bidderSeed, uint256 lots, uint256 price, uint256 validFor) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        PrimaryIssuance.Tender memory tender = issuance.tenderOf(ref);
        address bidder = _banks[bidderSeed % 3];
        uint256 units = tender.terms.minimumLot * _bound(lots, 1, tender.terms.unitsOffered / tender.terms.minimumLot);
        price = _bound(price, 4_800_000, 5_200_000);
        uint64 validUntil = tender.terms.closesAt + uint64(_bound(validFor, 0, 2 days));
        Ctx memory ctx = _open();
        _allow(ctx, address(wcbdc), bidder, units * price);
        vm.prank(bidder);
        try issuance.submitBid(ref, units, price, validUntil) {
            ++bidsSubmitted;
            _ghostMove(address(wcbdc), bidder, address(issuance), units * price);
            ghostCustodyLive += units * price;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice A bidder withdraws one of its bids; the attacker first tries to withdraw it (refused).
    function withdrawBid(uint256 tenderSeed, uint256 bidSeed) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        PrimaryIssuance.Bid[] memory bids = issuance.bidsOf(ref);
        if (bids.length == 0) return;
        uint256 index = bidSeed % bids.length;
        _refuseAny(mallory, abi.encodeCall(issuance.withdrawBid, (ref, index)));
        Ctx memory ctx = _open();
        vm.prank(bids[index].bidder);
        try issuance.withdrawBid(ref, index) {
            ++bidsWithdrawn;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice After the close a bidder reclaims a bid the government has not allotted in time; time is
    /// moved first (if `wait`) to the bid's lapse or the end of the allotment window, whichever is first.
    /// The attacker first tries to reclaim it (refused).
    function reclaimBid(uint256 tenderSeed, uint256 bidSeed, bool wait) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        PrimaryIssuance.Bid[] memory bids = issuance.bidsOf(ref);
        if (bids.length == 0) return;
        uint256 index = bidSeed % bids.length;
        PrimaryIssuance.Bid memory b = bids[index];
        if (wait) {
            uint256 from = uint256(b.validUntil) + 1;
            uint256 windowEnd = uint256(issuance.tenderOf(ref).terms.closesAt) + issuance.ALLOTMENT_WINDOW();
            if (windowEnd < from) from = windowEnd;
            if (block.timestamp < from) vm.warp(from);
        }
        _refuseAny(mallory, abi.encodeCall(issuance.reclaimBid, (ref, index)));
        Ctx memory ctx = _open();
        vm.prank(b.bidder);
        try issuance.reclaimBid(ref, index) {
            ++bidsReclaimed;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice After the close (time is moved to it if `wait`), the attacker then the government allot.
    function allotTender(uint256 tenderSeed, bool wait) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        PrimaryIssuance.Tender memory tender = issuance.tenderOf(ref);
        if (wait && block.timestamp < tender.terms.closesAt) vm.warp(tender.terms.closesAt);
        _refuseAny(mallory, abi.encodeCall(issuance.allotTender, (ref)));
        // Every bid's cost is in custody: the allotment debits no participant.
        Ctx memory ctx = _open();
        vm.prank(government);
        try issuance.allotTender(ref) returns (PrimaryIssuance.TenderResult memory result) {
            ++tendersAllotted;
            _applyAllotment(ref, tender, result);
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice The government rejects a bid before allotment; the attacker first tries to (refused).
    function rejectBid(uint256 tenderSeed, uint256 bidSeed) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        uint256 n = issuance.bidsOf(ref).length;
        if (n == 0) return;
        uint256 index = bidSeed % n;
        _refuseAny(mallory, abi.encodeCall(issuance.rejectBid, (ref, index)));
        Ctx memory ctx = _open();
        vm.prank(government);
        try issuance.rejectBid(ref, index) {
            ++bidsRejected;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice The government cancels an open tender.
    function cancelTender(uint256 tenderSeed) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        _refuseAny(stranger, abi.encodeCall(issuance.cancelTender, (ref)));
        Ctx memory ctx = _open();
        vm.prank(government);
        try issuance.cancelTender(ref) {
            ++tendersCancelled;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    /// @notice A bank claims the refunds of a tender parked for it (while the wCBDC refused them).
    function claimRefund(uint256 tenderSeed, uint256 bidderSeed) external {
        if (_tenders.length == 0) return;
        bytes32 ref = _tenders[tenderSeed % _tenders.length];
        address bidder = _banks[bidderSeed % 3];
        uint256 owed = issuance.refundOf(ref, bidder);
        Ctx memory ctx = _open();
        vm.prank(bidder);
        try issuance.claimRefund(ref) {
            ++refundsClaimed;
            _ghostMove(address(wcbdc), address(issuance), bidder, owed);
            ghostParkedRefunds -= owed;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    // ================================================================== attacks

    /// @notice The attacker (a registered issuer) uses its impostor bond, which claims the attacker as its
    /// issuer and wCBDC as its cash: it opens a tender of it, trades it against a bank's real wCBDC by
    /// instruction and by signed order (alone, and through the agent), tries to open a tender of the real
    /// bond, and to have its impostor registered as a deposit line of bank A. Every attempt is refused.
    function attackWithHostileBond(uint256 seed, uint256 amount) external {
        address victim = _banks[seed % 3];
        bytes4 notRegistered = ISettlementErrors.AssetNotRegistered.selector;
        PrimaryIssuance.TenderTerms memory terms = _tenderTerms(seed);
        terms.bond = address(impostor);
        _refuse(mallory, abi.encodeCall(issuance.openTender, (keccak256(abi.encode("IMPOSTOR", seed)), terms)), notRegistered);
        terms.bond = address(bond);
        _refuse(mallory, abi.encodeCall(issuance.openTender, (keccak256(abi.encode("REAL", seed)), terms)), PrimaryIssuance.NotBondIssuer.selector);

        Trade memory t = _newTerms(0, seed, amount); // banks trading in wCBDC
        (t.seller, t.buyer, t.asset) = (mallory, victim, address(impostor));
        (t.settlementDate, t.expiry) = (uint64(block.timestamp), uint64(block.timestamp + 1 days));
        _refuse(mallory, abi.encodeCall(engine.instruct, (t)), notRegistered);
        bytes memory forged = _signWith(_keyOf[mallory], t, 0); // the victim's "order", signed by the attacker
        _refuse(mallory, abi.encodeCall(engine.settleSigned, (t, 0, "", 0, forged)), notRegistered);
        _refuse(hkma, abi.encodeCall(engine.settleSigned, (t, 0, forged, 0, forged)), notRegistered);

        _refuse(mallory, abi.encodeCall(engine.consentToDepositLine, (address(impostor), true)), ISettlementErrors.NotCommercialBank.selector);
        _refuse(hkma, abi.encodeCall(engine.registerDepositToken, (address(impostor), address(wcbdc))), ISettlementErrors.DepositLineNotConsented.selector);
    }

    /// @notice The attacker forges the victim's signed order for a real trade: it buys a bank's bonds with
    /// the bank's "signature" made with its own key, submitting alone or having the agent submit.
    function attackForgedOrder(uint256 seed, uint256 quantity, uint256 amount) external {
        Trade memory t = _newTerms(0, quantity, amount);
        t.seller = _banks[seed % 3];
        (t.settlementDate, t.expiry) = (uint64(block.timestamp), uint64(block.timestamp + 1 days));
        t.buyer = mallory;
        uint256 nonce = engine.nonces(t.seller, 0);
        bytes memory forged = _signWith(_keyOf[mallory], t, nonce);
        bytes memory own = _signWith(_keyOf[mallory], t, engine.nonces(mallory, 0));
        bytes4 invalid = ISettlementErrors.InvalidSignature.selector;
        _refuse(mallory, abi.encodeCall(engine.settleSigned, (t, nonce, forged, 0, own)), invalid);
        _refuse(hkma, abi.encodeCall(engine.settleSigned, (t, nonce, forged, engine.nonces(mallory, 0), own)), invalid);
    }

    /// @notice A stranger (unregistered) or the attacker meddles with someone else's trade: cancels it,
    /// instructs it, submits its parties' genuine signed orders, settles a batch of it — all refused —
    /// and settles it, which anyone may (it then moves only what the parties instructed).
    function strangerMeddles(uint256 index, uint256 who) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        Trade memory t = _trades[index];
        address meddler = who % 2 == 0 ? stranger : mallory;
        bytes32 id = _idAt(index);
        _refuse(meddler, abi.encodeCall(engine.cancel, (t)), ISettlementErrors.NotTradeParty.selector);
        bytes memory instructCall = abi.encodeCall(engine.instruct, (t));
        InstructionMatching.TradeRecord memory r = engine.tradeRecord(id);
        bool instructable = block.timestamp <= t.expiry && (r.status == TradeStatus.None || r.status == TradeStatus.Pending);
        if (instructable) _refuse(meddler, instructCall, ISettlementErrors.NotTradeParty.selector);
        else _refuseAny(meddler, instructCall);
        (uint256 sn, bytes memory ss, uint256 bn, bytes memory bs) = _orders(t, 0);
        _refuse(meddler, abi.encodeCall(engine.settleSigned, (t, sn, ss, bn, bs)), ISettlementErrors.NotAuthorisedSubmitter.selector);
        Trade[] memory batch = new Trade[](1);
        batch[0] = t;
        _refuse(meddler, abi.encodeCall(engine.settleBatch, (batch)), IAccessControl.AccessControlUnauthorizedAccount.selector);
        _settleBy(index, meddler); // anyone may settle: it moves only what the parties instructed
    }

    /// @notice Liveness: a fresh 1-unit trade for 1 cent, due now, between two participants no disturbance
    /// ever touches (banks A and C in wCBDC, else customers alice and erin of bank A in its deposits), is
    /// instructed by both and settles at once, whatever happened before.
    /// @return settled whether it settled.
    function settleCleanTrade() external returns (bool settled) {
        Trade memory t;
        (address a, address b, address cash) = (_banks[0], _banks[2], address(wcbdc));
        if (bond.balanceOf(a) == 0 && bond.balanceOf(b) == 0) (a, b, cash) = (_customersA[0], _customersA[2], address(depA));
        (t.seller, t.buyer) = bond.balanceOf(a) != 0 ? (a, b) : (b, a);
        (t.tradeRef, t.asset, t.quantity, t.buyerCash, t.sellerCash, t.amount) = (bytes32(++_refs), address(bond), 1, cash, cash, 1);
        (t.settlementDate, t.expiry) = (uint64(block.timestamp), uint64(block.timestamp + 1 hours));
        uint256 index = _push(t);
        _instruct(index, t.seller);
        _instruct(index, t.buyer);
        settled = engine.tradeRecord(_idAt(index)).status == TradeStatus.Settled;
        if (settled) ++cleanTradesSettled;
    }

    // ================================================================== disturbances (frail participants only)

    /// @notice A frail participant withdraws (or restores) its allowance to the engine on one token.
    function toggleApproval(uint256 holderSeed, uint256 tokenSeed) external {
        address holder = _frail[holderSeed % 3];
        IERC20 token = IERC20(_tokens[tokenSeed % 4]);
        bool approved = token.allowance(holder, address(engine)) > 0;
        vm.prank(holder);
        token.approve(address(engine), approved ? 0 : type(uint256).max);
    }

    /// @notice Freezes or unfreezes a frail participant: in the registry (everywhere), on the bond, on a
    /// deposit token, or on wCBDC.
    function toggleFreeze(uint256 holderSeed, uint256 where) external {
        address holder = _frail[holderSeed % 3];
        where %= 5;
        if (where == 0) {
            bool frozen = registry.participantOf(holder).frozen;
            vm.prank(hkma);
            registry.setFrozen(holder, !frozen);
        } else if (where == 3) {
            bool frozen = bond.isFrozen(holder);
            vm.prank(hkma);
            bond.setFrozen(holder, !frozen);
        } else if (where == 4) {
            bool frozen = wcbdc.isFrozen(holder);
            vm.prank(hkma);
            wcbdc.setFrozen(holder, !frozen);
        } else {
            TokenizedDeposit deposit = where == 1 ? depA : depB;
            bool frozen = deposit.isFrozen(holder);
            vm.prank(deposit.bank());
            deposit.setFrozen(holder, !frozen);
        }
    }

    /// @notice A bank credits (cash deposit) or debits (withdrawal) a customer, outside settlement.
    function bankMintOrBurn(uint256 customerSeed, uint256 amount, bool mint) external {
        (address customer, address deposit) = _customerAccount(customerSeed);
        amount = _bound(amount, 1, 1_000_000_000);
        vm.prank(TokenizedDeposit(deposit).bank());
        if (mint) {
            try TokenizedDeposit(deposit).mint(customer, amount) {
                _ghostMint(deposit, customer, amount);
                ghostIssuerNet[deposit] += int256(amount);
            } catch {}
        } else {
            try TokenizedDeposit(deposit).burn(customer, amount) {
                _ghostBurn(deposit, customer, amount);
                ghostIssuerNet[deposit] -= int256(amount);
            } catch {}
        }
    }

    // ================================================================== views for the invariants

    function tradeCount() external view returns (uint256) {
        return _trades.length;
    }

    function tradeAt(uint256 index) external view returns (Trade memory) {
        return _trades[index];
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function trackedTokens() external view returns (address[] memory tokens) {
        tokens = new address[](TOKENS);
        for (uint256 t = 0; t < TOKENS; ++t) tokens[t] = _tokens[t];
    }

    function tenderCount() external view returns (uint256) {
        return _tenders.length;
    }

    function tenderAt(uint256 index) external view returns (bytes32) {
        return _tenders[index];
    }

    /// @notice Settlements of any kind this run: trades on every path, payments, FX, tender allotments.
    function settlementsOfAnyKind() external view returns (uint256) {
        return tradesSettled + paymentsSettled + customerPaymentsSettled + fxSettled + tendersAllotted;
    }

    /// @notice Engine and tender calls this run that succeeded, or were refused for the reason they must be.
    function successfulCalls() external view returns (uint256) {
        return
            instructs + tradesSettled + cancels + cancelRequests + expires + paymentsSettled + customerPaymentsSettled +
            fxSettled + batchesSettled + tendersOpened + bidsSubmitted + bidsWithdrawn + bidsRejected + bidsReclaimed +
            tendersAllotted + tendersCancelled + refundsClaimed + expectedRefusals + strangerRefusals;
    }

    // ================================================================== the consent wrapper

    /// @dev A wrapped call: every balance before it, and what it may debit (same layout).
    struct Ctx {
        uint256[] before;
        uint256[] allowed;
    }

    /// @dev Opens a wrapped call: the balances before, an empty allowance book, and the engine's logs.
    function _open() private returns (Ctx memory ctx) {
        ++_callId;
        ctx.before = _balances();
        ctx.allowed = new uint256[](ctx.before.length);
        vm.recordLogs();
    }

    /// @dev Closes a wrapped call: every debit must be within what the call was allowed; on success, each
    /// settlement the engine reported is counted and replayed on the ghost ledger.
    function _close(Ctx memory ctx, bool succeeded) private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256[] memory afterwards = _balances();
        for (uint256 i = 0; i < afterwards.length; ++i) {
            uint256 allowed = ctx.allowed[i];
            if (allowed == 0 && afterwards[i] >= ctx.before[i]) continue;
            address token = _pairToken[i];
            address holder = _pairHolder[i];
            if (allowed != 0) ghostConsented[token][holder] += allowed;
            if (afterwards[i] >= ctx.before[i]) continue;
            uint256 debit = ctx.before[i] - afterwards[i];
            ghostDebited[token][holder] += debit;
            if (debit > allowed) {
                ++ghostUnconsentedDebits;
                (lastUnconsentedToken, lastUnconsentedHolder, lastUnconsentedAmount) = (token, holder, debit);
            }
        }
        if (succeeded) {
            _countSettlements(logs);
            _applyRefunds(logs);
        }
    }

    /// @dev Replays the custody the tender contract returned (`BidRefunded`) or parked (`BidRefundParked`)
    /// on the ghost ledger, each within what its bid did not spend (its cost less its allotment's).
    function _applyRefunds(Vm.Log[] memory logs) private {
        for (uint256 i = 0; i < logs.length; ++i) {
            bytes32 topic = logs[i].topics[0];
            bool parked = topic == PrimaryIssuance.BidRefundParked.selector;
            if (logs[i].emitter != address(issuance) || (!parked && topic != PrimaryIssuance.BidRefunded.selector)) continue;
            (bytes32 ref, address bidder) = (logs[i].topics[1], address(uint160(uint256(logs[i].topics[2]))));
            (uint256 index, uint256 amount) = abi.decode(logs[i].data, (uint256, uint256));
            PrimaryIssuance.Bid memory b = issuance.bidsOf(ref)[index];
            _returned[ref][index] += amount;
            if (b.bidder != bidder || _returned[ref][index] + b.allotted * b.pricePerUnit > b.units * b.pricePerUnit) {
                ++ghostRefundViolations;
            }
            ghostCustodyLive -= amount;
            if (parked) ghostParkedRefunds += amount;
            else _ghostMove(address(wcbdc), address(issuance), bidder, amount);
        }
    }

    function _allow(Ctx memory ctx, address token, address holder, uint256 amount) private view {
        uint256 i = _pairIndex[token][holder];
        if (i != 0) ctx.allowed[i - 1] += amount; // a pair that cannot hold the token cannot be debited
    }

    /// @dev Allows the debits of `t`'s legs for each party that consented to it (once per call).
    function _allowTrade(Ctx memory ctx, Trade memory t) private {
        _allowTradeWith(ctx, t, address(0));
    }

    /// @dev As `_allowTrade`, counting `caller` as consenting (it is instructing in this call).
    function _allowTradeWith(Ctx memory ctx, Trade memory t, address caller) private {
        bytes32 id = TradeHash.hashMemory(t);
        if (_tradeAllowed[_callId][id]) return;
        _tradeAllowed[_callId][id] = true;
        if (_consented[id][t.seller] || caller == t.seller) _allow(ctx, t.asset, t.seller, t.quantity);
        if (_consented[id][t.buyer] || caller == t.buyer) _allowCash(ctx, t.buyerCash, t.sellerCash, t.buyer, t.amount);
    }

    /// @dev A payer's cash debit, and its bank's wCBDC when its deposits leave the bank (deposit line).
    function _allowCash(Ctx memory ctx, address payerCash, address payeeCash, address payer, uint256 amount) private view {
        _allow(ctx, payerCash, payer, amount);
        if (payerCash != payeeCash && (payerCash == address(depA) || payerCash == address(depB))) {
            _allow(ctx, address(wcbdc), TokenizedDeposit(payerCash).bank(), amount);
        }
    }

    function _countSettlements(Vm.Log[] memory logs) private {
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(engine) || logs[i].topics.length < 2) continue;
            bytes32 topic = logs[i].topics[0];
            bool inBatch = topic == ISettlementEngine.TradeSettledInBatch.selector;
            if (topic != ISettlementEngine.TradeSettled.selector && !inBatch) continue;
            bytes32 id = logs[i].topics[1];
            ++ghostSettleCount[id];
            ++tradesSettled;
            if (inBatch) ++batchMembersSettled;
            if (ghostClosed[id] != TradeStatus.None) ++ghostSettledAfterClose;
            uint256 indexPlusOne = _indexOf[id];
            if (indexPlusOne == 0) {
                ++ghostUnknownSettled;
                continue;
            }
            _applyLegs(_trades[indexPlusOne - 1]);
        }
    }

    /// @dev `caller` makes `data` on the engine or tender contract, which must refuse with `selector`;
    /// nothing may move either way.
    function _refuse(address caller, bytes memory data, bytes4 selector) private {
        (bool ok, bytes memory err) = _wrappedRawCall(caller, data);
        if (ok) ++ghostForbiddenSuccesses;
        else if (err.length < 4 || bytes4(err) != selector) {
            ++ghostUnexpectedRefusals;
            lastUnexpectedRefusal = err.length < 4 ? bytes4(0) : bytes4(err);
        } else if (caller == stranger || caller == mallory) {
            ++strangerRefusals;
        } else {
            ++expectedRefusals;
        }
    }

    /// @dev As `_refuse`, for a call whose refusal reason depends on state the handler does not model.
    function _refuseAny(address caller, bytes memory data) private {
        (bool ok, ) = _wrappedRawCall(caller, data);
        if (ok) ++ghostForbiddenSuccesses;
        else ++strangerRefusals;
    }

    function _wrappedRawCall(address caller, bytes memory data) private returns (bool ok, bytes memory err) {
        bytes4 selector = bytes4(data);
        bool onIssuance = selector == issuance.openTender.selector ||
            selector == issuance.submitBid.selector ||
            selector == issuance.allotTender.selector ||
            selector == issuance.withdrawBid.selector ||
            selector == issuance.reclaimBid.selector ||
            selector == issuance.rejectBid.selector ||
            selector == issuance.cancelTender.selector;
        Ctx memory ctx = _open();
        vm.prank(caller);
        // solhint-disable-next-line avoid-low-level-calls
        (ok, err) = (onIssuance ? address(issuance) : address(engine)).call(data);
        _close(ctx, ok);
    }

    // ================================================================== helpers of the moves

    function _instruct(uint256 index, address party) private {
        Trade memory t = _trades[index];
        bytes32 id = TradeHash.hashMemory(t);
        Ctx memory ctx = _open();
        _allowTradeWith(ctx, t, party);
        vm.prank(party);
        try engine.instruct(t) returns (TradeStatus status) {
            ++instructs;
            _consented[id][party] = true;
            if (status == TradeStatus.Settled) ++settledByMatching;
            if (status == TradeStatus.Failed) ++tradesFailed;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
    }

    function _settleBy(uint256 index, address caller) private {
        Trade memory t = _trades[index];
        Ctx memory ctx = _open();
        _allowTrade(ctx, t);
        vm.prank(caller);
        try engine.settle(t) returns (TradeStatus status) {
            if (status == TradeStatus.Settled) ++settledBySettle;
            if (status == TradeStatus.Failed) ++tradesFailed;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        _observe(index);
    }

    function _cancel(uint256 index, bool bySeller) private {
        Trade memory t = _trades[index];
        Ctx memory ctx = _open();
        vm.prank(bySeller ? t.seller : t.buyer);
        try engine.cancel(t) returns (TradeStatus status) {
            if (status == TradeStatus.Cancelled) ++cancels;
            else ++cancelRequests;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        _observe(index);
    }

    /// @dev Both parties sign trade `index` (their consent); a party or the agent submits.
    function _signAndSubmit(uint256 index, uint192 nonceKey, uint256 submitter) private returns (bool settled) {
        Trade memory t = _trades[index];
        bytes32 id = TradeHash.hashMemory(t);
        (uint256 sn, bytes memory ss, uint256 bn, bytes memory bs) = _orders(t, nonceKey);
        _consented[id][t.seller] = true;
        _consented[id][t.buyer] = true;
        address by = _party(t, submitter % 3);
        Ctx memory ctx = _open();
        _allowTrade(ctx, t);
        vm.prank(by);
        try engine.settleSigned(t, sn, ss, bn, bs) {
            ++signedSettled;
            settled = true;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        _observe(index);
    }

    function _batch(uint256[] memory picked) private {
        Trade[] memory batch = new Trade[](picked.length);
        Ctx memory ctx = _open();
        for (uint256 j = 0; j < picked.length; ++j) {
            batch[j] = _trades[picked[j]];
            _allowTrade(ctx, batch[j]);
        }
        vm.prank(hkma);
        try engine.settleBatch(batch) returns (uint256 batchId) {
            ++batchesSettled;
            batchMembersSkipped += engine.batchReport(batchId).skipped;
            _close(ctx, true);
        } catch {
            _close(ctx, false);
        }
        for (uint256 j = 0; j < picked.length; ++j) _observe(picked[j]);
    }

    /// @dev Up to `k` single-cash-token trades: matched or failed ones from `seed` on, then one of any status
    /// (settled elsewhere, cancelled, pending, expired...); the last possibly a repeat of the first.
    function _pickMembers(uint256 seed, uint256 k) private view returns (uint256[] memory picked) {
        uint256 n = _trades.length;
        if (n == 0) return picked;
        uint256[] memory chosen = new uint256[](k);
        uint256 count = 0;
        for (uint256 j = 0; j < n && count + 1 < k; ++j) {
            uint256 i = (seed + j) % n;
            TradeStatus status = engine.tradeRecord(_idAt(i)).status;
            bool open = status == TradeStatus.Matched || status == TradeStatus.Failed;
            if (open && _trades[i].buyerCash == _trades[i].sellerCash) chosen[count++] = i;
        }
        for (uint256 j = 0; j < n && count < k; ++j) {
            uint256 i = ((seed >> 64) + j) % n;
            if (_trades[i].buyerCash == _trades[i].sellerCash) {
                chosen[count++] = i;
                break;
            }
        }
        if (count > 1 && (seed >> 128) % 4 == 0) chosen[count - 1] = chosen[0]; // the same member twice
        picked = new uint256[](count);
        for (uint256 j = 0; j < count; ++j) picked[j] = chosen[j];
    }

    /// @dev Moves time to `date` if it is later (never back).
    function _waitFor(uint64 date) private {
        if (date > block.timestamp) vm.warp(date);
    }

    /// @dev The first trade from `start` on (cyclically) whose status is `a` or `b`.
    function _find(uint256 start, TradeStatus a, TradeStatus b) private view returns (bool found, uint256 index) {
        uint256 n = _trades.length;
        for (uint256 j = 0; j < n; ++j) {
            index = (start + j) % n;
            TradeStatus status = engine.tradeRecord(_idAt(index)).status;
            if (status == a || status == b) return (true, index);
        }
    }

    /// @dev Records a closed status the first time the handler sees it.
    function _observe(uint256 index) private {
        bytes32 id = _idAt(index);
        TradeStatus status = engine.tradeRecord(id).status;
        if ((status == TradeStatus.Cancelled || status == TradeStatus.Expired) && ghostClosed[id] == TradeStatus.None) {
            ghostClosed[id] = status;
        }
    }

    /// @dev Records the allotment's legs on the ghost ledger and checks each bid got no more than it asked,
    /// in whole lots, nothing for withdrawn, rejected or lapsed bids, and no more in all than was on offer.
    function _applyAllotment(
        bytes32 ref,
        PrimaryIssuance.Tender memory tender,
        PrimaryIssuance.TenderResult memory result
    ) private {
        PrimaryIssuance.Bid[] memory bids = issuance.bidsOf(ref);
        uint256 total = 0;
        uint256 proceeds = 0;
        for (uint256 i = 0; i < bids.length; ++i) {
            PrimaryIssuance.Bid memory b = bids[i];
            if (b.allotted == 0) continue;
            if (b.allotted > b.units || b.allotted % tender.terms.minimumLot != 0) ++ghostAllotmentViolations;
            if (b.withdrawn || b.rejected || b.validUntil < block.timestamp) ++ghostAllotmentViolations;
            total += b.allotted;
            proceeds += b.allotted * b.pricePerUnit;
            _ghostMove(address(wcbdc), address(issuance), tender.terms.proceedsAccount, b.allotted * b.pricePerUnit);
            ghostCustodyLive -= b.allotted * b.pricePerUnit;
            _ghostMint(address(bond), b.bidder, b.allotted);
            ghostBondsIssued += int256(b.allotted);
        }
        if (total > tender.terms.unitsOffered || total != result.unitsAllotted || proceeds != result.proceeds) {
            ++ghostAllotmentViolations;
        }
    }

    function _tenderTerms(uint256 seed) private view returns (PrimaryIssuance.TenderTerms memory) {
        uint256 lot = 1 + (seed % 5);
        return
            PrimaryIssuance.TenderTerms({
                bond: address(bond),
                unitsOffered: lot * (1 + ((seed >> 8) % 20)),
                minimumLot: lot,
                closesAt: uint64(block.timestamp + _bound(seed >> 16, 1 hours, 2 days)),
                proceedsAccount: hkma
            });
    }

    /// @dev The FX taker: bank A or B paying in wCBDC, or a customer paying in its bank's deposits.
    function _fxTaker(uint256 seed) private view returns (address taker, address payerCash) {
        if (seed % 2 == 0) return (_banks[(seed >> 8) % 2], address(wcbdc));
        return _customerAccount(seed >> 8);
    }

    /// @dev Bank C's signed quote to `taker`: wTHB for up to HK$1m of wHKD, for an hour.
    function _quote(address taker, uint192 nonceKey) private view returns (FxQuote memory q, bytes memory sig) {
        address dealer = _banks[2];
        q = FxQuote({
            dealer: dealer,
            taker: taker,
            fromToken: address(wcbdc),
            toToken: address(wthb),
            rate: RATE,
            maxFromAmount: 100_000_000,
            expiry: uint64(block.timestamp + 1 hours),
            nonce: engine.fxQuoteNonce(dealer, nonceKey)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keyOf[dealer], engine.fxQuoteDigest(q));
        sig = abi.encodePacked(r, s, v);
    }

    /// @dev Both parties' orders for `t` with their current nonces for `nonceKey`.
    function _orders(
        Trade memory t,
        uint192 nonceKey
    ) private view returns (uint256 sellerNonce, bytes memory sellerSig, uint256 buyerNonce, bytes memory buyerSig) {
        sellerNonce = engine.nonces(t.seller, nonceKey);
        buyerNonce = engine.nonces(t.buyer, nonceKey);
        sellerSig = _signWith(_keyOf[t.seller], t, sellerNonce);
        buyerSig = _signWith(_keyOf[t.buyer], t, buyerNonce);
    }

    function _signWith(uint256 key, Trade memory t, uint256 nonce) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, engine.settlementOrderDigest(t, nonce));
        return abi.encodePacked(r, s, v);
    }

    function _push(Trade memory t) private returns (uint256 index) {
        index = _trades.length;
        _trades.push(t);
        _indexOf[TradeHash.hashMemory(t)] = index + 1;
    }

    function _idAt(uint256 index) private view returns (bytes32) {
        return TradeHash.hashMemory(_trades[index]);
    }

    /// @dev Seller (0), buyer (1) or the settlement agent (2).
    function _party(Trade memory t, uint256 which) private view returns (address) {
        return which == 0 ? t.seller : which == 1 ? t.buyer : hkma;
    }

    /// @dev Any of the participants, or the stranger.
    function _anyone(uint256 seed) private view returns (address) {
        uint256 i = seed % (_holders.length + 1);
        return i == _holders.length ? stranger : _holders[i];
    }

    // ================================================================== ghost ledger

    function _applyLegs(Trade memory t) private {
        _ghostMove(t.asset, t.seller, t.buyer, t.quantity);
        _applyCash(t.buyerCash, t.sellerCash, t.buyer, t.seller, t.amount);
    }

    /// @dev A cash movement as the engine settles it: directly in one token; otherwise a deposit payer is
    /// debited at its bank, wCBDC moves from the paying to the paid bank (or wholesale party), and a deposit
    /// payee is credited at its bank.
    function _applyCash(address payerCash, address payeeCash, address payer, address payee, uint256 amount) private {
        if (payerCash == payeeCash) {
            _ghostMove(payerCash, payer, payee, amount);
            return;
        }
        address from = payer;
        if (payerCash != address(wcbdc)) {
            _ghostBurn(payerCash, payer, amount);
            ghostSettlementNet[payerCash] -= int256(amount);
            from = TokenizedDeposit(payerCash).bank();
        }
        address to = payeeCash == address(wcbdc) ? payee : TokenizedDeposit(payeeCash).bank();
        _ghostMove(address(wcbdc), from, to, amount);
        if (payeeCash != address(wcbdc)) {
            _ghostMint(payeeCash, payee, amount);
            ghostSettlementNet[payeeCash] += int256(amount);
        }
        if (payerCash == address(wcbdc)) ghostDepositMoneyNet += int256(amount);
        if (payeeCash == address(wcbdc)) ghostDepositMoneyNet -= int256(amount);
    }

    function _ghostMove(address token, address from, address to, uint256 amount) private {
        ghostBalance[token][from] -= int256(amount);
        ghostBalance[token][to] += int256(amount);
    }

    function _ghostMint(address token, address to, uint256 amount) private {
        ghostBalance[token][to] += int256(amount);
        ghostSupply[token] += int256(amount);
    }

    function _ghostBurn(address token, address from, uint256 amount) private {
        ghostBalance[token][from] -= int256(amount);
        ghostSupply[token] -= int256(amount);
    }

    /// @dev The balance of every pair that can hold one (`_pairToken`, `_pairHolder`).
    function _balances() private view returns (uint256[] memory b) {
        uint256 n = _pairToken.length;
        b = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) b[i] = IERC20(_pairToken[i]).balanceOf(_pairHolder[i]);
    }

    /// @dev Whether `token`'s rules let `holder` receive it now (a mint to it passes `checkTransfer`).
    function _mayReceive(address token, address holder) private view returns (bool) {
        try ERC20Compliance(token).checkTransfer(address(0), holder, 1) {
            return true;
        } catch {
            return false;
        }
    }

    /// @notice The ghost balance of every tracked token for every holder, flattened: `t * holders + h`.
    function ghostBalances() external view returns (int256[] memory g) {
        uint256 n = _holders.length;
        g = new int256[](TOKENS * n);
        for (uint256 t = 0; t < TOKENS; ++t) {
            for (uint256 h = 0; h < n; ++h) g[t * n + h] = ghostBalance[_tokens[t]][_holders[h]];
        }
    }

    // ================================================================== trade generation

    /// @dev Terms in one of five markets: banks trading bonds for wCBDC; customers of bank A, or of bank B,
    /// in that bank's deposits; a customer of one bank buying from a customer of the other; or a bank and a
    /// customer (of any bank, its own included), the bank paying or paid in wCBDC. 1–200 bonds for
    /// HK$0.01–20m.
    function _newTerms(uint256 seed, uint256 quantity, uint256 amount) private returns (Trade memory t) {
        uint256 market = seed % 5;
        uint256 s = (seed >> 8) % 3;
        uint256 b = (s + 1 + ((seed >> 16) % 2)) % 3;
        address cash;
        if (market == 0) {
            (t.seller, t.buyer, cash) = (_banks[s], _banks[b], address(wcbdc));
        } else if (market == 1) {
            (t.seller, t.buyer, cash) = (_customersA[s], _customersA[b], address(depA));
        } else if (market == 2) {
            (t.seller, t.buyer, cash) = (_customersB[s], _customersB[b], address(depB));
        }
        if (market < 3) {
            (t.buyerCash, t.sellerCash) = (cash, cash);
        } else if (market == 4) {
            (address customer, address deposit) = _customerAccount(seed >> 32);
            if ((seed >> 24) % 2 == 0) {
                (t.seller, t.sellerCash, t.buyer, t.buyerCash) = (customer, deposit, _banks[s], address(wcbdc));
            } else {
                (t.seller, t.sellerCash, t.buyer, t.buyerCash) = (_banks[s], address(wcbdc), customer, deposit);
            }
        } else {
            bool aSells = (seed >> 24) % 2 == 0;
            t.seller = aSells ? _customersA[s] : _customersB[s];
            t.buyer = aSells ? _customersB[b] : _customersA[b];
            if (t.seller == t.buyer) t.buyer = aSells ? _customersB[(b + 1) % 3] : _customersA[(b + 1) % 3];
            (t.sellerCash, t.buyerCash) = aSells ? (address(depA), address(depB)) : (address(depB), address(depA));
        }
        t.tradeRef = bytes32(++_refs);
        t.asset = address(bond);
        t.quantity = _bound(quantity, 1, 200);
        t.amount = _bound(amount, 1, 2_000_000_000);
    }

    /// @dev One of the six (customer, deposit token) accounts.
    function _customerAccount(uint256 seed) private view returns (address customer, address deposit) {
        uint256 i = seed % 6;
        return i < 3 ? (_customersA[i], address(depA)) : (_customersB[i - 3], address(depB));
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
