/**
 * The gross day: the same trades, each settled alone as a one-transaction DvP from both parties'
 * signed orders (`settleSigned`, submitted by the settlement agent), on a fresh ledger.
 */
import type { DayTrade } from "./generate.js";
import { TxSender, encodeSettleSigned } from "./chain.js";
import type { DayLedger } from "./ledger.js";
import { signDay, type SignedDayTrade } from "./orders.js";
import { phase, type PhaseResult } from "./phases.js";

/** Gas limit of one DvP (it uses about 160,000; a party's first nonce costs a fresh slot more). */
const DVP_GAS = 400_000n;
/** Receipts read every this many transactions (each is mined as it is sent). */
const RECEIPTS_EVERY = 2_000;

/** Runs the gross day on `day`'s ledger; returns its phases. */
export async function runGrossDay(day: DayLedger, trades: readonly DayTrade[], settlementDate: bigint): Promise<PhaseResult[]> {
  const engine = day.ledger.engine;
  const selector = engine.interface.getFunction("settleSigned").selector;
  const sender = TxSender.open(day.connection, day.agent);
  let signed: SignedDayTrade[] = [];
  const sign = await phase("sign", async () => {
    signed = await signDay(day, trades, settlementDate);
    return { transactions: 0, gasUsed: 0n };
  });
  const settle = await phase("settle gross", async () => {
    let gasUsed = 0n;
    for (const [i, s] of signed.entries()) {
      await sender.send(day.engineAddress, encodeSettleSigned(selector, s), DVP_GAS);
      if ((i + 1) % RECEIPTS_EVERY === 0) gasUsed += await sender.mine();
    }
    gasUsed += await sender.mine();
    return { transactions: signed.length, gasUsed };
  });
  return [sign, settle];
}
