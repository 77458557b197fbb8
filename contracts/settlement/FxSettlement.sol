// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {SettlementLegs} from "./SettlementLegs.sol";

/// @notice An FX dealer's firm quote to one client: it pays `toToken` for `fromToken` at `rate`, up to a
/// size, until expiry, once.
/// @param dealer the FX dealer (a bank holding both central-bank currencies).
/// @param taker the only account that may settle at this quote (the client it was made to).
/// @param fromToken the wCBDC the client pays (e.g. wHKD).
/// @param toToken the wCBDC the dealer pays (e.g. wTHB).
/// @param rate minor units of `toToken` per minor unit of `fromToken`, scaled by 1e18 (`RATE_SCALE`).
/// @param maxFromAmount the largest `fromToken` amount the quote covers.
/// @param expiry unix time after which the quote is stale.
/// @param nonce the dealer's keyed FX-quote nonce (key << 64 | sequence): a quote settles once. FX
/// quotes have their own nonce space (`fxQuoteNonce`), apart from the nonces of signed DvP orders.
struct FxQuote {
    address dealer;
    address taker;
    address fromToken;
    address toToken;
    uint256 rate;
    uint256 maxFromAmount;
    uint64 expiry;
    uint256 nonce;
}

/// @title Payment-versus-payment FX on one ledger (mBridge style)
/// @notice A payer exchanges one central-bank currency for another at an FX dealer's signed quote, in
/// one transaction: the payer's side pays the dealer in `fromToken`, the dealer pays the beneficiary's
/// side in `toToken` — both or neither. Either side may be a bank (paying or paid in wCBDC) or a bank's
/// customer (paying or paid in tokenized deposits through its bank), so a Hong Kong customer's HKD
/// deposits can become a Thai customer's THB deposits atomically.
/// @dev Rounding: the dealer pays `fromAmount × rate / 1e18` rounded down, so no party gains from
/// rounding and the payer gives up less than one minor unit of `toToken` against the exact rate.
abstract contract FxSettlement is SettlementLegs, EIP712, ReentrancyGuardTransient {
    /// @notice Fixed-point scale of `FxQuote.rate`.
    uint256 public constant RATE_SCALE = 1e18;

    /// @dev keccak256 of the EIP-712 type of `FxQuote`.
    bytes32 public constant FX_QUOTE_TYPEHASH = keccak256(
        "FxQuote(address dealer,address taker,address fromToken,address toToken,uint256 rate,uint256 maxFromAmount,"
        "uint64 expiry,uint256 nonce)"
    );

    mapping(address dealer => mapping(uint192 key => uint64)) private _fxNonces;

    /// @notice The quote expired at `expiry`.
    error FxQuoteExpired(uint64 expiry);
    /// @notice `fromAmount` exceeds the quote's size limit `maxFromAmount`, or is zero.
    error FxAmountOutOfRange(uint256 fromAmount, uint256 maxFromAmount);
    /// @notice The dealer's signature over the quote does not verify.
    error FxQuoteInvalidSignature(address dealer);
    /// @notice The quote's tokens are unusable (same token, or not registered central-bank money).
    error FxQuoteInvalidTokens(address fromToken, address toToken);
    /// @notice The quote was made to `taker`, not to the caller.
    error FxQuoteNotForCaller(address caller, address taker);
    /// @notice The quote's nonce is not the dealer's current FX-quote nonce `expected` for its key (used or voided).
    error FxQuoteNonceUsed(address dealer, uint256 nonce, uint256 expected);

    /// @notice `dealer` voided its FX-quote nonce `keyNonce`: a quote signed with it can never settle.
    event FxQuoteNonceInvalidated(address indexed dealer, uint256 keyNonce);

    /// @notice An FX payment settled at a dealer's quote.
    event FxSettled(
        bytes32 indexed quoteDigest,
        address indexed dealer,
        address indexed payer,
        address beneficiary,
        uint256 fromAmount,
        uint256 toAmount,
        bytes32 paymentRef
    );

    /// @notice Pays `fromAmount` from the caller (in `payerCash`) to the quote's dealer, and has the
    /// dealer pay the converted amount to `beneficiary` (in `beneficiaryCash`), atomically.
    /// @dev Requirements: not paused; the caller is the quote's taker; the dealer's signature verifies;
    /// the quote is unexpired and unused (its nonce is the dealer's current FX-quote nonce for its key); 0
    /// < `fromAmount` ≤ `maxFromAmount`; `payerCash` settles in `fromToken` and `beneficiaryCash` in
    /// `toToken`; the dealer approved the engine on `toToken`. Reverts `SettlementLegFailed` with the
    /// reason, moving nothing, if any leg cannot move.
    /// @param quote the dealer's quote.
    /// @param signature the dealer's EIP-712 signature over `quote`.
    /// @param fromAmount what the payer pays, in minor units of `fromToken`.
    /// @param payerCash the payer's cash token: `fromToken`, or a deposit token settling in it.
    /// @param beneficiaryCash the beneficiary's cash token: `toToken`, or a deposit token settling in it.
    /// @param beneficiary who is paid.
    /// @param paymentRef end-to-end reference.
    /// @return toAmount what the beneficiary received, in minor units of `toToken`.
    function settleFx(
        FxQuote calldata quote,
        bytes calldata signature,
        uint256 fromAmount,
        address payerCash,
        address beneficiaryCash,
        address beneficiary,
        bytes32 paymentRef
    ) external nonReentrant whenNotPaused returns (uint256 toAmount) {
        if (msg.sender != quote.taker) revert FxQuoteNotForCaller(msg.sender, quote.taker);
        if (block.timestamp > quote.expiry) revert FxQuoteExpired(quote.expiry);
        if (fromAmount == 0 || fromAmount > quote.maxFromAmount) revert FxAmountOutOfRange(fromAmount, quote.maxFromAmount);
        if (quote.fromToken == quote.toToken || !_isCentralBankMoney(quote.fromToken) || !_isCentralBankMoney(quote.toToken)) {
            revert FxQuoteInvalidTokens(quote.fromToken, quote.toToken);
        }
        bytes32 digest = fxQuoteDigest(quote);
        if (!SignatureChecker.isValidSignatureNowCalldata(quote.dealer, digest, signature)) {
            revert FxQuoteInvalidSignature(quote.dealer);
        }
        _useFxNonce(quote.dealer, quote.nonce);

        toAmount = Math.mulDiv(fromAmount, quote.rate, RATE_SCALE);
        if (toAmount == 0) revert FxAmountOutOfRange(fromAmount, quote.maxFromAmount);
        _payCash(payerCash, quote.fromToken, msg.sender, quote.dealer, fromAmount, paymentRef);
        _payCash(quote.toToken, beneficiaryCash, quote.dealer, beneficiary, toAmount, paymentRef);
        emit FxSettled(digest, quote.dealer, msg.sender, beneficiary, fromAmount, toAmount, paymentRef);
    }

    /// @notice The dealer's next FX-quote nonce for `key` (key << 64 | sequence).
    /// @param dealer the dealer.
    /// @param key the nonce key (quote stream).
    /// @return the nonce the next quote of that stream must carry.
    function fxQuoteNonce(address dealer, uint192 key) public view returns (uint256) {
        return (uint256(key) << 64) | _fxNonces[dealer][key];
    }

    /// @notice Voids the caller's next FX-quote nonce for `key`, withdrawing a quote signed with it.
    /// @param key the nonce key.
    function invalidateFxQuoteNonce(uint192 key) external {
        uint256 used = fxQuoteNonce(msg.sender, key);
        ++_fxNonces[msg.sender][key];
        emit FxQuoteNonceInvalidated(msg.sender, used);
    }

    /// @notice The EIP-712 digest a dealer signs for `quote`.
    /// @param quote the quote.
    /// @return the digest.
    function fxQuoteDigest(FxQuote calldata quote) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(FX_QUOTE_TYPEHASH, quote)));
    }

    function _useFxNonce(address dealer, uint256 keyNonce) private {
        uint192 key = uint192(keyNonce >> 64);
        uint256 expected = fxQuoteNonce(dealer, key);
        if (keyNonce != expected) revert FxQuoteNonceUsed(dealer, keyNonce, expected);
        ++_fxNonces[dealer][key];
    }
}
