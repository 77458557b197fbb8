import { expect } from "chai";

import type { ErrorFact, EventFact, MinedTransactionFact, RevertedTransactionFact, TransactionFact } from "../../src/chain/facts.js";
import { toScenarioJson, type ScenarioReportJson } from "../../src/report/json.js";
import { stepById, type ScenarioRun } from "../../src/runner/run.js";
import type { NoteValue, Observation, Scenario, StepResult } from "../../src/runner/types.js";
import { DEPOSITS, PARTICIPANTS, WCBDC_SPEC } from "../../src/domain/hong-kong.js";
import { isValidReport, schemaErrors } from "./report-schema.js";

/** Reading a step's facts in tests: its refusal, attempts, transactions, events and observations. */

/** The decoded refusal a step failed with; throws (failing the test) if it was no refusal. */
export function refusalOf(step: StepResult): ErrorFact {
  if (step.failure?.kind !== "refusal") throw new Error(`step ${step.id}: expected a refusal, got ${JSON.stringify(step.failure)}`);
  return step.failure.error;
}

/** The step's refused attempts. */
export function attemptsOf(step: StepResult): RevertedTransactionFact[] {
  return step.transactions.filter((t): t is RevertedTransactionFact => t.status === "reverted");
}

/** The step's mined transactions. */
export function minedIn(step: StepResult): MinedTransactionFact[] {
  return step.transactions.filter((t): t is MinedTransactionFact => t.status === "success");
}

/** A transaction as these tests compare it: how it ended, who called which function of which contract, and the decoded error of a refusal. */
export interface CallSummary {
  readonly status: TransactionFact["status"];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly function: string | undefined;
  readonly error: ErrorFact | undefined;
}

export function callOf(tx: TransactionFact): CallSummary {
  return { status: tx.status, from: tx.from.name, to: tx.to.name, function: tx.function, error: tx.status === "reverted" ? tx.error : undefined };
}

/** A transaction's events (none for a refused attempt). */
export function eventsOf(tx: TransactionFact): readonly EventFact[] {
  return tx.status === "success" ? tx.events : [];
}

/** The step's observations of one kind. */
export function observed<K extends Observation["kind"]>(step: StepResult, kind: K): Extract<Observation, { kind: K }>[] {
  return step.observations.filter((o): o is Extract<Observation, { kind: K }> => o.kind === kind);
}

/** The typed values of the notes a step made, in order (their words are the report's business). */
export function noteValues(step: StepResult): Readonly<Record<string, NoteValue>>[] {
  return observed(step, "note").map((o) => o.values);
}

/** An HKD amount as a note value. */
export const hkd = (amount: bigint): NoteValue => ({ type: "money", amount, currency: "HKD", decimals: 2 });

/** `document` as the report type, once the JSON Schema (the type's published contract) accepts it. */
export function validReport(document: unknown): ScenarioReportJson {
  expect(schemaErrors(document)).to.deep.equal([]);
  if (!isValidReport(document)) throw new Error("unreachable: the schema accepted the document");
  return document;
}

/** The run's JSON report, as a consumer would parse it, checked against the schema. */
export function reportOf(run: ScenarioRun): ScenarioReportJson {
  return validReport(JSON.parse(JSON.stringify(toScenarioJson(run))));
}

/** What a refused step's attempt must have been, as the report records it. */
export interface RefusedCall {
  readonly chain: string;
  readonly via: RevertedTransactionFact["via"];
  readonly function: string;
}

/**
 * The report keeps each refused step's attempt (no longer `txs: []`): the steps refused are exactly
 * `calls`' ids, in order; each has one reverted attempt, on that chain, by that route, to that
 * function, whose error and revert data are the step's refusal (the same as the run's facts); and
 * none moved a balance.
 */
export function expectRefusalsRecorded(document: ScenarioReportJson, run: ScenarioRun, calls: Readonly<Record<string, RefusedCall>>): void {
  const refused = document.steps.filter((s) => s.status === "expected-failure" && s.failure?.kind === "refusal");
  expect(refused.map((s) => s.id)).to.deep.equal(Object.keys(calls));
  for (const s of refused) {
    if (s.failure?.kind !== "refusal") throw new Error(`unreachable: ${s.id} was filtered as a refusal`);
    const attempts = s.transactions.flatMap((t) => (t.status === "reverted" ? [t] : []));
    expect(attempts, s.id).to.have.length(1);
    const [attempt] = attempts;
    expect({ chain: attempt.chain, via: attempt.via, function: attempt.function }, s.id).to.deep.equal(calls[s.id]);
    expect([attempt.error, attempt.revertData], s.id).to.deep.equal([s.failure.error, s.failure.revertData]);
    expect(attempt.error, s.id).to.deep.equal(refusalOf(stepById(run, s.id)));
    expect(s.balanceChanges, s.id).to.deep.equal([]);
  }
}

/**
 * A one-chain Hong Kong report: version 1, the scenario named, one chain "hk" listing each of the
 * nine participants once and the five tokens (wHKD, the three deposit tokens, the bond `bondSymbol`).
 */
export function expectHongKongReport(document: ScenarioReportJson, scenario: Pick<Scenario, "name" | "description">, bondSymbol: string): void {
  expect(document.schemaVersion).to.equal(1);
  expect(document.scenario).to.deep.equal({ name: scenario.name, description: scenario.description, chainCount: 1 });
  expect(document.chains.map((c) => c.key)).to.deep.equal(["hk"]);
  const [hk] = document.chains;
  expect([...hk.participants.map((p) => p.name)].sort()).to.deep.equal(PARTICIPANTS.map((p) => p.name).sort());
  expect(hk.tokens.map((t) => ({ symbol: t.symbol, kind: t.kind }))).to.deep.equal([
    { symbol: WCBDC_SPEC.symbol, kind: "wCBDC" },
    ...DEPOSITS.map((d) => ({ symbol: d.symbol, kind: "tokenizedDeposit" })),
    { symbol: bondSymbol, kind: "governmentBond" },
  ]);
}
