// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {ITokenizedDeposit} from "../interfaces/ITokenizedDeposit.sol";
import {Iso4217} from "../libraries/Iso4217.sol";
import {ParticipantWord} from "../libraries/ParticipantWords.sol";
import {ERC20Compliance} from "./extensions/ERC20Compliance.sol";
import {ERC20Eligibility} from "./extensions/ERC20Eligibility.sol";
import {ERC20Freezable} from "./extensions/ERC20Freezable.sol";
import {ERC20PackedBalances} from "./extensions/ERC20PackedBalances.sol";

/// @title Tokenized deposit
/// @notice Commercial-bank money: one token per issuing bank and currency. The bank mints when a
/// customer deposits and burns on withdrawal. Only the bank's own customers who are eligible in the
/// registry and not frozen may hold it, so deposit tokens never cross to another bank.
/// @dev `decimals()` is the currency's ISO 4217 minor units.
contract TokenizedDeposit is
    ERC20,
    ERC20Freezable,
    ERC20Eligibility,
    Pausable,
    AccessControl,
    ITokenizedDeposit
{
    /// @notice Role of the issuing bank: customer book, mint, burn, freeze, pause.
    bytes32 public constant BANK_ROLE = keccak256("BANK_ROLE");
    /// @notice Role the bank grants to settlement contracts it trusts to debit and credit its customers
    /// as part of an atomic settlement in which the bank pays or is paid in central-bank money.
    bytes32 public constant SETTLEMENT_ROLE = keccak256("SETTLEMENT_ROLE");

    address private immutable _bank;
    bytes3 private immutable _currency;
    uint8 private immutable _minorUnits;

    /// @dev The account-word flag (`ERC20PackedBalances`) of a customer of the issuing bank.
    uint8 private constant CUSTOMER_FLAG = 1;

    /// @notice Emitted when the bank onboards (`isCustomer` true) or offboards `account`.
    event CustomerUpdated(address indexed account, bool isCustomer);

    /// @param name_ token name, e.g. "Harbour Bank HKD Deposit".
    /// @param symbol_ token symbol, e.g. "hbHKD".
    /// @param currency_ ISO 4217 alphabetic code.
    /// @param minorUnits_ ISO 4217 minor units; becomes `decimals()`.
    /// @param registry_ the participant registry.
    /// @param bank_ the issuing bank; receives `DEFAULT_ADMIN_ROLE` and `BANK_ROLE`.
    constructor(
        string memory name_,
        string memory symbol_,
        string memory currency_,
        uint8 minorUnits_,
        IParticipantRegistry registry_,
        address bank_
    ) ERC20(name_, symbol_) ERC20Eligibility(registry_) {
        if (bank_ == address(0)) revert ZeroAddress();
        _bank = bank_;
        _currency = Iso4217.pack(currency_);
        _minorUnits = minorUnits_;
        _grantRole(DEFAULT_ADMIN_ROLE, bank_);
        _grantRole(BANK_ROLE, bank_);
    }

    /// @notice The issuing bank.
    /// @return its address.
    function bank() external view override returns (address) {
        return _bank;
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

    /// @notice Whether `account` is a customer of the issuing bank.
    /// @param account the address to check.
    /// @return true when onboarded.
    function isCustomer(address account) external view returns (bool) {
        return _accountFlag(account, CUSTOMER_FLAG);
    }

    /// @notice Onboards (`customer` true) or offboards `account` as a deposit holder of this bank.
    /// @dev Requirements: caller has `BANK_ROLE`; `account` is non-zero.
    /// @param account the customer.
    /// @param customer true to onboard.
    function setCustomer(address account, bool customer) external onlyRole(BANK_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        _setAccountFlag(account, CUSTOMER_FLAG, customer);
        emit CustomerUpdated(account, customer);
    }

    /// @notice Credits `amount` of deposit tokens to customer `to` (a cash deposit).
    /// @dev Requirements: caller has `BANK_ROLE`; `to` is an eligible, unfrozen customer; not paused.
    /// @param to the customer.
    /// @param amount in minor units.
    function mint(address to, uint256 amount) external onlyRole(BANK_ROLE) {
        _mint(to, amount);
    }

    /// @notice Debits `amount` of deposit tokens from customer `from` (a withdrawal).
    /// @dev Requirements: caller has `BANK_ROLE`; `from` is an eligible, unfrozen customer with the balance; not paused.
    /// @param from the customer.
    /// @param amount in minor units.
    function burn(address from, uint256 amount) external onlyRole(BANK_ROLE) {
        _burn(from, amount);
    }

    /// @notice Credits `amount` to customer `to`: the bank was paid the same amount in wCBDC in the same settlement.
    /// @dev Requirements: caller has `SETTLEMENT_ROLE`; `to` is an eligible, unfrozen customer; not paused.
    /// @param to the customer.
    /// @param amount in minor units.
    function mintForSettlement(address to, uint256 amount) external onlyRole(SETTLEMENT_ROLE) {
        _mint(to, amount);
    }

    /// @notice Debits `amount` from customer `from`, who consented by approving the caller for at least
    /// `amount`, or is the caller: a settlement contract burning what it holds in custody consents by its call.
    /// @dev Requirements: caller has `SETTLEMENT_ROLE` and, unless it is `from`, `from`'s allowance;
    /// `from` is an eligible, unfrozen customer with the balance; not paused.
    /// @param from the customer.
    /// @param amount in minor units.
    function burnForSettlement(address from, uint256 amount) external onlyRole(SETTLEMENT_ROLE) {
        if (from != _msgSender()) _spendAllowance(from, _msgSender(), amount);
        _burn(from, amount);
    }

    /// @notice Freezes (`frozen` true) or unfreezes `account` on this token.
    /// @dev Requirements: caller has `BANK_ROLE`; `account` is non-zero.
    /// @param account the customer.
    /// @param frozen the new flag.
    function setFrozen(address account, bool frozen) external onlyRole(BANK_ROLE) {
        _setFrozen(account, frozen);
    }

    /// @notice Stops every transfer, mint and burn of this token.
    /// @dev Requirements: caller has `BANK_ROLE`; not already paused.
    function pause() external onlyRole(BANK_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, mints and burns.
    /// @dev Requirements: caller has `BANK_ROLE`; paused.
    function unpause() external onlyRole(BANK_ROLE) {
        _unpause();
    }

    /// @dev Holders must be eligible in the registry and customers of this bank.
    function _checkHolder(address account, ParticipantWord word) internal view override {
        super._checkHolder(account, word);
        if (!_accountFlag(account, CUSTOMER_FLAG)) revert NotCustomerOfBank(account);
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
