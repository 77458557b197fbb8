import { readCommandLine } from "../cli/args.js";
import { UnknownScenarioError, UsageError } from "../cli/errors.js";

/** The options of `npm run present -- <scenario> [--network <name>] [--port <n>]`. */
export interface PresentArgs {
  readonly help: boolean;
  readonly scenario?: string;
  /** A network of hardhat.config.ts; undefined: Hardhat's in-process network, served on a free port. */
  readonly network?: string;
  /** The page's port on 127.0.0.1; 0: a free one. */
  readonly port: number;
  readonly verbose: boolean;
}

const OPTIONS = {
  network: { type: "string" },
  port: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

const FLAGS = ["--network <name>", "--port <n>", "--verbose", "--help"] as const;

/**
 * Parses `present`'s command line (without node and script): one scenario out of `valid`, and the
 * options above, each checked so that a mistake is one line naming it and the fix.
 * @example parsePresentArgs(["green-bond-issuance", "--port", "8080"], ["green-bond-issuance"])
 */
export function parsePresentArgs(argv: readonly string[], valid: readonly string[]): PresentArgs {
  const { scenario, values, flags } = readCommandLine(argv, OPTIONS, FLAGS, { network: "localhost", port: "8080" }, (name, value) => {
    if (name === "port" && (!/^\d+$/.test(value) || Number(value) > 65_535)) {
      throw new UsageError(`--port ${value} is not a port number; give one from 1 to 65535, or leave it out for a free one`);
    }
  });
  const network = values.get("network");
  const port = Number(values.get("port") ?? "0");
  const help = flags.has("help");
  if (!help) {
    if (scenario === undefined) throw new UsageError(`name a scenario: npm run present -- <name> (one of: ${valid.join(", ")})`);
    if (!valid.includes(scenario)) throw new UnknownScenarioError(scenario, valid);
  }
  if (network?.includes(",") === true) throw new UsageError(`--network "${network}" names two networks; the presenter page shows one-chain scenarios: give one, e.g. --network localhost`);
  return { help, scenario, network, port, verbose: flags.has("verbose") };
}

export const PRESENT_HELP = `Serves the presenter page: a live view of a scenario's ledger, stepped from the browser.

Usage: npm run present -- <scenario> [--network <name>] [--port <n>]

  <scenario>        a scenario from \`npm run scenarios\` (one chain: every one but cross-chain-dvp)
  --network <name>  a JSON-RPC network from hardhat.config.ts, e.g. localhost (\`npx hardhat node\`
                    or \`anvil --accounts 20\`); default: Hardhat's in-process network, served on
                    127.0.0.1 at a free port
  --port <n>        the page's port on 127.0.0.1; default: a free one
  --verbose         on errors, show the hints, the causes and their stack traces
  --help            this text

The command prints the page's URL and waits; Ctrl-C stops it. In the page: Next (→ or Space),
Run to end, Restart (the chain back to its opening state, the ledger deployed afresh).`;
