import type { ErrorFact, EventFact } from "../chain/facts.js";
import { FAILURE_REASON, REASON_CODE, type ReasonCode } from "../domain/trade.js";
import { isNoBalanceChange, isRefusal, type ExpectedRefusal, type StepFailure, type StepOutcome, type StepResult } from "./types.js";

/** The reason code of an event's `reason` argument (a `FailureReason` number), if it has one. */
export function eventReason(event: EventFact): ReasonCode | undefined {
  const raw = event.args.reason;
  if (typeof raw !== "string") return undefined;
  const name = FAILURE_REASON[Number(raw)];
  if (name === undefined) return undefined;
  const code = REASON_CODE[name];
  return code === "" ? undefined : code;
}

/** Whether refusal `got` is the one `expect` names (its reason and token error too, when named). */
export function matchesRefusal(expect: ExpectedRefusal, got: ErrorFact): boolean {
  return (
    got.name === expect.revert &&
    (expect.reason === undefined || got.reason === expect.reason) &&
    (expect.tokenError === undefined || got.tokenError?.name === expect.tokenError)
  );
}

/**
 * Decides how a step ended from what it expected, how it failed (if it did) and what moved. Pure:
 * it needs no chain, so every verdict is unit-tested on its own. The verdict is data: a status,
 * and for a failed step the problem; the report words both.
 */
export function judge(outcome: StepOutcome, failure: StepFailure | undefined): StepResult {
  const moved = outcome.changes.length > 0;
  const expect = outcome.expect;
  const withFailure = failure === undefined ? outcome : { ...outcome, failure };
  if (isRefusal(expect)) {
    if (failure === undefined) return { ...outcome, status: "failed", problem: { kind: "notRefused" } };
    if (failure.kind !== "refusal") return { ...withFailure, status: "failed", problem: { kind: "notARefusal" } };
    if (!matchesRefusal(expect, failure.error)) return { ...withFailure, status: "failed", problem: { kind: "otherRefusal" } };
    if (moved) return { ...withFailure, status: "failed", problem: { kind: "movedDespiteRefusal" } };
    return { ...withFailure, status: "expected-failure" };
  }
  if (failure !== undefined) return { ...withFailure, status: "failed", problem: { kind: "failed" } };
  if (isNoBalanceChange(expect)) {
    if (moved) return { ...outcome, status: "failed", problem: { kind: "balancesMoved" } };
    const events = outcome.transactions.flatMap((t) => (t.status === "success" ? t.events : []));
    const hit = events.some((e) => e.name === expect.noBalanceChange && (expect.reason === undefined || eventReason(e) === expect.reason));
    if (!hit) return { ...outcome, status: "failed", problem: { kind: "eventMissing", seen: [...new Set(events.map((e) => e.name))] } };
    return { ...outcome, status: "expected-failure" };
  }
  return { ...outcome, status: "ok" };
}
