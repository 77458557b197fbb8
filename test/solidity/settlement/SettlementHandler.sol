// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ParticipantRegistry} from "../../../contracts/registry/ParticipantRegistry.sol";
import {InstructionMatching} from "../../../contracts/settlement/InstructionMatching.sol";
import {SettlementEngine} from "../../../contracts/settlement/SettlementEngine.sol";
import {FailureReason, Trade, TradeStatus} from "../../../contracts/settlement/Trade.sol";
import {GovernmentBond} from "../../../contracts/tokens/GovernmentBond.sol";
import {TokenizedDeposit} from "../../../contracts/tokens/TokenizedDeposit.sol";
import {WholesaleCBDC} from "../../../contracts/tokens/WholesaleCBDC.sol";
import {vm} from "../utils/Vm.sol";

/// @notice What the handler drives: the ledger, its operators and the participants (with their keys).
struct HandlerSetup {
    ParticipantRegistry registry;
    WholesaleCBDC wcbdc;
    TokenizedDeposit depA;
    TokenizedDeposit depB;
    GovernmentBond bond;
    SettlementEngine engine;
    address hkma;
    address government;
    address[3] banks; // bank A, bank B, bank C (wCBDC only)
    address[3] customersA; // customers of bank A
    address[3] customersB; // customers of bank B (one is also a customer of A)
    address[] holders; // every address that may hold any token
    uint256[] keys; // private keys of `holders`, for settlement orders
}

