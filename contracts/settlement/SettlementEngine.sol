// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {CustomerPayments} from "./CustomerPayments.sol";
import {FxSettlement} from "./FxSettlement.sol";
import {NettingBatch} from "./NettingBatch.sol";
import {PrimaryIssuance} from "./PrimaryIssuance.sol";
import {SettlementLegs} from "./SettlementLegs.sol";
import {SignedSettlement} from "./SignedSettlement.sol";

/// @title Settlement engine
/// @notice The one contract participants approve and that moves the legs: primary issuance by DvP,
/// DvP by instruction matching, DvP from signed orders in one transaction, netted batches, and
/// customer payments across banks settled in wCBDC, and FX payment-versus-payment at a dealer's
/// quote between central-bank currencies on the same ledger. Every settlement moves every leg or none.
/// @dev The admin (the central bank as system operator) registers deposit tokens for interbank
/// settlement and grants `SETTLEMENT_AGENT_ROLE`.
contract SettlementEngine is
    NettingBatch,
    SignedSettlement,
    CustomerPayments,
    PrimaryIssuance,
    FxSettlement,
    ITokenErrors
{
    /// @param wcbdc_ the wholesale CBDC interbank legs settle in.
    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `SETTLEMENT_AGENT_ROLE`.
    constructor(IERC20 wcbdc_, address admin) SettlementLegs(wcbdc_) EIP712("Tokenization Sandbox Settlement", "1") {
        if (address(wcbdc_) == address(0) || admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLEMENT_AGENT_ROLE, admin);
    }
}
