// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice One delivery-versus-payment trade, as both sides instruct or sign it.
/// @param tradeRef the common reference both sides quote (e.g. the trading venue's trade id).
/// @param seller delivers `quantity` of `asset`.
/// @param buyer pays `amount`.
/// @param asset the token delivered (e.g. a government bond).
/// @param quantity units of `asset`.
/// @param buyerCash the cash token debited from the buyer (wCBDC, or the buyer's bank's tokenized deposit).
/// @param sellerCash the cash token credited to the seller; differs from `buyerCash` only when buyer and
/// seller bank at different banks, in which case the banks settle between them in wCBDC.
/// @param amount settlement amount in minor units of the cash token.
/// @param settlementDate intended settlement date (unix time); a trade matched on or after it settles at once.
/// @param expiry unix time after which the trade can no longer settle (and signatures are void).
struct Trade {
    bytes32 tradeRef;
    address seller;
    address buyer;
    address asset;
    uint256 quantity;
    address buyerCash;
    address sellerCash;
    uint256 amount;
    uint64 settlementDate;
    uint64 expiry;
}

/// @notice Where a trade stands, modelled on ISO 20022 settlement status (sese.024).
/// @dev One status per trade id, shared by every path (instruction matching, signed orders,
/// netting batches): a trade settles at most once, and a cancelled or expired trade never settles.
/// `Pending`: one side instructed, unmatched (NMAT/CMIS). `Matched`: both sides agree, waiting for the
/// settlement date (MACH, PEND/FUTU). `Failed`: due but a settlement attempt could not complete
/// (PENF with a reason); it may be retried until expiry. `Settled`: both legs moved. `Cancelled`: a party
/// cancelled (CAND/CANI). `Expired`: past expiry without settling (CAND/CANS).
enum TradeStatus {
    None,
    Pending,
    Matched,
    Failed,
    Settled,
    Cancelled,
    Expired
}

/// @notice Why a settlement attempt failed (ISO 20022 pending-failing reasons where one exists).
/// @dev InsufficientSecurities = LACK, InsufficientCash = MONY, AccountFrozen = BLOC, Expired = CANS.
/// The others have no ISO 20022 code; the reports give them the sandbox's own (see README).
/// `Matured`: the asset has matured and can no longer be delivered.
enum FailureReason {
    None,
    InsufficientSecurities,
    InsufficientCash,
    MissingApproval,
    NotEligible,
    AccountFrozen,
    Paused,
    Expired,
    TokenRejected,
    Matured
}

/// @notice Which leg of a settlement a token movement belongs to.
enum Leg {
    Asset,
    Cash,
    Interbank
}

/// @title EIP-712 hashing of trades
library TradeHash {
    /// @dev keccak256 of the EIP-712 type string of `Trade`.
    bytes32 internal constant TRADE_TYPEHASH = keccak256(
        "Trade(bytes32 tradeRef,address seller,address buyer,address asset,uint256 quantity,address buyerCash,"
        "address sellerCash,uint256 amount,uint64 settlementDate,uint64 expiry)"
    );

    /// @notice The EIP-712 struct hash of `trade`; also the trade's id in the instruction lifecycle.
    function hash(Trade calldata trade) internal pure returns (bytes32) {
        return keccak256(abi.encode(TRADE_TYPEHASH, trade));
    }

    /// @notice Same as `hash`, for a trade in memory.
    function hashMemory(Trade memory trade) internal pure returns (bytes32) {
        return keccak256(abi.encode(TRADE_TYPEHASH, trade));
    }
}
