import { renderRunEnd, renderStepLine } from "../report/step-line.js";
import type { PresentSession } from "./session.js";

/**
 * Prints a presentation's progress to the terminal that started it, so the terminal follows the
 * page: one line per finished step on `out`, one when a run finishes, one when a Restart deploys
 * afresh, and the error that stopped a run on `err`. Returns the function that stops it.
 * @example const stop = followInTerminal(session, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
 */
export function followInTerminal(session: PresentSession, out: (line: string) => void, err: (line: string) => void): () => void {
  let runId = session.current.runId;
  let printed = session.current.steps.length;
  let ended = false;
  return session.subscribe((state) => {
    if (state.runId !== runId) {
      runId = state.runId;
      printed = 0;
      ended = false;
      out("Restarted: every chain is back at its opening state; the ledger is deployed afresh");
    }
    for (; printed < state.steps.length; printed++) {
      const { step, words } = state.steps[printed];
      out(renderStepLine(step, state.total, words.problem));
    }
    if (ended) return;
    if (state.phase === "finished") {
      ended = true;
      out(renderRunEnd(state.steps.length, state.ok, state.error));
    } else if (state.phase === "error") {
      ended = true;
      err(`error: ${state.error ?? "the presentation stopped"}`);
    }
  });
}
