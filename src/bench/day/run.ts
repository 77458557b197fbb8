/**
 * A bench day of `count` trades: generated from the fixed seed, settled netted on one fresh ledger
 * and gross on another (each its own in-process network), the closing balances compared.
 */
import { network } from "hardhat";

import { DAY_SEED, DAY_SHAPE, expectedChanges, generateDay, type DayTrade } from "./generate.js";
import { runGrossDay } from "./gross.js";
import { dayBalances, deployDayLedger, type DayLedger } from "./ledger.js";
import { runNettedDay } from "./netted.js";
import { orderDomainOf, signDay, type SignedDay } from "./orders.js";
import { phase, peakRssBytes, type PhaseResult } from "./phases.js";
import { compareBalances, SHARED_SIGNING, type DayResult } from "./table.js";

/** The network a day runs on (hardhat.config.ts): in-process, with 40 accounts. */
export const DAY_NETWORK = "bench";

async function onFreshLedger(
  run: (day: DayLedger, now: bigint) => Promise<PhaseResult[]>,
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

/** A run's signed orders and the phase that signed them. */
interface SignedRun {
  readonly sign: PhaseResult;
  readonly orders: SignedDay;
}

/** Both parties sign every trade's orders on `day`'s ledger, due at `now`, timed as the phase "sign". */
async function signOrders(day: DayLedger, trades: readonly DayTrade[], now: bigint): Promise<SignedRun> {
  let orders: SignedDay | undefined;
  const sign = await phase("sign", async () => {
    orders = await signDay(day, trades, now);
    return { transactions: 0, gasUsed: 0n };
  });
  if (orders === undefined) throw new Error("the day's orders were not signed");
  return { sign, orders };
}

/**
 * Runs a day of `count` trades both ways and checks the balances. The parties sign their orders
 * once, on the netted run's ledger, and both runs settle those same orders: the two fresh ledgers
 * deploy the same contracts at the same addresses on the same chain id, so the engine's EIP-712
 * domain is the same (checked: if it were not, the gross run signs again and its row says so). The
 * signing, the same work for both runs, is then counted once in each run's total rather than timed
 * twice, when its run-to-run noise alone (a third to a half of each run) could decide the ratio.
 */
export async function runDay(count: number, seed: number = DAY_SEED): Promise<DayResult> {
  const trades = generateDay(count, seed, DAY_SHAPE);
  let shared: SignedRun | undefined;
  const netted = await onFreshLedger(async (day, now) => {
    shared = await signOrders(day, trades, now);
    return [shared.sign, ...(await runNettedDay(day, shared.orders.orders))];
  });
  const nettedPeak = peakRssBytes();
  const gross = await onFreshLedger(async (day, now) => {
    if (shared === undefined) throw new Error("the netted run signed no orders");
    let own: SignedRun = { sign: { ...shared.sign, name: SHARED_SIGNING }, orders: shared.orders };
    if ((await orderDomainOf(day)) !== shared.orders.domain) own = await signOrders(day, trades, now);
    else if (now < shared.orders.settlementDate) {
      // Never on one machine's clock, but a ledger behind the date would refuse every trade as not due.
      await day.connection.networkHelpers.time.increaseTo(shared.orders.settlementDate);
    }
    return [own.sign, ...(await runGrossDay(day, own.orders.orders))];
  });
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
