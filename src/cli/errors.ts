/**
 * Errors for people, in viem's style (`viem/errors/base.ts`): a `shortMessage` that names what was
 * wrong and how to fix it, optional hint lines (`metaMessages`), the `details` of the error that
 * caused it, its `cause`, and `walk()` along the cause chain. The CLI prints `error: <shortMessage>`
 * and exits non-zero; hints, causes and stacks only with `--verbose`.
 */

export interface SandboxErrorOptions {
  /** The error this one explains; shown with `--verbose`. */
  readonly cause?: unknown;
  /** Hint lines shown under the short message with `--verbose`, e.g. a list of what to fund. */
  readonly metaMessages?: readonly string[];
  /** Technical detail; defaults to the cause's details or first line. */
  readonly details?: string;
}

/**
 * The base of every error the CLI shows. `message` is the short message, then the hint lines and
 * the details, as in viem; the CLI never reads it, only `shortMessage`.
 * @example throw new SandboxError('network "remote" needs SANDBOX_MNEMONIC', { metaMessages: ["Fix: set it"] })
 */
export class SandboxError extends Error {
  override name = "SandboxError";
  /** One line: what was wrong and how to fix it. */
  readonly shortMessage: string;
  readonly metaMessages: readonly string[];
  readonly details: string | undefined;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  constructor(shortMessage: string, options: SandboxErrorOptions = {}) {
    const details = options.details ?? detailsOf(options.cause);
    const metaMessages = options.metaMessages ?? [];
    const message = [
      shortMessage,
      ...(metaMessages.length > 0 ? ["", ...metaMessages] : []),
      ...(details === undefined ? [] : ["", `Details: ${details}`]),
    ].join("\n");
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.metaMessages = metaMessages;
    this.details = details;
  }

  /** The last error of the cause chain (this one if it has no cause). */
  walk(): unknown;
  /** The first error of the cause chain, this one included, for which `fn` holds; `null` if none. */
  walk(fn: (error: unknown) => boolean): unknown;
  walk(fn?: (error: unknown) => boolean): unknown {
    return walk(this, fn);
  }
}

/**
 * Walks `error`'s cause chain as viem's `BaseError.walk` does: with `fn`, the first error for which
 * it holds (or `null`); without, the deepest cause. Stops on a cycle.
 */
export function walk(error: unknown, fn?: (error: unknown) => boolean): unknown {
  const seen = new Set<unknown>();
  let current = error;
  for (;;) {
    if (fn?.(current) === true) return current;
    seen.add(current);
    const next = causeOf(current);
    if (next === undefined || seen.has(next)) return fn === undefined ? current : null;
    current = next;
  }
}

/** The `cause` of an error-like object, if it has one. */
function causeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined;
}

/** The first line of any error: `shortMessage` when it has one (viem, ethers, ours), else its message's. */
export function headlineOf(error: unknown): string {
  if (typeof error === "object" && error !== null && "shortMessage" in error && typeof error.shortMessage === "string" && error.shortMessage !== "") {
    return error.shortMessage;
  }
  const text = error instanceof Error ? error.message : textOf(error);
  return text.split("\n")[0]?.trim() || (error instanceof Error ? error.name : "unknown error");
}

/** A thrown value that is not an Error, as text: a string as is, anything else as JSON if it can be. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" || typeof value === "symbol") return value.toString();
  if (value === undefined || typeof value === "function") return typeof value;
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function detailsOf(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof SandboxError) return cause.details ?? cause.shortMessage;
  return headlineOf(cause);
}

/** Bad command-line input (exit code 2, as shells expect for usage errors). */
export class UsageError extends SandboxError {
  override name = "UsageError";
  override readonly exitCode: number = 2;
}

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

export class UnknownNetworkError extends UsageError {
  override name = "UnknownNetworkError";
  constructor(given: string, configured: readonly string[]) {
    super(`unknown network "${given}"; configured in hardhat.config.ts: ${configured.join(", ")}`);
  }
}

export class NetworkUnreachableError extends SandboxError {
  override name = "NetworkUnreachableError";
  constructor(network: string, url: string, cause: unknown) {
    super(`cannot reach network "${network}" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`, { cause });
  }
}

