// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IParticipantRegistry, ParticipantKind} from "../interfaces/IParticipantRegistry.sol";
import {Iso4217} from "../libraries/Iso4217.sol";
import {ParticipantWord, ParticipantWords} from "../libraries/ParticipantWords.sol";
import {ERC20Compliance} from "./extensions/ERC20Compliance.sol";
import {ERC20Eligibility} from "./extensions/ERC20Eligibility.sol";
import {ERC20Freezable} from "./extensions/ERC20Freezable.sol";
import {ERC20PackedBalances} from "./extensions/ERC20PackedBalances.sol";

/// @title Wholesale CBDC
/// @notice Central-bank money for interbank settlement, one token per currency. Only the central
/// bank mints and burns; only wholesale participants (the central bank, commercial banks) and
/// settlement contracts the central bank approves may hold it. Every holder, settlement contracts
/// included, must be registered and unfrozen in the participant registry; the central bank can also
/// freeze an account on this token alone.
/// @dev `decimals()` is the currency's ISO 4217 minor units; amounts are integers in minor units.
contract WholesaleCBDC is ERC20, ERC20Freezable, ERC20Eligibility, Pausable, AccessControl {
    using ParticipantWords for ParticipantWord;

    /// @notice Role of the issuing central bank: mint, burn, pause, freeze, approve settlement contracts.
    bytes32 public constant CENTRAL_BANK_ROLE = keccak256("CENTRAL_BANK_ROLE");

    bytes3 private immutable _currency;
    uint8 private immutable _minorUnits;

    /// @dev The account-word flag (`ERC20PackedBalances`) of a settlement contract the central bank approved.
    uint8 private constant SETTLEMENT_CONTRACT_FLAG = 1;

    /// @notice Emitted when the central bank approves (`approved` true) or withdraws approval of a settlement contract.
    event SettlementContractApprovalUpdated(address indexed settlementContract, bool approved);

    /// @param name_ token name, e.g. "HKMA Wholesale CBDC (HKD)".
    /// @param symbol_ token symbol, e.g. "wHKD".
    /// @param currency_ ISO 4217 alphabetic code, e.g. "HKD".
    /// @param minorUnits_ ISO 4217 minor units (2 for HKD, 0 for JPY); becomes `decimals()`.
    /// @param registry_ the participant registry.
    /// @param centralBank receives `DEFAULT_ADMIN_ROLE` and `CENTRAL_BANK_ROLE`.
    constructor(
        string memory name_,
        string memory symbol_,
        string memory currency_,
        uint8 minorUnits_,
        IParticipantRegistry registry_,
        address centralBank
    ) ERC20(name_, symbol_) ERC20Eligibility(registry_) {
        if (centralBank == address(0)) revert ZeroAddress();
        _currency = Iso4217.pack(currency_);
        _minorUnits = minorUnits_;
        _grantRole(DEFAULT_ADMIN_ROLE, centralBank);
        _grantRole(CENTRAL_BANK_ROLE, centralBank);
    }

    /// @notice The currency's ISO 4217 alphabetic code.
    /// @return e.g. "HKD".
    function currency() external view returns (string memory) {
        return Iso4217.unpack(_currency);
    }

    /// @notice Minor units of the currency.
    /// @return the number of decimals.
    function decimals() public view override returns (uint8) {
        return _minorUnits;
    }

    /// @notice Whether `account` is a settlement contract the central bank approved to hold this token.
    /// @param account the address to check.
    /// @return true when approved.
    function isApprovedSettlementContract(address account) external view returns (bool) {
        return _accountFlag(account, SETTLEMENT_CONTRACT_FLAG);
    }

    /// @notice Creates `amount` of central-bank money in `to`'s account.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `to` is a wholesale holder; not paused.
    /// @param to the receiving bank or settlement contract.
    /// @param amount in minor units.
    function mint(address to, uint256 amount) external onlyRole(CENTRAL_BANK_ROLE) {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` from `from`'s account, when a bank redeems wCBDC for RTGS reserves.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `from` is an eligible holder with the balance; not paused.
    /// @param from the redeeming bank.
    /// @param amount in minor units.
    function burn(address from, uint256 amount) external onlyRole(CENTRAL_BANK_ROLE) {
        _burn(from, amount);
    }

    /// @notice Stops every transfer, mint and burn of this token.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; not already paused.
    function pause() external onlyRole(CENTRAL_BANK_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, mints and burns.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; paused.
    function unpause() external onlyRole(CENTRAL_BANK_ROLE) {
        _unpause();
    }

    /// @notice Freezes (`frozen` true) or unfreezes `account` on this token: it can neither pay nor be paid.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `account` is non-zero.
    /// @param account the holder.
    /// @param frozen the new flag.
    function setFrozen(address account, bool frozen) external onlyRole(CENTRAL_BANK_ROLE) {
        _setFrozen(account, frozen);
    }

    /// @notice Approves (or withdraws approval of) `settlementContract` as a holder of this token.
    /// @dev Requirements: caller has `CENTRAL_BANK_ROLE`; `settlementContract` is non-zero.
    /// @param settlementContract the contract, e.g. a DvP or HTLC contract.
    /// @param approved true to approve.
    function setSettlementContract(address settlementContract, bool approved) external onlyRole(CENTRAL_BANK_ROLE) {
        if (settlementContract == address(0)) revert ZeroAddress();
        _setAccountFlag(settlementContract, SETTLEMENT_CONTRACT_FLAG, approved);
        emit SettlementContractApprovalUpdated(settlementContract, approved);
    }

    /// @dev Every holder must be eligible in the registry (registered, unfrozen, KYC valid), with the
    /// registry's own error otherwise; then a central bank or commercial bank, or a settlement contract
    /// this central bank approved.
    function _checkHolder(address account, ParticipantWord word) internal view override {
        ParticipantKind kind = word.requireEligible(account);
        if (kind == ParticipantKind.CentralBank || kind == ParticipantKind.CommercialBank) return;
        if (!_accountFlag(account, SETTLEMENT_CONTRACT_FLAG)) revert HolderNotWholesale(account, kind);
    }

    /// @dev Not paused, then the freeze and eligibility rules.
    function _checkTransfer(
        address from,
        address to,
        uint256 amount
    ) internal view override(ERC20Freezable, ERC20Eligibility) {
        _requireNotPaused();
        super._checkTransfer(from, to, amount);
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
}
