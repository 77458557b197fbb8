import type { HongKongLedger } from "../chain/deploy.js";
import { decodeError, revertDataOf } from "../chain/decode.js";
import { Directory } from "../chain/directory.js";
import { diffBalances, readBalances, type BalanceSheet } from "./balances.js";
import { ScenarioCheckError, ScenarioContext } from "./context.js";
import { judge } from "./judge.js";
import type { Scenario, Step, StepFailure, StepResult } from "./types.js";

export { judge } from "./judge.js";
export type { StepResult, StepStatus, StepOutcome, StepFailure, StepProblem } from "./types.js";

/** A finished run: the scenario, its ledger and directory, each step's facts and verdict, and the final balances. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly ledger: HongKongLedger;
  readonly directory: Directory;
  readonly steps: readonly StepResult[];
  readonly ok: boolean;
  readonly finalBalances: BalanceSheet;
}

/** Called around each step, e.g. to show it to an audience and wait for Enter. */
export interface RunHooks {
  beforeStep?(step: Step, index: number, total: number): Promise<void>;
  afterStep?(result: StepResult, directory: Directory, total: number): Promise<void>;
}

/** How `error`, thrown by a step's action, failed the step, as data. */
export function failureOf(error: unknown, directory: Directory): StepFailure {
  if (error instanceof ScenarioCheckError) return { kind: "check", message: error.message };
  const data = revertDataOf(error);
  if (data !== undefined) {
    const decoded = decodeError(data, directory);
    return decoded === undefined ? { kind: "revert", revertData: data } : { kind: "refusal", error: decoded, revertData: data };
  }
  if (error instanceof Error) return { kind: "error", name: error.name, message: error.message };
  return { kind: "error", name: typeof error, message: String(error) };
}

/**
 * Runs `scenario`'s steps in order on `ledger`, recording per step its transactions (decoded
 * calls, events and refusals), observations and the balances it moved, and judging how it ended.
 * Stops at the first step that fails unexpectedly.
 */
export async function runScenario(scenario: Scenario, ledger: HongKongLedger, hooks: RunHooks = {}): Promise<ScenarioRun> {
  const directory = await Directory.read(ledger.chains);
  const ctx = new ScenarioContext(ledger, directory);
  const steps = scenario.steps(ledger);
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`scenario ${scenario.name} has two steps with id "${step.id}"`);
    ids.add(step.id);
  }
  const results: StepResult[] = [];
  let balances = await readBalances(directory);

  for (const [index, step] of steps.entries()) {
    await hooks.beforeStep?.(step, index, steps.length);
    const expect = step.expect ?? "success";
    let error: unknown = undefined;
    try {
      await step.action(ctx);
    } catch (e) {
      error = e;
    }
    const after = await readBalances(directory);
    const changes = diffBalances(balances, after, directory);
    balances = after;
    const { transactions, observations } = ctx.takeStepRecord();
    const failure = error === undefined ? undefined : failureOf(error, directory);
    const outcome = {
      id: step.id,
      index,
      title: step.title,
      ...(step.detail === undefined ? {} : { detail: step.detail }),
      expect,
      transactions,
      observations,
      changes,
    };
    const result = judge(outcome, failure);
    results.push(result);
    await hooks.afterStep?.(result, directory, steps.length);
    if (result.status === "failed") break;
  }

  const ok = results.length === steps.length && results.every((r) => r.status !== "failed");
  return { scenario, ledger, directory, steps: results, ok, finalBalances: balances };
}

/** The step with id `id` of a run; throws if there is none (tests find steps by id, not by index). */
export function stepById(run: Pick<ScenarioRun, "steps" | "scenario">, id: string): StepResult {
  const step = run.steps.find((s) => s.id === id);
  if (step === undefined) throw new Error(`scenario ${run.scenario.name} ran no step "${id}" (ran: ${run.steps.map((s) => s.id).join(", ")})`);
  return step;
}
