// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {CustomerPayments} from "./CustomerPayments.sol";
import {FxSettlement} from "./FxSettlement.sol";
import {NettingBatch} from "./NettingBatch.sol";
import {SettlementLegs} from "./SettlementLegs.sol";
import {SignedSettlement} from "./SignedSettlement.sol";

/// @title Settlement engine
/// @notice The contract that moves the legs of secondary settlement (primary issuance by tender is
/// `PrimaryIssuance`, which follows this engine's asset register and pause):
/// DvP by instruction matching, DvP from signed orders in one transaction, netted batches, and
/// customer payments across banks settled in wCBDC, and FX payment-versus-payment at a dealer's
/// quote between central-bank currencies on the same ledger. Every settlement moves every leg or none.
/// Security model: it acts only on tokens the ledger registered with it (`SettlementRegister`), and
/// debits an account only under that account's own instruction, signature, bid or call for that
/// settlement (see README, "Security model").
/// @dev The admin (the central bank as system operator) registers central-bank money, pauses, and
/// grants `SETTLEMENT_AGENT_ROLE` and `ASSET_REGISTRAR_ROLE`; each currency's central bank registers
/// its deposit lines, each with its bank's consent.
contract SettlementEngine is
    NettingBatch,
    SignedSettlement,
    CustomerPayments,
    FxSettlement
{
    /// @param wcbdc_ the home wholesale CBDC.
    /// @param registry_ the participant registry.
    /// @param admin receives `DEFAULT_ADMIN_ROLE`, `SETTLEMENT_AGENT_ROLE` and `ASSET_REGISTRAR_ROLE`.
    constructor(
        address wcbdc_,
        IParticipantRegistry registry_,
        address admin
    ) SettlementLegs(wcbdc_, registry_) EIP712("Tokenization Sandbox Settlement", "2") {
        if (wcbdc_ == address(0) || address(registry_) == address(0) || admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLEMENT_AGENT_ROLE, admin);
        _grantRole(ASSET_REGISTRAR_ROLE, admin);
    }
}
