/**
 * A bench day of `count` trades: generated from the fixed seed, settled netted on one fresh ledger
 * and gross on another (each its own in-process network), the closing balances compared.
 */
import { network } from "hardhat";

import { DAY_SEED, DAY_SHAPE, expectedChanges, generateDay } from "./generate.js";
import { runGrossDay } from "./gross.js";
import { dayBalances, deployDayLedger, type DayLedger } from "./ledger.js";
import { runNettedDay } from "./netted.js";
import { peakRssBytes, type PhaseResult } from "./phases.js";
import { compareBalances, type DayResult } from "./table.js";

/** The network a day runs on (hardhat.config.ts): in-process, with 40 accounts. */
export const DAY_NETWORK = "bench";

async function onFreshLedger(
  run: (day: DayLedger, settlementDate: bigint) => Promise<PhaseResult[]>,
): Promise<{ phases: PhaseResult[]; opening: bigint[][]; closing: Awaited<ReturnType<typeof dayBalances>> }> {
  const connection = await network.create(DAY_NETWORK);
  try {
    const day = await deployDayLedger(connection, DAY_SHAPE);
    const opening = (await dayBalances(day)).banks;
    const latest = await connection.ethers.provider.getBlock("latest");
    if (latest === null) throw new Error("the network returned no latest block");
    const phases = await run(day, BigInt(latest.timestamp));
    return { phases, opening, closing: await dayBalances(day) };
  } finally {
    await connection.close();
  }
}

/** Runs a day of `count` trades both ways and checks the balances. */
export async function runDay(count: number, seed: number = DAY_SEED): Promise<DayResult> {
  const trades = generateDay(count, seed, DAY_SHAPE);
  const netted = await onFreshLedger((day, at) => runNettedDay(day, trades, at));
  const nettedPeak = peakRssBytes();
  const gross = await onFreshLedger((day, at) => runGrossDay(day, trades, at));
  const grossPeak = peakRssBytes();

  const balances = compareBalances(netted.closing.banks, gross.closing.banks, netted.closing.engine, gross.closing.engine);
  // Both must also be the opening balances moved by exactly the day's trades.
  const expected = expectedChanges(trades, DAY_SHAPE).map((row, i) => row.map((change, j) => netted.opening[i][j] + change));
  const againstTrades = compareBalances(netted.closing.banks, expected);
  const result: DayResult = {
    trades: count,
    netted: { phases: netted.phases, peakRss: nettedPeak },
    gross: { phases: gross.phases, peakRss: grossPeak },
    balances: againstTrades.equal
      ? balances
      : { ...balances, equal: false, differences: [...balances.differences, ...againstTrades.differences.map((d) => `vs the trades: ${d}`)] },
  };
  return result;
}
