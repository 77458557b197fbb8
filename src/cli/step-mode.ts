import { createInterface } from "node:readline";

import type { RunHooks } from "../runner/run.js";
import type { RunPhase } from "./errors.js";

/** Presenter pacing for `--step`. */
export interface StepPacer {
  /** Resolves on the next line of input; at once when input has ended (or was closed). */
  waitForEnter(): Promise<void>;
  /** Stops reading input; any later `waitForEnter()` resolves at once. */
  close(): void;
}

/**
 * Presenter pacing: `waitForEnter()` resolves on the next line of standard input. When input is
 * piped, each line advances one step (lines that come early wait their turn, in readline's async
 * iterator); once input ends (or if there is none), it never waits, so a run without a terminal
 * cannot hang.
 * @example const pacer = createStepPacer(); await pacer.waitForEnter(); pacer.close();
 */
export function createStepPacer(input: NodeJS.ReadableStream = process.stdin): StepPacer {
  const rl = createInterface({ input, terminal: false });
  // Made now, so that it buffers the lines that arrive before the first wait.
  const lines = rl[Symbol.asyncIterator]();
  return {
    async waitForEnter() {
      await lines.next();
    },
    close() {
      rl.close();
    },
  };
}

/** Where a run is, for an error that must say when it happened ("during step 3"). */
export interface RunProgress {
  phase: RunPhase;
}

/**
 * `hooks`, with `progress` kept up to date: step k (1-based) from just before it runs, then
 * "reporting" once the last step is done.
 * @example await runScenario(scenario, ledger, trackSteps(hooks, progress));
 */
export function trackSteps(hooks: RunHooks, progress: RunProgress): RunHooks {
  return {
    async beforeStep(step, index, total) {
      progress.phase = { kind: "step", step: index + 1 };
      await hooks.beforeStep?.(step, index, total);
    },
    async afterStep(result, directory, total) {
      await hooks.afterStep?.(result, directory, total);
      if (progress.phase.kind === "step" && progress.phase.step === total) progress.phase = { kind: "reporting" };
    },
  };
}
