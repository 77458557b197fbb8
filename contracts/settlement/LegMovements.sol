// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IGovernmentBond} from "../interfaces/IGovernmentBond.sol";
import {ExchangeFundBill} from "../tokens/ExchangeFundBill.sol";
import {IParticipantRegistryErrors} from "../interfaces/IParticipantRegistry.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {ISettlementErrors} from "./ISettlementEngine.sol";
import {FailureReason, Leg} from "./Trade.sol";

/// @dev The issuer-side mint of an asset token.
interface IMintable {
    function mint(address to, uint256 amount) external;
}

/// @dev The freeze flag of a ledger token (`ERC20Freezable.isFrozen`).
interface IFreezable {
    function isFrozen(address account) external view returns (bool);
}

/// @title Token movements of a settlement, each refused with a classified reason
/// @notice Every movement (transferFrom, transfer, mint, burn) is a low-level call whose failure
/// reverts `SettlementLegFailed(reason, leg, token, tokenError)`, the reason classified from the
/// token's own error (ISO 20022 LACK, MONY, BLOC, …), so a caller moves every leg or none and a
/// report can say why.
abstract contract LegMovements is ISettlementErrors {
    /// @dev Has `asset` mint `units` to `to` (the engine holds the asset's issuer role), or revert `SettlementLegFailed`.
    function _mintAsset(address asset, address to, uint256 units) internal {
        _call(Leg.Asset, FailureReason.TokenRejected, asset, abi.encodeCall(IMintable.mint, (to, units)));
    }

    /// @dev Reverts `SettlementLegFailed(AccountFrozen, leg, asset, AccountFrozen(this))` while this
    /// contract is frozen on `asset`. A token checks the freeze of the accounts a mint credits, never of
    /// the minter; an issuing agent the token's authority froze must still not issue, so it asks before
    /// minting and fails as the token would for a frozen sender.
    function _requireNotFrozenOn(Leg leg, address asset) internal view {
        if (IFreezable(asset).isFrozen(address(this))) {
            bytes memory tokenError = abi.encodeWithSelector(ITokenErrors.AccountFrozen.selector, address(this));
            revert SettlementLegFailed(FailureReason.AccountFrozen, leg, asset, tokenError);
        }
    }

    /// @dev `transferFrom(from, to, amount)` on `token`, or revert `SettlementLegFailed`.
    function _move(Leg leg, FailureReason shortfall, address token, address from, address to, uint256 amount) internal {
        _call(leg, shortfall, token, abi.encodeCall(IERC20.transferFrom, (from, to, amount)));
    }

    /// @dev `transfer(to, amount)` of the engine's own balance of `token`, or revert `SettlementLegFailed`.
    function _moveOut(Leg leg, address token, address to, uint256 amount) internal {
        _call(leg, FailureReason.TokenRejected, token, abi.encodeCall(IERC20.transfer, (to, amount)));
    }

    /// @dev Whether `token`'s rules would accept `_moveOut(…, token, to, amount)` now (its
    /// `checkTransfer` from this contract): lets a caller park a return the token would refuse
    /// instead of reverting everyone else's movements with it.
    function _wouldAcceptMoveOut(address token, address to, uint256 amount) internal view returns (bool) {
        try ITransferCompliance(token).checkTransfer(address(this), to, amount) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Calls `token` with `data` (a transfer, mint or burn). Reverts `SettlementLegFailed` when the
    /// call reverts, returns false, or `token` has no code; `shortfall` is the reason reported for a
    /// balance shortfall on this leg.
    function _call(Leg leg, FailureReason shortfall, address token, bytes memory data) internal {
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
    function _classify(bytes memory tokenError, FailureReason shortfall) internal pure returns (FailureReason) {
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
        if (
            selector == IGovernmentBond.BondMatured.selector ||
            selector == ExchangeFundBill.BillMatured.selector
        ) return FailureReason.Matured;
        return FailureReason.TokenRejected;
    }
}
