import { isNoBalanceChange } from "../runner/types.js";
import type { StepJson } from "./json.js";

/**
 * One short line for a finished step, for a terminal that follows a presentation:
 * "Step 3 of 13 ✓ <title>"; an expected failure adds how it failed as designed, an unexpected one
 * `problem` (the report's words for why it failed its expectation).
 * @example renderStepLine(step, 13) // "Step 3 of 13 ✓ Harbour Bank buys 200 units at the tender"
 */
export function renderStepLine(step: Pick<StepJson, "index" | "title" | "status" | "expect">, total: number, problem?: string): string {
  const lead = `Step ${step.index + 1} of ${total}`;
  switch (step.status) {
    case "ok":
      return `${lead} ✓ ${step.title}`;
    case "expected-failure":
      return `${lead} ✓ ${step.title} (${isNoBalanceChange(step.expect) ? "recorded on chain as failed, nothing moved" : "refused"}, as designed)`;
    case "failed":
      return `${lead} ✖ ${step.title}: FAILED, ${problem ?? "it did not end as designed"}`;
  }
}

/** The line that closes a presentation's run: every step as designed, or where it stopped (`error`, one line). */
export function renderRunEnd(steps: number, ok: boolean, error?: string): string {
  return ok ? `Finished: all ${steps} steps ended as designed` : `Stopped: ${error ?? "a step did not end as designed"}`;
}
