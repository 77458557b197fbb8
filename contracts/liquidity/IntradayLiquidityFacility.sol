// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IParticipantRegistry, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {WholesaleCBDC} from "../tokens/WholesaleCBDC.sol";
import {DiscountWindowTerms} from "./DiscountWindowTerms.sol";
import {EligibleCollateral} from "./EligibleCollateral.sol";

/// @notice Where a repo stands.
enum RepoStatus {
    None,
    Intraday,
    Overnight,
    Reversed,
    ClosedOut
}

/// @notice One repo with the central bank, packed into three storage slots.
/// @param bank the commercial bank that borrowed (the only one that may reverse).
/// @param status intraday, overnight (in the Discount Window), reversed, or closed out (not repaid when due:
/// the central bank kept the paper).
/// @param openedAt when the repo opened (the start of any overnight interest).
/// @param overnightRateBps the Discount Window rate fixed when it rolled (zero while intraday).
/// @param collateral the paper in custody.
/// @param cutOffAt the cut-off of the day it opened: intraday reversal before it; roll-over from it.
/// @param units paper in custody.
/// @param principal cash lent, in the cash token's minor units.
struct Repo {
    address bank;
    RepoStatus status;
    uint64 openedAt;
    uint16 overnightRateBps;
    address collateral;
    uint64 cutOffAt;
    uint128 units;
    uint128 principal;
}

