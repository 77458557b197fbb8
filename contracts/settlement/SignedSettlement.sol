// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {NoncesKeyed} from "@openzeppelin/contracts/utils/NoncesKeyed.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {FailureReason, Trade, TradeHash, TradeStatus} from "./Trade.sol";
import {TradeRecords} from "./TradeRecords.sol";

/// @notice One trade with both parties' signed orders, as `matchSignedBatch` takes it.
/// @param trade the terms both parties signed.
/// @param sellerNonce the seller's keyed nonce (key << 64 | sequence).
/// @param sellerSignature the seller's signature over its `SettlementOrder`.
/// @param buyerNonce the buyer's keyed nonce.
/// @param buyerSignature the buyer's signature over its `SettlementOrder`.
struct SignedTrade {
    Trade trade;
    uint256 sellerNonce;
    bytes sellerSignature;
    uint256 buyerNonce;
    bytes buyerSignature;
}

/// @title One-transaction DvP from both parties' EIP-712 signed orders
/// @notice Seller and buyer each sign a `SettlementOrder` — the trade plus a nonce of their own — and
/// either party or a settlement agent submits them; both legs move in that transaction. Each party's
/// nonce is consumed on settlement, including the submitter's, so the same orders settle once.
/// A signature is bound to this contract and chain (EIP-712 domain), void after the trade's expiry, and
/// usable once: each signer's nonce is consumed (keyed nonces, so independent order streams do not
/// wait on each other). A signer can void an unsubmitted order by consuming its nonce first.
/// The trade's record is the one instruction matching and netting use (`TradeRecords`): a trade
/// already settled by any path, cancelled or expired is refused, and a trade settled here can be
/// neither settled again by `settle` or a batch nor instructed again.
/// @dev Contract signers are supported through ERC-1271 (`SignatureChecker`).
abstract contract SignedSettlement is TradeRecords, EIP712, NoncesKeyed, ReentrancyGuardTransient {
    /// @dev keccak256 of the EIP-712 type of a party's order (which nests `Trade`).
    bytes32 public constant SETTLEMENT_ORDER_TYPEHASH = keccak256(
        "SettlementOrder(Trade trade,uint256 nonce)Trade(bytes32 tradeRef,address seller,address buyer,address asset,"
        "uint256 quantity,address buyerCash,address sellerCash,uint256 amount,uint64 settlementDate,uint64 expiry)"
    );

    /// @notice Most trades one `matchSignedBatch` call may hold (as many as one netting batch).
    uint256 public constant MAX_SIGNED_MATCH_BATCH = 100;

    /// @notice Emitted when `owner` voids a nonce so that an order signed with it can never settle.
    event NonceInvalidated(address indexed owner, uint256 keyNonce);

    /// @notice Settles `trade` in this transaction from the seller's and the buyer's signed orders.
    /// @dev Requirements: caller is the seller, the buyer or a `SETTLEMENT_AGENT_ROLE` holder; the trade
    /// is due and unexpired, and not settled, cancelled or expired on any path (its record, if any, is
    /// `Pending`, `Matched` or `Failed`, and becomes `Settled`); each party's nonce is its current one for
    /// its key, and is consumed; the signature of every party other than the caller verifies over its
    /// order. A party that submits needs no signature of its own (its signature argument is ignored, its
    /// nonce is not). Reverts `SettlementLegFailed` with the reason if a leg cannot move.
    /// @param trade the terms both parties signed.
    /// @param sellerNonce the seller's keyed nonce (key << 64 | sequence).
    /// @param sellerSignature the seller's signature over its order.
    /// @param buyerNonce the buyer's keyed nonce.
    /// @param buyerSignature the buyer's signature over its order.
    /// @return id the trade id.
    function settleSigned(
        Trade calldata trade,
        uint256 sellerNonce,
        bytes calldata sellerSignature,
        uint256 buyerNonce,
        bytes calldata buyerSignature
    ) external nonReentrant whenNotPaused returns (bytes32 id) {
        if (msg.sender != trade.seller && msg.sender != trade.buyer && !hasRole(SETTLEMENT_AGENT_ROLE, msg.sender)) {
            revert NotAuthorisedSubmitter(msg.sender);
        }
        _requireValidTerms(trade);
        id = TradeHash.hash(trade);
        if (block.timestamp > trade.expiry) revert TradeExpired(id, trade.expiry);
        if (block.timestamp < trade.settlementDate) revert TradeNotDue(id, trade.settlementDate);
        TradeRecord storage record = _trades[id];
        TradeStatus status = record.status;
        if (!_isOpen(status)) revert TradeInWrongStatus(id, status);

        // A party submitting the transaction consents by sending it, so its signature is not checked;
        // its nonce is still consumed, so the counterparty cannot settle the same orders a second time.
        _useOrder(trade.seller, id, sellerNonce, sellerSignature);
        _useOrder(trade.buyer, id, buyerNonce, buyerSignature);

        record.status = TradeStatus.Settled;
        record.reason = FailureReason.None;
        _deliverAndPay(trade, id);
        emit TradeSettled(id, trade.seller, trade.buyer, trade.quantity, trade.amount, true);
    }

    /// @notice Matches many trades at once from both parties' signed orders, without settling them:
    /// each becomes `Matched`, as if both parties had instructed it, to settle later by `settle` or in
    /// a netting batch (`settleBatch`), where every gross leg is still checked against its token's rules.
    /// @dev The signed order is the same `SettlementOrder` `settleSigned` takes: each party's consent to
    /// settle that trade, bound to this contract and chain, void after the trade's expiry and usable
    /// once (its nonce is consumed here, so the same orders cannot also settle by `settleSigned`).
    /// All or nothing: one member that cannot match reverts the whole call, consuming no nonce.
    /// Requirements: caller has `SETTLEMENT_AGENT_ROLE`; 1 to `MAX_SIGNED_MATCH_BATCH` members; each
    /// member's terms are valid (`InvalidTradeTerm`, registered tokens), unexpired (`TradeExpired`) and
    /// unmatched — no record yet or `Pending` (`TradeInWrongStatus`; so a trade given twice reverts);
    /// each party's nonce is its current one for its key (`InvalidAccountNonce`) and its signature
    /// verifies over its order (`InvalidSignature`), unless the party is the caller.
    /// Emits `TradeTermsRecorded` (for a trade not seen before) and `TradeMatched` per member.
    /// @param orders the trades, each with both parties' nonces and signatures.
    /// @return matched the number of trades matched (`orders.length`).
    function matchSignedBatch(
        SignedTrade[] calldata orders
    ) external nonReentrant whenNotPaused onlyRole(SETTLEMENT_AGENT_ROLE) returns (uint256 matched) {
        uint256 n = orders.length;
        if (n == 0 || n > MAX_SIGNED_MATCH_BATCH) revert BatchSizeOutOfRange(n, MAX_SIGNED_MATCH_BATCH);
        for (uint256 i = 0; i < n; ++i) {
            SignedTrade calldata order = orders[i];
            Trade calldata trade = order.trade;
            _requireValidTerms(trade);
            bytes32 id = TradeHash.hash(trade);
            if (block.timestamp > trade.expiry) revert TradeExpired(id, trade.expiry);
            TradeRecord storage record = _trades[id];
            TradeStatus status = record.status;
            if (status != TradeStatus.None && status != TradeStatus.Pending) revert TradeInWrongStatus(id, status);

            _useOrder(trade.seller, id, order.sellerNonce, order.sellerSignature);
            _useOrder(trade.buyer, id, order.buyerNonce, order.buyerSignature);

            if (status == TradeStatus.None) emit TradeTermsRecorded(id, trade);
            record.status = TradeStatus.Matched;
            record.sellerInstructed = true;
            record.buyerInstructed = true;
            emit TradeMatched(id);
        }
        return n;
    }

    /// @notice The EIP-712 digest a party signs for `trade` with `nonce`.
    /// @param trade the terms.
    /// @param nonce the signer's keyed nonce.
    /// @return the digest to sign.
    function settlementOrderDigest(Trade calldata trade, uint256 nonce) external view returns (bytes32) {
        return _orderDigest(TradeHash.hash(trade), nonce);
    }

    /// @notice Voids the caller's next nonce for `key`, so an order signed with it can never settle.
    /// @param key the nonce key (stream) to advance.
    function invalidateNonce(uint192 key) external {
        uint256 used = _useNonce(msg.sender, key);
        emit NonceInvalidated(msg.sender, used);
    }

    /// @dev Consumes `party`'s order: its nonce always, its signature unless `party` is the caller.
    function _useOrder(address party, bytes32 id, uint256 nonce, bytes calldata signature) private {
        if (
            msg.sender != party &&
            !SignatureChecker.isValidSignatureNowCalldata(party, _orderDigest(id, nonce), signature)
        ) revert InvalidSignature(party);
        _useCheckedNonce(party, nonce);
    }

    function _orderDigest(bytes32 id, uint256 nonce) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SETTLEMENT_ORDER_TYPEHASH, id, nonce)));
    }
}
