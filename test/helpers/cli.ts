import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** How the npm scripts start a TypeScript script: `node --import tsx` (tsx's loader, in this process, no second one). */
export const TSX_NODE_ARGS: readonly string[] = ["--import", "tsx"];
/** A line of a stack trace, which the CLI must print only with --verbose. */
export const STACK_LINE = /^\s+at\s/m;

/**
 * This process's environment for a child process, with `extra` added, but without the tsx loader
 * that hardhat-mocha puts in NODE_OPTIONS for mocha's parallel workers: a child starts as `npm run`
 * starts it (`node --import tsx` once, from its own arguments, or no loader at all).
 */
export function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  const options = env.NODE_OPTIONS?.replace(/--import[=\s]+"?[^"\s]*\/tsx\/[^"\s]*"?/g, "").trim();
  if (options === undefined || options === "") delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = options;
  return env;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's standard input, which is then closed (closed at once when absent). */
  readonly input?: string;
  /** Drives standard input itself (e.g. one line per prompt): called on every chunk of stdout. */
  readonly onStdout?: (stdoutSoFar: string, stdin: NodeJS.WritableStream) => void;
  readonly timeoutMs?: number;
}

/** Runs `scripts/<script>` with `args` under `node --import tsx`, as `npm run` does, and collects what it printed. */
export function runScript(script: string, args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_NODE_ARGS, path.join("scripts", script), ...args], {
      cwd: ROOT,
      env: childEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`${script} ${args.join(" ")} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child.stdin);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on("error", () => undefined); // the child may exit before reading its input
    if (options.onStdout === undefined) child.stdin.end(options.input ?? "");
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `scripts/scenario.ts` with `args`, as `npm run scenario -- …` runs it. */
export const scenarioCli = (args: readonly string[], options?: CliOptions): Promise<CliRun> => runScript("scenario.ts", args, options);

/**
 * `scenarioCommand(args)` called in this process, its output collected as a child's would be (one
 * `\n`-ended line per write; `code` its return value, which scripts/scenario.ts makes the exit code).
 * For the cases decided before any network is used (bad arguments, unknown names): what the user
 * sees is this function's, and a child process would add only its start-up. The tests that must see
 * a process (exit code, environment, streams, signals) use `scenarioCli`.
 */
export async function scenarioInProcess(args: readonly string[]): Promise<CliRun> {
  const { scenarioCommand } = await import("../../src/cli/scenario-command.js");
  let stdout = "";
  let stderr = "";
  const code = await scenarioCommand(args, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
  });
  return { code, stdout, stderr };
}
