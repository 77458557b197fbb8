// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FailureReason, Leg, Trade, TradeStatus} from "./Trade.sol";

/// @title Errors of the settlement engine
interface ISettlementErrors {
    /// @notice A leg could not move; nothing moved. `reason` classifies `tokenError`, the token's own revert data.
    /// @param reason the classified failure reason.
    /// @param leg which leg failed.
    /// @param token the token that refused.
    /// @param tokenError the token's revert data (e.g. `ERC20InsufficientBalance(...)`), empty if it returned false.
    error SettlementLegFailed(FailureReason reason, Leg leg, address token, bytes tokenError);

    /// @notice The caller is neither the trade's seller nor its buyer.
    /// @param caller the caller.
    /// @param tradeId the trade.
    error NotTradeParty(address caller, bytes32 tradeId);

    /// @notice The caller may not submit this signed trade (only its parties or a settlement agent may).
    /// @param caller the caller.
    error NotAuthorisedSubmitter(address caller);

    /// @notice The trade's terms are unusable; `term` names the bad one (e.g. "quantity", "expiry").
    /// @param term the rejected term.
    error InvalidTradeTerm(string term);

    /// @notice The trade expired at `expiry`.
    /// @param tradeId the trade.
    /// @param expiry its expiry.
    error TradeExpired(bytes32 tradeId, uint64 expiry);

    /// @notice The trade is not yet due: its settlement date is `settlementDate`.
    /// @param tradeId the trade.
    /// @param settlementDate its settlement date.
    error TradeNotDue(bytes32 tradeId, uint64 settlementDate);

    /// @notice The trade is in `status`, which does not allow this action.
    /// @param tradeId the trade.
    /// @param status its current status.
    error TradeInWrongStatus(bytes32 tradeId, TradeStatus status);

    /// @notice This party has already instructed this trade.
    /// @param tradeId the trade.
    /// @param party the party.
    error TradeAlreadyInstructed(bytes32 tradeId, address party);

    /// @notice `signer`'s signature over its settlement order does not verify.
    /// @param signer the party whose signature failed.
    error InvalidSignature(address signer);

    /// @notice `token` is not a tokenized deposit registered with the engine for interbank settlement.
    /// @param token the token.
    error DepositTokenNotRegistered(address token);

    /// @notice No wCBDC of the deposit token's currency is registered with the engine.
    /// @param token the deposit token.
    error DepositCurrencyMismatch(address token);

    /// @notice The two cash tokens of a payment settle in different central-bank currencies.
    /// @param payerCash the payer's cash token.
    /// @param payeeCash the payee's cash token.
    error CashCurrencyMismatch(address payerCash, address payeeCash);

    /// @notice A wCBDC of the same currency is already registered.
    /// @param wcbdc the rejected token.
    error WholesaleCbdcAlreadyRegistered(address wcbdc);

    /// @notice A netting batch held `count` trades; allowed is 1 to `max`.
    /// @param count trades given.
    /// @param max the bound.
    error BatchSizeOutOfRange(uint256 count, uint256 max);

    /// @notice Trade number `index` of a batch pays in two different cash tokens; batches net single-token cash legs only.
    /// @param index position in the batch.
    error BatchInterbankLegUnsupported(uint256 index);

    /// @notice A function only the engine may call on itself.
    error OnlySelf();

    /// @notice `asset` is not registered with the engine (`registerAsset`): it cannot be traded or issued here.
    /// @param asset the token.
    error AssetNotRegistered(address asset);

    /// @notice `token` is neither registered central-bank money nor a registered deposit line.
    /// @param token the token.
    error CashTokenNotRegistered(address token);

    /// @notice `account` is not an eligible participant of kind `Issuer`.
    /// @param account the account.
    error NotAnIssuer(address account);

    /// @notice `account` is not an eligible participant of kind `CommercialBank`.
    /// @param account the account.
    error NotCommercialBank(address account);

    /// @notice `caller` does not hold `CENTRAL_BANK_ROLE` on `wcbdc`.
    /// @param caller the caller.
    /// @param wcbdc the central-bank money.
    error NotCentralBankOf(address caller, address wcbdc);

    /// @notice `caller` is not the bank that issues `depositToken`.
    /// @param caller the caller.
    /// @param depositToken the deposit token.
    error NotDepositTokenBank(address caller, address depositToken);

