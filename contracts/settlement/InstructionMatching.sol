// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {SettlementLegs} from "./SettlementLegs.sol";
import {FailureReason, Trade, TradeHash, TradeStatus} from "./Trade.sol";

/// @title Instruction matching and settlement of DvP trades
/// @notice Seller and buyer each instruct the same trade. Identical instructions match; a matched
/// trade settles atomically in the transaction that completes the match if it is due, or later by
/// `settle` on or after its settlement date. A failed attempt moves nothing and leaves the trade
/// `Failed` with its reason, to be retried until it expires. Either party may cancel before settlement.
/// @dev Only a hash of the terms is stored (one slot per trade); the terms travel in calldata and, once,
/// in the `TradeTermsRecorded` event, and every call re-submits them.
abstract contract InstructionMatching is SettlementLegs, ReentrancyGuardTransient {
    /// @notice What the engine stores per trade: one slot.
    struct TradeRecord {
        TradeStatus status;
        FailureReason reason;
        bool sellerInstructed;
        bool buyerInstructed;
    }

    mapping(bytes32 tradeId => TradeRecord) private _trades;

    /// @notice The id of `trade`: its EIP-712 struct hash.
    /// @param trade the terms.
    /// @return the trade id.
    function tradeId(Trade calldata trade) external pure returns (bytes32) {
        return TradeHash.hash(trade);
    }

    /// @notice The status of trade `id`, the reason of its last failure, and which sides instructed it.
    /// @param id the trade id.
    /// @return the stored record.
    function tradeRecord(bytes32 id) external view returns (TradeRecord memory) {
        return _trades[id];
    }

    /// @notice Instructs `trade` as its seller or buyer (whichever the caller is). When both sides have
    /// instructed, the trade matches and, if its settlement date has come, settles at once.
    /// @dev Requirements: caller is the trade's seller or buyer and has not instructed it yet; the terms
    /// are valid and unexpired; the trade is unmatched. A due trade that cannot settle ends `Failed`
    /// with its reason instead of reverting, so the match is kept.
    /// @param trade the terms, identical on both sides.
    /// @return status the trade's status after the call.
    function instruct(Trade calldata trade) external nonReentrant returns (TradeStatus status) {
        _requireValidTerms(trade);
        bytes32 id = TradeHash.hash(trade);
        if (block.timestamp > trade.expiry) revert TradeExpired(id, trade.expiry);
        TradeRecord memory record = _trades[id];
        if (record.status != TradeStatus.None && record.status != TradeStatus.Pending) {
            revert TradeInWrongStatus(id, record.status);
        }

        bool isSeller = msg.sender == trade.seller;
        if (isSeller) {
            if (record.sellerInstructed) revert TradeAlreadyInstructed(id, msg.sender);
            record.sellerInstructed = true;
        } else if (msg.sender == trade.buyer) {
            if (record.buyerInstructed) revert TradeAlreadyInstructed(id, msg.sender);
            record.buyerInstructed = true;
        } else {
            revert NotTradeParty(msg.sender, id);
        }
        if (record.status == TradeStatus.None) emit TradeTermsRecorded(id, trade);
        emit TradeInstructed(id, msg.sender, isSeller);

        if (record.sellerInstructed && record.buyerInstructed) {
            record.status = TradeStatus.Matched;
            emit TradeMatched(id);
            if (block.timestamp >= trade.settlementDate) _attempt(trade, id, record);
        } else {
            record.status = TradeStatus.Pending;
        }
        _trades[id] = record;
        return record.status;
    }

    /// @notice Attempts to settle a matched (or previously failed) trade that is due. Anyone may call.
    /// @dev Requirements: the trade is `Matched` or `Failed` and due. Past expiry it becomes `Expired`
    /// instead. A failed attempt does not revert: it records `Failed` and the reason, and moves nothing.
    /// @param trade the terms.
    /// @return status the trade's status after the call.
    function settle(Trade calldata trade) external nonReentrant returns (TradeStatus status) {
        bytes32 id = TradeHash.hash(trade);
        TradeRecord memory record = _trades[id];
        if (record.status != TradeStatus.Matched && record.status != TradeStatus.Failed) {
            revert TradeInWrongStatus(id, record.status);
        }
        if (block.timestamp > trade.expiry) {
            _expire(id, record);
        } else {
            if (block.timestamp < trade.settlementDate) revert TradeNotDue(id, trade.settlementDate);
            _attempt(trade, id, record);
        }
        _trades[id] = record;
        return record.status;
    }

    /// @notice Cancels an unsettled trade. Only its seller or buyer may.
    /// @dev Requirements: caller is a party; status is `Pending`, `Matched` or `Failed`.
    /// @param trade the terms.
    function cancel(Trade calldata trade) external nonReentrant {
        bytes32 id = TradeHash.hash(trade);
        if (msg.sender != trade.seller && msg.sender != trade.buyer) revert NotTradeParty(msg.sender, id);
        TradeStatus status = _trades[id].status;
        if (status != TradeStatus.Pending && status != TradeStatus.Matched && status != TradeStatus.Failed) {
            revert TradeInWrongStatus(id, status);
        }
        _trades[id].status = TradeStatus.Cancelled;
        emit TradeCancelled(id, msg.sender);
    }

    /// @notice Marks an unsettled trade past its expiry as `Expired`. Anyone may call.
    /// @dev Requirements: status is `Pending`, `Matched` or `Failed`; the expiry has passed.
    /// @param trade the terms.
    function expire(Trade calldata trade) external nonReentrant {
        bytes32 id = TradeHash.hash(trade);
        TradeRecord memory record = _trades[id];
        if (
            record.status != TradeStatus.Pending &&
            record.status != TradeStatus.Matched &&
            record.status != TradeStatus.Failed
        ) revert TradeInWrongStatus(id, record.status);
        if (block.timestamp <= trade.expiry) revert InvalidTradeTerm("expiry");
        _expire(id, record);
        _trades[id] = record;
    }

    /// @notice Moves both legs of `trade`; only the engine itself may call, so that a failure rolls back
    /// every leg and the caller can still record it.
    /// @param trade the terms.
    /// @param id the trade id.
    function executeTrade(Trade calldata trade, bytes32 id) external {
        if (msg.sender != address(this)) revert OnlySelf();
        _deliverAndPay(trade, id);
    }

    /// @dev For netting batches: the record of a trade that must be due and unsettled; marks it settled.
    function _takeForBatch(Trade calldata trade) internal returns (bytes32 id) {
        id = TradeHash.hash(trade);
        TradeStatus status = _trades[id].status;
        if (status != TradeStatus.Matched && status != TradeStatus.Failed) revert TradeInWrongStatus(id, status);
        if (block.timestamp > trade.expiry) revert TradeExpired(id, trade.expiry);
        if (block.timestamp < trade.settlementDate) revert TradeNotDue(id, trade.settlementDate);
        _trades[id] = TradeRecord(TradeStatus.Settled, FailureReason.None, true, true);
    }

    function _attempt(Trade calldata trade, bytes32 id, TradeRecord memory record) private {
        try this.executeTrade(trade, id) {
            record.status = TradeStatus.Settled;
            record.reason = FailureReason.None;
            emit TradeSettled(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
        } catch (bytes memory err) {
            record.status = TradeStatus.Failed;
            record.reason = _failureReason(err);
            emit TradeSettlementFailed(id, record.reason, err);
        }
    }

    function _expire(bytes32 id, TradeRecord memory record) private {
        record.status = TradeStatus.Expired;
        record.reason = FailureReason.Expired;
        emit TradeExpiredUnsettled(id);
    }

    /// @dev The reason inside a `SettlementLegFailed` revert; `TokenRejected` for anything else.
    function _failureReason(bytes memory err) private pure returns (FailureReason) {
        if (err.length < 36 || bytes4(err) != SettlementLegFailed.selector) return FailureReason.TokenRejected;
        uint256 reason;
        for (uint256 i = 4; i < 36; ++i) reason = (reason << 8) | uint8(err[i]);
        return FailureReason(reason);
    }
}
