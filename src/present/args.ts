import { networksFor, readCommandLine } from "../cli/args.js";
import { UnknownScenarioError, UsageError } from "../cli/errors.js";

/** The options of `npm run present -- <scenario> [--network <name>[,<name>]] [--port <n>]`. */
export interface PresentArgs {
  readonly help: boolean;
  readonly scenario?: string;
  /**
   * The networks of hardhat.config.ts, one per chain of the scenario (checked as `npm run scenario`
   * checks them); undefined: Hardhat's in-process network(s), served on free ports.
   */
  readonly networks?: readonly string[];
  /** The page's port on 127.0.0.1; 0: a free one. */
  readonly port: number;
  readonly verbose: boolean;
}

/** What the command line needs to know of a scenario: its name and how many chains it runs on. */
export interface PresentableScenario {
  readonly name: string;
  readonly chainCount?: 1 | 2;
}

const OPTIONS = {
  network: { type: "string" },
  port: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

const FLAGS = ["--network <name>[,<name>]", "--port <n>", "--verbose", "--help"] as const;

/**
 * Parses `present`'s command line (without node and script): one scenario out of `scenarios`, and
 * the options above, each checked so that a mistake is one line naming it and the fix; `--network`
 * names one network per chain of the scenario (`networksFor`, as for `npm run scenario`).
 * @example parsePresentArgs(["cross-chain-dvp", "--network", "localhost,thaiLocalhost"], SCENARIOS)
 */
export function parsePresentArgs(argv: readonly string[], scenarios: readonly PresentableScenario[]): PresentArgs {
  const { scenario, values, flags } = readCommandLine(argv, OPTIONS, FLAGS, { network: "localhost", port: "8080" }, (name, value) => {
    if (name === "port" && (!/^\d+$/.test(value) || Number(value) > 65_535)) {
      throw new UsageError(`--port ${value} is not a port number; give one from 1 to 65535, or leave it out for a free one`);
    }
  });
  const port = Number(values.get("port") ?? "0");
  const help = flags.has("help");
  const verbose = flags.has("verbose");
  if (help) return { help, ...(scenario === undefined ? {} : { scenario }), port, verbose };
  const names = scenarios.map((s) => s.name);
  if (scenario === undefined) throw new UsageError(`name a scenario: npm run present -- <name> (one of: ${names.join(", ")})`);
  const chosen = scenarios.find((s) => s.name === scenario);
  if (chosen === undefined) throw new UnknownScenarioError(scenario, names);
  const networks = networksFor(values.get("network"), chosen.name, chosen.chainCount ?? 1);
  return { help, scenario, ...(networks === undefined ? {} : { networks }), port, verbose };
}

export const PRESENT_HELP = `Serves the presenter page: a live view of a scenario's ledger, stepped from the browser or from
this terminal.

Usage: npm run present -- <scenario> [--network <name>[,<name>]] [--port <n>]

  <scenario>        a scenario from \`npm run scenarios\`
  --network <name>  a JSON-RPC network from hardhat.config.ts: localhost (\`npx hardhat node\` or
                    \`anvil --accounts 20\`, chain 31337, at SANDBOX_LOCALHOST_URL, default
                    http://127.0.0.1:8545). A two-chain scenario (cross-chain-dvp) takes two
                    different networks, a,b: --network localhost,thaiLocalhost (thaiLocalhost: chain
                    31338 at SANDBOX_THAI_URL, default http://127.0.0.1:8546). Default: Hardhat's
                    in-process network (for cross-chain-dvp two, the second with chain id 31338),
                    each served on 127.0.0.1 at a free port
  --port <n>        the page's port on 127.0.0.1; default: a free one
  --verbose         on errors, show the hints, the causes and their stack traces
  --help            this text

The command prints the page's URL and waits. In the page: Next (→ or Space), Run to end, Restart
(every chain back to its opening state, the ledger deployed afresh). In this terminal: Enter = Next,
r (or run) = Run to end, restart = Restart, q = stop; each finished step prints one line here.
Ctrl-C (or SIGTERM) stops it too; with no terminal input (e.g. < /dev/null) it serves until then.`;
