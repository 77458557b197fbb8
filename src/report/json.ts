import type { ScenarioRun } from "../runner/run.js";
import type { StepExpectation } from "../runner/types.js";

/** The `--json` document: one object, every amount as a string of minor units. */
export interface ScenarioJson {
  readonly scenario: string;
  readonly description: string;
  readonly network: string;
  readonly chainId: number;
  readonly ok: boolean;
  readonly steps: readonly {
    readonly title: string;
    /** What the step was meant to do: "success", or the refusal or event it had to produce. */
    readonly expect: StepExpectation;
    readonly status: string;
    readonly reason?: string;
    readonly txs: readonly { readonly label: string; readonly hash: string; readonly gasUsed: number; readonly events: readonly string[] }[];
    readonly notes: readonly string[];
    readonly balanceChanges: readonly { readonly holder: string; readonly token: string; readonly before: string; readonly after: string }[];
  }[];
  /** Final balances: holder name → token symbol → amount in the token's smallest unit (non-zero only). */
  readonly balances: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Builds the `--json` document of a run. */
export function toScenarioJson(run: ScenarioRun, networkName: string): ScenarioJson {
  const balances: Record<string, Record<string, string>> = {};
  for (const holder of run.book.holders) {
    for (const token of run.book.tokens) {
      const amount = run.finalBalances[token.key]?.[holder.address] ?? 0n;
      if (amount === 0n) continue;
      (balances[holder.label] ??= {})[token.symbol] = amount.toString();
    }
  }
  return {
    scenario: run.scenario.name,
    description: run.scenario.description,
    network: networkName,
    chainId: Number(run.ledger.chainId),
    ok: run.ok,
    steps: run.steps.map((s) => ({
      title: s.title,
      expect: s.expect,
      status: s.status,
      ...(s.reason === undefined ? {} : { reason: s.reason }),
      txs: s.transactions.map((t) => ({ label: t.label, hash: t.hash, gasUsed: Number(t.gasUsed), events: t.events })),
      notes: s.notes,
      balanceChanges: s.changes.map((c) => ({
        holder: run.book.label(c.holder),
        token: c.token.symbol,
        before: c.before.toString(),
        after: c.after.toString(),
      })),
    })),
    balances,
  };
}
