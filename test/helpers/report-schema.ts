import { readFileSync } from "node:fs";

import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

import type { ScenarioReportJson } from "../../src/report/json.js";

const schema: unknown = JSON.parse(readFileSync(new URL("../../src/report/scenario-report.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile<ScenarioReportJson>(schema as object);

/** The schema's complaints about `document` (empty when it validates), one line each with the JSON pointer. */
export function schemaErrors(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "invalid"} ${JSON.stringify(e.params)}`);
}

/** Whether `document` is a valid report (a type guard: a document that passes is a `ScenarioReportJson`). */
export function isValidReport(document: unknown): document is ScenarioReportJson {
  return validate(document);
}
