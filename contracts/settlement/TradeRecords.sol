// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementLegs} from "./SettlementLegs.sol";
import {FailureReason, Trade, TradeHash, TradeStatus} from "./Trade.sol";

/// @title One status record per trade, shared by every settlement path
/// @notice Instruction matching, signed one-transaction DvP and netting batches read and write the
/// same record for a trade id (the EIP-712 hash of its terms), so a trade settles at most once
/// whichever path settles it, and a cancelled or expired trade settles on none.
abstract contract TradeRecords is SettlementLegs {
    /// @notice What the engine stores per trade: one slot.
    struct TradeRecord {
        TradeStatus status;
        FailureReason reason;
        bool sellerInstructed;
        bool buyerInstructed;
        bool sellerCancelRequested;
        bool buyerCancelRequested;
    }

    mapping(bytes32 tradeId => TradeRecord) internal _trades;

    /// @notice The id of `trade`: its EIP-712 struct hash.
    /// @param trade the terms.
    /// @return the trade id.
    function tradeId(Trade calldata trade) external pure returns (bytes32) {
        return TradeHash.hash(trade);
    }

    /// @notice The status of trade `id`, the reason of its last failure, which sides instructed it
    /// and which asked to cancel it.
    /// @param id the trade id.
    /// @return the stored record.
    function tradeRecord(bytes32 id) external view returns (TradeRecord memory) {
        return _trades[id];
    }

    /// @dev Whether a trade in `status` may still settle: not yet settled, cancelled or expired.
    function _isOpen(TradeStatus status) internal pure returns (bool) {
        return status != TradeStatus.Settled && status != TradeStatus.Cancelled && status != TradeStatus.Expired;
    }
}