/// @title Intraday liquidity by repo with the central bank, and the Discount Window
/// @notice CHATS allows no daylight overdraft: a bank that needs central-bank money during the day
/// repos eligible paper to the central bank (HKMA). In one transaction the bank's paper moves into this
/// contract's custody and wCBDC moves to the bank; the bank reverses the same day by repaying exactly
/// the cash, and gets its paper back in the same transaction. A repo not reversed by the day's cut-off
/// rolls (anyone may roll it) into overnight Discount Window borrowing at Base Rate + spread; reversing
/// it then costs principal + ACT/365 interest (see `DiscountWindowTerms`). An overnight repo falls due
/// at the next weekday's cut-off; still unpaid then, anyone may close it out: the central bank keeps
/// the paper (title passed to it at the repo) and the bank keeps the cash, the default on record.
/// Matured paper no longer moves, so a repo's paper must outlive the repo: it must mature at least
/// `CLOSE_OUT_WINDOW` after the day's overnight repo would fall due, or the repo is refused. That window
/// is the time anyone has to close an unpaid repo out before the paper would be stuck in custody.
/// @dev Funding: the cash comes from the central bank's own wCBDC account (`fundingAccount`, fixed at
/// deployment), which approves THIS contract for the facility's size; repayments (and interest) go back
/// to that account. The contract never mints and never holds wCBDC. Consent: the bank's paper and cash
/// move only in its own `repo` / `reverse` call, for exactly the units it offered and the amount it owes.
/// Needs: registration in the participant registry as infrastructure (to hold the paper in custody and
/// to spend allowances).
contract IntradayLiquidityFacility is
    AccessControl,
    ReentrancyGuardTransient,
    EligibleCollateral,
    DiscountWindowTerms,
    ITokenErrors
{
    using SafeERC20 for IERC20;

    /// @notice Role of the central bank: lists collateral, sets the rates and the cut-off.
    bytes32 public constant CENTRAL_BANK_ROLE = keccak256("CENTRAL_BANK_ROLE");

    /// @notice How long after an overnight repo falls due its paper must still be alive (not matured):
    /// the time there is to reverse late or close it out while the paper can still move.
    uint256 public constant CLOSE_OUT_WINDOW = 1 days;

    WholesaleCBDC private immutable _cash;
    IParticipantRegistry private immutable _registry;
    address private immutable _fundingAccount;

    uint256 private _repoCount;
    mapping(uint256 repoId => Repo) private _repos;
    mapping(address token => uint256 units) private _custody;

    /// @notice Only commercial banks borrow from the facility.
    /// @param account the caller.
    /// @param kind its kind in the registry.
    error LiquidityNotABank(address account, ParticipantKind kind);

    /// @notice A repo needs some units and some cash.
    /// @param units the units offered.
    /// @param amount the cash asked for.
    error RepoZeroAmount(uint256 units, uint256 amount);

    /// @notice The bank holds `balance` units of `collateral`, fewer than the `units` it offered.
    error RepoInsufficientCollateral(address bank, address collateral, uint256 balance, uint256 units);

    /// @notice `amount` is more than the lending value of the paper offered.
    /// @param collateral the paper.
    /// @param units the units offered.
    /// @param amount the cash asked for.
    /// @param lendingValue what the central bank lends against them after the haircut.
    error RepoAmountOverLendingValue(address collateral, uint256 units, uint256 amount, uint256 lendingValue);

    /// @notice The intraday facility is closed for the day: a repo opens only before the cut-off.
    /// @param cutOffAt today's cut-off.
    /// @param now_ the block time.
    error RepoAfterCutOff(uint256 cutOffAt, uint256 now_);

    /// @notice No repo has id `repoId`.
    error RepoUnknown(uint256 repoId);

    /// @notice Only the bank that repo'd may reverse.
    /// @param repoId the repo.
    /// @param bank the bank that borrowed.
    /// @param caller who tried to reverse.
    error RepoNotYours(uint256 repoId, address bank, address caller);

    /// @notice The repo is `status`, not one this call acts on (e.g. already reversed, already rolled).
    error RepoWrongStatus(uint256 repoId, RepoStatus status);

    /// @notice An intraday repo past its cut-off cannot be reversed at principal: it rolls into the Discount Window first.
    error RepoPastCutOff(uint256 repoId, uint256 cutOffAt, uint256 now_);

    /// @notice An intraday repo rolls into the Discount Window only from its day's cut-off.
    error RepoBeforeCutOff(uint256 repoId, uint256 cutOffAt, uint256 now_);

    /// @notice The paper matures at `maturesAt`, before `mustOutlive`: the end of the close-out window of
    /// an overnight repo that rolls today. Matured paper cannot move, so it could never come back.
    error RepoCollateralMaturesTooSoon(address collateral, uint256 maturesAt, uint256 mustOutlive);

    /// @notice An overnight repo may be closed out only once due (`dueAt`) and unpaid.
    error RepoNotDue(uint256 repoId, uint256 dueAt, uint256 now_);

    /// @notice The bank holds `balance` of the cash token, less than the `owed` to reverse.
    error RepoInsufficientCash(uint256 repoId, address bank, uint256 balance, uint256 owed);

    /// @notice `bank` repo'd `units` of `collateral` to the central bank for `principal` of wCBDC, until `cutOffAt`.
    event IntradayRepoOpened(
        uint256 indexed repoId,
        address indexed bank,
        address indexed collateral,
        uint256 units,
        uint256 principal,
        uint256 cutOffAt
    );

    /// @notice An intraday repo not reversed by the cut-off rolled into overnight Discount Window borrowing at `rateBps`.
    event RepoRolledToDiscountWindow(uint256 indexed repoId, address indexed bank, uint256 principal, uint16 rateBps);

    /// @notice `bank` did not repay overnight repo `repoId` by `dueAt`: the central bank's funding account
    /// kept its `units` of `collateral`, the bank the `principal`; `owed` is what repaying would have cost.
    event RepoClosedOut(
        uint256 indexed repoId,
        address indexed bank,
        address indexed collateral,
        uint256 units,
        uint256 principal,
        uint256 owed,
        uint256 dueAt
    );

    /// @notice `bank` repaid `principal` + `interest` and got its `units` of `collateral` back.
    event RepoReversed(
        uint256 indexed repoId,
        address indexed bank,
        address indexed collateral,
        uint256 units,
        uint256 principal,
        uint256 interest
    );

    /// @param cash_ the wCBDC lent.
    /// @param registry_ the participant registry (listed collateral must ask the same one).
    /// @param centralBank receives `DEFAULT_ADMIN_ROLE` and `CENTRAL_BANK_ROLE`, and is the funding account.
    /// @param baseRateBps the opening Base Rate.
    /// @param penaltySpreadBps the opening spread above it.
    constructor(
        WholesaleCBDC cash_,
        IParticipantRegistry registry_,
        address centralBank,
        uint16 baseRateBps,
        uint16 penaltySpreadBps
    ) {
        if (address(cash_) == address(0) || address(registry_) == address(0) || centralBank == address(0)) {
            revert ZeroAddress();
        }
        _cash = cash_;
        _registry = registry_;
        _fundingAccount = centralBank;
        _grantRole(DEFAULT_ADMIN_ROLE, centralBank);
        _grantRole(CENTRAL_BANK_ROLE, centralBank);
        _setRate(baseRateBps, penaltySpreadBps);
    }

    // ------------------------------------------------------------ central bank

    /// @notice Lists `token` as eligible collateral (or changes its price and haircut).
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `token` asks this ledger's registry and is
    /// not the cash lent (wCBDC against wCBDC is no collateral); haircut below 10,000 bps; price above
    /// zero. Open repos keep their principal.
    /// @param token the paper, e.g. the government bond or an Exchange Fund Bill.
    /// @param pricePerUnit value of one unit in the cash token's minor units.
    /// @param haircutBps the haircut in basis points.
    function listCollateral(address token, uint256 pricePerUnit, uint16 haircutBps) external onlyRole(CENTRAL_BANK_ROLE) {
        if (token == address(_cash)) revert CollateralNotOnLedger(token);
        _list(token, pricePerUnit, haircutBps);
    }

    /// @notice Takes `token` off the list: no new repos on it; open ones reverse as usual.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `token` is listed.
    /// @param token the paper.
    function delistCollateral(address token) external onlyRole(CENTRAL_BANK_ROLE) {
        _delist(token);
    }

    /// @notice Sets the Base Rate and the penalty spread for repos that roll from now.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; the sum at most `MAX_RATE_BPS`.
    /// @param baseRateBps the Base Rate.
    /// @param penaltySpreadBps the spread above it.
    function setDiscountWindowRate(uint16 baseRateBps, uint16 penaltySpreadBps) external onlyRole(CENTRAL_BANK_ROLE) {
        _setRate(baseRateBps, penaltySpreadBps);
    }

    /// @notice Sets the daily cut-off (seconds after HKT midnight) for repos opened from now.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; below 86,400.
    /// @param cutOff_ e.g. 63,000 for 17:30 HKT.
    function setCutOff(uint32 cutOff_) external onlyRole(CENTRAL_BANK_ROLE) {
        _setCutOff(cutOff_);
    }

    // ------------------------------------------------------------------- banks

    /// @notice Borrows `amount` of wCBDC intraday against `units` of listed `collateral`: the paper moves
    /// from the caller into custody and the cash from the central bank to the caller, in this call.
    /// @dev Requirements: the caller is an eligible commercial bank; `collateral` listed; `units` and
    /// `amount` above zero; the caller holds `units` and approved this contract for them; `amount` at
    /// most `lendingValue(collateral, units)`; before today's cut-off; the paper matures no earlier than
    /// `overnightDueAt(cut-off) + CLOSE_OUT_WINDOW`; the central bank's funding allowance covers `amount`.
    /// Emits `IntradayRepoOpened`.
    /// @param collateral the paper.
    /// @param units how many units to deliver.
    /// @param amount the cash to borrow, in minor units.
    /// @return repoId the new repo's id.
    function repo(address collateral, uint256 units, uint256 amount) external nonReentrant returns (uint256 repoId) {
        _requireBank(msg.sender);
        _requireListed(collateral);
        if (units == 0 || amount == 0) revert RepoZeroAmount(units, amount);
        uint256 held = IERC20(collateral).balanceOf(msg.sender);
        if (held < units) revert RepoInsufficientCollateral(msg.sender, collateral, held, units);
        uint256 value = lendingValue(collateral, units);
        if (amount > value) revert RepoAmountOverLendingValue(collateral, units, amount, value);
        uint256 cutOffAt = cutOffOf(block.timestamp);
        if (block.timestamp >= cutOffAt) revert RepoAfterCutOff(cutOffAt, block.timestamp);
        uint256 mustOutlive = overnightDueAt(cutOffAt) + CLOSE_OUT_WINDOW;
        uint256 maturesAt = collateralTerms(collateral).maturesAt;
        if (maturesAt < mustOutlive) revert RepoCollateralMaturesTooSoon(collateral, maturesAt, mustOutlive);

        repoId = ++_repoCount;
        _repos[repoId] = Repo({
            bank: msg.sender,
            status: RepoStatus.Intraday,
            openedAt: uint64(block.timestamp),
            overnightRateBps: 0,
            collateral: collateral,
            cutOffAt: uint64(cutOffAt),
            units: SafeCast.toUint128(units),
            principal: SafeCast.toUint128(amount)
        });
        _custody[collateral] += units;
        emit IntradayRepoOpened(repoId, msg.sender, collateral, units, amount, cutOffAt);

        IERC20(collateral).safeTransferFrom(msg.sender, address(this), units);
        IERC20(address(_cash)).safeTransferFrom(_fundingAccount, msg.sender, amount);
    }

    /// @notice Reverses repo `repoId`: the caller repays what it owes (principal, plus interest when
    /// overnight) and gets its paper back, in this call.
    /// @dev Requirements: the caller is the bank that repo'd; the repo is intraday and before its
    /// cut-off, or overnight; the caller holds and approved `amountOwed(repoId)` of wCBDC. Emits `RepoReversed`.
    /// @param repoId the repo.
    /// @return owed the cash repaid (principal + interest).
    function reverse(uint256 repoId) external nonReentrant returns (uint256 owed) {
        Repo storage r = _requireRepo(repoId);
        if (r.bank != msg.sender) revert RepoNotYours(repoId, r.bank, msg.sender);
        if (r.status == RepoStatus.Intraday) {
            if (block.timestamp >= r.cutOffAt) revert RepoPastCutOff(repoId, r.cutOffAt, block.timestamp);
        } else if (r.status != RepoStatus.Overnight) {
            revert RepoWrongStatus(repoId, r.status);
        }
        owed = amountOwed(repoId);
        uint256 balance = _cash.balanceOf(msg.sender);
        if (balance < owed) revert RepoInsufficientCash(repoId, msg.sender, balance, owed);

        address collateral = r.collateral;
        uint256 units = r.units;
        uint256 principal = r.principal;
        r.status = RepoStatus.Reversed;
        _custody[collateral] -= units;
        emit RepoReversed(repoId, msg.sender, collateral, units, principal, owed - principal);

        IERC20(address(_cash)).safeTransferFrom(msg.sender, _fundingAccount, owed);
        IERC20(collateral).safeTransfer(msg.sender, units);
    }

    // ------------------------------------------------------------------ anyone

    /// @notice Rolls an intraday repo not reversed by its cut-off into overnight Discount Window
    /// borrowing at today's Base Rate + spread. Anyone may call (the central bank's end-of-day run).
    /// @dev Requirements: the repo is intraday; at or after its cut-off. Emits `RepoRolledToDiscountWindow`.
    /// Nothing moves: the paper stays in custody, the cash with the bank.
    /// @param repoId the repo.
    function rollToDiscountWindow(uint256 repoId) external {
        Repo storage r = _requireRepo(repoId);
        if (r.status != RepoStatus.Intraday) revert RepoWrongStatus(repoId, r.status);
        if (block.timestamp < r.cutOffAt) revert RepoBeforeCutOff(repoId, r.cutOffAt, block.timestamp);
        uint16 rate = uint16(discountWindowRate());
        r.status = RepoStatus.Overnight;
        r.overnightRateBps = rate;
        emit RepoRolledToDiscountWindow(repoId, r.bank, r.principal, rate);
    }

    /// @notice Closes out overnight repo `repoId`, due and unpaid: the paper in custody goes to the
    /// central bank's funding account (it keeps it in lieu of the cash), the bank keeps the principal.
    /// Anyone may call (the central bank's default procedure, or a keeper).
    /// @dev Requirements: the repo is overnight; at or after `overnightDueAt(cutOffAt)`. Emits `RepoClosedOut`.
    /// @param repoId the repo.
    function closeOut(uint256 repoId) external nonReentrant {
        Repo storage r = _requireRepo(repoId);
        if (r.status != RepoStatus.Overnight) revert RepoWrongStatus(repoId, r.status);
        uint256 dueAt = overnightDueAt(r.cutOffAt);
        if (block.timestamp < dueAt) revert RepoNotDue(repoId, dueAt, block.timestamp);
        uint256 owed = amountOwed(repoId);
        address collateral = r.collateral;
        uint256 units = r.units;
        r.status = RepoStatus.ClosedOut;
        _custody[collateral] -= units;
        emit RepoClosedOut(repoId, r.bank, collateral, units, r.principal, owed, dueAt);

        IERC20(collateral).safeTransfer(_fundingAccount, units);
    }

    // ------------------------------------------------------------------- views

    /// @notice Repo `repoId` (status `None` when unknown).
    /// @param repoId the repo.
    /// @return the record.
    function repoOf(uint256 repoId) external view returns (Repo memory) {
        return _repos[repoId];
    }

    /// @notice How many repos were ever opened (ids run from 1).
    /// @return the count.
    function repoCount() external view returns (uint256) {
        return _repoCount;
    }

    /// @notice What reversing `repoId` now costs: principal intraday, principal + interest overnight, zero otherwise.
    /// @param repoId the repo.
    /// @return in the cash token's minor units.
    function amountOwed(uint256 repoId) public view returns (uint256) {
        Repo storage r = _repos[repoId];
        if (r.status == RepoStatus.Intraday) return r.principal;
        if (r.status == RepoStatus.Overnight) {
            return r.principal + discountWindowInterest(r.principal, r.overnightRateBps, r.openedAt, block.timestamp);
        }
        return 0;
    }

    /// @notice Units of `token` held in custody for open repos.
    /// @param token the paper.
    /// @return the units.
    function custodyOf(address token) external view returns (uint256) {
        return _custody[token];
    }

    /// @notice The wCBDC this facility lends.
    /// @return the token.
    function cashToken() external view returns (address) {
        return address(_cash);
    }

    /// @notice The central bank's account the cash comes from and is repaid to.
    /// @return the account.
    function fundingAccount() external view returns (address) {
        return _fundingAccount;
    }

    // ---------------------------------------------------------------- internal

    function _ledgerRegistry() internal view override returns (IParticipantRegistry) {
        return _registry;
    }

    function _requireBank(address account) private view {
        ParticipantKind kind = _registry.requireEligible(account);
        if (kind != ParticipantKind.CommercialBank) revert LiquidityNotABank(account, kind);
    }

    function _requireRepo(uint256 repoId) private view returns (Repo storage r) {
        r = _repos[repoId];
        if (r.status == RepoStatus.None) revert RepoUnknown(repoId);
    }
}
