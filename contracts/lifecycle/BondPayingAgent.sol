// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {GovernmentBond} from "../tokens/GovernmentBond.sol";
import {SettlementEngine} from "../settlement/SettlementEngine.sol";

/// @title Paying agent of one bond: coupons to holders of record, redemption at maturity
/// @notice The issuer's fiscal agent funds this contract in the bond's cash token (wCBDC). Each
/// coupon goes to the holders at its record date (00:00 UTC), however the bond trades afterwards,
/// once per holder and period. At maturity each holder's bonds are burned and face value paid, both
/// or neither. Holders claim for themselves, or the agent pays them in bounded pages; a payment that
/// cannot reach one holder (say, a frozen account) is parked for a later claim instead of blocking
/// the page. Holders who are not central-bank-money holders are paid through their bank: they name
/// their tokenized deposit as standing settlement instruction, and the engine pays their bank in
/// wCBDC while the bank credits them.
/// Coupons are computed on each holding and rounded down once (`GovernmentBond.couponOn`), so the
/// sum paid never exceeds `couponLiability`. A holder frozen on the bond is not paid (its coupon
/// or redemption is parked until the registrar unfreezes it). Market infrastructure (an escrow holding a
/// lock nobody refunded in time) is never paid: the payment is parked, never paid into the escrow.
/// The funding the agent holds above what it still owes (`outstandingLiability`: every coupon whose
/// record date has passed, less what was paid of it, until all its units of record are paid; face
/// value outstanding from maturity) goes back to the fiscal agent (`returnSurplus`): over-funding,
/// funding for a payment not yet owed, and the rounding remainders once a coupon is paid in full.
/// A holder still to be paid (parked, frozen, offboarded) keeps its funding, for ever.
/// @dev Needs: registration in the participant registry as infrastructure and wCBDC approval as a
/// settlement contract (to hold the funding), the bond's `ISSUER_ROLE` (to burn at redemption). It
/// gives the engine no standing allowance: for a payment through a bank it approves exactly that
/// payment, and the engine spends it in the same call.
contract BondPayingAgent is AccessControl, ReentrancyGuardTransient, ITokenErrors {
    using SafeERC20 for IERC20;

    /// @notice Role that pays holders in pages.
    bytes32 public constant PAYING_AGENT_ROLE = keccak256("PAYING_AGENT_ROLE");
    /// @notice Most holders one page may pay.
    uint256 public constant MAX_PAGE = 50;

    GovernmentBond private immutable _bond;
    IERC20 private immutable _cash;
    SettlementEngine private immutable _engine;

    mapping(address holder => address depositToken) private _standingInstruction;
    mapping(uint256 index => mapping(address holder => bool)) private _couponPaid;
    mapping(uint256 index => CouponPaidTotal) private _paidTotal;
    address private immutable _fiscalAgent;

    /// @notice What has been paid of one coupon: units of record paid and the amount.
    struct CouponPaidTotal {
        uint128 units;
        uint128 amount;
    }

    /// @notice The coupon is not payable before its payment date.
    error CouponNotDue(uint256 index, uint64 paymentDate);
    /// @notice `holder` was already paid coupon `index`.
    error CouponAlreadyPaid(uint256 index, address holder);
    /// @notice `holder` is owed nothing for this payment.
    error NothingOwed(address holder);
    /// @notice Redemption opens at maturity.
    error RedemptionNotDue(uint64 maturityDate);
    /// @notice A page held `count` holders; allowed is 1 to `max`.
    error PageSizeOutOfRange(uint256 count, uint256 max);
    /// @notice `depositToken` is not registered with the settlement engine.
    error UnknownDepositToken(address depositToken);
    /// @notice `holder` is market infrastructure (an escrow, a settlement contract): it holds units for
    /// others and is never paid a coupon or redemption; the units' owner is, once they return to it.
    error HolderIsInfrastructure(address holder);
    /// @notice The agent holds `balance`, no more than the `liability` it still owes: no surplus to return.
    error NoSurplus(uint256 balance, uint256 liability);

    /// @notice `holder` will be paid in `depositToken` (zero: in wCBDC directly).
    event StandingInstructionSet(address indexed holder, address depositToken);
    /// @notice `holder` was paid coupon `index` on `units` of record.
    event CouponPaid(uint256 indexed index, address indexed holder, uint256 units, uint256 amount, address cashAccount);
    /// @notice `holder` was redeemed: `units` burned, `amount` paid.
    event Redeemed(address indexed holder, uint256 units, uint256 amount, address cashAccount);
    /// @notice A paged payment to `holder` could not be made and is left for a later claim.
    event PaymentParked(address indexed holder, uint256 indexed index, bool redemption, bytes reason);
    /// @notice `amount` of funding above the `liability` still owed went back to `fiscalAgent`.
    event SurplusReturned(address indexed fiscalAgent, uint256 amount, uint256 liability);

    /// @param bond_ the bond this agent pays.
    /// @param engine_ the settlement engine, for payments to banks' customers.
    /// @param admin the fiscal agent: funds the agent, takes back its surplus; receives
    /// `DEFAULT_ADMIN_ROLE` and `PAYING_AGENT_ROLE`.
    constructor(GovernmentBond bond_, SettlementEngine engine_, address admin) {
        if (address(bond_) == address(0) || address(engine_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        _bond = bond_;
        _cash = IERC20(bond_.cashToken());
        _engine = engine_;
        _fiscalAgent = admin;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAYING_AGENT_ROLE, admin);
    }

    // ------------------------------------------------------------ holders

    /// @notice Names where the caller is paid: its bank's `depositToken`, or zero for wCBDC directly.
    /// @dev Requirements: `depositToken` is zero or registered with the engine.
    /// @param depositToken the caller's bank's deposit token.
    function setStandingInstruction(address depositToken) external {
        if (depositToken != address(0) && _engine.bankOf(depositToken) == address(0)) {
            revert UnknownDepositToken(depositToken);
        }
        _standingInstruction[msg.sender] = depositToken;
        emit StandingInstructionSet(msg.sender, depositToken);
    }

    /// @notice Pays the caller coupon `index` on its holding at the record date.
    /// @dev Requirements: the payment date has come; not yet paid; a holding of record; the payment
    /// can be made (else reverts with the token's or engine's reason).
    /// @param index the coupon period.
    function claimCoupon(uint256 index) external nonReentrant {
        _payCoupon(index, msg.sender);
    }

    /// @notice Redeems the caller's whole holding at maturity: burns it and pays face value.
    /// @dev Requirements: matured; a holding; burn and payment both possible (else reverts, nothing moves).
    function redeem() external nonReentrant {
        _redeem(msg.sender);
    }

    // -------------------------------------------------------------- agent

    /// @notice Pays coupon `index` to each of `holders`; a holder that cannot be paid is parked.
    /// @dev Requirements: caller has `PAYING_AGENT_ROLE`; 1 to `MAX_PAGE` holders; the coupon is due.
    /// Holders already paid or owning nothing of record are skipped.
    /// @param index the coupon period.
    /// @param holders the page of holders.
    /// @return paid how many holders were paid.
    function payCoupons(
        uint256 index,
        address[] calldata holders
    ) external nonReentrant onlyRole(PAYING_AGENT_ROLE) returns (uint256 paid) {
        _requirePage(holders.length);
        _requireCouponDue(index);
        for (uint256 i = 0; i < holders.length; ++i) {
            address holder = holders[i];
            if (_couponPaid[index][holder] || _bond.balanceOfAtRecord(holder, index) == 0) continue;
            try this.payCouponOnBehalf(index, holder) {
                ++paid;
            } catch (bytes memory reason) {
                emit PaymentParked(holder, index, false, reason);
            }
        }
    }

    /// @notice Redeems each of `holders`; a holder that cannot be redeemed keeps its bonds and is parked.
    /// @dev Requirements: caller has `PAYING_AGENT_ROLE`; 1 to `MAX_PAGE` holders; matured.
    /// @param holders the page of holders.
    /// @return redeemed how many holders were redeemed.
    function redeemHolders(
        address[] calldata holders
    ) external nonReentrant onlyRole(PAYING_AGENT_ROLE) returns (uint256 redeemed) {
        _requirePage(holders.length);
        _requireMatured();
        for (uint256 i = 0; i < holders.length; ++i) {
            address holder = holders[i];
            if (_bond.balanceOf(holder) == 0) continue;
            try this.redeemOnBehalf(holder) {
                ++redeemed;
            } catch (bytes memory reason) {
                emit PaymentParked(holder, type(uint256).max, true, reason);
            }
        }
    }

    /// @notice Returns to the fiscal agent the cash this agent holds above `outstandingLiability()`.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; a surplus above zero (`NoSurplus`). The
    /// cash goes only to the fiscal agent named at deployment. Loops over at most
    /// `GovernmentBond.MAX_COUPON_PERIODS` coupons. Emits `SurplusReturned`.
    /// @return surplus the cash returned, in minor units.
    function returnSurplus() external nonReentrant onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 surplus) {
        uint256 balance = _cash.balanceOf(address(this));
        uint256 liability = outstandingLiability();
        if (balance <= liability) revert NoSurplus(balance, liability);
        surplus = balance - liability;
        emit SurplusReturned(_fiscalAgent, surplus, liability);
        _cash.safeTransfer(_fiscalAgent, surplus);
    }

    /// @notice One holder's coupon, as a unit that rolls back whole; callable only by this contract.
    /// @param index the coupon period.
    /// @param holder the holder.
    function payCouponOnBehalf(uint256 index, address holder) external {
        if (msg.sender != address(this)) revert AccessControlUnauthorizedAccount(msg.sender, PAYING_AGENT_ROLE);
        _payCoupon(index, holder);
    }

    /// @notice One holder's redemption, as a unit that rolls back whole; callable only by this contract.
    /// @param holder the holder.
    function redeemOnBehalf(address holder) external {
        if (msg.sender != address(this)) revert AccessControlUnauthorizedAccount(msg.sender, PAYING_AGENT_ROLE);
        _redeem(holder);
    }

    // -------------------------------------------------------------- views

    /// @notice The bond this agent pays.
    /// @return the bond.
    function bond() external view returns (GovernmentBond) {
        return _bond;
    }

    /// @notice Where `holder` is paid: a deposit token, or zero for wCBDC.
    /// @param holder the holder.
    /// @return the deposit token or zero.
    function standingInstructionOf(address holder) external view returns (address) {
        return _standingInstruction[holder];
    }

    /// @notice Whether `holder` has been paid coupon `index`.
    /// @param index the coupon period.
    /// @param holder the holder.
    /// @return true if paid.
    function couponPaid(uint256 index, address holder) external view returns (bool) {
        return _couponPaid[index][holder];
    }

    /// @notice What coupon `index` owes `holder` on its holding of record.
    /// @dev Requirements: the record date has passed.
    /// @param index the coupon period.
    /// @param holder the holder.
    /// @return amount in minor units (zero once paid).
    function couponOwed(uint256 index, address holder) public view returns (uint256) {
        if (_couponPaid[index][holder]) return 0;
        return _bond.couponOn(index, _bond.balanceOfAtRecord(holder, index));
    }

    /// @notice The most coupon `index` can cost: the coupon on the whole supply of record. Each
    /// holding's coupon is rounded down on its own, so what is paid in all is at most this (less by
    /// under one minor unit per holder).
    /// @param index the coupon period.
    /// @return amount the fiscal agent must fund, in minor units.
    function couponLiability(uint256 index) external view returns (uint256) {
        return _bond.couponOn(index, _bond.totalSupplyAtRecord(index));
    }

    /// @notice What the agent still owes: for every coupon whose record date has passed and whose units
    /// of record are not all paid, the coupon on the whole supply of record less what was paid of it
    /// (so the rounding remainder stays until the last holder is paid); from maturity, the face value
    /// outstanding. Funding above this is surplus (`returnSurplus`).
    /// @dev Loops over at most `GovernmentBond.MAX_COUPON_PERIODS` coupons.
    /// @return liability in minor units.
    function outstandingLiability() public view returns (uint256 liability) {
        uint256 passed = _bond.recordDatesPassed();
        for (uint256 index = 0; index < passed; ++index) {
            uint256 supply = _bond.totalSupplyAtRecord(index);
            CouponPaidTotal storage paid = _paidTotal[index];
            if (paid.units < supply) liability += _bond.couponOn(index, supply) - paid.amount;
        }
        if (block.timestamp >= _bond.maturityDate()) liability += _bond.totalSupply() * _bond.redemptionPerUnit();
    }

    /// @notice The fiscal agent, to whom surplus funding returns.
    /// @return the account.
    function fiscalAgent() external view returns (address) {
        return _fiscalAgent;
    }

    /// @notice Face value outstanding: what redemption will pay.
    /// @return amount in minor units.
    function redemptionLiability() external view returns (uint256) {
        return _bond.totalSupply() * _bond.redemptionPerUnit();
    }

    // ----------------------------------------------------------- internal

    function _payCoupon(uint256 index, address holder) private {
        _requireCouponDue(index);
        if (_couponPaid[index][holder]) revert CouponAlreadyPaid(index, holder);
        uint256 units = _bond.balanceOfAtRecord(holder, index);
        if (units == 0) revert NothingOwed(holder);
        if (_bond.isFrozen(holder)) revert AccountFrozen(holder);
        _requireNotInfrastructure(holder);
        uint256 amount = _bond.couponOn(index, units);
        _couponPaid[index][holder] = true;
        CouponPaidTotal storage paid = _paidTotal[index];
        (paid.units, paid.amount) = (paid.units + SafeCast.toUint128(units), paid.amount + SafeCast.toUint128(amount));
        address cashAccount = _pay(holder, amount, keccak256(abi.encode("COUPON", address(_bond), index, holder)));
        emit CouponPaid(index, holder, units, amount, cashAccount);
    }

    function _redeem(address holder) private {
        _requireMatured();
        uint256 units = _bond.balanceOf(holder);
        if (units == 0) revert NothingOwed(holder);
        _requireNotInfrastructure(holder);
        uint256 amount = units * _bond.redemptionPerUnit();
        _bond.burn(holder, units);
        address cashAccount = _pay(holder, amount, keccak256(abi.encode("REDEMPTION", address(_bond), holder)));
        emit Redeemed(holder, units, amount, cashAccount);
    }

    /// @dev Pays `holder` per its standing instruction; returns the cash account used.
    function _pay(address holder, uint256 amount, bytes32 paymentRef) private returns (address cashAccount) {
        cashAccount = _standingInstruction[holder];
        if (cashAccount == address(0)) {
            _cash.safeTransfer(holder, amount);
            return address(_cash);
        }
        // Consent for this payment only: the engine spends exactly this allowance in this call.
        _cash.forceApprove(address(_engine), amount);
        _engine.payToCustomer(cashAccount, holder, amount, paymentRef);
    }

    function _requireNotInfrastructure(address holder) private view {
        if (_bond.registry().participantOf(holder).kind == ParticipantKind.Infrastructure) {
            revert HolderIsInfrastructure(holder);
        }
    }

    function _requireCouponDue(uint256 index) private view {
        (, uint64 paymentDate) = _bond.couponPeriod(index);
        if (block.timestamp < paymentDate) revert CouponNotDue(index, paymentDate);
    }

    function _requireMatured() private view {
        uint64 maturity = _bond.maturityDate();
        if (block.timestamp < maturity) revert RedemptionNotDue(maturity);
    }

    function _requirePage(uint256 count) private pure {
        if (count == 0 || count > MAX_PAGE) revert PageSizeOutOfRange(count, MAX_PAGE);
    }
}
