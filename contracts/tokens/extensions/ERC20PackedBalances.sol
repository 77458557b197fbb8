// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ERC-20 extension: an account's balance and the token's flags on it in one storage slot
/// @notice Each account's balance shares one word with up to eight flags the token keeps about the
/// account (frozen on this token, customer of the issuing bank, settlement contract approved to hold
/// central-bank money), so a transfer's per-account rules read the slot its balance is in anyway:
/// one cold storage read per side, not one per rule.
/// @dev Keeps the balances and the supply in place of OpenZeppelin's `ERC20` storage: `balanceOf`,
/// `totalSupply` and `_update` here behave as OpenZeppelin's (same checks, errors and `Transfer`
/// event), except that the supply, and so every balance, is capped at `type(uint248).max`
/// (`ERC20SupplyCapExceeded`). Word layout: balance in bits 0–247, flags in bits 248–255; each
/// extension or token documents the flag bit it owns (`ERC20Freezable`: bit 0).
abstract contract ERC20PackedBalances is ERC20 {
    /// @notice The most any supply (and so any balance) can reach: the balance part of the word. A
    /// token that also keeps balances in fewer bits stops lower (`_supplyCap`: the bond at
    /// `ERC20RecordDates.RECORDED_SUPPLY_CAP`).
    uint256 public constant SUPPLY_CAP = type(uint248).max;

    uint256 private constant FLAGS_SHIFT = 248;

    mapping(address account => uint256) private _accounts;
    uint256 private _supply;

    /// @notice A mint of `value` would take the supply from `supply` above `supplyCap()`.
    /// @param supply the supply before the mint.
    /// @param value the amount minted.
    error ERC20SupplyCapExceeded(uint256 supply, uint256 value);

    /// @dev The supply cap: `SUPPLY_CAP`, lowered by a token that also stores balances in fewer bits
    /// (the bond's records of balances at record dates: `ERC20RecordDates.RECORDED_SUPPLY_CAP`).
    function _supplyCap() internal pure virtual returns (uint256) {
        return SUPPLY_CAP;
    }

    /// @inheritdoc ERC20
    function totalSupply() public view virtual override returns (uint256) {
        return _supply;
    }

    /// @inheritdoc ERC20
    function balanceOf(address account) public view virtual override returns (uint256) {
        return _accounts[account] & SUPPLY_CAP;
    }

    /// @dev Whether flag `bit` (0–7) is set on `account`.
    function _accountFlag(address account, uint8 bit) internal view returns (bool) {
        return (_accounts[account] >> (FLAGS_SHIFT + bit)) & 1 == 1;
    }

    /// @dev Sets (`value` true) or clears flag `bit` (0–7) on `account`, leaving its balance as it is.
    function _setAccountFlag(address account, uint8 bit, bool value) internal {
        uint256 mask = uint256(1) << (FLAGS_SHIFT + bit);
        uint256 word = _accounts[account];
        _accounts[account] = value ? word | mask : word & ~mask;
    }

    /// @dev OpenZeppelin's `ERC20._update` on the packed words: moves `value` from `from` to `to`,
    /// minting when `from` is zero and burning when `to` is zero, and emits `Transfer`. The flags of
    /// both accounts are kept.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (from == address(0)) {
            uint256 supply = _supply;
            if (value > _supplyCap() - supply) revert ERC20SupplyCapExceeded(supply, value);
            unchecked {
                // Cannot overflow: supply + value <= SUPPLY_CAP, checked above.
                _supply = supply + value;
            }
        } else {
            uint256 word = _accounts[from];
            uint256 fromBalance = word & SUPPLY_CAP;
            if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
            unchecked {
                // Cannot underflow or touch the flags: value <= fromBalance, the word's low bits.
                _accounts[from] = word - value;
            }
        }

        if (to == address(0)) {
            unchecked {
                // Cannot underflow: value <= fromBalance <= supply.
                _supply -= value;
            }
        } else {
            unchecked {
                // Cannot carry into the flags: balance + value <= supply <= SUPPLY_CAP.
                _accounts[to] += value;
            }
        }

        emit Transfer(from, to, value);
    }
}
