/**
 * Errors for people: a one-line message that says what was wrong and how to fix it. The CLI
 * prints `error: <message>` and exits non-zero; the stack only with `--verbose`.
 */
export class SandboxError extends Error {
  override readonly name: string = "SandboxError";
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad command-line input (exit code 2, as shells expect for usage errors). */
export class UsageError extends SandboxError {
  override readonly name: string = "UsageError";
  override readonly exitCode = 2;
}

export class UnknownScenarioError extends UsageError {
  override readonly name = "UnknownScenarioError";
  constructor(given: string, valid: readonly string[]) {
    super(`unknown scenario "${given}"; choose one of: ${valid.join(", ")}`);
  }
}

export class MissingScenarioError extends UsageError {
  override readonly name = "MissingScenarioError";
  constructor(valid: readonly string[]) {
    super(`name a scenario: npm run scenario -- <name> (one of: ${valid.join(", ")})`);
  }
}

export class UnknownOptionError extends UsageError {
  override readonly name = "UnknownOptionError";
  constructor(option: string, known: readonly string[]) {
    super(`unknown option "${option}"; the options are ${known.join(", ")} (see --help)`);
  }
}

export class MissingOptionValueError extends UsageError {
  override readonly name = "MissingOptionValueError";
  constructor(option: string, example: string) {
    super(`${option} needs a value, e.g. ${option} ${example}`);
  }
}

export class UnknownNetworkError extends UsageError {
  override readonly name = "UnknownNetworkError";
  constructor(given: string, configured: readonly string[]) {
    super(`unknown network "${given}"; configured in hardhat.config.ts: ${configured.join(", ")}`);
  }
}

export class NetworkUnreachableError extends SandboxError {
  override readonly name = "NetworkUnreachableError";
  constructor(network: string, url: string, cause: unknown) {
    super(
      `cannot reach network "${network}" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`,
      { cause },
    );
  }
}

export class MissingConfigurationVariableError extends SandboxError {
  override readonly name = "MissingConfigurationVariableError";
  constructor(network: string, variable: string, cause: unknown) {
    super(
      `network "${network}" needs ${variable}: set it in the environment or with \`npx hardhat keystore set ${variable}\``,
      { cause },
    );
  }
}

export class StepFailedError extends SandboxError {
  override readonly name = "StepFailedError";
  constructor(step: number, title: string, reason: string) {
    super(`step ${step} "${title}" failed: ${reason}`);
  }
}

/** The one line the CLI prints for `error`, with the stack when `verbose`. */
export function renderCliError(error: unknown, verbose: boolean): string {
  if (error instanceof SandboxError && !verbose) return `error: ${error.message}`;
  if (verbose && error instanceof Error) {
    const cause = error.cause instanceof Error ? `\ncaused by: ${error.cause.stack ?? error.cause.message}` : "";
    return `error: ${error.stack ?? error.message}${cause}`;
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return verbose ? `error: ${message}` : `error: ${message} (run with --verbose for details)`;
}

/** Exit code for `error`. */
export function exitCodeOf(error: unknown): number {
  return error instanceof SandboxError ? error.exitCode : 1;
}
