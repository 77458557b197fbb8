/**
 * Chain access for a bench day: transactions sent straight to the node (no gas estimate, no ethers
 * wrapper, no wait for each receipt), then every receipt read back — its status checked, its gas
 * counted. Automine stays on: on the in-process network (EDR 3.17) a transaction mined as it is sent
 * costs about 0.5 ms, while a pool that collects transactions for one big block costs time
 * quadratic in its size (1,000 plain transfers: 0.46 s automined, 38.6 s pooled then mined). And EIP-712 settlement orders signed offline with the parties' keys, the
 * digest computed as `SignedSettlement._orderDigest` computes it.
 */
import { AbiCoder, concat, keccak256, toUtf8Bytes, type HDNodeWallet } from "ethers";

import type { LedgerConnection } from "../../chain/deploy.js";
import type { Trade } from "../../domain/trade.js";

/** Totals of what a `TxSender` sent. */
export interface SentTotals {
  transactions: number;
  gasUsed: bigint;
}

interface RawReceipt {
  readonly status: string;
  readonly gasUsed: string;
}

/** Sends transactions from one account and collects their receipts. */
export class TxSender {
  private pending: string[] = [];
  readonly totals: SentTotals = { transactions: 0, gasUsed: 0n };

  private constructor(
    private readonly connection: LedgerConnection,
    private readonly from: string,
  ) {}

  /** A sender for `from` on `connection` (automine on, the in-process default). */
  static open(connection: LedgerConnection, from: string): TxSender {
    return new TxSender(connection, from);
  }

  /** Sends one transaction; its receipt is read by the next `mine`. */
  async send(to: string, data: string, gas: bigint): Promise<void> {
    const hash = (await this.connection.provider.request({
      method: "eth_sendTransaction",
      params: [{ from: this.from, to, data, gas: `0x${gas.toString(16)}` }],
    })) as string;
    this.pending.push(hash);
  }

  /**
   * Reads the receipt of every transaction sent since the last call (mining a block while any is
   * still pending, for a network without automine); throws if any reverted. Returns the gas they used.
   */
  async mine(): Promise<bigint> {
    let gas = 0n;
    let waiting = this.pending;
    this.pending = [];
    for (let blocks = 0; waiting.length > 0; blocks++) {
      if (blocks > 10_000) throw new Error(`${waiting.length} transactions were never mined`);
      if (blocks > 0) await this.connection.provider.request({ method: "evm_mine", params: [] });
      const receipts = await Promise.all(
        waiting.map((hash) => this.connection.provider.request({ method: "eth_getTransactionReceipt", params: [hash] }) as Promise<RawReceipt | null>),
      );
      const still: string[] = [];
      receipts.forEach((r, i) => {
        if (r === null) {
          still.push(waiting[i]);
          return;
        }
        if (r.status !== "0x1") throw new Error(`transaction ${waiting[i]} reverted`);
        gas += BigInt(r.gasUsed);
        this.totals.transactions += 1;
      });
      waiting = still;
    }
    this.totals.gasUsed += gas;
    return gas;
  }
}

const coder = AbiCoder.defaultAbiCoder();
const TRADE_TYPEHASH = keccak256(
  toUtf8Bytes(
    "Trade(bytes32 tradeRef,address seller,address buyer,address asset,uint256 quantity,address buyerCash," +
      "address sellerCash,uint256 amount,uint64 settlementDate,uint64 expiry)",
  ),
);
const ORDER_TYPEHASH = keccak256(
  toUtf8Bytes(
    "SettlementOrder(Trade trade,uint256 nonce)Trade(bytes32 tradeRef,address seller,address buyer,address asset," +
      "uint256 quantity,address buyerCash,address sellerCash,uint256 amount,uint64 settlementDate,uint64 expiry)",
  ),
);

/** The trade id: the EIP-712 struct hash of `Trade` (`TradeHash.hash`). */
export function tradeHash(t: Trade): string {
  return keccak256(
    coder.encode(
      ["bytes32", "bytes32", "address", "address", "address", "uint256", "address", "address", "uint256", "uint64", "uint64"],
      [TRADE_TYPEHASH, t.tradeRef, t.seller, t.buyer, t.asset, t.quantity, t.buyerCash, t.sellerCash, t.amount, t.settlementDate, t.expiry],
    ),
  );
}

