// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {FailureReason, Trade, TradeHash, TradeStatus} from "./Trade.sol";
import {TradeRecords} from "./TradeRecords.sol";

/// @title Instruction matching and settlement of DvP trades
/// @notice Seller and buyer each instruct the same trade. Identical instructions match; a matched
/// trade settles atomically in the transaction that completes the match if it is due, or later by
/// `settle` on or after its settlement date. A failed attempt moves nothing and leaves the trade
/// `Failed` with its reason, to be retried until it expires. Cancellation follows ISO 20022 / T2S
/// practice: either party cancels an unmatched trade alone; a matched one is cancelled only when both
/// parties have asked (CAND/CANI from both sides).
/// @dev Only the record is stored (one slot per trade, shared with the other paths in `TradeRecords`);
/// the terms travel in calldata and, once, in the `TradeTermsRecorded` event, and every call re-submits them.
abstract contract InstructionMatching is TradeRecords, ReentrancyGuardTransient {
    /// @notice Instructs `trade` as its seller or buyer (whichever the caller is). When both sides have
    /// instructed, the trade matches and, if its settlement date has come, settles at once.
    /// @dev Requirements: caller is the trade's seller or buyer and has not instructed it yet; the terms
    /// are valid and unexpired; the trade is unmatched. A due trade that cannot settle ends `Failed`
    /// with its reason instead of reverting, so the match is kept.
    /// @param trade the terms, identical on both sides.
    /// @return status the trade's status after the call.
    function instruct(Trade calldata trade) external nonReentrant whenNotPaused returns (TradeStatus status) {
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
    function settle(Trade calldata trade) external nonReentrant whenNotPaused returns (TradeStatus status) {
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

    /// @notice Cancels an unsettled trade, or asks to. Only its seller or buyer may.
    /// @dev Unmatched (no record yet, or `Pending`): cancelled at once, which also voids any signed
    /// order for the same terms. `Matched` or `Failed`: the caller's request is recorded
    /// (`TradeCancellationRequested`); the trade is cancelled when the other party asks too, and until
    /// then it can still settle. Requirements: caller is a party; the trade is not settled,
    /// cancelled or expired; the caller has not asked already.
    /// @param trade the terms.
    /// @return status the trade's status after the call.
    function cancel(Trade calldata trade) external nonReentrant returns (TradeStatus status) {
        bytes32 id = TradeHash.hash(trade);
        bool isSeller = msg.sender == trade.seller;
        if (!isSeller && msg.sender != trade.buyer) revert NotTradeParty(msg.sender, id);
        TradeRecord storage record = _trades[id];
        status = record.status;
        if (!_isOpen(status)) revert TradeInWrongStatus(id, status);
        if (status == TradeStatus.Matched || status == TradeStatus.Failed) {
            if (isSeller ? record.sellerCancelRequested : record.buyerCancelRequested) {
                revert CancellationAlreadyRequested(id, msg.sender);
            }
            if (isSeller) record.sellerCancelRequested = true;
            else record.buyerCancelRequested = true;
            emit TradeCancellationRequested(id, msg.sender);
            if (!(record.sellerCancelRequested && record.buyerCancelRequested)) return status;
        }
        record.status = TradeStatus.Cancelled;
        emit TradeCancelled(id, msg.sender);
        return TradeStatus.Cancelled;
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
        _requireRegisteredTokens(trade);
        _deliverAndPay(trade, id);
    }

    /// @dev Marks `record` expired (CANS).
    function _expire(bytes32 id, TradeRecord memory record) internal {
        record.status = TradeStatus.Expired;
        record.reason = FailureReason.Expired;
        emit TradeExpiredUnsettled(id);
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

    /// @dev The reason inside a `SettlementLegFailed` revert; `TokenRejected` for anything else.
    function _failureReason(bytes memory err) private pure returns (FailureReason) {
        if (err.length < 36 || bytes4(err) != SettlementLegFailed.selector) return FailureReason.TokenRejected;
        uint256 reason;
        for (uint256 i = 4; i < 36; ++i) reason = (reason << 8) | uint8(err[i]);
        return FailureReason(reason);
    }
}