/// @title Random but bounded use of the settlement engine, with a ghost ledger
/// @notice The invariant fuzzer calls only this contract. Each function makes one bounded, plausible
/// move — instruct, settle, cancel, let time pass and expire, settle signed orders, pay across banks,
/// settle a netted batch, or disturb the ledger (approvals, freezes, issuer mints and burns) — and,
/// whenever the engine reports that value moved, replays the movement on a ghost ledger from the terms
/// alone. The invariants then compare the ghost ledger with the tokens.
/// @dev Nothing here reverts on a refused settlement: refusals are part of the game. Arithmetic on the
/// ghost ledger is signed so that a discrepancy shows up as a failed invariant, not a reverted call.
contract SettlementHandler {
    ParticipantRegistry private immutable registry;
    WholesaleCBDC private immutable wcbdc;
    TokenizedDeposit private immutable depA;
    TokenizedDeposit private immutable depB;
    GovernmentBond private immutable bond;
    SettlementEngine private immutable engine;
    address private immutable hkma;
    address private immutable government;

    address[3] private _banks;
    address[3] private _customersA;
    address[3] private _customersB;
    address[] private _holders;
    address[] private _tokens;
    mapping(address account => uint256 key) private _keyOf;

    /// @dev Trades entered through instructions, and whether the ghost ledger has applied their legs.
    Trade[] private _trades;
    mapping(bytes32 tradeId => bool) public ghostApplied;

    /// @dev The ghost ledger: every tracked balance and supply, moved only by what the handler saw settle
    /// or did itself.
    mapping(address token => mapping(address account => int256)) public ghostBalance;
    mapping(address token => int256) public ghostSupply;

    /// @dev Supply moved explicitly by issuers (not by settlement).
    int256 public ghostBondsIssued;
    mapping(address depositToken => int256) public ghostIssuerNet;
    /// @dev Deposit money a bank created (+) or destroyed (-) in settlements, against wCBDC it received or paid.
    mapping(address depositToken => int256) public ghostSettlementNet;
    /// @dev Net wCBDC that settlements paid into banks for their customers' deposits (+) or that banks paid
    /// out of customers' deposits (-): the only way settlement may create or destroy deposit money.
    int256 public ghostDepositMoneyNet;
    mapping(address token => uint256) public initialSupply;

    /// @dev Settled signed orders that settled again when replayed (must stay zero).
    uint256 public ghostReplaysSettled;

    /// @dev Call statistics, to see what a campaign exercised.
    uint256 public tradesSettled;
    uint256 public tradesFailed;
    uint256 public signedSettled;
    uint256 public paymentsSettled;
    uint256 public batchesSettled;
    uint256 public tradesExpired;
    uint256 public tradesCancelled;

    uint256 private _refs;

    constructor(HandlerSetup memory s) {
        registry = s.registry;
        wcbdc = s.wcbdc;
        depA = s.depA;
        depB = s.depB;
        bond = s.bond;
        engine = s.engine;
        hkma = s.hkma;
        government = s.government;
        _banks = s.banks;
        _customersA = s.customersA;
        _customersB = s.customersB;
        _holders = s.holders;
        _tokens = [address(wcbdc), address(depA), address(depB), address(bond)];
        for (uint256 h = 0; h < s.holders.length; ++h) _keyOf[s.holders[h]] = s.keys[h];
        for (uint256 t = 0; t < _tokens.length; ++t) {
            address token = _tokens[t];
            initialSupply[token] = IERC20(token).totalSupply();
            ghostSupply[token] = int256(initialSupply[token]);
            for (uint256 h = 0; h < s.holders.length; ++h) {
                ghostBalance[token][s.holders[h]] = int256(IERC20(token).balanceOf(s.holders[h]));
            }
        }
    }

    // ================================================================== instruction matching

    /// @notice A new trade in one of four markets; the seller instructs, and the buyer too when `both`.
    /// Due now or within a day, expiring 1 hour to 3 days after its settlement date.
    function newTrade(uint256 seed, uint256 quantity, uint256 amount, uint256 delay, uint256 window, bool both) external {
        Trade memory t = _newTerms(seed, quantity, amount);
        t.settlementDate = uint64(block.timestamp + (delay % 2 == 0 ? 0 : _bound(delay, 0, 1 days)));
        t.expiry = t.settlementDate + uint64(_bound(window, 1 hours, 3 days));
        _trades.push(t);
        vm.prank(t.seller);
        engine.instruct(t);
        if (both) {
            vm.prank(t.buyer);
            engine.instruct(t);
        }
        _sync(_trades.length - 1);
    }

    /// @notice The side of a pending trade that has not instructed yet does so.
    function instructMissing(uint256 index) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        Trade memory t = _trades[index];
        InstructionMatching.TradeRecord memory r = engine.tradeRecord(engine.tradeId(t));
        if (r.status != TradeStatus.Pending) return;
        vm.prank(r.sellerInstructed ? t.buyer : t.seller);
        try engine.instruct(t) {} catch {} // may be expired by now
        _sync(index);
    }

    /// @notice Anyone retries a matched or failed trade.
    function settle(uint256 index) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        try engine.settle(_trades[index]) {} catch {}
        _sync(index);
    }

    /// @notice A party cancels a trade.
    function cancel(uint256 index, bool bySeller) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        Trade memory t = _trades[index];
        vm.prank(bySeller ? t.seller : t.buyer);
        try engine.cancel(t) {
            ++tradesCancelled;
        } catch {}
        _sync(index);
    }

    /// @notice Time passes: up to a day.
    function warp(uint256 secondsLater) external {
        vm.warp(block.timestamp + _bound(secondsLater, 1, 1 days));
    }

    /// @notice Anyone marks an unsettled trade past its expiry as expired.
    function expire(uint256 index) external {
        if (_trades.length == 0) return;
        index %= _trades.length;
        try engine.expire(_trades[index]) {
            ++tradesExpired;
        } catch {}
        _sync(index);
    }

    /// @notice The settlement agent settles up to `k` due, single-cash-token trades as one netted batch.
    function settleBatch(uint256 seed, uint256 k) external {
        uint256 n = _trades.length;
        if (n == 0) return;
        k = _bound(k, 1, 5);
        uint256[] memory picked = new uint256[](k);
        uint256 count = 0;
        for (uint256 j = 0; j < n && count < k; ++j) {
            uint256 i = (seed + j) % n;
            Trade memory t = _trades[i];
            TradeStatus status = engine.tradeRecord(engine.tradeId(t)).status;
            bool open = status == TradeStatus.Matched || status == TradeStatus.Failed;
            bool due = block.timestamp >= t.settlementDate && block.timestamp <= t.expiry;
            if (open && due && t.buyerCash == t.sellerCash) picked[count++] = i;
        }
        if (count == 0) return;
        Trade[] memory batch = new Trade[](count);
        for (uint256 j = 0; j < count; ++j) batch[j] = _trades[picked[j]];
        vm.prank(hkma);
        try engine.settleBatch(batch) {
            ++batchesSettled;
        } catch {}
        for (uint256 j = 0; j < count; ++j) _sync(picked[j]);
    }

    // ================================================================== signed orders and payments

    /// @notice Both parties sign a due trade; the seller, the buyer or the agent submits it; one of them
    /// then replays it, which must not settle again.
    function settleSigned(uint256 seed, uint256 quantity, uint256 amount, uint192 nonceKey, uint256 submitter) external {
        Trade memory t = _newTerms(seed, quantity, amount);
        t.settlementDate = uint64(block.timestamp);
        t.expiry = uint64(block.timestamp + 1 days);
        uint256 sellerNonce = engine.nonces(t.seller, nonceKey);
        uint256 buyerNonce = engine.nonces(t.buyer, nonceKey);
        bytes memory sellerSig = _sign(t.seller, t, sellerNonce);
        bytes memory buyerSig = _sign(t.buyer, t, buyerNonce);
        submitter %= 3;
        address by = submitter == 0 ? t.seller : submitter == 1 ? t.buyer : hkma;

        vm.prank(by);
        try engine.settleSigned(t, sellerNonce, sellerSig, buyerNonce, buyerSig) {
            ++signedSettled;
            _applyLegs(t);
            uint256 replayer = (seed >> 32) % 3;
            vm.prank(replayer == 0 ? t.seller : replayer == 1 ? t.buyer : hkma);
            try engine.settleSigned(t, sellerNonce, sellerSig, buyerNonce, buyerSig) {
                ++ghostReplaysSettled;
                _applyLegs(t); // keep the ledger honest so that only the replay invariant fails
            } catch {}
        } catch {}
    }

    /// @notice A customer pays another customer, at the same bank or across banks.
    function pay(uint256 payerSeed, uint256 payeeSeed, uint256 amount) external {
        (address payer, address payerDeposit) = _customerAccount(payerSeed);
        (address payee, address payeeDeposit) = _customerAccount(payeeSeed);
        amount = _bound(amount, 1, 2_000_000_000);
        vm.prank(payer);
        try engine.pay(payerDeposit, payeeDeposit, payee, amount, bytes32(++_refs)) {
            ++paymentsSettled;
            _applyCash(payerDeposit, payeeDeposit, payer, payee, amount);
        } catch {}
    }

    /// @notice A bank pays wCBDC to a customer of bank A or B, who is credited in deposits.
    function payToCustomer(uint256 bankSeed, uint256 payeeSeed, uint256 amount) external {
        address bank = _banks[bankSeed % 3];
        (address payee, address deposit) = _customerAccount(payeeSeed);
        amount = _bound(amount, 1, 2_000_000_000);
        vm.prank(bank);
        try engine.payToCustomer(deposit, payee, amount, bytes32(++_refs)) {
            ++paymentsSettled;
            _applyCash(address(wcbdc), deposit, bank, payee, amount);
        } catch {}
    }

    // ================================================================== disturbances

    /// @notice A holder withdraws (or restores) its allowance to the engine on one token.
    function toggleApproval(uint256 holderSeed, uint256 tokenSeed) external {
        address holder = _holders[holderSeed % _holders.length];
        IERC20 token = IERC20(_tokens[tokenSeed % _tokens.length]);
        bool approved = token.allowance(holder, address(engine)) > 0;
        vm.prank(holder);
        token.approve(address(engine), approved ? 0 : type(uint256).max);
    }

    /// @notice Freezes or unfreezes a participant: in the registry (everywhere) or on one token.
    function toggleFreeze(uint256 holderSeed, uint256 where) external {
        address holder = _holders[holderSeed % _holders.length];
        where %= 4;
        if (where == 0) {
            if (holder == hkma) return; // the registrar itself stays unfrozen
            bool frozen = registry.participantOf(holder).frozen;
            vm.prank(hkma);
            registry.setFrozen(holder, !frozen);
        } else if (where == 3) {
            bool frozen = bond.isFrozen(holder);
            vm.prank(hkma);
            bond.setFrozen(holder, !frozen);
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

    /// @notice The government issues more bonds to a participant.
    function issueBonds(uint256 holderSeed, uint256 quantity) external {
        address holder = _holders[holderSeed % _holders.length];
        quantity = _bound(quantity, 1, 100);
        vm.prank(government);
        try bond.mint(holder, quantity) {
            _ghostMint(address(bond), holder, quantity);
            ghostBondsIssued += int256(quantity);
        } catch {}
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

    function trackedTokens() external view returns (address[] memory) {
        return _tokens;
    }

    // ================================================================== ghost ledger

    /// @dev Applies trade `index`'s legs to the ghost ledger the first time the engine reports it settled.
    function _sync(uint256 index) private {
        Trade memory t = _trades[index];
        bytes32 id = engine.tradeId(t);
        TradeStatus status = engine.tradeRecord(id).status;
        if (status == TradeStatus.Settled && !ghostApplied[id]) {
            ghostApplied[id] = true;
            ++tradesSettled;
            _applyLegs(t);
        } else if (status == TradeStatus.Failed) {
            ++tradesFailed;
        }
    }

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

    function _sign(address signer, Trade memory t, uint256 nonce) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keyOf[signer], engine.settlementOrderDigest(t, nonce));
        return abi.encodePacked(r, s, v);
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
