/** Timing and memory of a bench day's phases. */
import { performance } from "node:perf_hooks";
import { resourceUsage } from "node:process";

/** One phase of a run: its wall time, and the transactions and gas it sent. */
export interface PhaseResult {
  readonly name: string;
  readonly ms: number;
  readonly transactions: number;
  readonly gasUsed: bigint;
}

/** Times `body`, which returns the transactions and gas it sent. */
export async function phase(name: string, body: () => Promise<{ transactions: number; gasUsed: bigint }>): Promise<PhaseResult> {
  const start = performance.now();
  const { transactions, gasUsed } = await body();
  return { name, ms: performance.now() - start, transactions, gasUsed };
}

/** The process's peak resident memory so far, in bytes (`resourceUsage().maxRSS` is in KiB). */
export function peakRssBytes(): number {
  return resourceUsage().maxRSS * 1024;
}
