import type { Signer, TypedDataDomain } from "ethers";

import type { SettlementEngine } from "../../typechain-types/index.js";
import type { TradeStruct } from "../../typechain-types/settlement/SettlementEngine.js";
import { FX_QUOTE_TYPES, type FxQuote } from "../domain/fx-quote.js";
import { SETTLEMENT_ORDER_TYPES, type Trade } from "../domain/trade.js";

/** The EIP-712 domain of `engine`. */
export async function settlementDomain(engine: SettlementEngine): Promise<TypedDataDomain> {
  const domain = await engine.eip712Domain();
  return {
    name: domain.name,
    version: domain.version,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

/**
 * A party's signature over its settlement order for `trade` with keyed `nonce`.
 * @example const sig = await signSettlementOrder(seller, engine, trade, await engine["nonces(address,uint192)"](seller, 0n));
 */
export async function signSettlementOrder(
  signer: Signer,
  engine: SettlementEngine,
  trade: Trade,
  nonce: bigint,
): Promise<string> {
  return signer.signTypedData(await settlementDomain(engine), SETTLEMENT_ORDER_TYPES, { trade, nonce });
}

/** The struct the typed binding expects. */
export function toTradeStruct(trade: Trade): TradeStruct {
  return { ...trade };
}

/**
 * The dealer's EIP-712 signature over `quote` in `engine`'s domain, as `settleFx` verifies it.
 * @example
 * const quote = { dealer, taker: payer, fromToken: wHKD, toToken: wTHB, rate: fxRate("4.5612"), maxFromAmount: 500_000_000n, expiry, nonce: 0n };
 * const signature = await signFxQuote(dealerSigner, engine, quote);
 * await engine.connect(payer).settleFx(quote, signature, 100_000_000n, wHKD, wTHB, beneficiary, ref);
 */
export async function signFxQuote(signer: Signer, engine: SettlementEngine, quote: FxQuote): Promise<string> {
  return signer.signTypedData(await settlementDomain(engine), FX_QUOTE_TYPES, { ...quote });
}
