// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl, IAccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ICurrencyToken} from "../interfaces/ICurrencyToken.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {DiscountYield} from "../libraries/DiscountYield.sol";
import {Iso4217} from "../libraries/Iso4217.sol";
import {ERC20Compliance} from "./extensions/ERC20Compliance.sol";
import {ERC20Eligibility} from "./extensions/ERC20Eligibility.sol";
import {ERC20Freezable} from "./extensions/ERC20Freezable.sol";
import {ERC20PackedBalances} from "./extensions/ERC20PackedBalances.sol";

/// @notice The terms of one Exchange Fund Bill issue.
/// @param issueNumber e.g. "Q2612": the letter gives the tenor (`Q` 91 days, `H` 182, `Y` 364, `M`
/// shorter than 91), then four digits.
/// @param issueDate unix time of issue (settlement of the tender).
/// @param maturityDate unix time of maturity: a whole number of days after the issue date.
/// @param denomination face value of one unit in minor units (HK$50,000 = 5,000,000 in the sandbox).
/// @param currency ISO 4217 code, e.g. "HKD"; must be the cash token's.
/// @param cashToken the central-bank money the bill is issued and redeemed in (wCBDC).
struct BillTerms {
    string issueNumber;
    uint64 issueDate;
    uint64 maturityDate;
    uint256 denomination;
    string currency;
    address cashToken;
}

