// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {SettlementLegs} from "./SettlementLegs.sol";

/// @title Customer payments in tokenized deposits, settled between banks in wCBDC
/// @notice A customer of bank A pays a customer of bank B in one transaction: A's deposit tokens are
/// burned from the payer, A pays B in wCBDC, B mints its deposit tokens to the payee. If any part
/// cannot happen, nothing moves. Within one bank it is a plain deposit transfer. The payer is always
/// the caller: no one can make the engine pay from another account here.
abstract contract CustomerPayments is SettlementLegs, ReentrancyGuardTransient {
    /// @notice Pays `amount` from the caller's deposit at one bank to `payee`'s deposit at another (or the same) bank.
    /// @dev Requirements: one registered deposit token (`CashTokenNotRegistered`), or two registered
    /// ones (`DepositTokenNotRegistered`); the caller approved the engine on `payerDeposit` for `amount`; for two banks,
    /// both deposit tokens are registered, the payer's bank approved the engine on its wCBDC and has
    /// the liquidity, and the payee is an eligible customer of its bank. Reverts `SettlementLegFailed`
    /// with the reason, moving nothing, if any leg cannot move.
    /// @param payerDeposit the payer's bank's deposit token.
    /// @param payeeDeposit the payee's bank's deposit token.
    /// @param payee the beneficiary.
    /// @param amount in minor units.
    /// @param paymentRef end-to-end reference (ISO 20022 EndToEndId).
    function pay(
        address payerDeposit,
        address payeeDeposit,
        address payee,
        uint256 amount,
        bytes32 paymentRef
    ) external nonReentrant whenNotPaused {
        if (amount == 0) revert InvalidTradeTerm("amount");
        _payCash(payerDeposit, payeeDeposit, msg.sender, payee, amount, paymentRef);
        emit PaymentSettled(paymentRef, msg.sender, payee, payerDeposit, payeeDeposit, amount);
    }

    /// @notice Pays `amount` of the caller's wCBDC (of the deposit's currency) to `beneficiary`'s bank, which credits it in
    /// `depositToken` in the same transaction (e.g. a paying agent's coupon to an investor).
    /// @dev Requirements: `depositToken` is registered; the caller approved the engine on wCBDC for
    /// `amount`; `beneficiary` is an eligible customer of the bank.
    /// @param depositToken the beneficiary's bank's deposit token.
    /// @param beneficiary the customer credited.
    /// @param amount in minor units.
    /// @param paymentRef end-to-end reference.
    function payToCustomer(
        address depositToken,
        address beneficiary,
        uint256 amount,
        bytes32 paymentRef
    ) external nonReentrant whenNotPaused {
        if (amount == 0) revert InvalidTradeTerm("amount");
        address money = wcbdcOf(depositToken);
        if (money == address(0)) revert DepositTokenNotRegistered(depositToken);
        _payCash(money, depositToken, msg.sender, beneficiary, amount, paymentRef);
        emit PaymentSettled(paymentRef, msg.sender, beneficiary, money, depositToken, amount);
    }
}
