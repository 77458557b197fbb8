// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IParticipantRegistry, IParticipantRegistryErrors, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {FailureReason} from "../settlement/Trade.sol";
import {WholesaleCBDC} from "../tokens/WholesaleCBDC.sol";

/// @notice Where a payment instruction stands. `Rejected` (appended last, so the others keep their
/// numbers): taken out of the queue on release because the token refused its transfer for a reason
/// other than the payer's liquidity; terminal, like `Settled` and `Cancelled`.
enum PaymentStatus {
    None,
    Queued,
    Settled,
    Cancelled,
    Rejected
}

/// @notice One bank-to-bank payment instruction in central-bank money.
/// @param payer the paying bank (its submission is its consent to this one debit).
/// @param payee the receiving bank.
/// @param status queued, settled, cancelled or rejected.
/// @param amount in the cash token's minor units.
/// @param paymentReference the payer's reference.
struct PaymentInstruction {
    address payer;
    address payee;
    PaymentStatus status;
    uint256 amount;
    bytes32 paymentReference;
}

/// @title Queued interbank payments (CHATS-style)
/// @notice There is no overdraft: a bank's payment that its wCBDC cannot cover waits in its queue
/// instead of failing, and settles, first in first out per payer, once the payer has the liquidity
/// (say, after an intraday repo). Anyone may `release` a payer's queue: it settles from the head while
/// the payer can fund the head payment and stops at the first it cannot (a later, smaller payment never
/// overtakes an earlier one). A head payment the token itself refuses (payee or payer frozen or no
/// longer eligible in the registry or on the token) is not left to block the queue: it is taken out
/// as `Rejected`, with the token's reason and error in `PaymentInstructionRejected`, and the release
/// goes on with the next payment, as CHATS returns a payment it cannot settle for a reason other than
/// liquidity. The payer may cancel a queued payment.
/// @dev "Can fund" means the payer's balance and its allowance to this contract both cover the amount.
/// "Refused" means the token's `checkTransfer(payer, payee, amount)` view reverts (it checks every
/// rule but the balance), asked before the liquidity: a payment that could not settle whatever the
/// payer held is rejected, not waited for. A paused token is not a payment's fault: `release` then
/// reverts with the token's `EnforcedPause` and every queue stays as it was.
/// Consent: the contract debits a payer only for a payment it submitted itself, for exactly its amount.
/// Needs: registration in the participant registry as infrastructure (to spend allowances); it never
/// holds wCBDC. Each payer has at most `MAX_QUEUED` payments waiting, so every loop is bounded.
contract PaymentQueue is ReentrancyGuardTransient, ITokenErrors {
    using SafeERC20 for IERC20;

    /// @notice Most payments one payer may have waiting.
    uint256 public constant MAX_QUEUED = 16;

    WholesaleCBDC private immutable _cash;
    IParticipantRegistry private immutable _registry;

    uint256 private _paymentCount;
    mapping(uint256 paymentId => PaymentInstruction) private _payments;
    mapping(address payer => uint256[]) private _queue;

    /// @notice Only commercial banks pay and are paid through the queue.
    /// @param account the rejected party.
    /// @param kind its kind in the registry.
    error PaymentNotBank(address account, ParticipantKind kind);

    /// @notice A payment needs an amount above zero, to another bank.
    /// @param payee the payee asked for.
    /// @param amount the amount asked for.
    error PaymentInvalid(address payee, uint256 amount);

    /// @notice `payer` already has `MAX_QUEUED` payments waiting.
    /// @param payer the bank.
    /// @param max the bound.
    error PaymentQueueFull(address payer, uint256 max);

    /// @notice No payment has id `paymentId`.
    error PaymentUnknown(uint256 paymentId);

    /// @notice Payment `paymentId` is `status`, not queued.
    error PaymentNotQueued(uint256 paymentId, PaymentStatus status);

    /// @notice Only the payer may cancel its payment.
    /// @param paymentId the payment.
    /// @param payer its payer.
    /// @param caller who tried.
    error PaymentNotPayer(uint256 paymentId, address payer, address caller);

    /// @notice `payer` submitted payment `paymentId` of `amount` to `payee`.
    event PaymentInstructionSubmitted(
        uint256 indexed paymentId,
        address indexed payer,
        address indexed payee,
        uint256 amount,
        bytes32 paymentReference
    );

    /// @notice Payment `paymentId` could not settle (the payer had `available` of `amount`) and waits at `position` (0 = head).
    event PaymentInstructionQueued(
        uint256 indexed paymentId,
        address indexed payer,
        uint256 position,
        uint256 available,
        uint256 amount
    );

    /// @notice Payment `paymentId` settled: `amount` moved from `payer` to `payee`.
    event PaymentInstructionSettled(uint256 indexed paymentId, address indexed payer, address indexed payee, uint256 amount);

    /// @notice The payer cancelled queued payment `paymentId`.
    event PaymentInstructionCancelled(uint256 indexed paymentId, address indexed payer);

    /// @notice Queued payment `paymentId` of `amount` from `payer` to `payee` was taken out of the queue
    /// on release, unsettled and nothing moved, because the token refused the transfer.
    /// @param paymentId the payment.
    /// @param payer its payer.
    /// @param payee its payee.
    /// @param amount its amount.
    /// @param reason the refusal classified (`AccountFrozen`, `NotEligible`, or `TokenRejected`).
    /// @param tokenError the token's revert data, e.g. `AccountFrozen(payee)` or the registry's `ParticipantFrozen(payee)`.
    event PaymentInstructionRejected(
        uint256 indexed paymentId,
        address indexed payer,
        address indexed payee,
        uint256 amount,
        FailureReason reason,
        bytes tokenError
    );

    /// @param cash_ the wCBDC paid.
    /// @param registry_ the participant registry.
    constructor(WholesaleCBDC cash_, IParticipantRegistry registry_) {
        if (address(cash_) == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        _cash = cash_;
        _registry = registry_;
    }

    /// @notice Pays `amount` of wCBDC to `payee` now if the caller can fund it and has nothing waiting;
    /// otherwise queues it behind the caller's earlier payments.
    /// @dev Requirements: caller and payee are eligible commercial banks, distinct; `amount` above zero;
    /// fewer than `MAX_QUEUED` payments waiting when it must queue. Emits `PaymentInstructionSubmitted`, then
    /// `PaymentInstructionSettled` or `PaymentInstructionQueued`.
    /// @param payee the receiving bank.
    /// @param amount in minor units.
    /// @param paymentReference the payer's reference.
    /// @return paymentId the payment's id.
    /// @return settled true when it settled in this call.
    function submit(
        address payee,
        uint256 amount,
        bytes32 paymentReference
    ) external nonReentrant returns (uint256 paymentId, bool settled) {
        _requireBank(msg.sender);
        _requireBank(payee);
        if (amount == 0 || payee == msg.sender) revert PaymentInvalid(payee, amount);
        paymentId = ++_paymentCount;
        _payments[paymentId] = PaymentInstruction({
            payer: msg.sender,
            payee: payee,
            status: PaymentStatus.Queued,
            amount: amount,
            paymentReference: paymentReference
        });
        emit PaymentInstructionSubmitted(paymentId, msg.sender, payee, amount, paymentReference);

        uint256[] storage queue = _queue[msg.sender];
        if (queue.length == 0 && _canFund(msg.sender, amount)) {
            _settle(paymentId);
            return (paymentId, true);
        }
        if (queue.length >= MAX_QUEUED) revert PaymentQueueFull(msg.sender, MAX_QUEUED);
        queue.push(paymentId);
        emit PaymentInstructionQueued(paymentId, msg.sender, queue.length - 1, _available(msg.sender), amount);
    }

    /// @notice Settles `payer`'s waiting payments from the head, in order, while it can fund the head one;
    /// a head payment the token refuses is rejected and the release goes on. Anyone may call.
    /// @dev For each head payment: if the token's `checkTransfer` refuses it, it becomes `Rejected`
    /// (emits `PaymentInstructionRejected`, nothing moves); else if the payer cannot fund it, the release
    /// stops there (a later payment never overtakes it); else it settles. Reverts with the token's
    /// `EnforcedPause` while the token is paused, nothing changed. Bounded by `MAX_QUEUED`.
    /// @param payer the paying bank.
    /// @return settled how many payments settled (rejected ones are not counted).
    function release(address payer) external nonReentrant returns (uint256 settled) {
        uint256[] storage queue = _queue[payer];
        uint256 n = queue.length;
        uint256 done = 0; // payments taken from the head, settled or rejected
        while (done < n) {
            uint256 paymentId = queue[done];
            PaymentInstruction storage p = _payments[paymentId];
            (bool refused, bytes memory tokenError) = _refusal(p.payer, p.payee, p.amount);
            if (refused) {
                p.status = PaymentStatus.Rejected;
                emit PaymentInstructionRejected(paymentId, p.payer, p.payee, p.amount, _classify(tokenError), tokenError);
            } else if (_canFund(payer, p.amount)) {
                _settle(paymentId);
                ++settled;
            } else {
                break;
            }
            ++done;
        }
        if (done == 0) return 0;
        for (uint256 i = done; i < n; ++i) queue[i - done] = queue[i];
        for (uint256 i = 0; i < done; ++i) queue.pop();
    }

    /// @notice Cancels the caller's queued payment `paymentId`; the payments behind it move up.
    /// @dev Requirements: the caller is its payer; it is queued. Emits `PaymentInstructionCancelled`.
    /// @param paymentId the payment.
    function cancel(uint256 paymentId) external {
        PaymentInstruction storage p = _payments[paymentId];
        if (p.status == PaymentStatus.None) revert PaymentUnknown(paymentId);
        if (p.payer != msg.sender) revert PaymentNotPayer(paymentId, p.payer, msg.sender);
        if (p.status != PaymentStatus.Queued) revert PaymentNotQueued(paymentId, p.status);
        p.status = PaymentStatus.Cancelled;
        uint256[] storage queue = _queue[msg.sender];
        uint256 n = queue.length;
        uint256 at = 0;
        while (queue[at] != paymentId) ++at; // queued payments are in their payer's queue
        for (uint256 i = at + 1; i < n; ++i) queue[i - 1] = queue[i];
        queue.pop();
        emit PaymentInstructionCancelled(paymentId, msg.sender);
    }

    /// @notice Payment `paymentId` (status `None` when unknown).
    /// @param paymentId the payment.
    /// @return the instruction.
    function paymentOf(uint256 paymentId) external view returns (PaymentInstruction memory) {
        return _payments[paymentId];
    }

    /// @notice `payer`'s waiting payments, head first.
    /// @param payer the bank.
    /// @return their ids.
    function queueOf(address payer) external view returns (uint256[] memory) {
        return _queue[payer];
    }

    /// @notice How many payments were ever submitted (ids run from 1).
    /// @return the count.
    function paymentCount() external view returns (uint256) {
        return _paymentCount;
    }

    function _settle(uint256 paymentId) private {
        PaymentInstruction storage p = _payments[paymentId];
        p.status = PaymentStatus.Settled;
        emit PaymentInstructionSettled(paymentId, p.payer, p.payee, p.amount);
        IERC20(address(_cash)).safeTransferFrom(p.payer, p.payee, p.amount);
    }

    /// @dev Whether the token refuses a transfer of `amount` from `payer` to `payee` (balance aside), and
    /// its revert data. A pause is re-thrown: it stops the release rather than rejecting payments.
    function _refusal(address payer, address payee, uint256 amount) private view returns (bool refused, bytes memory tokenError) {
        try ITransferCompliance(address(_cash)).checkTransfer(payer, payee, amount) {
            return (false, "");
        } catch (bytes memory err) {
            if (err.length >= 4 && bytes4(err) == Pausable.EnforcedPause.selector) revert Pausable.EnforcedPause();
            return (true, err);
        }
    }

    /// @dev The settlement engine's reason for a wCBDC refusal (see `LegMovements._classify`).
    function _classify(bytes memory tokenError) private pure returns (FailureReason) {
        if (tokenError.length < 4) return FailureReason.TokenRejected;
        bytes4 selector = bytes4(tokenError);
        if (
            selector == IParticipantRegistryErrors.ParticipantFrozen.selector ||
            selector == ITokenErrors.AccountFrozen.selector
        ) return FailureReason.AccountFrozen;
        if (
            selector == IParticipantRegistryErrors.ParticipantNotRegistered.selector ||
            selector == IParticipantRegistryErrors.ParticipantKycExpired.selector ||
            selector == ITokenErrors.HolderNotWholesale.selector
        ) return FailureReason.NotEligible;
        return FailureReason.TokenRejected;
    }

    function _available(address payer) private view returns (uint256) {
        uint256 balance = _cash.balanceOf(payer);
        uint256 allowance = _cash.allowance(payer, address(this));
        return balance < allowance ? balance : allowance;
    }

    function _canFund(address payer, uint256 amount) private view returns (bool) {
        return _available(payer) >= amount;
    }

    function _requireBank(address account) private view {
        ParticipantKind kind = _registry.requireEligible(account);
        if (kind != ParticipantKind.CommercialBank) revert PaymentNotBank(account, kind);
    }
}
