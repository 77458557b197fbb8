/**
 * The gross day: the same trades, each settled alone as a one-transaction DvP from both parties'
 * signed orders (`settleSigned`, submitted by the settlement agent), on a fresh ledger.
 */
import { TxSender, encodeSettleSigned } from "./chain.js";
import type { DayLedger } from "./ledger.js";
import type { SignedDayTrade } from "./orders.js";
import { phase, type PhaseResult } from "./phases.js";

/** Gas limit of one DvP (it uses about 160,000; a party's first nonce costs a fresh slot more). */
const DVP_GAS = 400_000n;
/** Receipts read every this many transactions (each is mined as it is sent). */
const RECEIPTS_EVERY = 2_000;

/** Runs the gross day of the trades signed as `signed` on `day`'s ledger; returns its phases. */
export async function runGrossDay(day: DayLedger, signed: readonly SignedDayTrade[]): Promise<PhaseResult[]> {
  const engine = day.ledger.engine;
  const selector = engine.interface.getFunction("settleSigned").selector;
  const sender = TxSender.open(day.connection, day.agent);
  const settle = await phase("settle gross", async () => {
    let gasUsed = 0n;
    for (const [i, s] of signed.entries()) {
      await sender.send(day.engineAddress, encodeSettleSigned(selector, s), DVP_GAS);
      if ((i + 1) % RECEIPTS_EVERY === 0) gasUsed += await sender.mine();
    }
    gasUsed += await sender.mine();
    return { transactions: signed.length, gasUsed };
  });
  return [settle];
}
