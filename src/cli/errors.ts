import { causeOf, headlineOf, SandboxError, textOf, UsageError } from "../errors/base.js";

export { SandboxError, StepFailedError, UsageError, walk, headlineOf, type SandboxErrorOptions } from "../errors/base.js";
export * from "../chain/errors.js";

/** The command line's own errors, and how the CLI prints any error. */

export class UnknownScenarioError extends UsageError {
  override name = "UnknownScenarioError";
  constructor(given: string, valid: readonly string[]) {
    super(`unknown scenario "${given}"; choose one of: ${valid.join(", ")}`);
  }
}

export class MissingScenarioError extends UsageError {
  override name = "MissingScenarioError";
  constructor(valid: readonly string[]) {
    super(`name a scenario: npm run scenario -- <name> (one of: ${valid.join(", ")})`);
  }
}

export class UnknownOptionError extends UsageError {
  override name = "UnknownOptionError";
  constructor(option: string, known: readonly string[]) {
    super(`unknown option "${option}"; the options are ${known.join(", ")} (see --help)`);
  }
}

export class MissingOptionValueError extends UsageError {
  override name = "MissingOptionValueError";
  constructor(option: string, example: string) {
    super(`${option} needs a value, e.g. ${option} ${example}`);
  }
}



/** Anything else (a TypeError, a library's error): its first line, and where to see the rest. */
export class UnexpectedError extends SandboxError {
  override name = "UnexpectedError";
  constructor(cause: unknown) {
    super(`${headlineOf(cause)} (run with --verbose for details)`, { cause });
  }
}

/** `error` as a sandbox error: itself, or wrapped in an `UnexpectedError`. */
export function toSandboxError(error: unknown): SandboxError {
  return error instanceof SandboxError ? error : new UnexpectedError(error);
}

/** The frames of an error's stack (its `    at …` lines), without the message it starts with. */
function framesOf(error: Error): string[] {
  return (error.stack ?? "").split("\n").filter((line) => /^\s+at\s/.test(line));
}

/**
 * What the CLI prints for `error`: always `error: <shortMessage>` first. Without `verbose` that is
 * all; with it, the hint lines, then the error and each cause with its stack.
 */
export function renderCliError(error: unknown, verbose: boolean): string {
  const shown = toSandboxError(error);
  const first = `error: ${verbose && shown instanceof UnexpectedError ? headlineOf(error) : shown.shortMessage}`;
  if (!verbose) return first;
  const lines = [first, ...shown.metaMessages.map((m) => `  ${m}`)];
  const seen = new Set<unknown>();
  let current: unknown = shown instanceof UnexpectedError ? error : shown;
  let label = "";
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      const headline = current instanceof SandboxError ? current.shortMessage : current.message;
      lines.push(`${label}${current.name}: ${headline}`, ...framesOf(current));
    } else if (label !== "") {
      lines.push(`${label}${textOf(current)}`); // a thrown non-Error at the top is the first line already
    }
    label = "caused by: ";
    current = causeOf(current);
  }
  return lines.join("\n");
}

/** Exit code for `error`. */
export function exitCodeOf(error: unknown): number {
  return error instanceof SandboxError ? error.exitCode : 1;
}
