/**
 * The base of every error the sandbox shows people, in viem's style (`viem/errors/base.ts`): a `shortMessage` that names what was
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
export function causeOf(error: unknown): unknown {
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
export function textOf(value: unknown): string {
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

/** A scenario step did not end as designed: its number, title and why. */
export class StepFailedError extends SandboxError {
  override name = "StepFailedError";
  constructor(step: number, title: string, reason: string) {
    super(`step ${step} "${title}" failed: ${reason}`);
  }
}
