/**
 * The day's trades as the engine takes them, and both parties' signed orders for each: every party
 * signs its own `SettlementOrder` with its own key, nonces in sequence on key 0 from a fresh ledger.
 */
import { TypedDataEncoder, toBeHex, zeroPadValue } from "ethers";

import { settlementDomain } from "../../chain/signing.js";
import type { Trade } from "../../domain/trade.js";
import type { DayTrade } from "./generate.js";
import { orderDigest, signDigest, tradeHash } from "./chain.js";
import type { DayLedger } from "./ledger.js";

/** One trade with both parties' orders, as `matchSignedBatch` and `settleSigned` take them. */
export interface SignedDayTrade {
  readonly trade: Trade;
  readonly sellerNonce: bigint;
  readonly sellerSignature: string;
  readonly buyerNonce: bigint;
  readonly buyerSignature: string;
}

/** Seven days to settle, as the other benches allow. */
const EXPIRY_AFTER = 7n * 86_400n;

/** `t` on `day`'s ledger, due at `settlementDate`. Its reference is its place in the day. */
export function toTrade(day: DayLedger, t: DayTrade, settlementDate: bigint): Trade {
  const cash = day.tokenAddresses[day.bonds.length + t.cash];
  return {
    tradeRef: zeroPadValue(toBeHex(t.index + 1), 32),
    seller: day.banks[t.seller],
    buyer: day.banks[t.buyer],
    asset: day.tokenAddresses[t.bond],
    quantity: t.quantity,
    buyerCash: cash,
    sellerCash: cash,
    amount: t.amount,
    settlementDate,
    expiry: settlementDate + EXPIRY_AFTER,
  };
}

/** The EIP-712 domain separator of `day`'s engine: orders signed for one ledger settle on another only if it is the same. */
export async function orderDomainOf(day: DayLedger): Promise<string> {
  return TypedDataEncoder.hashDomain(await settlementDomain(day.ledger.engine));
}

/** The day's signed orders, with what they are bound to: the engine's domain and the settlement date. */
export interface SignedDay {
  readonly domain: string;
  readonly settlementDate: bigint;
  readonly orders: readonly SignedDayTrade[];
}

/**
 * Both parties sign their orders for every trade, offline, in the engine's EIP-712 domain; the first
 * digest is checked against the engine's own (`settlementOrderDigest`), so a mismatch stops the run.
 */
export async function signDay(day: DayLedger, trades: readonly DayTrade[], settlementDate: bigint): Promise<SignedDay> {
  const engine = day.ledger.engine;
  const separator = await orderDomainOf(day);
  const nextNonce = new Array<bigint>(day.banks.length).fill(0n);
  const signed: SignedDayTrade[] = [];
  for (const t of trades) {
    const trade = toTrade(day, t, settlementDate);
    const id = tradeHash(trade);
    const sellerNonce = nextNonce[t.seller]++;
    const buyerNonce = nextNonce[t.buyer]++;
    const sellerDigest = orderDigest(separator, id, sellerNonce);
    if (signed.length === 0 && sellerDigest !== (await engine.settlementOrderDigest(trade, sellerNonce))) {
      throw new Error("the bench's order digest differs from the engine's settlementOrderDigest");
    }
    signed.push({
      trade,
      sellerNonce,
      sellerSignature: signDigest(day.keys[t.seller], sellerDigest),
      buyerNonce,
      buyerSignature: signDigest(day.keys[t.buyer], orderDigest(separator, id, buyerNonce)),
    });
  }
  return { domain: separator, settlementDate, orders: signed };
}
