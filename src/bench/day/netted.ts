/**
 * The netted day: both parties' signed orders submitted by the settlement agent in batches
 * (`matchSignedBatch`, which verifies every signature and matches every trade), then the matched
 * trades netted and settled in batches of the engine's maximum (`settleBatch`, which checks every
 * gross leg against its token's rules and moves each net position once).
 */
import { chunks } from "./generate.js";
import { TxSender, encodeMatchSignedBatch, encodeSettleBatch } from "./chain.js";
import type { DayLedger } from "./ledger.js";
import type { SignedDayTrade } from "./orders.js";
import { phase, type PhaseResult } from "./phases.js";

/** Gas limit of one batch transaction (below the 2^24 per-transaction cap of recent hardforks). */
const BATCH_GAS = 16_000_000n;

/** Runs the netted day of the trades signed as `signed` on `day`'s ledger; returns its phases. */
export async function runNettedDay(day: DayLedger, signed: readonly SignedDayTrade[]): Promise<PhaseResult[]> {
  const engine = day.ledger.engine;
  const matchSelector = engine.interface.getFunction("matchSignedBatch").selector;
  const batchSelector = engine.interface.getFunction("settleBatch").selector;
  const matchMax = Number(await engine.MAX_SIGNED_MATCH_BATCH());
  const batchMax = Number(await engine.MAX_BATCH_TRADES());
  const firstBatch = (await engine.batchCount()) + 1n;
  const sender = TxSender.open(day.connection, day.agent);
  const match = await phase("submit & match", async () => {
    const before = sender.totals.transactions;
    for (const batch of chunks(signed, matchMax)) {
      await sender.send(day.engineAddress, encodeMatchSignedBatch(matchSelector, batch), BATCH_GAS);
    }
    const gasUsed = await sender.mine();
    return { transactions: sender.totals.transactions - before, gasUsed };
  });
  const settle = await phase("net & settle", async () => {
    const before = sender.totals.transactions;
    for (const batch of chunks(signed, batchMax)) {
      await sender.send(day.engineAddress, encodeSettleBatch(batchSelector, batch.map((s) => s.trade)), BATCH_GAS);
    }
    const gasUsed = await sender.mine();
    return { transactions: sender.totals.transactions - before, gasUsed };
  });
  // Every batch settled every member: none skipped.
  const last = await engine.batchCount();
  let settled = 0n;
  for (let id = firstBatch; id <= last; id++) {
    const report = await engine.batchReport(id);
    if (report.skipped !== 0n) throw new Error(`batch ${id} skipped ${report.skipped} trades`);
    settled += report.tradeCount;
  }
  if (settled !== BigInt(signed.length)) throw new Error(`the netted day settled ${settled} of ${signed.length} trades`);
  return [match, settle];
}
