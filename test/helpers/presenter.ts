import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { get } from "node:http";
import path from "node:path";

import type { PresentState } from "../../src/present/state.js";
import { childEnv, ROOT, TSX_NODE_ARGS } from "./cli.js";

/**
 * A running `npm run present -- …` (its child process): the page's URL, its state on request or as
 * it changes, what it printed, and its terminal (standard input, a pipe) to type into.
 */
export interface Presenter {
  readonly url: string;
  /** Everything it printed on stdout so far. */
  readonly stdout: string;
  /** Everything it printed on stderr so far. */
  readonly stderr: string;
  state(): Promise<PresentState>;
  /** The first state, from now on (`GET /api/events`, as the page follows it), for which `done` holds. */
  waitForState(done: (state: PresentState) => boolean): Promise<PresentState>;
  /** Resolves once stdout matches `pattern` (at once if it does already). */
  waitForOutput(pattern: RegExp): Promise<string>;
  /** Types `line` and Enter in its terminal. */
  type(line: string): void;
  /** Closes its terminal input, as `< /dev/null` or Ctrl-D do. */
  endInput(): void;
  /** Resolves with its exit code once it has exited and its output is read (rejects if a signal killed it). */
  exited(): Promise<number>;
  /** Stops it with SIGTERM (as Ctrl-C does) and waits until it has exited. */
  stop(): Promise<void>;
}

export interface PresenterOptions {
  /** Added to its environment, e.g. `SANDBOX_LOCALHOST_URL` to point `localhost` at a node of the test's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Reads `GET /api/events` (server-sent events) until a state satisfies `done`. */
function waitForEvent(url: string, done: (state: PresentState) => boolean): Promise<PresentState> {
  return new Promise((resolve, reject) => {
    const request = get(new URL("api/events", url), (response) => {
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith("data: ")) continue;
          const state = JSON.parse(event.slice("data: ".length)) as PresentState;
          if (done(state)) {
            request.destroy();
            resolve(state);
            return;
          }
        }
      });
      response.once("end", () => reject(new Error("the presenter closed its event stream before the state was reached")));
    });
    request.once("error", (error) => reject(error));
  });
}

/**
 * Starts `scripts/present.ts` with `args` under `node --import tsx`, as `npm run present` does, its standard input a
 * pipe (nothing typed until `type`), and waits for the URL it prints.
 */
export function startPresenter(args: readonly string[], options: PresenterOptions = {}): Promise<Presenter> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...TSX_NODE_ARGS, path.join("scripts", "present.ts"), ...args], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const outputWaiters = new Set<() => void>();
  const exit = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    // "close", not "exit": by then everything it printed has been read.
    child.once("close", (code, signal) => {
      if (code !== null) resolve(code);
      else reject(new Error(`present ${args.join(" ")} was killed by ${signal ?? "a signal"}\nstderr:\n${stderr}`));
    });
  });
  // Observed here, so that an exit nobody waits for is no unhandled rejection.
  exit.catch(() => undefined);
  child.stdin.on("error", () => undefined); // it may exit before reading what was typed
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const waiter of outputWaiters) waiter();
  });
  const waitForOutput = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stdout);
        if (match !== null) {
          outputWaiters.delete(check);
          resolve(match[0]);
        }
      };
      outputWaiters.add(check);
      check();
      exit.then(
        (code) => {
          if (!outputWaiters.has(check)) return;
          outputWaiters.delete(check);
          reject(new Error(`present ${args.join(" ")} exited (${code}) before printing ${String(pattern)}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        },
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });

  return waitForOutput(/^Open (http:\/\/127\.0\.0\.1:\d+\/)$/m).then((line) => {
    const url = line.slice("Open ".length);
    return {
      url,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      async state() {
        const response = await fetch(new URL("api/state", url));
        return (await response.json()) as PresentState;
      },
      waitForState: (done) => waitForEvent(url, done),
      waitForOutput,
      type(line) {
        child.stdin.write(`${line}\n`);
      },
      endInput() {
        child.stdin.end();
      },
      exited: () => exit,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        await exit.catch(() => undefined);
      },
    };
  });
}
