// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InstructionMatching} from "./InstructionMatching.sol";
import {FailureReason, Leg, Trade, TradeHash, TradeStatus} from "./Trade.sol";

/// @title Batch settlement with multilateral netting
/// @notice A settlement agent settles a batch of matched, due trades in one transaction. Positions
/// are netted per token and participant: every participant with a net debit pays it into the engine
/// once, then every participant with a net credit is paid once.
///
/// Policy — **skip the trade, fail the batch only for liquidity**: each member is first judged as
/// `settle` would judge it alone. A member that is no longer open (settled on another path,
/// cancelled), not yet due, or past expiry (it becomes `Expired`) is skipped; so is a member any of
/// whose gross legs breaks a token's rules — pause, freeze, eligibility, maturity, asked of each
/// token through `checkTransfer` for every gross leg, not only for net positions — or whose payer
/// on a leg has not approved the engine for that leg's gross amount (the payer's consent withdrawn:
/// `MissingApproval`, with the token's `ERC20InsufficientAllowance` as evidence), which becomes
/// `Failed` with that reason (PENF), exactly as `settle` would leave it. So no party's trade settles
/// in a batch that it would stop alone, and no party stops the others' trades by withdrawing its
/// allowance. Each skip emits `TradeSkippedInBatch`. The remaining members settle net, all or
/// nothing: if a net debit cannot be paid (a balance, or an allowance that covers each of a party's
/// legs but not their sum), the whole batch reverts with `SettlementLegFailed` and moves nothing;
/// the agent retries without that party's trades. So a batch ends as settling its members one by
/// one would, failures included; netting only needs less liquidity.
/// @dev Batches net single-token cash legs (e.g. wCBDC among banks); cross-bank deposit legs settle
/// trade by trade. The engine holds each netted token for the length of the transaction, so it must
/// be an eligible holder of each (registered as infrastructure, approved for wCBDC).
abstract contract NettingBatch is InstructionMatching {
    /// @notice Most trades one batch may hold. A batch nets into at most 2n accounts × 2n tokens and
    /// makes at most 4n net transfers; 100 trades stay below 15 million gas even when every trade is
    /// between new participants in new tokens, so a batch always fits a 30-million-gas block.
    uint256 public constant MAX_BATCH_TRADES = 100;

    /// @notice What a settled batch did.
    struct BatchReport {
        uint32 tradeCount;
        uint32 skipped;
        uint32 grossTransfers;
        uint32 netTransfers;
        uint64 settledAt;
    }

    /// @dev The netting ledger of one batch, in memory: distinct tokens and accounts seen, and the net
    /// movement of each (token, account) pair at `nets[tokenIndex * accountCount + accountIndex]`.
    struct NetPositions {
        address[] tokens;
        bool[] isAsset;
        uint256 tokenCount;
        address[] accounts;
        uint256 accountCount;
        int256[] nets;
    }

    /// @dev Marks a member taken into the batch in its packed index.
    uint256 private constant TAKEN = 1 << 255;

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
    /// @dev Requirements: caller has `SETTLEMENT_AGENT_ROLE`; 1 to `MAX_BATCH_TRADES` trades, each paying
    /// in one cash token. Members that cannot settle are skipped (see the policy above); a member
    /// given twice settles once. Reverts, moving nothing, if any net debit cannot be paid
    /// (`SettlementLegFailed`).
    /// @param trades the trades' terms.
    /// @return batchId the new batch's id.
    function settleBatch(
        Trade[] calldata trades
    ) external nonReentrant whenNotPaused onlyRole(SETTLEMENT_AGENT_ROLE) returns (uint256 batchId) {
        uint256 n = trades.length;
        if (n == 0 || n > MAX_BATCH_TRADES) revert BatchSizeOutOfRange(n, MAX_BATCH_TRADES);

        batchId = ++_batchCount;
        NetPositions memory book = NetPositions({
            tokens: new address[](2 * n),
            isAsset: new bool[](2 * n),
            tokenCount: 0,
            accounts: new address[](2 * n),
            accountCount: 0,
            nets: new int256[](0)
        });
        (uint256[] memory indices, uint256 settled) = _takeAndIndex(trades, book, batchId);
        _accumulate(trades, book, indices);
        uint256 netTransfers = _settleNets(book, book.accountCount);

        _batches[batchId] = BatchReport({
            tradeCount: uint32(settled),
            skipped: uint32(n - settled),
            grossTransfers: uint32(2 * settled),
            netTransfers: uint32(netTransfers),
            settledAt: uint64(block.timestamp)
        });
        emit BatchSettled(batchId, settled, n - settled, 2 * settled, netTransfers);
    }

    /// @dev Pass 1: judges each member, takes those that can settle (marking them settled) and indexes
    /// their tokens and parties, packed as seller | buyer << 64 | asset << 128 | cash << 192, with
    /// bit 255 set for a member that settles in this batch.
    function _takeAndIndex(
        Trade[] calldata trades,
        NetPositions memory book,
        uint256 batchId
    ) private returns (uint256[] memory indices, uint256 settled) {
        indices = new uint256[](trades.length);
        for (uint256 i = 0; i < trades.length; ++i) {
            Trade calldata t = trades[i];
            if (t.buyerCash != t.sellerCash) revert BatchInterbankLegUnsupported(i);
            bytes32 id = TradeHash.hash(t);
            if (!_takeForBatch(t, id, batchId)) continue;
            emit TradeSettledInBatch(id, batchId);
            ++settled;
            indices[i] =
                TAKEN |
                _accountIndex(book, t.seller) |
                (_accountIndex(book, t.buyer) << 64) |
                (_tokenIndex(book, t.asset, true) << 128) |
                (_tokenIndex(book, t.buyerCash, false) << 192);
        }
    }

    /// @dev Pass 2: nets every leg into one position per (token, account).
    function _accumulate(Trade[] calldata trades, NetPositions memory book, uint256[] memory indices) private pure {
        uint256 stride = book.accountCount;
        book.nets = new int256[](book.tokenCount * stride);
        for (uint256 i = 0; i < trades.length; ++i) {
            uint256 p = indices[i];
            if (p & TAKEN == 0) continue;
            uint256 asset = uint64(p >> 128) * stride;
            uint256 cash = uint64((p >> 192) & type(uint56).max) * stride;
            int256 quantity = _toInt(trades[i].quantity);
            int256 amount = _toInt(trades[i].amount);
            book.nets[asset + uint64(p)] -= quantity;
            book.nets[asset + uint64(p >> 64)] += quantity;
            book.nets[cash + uint64(p >> 64)] -= amount;
            book.nets[cash + uint64(p)] += amount;
        }
    }

    /// @dev Moves every non-zero net position once: debits into the engine first, then credits out.
    function _settleNets(NetPositions memory book, uint256 stride) private returns (uint256 netTransfers) {
        for (uint256 pass = 0; pass < 2; ++pass) {
            for (uint256 t = 0; t < book.tokenCount; ++t) {
                address token = book.tokens[t];
                Leg leg = book.isAsset[t] ? Leg.Asset : Leg.Cash;
                FailureReason shortfall = book.isAsset[t]
                    ? FailureReason.InsufficientSecurities
                    : FailureReason.InsufficientCash;
                for (uint256 a = 0; a < book.accountCount; ++a) {
                    int256 net = book.nets[t * stride + a];
                    if (pass == 0 && net < 0) {
                        _move(leg, shortfall, token, book.accounts[a], address(this), uint256(-net));
                        ++netTransfers;
                    } else if (pass == 1 && net > 0) {
                        _moveOut(leg, token, book.accounts[a], uint256(net));
                        ++netTransfers;
                    }
                }
            }
        }
    }

    /// @dev Judges member `t` as `settle` would alone: returns true, having marked it settled, when it
    /// is open, due, unexpired and every gross leg passes its token's rules; otherwise records why
    /// (expired, or failed with the reason) and emits `TradeSkippedInBatch`.
    function _takeForBatch(Trade calldata t, bytes32 id, uint256 batchId) private returns (bool) {
        TradeRecord storage record = _trades[id];
        TradeStatus status = record.status;
        FailureReason reason = FailureReason.None;
        if (status == TradeStatus.Matched || status == TradeStatus.Failed) {
            if (block.timestamp > t.expiry) {
                status = TradeStatus.Expired;
                reason = FailureReason.Expired;
                emit TradeExpiredUnsettled(id);
            } else if (block.timestamp >= t.settlementDate) {
                bytes memory tokenError;
                if (_assetLineIssuer(t.asset) == address(0) || !_isRegisteredCash(t.buyerCash)) {
                    // Deregistered since it matched: it fails as `settle` would (token rejected).
                    reason = FailureReason.TokenRejected;
                } else {
                    FailureReason lack = FailureReason.InsufficientSecurities;
                    (reason, tokenError) = _checkLeg(t.asset, t.seller, t.buyer, t.quantity, lack);
                }
                if (reason == FailureReason.None) {
                    (reason, tokenError) = _checkLeg(t.buyerCash, t.buyer, t.seller, t.amount, FailureReason.InsufficientCash);
                }
                if (reason == FailureReason.None) {
                    record.status = TradeStatus.Settled;
                    record.reason = FailureReason.None;
                    return true;
                }
                status = TradeStatus.Failed;
                emit TradeSettlementFailed(id, reason, tokenError);
            }
            record.status = status;
            record.reason = reason;
        }
        emit TradeSkippedInBatch(id, batchId, status, reason);
        return false;
    }

    /// @dev Index of `account` in the book, appending it if new.
    function _accountIndex(NetPositions memory book, address account) private pure returns (uint256 i) {
        for (; i < book.accountCount; ++i) if (book.accounts[i] == account) return i;
        book.accounts[i] = account;
        book.accountCount = i + 1;
    }

    /// @dev Index of `token` in the book, appending it if new (remembering whether it is an asset leg).
    function _tokenIndex(NetPositions memory book, address token, bool isAsset) private pure returns (uint256 i) {
        for (; i < book.tokenCount; ++i) if (book.tokens[i] == token) return i;
        book.tokens[i] = token;
        book.isAsset[i] = isAsset;
        book.tokenCount = i + 1;
    }

    function _toInt(uint256 value) private pure returns (int256) {
        if (value > uint256(type(int256).max)) revert InvalidTradeTerm("amount");
        return int256(value);
    }
}
