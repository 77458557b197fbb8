import { parseArgs } from "node:util";

import { MissingOptionValueError, UnknownOptionError, UnknownScenarioError, UsageError } from "../cli/errors.js";

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

const isOption = (name: string): name is keyof typeof OPTIONS => Object.hasOwn(OPTIONS, name);

/**
 * Parses `present`'s command line (without node and script): one scenario out of `valid`, and the
 * options above, each checked so that a mistake is one line naming it and the fix.
 * @example parsePresentArgs(["green-bond-issuance", "--port", "8080"], ["green-bond-issuance"])
 */
export function parsePresentArgs(argv: readonly string[], valid: readonly string[]): PresentArgs {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  let scenario: string | undefined;
  let network: string | undefined;
  let port = 0;
  const flags = { verbose: false, help: false };
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (scenario !== undefined) throw new UsageError(`one scenario at a time: got "${scenario}" and "${token.value}"`);
      scenario = token.value;
      continue;
    }
    if (!isOption(token.name)) throw new UnknownOptionError(token.rawName, FLAGS);
    if (token.name === "network" || token.name === "port") {
      const value = token.value;
      if (value === undefined || value === "" || (token.inlineValue !== true && value.startsWith("-"))) {
        throw new MissingOptionValueError(`--${token.name}`, token.name === "network" ? "localhost" : "8080");
      }
      if (token.name === "network") network = value;
      else {
        if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new UsageError(`--port ${value} is not a port number; give one from 1 to 65535, or leave it out for a free one`);
        port = Number(value);
      }
    } else if (token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value: write ${token.rawName}, not ${token.rawName}=${token.value}`);
    } else {
      flags[token.name] = true;
    }
  }
  if (!flags.help) {
    if (scenario === undefined) throw new UsageError(`name a scenario: npm run present -- <name> (one of: ${valid.join(", ")})`);
    if (!valid.includes(scenario)) throw new UnknownScenarioError(scenario, valid);
  }
  if (network?.includes(",") === true) throw new UsageError(`--network "${network}" names two networks; the presenter page shows one-chain scenarios: give one, e.g. --network localhost`);
  return { help: flags.help, scenario, network, port, verbose: flags.verbose };
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
