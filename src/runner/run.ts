import type { HongKongLedger } from "../chain/deploy.js";
import { AddressBook } from "../chain/address-book.js";
import { diffBalances, readBalances, type BalanceChange, type BalanceSheet } from "./balances.js";
import { ScenarioContext, type SentTransaction } from "./context.js";
import { decodeRefusal, describeError, type Refusal } from "../chain/revert.js";
import { isNoBalanceChange, isRefusal, type Scenario, type Step, type StepExpectation } from "./types.js";
import { FAILURE_REASON, REASON_CODE } from "../domain/trade.js";

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
    const failure = error === undefined ? undefined : { text: describeError(error, book), refusal: decodeRefusal(error, book) };
    const result = judge({ index, title: step.title, expect, transactions, notes, changes }, failure);
    results.push(result);
    await hooks.afterStep?.(result, book, steps.length);
    if (result.status === "failed") break;
  }

  const ok = results.length === steps.length && results.every((r) => r.status !== "failed");
  return { scenario, ledger, book, steps: results, ok, finalBalances: balances };
}

/** What a step did, before it is judged. */
export type StepOutcome = Omit<StepResult, "status" | "reason">;

/** How a step's action failed: the error in words, and the chain's refusal as data when it was one. */
export interface StepFailure {
  readonly text: string;
  readonly refusal?: Refusal;
}

/** `Name` or `Name (reason CODE, token error Err)`, for an expectation or a refusal. */
function refusalName(r: { readonly revert?: string; readonly error?: string; readonly reason?: string; readonly tokenError?: string }): string {
  const parts = [r.reason === undefined ? "" : `reason ${r.reason}`, r.tokenError === undefined ? "" : `token error ${r.tokenError}`].filter((p) => p !== "");
  return `${r.revert ?? r.error ?? "?"}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`;
}

/** The reason code of a decoded event's `reason` argument (a `FailureReason` number), if it has one. */
function eventReason(args: Readonly<Record<string, string>>): string | undefined {
  const raw = args.reason;
  if (raw === undefined) return undefined;
  const name = FAILURE_REASON[Number(raw)];
  return name === undefined ? undefined : REASON_CODE[name];
}

/**
 * Decides how a step ended from what it expected, how it failed (if it did) and what moved. Pure:
 * it needs no chain, so every verdict is unit-tested on its own.
 */
export function judge(outcome: StepOutcome, failure: StepFailure | undefined): StepResult {
  const moved = outcome.changes.length > 0;
  const expect = outcome.expect;
  if (isRefusal(expect)) {
    const wanted = refusalName(expect);
    if (failure === undefined) {
      return { ...outcome, status: "failed", reason: `expected the chain to refuse this step with ${wanted}, but it went through` };
    }
    const got = failure.refusal;
    if (got === undefined) {
      return { ...outcome, status: "failed", reason: `expected the chain to refuse this step with ${wanted}, but the step failed with: ${failure.text}` };
    }
    const same =
      got.error === expect.revert &&
      (expect.reason === undefined || got.reason === expect.reason) &&
      (expect.tokenError === undefined || got.tokenError === expect.tokenError);
    if (!same) {
      return { ...outcome, status: "failed", reason: `expected a refusal with ${wanted}, but it was refused with ${refusalName(got)}: ${failure.text}` };
    }
    if (moved) return { ...outcome, status: "failed", reason: `refused (${failure.text}) but balances moved` };
    return { ...outcome, status: "expected-failure", reason: failure.text };
  }
  if (failure !== undefined) return { ...outcome, status: "failed", reason: failure.text };
  if (isNoBalanceChange(expect)) {
    if (moved) return { ...outcome, status: "failed", reason: "expected no balance to move, but some did" };
    const events = outcome.transactions.flatMap((t) => t.decoded);
    const hit = events.some((e) => e.name === expect.noBalanceChange && (expect.reason === undefined || eventReason(e.args) === expect.reason));
    if (!hit) {
      const seen = [...new Set(events.map((e) => e.name))].join(", ") || "none";
      const wanted = `${expect.noBalanceChange}${expect.reason === undefined ? "" : ` with reason ${expect.reason}`}`;
      return { ...outcome, status: "failed", reason: `expected event ${wanted}, but the step emitted ${seen}` };
    }
    return { ...outcome, status: "expected-failure" };
  }
  return { ...outcome, status: "ok" };
}
