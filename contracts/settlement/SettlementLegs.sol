// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {ITokenizedDeposit} from "../interfaces/ITokenizedDeposit.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {LegMovements} from "./LegMovements.sol";
import {SettlementRegister} from "./SettlementRegister.sol";
import {FailureReason, Leg, Trade} from "./Trade.sol";

/// @title Settlement legs: moving tokens, and cash across banks in wCBDC
/// @notice Every token movement of a settlement goes through `_move`, which reverts with
/// `SettlementLegFailed` and a classified reason when the token refuses, so a caller either
/// moves every leg or none. A cash leg between customers of different banks becomes three
/// movements: the payer's bank debits its deposit token, the payer's bank pays the payee's bank in
/// wCBDC, the payee's bank credits its deposit token. A bank on either side pays or is paid in wCBDC.
/// @dev Consent: every path that calls these helpers debits only a party that instructed, signed,
/// bid for or itself called that settlement; the ERC-20 allowance to the engine is the mechanism,
/// never the consent. A bank's wCBDC is debited only for a payment by one of its own customers,
/// whose deposit the bank burns in the same transaction, on the deposit line the bank consented to.
/// Several currencies settle side by side: each deposit token settles in the wCBDC of its line.
abstract contract SettlementLegs is SettlementRegister, LegMovements {
    /// @notice Role that may submit signed trades on the parties' behalf and settle netting batches.
    bytes32 public constant SETTLEMENT_AGENT_ROLE = keccak256("SETTLEMENT_AGENT_ROLE");

    /// @param wcbdc_ the home wholesale CBDC.
    /// @param registry_ the participant registry.
    constructor(address wcbdc_, IParticipantRegistry registry_) SettlementRegister(wcbdc_, registry_) {}

    /// @dev Delivers the asset from seller to buyer and pays the cash from buyer to seller, or reverts
    /// `SettlementLegFailed` having moved nothing.
    function _deliverAndPay(Trade calldata trade, bytes32 tradeId) internal {
        _move(Leg.Asset, FailureReason.InsufficientSecurities, trade.asset, trade.seller, trade.buyer, trade.quantity);
        _payCash(trade.buyerCash, trade.sellerCash, trade.buyer, trade.seller, trade.amount, tradeId);
    }

    /// @dev Reverts unless the terms can settle at all: `InvalidTradeTerm` for a bad term,
    /// `AssetNotRegistered` / `CashTokenNotRegistered` for a token the ledger did not register.
    function _requireValidTerms(Trade calldata trade) internal view {
        if (trade.seller == address(0) || trade.buyer == address(0)) revert InvalidTradeTerm("party");
        if (trade.seller == trade.buyer) revert InvalidTradeTerm("buyer");
        if (trade.asset == address(0)) revert InvalidTradeTerm("asset");
        if (trade.buyerCash == address(0) || trade.sellerCash == address(0)) revert InvalidTradeTerm("cash");
        if (trade.quantity == 0) revert InvalidTradeTerm("quantity");
        if (trade.amount == 0) revert InvalidTradeTerm("amount");
        if (trade.settlementDate > trade.expiry) revert InvalidTradeTerm("settlementDate");
        _requireRegisteredTokens(trade);
    }

    /// @dev Reverts `AssetNotRegistered` / `CashTokenNotRegistered` unless the trade's asset and both
    /// cash tokens are registered now (checked again at settlement: a deregistration stops trades
    /// matched before it).
    function _requireRegisteredTokens(Trade calldata trade) internal view {
        _requireAsset(trade.asset);
        _requireRegisteredCash(trade.buyerCash);
        _requireRegisteredCash(trade.sellerCash);
    }

    /// @dev Judges one gross leg as `settle` would meet it alone, balance aside: asks `token` whether a
    /// transfer from `from` to `to` would pass its rules, then whether `from` has approved this engine
    /// for `amount` (its consent to the leg). Returns the classified reason and the token's error
    /// (`ERC20InsufficientAllowance` for a missing approval, as its `transferFrom` would raise it), or
    /// `None` when both hold.
    function _checkLeg(
        address token,
        address from,
        address to,
        uint256 amount,
        FailureReason shortfall
    ) internal view returns (FailureReason reason, bytes memory tokenError) {
        try ITransferCompliance(token).checkTransfer(from, to, amount) {
            uint256 allowed = IERC20(token).allowance(from, address(this));
            if (allowed >= amount) return (FailureReason.None, "");
            tokenError = abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(this), allowed, amount);
            return (FailureReason.MissingApproval, tokenError);
        } catch (bytes memory err) {
            return (_classify(err, shortfall), err);
        }
    }

    /// @dev Pays `amount` from `payer` (in `payerCash`) to `payee` (in `payeeCash`). The same token moves
    /// directly. Otherwise each side is central-bank money or a registered deposit token: a deposit
    /// payer is debited by its bank, which then pays in wCBDC; a deposit payee is credited by its
    /// bank, which was paid in wCBDC. A bank paying or paid in its own deposits moves no wCBDC.
    function _payCash(
        address payerCash,
        address payeeCash,
        address payer,
        address payee,
        uint256 amount,
        bytes32 settlementRef
    ) internal {
        if (payerCash == payeeCash) {
            // Within one token: still only registered cash moves (a caller's `pay(X, X, …)` included).
            _requireRegisteredCash(payerCash);
            _move(Leg.Cash, FailureReason.InsufficientCash, payerCash, payer, payee, amount);
            return;
        }
        // Checks first: where central-bank money leaves and arrives, and that it is one currency.
        (address from, address fromMoney) = _settlementSide(payerCash, payer);
        (address to, address toMoney) = _settlementSide(payeeCash, payee);
        if (fromMoney != toMoney) revert CashCurrencyMismatch(payerCash, payeeCash);

        if (payerCash != fromMoney) {
            _call(
                Leg.Cash,
                FailureReason.InsufficientCash,
                payerCash,
                abi.encodeCall(ITokenizedDeposit.burnForSettlement, (payer, amount))
            );
        }
        if (from != to) {
            _move(Leg.Interbank, FailureReason.InsufficientCash, fromMoney, from, to, amount);
            emit InterbankSettled(settlementRef, from, to, amount);
        }
        if (payeeCash != toMoney) _mintDeposit(payeeCash, payee, amount);
    }

    /// @dev For a registered deposit token: its bank and its wCBDC. For a registered wCBDC: the
    /// holder and the token. Anything else cannot cross banks: `DepositTokenNotRegistered`.
    function _settlementSide(address cash, address holder) private view returns (address account, address money) {
        DepositLine storage line = _lineOf(cash);
        if (line.bank != address(0)) return (line.bank, line.wcbdc);
        if (!_isCentralBankMoney(cash)) revert DepositTokenNotRegistered(cash);
        return (holder, cash);
    }

    /// @dev Has `depositToken`'s bank credit `to` with `amount` (the bank was paid in wCBDC in this settlement).
    function _mintDeposit(address depositToken, address to, uint256 amount) private {
        _call(
            Leg.Cash,
            FailureReason.TokenRejected,
            depositToken,
            abi.encodeCall(ITokenizedDeposit.mintForSettlement, (to, amount))
        );
    }
}
