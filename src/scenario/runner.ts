import type { HongKongLedger } from "../ledger/deploy.js";
import { AddressBook } from "./address-book.js";
import { diffBalances, readBalances, type BalanceChange, type BalanceSheet } from "./balances.js";
import { ScenarioContext, type SentTransaction } from "./context.js";
import { describeError } from "./revert.js";
import type { Scenario, Step, StepExpectation } from "./types.js";

/**
 * How a step ended: `ok`; `expected-failure` (refused as the scenario meant, nothing moved);
 * `failed` (something the scenario did not expect: the run stops there).
 */
export type StepStatus = "ok" | "expected-failure" | "failed";

export interface StepResult {
  readonly index: number;
  readonly title: string;
  readonly expect: StepExpectation;
  readonly status: StepStatus;
  readonly transactions: readonly SentTransaction[];
  readonly notes: readonly string[];
  readonly changes: readonly BalanceChange[];
  /** The decoded reason of a refusal (expected or not), or of a failed check. */
  readonly reason?: string;
}

export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly ledger: HongKongLedger;
  readonly book: AddressBook;
  readonly steps: readonly StepResult[];
  readonly ok: boolean;
  readonly finalBalances: BalanceSheet;
}

/** Called around each step, e.g. to show it to an audience and wait for Enter. */
export interface RunHooks {
  beforeStep?(step: Step, index: number, total: number): Promise<void>;
  afterStep?(result: StepResult, book: AddressBook, total: number): Promise<void>;
}

/**
 * Runs `scenario`'s steps in order on `ledger`, recording per step its transactions (gas, events),
 * the balances it moved, and how it ended. Stops at the first step that fails unexpectedly.
 */
export async function runScenario(scenario: Scenario, ledger: HongKongLedger, hooks: RunHooks = {}): Promise<ScenarioRun> {
  const book = await AddressBook.of(ledger);
  const ctx = new ScenarioContext(ledger, book);
  const steps = scenario.steps(ledger);
  const results: StepResult[] = [];
  let balances = await readBalances(book);

  for (const [index, step] of steps.entries()) {
    await hooks.beforeStep?.(step, index, steps.length);
    const expect = step.expect ?? "success";
    let error: unknown = undefined;
    try {
      await step.action(ctx);
    } catch (e) {
      error = e;
    }
    const after = await readBalances(book);
    const changes = diffBalances(balances, after, book);
    balances = after;
    const { transactions, notes } = ctx.takeStepRecord();
    const result = judge({ index, title: step.title, expect, transactions, notes, changes }, error, book);
    results.push(result);
    await hooks.afterStep?.(result, book, steps.length);
    if (result.status === "failed") break;
  }

  const ok = results.length === steps.length && results.every((r) => r.status !== "failed");
  return { scenario, ledger, book, steps: results, ok, finalBalances: balances };
}

type Outcome = Omit<StepResult, "status" | "reason">;

/** Decides how a step ended from what it expected, whether it threw, and what moved. */
function judge(outcome: Outcome, error: unknown, book: AddressBook): StepResult {
  const moved = outcome.changes.length > 0;
  if (outcome.expect === "revert") {
    if (error === undefined) {
      return { ...outcome, status: "failed", reason: "expected the chain to refuse this step, but it went through" };
    }
    const reason = describeError(error, book);
    if (moved) return { ...outcome, status: "failed", reason: `refused (${reason}) but balances moved` };
    return { ...outcome, status: "expected-failure", reason };
  }
  if (error !== undefined) return { ...outcome, status: "failed", reason: describeError(error, book) };
  if (outcome.expect === "no-balance-change") {
    if (moved) return { ...outcome, status: "failed", reason: "expected no balance to move, but some did" };
    return { ...outcome, status: "expected-failure" };
  }
  return { ...outcome, status: "ok" };
}
