// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl, IAccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {ICurrencyToken} from "../interfaces/ICurrencyToken.sol";
import {IParticipantRegistry, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITokenizedDeposit} from "../interfaces/ITokenizedDeposit.sol";
import {ISettlementEngine} from "./ISettlementEngine.sol";

/// @title What the settlement engine may act on, and who put it there
/// @notice The engine moves only tokens the ledger registered with it, never an address a caller
/// supplies, and it believes no token's claims about itself:
/// - **central-bank money**: a wCBDC per ISO 4217 currency, registered by the engine's admin (the
///   central bank operating the ledger);
/// - **deposit lines**: a tokenized deposit settles across banks in its currency's wCBDC only after
///   the issuing bank consented to the line (its own call) and that currency's central bank
///   registered it; the bank must be a registered commercial bank;
/// - **assets**: a bond (or other asset) the registrar of securities (`ASSET_REGISTRAR_ROLE`, the
///   CSD) registered, with its issuer — a registered participant of kind `Issuer` — and the
///   wCBDC it is issued and paid in, as the registrar states them.
/// @dev The admin can pause every settlement entry point (`pause`), e.g. during an incident;
/// cancellations and expiries stay open.
abstract contract SettlementRegister is AccessControl, Pausable, ISettlementEngine, ITokenErrors {
    /// @notice Role that registers assets (bond issues) for settlement: the central securities depository.
    bytes32 public constant ASSET_REGISTRAR_ROLE = keccak256("ASSET_REGISTRAR_ROLE");
    /// @dev `WholesaleCBDC.CENTRAL_BANK_ROLE`: who may register deposit lines in that currency.
    bytes32 private constant CENTRAL_BANK_ROLE = keccak256("CENTRAL_BANK_ROLE");

    /// @dev Where a registered deposit token settles: its bank and its currency's wCBDC.
    struct DepositLine {
        address bank;
        address wcbdc;
    }

    /// @notice A registered asset: its issuer and the central-bank money it is issued and paid in.
    struct AssetLine {
        address issuer;
        address cashToken;
    }

    IParticipantRegistry private immutable _registry;
    address private immutable _wcbdc;

    mapping(bytes32 currency => address wcbdc) private _wcbdcOfCurrency;
    mapping(address token => bool) private _isWcbdc;
    mapping(address depositToken => address bank) private _lineConsent;
    mapping(address depositToken => DepositLine) private _deposits;
    mapping(address asset => AssetLine) private _assets;

    /// @param wcbdc_ the home wholesale CBDC (more currencies can be added with `registerWholesaleCbdc`).
    /// @param registry_ the participant registry the engine asks who is a bank or an issuer.
    constructor(address wcbdc_, IParticipantRegistry registry_) {
        if (wcbdc_ == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        _wcbdc = wcbdc_;
        _registry = registry_;
        _wcbdcOfCurrency[_currencyKey(wcbdc_)] = wcbdc_;
        _isWcbdc[wcbdc_] = true;
    }

    // ------------------------------------------------------------------ views

    /// @notice The engine's home central-bank money (the ledger's own currency).
    /// @return the wCBDC token.
    function wcbdc() public view returns (address) {
        return _wcbdc;
    }

    /// @notice The participant registry the engine asks.
    /// @return the registry.
    function participantRegistry() external view returns (IParticipantRegistry) {
        return _registry;
    }

    /// @notice The wCBDC registered for ISO 4217 `currency`, or zero.
    /// @param currency e.g. "THB".
    /// @return the wCBDC token.
    function wcbdcOfCurrency(string calldata currency) external view returns (address) {
        return _wcbdcOfCurrency[keccak256(bytes(currency))];
    }

    /// @notice The bank of `depositToken`'s registered deposit line (zero if none).
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

    /// @notice The bank that consented to a deposit line for `depositToken` (zero if none).
    /// @param depositToken the tokenized deposit.
    /// @return the consenting bank.
    function depositLineConsentOf(address depositToken) external view returns (address) {
        return _lineConsent[depositToken];
    }

    /// @notice The registration of `asset` (all zero if it is not registered).
    /// @param asset the asset token.
    /// @return the issuer and cash token the registrar stated.
    function assetLine(address asset) public view returns (AssetLine memory) {
        return _assets[asset];
    }

    // ---------------------------------------------------------- central money

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

    // ---------------------------------------------------------- deposit lines

    /// @notice The calling bank consents (or withdraws consent) to interbank settlement of
    /// `depositToken`: when one of its customers pays, or is paid, through the engine, the bank pays
    /// or is paid the same amount in wCBDC in the same transaction. Withdrawing also closes a
    /// registered line at once.
    /// @dev Requirements: the caller is an eligible `CommercialBank` in the registry and is the
    /// token's issuing bank (`bank()`, read only to refuse a mistake: the consent is the call itself).
    /// @param depositToken the bank's tokenized deposit.
    /// @param consent true to consent, false to withdraw.
    function consentToDepositLine(address depositToken, bool consent) external {
        _requireCommercialBank(msg.sender);
        if (ITokenizedDeposit(depositToken).bank() != msg.sender) revert NotDepositTokenBank(msg.sender, depositToken);
        _lineConsent[depositToken] = consent ? msg.sender : address(0);
        emit DepositLineConsented(depositToken, msg.sender, consent);
        if (!consent && _deposits[depositToken].bank != address(0)) _closeLine(depositToken);
    }

    /// @notice Registers `depositToken` for interbank settlement in `wcbdc_`.
    /// @dev Requirements: `wcbdc_` is registered central-bank money and the caller is its central
    /// bank (`CENTRAL_BANK_ROLE` on it); the deposit's bank consented (`consentToDepositLine`) and is
    /// an eligible `CommercialBank`; the deposit is denominated in the wCBDC's currency.
    /// @param depositToken the tokenized deposit.
    /// @param wcbdc_ the central-bank money it settles in.
    function registerDepositToken(address depositToken, address wcbdc_) external {
        if (!_isWcbdc[wcbdc_]) revert CashTokenNotRegistered(wcbdc_);
        _requireCentralBankOf(wcbdc_);
        address bank = _lineConsent[depositToken];
        if (bank == address(0)) revert DepositLineNotConsented(depositToken);
        _requireCommercialBank(bank);
        if (_currencyKey(depositToken) != _currencyKey(wcbdc_)) revert DepositCurrencyMismatch(depositToken);
        _deposits[depositToken] = DepositLine(bank, wcbdc_);
        emit DepositTokenRegistered(depositToken, bank, true);
    }

    /// @notice Removes `depositToken` from interbank settlement.
    /// @dev Requirements: the line is registered; the caller is the central bank of its wCBDC (the
    /// bank itself withdraws with `consentToDepositLine(token, false)`).
    /// @param depositToken the tokenized deposit.
    function deregisterDepositToken(address depositToken) external {
        DepositLine storage line = _requireLine(depositToken);
        _requireCentralBankOf(line.wcbdc);
        _closeLine(depositToken);
    }

    // ----------------------------------------------------------------- assets

    /// @notice Registers `asset` for settlement: issued by `issuer`, issued and paid in `cashToken`.
    /// @dev Requirements: caller has `ASSET_REGISTRAR_ROLE`; `issuer` is an eligible participant of
    /// kind `Issuer`; `cashToken` is registered central-bank money. The engine keeps these facts and
    /// never asks the asset who its issuer is.
    /// @param asset the asset token (e.g. a `GovernmentBond`).
    /// @param issuer the only account that may open a tender of it.
    /// @param cashToken the wCBDC it is issued against.
    function registerAsset(address asset, address issuer, address cashToken) external onlyRole(ASSET_REGISTRAR_ROLE) {
        if (asset == address(0)) revert AssetNotRegistered(asset);
        if (_registry.requireEligible(issuer) != ParticipantKind.Issuer) revert NotAnIssuer(issuer);
        if (!_isWcbdc[cashToken]) revert CashTokenNotRegistered(cashToken);
        _assets[asset] = AssetLine(issuer, cashToken);
        emit AssetRegistered(asset, issuer, cashToken, true);
    }

    /// @notice Removes `asset` from settlement: no new trade or tender of it settles.
    /// @dev Requirements: caller has `ASSET_REGISTRAR_ROLE`; the asset is registered.
    /// @param asset the asset token.
    function deregisterAsset(address asset) external onlyRole(ASSET_REGISTRAR_ROLE) {
        AssetLine memory line = _requireAsset(asset);
        delete _assets[asset];
        emit AssetRegistered(asset, line.issuer, line.cashToken, false);
    }

    // ------------------------------------------------------------------ pause

    /// @notice Stops every settlement entry point (cancellations and expiries stay open).
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; not paused.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes settlement.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; paused.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // --------------------------------------------------------------- internal

    /// @dev Whether `token` is a wCBDC registered with the engine.
    function _isCentralBankMoney(address token) internal view returns (bool) {
        return _isWcbdc[token];
    }

    /// @dev The registered line of `depositToken` (bank zero if none).
    function _lineOf(address depositToken) internal view returns (DepositLine storage) {
        return _deposits[depositToken];
    }

    /// @dev Reverts `CashTokenNotRegistered` unless `token` is registered wCBDC or a registered deposit line.
    function _requireRegisteredCash(address token) internal view {
        if (!_isRegisteredCash(token)) revert CashTokenNotRegistered(token);
    }

    /// @dev Whether `token` is registered wCBDC or a registered deposit line.
    function _isRegisteredCash(address token) internal view returns (bool) {
        return _isWcbdc[token] || _deposits[token].bank != address(0);
    }

    /// @dev The registered issuer of `asset` (zero if it is not registered).
    function _assetLineIssuer(address asset) internal view returns (address) {
        return _assets[asset].issuer;
    }

    /// @dev The registration of `asset`, or revert `AssetNotRegistered`.
    function _requireAsset(address asset) internal view returns (AssetLine memory line) {
        line = _assets[asset];
        if (line.issuer == address(0)) revert AssetNotRegistered(asset);
    }

    function _requireLine(address depositToken) private view returns (DepositLine storage line) {
        line = _deposits[depositToken];
        if (line.bank == address(0)) revert DepositTokenNotRegistered(depositToken);
    }

    function _closeLine(address depositToken) private {
        address bank = _deposits[depositToken].bank;
        delete _deposits[depositToken];
        emit DepositTokenRegistered(depositToken, bank, false);
    }

    function _requireCentralBankOf(address wcbdc_) private view {
        if (!IAccessControl(wcbdc_).hasRole(CENTRAL_BANK_ROLE, msg.sender)) revert NotCentralBankOf(msg.sender, wcbdc_);
    }

    function _requireCommercialBank(address account) private view {
        if (_registry.requireEligible(account) != ParticipantKind.CommercialBank) revert NotCommercialBank(account);
    }

    function _currencyKey(address currencyToken) private view returns (bytes32) {
        return keccak256(bytes(ICurrencyToken(currencyToken).currency()));
    }
}
