import { MissingOptionValueError, MissingScenarioError, UnknownOptionError, UnknownScenarioError, UsageError } from "./errors.js";

/** The options of `npm run scenario -- <name> …`. */
export interface ScenarioArgs {
  readonly help: boolean;
  readonly scenario?: string;
  readonly step: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Hardhat network name; `undefined` means the embedded in-process network. */
  readonly network?: string;
}

const FLAGS = ["--step", "--json", "--verbose", "--network <name>", "--help"] as const;

/**
 * Parses the command line (without node and script). Scenario names are checked against `valid`.
 * @example parseScenarioArgs(["green-bond-issuance", "--json"], ["green-bond-issuance"])
 */
export function parseScenarioArgs(argv: readonly string[], valid: readonly string[], requireScenario = true): ScenarioArgs {
  let scenario: string | undefined;
  let network: string | undefined;
  let step = false;
  let json = false;
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--step") step = true;
    else if (arg === "--json") json = true;
    else if (arg === "--verbose" || arg === "-v") verbose = true;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--network" || arg.startsWith("--network=")) {
      const value = arg.startsWith("--network=") ? arg.slice("--network=".length) : argv[++i];
      if (value === undefined || value === "" || value.startsWith("--")) throw new MissingOptionValueError("--network", "localhost");
      network = value;
    } else if (arg.startsWith("-")) throw new UnknownOptionError(arg, FLAGS);
    else if (scenario === undefined) scenario = arg;
    else throw new UsageError(`one scenario at a time: got "${scenario}" and "${arg}"`);
  }
  if (!help) {
    if (scenario === undefined && requireScenario) throw new MissingScenarioError(valid);
    if (scenario !== undefined && !valid.includes(scenario)) throw new UnknownScenarioError(scenario, valid);
  }
  return { help, scenario, step, json, verbose, network };
}

export const SCENARIO_HELP = `Runs a settlement scenario on a fresh ledger and explains each step.

Usage: npm run scenario -- <name> [--step] [--json] [--network <name>] [--verbose]

  <name>            a scenario from \`npm run scenarios\`
  --step            presenter mode: show each step, wait for Enter, then show what happened
  --json            print one JSON report on stdout and nothing else (use \`npm run -s\` to hide npm's banner)
  --network <name>  a network from hardhat.config.ts: localhost (npx hardhat node), remote
                    (SANDBOX_RPC_URL, SANDBOX_PRIVATE_KEY); default: the in-process network
  --verbose         show stack traces on errors
  --help            this text`;
