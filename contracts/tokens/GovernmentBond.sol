// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {BondTerms, IGovernmentBond} from "../interfaces/IGovernmentBond.sol";
import {ICurrencyToken} from "../interfaces/ICurrencyToken.sol";
import {IParticipantRegistry, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {DayCount, DayCountConvention} from "../libraries/DayCount.sol";
import {Isin} from "../libraries/Isin.sol";
import {Iso4217} from "../libraries/Iso4217.sol";
import {ParticipantWord} from "../libraries/ParticipantWords.sol";
import {ERC20Compliance} from "./extensions/ERC20Compliance.sol";
import {ERC20Eligibility} from "./extensions/ERC20Eligibility.sol";
import {ERC20Freezable} from "./extensions/ERC20Freezable.sol";
import {ERC20PackedBalances} from "./extensions/ERC20PackedBalances.sol";
import {ERC20RecordDates} from "./extensions/ERC20RecordDates.sol";

/// @title Tokenized government bond
/// @notice One token per bond issue; one unit is one `denomination()` of face value, so
/// `decimals()` is 0. The issuer mints at issuance and burns at redemption; the registrar (the
/// central securities depository) can freeze accounts, pause the bond and force a transfer under a
/// legal order. Holders must be eligible in the participant registry. No transfers after maturity.
/// @dev Only the issuer (`ISSUER_ADMIN_ROLE`) appoints and removes the agents that hold `ISSUER_ROLE`
/// (its issuing and paying agents); an agent cannot appoint another. Coupons and redemption are paid
/// in `cashToken()`, whose currency is the bond's (checked at deployment).
contract GovernmentBond is
    ERC20,
    ERC20Freezable,
    ERC20Eligibility,
    ERC20RecordDates,
    Pausable,
    AccessControl,
    IGovernmentBond
{
    /// @notice Role of the issuer: mint at issuance, burn at redemption.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Role of the issuer itself: appoints and removes holders of `ISSUER_ROLE`.
    bytes32 public constant ISSUER_ADMIN_ROLE = keccak256("ISSUER_ADMIN_ROLE");
    /// @notice Role of the registrar (CSD): freeze, pause, forced transfer.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice The record date of each coupon is this long before its payment date. The register is
    /// fixed at the record date's start (00:00 UTC): holders then are paid; a trade settling on or
    /// after the record date is ex-coupon (with same-day settlement, the ex-date is the record date).
    uint64 public constant RECORD_DATE_LAG = 1 days;
    /// @notice Upper bound on coupon periods, so that schedule look-ups stay bounded (60 years semi-annual).
    uint256 public constant MAX_COUPON_PERIODS = 120;

    string private _isin;
    string private _issueNumber;
    address private immutable _issuer;
    bytes3 private immutable _currency;
    address private immutable _cashToken;
    uint256 private immutable _denomination;
    uint16 private immutable _couponRateBps;
    uint8 private immutable _couponFrequency;
    DayCountConvention private immutable _dayCount;
    uint64 private immutable _issueDate;
    uint64 private immutable _maturityDate;
    uint64[] private _couponDates;

    /// @dev Set only for the duration of `forcedTransfer`: exempts the sender from freeze and eligibility checks.
    bool private transient _forcedTransferInProgress;

    /// @param terms the term sheet; validated here.
    /// @param name_ token name, e.g. "HKSAR Government Green Bond 4.25% 2029".
    /// @param symbol_ token symbol, e.g. the issue number.
    /// @param registry_ the participant registry.
    /// @param issuer_ receives `ISSUER_ROLE`.
    /// @param registrar receives `DEFAULT_ADMIN_ROLE` and `REGISTRAR_ROLE`.
    constructor(
        BondTerms memory terms,
        string memory name_,
        string memory symbol_,
        IParticipantRegistry registry_,
        address issuer_,
        address registrar
    ) ERC20(name_, symbol_) ERC20Eligibility(registry_) {
        if (issuer_ == address(0) || registrar == address(0) || terms.cashToken == address(0)) revert ZeroAddress();
        if (!Isin.isValid(terms.isin)) revert BondInvalidIsin(terms.isin);
        if (Iso4217.pack(ICurrencyToken(terms.cashToken).currency()) != Iso4217.pack(terms.currency)) {
            revert BondInvalidTerm("cashToken");
        }
        if (terms.denomination == 0) revert BondInvalidTerm("denomination");
        if (terms.couponRateBps > 10_000) revert BondInvalidTerm("couponRate");
        if (terms.couponFrequency == 0 || 12 % uint256(terms.couponFrequency) != 0) {
            revert BondInvalidTerm("couponFrequency");
        }
        uint256 n = terms.couponDates.length;
        if (n == 0 || n > MAX_COUPON_PERIODS) revert BondInvalidTerm("couponDates");
        uint64 previous = terms.issueDate;
        for (uint256 i = 0; i < n; ++i) {
            // Each record date (a day before payment) must fall after the previous payment date.
            if (terms.couponDates[i] <= previous + RECORD_DATE_LAG) revert BondInvalidCouponDate(i, terms.couponDates[i]);
            previous = terms.couponDates[i];
        }

        _isin = terms.isin;
        _issueNumber = terms.issueNumber;
        _issuer = issuer_;
        _currency = Iso4217.pack(terms.currency);
        _cashToken = terms.cashToken;
        _denomination = terms.denomination;
        _couponRateBps = terms.couponRateBps;
        _couponFrequency = terms.couponFrequency;
        _dayCount = terms.dayCount;
        _issueDate = terms.issueDate;
        _maturityDate = previous;
        _couponDates = terms.couponDates;
        _initRecordDates();

        _grantRole(DEFAULT_ADMIN_ROLE, registrar);
        _grantRole(REGISTRAR_ROLE, registrar);
        _grantRole(ISSUER_ADMIN_ROLE, issuer_);
        _grantRole(ISSUER_ROLE, issuer_);
        // The issuer, not the registrar, appoints who mints and burns on its behalf (its issuing and
        // paying agents); an agent holding ISSUER_ROLE cannot appoint another.
        _setRoleAdmin(ISSUER_ROLE, ISSUER_ADMIN_ROLE);
        _setRoleAdmin(ISSUER_ADMIN_ROLE, ISSUER_ADMIN_ROLE);
    }

    // ---------------------------------------------------------------- issuer

    /// @notice Issues `amount` units to `to` (primary allotment).
    /// @dev Requirements: caller has `ISSUER_ROLE`; before maturity; `to` eligible and unfrozen; not paused.
    /// @param to the allottee.
    /// @param amount units of `denomination()`.
    function mint(address to, uint256 amount) external onlyRole(ISSUER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Cancels `amount` units held by `from` at redemption.
    /// @dev Requirements: caller has `ISSUER_ROLE`; at or after maturity; `from` eligible and unfrozen; not paused.
    /// @param from the holder being redeemed.
    /// @param amount units of `denomination()`.
    function burn(address from, uint256 amount) external onlyRole(ISSUER_ROLE) {
        if (block.timestamp < _maturityDate) revert BondNotMatured(_maturityDate);
        _burn(from, amount);
    }

    // ------------------------------------------------------------- registrar

    /// @notice Freezes (`frozen` true) or unfreezes `account` on this bond.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `account` is non-zero.
    /// @param account the holder.
    /// @param frozen the new flag.
    function setFrozen(address account, bool frozen) external onlyRole(REGISTRAR_ROLE) {
        _setFrozen(account, frozen);
    }

    /// @notice Stops every transfer, mint and burn of this bond.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; not already paused.
    function pause() external onlyRole(REGISTRAR_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, mints and burns.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; paused.
    function unpause() external onlyRole(REGISTRAR_ROLE) {
        _unpause();
    }

    /// @notice Moves `amount` units from `from` to `to` under a legal order (e.g. a court order),
    /// without the holder's consent and even when `from` is frozen or no longer eligible.
    /// @dev Requirements: caller has `REGISTRAR_ROLE`; `reason` is not empty; neither `from` nor `to`
    /// is market infrastructure (an escrow or settlement contract holds units for others, covered by
    /// its locks: a legal order is executed on a holder's own account once its lock ends);
    /// `to` is eligible and unfrozen; the bond is not paused and has not matured. Emits
    /// `ForcedTransfer` and `Transfer`.
    /// @param from the holder the units are taken from.
    /// @param to the holder the units are given to.
    /// @param amount units of `denomination()`.
    /// @param reason why, as recorded in the order (e.g. "HCMP 1234/2026 court order").
    function forcedTransfer(
        address from,
        address to,
        uint256 amount,
        string calldata reason
    ) external onlyRole(REGISTRAR_ROLE) {
        if (bytes(reason).length == 0) revert BondForcedTransferReasonRequired();
        if (_isInfrastructure(from)) revert BondForcedTransferFromInfrastructure(from);
        if (_isInfrastructure(to)) revert BondForcedTransferFromInfrastructure(to);
        _forcedTransferInProgress = true;
        _transfer(from, to, amount);
        _forcedTransferInProgress = false;
        emit ForcedTransfer(from, to, amount, reason);
    }

    // ----------------------------------------------------------------- views

    /// @notice Bond units are whole: one unit is one `denomination()`.
    /// @return 0.
    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @inheritdoc IGovernmentBond
    function isin() external view returns (string memory) {
        return _isin;
    }

    /// @inheritdoc IGovernmentBond
    function issueNumber() external view returns (string memory) {
        return _issueNumber;
    }

    /// @inheritdoc IGovernmentBond
    function issuer() external view returns (address) {
        return _issuer;
    }

    /// @inheritdoc IGovernmentBond
    function currency() external view returns (string memory) {
        return Iso4217.unpack(_currency);
    }

    /// @inheritdoc IGovernmentBond
    function cashToken() external view returns (address) {
        return _cashToken;
    }

    /// @inheritdoc IGovernmentBond
    function denomination() external view returns (uint256) {
        return _denomination;
    }

    /// @inheritdoc IGovernmentBond
    function couponRate() external view returns (uint16) {
        return _couponRateBps;
    }

    /// @inheritdoc IGovernmentBond
    function couponFrequency() external view returns (uint8) {
        return _couponFrequency;
    }

    /// @inheritdoc IGovernmentBond
    function dayCountConvention() external view returns (DayCountConvention) {
        return _dayCount;
    }

    /// @inheritdoc IGovernmentBond
    function issueDate() external view returns (uint64) {
        return _issueDate;
    }

    /// @inheritdoc IGovernmentBond
    function maturityDate() external view returns (uint64) {
        return _maturityDate;
    }

    /// @inheritdoc IGovernmentBond
    function couponCount() external view returns (uint256) {
        return _couponDates.length;
    }

    /// @inheritdoc IGovernmentBond
    function couponPeriod(uint256 index) public view returns (uint64 start, uint64 end) {
        uint256 n = _couponDates.length;
        if (index >= n) revert BondCouponIndexOutOfRange(index, n);
        start = index == 0 ? _issueDate : _couponDates[index - 1];
        end = _couponDates[index];
    }

    /// @inheritdoc IGovernmentBond
    function couponPerUnit(uint256 index) external view returns (uint256) {
        (uint64 start, uint64 end) = couponPeriod(index);
        return interestPerUnit(start, end);
    }

    /// @inheritdoc IGovernmentBond
    /// @dev Rounded down once on the whole holding: `units × denomination × rate × days / (10,000 × basis)`.
    function couponOn(uint256 index, uint256 units) external view returns (uint256) {
        (uint64 start, uint64 end) = couponPeriod(index);
        if (units == 0) return 0;
        return DayCount.interest(units * _denomination, _couponRateBps, start, end, _dayCount);
    }

    /// @inheritdoc IGovernmentBond
    /// @dev Loops over at most `MAX_COUPON_PERIODS` dates.
    function nextEntitlementDate(uint64 after_) external view returns (uint64) {
        uint256 n = _couponDates.length;
        for (uint256 i = 0; i < n; ++i) {
            uint64 recordAt = _couponDates[i] - RECORD_DATE_LAG;
            if (recordAt > after_) return recordAt;
        }
        return _maturityDate > after_ ? _maturityDate : type(uint64).max;
    }

    /// @inheritdoc IGovernmentBond
    function interestPerUnit(uint64 start, uint64 end) public view returns (uint256) {
        if (end <= start) return 0;
        return DayCount.interest(_denomination, _couponRateBps, start, end, _dayCount);
    }

    /// @inheritdoc IGovernmentBond
    /// @dev Zero before issue and from maturity on (the last coupon pays all interest).
    /// Loops over at most `MAX_COUPON_PERIODS` dates.
    function accruedInterestPerUnit(uint64 at) external view returns (uint256) {
        if (at <= _issueDate || at >= _maturityDate) return 0;
        uint64 lastCoupon = _issueDate;
        uint256 n = _couponDates.length;
        for (uint256 i = 0; i < n && _couponDates[i] <= at; ++i) {
            lastCoupon = _couponDates[i];
        }
        return interestPerUnit(lastCoupon, at);
    }

    /// @notice The record date of coupon `index`: `RECORD_DATE_LAG` before its payment date.
    /// @param index the coupon period.
    /// @return the record date (unix time).
    function recordDate(uint256 index) external view returns (uint64) {
        (, uint64 end) = couponPeriod(index);
        return end - RECORD_DATE_LAG;
    }

    /// @inheritdoc IGovernmentBond
    function redemptionPerUnit() external view returns (uint256) {
        return _denomination;
    }

    // ----------------------------------------------------------------- hooks

    /// @dev Not paused; after maturity only redemption burns move units — and market infrastructure
    /// returning units it holds for others (an escrow refunding a lock, so they can be redeemed); then
    /// freeze and eligibility.
    function _checkTransfer(
        address from,
        address to,
        uint256 amount
    ) internal view override(ERC20Freezable, ERC20Eligibility) {
        _requireNotPaused();
        if (to != address(0) && block.timestamp >= _maturityDate && !_isInfrastructure(from)) {
            revert BondMatured(_maturityDate);
        }
        super._checkTransfer(from, to, amount);
    }

    /// @dev Every balance of record fits the record dates' 208 bits: the supply stops at `RECORDED_SUPPLY_CAP`.
    function _supplyCap() internal pure override returns (uint256) {
        return RECORDED_SUPPLY_CAP;
    }

    /// @inheritdoc ERC20PackedBalances
    function balanceOf(address account) public view override(ERC20, ERC20PackedBalances) returns (uint256) {
        return super.balanceOf(account);
    }

    /// @inheritdoc ERC20PackedBalances
    function totalSupply() public view override(ERC20, ERC20PackedBalances) returns (uint256) {
        return super.totalSupply();
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Compliance, ERC20RecordDates) {
        super._update(from, to, value);
    }

    function _isInfrastructure(address account) private view returns (bool) {
        return account != address(0) && registry().participantOf(account).kind == ParticipantKind.Infrastructure;
    }

    function _recordDate(uint256 index) internal view override returns (uint64) {
        return _couponDates[index] - RECORD_DATE_LAG;
    }

    function _recordDateCount() internal view override returns (uint256) {
        return _couponDates.length;
    }

    /// @dev A forced transfer takes from a holder whatever its standing in the registry.
    function _checkSender(address from, ParticipantWord word) internal view override {
        if (!_forcedTransferInProgress) super._checkSender(from, word);
    }

    /// @dev A forced transfer takes from a holder even when it is frozen on this bond.
    function _checkNotFrozenSender(address from) internal view override {
        if (!_forcedTransferInProgress) super._checkNotFrozenSender(from);
    }

    /// @notice Moves `value` from `from` to `to` on `from`'s allowance to the caller.
    /// @dev Requirements: the caller (spender) is eligible in the registry; then as ERC-20 `transferFrom`.
    /// @param from the holder.
    /// @param to the receiver.
    /// @param value the amount.
    /// @return true.
    function transferFrom(address from, address to, uint256 value) public override(ERC20, ERC20Eligibility) returns (bool) {
        return super.transferFrom(from, to, value);
    }

    /// @dev A spender frozen on this token spends no allowance (`ERC20Freezable`).
    function _spendAllowance(address owner, address spender, uint256 value) internal override(ERC20, ERC20Freezable) {
        super._spendAllowance(owner, spender, value);
    }
}
