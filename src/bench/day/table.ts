/**
 * The bench day's tables and balance check, as pure functions of measured results (unit-tested in
 * test/bench/day.ts).
 */
import type { PhaseResult } from "./phases.js";

/** One settlement run of a day (netted or gross). */
export interface RunResult {
  readonly phases: readonly PhaseResult[];
  /** The process's peak resident memory after the run, in bytes. */
  readonly peakRss: number;
}

/** Both runs of one day, and whether their closing balances agreed. */
export interface DayResult {
  readonly trades: number;
  readonly netted: RunResult;
  readonly gross: RunResult;
  readonly balances: BalanceCheck;
}

/** The outcome of comparing the netted day's closing balances with the gross day's. */
export interface BalanceCheck {
  readonly equal: boolean;
  /** Positions compared (participants × tokens). */
  readonly positions: number;
  /** The first differing positions, as "participant i, token j: netted x, gross y". */
  readonly differences: readonly string[];
}

/**
 * Compares two balance tables (`[participant][token]`) position by position, and also requires
 * `engineNetted` and `engineGross` (the engine's own balances) to be all zero: a settlement holds
 * nothing once it is over.
 */
export function compareBalances(
  netted: readonly (readonly bigint[])[],
  gross: readonly (readonly bigint[])[],
  engineNetted: readonly bigint[] = [],
  engineGross: readonly bigint[] = [],
): BalanceCheck {
  const differences: string[] = [];
  let positions = 0;
  const rows = Math.max(netted.length, gross.length);
  for (let i = 0; i < rows; i++) {
    const a = netted[i] ?? [];
    const b = gross[i] ?? [];
    for (let j = 0; j < Math.max(a.length, b.length); j++) {
      positions++;
      if (a[j] !== b[j]) differences.push(`participant ${i}, token ${j}: netted ${a[j] ?? "missing"}, gross ${b[j] ?? "missing"}`);
    }
  }
  for (const [name, held] of [["netted", engineNetted], ["gross", engineGross]] as const) {
    held.forEach((x, j) => {
      if (x !== 0n) differences.push(`the engine still holds ${x} of token ${j} after the ${name} day`);
    });
  }
  return { equal: differences.length === 0, positions, differences: differences.slice(0, 10) };
}

const fmt = (n: bigint | number): string => Number(n).toLocaleString("en-US");

/** Milliseconds as seconds with two decimals, e.g. `12.34 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes as MiB, e.g. `512 MiB`. */
export function mebibytes(bytes: number): string {
  return `${fmt(Math.round(bytes / 2 ** 20))} MiB`;
}

/** Total wall time, transactions and gas of a run. */
export function totals(run: RunResult): { ms: number; transactions: number; gasUsed: bigint } {
  return run.phases.reduce(
    (sum, p) => ({ ms: sum.ms + p.ms, transactions: sum.transactions + p.transactions, gasUsed: sum.gasUsed + p.gasUsed }),
    { ms: 0, transactions: 0, gasUsed: 0n },
  );
}

/** Gas per trade of a run, rounded down. */
export function gasPerTrade(run: RunResult, trades: number): bigint {
  return trades === 0 ? 0n : totals(run).gasUsed / BigInt(trades);
}

/**
 * The name of the signing phase of a run that settles the orders another run signed (the same
 * orders, its time counted in both runs' totals).
 */
export const SHARED_SIGNING = "sign (shared)";
const signingOf = (run: RunResult): PhaseResult | undefined => run.phases.find((p) => p.name === "sign" || p.name === SHARED_SIGNING);
/** Wall time of a run's signing phase (the same work in both runs: two orders per trade). */
const signingMs = (run: RunResult): number => signingOf(run)?.ms ?? 0;
const ratio = (a: number, b: number): string => (b === 0 ? "–" : (a / b).toFixed(2));
const met = (ok: boolean): string => (ok ? "yes" : "**no**");

/** The target of the netted day's gas per trade (issue 14). */
export const GAS_PER_TRADE_TARGET = 25_000n;

/**
 * The day tables in markdown: one row per run with the wall time of each phase, then one row per
 * day with the netted/gross ratios, the targets and the balance check.
 */
export function formatDayTables(days: readonly DayResult[]): string {
  const phaseMs = (run: RunResult, name: string, trades: number): string => {
    const p = run.phases.find((x) => x.name === name);
    if (p === undefined) return "";
    return p.gasUsed === 0n || trades === 0 ? seconds(p.ms) : `${seconds(p.ms)} (${fmt(p.gasUsed / BigInt(trades))} gas/trade)`;
  };
  const signing = (run: RunResult): string => {
    const p = signingOf(run);
    if (p === undefined) return "";
    return p.name === SHARED_SIGNING ? `${seconds(p.ms)} (the same orders)` : seconds(p.ms);
  };
  const lines = [
    "| Trades | Run | Sign orders | Submit & match | Net & settle | Settle gross | Total wall | Transactions | Gas / trade | Peak RSS |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const d of days) {
    for (const [label, run] of [["netted", d.netted], ["gross", d.gross]] as const) {
      const t = totals(run);
      lines.push(
        `| ${fmt(d.trades)} | ${label} | ${signing(run)} | ${phaseMs(run, "submit & match", d.trades)} | ${phaseMs(run, "net & settle", d.trades)} | ${phaseMs(run, "settle gross", d.trades)} | ${seconds(t.ms)} | ${fmt(t.transactions)} | ${fmt(gasPerTrade(run, d.trades))} | ${mebibytes(run.peakRss)} |`,
      );
    }
  }
  lines.push(
    "",
    "| Trades | Wall netted / gross | … signing excluded | Gas netted / gross | Netted wall < gross (ratio < 1.00) | Netted gas / trade < 25,000 | Balances after netted = after gross |",
    "|---:|---:|---:|---:|---|---|---|",
  );
  for (const d of days) {
    const n = totals(d.netted);
    const g = totals(d.gross);
    const perTrade = gasPerTrade(d.netted, d.trades);
    lines.push(
      `| ${fmt(d.trades)} | ${ratio(n.ms, g.ms)} | ${ratio(n.ms - signingMs(d.netted), g.ms - signingMs(d.gross))} | ${ratio(Number(n.gasUsed), Number(g.gasUsed))} | ${met(n.ms < g.ms)} | ${met(perTrade < GAS_PER_TRADE_TARGET)} (${fmt(perTrade)}) | ${met(d.balances.equal)} |`,
    );
  }
  return lines.join("\n");
}

/** One line per day: the balance check in words. */
export function balanceLine(d: DayResult): string {
  return d.balances.equal
    ? `${fmt(d.trades)} trades: every balance after the netted day equals the balance after the gross day (${fmt(d.balances.positions)} positions, and the engine holds nothing after either).`
    : `${fmt(d.trades)} trades: balances differ after the netted and the gross day: ${d.balances.differences.join("; ")}.`;
}

/**
 * Whether the netted cost per trade stays flat across the days: the spread (largest over smallest
 * gas per trade, minus one) and a sentence with every figure.
 */
export function flatnessLine(days: readonly DayResult[]): string {
  if (days.length < 2) return "";
  const perTrade = days.map((d) => Number(gasPerTrade(d.netted, d.trades)));
  const spread = Math.max(...perTrade) / Math.min(...perTrade) - 1;
  const figures = days.map((d, i) => `${fmt(perTrade[i])} at ${fmt(d.trades)}`).join(", ");
  return `Netted gas per trade: ${figures} trades — spread ${(spread * 100).toFixed(1)}% (${spread <= 0.05 ? "flat" : "**not flat**"}, within 5%).`;
}