export class MissingConfigurationVariableError extends SandboxError {
  override name = "MissingConfigurationVariableError";
  constructor(network: string, variable: string, cause: unknown) {
    super(`network "${network}" needs ${variable}: set it in the environment or with \`npx hardhat keystore set ${variable}\``, { cause });
  }
}

/**
 * A configuration variable that is set but unusable. Its value is never shown: it may be a secret
 * (a mnemonic, an RPC URL with an API key).
 */
export class InvalidConfigurationVariableError extends SandboxError {
  override name = "InvalidConfigurationVariableError";
  /**
   * @param problem what is wrong with the value, e.g. "is not an http(s) URL"
   * @param fix what to set instead, e.g. "set it to e.g. http://127.0.0.1:8545 or unset it"
   */
  constructor(network: string, variable: string, problem: string, fix: string, cause?: unknown) {
    super(`${variable} (network "${network}") ${problem}; ${fix}`, { cause });
  }
}

/** The node answers with another chain id than hardhat.config.ts names for the network. */
export class WrongChainIdError extends SandboxError {
  override name = "WrongChainIdError";
  constructor(network: string, url: string, expected: number, actual: number, urlVariable: string | undefined) {
    const where = urlVariable === undefined ? `the network's url in hardhat.config.ts` : urlVariable;
    super(
      `network "${network}" expects chain id ${expected} (hardhat.config.ts), but the node at ${url} is chain ${actual}; point ${where} at a node with chain id ${expected}`,
    );
  }
}

/** Both networks of a two-chain scenario are one chain (e.g. two names for one node). */
export class SameChainError extends SandboxError {
  override name = "SameChainError";
  constructor(first: string, second: string, chainId: number) {
    super(
      `networks "${first}" and "${second}" are both chain ${chainId}, but a two-chain scenario needs two separate ledgers; point "${second}" at another node, e.g. \`npx hardhat node --port 8546 --chain-id 31338\``,
    );
  }
}

/** The node has fewer accounts than the ledger has institutions. */
export class TooFewAccountsError extends SandboxError {
  override name = "TooFewAccountsError";
  constructor(network: string, has: number, needs: number, missing: readonly string[]) {
    super(
      `network "${network}" has ${has} accounts, but the ledger needs ${needs}, one per institution; start the node with more, e.g. \`anvil --accounts 20\` (\`npx hardhat node\` has 20)`,
      { metaMessages: [`Without an account: ${missing.join(", ")}.`] },
    );
  }
}

/** An institution's account that holds no ether for gas. */
export interface UnfundedAccount {
  readonly name: string;
  readonly address: string;
}

/** Accounts of the ledger's institutions that cannot pay for gas, found before deploying. */
export class UnfundedAccountsError extends SandboxError {
  override name = "UnfundedAccountsError";
  constructor(network: string, unfunded: readonly [UnfundedAccount, ...UnfundedAccount[]], of: number) {
    const [first, ...rest] = unfunded;
    const others = rest.length === 0 ? "" : ` (nor do ${rest.length} more of the ledger's ${of} accounts; --verbose lists them)`;
    super(
      `${first.name}'s account ${first.address} on network "${network}" holds no ETH to pay for gas${others}; fund each institution's account, or use a node or mnemonic whose accounts are funded`,
      { metaMessages: unfunded.map((a) => `Fund: ${a.name} ${a.address}`) },
    );
  }
}

/** Where a run was when its node stopped answering. */
export type RunPhase =
  | { readonly kind: "deploying" }
  | { readonly kind: "step"; readonly step: number }
  | { readonly kind: "reporting" };

function phaseText(phase: RunPhase): string {
  switch (phase.kind) {
    case "deploying":
      return "while deploying the ledger";
    case "step":
      return `during step ${phase.step}`;
    case "reporting":
      return "after the last step, reading the final balances";
  }
}

/** The node stopped answering in the middle of a run, however the transport reported it. */
export class ConnectionLostError extends SandboxError {
  override name = "ConnectionLostError";
  constructor(network: string, url: string, phase: RunPhase, cause: unknown) {
    super(
      `lost the connection to network "${network}" at ${url} ${phaseText(phase)}; the node stopped answering: restart it (e.g. \`npx hardhat node\`) and run the scenario again`,
      { cause },
    );
  }
}

export class StepFailedError extends SandboxError {
  override name = "StepFailedError";
  constructor(step: number, title: string, reason: string) {
    super(`step ${step} "${title}" failed: ${reason}`);
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