    /// @notice No bank has consented to a deposit line for `depositToken`.
    /// @param depositToken the deposit token.
    error DepositLineNotConsented(address depositToken);

    /// @notice `party` has already asked to cancel matched trade `tradeId`; the counterparty must agree.
    /// @param tradeId the trade.
    /// @param party the party.
    error CancellationAlreadyRequested(bytes32 tradeId, address party);
}

/// @title Settlement engine: events and shared views
interface ISettlementEngine is ISettlementErrors {
    /// @notice The terms of trade `tradeId`, emitted once, when its first instruction arrives.
    event TradeTermsRecorded(bytes32 indexed tradeId, Trade trade);

    /// @notice A party instructed a trade (status Pending, or Matched when the other side already had).
    event TradeInstructed(bytes32 indexed tradeId, address indexed party, bool isSeller);

    /// @notice Both sides' instructions agree (ISO 20022: MACH).
    event TradeMatched(bytes32 indexed tradeId);

    /// @notice Both legs moved. `signed` is true for the one-transaction signed path.
    event TradeSettled(
        bytes32 indexed tradeId,
        address indexed seller,
        address indexed buyer,
        uint256 quantity,
        uint256 amount,
        bool signed
    );

    /// @notice A matched trade settled as part of netting batch `batchId` (its legs moved net, in `BatchSettled`).
    event TradeSettledInBatch(bytes32 indexed tradeId, uint256 indexed batchId);

    /// @notice A settlement attempt of a matched trade failed; no balance moved (ISO 20022: PENF + reason).
    event TradeSettlementFailed(bytes32 indexed tradeId, FailureReason reason, bytes tokenError);

    /// @notice The trade is cancelled (CAND/CANI): by either party while unmatched, by both once matched.
    /// `by` is the party whose request completed the cancellation.
    event TradeCancelled(bytes32 indexed tradeId, address indexed by);

    /// @notice One party of a matched trade asked to cancel it; it stays matched until the other agrees.
    event TradeCancellationRequested(bytes32 indexed tradeId, address indexed by);

    /// @notice A member of netting batch `batchId` did not settle in it. `status` is its status after
    /// the batch (e.g. `Settled` elsewhere, `Cancelled`, `Expired`, `Failed` with `reason` when a
    /// gross leg breaks a token's rules, `Matched` when not yet due); the rest of the batch settled.
    event TradeSkippedInBatch(bytes32 indexed tradeId, uint256 indexed batchId, TradeStatus status, FailureReason reason);

    /// @notice The trade passed its expiry unsettled (CAND/CANS).
    event TradeExpiredUnsettled(bytes32 indexed tradeId);

    /// @notice The cash leg crossed banks: `payerBank` paid `payeeBank` `amount` of wCBDC.
    event InterbankSettled(
        bytes32 indexed settlementRef,
        address indexed payerBank,
        address indexed payeeBank,
        uint256 amount
    );

    /// @notice A customer payment settled (possibly across banks).
    event PaymentSettled(
        bytes32 indexed paymentRef,
        address indexed payer,
        address indexed payee,
        address payerDeposit,
        address payeeDeposit,
        uint256 amount
    );

    /// @notice A tokenized deposit was registered (or deregistered) for interbank settlement.
    event DepositTokenRegistered(address indexed token, address indexed bank, bool registered);

    /// @notice `bank` consented (or withdrew consent) to interbank settlement of its deposit token.
    event DepositLineConsented(address indexed token, address indexed bank, bool consented);

    /// @notice The registrar registered (or deregistered) `asset`, issued by `issuer` against `cashToken`.
    event AssetRegistered(address indexed asset, address indexed issuer, address cashToken, bool registered);

    /// @notice A central bank's wholesale CBDC was registered for settlement in `currency`.
    event WholesaleCbdcRegistered(address indexed wcbdc, string currency);

    /// @notice A netting batch settled `tradeCount` of its members (`skipped` others did not settle):
    /// `grossTransfers` movements netted down to `netTransfers`.
    event BatchSettled(
        uint256 indexed batchId,
        uint256 tradeCount,
        uint256 skipped,
        uint256 grossTransfers,
        uint256 netTransfers
    );
}
