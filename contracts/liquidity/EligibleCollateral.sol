// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {ERC20Eligibility} from "../tokens/extensions/ERC20Eligibility.sol";

/// @notice Paper with a maturity date (the government bond, an Exchange Fund Bill).
interface IMaturingPaper {
    /// @notice The maturity date (unix time).
    /// @return the maturity date.
    function maturityDate() external view returns (uint64);
}

/// @notice How the central bank values one listed collateral token.
/// @param listed true while new repos may use it.
/// @param haircutBps the haircut in basis points (1,000 = 10%); below 10,000.
/// @param maturesAt the paper's maturity (unix time), read from the token when listed; the largest
/// uint64 for paper that states none. A repo must end, close-out included, before it (see the facility).
/// @param pricePerUnit the value of one unit of the paper in the cash token's minor units, as the
/// central bank sets it (for the government bond: its face, `denomination()`, or a lower mark).
struct CollateralTerms {
    bool listed;
    uint16 haircutBps;
    uint64 maturesAt;
    uint256 pricePerUnit;
}

/// @title The central bank's list of eligible collateral
/// @notice Any permissioned token of this ledger (one that asks the same participant registry) can be
/// listed, with a price per unit and a haircut: the government bond today, Exchange Fund Bills and
/// Notes once they are issued on the ledger. The lending value of `units` is
/// `units × pricePerUnit × (10,000 − haircutBps) / 10,000`, rounded down to the minor unit.
/// Delisting stops new repos on the paper; open repos keep their collateral until reversed.
abstract contract EligibleCollateral {
    uint256 internal constant BPS = 10_000;

    mapping(address token => CollateralTerms) private _collateral;

    /// @notice `token` is not on the central bank's list of eligible collateral.
    /// @param token the rejected paper.
    error CollateralNotEligible(address token);

    /// @notice `token` is not a permissioned token of this ledger (it does not ask this registry).
    /// @param token the rejected token.
    error CollateralNotOnLedger(address token);

    /// @notice A listing's haircut or price is out of range (haircut 0 to 9,999 bps, price above zero).
    /// @param token the paper.
    /// @param haircutBps the rejected haircut.
    /// @param pricePerUnit the rejected price.
    error CollateralInvalidTerms(address token, uint16 haircutBps, uint256 pricePerUnit);

    /// @notice `token` matured at `maturesAt`: matured paper no longer moves, so it is no collateral.
    /// @param token the rejected paper.
    /// @param maturesAt its maturity date.
    error CollateralMatured(address token, uint64 maturesAt);

    /// @notice The central bank listed (or re-priced) `token` as eligible collateral, maturing at `maturesAt`.
    event CollateralListed(address indexed token, uint256 pricePerUnit, uint16 haircutBps, uint64 maturesAt);

    /// @notice The central bank took `token` off the list: no new repos on it.
    event CollateralDelisted(address indexed token);

    /// @notice The terms the central bank set for `token` (all zero when never listed).
    /// @param token the paper.
    /// @return its listing.
    function collateralTerms(address token) public view returns (CollateralTerms memory) {
        return _collateral[token];
    }

    /// @notice What the central bank lends against `units` of `token`: value less the haircut, rounded down.
    /// @param token the paper (zero when not listed).
    /// @param units how many units.
    /// @return in the cash token's minor units.
    function lendingValue(address token, uint256 units) public view returns (uint256) {
        CollateralTerms memory terms = _collateral[token];
        if (!terms.listed) return 0;
        return (units * terms.pricePerUnit * (BPS - terms.haircutBps)) / BPS;
    }

    /// @dev The registry the listed tokens must ask.
    function _ledgerRegistry() internal view virtual returns (IParticipantRegistry);

    function _list(address token, uint256 pricePerUnit, uint16 haircutBps) internal {
        if (token.code.length == 0) revert CollateralNotOnLedger(token);
        try ERC20Eligibility(token).registry() returns (IParticipantRegistry tokenRegistry) {
            if (tokenRegistry != _ledgerRegistry()) revert CollateralNotOnLedger(token);
        } catch {
            revert CollateralNotOnLedger(token);
        }
        if (haircutBps >= BPS || pricePerUnit == 0) revert CollateralInvalidTerms(token, haircutBps, pricePerUnit);
        uint64 maturesAt = _maturityOf(token);
        if (block.timestamp >= maturesAt) revert CollateralMatured(token, maturesAt);
        _collateral[token] = CollateralTerms({
            listed: true,
            haircutBps: haircutBps,
            maturesAt: maturesAt,
            pricePerUnit: pricePerUnit
        });
        emit CollateralListed(token, pricePerUnit, haircutBps, maturesAt);
    }

    /// @dev The token's own `maturityDate()`, or "never" for paper without one. Read once, when the
    /// central bank lists it (listing is the central bank's own due diligence on the paper).
    function _maturityOf(address token) private view returns (uint64) {
        try IMaturingPaper(token).maturityDate() returns (uint64 maturesAt) {
            return maturesAt;
        } catch {
            return type(uint64).max;
        }
    }

    function _delist(address token) internal {
        if (!_collateral[token].listed) revert CollateralNotEligible(token);
        _collateral[token].listed = false;
        emit CollateralDelisted(token);
    }

    function _requireListed(address token) internal view {
        if (!_collateral[token].listed) revert CollateralNotEligible(token);
    }
}
