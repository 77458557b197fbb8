// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

/// @title ERC-20 extension: balances fixed at record dates
/// @notice The holders of record at each record date — who is entitled to that coupon — stay
/// readable after the date, whatever trades settle afterwards ("ex-coupon").
/// @dev Lazy snapshots: an account's balance is written down only the first time it changes after a
/// record date it has not yet been recorded for, so a transfer in the common case costs one extra
/// read per side. The inheriting token supplies the record dates through `_recordDate`/`_recordDateCount`.
abstract contract ERC20RecordDates is ERC20 {
    using Checkpoints for Checkpoints.Trace208;

    /// @dev Per account (and `address(0)` for the total supply): key = index of the first record
    /// date a value applies to; the value holds up to the next key.
    mapping(address account => Checkpoints.Trace208) private _recorded;
    /// @dev Per account: how many record dates its checkpoints cover.
    mapping(address account => uint256) private _recordedUpTo;

    /// @dev How many record dates had passed at the last balance change, and the next one's time (one slot).
    uint32 private _passedCursor;
    uint64 private _nextRecordDate;

    /// @notice The most a balance of record can be (OpenZeppelin's `Checkpoints.Trace208`): the
    /// inheriting token caps its supply, and so every balance, there, so no record is ever cut short
    /// (with `ERC20PackedBalances`, by returning it from `_supplyCap`).
    uint256 public constant RECORDED_SUPPLY_CAP = type(uint208).max;

    /// @notice Record date `index` has not been reached yet.
    /// @param index the record date's index.
    /// @param recordDate its unix time.
    error RecordDateNotReached(uint256 index, uint64 recordDate);

    /// @notice `account`'s balance at record date `index` (its record time, e.g. 00:00 UTC that day).
    /// @dev Requirements: the record date has passed. The zero address holds nothing of record, as it
    /// holds nothing now (its key keeps the supply of record, read by `totalSupplyAtRecord`).
    /// @param account the holder.
    /// @param index the record date's index (the coupon period's index).
    /// @return the balance of record.
    function balanceOfAtRecord(address account, uint256 index) public view returns (uint256) {
        _requireRecordDatePassed(index);
        if (account == address(0)) return 0;
        return _valueAtRecord(account, index, balanceOf(account));
    }

    /// @notice The total supply at record date `index`.
    /// @dev Requirements: the record date has passed.
    /// @param index the record date's index.
    /// @return the supply of record.
    function totalSupplyAtRecord(uint256 index) public view returns (uint256) {
        _requireRecordDatePassed(index);
        return _valueAtRecord(address(0), index, totalSupply());
    }

    /// @notice How many record dates have passed.
    /// @return passed the count.
    function recordDatesPassed() public view returns (uint256 passed) {
        uint256 n = _recordDateCount();
        while (passed < n && _recordDate(passed) <= block.timestamp) ++passed;
    }

    /// @dev Unix time of record date `index`.
    function _recordDate(uint256 index) internal view virtual returns (uint64);

    /// @dev Number of record dates.
    function _recordDateCount() internal view virtual returns (uint256);

    /// @dev Must be called once the record dates are known (by the inheriting constructor).
    function _initRecordDates() internal {
        _nextRecordDate = _recordDateCount() == 0 ? type(uint64).max : _recordDate(0);
    }

    /// @dev Records pre-change balances (and supply, on mint or burn) before moving them.
    function _update(address from, address to, uint256 value) internal virtual override {
        uint256 passed = _advanceCursor();
        if (passed != 0) {
            if (from != address(0)) _record(from, passed, balanceOf(from));
            if (to != address(0)) _record(to, passed, balanceOf(to));
            if (from == address(0) || to == address(0)) _record(address(0), passed, totalSupply());
        }
        super._update(from, to, value);
    }

    /// @dev The number of record dates passed, moving the stored cursor forward when one has.
    function _advanceCursor() private returns (uint256 passed) {
        passed = _passedCursor;
        if (block.timestamp < _nextRecordDate) return passed;
        uint256 n = _recordDateCount();
        while (passed < n && _recordDate(passed) <= block.timestamp) ++passed;
        _passedCursor = uint32(passed);
        _nextRecordDate = passed < n ? _recordDate(passed) : type(uint64).max;
    }

    function _record(address key, uint256 passed, uint256 current) private {
        uint256 upTo = _recordedUpTo[key];
        if (upTo >= passed) return;
        // Unchanged since record date `upTo`: `current` was the balance at every record date up to `passed`.
        _recorded[key].push(uint48(upTo), uint208(current));
        _recordedUpTo[key] = passed;
    }

    function _valueAtRecord(address key, uint256 index, uint256 current) private view returns (uint256) {
        if (index >= _recordedUpTo[key]) return current;
        return _recorded[key].upperLookupRecent(uint48(index));
    }

    function _requireRecordDatePassed(uint256 index) private view {
        uint256 n = _recordDateCount();
        if (index >= n || _recordDate(index) > block.timestamp) {
            revert RecordDateNotReached(index, index < n ? _recordDate(index) : 0);
        }
    }
}
