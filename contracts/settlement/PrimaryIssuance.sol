// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGovernmentBond} from "../interfaces/IGovernmentBond.sol";
import {SettlementLegs} from "./SettlementLegs.sol";
import {FailureReason, Leg} from "./Trade.sol";

/// @title Primary issuance of a bond by DvP
/// @notice After a tender, the issuer allots the bond to dealers and banks against central-bank
/// money at the issue price: every allottee pays and receives its units in one transaction, or
/// nobody does.
/// @dev The engine must hold the bond's `ISSUER_ROLE` (granted by the issuer) to mint, and each
/// allottee must have approved the engine on the bond's cash token.
abstract contract PrimaryIssuance is SettlementLegs, ReentrancyGuardTransient {
    /// @notice Most allottees one issuance may hold (keeps the transaction far below a block's gas).
    uint256 public constant MAX_ALLOTTEES = 50;

    /// @notice One allottee's share of a tender.
    struct Allotment {
        address allottee;
        uint256 units;
    }

    /// @dev The terms shared by every allotment of one tender.
    struct Tender {
        address bond;
        address cash;
        address proceedsAccount;
        uint256 pricePerUnit;
        bytes32 tenderRef;
    }

    /// @notice The caller is not the issuer of `bond`.
    /// @param caller the caller.
    /// @param bond the bond.
    error NotBondIssuer(address caller, address bond);

    /// @notice An issuance held `count` allotments; allowed is 1 to `max`.
    /// @param count allotments given.
    /// @param max the bound.
    error AllotmentCountOutOfRange(uint256 count, uint256 max);

    /// @notice `allottee` received `units` of `bond` and paid `amount` to the issuer's proceeds account.
    event BondAllotted(
        address indexed bond,
        bytes32 indexed tenderRef,
        address indexed allottee,
        uint256 units,
        uint256 amount
    );

    /// @notice The whole allotment of tender `tenderRef` settled.
    event BondIssued(
        address indexed bond,
        bytes32 indexed tenderRef,
        uint256 units,
        uint256 proceeds,
        address proceedsAccount
    );

    /// @notice Issues `bond` to `allotments` at `pricePerUnit`, paid in the bond's cash token to `proceedsAccount`.
    /// @dev Requirements: caller is the bond's issuer; 1 to `MAX_ALLOTTEES` allotments; each allottee
    /// is eligible for the bond, approved the engine on the cash token and holds the price. Reverts
    /// `SettlementLegFailed` with the reason, minting and moving nothing, if any allottee cannot settle.
    /// @param bond the bond.
    /// @param pricePerUnit issue price of one unit in minor units (e.g. 99.85% of face).
    /// @param proceedsAccount receives the proceeds (the issuer's account at the central bank).
    /// @param allotments who receives how many units.
    /// @param tenderRef the tender's reference.
    function issue(
        address bond,
        uint256 pricePerUnit,
        address proceedsAccount,
        Allotment[] calldata allotments,
        bytes32 tenderRef
    ) external nonReentrant {
        if (IGovernmentBond(bond).issuer() != msg.sender) revert NotBondIssuer(msg.sender, bond);
        uint256 n = allotments.length;
        if (n == 0 || n > MAX_ALLOTTEES) revert AllotmentCountOutOfRange(n, MAX_ALLOTTEES);
        if (pricePerUnit == 0) revert InvalidTradeTerm("price");
        Tender memory tender = Tender(bond, IGovernmentBond(bond).cashToken(), proceedsAccount, pricePerUnit, tenderRef);

        uint256 totalUnits = 0;
        uint256 proceeds = 0;
        for (uint256 i = 0; i < n; ++i) {
            totalUnits += allotments[i].units;
            proceeds += _allot(tender, allotments[i]);
        }
        emit BondIssued(bond, tenderRef, totalUnits, proceeds, proceedsAccount);
    }

    /// @dev One allottee pays and receives its units; returns what it paid.
    function _allot(Tender memory tender, Allotment calldata a) private returns (uint256 amount) {
        if (a.units == 0) revert InvalidTradeTerm("units");
        amount = a.units * tender.pricePerUnit;
        _move(Leg.Cash, FailureReason.InsufficientCash, tender.cash, a.allottee, tender.proceedsAccount, amount);
        _mintAsset(tender.bond, a.allottee, a.units);
        emit BondAllotted(tender.bond, tender.tenderRef, a.allottee, a.units, amount);
    }
}
