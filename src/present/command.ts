import { exitCodeOf, renderCliError, SandboxError } from "../cli/errors.js";
import { findScenario, SCENARIO_NAMES } from "../scenarios/index.js";
import { parsePresentArgs, PRESENT_HELP } from "./args.js";
import { buildPage } from "./build-page.js";
import { startChainHost, type ChainHost } from "./chain-host.js";
import { servePresenter, type PresentServer } from "./http.js";
import { PresentSession } from "./session.js";

/** The page's port is taken. */
export class PortInUseError extends SandboxError {
  override name = "PortInUseError";
  constructor(port: number, cause: unknown) {
    super(`port ${port} on 127.0.0.1 is in use; pick another with --port <n>, or leave --port out for a free one`, { cause });
  }
}

/** How the command waits once the page is served: until Ctrl-C (or SIGTERM) by default. */
export type WaitForStop = () => Promise<void>;

const untilSignal: WaitForStop = () =>
  new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });

/**
 * `npm run present -- <scenario> [--network <name>] [--port <n>]`: starts the chain, builds and
 * serves the presenter page, prints its URL and waits; the page steps the scenario. Returns the
 * process exit code.
 */
export async function presentCommand(argv: readonly string[], waitForStop: WaitForStop = untilSignal): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  let host: ChainHost | undefined;
  let server: PresentServer | undefined;
  try {
    const args = parsePresentArgs(argv, SCENARIO_NAMES);
    verbose = args.verbose;
    if (args.help) {
      process.stdout.write(`${PRESENT_HELP}\n`);
      return 0;
    }
    const scenario = findScenario(args.scenario ?? "");
    if (scenario === undefined) throw new Error("unreachable: the scenario name was validated");
    if ((scenario.chainCount ?? 1) === 2) {
      throw new SandboxError(`${scenario.name} runs on two chains, which the presenter page does not show yet; present it in the terminal: npm run scenario -- ${scenario.name} --step`);
    }
    const pageDir = await buildPage();
    host = await startChainHost(args.network);
    const session = new PresentSession(scenario, host);
    try {
      server = await servePresenter({ session, pageDir, rpcUrl: host.rpcUrl, port: args.port });
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") throw new PortInUseError(args.port, error);
      throw error;
    }
    session.start();
    process.stdout.write(`Presenting ${scenario.name} on ${host.description}\nOpen ${server.url}\n`);
    await waitForStop();
    return 0;
  } catch (error) {
    process.stderr.write(`${renderCliError(error, verbose)}\n`);
    return exitCodeOf(error);
  } finally {
    await server?.close();
    await host?.close();
  }
}
