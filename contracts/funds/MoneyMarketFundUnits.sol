// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {Iso4217} from "../libraries/Iso4217.sol";
import {ERC20Compliance} from "../tokens/extensions/ERC20Compliance.sol";
import {ERC20Eligibility} from "../tokens/extensions/ERC20Eligibility.sol";
import {ERC20Freezable} from "../tokens/extensions/ERC20Freezable.sol";
import {ERC20PackedBalances} from "../tokens/extensions/ERC20PackedBalances.sol";
import {FundRounding} from "./FundRounding.sol";

/// @title Money-market fund units: the unit register of one share class, kept by its transfer agent
/// @notice One token per share class of a tokenized money-market fund. Holders must be eligible in
/// the participant registry and not frozen (every balance change goes through `_update`). Units have
/// `decimals()` = 4 (`FundRounding.UNIT_DECIMALS`). Units are issued and cancelled only by dealing:
/// the transfer agent (`TRANSFER_AGENT_ROLE`, the registrar keeping the register) appoints the
/// dealing contract to `DEALING_ROLE`, which mints for settled subscriptions, takes units into its
/// custody for a redemption the holder itself ordered (the holder's own call on the dealing contract
/// in the same transaction), returns them if the dealing fails, and burns them when it settles.
/// The transfer agent freezes accounts and pauses the register.
contract MoneyMarketFundUnits is ERC20, ERC20Freezable, ERC20Eligibility, Pausable, AccessControl {
    /// @notice Role of the transfer agent: appoints the dealing contract, freezes, pauses.
    bytes32 public constant TRANSFER_AGENT_ROLE = keccak256("TRANSFER_AGENT_ROLE");
    /// @notice Role of the dealing contract: issues and cancels units as dealings settle.
    bytes32 public constant DEALING_ROLE = keccak256("DEALING_ROLE");

    string private _shareClass;
    address private immutable _fundManager;
    bytes3 private immutable _currency;

    /// @param name_ e.g. "Harbour Star HKD Money Market Fund — Class A".
    /// @param symbol_ e.g. "HSMMF-A".
    /// @param shareClass_ e.g. "A".
    /// @param currency_ the fund's base currency, ISO 4217 (e.g. "HKD").
    /// @param registry_ the participant registry.
    /// @param fundManager_ the fund manager: `DEFAULT_ADMIN_ROLE` (names the transfer agent).
    /// @param transferAgent_ the transfer agent: `TRANSFER_AGENT_ROLE` (admin of `DEALING_ROLE`).
    constructor(
        string memory name_,
        string memory symbol_,
        string memory shareClass_,
        string memory currency_,
        IParticipantRegistry registry_,
        address fundManager_,
        address transferAgent_
    ) ERC20(name_, symbol_) ERC20Eligibility(registry_) {
        if (fundManager_ == address(0) || transferAgent_ == address(0)) revert ZeroAddress();
        _shareClass = shareClass_;
        _fundManager = fundManager_;
        _currency = Iso4217.pack(currency_);
        _grantRole(DEFAULT_ADMIN_ROLE, fundManager_);
        _grantRole(TRANSFER_AGENT_ROLE, transferAgent_);
        // Only the transfer agent appoints the dealing contract; the manager cannot mint by itself.
        _setRoleAdmin(DEALING_ROLE, TRANSFER_AGENT_ROLE);
    }

    // ---------------------------------------------------------------- dealing

    /// @notice Issues `units` to `to` for a settled subscription.
    /// @dev Requirements: caller has `DEALING_ROLE`; `to` eligible and unfrozen; not paused.
    /// @param to the subscriber.
    /// @param units smallest units.
    function mintForDealing(address to, uint256 units) external onlyRole(DEALING_ROLE) {
        _mint(to, units);
    }

    /// @notice Takes `units` of `holder` into the caller's custody for a redemption `holder` ordered in
    /// this same transaction by its own call on the caller.
    /// @dev Requirements: caller has `DEALING_ROLE`; `holder` has the units and both sides pass the rules.
    /// @param holder the redeeming holder.
    /// @param units smallest units.
    function takeForRedemption(address holder, uint256 units) external onlyRole(DEALING_ROLE) {
        _transfer(holder, _msgSender(), units);
    }

    /// @notice Cancels `units` of the caller's own custody (a settled redemption).
    /// @dev Requirements: caller has `DEALING_ROLE` and holds the units; not paused.
    /// @param units smallest units.
    function burnForDealing(uint256 units) external onlyRole(DEALING_ROLE) {
        _burn(_msgSender(), units);
    }

    // --------------------------------------------------------- transfer agent

    /// @notice Freezes (`frozen` true) or unfreezes `account` on the register.
    /// @dev Requirements: caller has `TRANSFER_AGENT_ROLE`; `account` is non-zero.
    /// @param account the holder.
    /// @param frozen the new flag.
    function setFrozen(address account, bool frozen) external onlyRole(TRANSFER_AGENT_ROLE) {
        _setFrozen(account, frozen);
    }

    /// @notice Stops every transfer, issue and cancellation of units.
    /// @dev Requirements: caller has `TRANSFER_AGENT_ROLE`; not already paused.
    function pause() external onlyRole(TRANSFER_AGENT_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, issues and cancellations.
    /// @dev Requirements: caller has `TRANSFER_AGENT_ROLE`; paused.
    function unpause() external onlyRole(TRANSFER_AGENT_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @notice Units have four decimals.
    /// @return 4.
    function decimals() public pure override returns (uint8) {
        return FundRounding.UNIT_DECIMALS;
    }

    /// @notice The share class, e.g. "A".
    /// @return the class.
    function shareClass() external view returns (string memory) {
        return _shareClass;
    }

    /// @notice The fund manager.
    /// @return its account.
    function fundManager() external view returns (address) {
        return _fundManager;
    }

    /// @notice The fund's base currency.
    /// @return ISO 4217 code.
    function currency() external view returns (string memory) {
        return Iso4217.unpack(_currency);
    }

    // ------------------------------------------------------------------ hooks

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
