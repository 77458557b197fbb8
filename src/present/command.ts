import { exitCodeOf, renderCliError, SandboxError } from "../cli/errors.js";
import { findScenario, SCENARIOS } from "../scenarios/index.js";
import { parsePresentArgs, PRESENT_HELP } from "./args.js";
import { buildPage } from "./build-page.js";
import { startChainHost, type ChainHost } from "./chain-host.js";
import { servePresenter, type PresentServer } from "./http.js";
import { PresentSession } from "./session.js";
import { driveFromTerminal, INPUT_ENDED, TERMINAL_KEYS } from "./terminal-input.js";
import { followInTerminal } from "./terminal-output.js";

/** The page's port is taken. */
export class PortInUseError extends SandboxError {
  override name = "PortInUseError";
  constructor(port: number, cause: unknown) {
    super(`port ${port} on 127.0.0.1 is in use; pick another with --port <n>, or leave --port out for a free one`, { cause });
  }
}

/** Where the command reads the presenter's terminal and writes to it, and how it learns of Ctrl-C. */
export interface PresentIo {
  readonly input: NodeJS.ReadableStream;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves on Ctrl-C (or SIGTERM). */
  readonly untilSignal: () => Promise<void>;
}

const processIo: PresentIo = {
  input: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  untilSignal: () =>
    new Promise((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }),
};

/**
 * Waits until the presentation is to stop: `q` in the terminal, or a signal. Once the terminal's
 * input has ended (or if there is none), the page alone steps it, until a signal.
 */
async function untilStopped(session: PresentSession, io: PresentIo): Promise<void> {
  const signal = io.untilSignal();
  const terminal = driveFromTerminal(io.input, session, io.out).then((how) => {
    if (how === "ended") io.out(INPUT_ENDED);
    return how;
  });
  const first = await Promise.race([signal.then(() => "signal" as const), terminal]);
  if (first === "ended") await signal;
}

/**
 * `npm run present -- <scenario> [--network <name>[,<name>]] [--port <n>]`: starts the scenario's
 * chains, builds and serves the presenter page, prints its URL and waits; the page, or the
 * terminal, steps the scenario, and the terminal prints a line per finished step. Returns the
 * process exit code.
 */
export async function presentCommand(argv: readonly string[], io: PresentIo = processIo): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  let host: ChainHost | undefined;
  let server: PresentServer | undefined;
  let unfollow: (() => void) | undefined;
  try {
    const args = parsePresentArgs(argv, SCENARIOS);
    verbose = args.verbose;
    if (args.help) {
      io.out(PRESENT_HELP);
      return 0;
    }
    const scenario = findScenario(args.scenario ?? "");
    if (scenario === undefined) throw new Error("unreachable: the scenario name was validated");
    // The chains first: a node that is not there is one line at once, before the page is built.
    host = await startChainHost(args.networks, scenario.chainCount ?? 1);
    const pageDir = await buildPage();
    const session = new PresentSession(scenario, host);
    try {
      server = await servePresenter({ session, pageDir, port: args.port });
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") throw new PortInUseError(args.port, error);
      throw error;
    }
    unfollow = followInTerminal(session, io.out, io.err);
    session.start();
    io.out(`Presenting ${scenario.name} on ${host.description}\nOpen ${server.url}\n${TERMINAL_KEYS}`);
    await untilStopped(session, io);
    return 0;
  } catch (error) {
    io.err(renderCliError(error, verbose));
    return exitCodeOf(error);
  } finally {
    unfollow?.();
    await server?.close();
    await host?.close();
  }
}
