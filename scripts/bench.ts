/**
 * npm run bench — the gas table of every settlement path (scripts/bench-gas.ts), or, with
 * `-- --day 1000,10000,50000`, trading days at scale (src/bench/day/): each day's trades settled
 * netted and gross on fresh ledgers, with wall time per phase, transactions, gas per trade, peak
 * memory, the netted/gross ratios and the balance check.
 */
import { parseArgs } from "node:util";

import { parseDaySizes } from "../src/bench/day/cli.js";

const { values } = parseArgs({ options: { day: { type: "string" } }, allowPositionals: false });

if (values.day === undefined) {
  await import("./bench-gas.js");
} else {
  const sizes = parseDaySizes(values.day);
  const { runDay } = await import("../src/bench/day/run.js");
  const { DAY_SEED, DAY_SHAPE } = await import("../src/bench/day/generate.js");
  const { balanceLine, flatnessLine, formatDayTables } = await import("../src/bench/day/table.js");
  // Warm up first (a day of 100 trades both ways, not reported): the first transactions of a process
  // pay for JIT compilation and the simulator's start-up, which would otherwise land on the netted run.
  await runDay(100);
  const days = [];
  for (const n of sizes) {
    console.error(`day of ${n.toLocaleString("en-US")} trades…`);
    days.push(await runDay(n));
  }
  console.log(
    `Trading days on the in-process network (EDR, network "bench"): ${DAY_SHAPE.participants} banks, ${DAY_SHAPE.bonds} bonds, ` +
      `${DAY_SHAPE.cashTokens} cash tokens (wHKD, wCNY), seed 0x${DAY_SEED.toString(16)}; netted and gross each on a fresh ledger, after a warm-up day of 100 trades, one run\n`,
  );
  console.log(formatDayTables(days));
  console.log("");
  for (const d of days) console.log(balanceLine(d));
  const flat = flatnessLine(days);
  if (flat !== "") console.log(flat);
  if (days.some((d) => !d.balances.equal)) process.exitCode = 1;
}