/** The digest a party signs for trade `id` with `nonce` under `domainSeparator`. */
export function orderDigest(domainSeparator: string, id: string, nonce: bigint): string {
  const struct = keccak256(coder.encode(["bytes32", "bytes32", "uint256"], [ORDER_TYPEHASH, id, nonce]));
  return keccak256(concat(["0x1901", domainSeparator, struct]));
}

/** `key`'s signature over `digest` (65 bytes, r ‖ s ‖ v). */
export function signDigest(key: HDNodeWallet, digest: string): string {
  return key.signingKey.sign(digest).serialized;
}

// ---------------------------------------------------------------- calldata, encoded by hand
// ethers' ABI coder takes about 0.7 ms per signed trade (70 ms for a 100-trade `matchSignedBatch`),
// a third of the netted day's time on the chain; the layouts below are fixed, so the bench writes
// the words itself. test/bench/day.ts checks each against ethers' own encoding.

/** A signed trade as the three entry points take it. */
export interface SignedTradeArgs {
  readonly trade: Trade;
  readonly sellerNonce: bigint;
  readonly sellerSignature: string;
  readonly buyerNonce: bigint;
  readonly buyerSignature: string;
}

const word = (n: bigint | number): string => BigInt(n).toString(16).padStart(64, "0");
const addressWord = (a: string): string => a.slice(2).toLowerCase().padStart(64, "0");
const noPrefix = (hex: string): string => (hex.startsWith("0x") ? hex.slice(2) : hex);

/** `Trade` as its ten static ABI words (no 0x). */
function tradeWords(t: Trade): string {
  return (
    noPrefix(t.tradeRef).padStart(64, "0") +
    addressWord(t.seller) +
    addressWord(t.buyer) +
    addressWord(t.asset) +
    word(t.quantity) +
    addressWord(t.buyerCash) +
    addressWord(t.sellerCash) +
    word(t.amount) +
    word(t.settlementDate) +
    word(t.expiry)
  );
}

/** `bytes` as its length word and the data padded to whole words. */
function bytesTail(hex: string): string {
  const data = noPrefix(hex);
  const padded = data.padEnd(Math.ceil(data.length / 64) * 64, "0");
  return word(data.length / 2) + padded;
}

/**
 * (Trade, uint256, bytes, uint256, bytes) as one ABI tuple body: the head (trade, nonces, two offsets
 * from the body's start) then both signatures. `settleSigned`'s arguments and a `SignedTrade` element
 * of `matchSignedBatch` have this same layout.
 */
function signedTradeBody(s: SignedTradeArgs): string {
  const seller = bytesTail(s.sellerSignature);
  const head = 14 * 32;
  return (
    tradeWords(s.trade) +
    word(s.sellerNonce) +
    word(head) +
    word(s.buyerNonce) +
    word(head + seller.length / 2) +
    seller +
    bytesTail(s.buyerSignature)
  );
}

/** Calldata of `settleSigned(trade, sellerNonce, sellerSignature, buyerNonce, buyerSignature)`. */
export function encodeSettleSigned(selector: string, s: SignedTradeArgs): string {
  return selector + signedTradeBody(s);
}

/** Calldata of `matchSignedBatch(SignedTrade[])`. */
export function encodeMatchSignedBatch(selector: string, batch: readonly SignedTradeArgs[]): string {
  const bodies = batch.map(signedTradeBody);
  const offsets: string[] = [];
  let at = batch.length * 32;
  for (const body of bodies) {
    offsets.push(word(at));
    at += body.length / 2;
  }
  return selector + word(32) + word(batch.length) + offsets.join("") + bodies.join("");
}

/** Calldata of `settleBatch(Trade[])`. */
export function encodeSettleBatch(selector: string, trades: readonly Trade[]): string {
  return selector + word(32) + word(trades.length) + trades.map(tradeWords).join("");
}
