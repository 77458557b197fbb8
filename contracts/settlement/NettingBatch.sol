// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InstructionMatching} from "./InstructionMatching.sol";
import {FailureReason, Leg, Trade} from "./Trade.sol";

/// @title Batch settlement with multilateral netting
/// @notice A settlement agent settles a batch of matched, due trades in one transaction, all or
/// nothing. Positions are netted per token and participant: every participant with a net debit pays
/// it into the engine once, then every participant with a net credit is paid once. The resulting
/// balances equal settling the trades one by one (netting only needs less liquidity).
/// @dev Batches net single-token cash legs (e.g. wCBDC among banks); cross-bank deposit legs settle
/// trade by trade. The engine holds each netted token for the length of the transaction, so it must
/// be an eligible holder of each (registered as infrastructure, approved for wCBDC).
abstract contract NettingBatch is InstructionMatching {
    /// @notice Most trades one batch may hold. With at most four positions per trade the netting pass
    /// is O(n × positions) and the net transfers at most 4n; 100 trades stay below 15 million gas even
    /// when every trade is between new participants, so a batch always fits a 30-million-gas block.
    uint256 public constant MAX_BATCH_TRADES = 100;

    /// @notice What a settled batch did.
    struct BatchReport {
        uint32 tradeCount;
        uint32 grossTransfers;
        uint32 netTransfers;
        uint64 settledAt;
    }

    /// @dev One netted position: a participant's net movement in one token.
    struct Position {
        address token;
        address account;
        int256 net;
        bool isAsset;
    }

    uint256 private _batchCount;
    mapping(uint256 batchId => BatchReport) private _batches;

    /// @notice The report of batch `batchId` (zero if none).
    /// @param batchId the batch number, from 1.
    /// @return the report.
    function batchReport(uint256 batchId) external view returns (BatchReport memory) {
        return _batches[batchId];
    }

    /// @notice Number of batches settled so far (the id of the last one).
    /// @return the count.
    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    /// @notice Settles `trades` as one netted batch.
    /// @dev Requirements: caller has `SETTLEMENT_AGENT_ROLE`; 1 to `MAX_BATCH_TRADES` trades; each is
    /// `Matched` (or `Failed`), due, unexpired, appears once, and pays in one cash token. Reverts,
    /// moving nothing, if any net debit cannot be paid (`SettlementLegFailed`).
    /// @param trades the trades' terms.
    /// @return batchId the new batch's id.
    function settleBatch(
        Trade[] calldata trades
    ) external nonReentrant onlyRole(SETTLEMENT_AGENT_ROLE) returns (uint256 batchId) {
        uint256 n = trades.length;
        if (n == 0 || n > MAX_BATCH_TRADES) revert BatchSizeOutOfRange(n, MAX_BATCH_TRADES);

        Position[] memory positions = new Position[](4 * n);
        uint256 count = 0;
        for (uint256 i = 0; i < n; ++i) {
            Trade calldata t = trades[i];
            if (t.buyerCash != t.sellerCash) revert BatchInterbankLegUnsupported(i);
            bytes32 id = _takeForBatch(t);
            int256 quantity = _toInt(t.quantity);
            int256 amount = _toInt(t.amount);
            count = _add(positions, count, t.asset, t.seller, -quantity, true);
            count = _add(positions, count, t.asset, t.buyer, quantity, true);
            count = _add(positions, count, t.buyerCash, t.buyer, -amount, false);
            count = _add(positions, count, t.buyerCash, t.seller, amount, false);
            emit TradeSettled(id, t.seller, t.buyer, t.quantity, t.amount, false);
        }

        uint256 netTransfers = 0;
        // Debits first, into the engine; then credits out of it. Each position moves once.
        for (uint256 k = 0; k < count; ++k) {
            Position memory p = positions[k];
            if (p.net < 0) {
                FailureReason shortfall = p.isAsset ? FailureReason.InsufficientSecurities : FailureReason.InsufficientCash;
                _move(p.isAsset ? Leg.Asset : Leg.Cash, shortfall, p.token, p.account, address(this), uint256(-p.net));
                ++netTransfers;
            }
        }
        for (uint256 k = 0; k < count; ++k) {
            Position memory p = positions[k];
            if (p.net > 0) {
                _moveOut(p.isAsset ? Leg.Asset : Leg.Cash, p.token, p.account, uint256(p.net));
                ++netTransfers;
            }
        }

        batchId = ++_batchCount;
        _batches[batchId] = BatchReport({
            tradeCount: uint32(n),
            grossTransfers: uint32(2 * n),
            netTransfers: uint32(netTransfers),
            settledAt: uint64(block.timestamp)
        });
        emit BatchSettled(batchId, n, 2 * n, netTransfers);
    }

    /// @dev Adds `delta` to the position of (`token`, `account`), appending it if new; returns the new count.
    function _add(
        Position[] memory positions,
        uint256 count,
        address token,
        address account,
        int256 delta,
        bool isAsset
    ) private pure returns (uint256) {
        for (uint256 k = 0; k < count; ++k) {
            if (positions[k].token == token && positions[k].account == account) {
                positions[k].net += delta;
                return count;
            }
        }
        positions[count] = Position(token, account, delta, isAsset);
        return count + 1;
    }

    function _toInt(uint256 value) private pure returns (int256) {
        if (value > uint256(type(int256).max)) revert InvalidTradeTerm("amount");
        return int256(value);
    }
}
