// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IParticipantRegistryErrors} from "../interfaces/IParticipantRegistry.sol";
import {ICurrencyToken} from "../interfaces/ICurrencyToken.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITokenizedDeposit} from "../interfaces/ITokenizedDeposit.sol";
import {ISettlementEngine} from "./ISettlementEngine.sol";
import {FailureReason, Leg, Trade} from "./Trade.sol";

/// @dev The issuer-side mint of an asset token.
interface IMintable {
    function mint(address to, uint256 amount) external;
}

/// @title Settlement legs: moving tokens, and cash across banks in wCBDC
/// @notice Every token movement of a settlement goes through `_move`, which reverts with
/// `SettlementLegFailed` and a classified reason when the token refuses, so a caller either
/// moves every leg or none. A cash leg between customers of different banks becomes three
/// movements: the payer's bank debits its deposit token, the payer's bank pays the payee's bank in
/// wCBDC, the payee's bank credits its deposit token. A bank on either side pays or is paid in wCBDC.
/// @dev Parties consent by ERC-20 allowances to the engine; banks grant the engine their deposit
/// token's `SETTLEMENT_ROLE` and an allowance on their wCBDC for the interbank leg. Several
/// currencies can settle side by side: each deposit token settles in the wCBDC of its currency.
abstract contract SettlementLegs is AccessControl, ISettlementEngine {
    /// @notice Role that may submit signed trades on the parties' behalf and settle netting batches.
    bytes32 public constant SETTLEMENT_AGENT_ROLE = keccak256("SETTLEMENT_AGENT_ROLE");

    /// @dev Where a registered deposit token settles: its bank and its currency's wCBDC.
    struct DepositLine {
        address bank;
        address wcbdc;
    }

    IERC20 private immutable _wcbdc;

    mapping(bytes32 currency => address wcbdc) private _wcbdcOfCurrency;
    mapping(address token => bool) private _isWcbdc;
    mapping(address depositToken => DepositLine) private _deposits;

    /// @param wcbdc_ the home wholesale CBDC (more currencies can be added with `registerWholesaleCbdc`).
    constructor(IERC20 wcbdc_) {
        _wcbdc = wcbdc_;
        _wcbdcOfCurrency[_currencyKey(address(wcbdc_))] = address(wcbdc_);
        _isWcbdc[address(wcbdc_)] = true;
    }

    /// @notice The engine's home central-bank money (the ledger's own currency).
    /// @return the wCBDC token.
    function wcbdc() public view returns (IERC20) {
        return _wcbdc;
    }

    /// @notice The wCBDC registered for ISO 4217 `currency`, or zero.
    /// @param currency e.g. "THB".
    /// @return the wCBDC token.
    function wcbdcOfCurrency(string calldata currency) external view returns (address) {
        return _wcbdcOfCurrency[keccak256(bytes(currency))];
    }

    /// @notice The bank that issues `depositToken`, if registered for interbank settlement (else zero).
    /// @param depositToken the tokenized deposit.
    /// @return the issuing bank.
    function bankOf(address depositToken) public view returns (address) {
        return _deposits[depositToken].bank;
    }

    /// @notice The wCBDC in which `depositToken`'s bank settles (zero if the token is not registered).
    /// @param depositToken the tokenized deposit.
    /// @return the wCBDC token.
    function wcbdcOf(address depositToken) public view returns (address) {
        return _deposits[depositToken].wcbdc;
    }

    /// @notice Registers another central bank's wholesale CBDC, so that deposits in its currency can
    /// settle here (a shared multi-currency ledger, as in mBridge).
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; no wCBDC is registered for its currency yet.
    /// @param wcbdc_ the wholesale CBDC.
    function registerWholesaleCbdc(address wcbdc_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = _currencyKey(wcbdc_);
        if (_wcbdcOfCurrency[key] != address(0)) revert WholesaleCbdcAlreadyRegistered(wcbdc_);
        _wcbdcOfCurrency[key] = wcbdc_;
        _isWcbdc[wcbdc_] = true;
        emit WholesaleCbdcRegistered(wcbdc_, ICurrencyToken(wcbdc_).currency());
    }

    /// @notice Registers `depositToken` for interbank settlement in the wCBDC of its currency.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; a wCBDC of the token's currency is registered.
    /// @param depositToken the tokenized deposit.
    function registerDepositToken(address depositToken) external onlyRole(DEFAULT_ADMIN_ROLE) {
        ITokenizedDeposit deposit = ITokenizedDeposit(depositToken);
        address settlementToken = _wcbdcOfCurrency[_currencyKey(depositToken)];
        if (settlementToken == address(0)) revert DepositCurrencyMismatch(depositToken);
        address bank = deposit.bank();
        _deposits[depositToken] = DepositLine(bank, settlementToken);
        emit DepositTokenRegistered(depositToken, bank, true);
    }

    /// @notice Removes `depositToken` from interbank settlement.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; the token is registered.
    /// @param depositToken the tokenized deposit.
    function deregisterDepositToken(address depositToken) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address bank = _requireLine(depositToken).bank;
        delete _deposits[depositToken];
        emit DepositTokenRegistered(depositToken, bank, false);
    }

    /// @dev Delivers the asset from seller to buyer and pays the cash from buyer to seller, or reverts
    /// `SettlementLegFailed` having moved nothing.
    function _deliverAndPay(Trade calldata trade, bytes32 tradeId) internal {
        _move(Leg.Asset, FailureReason.InsufficientSecurities, trade.asset, trade.seller, trade.buyer, trade.quantity);
        _payCash(trade.buyerCash, trade.sellerCash, trade.buyer, trade.seller, trade.amount, tradeId);
    }

    /// @dev Reverts `InvalidTradeTerm` unless the terms can settle at all.
    function _requireValidTerms(Trade calldata trade) internal pure {
        if (trade.seller == address(0) || trade.buyer == address(0)) revert InvalidTradeTerm("party");
        if (trade.seller == trade.buyer) revert InvalidTradeTerm("buyer");
        if (trade.asset == address(0)) revert InvalidTradeTerm("asset");
        if (trade.buyerCash == address(0) || trade.sellerCash == address(0)) revert InvalidTradeTerm("cash");
        if (trade.quantity == 0) revert InvalidTradeTerm("quantity");
        if (trade.amount == 0) revert InvalidTradeTerm("amount");
        if (trade.settlementDate > trade.expiry) revert InvalidTradeTerm("settlementDate");
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

    /// @dev Whether `token` is a wCBDC registered with the engine.
    function _isCentralBankMoney(address token) internal view returns (bool) {
        return _isWcbdc[token];
    }

    /// @dev For a registered deposit token: its bank and its wCBDC. For a registered wCBDC: the
    /// holder and the token. Anything else cannot cross banks: `DepositTokenNotRegistered`.
    function _settlementSide(address cash, address holder) private view returns (address account, address money) {
        DepositLine storage line = _deposits[cash];
        if (line.bank != address(0)) return (line.bank, line.wcbdc);
        if (!_isWcbdc[cash]) revert DepositTokenNotRegistered(cash);
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

    /// @dev Has `asset` mint `units` to `to` (the engine holds the asset's issuer role), or revert `SettlementLegFailed`.
    function _mintAsset(address asset, address to, uint256 units) internal {
        _call(Leg.Asset, FailureReason.TokenRejected, asset, abi.encodeCall(IMintable.mint, (to, units)));
    }

    /// @dev `transferFrom(from, to, amount)` on `token`, or revert `SettlementLegFailed`.
    function _move(Leg leg, FailureReason shortfall, address token, address from, address to, uint256 amount) internal {
        _call(leg, shortfall, token, abi.encodeCall(IERC20.transferFrom, (from, to, amount)));
    }

    /// @dev `transfer(to, amount)` of the engine's own balance of `token`, or revert `SettlementLegFailed`.
    function _moveOut(Leg leg, address token, address to, uint256 amount) internal {
        _call(leg, FailureReason.TokenRejected, token, abi.encodeCall(IERC20.transfer, (to, amount)));
    }

    /// @dev Calls `token` with `data` (a transfer, mint or burn). Reverts `SettlementLegFailed` when the
    /// call reverts, returns false, or `token` has no code; `shortfall` is the reason reported for a
    /// balance shortfall on this leg.
    function _call(Leg leg, FailureReason shortfall, address token, bytes memory data) private {
        // A low-level call, as in SafeERC20, so that the token's revert data can be classified.
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returned) = token.call(data);
        if (!success) revert SettlementLegFailed(_classify(returned, shortfall), leg, token, returned);
        // Like SafeERC20: no return data is success only from a contract; otherwise it must be `true`.
        bool accepted = returned.length == 0
            ? token.code.length > 0
            : returned.length == 32 && uint256(bytes32(returned)) == 1;
        if (!accepted) revert SettlementLegFailed(FailureReason.TokenRejected, leg, token, returned);
    }

    /// @dev Maps a token's revert data to a settlement failure reason.
    function _classify(bytes memory tokenError, FailureReason shortfall) private pure returns (FailureReason) {
        if (tokenError.length < 4) return FailureReason.TokenRejected;
        bytes4 selector = bytes4(tokenError);
        if (selector == IERC20Errors.ERC20InsufficientBalance.selector) return shortfall;
        if (selector == IERC20Errors.ERC20InsufficientAllowance.selector) return FailureReason.MissingApproval;
        if (
            selector == IParticipantRegistryErrors.ParticipantNotRegistered.selector ||
            selector == IParticipantRegistryErrors.ParticipantKycExpired.selector ||
            selector == ITokenErrors.HolderNotWholesale.selector ||
            selector == ITokenErrors.NotCustomerOfBank.selector
        ) return FailureReason.NotEligible;
        if (
            selector == IParticipantRegistryErrors.ParticipantFrozen.selector ||
            selector == ITokenErrors.AccountFrozen.selector
        ) return FailureReason.AccountFrozen;
        if (selector == Pausable.EnforcedPause.selector) return FailureReason.Paused;
        return FailureReason.TokenRejected;
    }

    function _requireLine(address depositToken) private view returns (DepositLine storage line) {
        line = _deposits[depositToken];
        if (line.bank == address(0)) revert DepositTokenNotRegistered(depositToken);
    }

    function _currencyKey(address currencyToken) private view returns (bytes32) {
        return keccak256(bytes(ICurrencyToken(currencyToken).currency()));
    }
}