/// @title Exchange Fund Bill: zero-coupon discount paper of the central bank, one token per issue
/// @notice One unit is one `denomination()` of face value (in the sandbox HK$50,000, the programme's
/// bid multiple; the minimum bid of HK$500,000 is ten units), so `decimals()` is 0. No coupon: the
/// bill is sold below par (`priceAtYield`) and redeemed at par at maturity in the cash token (wCBDC).
/// Only the central bank issues it: its `centralBank` must be the cash token's central bank
/// (`CENTRAL_BANK_ROLE` on the wCBDC), and only holders of `ISSUER_ROLE` — the central bank and the
/// issuing agents it appoints (its tender contract) — mint. Holders must be eligible in the
/// participant registry; the central bank can freeze accounts and pause the bill. No transfers at or
/// after maturity; only redemption burns.
/// Redemption: at maturity each holder's whole holding is burned and its face value paid in wCBDC
/// from this contract's balance (the central bank funds it with `redemptionLiability()`), both or
/// neither. Burning a holder's bills at maturity needs no further consent from the holder: it is the
/// instrument's own terms (the holder is paid par in the same transaction). A holder redeems itself
/// (`redeem`) or the central bank redeems holders in bounded pages (`redeemHolders`); a holder that
/// cannot be paid (frozen on the bill or the wCBDC, no longer eligible, not a wCBDC holder) keeps its
/// bills and its payment is parked (`RedemptionParked`) without blocking the others.
/// @dev Needs, to redeem: registration in the participant registry as infrastructure and approval
/// as a settlement contract on the wCBDC (to hold the redemption funding).
contract ExchangeFundBill is ERC20, ERC20Freezable, ERC20Eligibility, Pausable, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role of the central bank: appoints issuing agents, freezes, pauses, redeems in pages.
    bytes32 public constant CENTRAL_BANK_ROLE = keccak256("CENTRAL_BANK_ROLE");
    /// @notice Role that mints at issuance: the central bank and the agents it appoints.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Most holders one redemption page may name.
    uint256 public constant MAX_REDEMPTION_PAGE = 50;
    /// @notice Longest tenor of an `M` (shorter-than-91-day) bill, in days.
    uint256 public constant MAX_SHORT_TENOR_DAYS = 90;

    string private _issueNumber;
    address private immutable _centralBank;
    bytes3 private immutable _currency;
    address private immutable _cashToken;
    uint256 private immutable _denomination;
    uint64 private immutable _issueDate;
    uint64 private immutable _maturityDate;
    uint256 private immutable _tenorDays;

    /// @notice A term of the bill is unusable; `term` names it.
    error BillInvalidTerm(string term);
    /// @notice `issueNumber` is not a letter Q/H/Y/M and four digits, or its letter does not give `tenorDays`.
    error BillInvalidIssueNumber(string issueNumber, uint256 tenorDays);
    /// @notice `account` is not the central bank of the cash token `cashToken`.
    error BillIssuerNotCentralBank(address account, address cashToken);
    /// @notice The bill matured at `maturityDate`: it no longer moves or is issued.
    error BillMatured(uint64 maturityDate);
    /// @notice The bill matures at `maturityDate`: it cannot be redeemed before.
    error BillNotMatured(uint64 maturityDate);
    /// @notice `holder` holds no bills to redeem.
    error BillNothingToRedeem(address holder);
    /// @notice A redemption page named `count` holders; allowed is 1 to `max`.
    error BillPageSizeOutOfRange(uint256 count, uint256 max);
    /// @notice Only this contract may call the one-holder redemption unit.
    error BillOnlySelf(address caller);
    /// @notice The bill holds `balance` of wCBDC, no more than the `liability` its redemption still owes: no surplus to return.
    error BillNoSurplus(uint256 balance, uint256 liability);

    /// @notice `holder` was redeemed: `units` burned and `amount` (par) paid in the cash token.
    event BillRedeemed(address indexed holder, uint256 units, uint256 amount);
    /// @notice `holder`'s redemption could not be made; it keeps its `units` until redeemed later.
    event RedemptionParked(address indexed holder, uint256 units, bytes reason);
    /// @notice The central bank took back `amount` of wCBDC funding above what redemption still owes (`liability`).
    event RedemptionSurplusReturned(address indexed centralBank, uint256 amount, uint256 liability);

    /// @param terms the bill's terms; validated here.
    /// @param name_ e.g. "Exchange Fund Bill Q2612 (91-day)".
    /// @param symbol_ e.g. the issue number.
    /// @param registry_ the participant registry.
    /// @param centralBank_ the issuing central bank: must hold `CENTRAL_BANK_ROLE` on the cash token;
    /// receives `DEFAULT_ADMIN_ROLE`, `CENTRAL_BANK_ROLE` and `ISSUER_ROLE`.
    constructor(
        BillTerms memory terms,
        string memory name_,
        string memory symbol_,
        IParticipantRegistry registry_,
        address centralBank_
    ) ERC20(name_, symbol_) ERC20Eligibility(registry_) {
        if (centralBank_ == address(0) || terms.cashToken == address(0)) revert ZeroAddress();
        if (!IAccessControl(terms.cashToken).hasRole(CENTRAL_BANK_ROLE, centralBank_)) {
            revert BillIssuerNotCentralBank(centralBank_, terms.cashToken);
        }
        if (Iso4217.pack(ICurrencyToken(terms.cashToken).currency()) != Iso4217.pack(terms.currency)) {
            revert BillInvalidTerm("cashToken");
        }
        if (terms.denomination == 0) revert BillInvalidTerm("denomination");
        if (terms.maturityDate <= terms.issueDate || (terms.maturityDate - terms.issueDate) % 1 days != 0) {
            revert BillInvalidTerm("maturityDate");
        }
        uint256 tenor = (terms.maturityDate - terms.issueDate) / 1 days;
        if (!_issueNumberFits(bytes(terms.issueNumber), tenor)) revert BillInvalidIssueNumber(terms.issueNumber, tenor);

        _issueNumber = terms.issueNumber;
        _centralBank = centralBank_;
        _currency = Iso4217.pack(terms.currency);
        _cashToken = terms.cashToken;
        _denomination = terms.denomination;
        _issueDate = terms.issueDate;
        _maturityDate = terms.maturityDate;
        _tenorDays = tenor;

        _grantRole(DEFAULT_ADMIN_ROLE, centralBank_);
        _grantRole(CENTRAL_BANK_ROLE, centralBank_);
        _grantRole(ISSUER_ROLE, centralBank_);
        // Only the central bank appoints who issues on its behalf; an agent cannot appoint another.
        _setRoleAdmin(ISSUER_ROLE, CENTRAL_BANK_ROLE);
    }

    // ---------------------------------------------------------------- issuer

    /// @notice Issues `units` to `to` (a tender allotment).
    /// @dev Requirements: caller has `ISSUER_ROLE`; before maturity; `to` eligible and unfrozen; not paused.
    /// @param to the allottee.
    /// @param units units of `denomination()`.
    function mint(address to, uint256 units) external onlyRole(ISSUER_ROLE) {
        _mint(to, units);
    }

    // ---------------------------------------------------------- central bank

    /// @notice Freezes (`frozen` true) or unfreezes `account` on this bill.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `account` is non-zero.
    /// @param account the holder.
    /// @param frozen the new flag.
    function setFrozen(address account, bool frozen) external onlyRole(CENTRAL_BANK_ROLE) {
        _setFrozen(account, frozen);
    }

    /// @notice Stops every transfer, mint and redemption of this bill.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; not already paused.
    function pause() external onlyRole(CENTRAL_BANK_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, mints and redemptions.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; paused.
    function unpause() external onlyRole(CENTRAL_BANK_ROLE) {
        _unpause();
    }

    /// @notice Redeems each of `holders` at par; a holder that cannot be redeemed keeps its bills and
    /// its payment is parked (`RedemptionParked`, with the reason), without blocking the page.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; 1 to `MAX_REDEMPTION_PAGE` holders; matured.
    /// Holders holding nothing (or redeemed already) are skipped.
    /// @param holders the page of holders.
    /// @return redeemed how many holders were redeemed.
    function redeemHolders(
        address[] calldata holders
    ) external nonReentrant onlyRole(CENTRAL_BANK_ROLE) returns (uint256 redeemed) {
        if (holders.length == 0 || holders.length > MAX_REDEMPTION_PAGE) {
            revert BillPageSizeOutOfRange(holders.length, MAX_REDEMPTION_PAGE);
        }
        _requireMatured();
        for (uint256 i = 0; i < holders.length; ++i) {
            address holder = holders[i];
            uint256 units = balanceOf(holder);
            if (units == 0) continue;
            try this.redeemOnBehalf(holder) {
                ++redeemed;
            } catch (bytes memory reason) {
                emit RedemptionParked(holder, units, reason);
            }
        }
    }

    /// @notice Returns to the central bank the wCBDC this bill holds above what its redemption still
    /// owes (`redemptionLiability()`): over-funding, or what is left once every holder is redeemed.
    /// Funding for holders still to be redeemed (parked ones included) always stays.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; a surplus above zero. Emits `RedemptionSurplusReturned`.
    /// @return surplus the wCBDC returned, in minor units.
    function returnSurplus() external nonReentrant onlyRole(CENTRAL_BANK_ROLE) returns (uint256 surplus) {
        uint256 balance = IERC20(_cashToken).balanceOf(address(this));
        uint256 liability = totalSupply() * _denomination;
        if (balance <= liability) revert BillNoSurplus(balance, liability);
        surplus = balance - liability;
        emit RedemptionSurplusReturned(_centralBank, surplus, liability);
        IERC20(_cashToken).safeTransfer(_centralBank, surplus);
    }

    /// @notice Face value the redemption funding lacks: `redemptionLiability()` less the wCBDC this
    /// bill holds, zero when fully funded. The central bank funds the bill by paying it this amount.
    /// @return amount in minor units.
    function redemptionShortfall() external view returns (uint256) {
        uint256 balance = IERC20(_cashToken).balanceOf(address(this));
        uint256 liability = totalSupply() * _denomination;
        return liability > balance ? liability - balance : 0;
    }

    /// @notice One holder's redemption as a unit that rolls back whole; callable only by this contract.
    /// @param holder the holder.
    function redeemOnBehalf(address holder) external {
        if (msg.sender != address(this)) revert BillOnlySelf(msg.sender);
        _redeem(holder);
    }

    // --------------------------------------------------------------- holders

    /// @notice Redeems the caller's whole holding at maturity: burns it and pays its face value.
    /// @dev Requirements: matured; a holding; the burn and the payment both possible (else reverts with
    /// the token's reason and nothing moves).
    function redeem() external nonReentrant {
        _redeem(msg.sender);
    }

    // ----------------------------------------------------------------- views

    /// @notice Bill units are whole: one unit is one `denomination()`.
    /// @return 0.
    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @notice The issue number, e.g. "Q2612".
    /// @return the issue number.
    function issueNumber() external view returns (string memory) {
        return _issueNumber;
    }

    /// @notice The issuing central bank.
    /// @return its account.
    function centralBank() external view returns (address) {
        return _centralBank;
    }

    /// @notice The currency's ISO 4217 code.
    /// @return e.g. "HKD".
    function currency() external view returns (string memory) {
        return Iso4217.unpack(_currency);
    }

    /// @notice The cash token the bill is issued and redeemed in.
    /// @return the wCBDC.
    function cashToken() external view returns (address) {
        return _cashToken;
    }

    /// @notice Face value of one unit, in minor units.
    /// @return the denomination.
    function denomination() external view returns (uint256) {
        return _denomination;
    }

    /// @notice The issue date (unix time).
    /// @return the issue date.
    function issueDate() external view returns (uint64) {
        return _issueDate;
    }

    /// @notice The maturity date (unix time).
    /// @return the maturity date.
    function maturityDate() external view returns (uint64) {
        return _maturityDate;
    }

    /// @notice Days from issue to maturity.
    /// @return the tenor in days.
    function tenorDays() external view returns (uint256) {
        return _tenorDays;
    }

    /// @notice The price of one unit at `yieldBps` (`DiscountYield.price`: rounded down to a minor unit).
    /// @param yieldBps the annual yield in basis points.
    /// @return price in minor units.
    function priceAtYield(uint256 yieldBps) external view returns (uint256) {
        return DiscountYield.price(_denomination, yieldBps, _tenorDays);
    }

    /// @notice Face value outstanding: what redemption will pay.
    /// @return amount in minor units.
    function redemptionLiability() external view returns (uint256) {
        return totalSupply() * _denomination;
    }

    // ----------------------------------------------------------------- hooks

    /// @dev Not paused; at or after maturity only redemption burns; before, no mint at or after maturity
    /// either; then freeze and eligibility.
    function _checkTransfer(
        address from,
        address to,
        uint256 amount
    ) internal view override(ERC20Freezable, ERC20Eligibility) {
        _requireNotPaused();
        if (to != address(0) && block.timestamp >= _maturityDate) revert BillMatured(_maturityDate);
        super._checkTransfer(from, to, amount);
    }

    /// @inheritdoc ERC20PackedBalances
    function balanceOf(address account) public view override(ERC20, ERC20PackedBalances) returns (uint256) {
        return super.balanceOf(account);
    }

    /// @inheritdoc ERC20PackedBalances
    function totalSupply() public view override(ERC20, ERC20PackedBalances) returns (uint256) {
        return super.totalSupply();
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Compliance) {
        super._update(from, to, value);
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

    // -------------------------------------------------------------- internal

    /// @dev Burns `holder`'s whole holding and pays its face value (effects before the payment).
    function _redeem(address holder) private {
        _requireMatured();
        uint256 units = balanceOf(holder);
        if (units == 0) revert BillNothingToRedeem(holder);
        uint256 amount = units * _denomination;
        _burn(holder, units);
        IERC20(_cashToken).safeTransfer(holder, amount);
        emit BillRedeemed(holder, units, amount);
    }

    function _requireMatured() private view {
        if (block.timestamp < _maturityDate) revert BillNotMatured(_maturityDate);
    }

    /// @dev A letter Q/H/Y/M and four ASCII digits, the letter matching the tenor.
    function _issueNumberFits(bytes memory number, uint256 days_) private pure returns (bool) {
        if (number.length != 5) return false;
        for (uint256 i = 1; i < 5; ++i) {
            if (number[i] < "0" || number[i] > "9") return false;
        }
        bytes1 letter = number[0];
        if (letter == "Q") return days_ == 91;
        if (letter == "H") return days_ == 182;
        if (letter == "Y") return days_ == 364;
        if (letter == "M") return days_ >= 1 && days_ <= MAX_SHORT_TENOR_DAYS;
        return false;
    }
}
