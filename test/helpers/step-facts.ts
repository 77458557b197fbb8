import { expect } from "chai";

import type { ErrorFact, EventFact, MinedTransactionFact, RevertedTransactionFact, TransactionFact } from "../../src/chain/facts.js";
import type { ScenarioReportJson } from "../../src/report/json.js";
import type { NoteValue, Observation, StepResult } from "../../src/runner/types.js";
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
