import { createInterface } from "node:readline";

import type { RunHooks } from "../runner/run.js";
import type { RunPhase } from "./errors.js";

/** Presenter pacing for `--step`. */
export interface StepPacer {
  /** Resolves on the next line of input; at once when input has ended (or was closed). */
  waitForEnter(): Promise<void>;
  /** The next line of input (without its line break); `undefined` at once when input has ended (or was closed). */
  nextLine(): Promise<string | undefined>;
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
    async nextLine() {
      const line = await lines.next();
      return line.done === true ? undefined : line.value;
    },
    close() {
      rl.close();
    },
  };
}

/** Whether a presenter's line asks for the last step's events: "e" or "v" (any case, spaces around allowed). */
export function asksForEvents(line: string): boolean {
  return /^\s*[ev]\s*$/i.test(line);
}

/**
 * Waits for the presenter to go on: returns on an empty line (Enter), any other line, or the end of
 * input; on "e" or "v" calls `showEvents` (if there is something to show) and waits again.
 * @example await waitToGoOn(pacer, () => say(renderStepEvents(last, directory, total, style)));
 */
export async function waitToGoOn(pacer: StepPacer, showEvents?: () => void): Promise<void> {
  for (;;) {
    const line = await pacer.nextLine();
    if (line === undefined || showEvents === undefined || !asksForEvents(line)) return;
    showEvents();
  }
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
