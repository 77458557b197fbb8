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

/**
 * The network names of `--network`, checked against the scenario's number of chains: one name for a
 * one-chain scenario, two different names (`a,b`) for a two-chain one. Undefined: the in-process
 * network(s).
 * @example networksFor("localhost,thaiLocalhost", "cross-chain-dvp", 2) // ["localhost", "thaiLocalhost"]
 */
export function networksFor(network: string | undefined, scenario: string, chainCount: 1 | 2): readonly string[] | undefined {
  if (network === undefined) return undefined;
  const names = network.split(",").map((n) => n.trim());
  if (names.some((n) => n === "")) throw new UsageError(`--network "${network}" has an empty name; write e.g. --network localhost,thaiLocalhost`);
  if (names.length > 2) throw new UsageError(`--network names ${names.length} networks; a scenario runs on one or two chains`);
  if (chainCount === 1 && names.length === 2) {
    throw new UsageError(`${scenario} runs on one chain: give one network, e.g. --network ${names[0]}`);
  }
  if (chainCount === 2 && names.length === 1) {
    throw new UsageError(`${scenario} runs on two chains: name both, e.g. --network ${names[0]},thaiLocalhost`);
  }
  if (names.length === 2 && names[0] === names[1]) {
    throw new UsageError(`${scenario} needs two separate ledgers, but --network names "${names[0]}" twice; e.g. --network localhost,thaiLocalhost`);
  }
  return names;
}

/** Flags npm takes for itself when `--` is missing (`npm run scenario <name> --json`): it sets `npm_config_<flag>`. */
const NPM_SWALLOWED = ["json", "step", "network", "verbose"] as const;

/**
 * Refuses a flag npm swallowed: `npm run scenario green-bond-issuance --json` (no `--`) passes no
 * `--json` to the script, only `npm_config_json=true` in its environment.
 */
export function checkNpmSwallowedFlags(args: ScenarioArgs, env: Readonly<Record<string, string | undefined>>): void {
  if (env.npm_lifecycle_event !== "scenario") return;
  for (const flag of NPM_SWALLOWED) {
    const value = env[`npm_config_${flag}`];
    if (value === undefined || value === "" || value === "false") continue;
    const given = flag === "network" ? args.network !== undefined : args[flag];
    if (given) continue;
    throw new UsageError(
      `npm took --${flag} for itself and did not pass it on; put \`--\` before the scenario's options: npm run${flag === "json" ? " -s" : ""} scenario -- ${args.scenario ?? "<name>"} --${flag}${flag === "network" ? ` ${value}` : ""}`,
    );
  }
}

export const SCENARIO_HELP = `Runs a settlement scenario on a fresh ledger and explains each step.

Usage: npm run scenario -- <name> [--step] [--json] [--network <name>[,<name>]] [--verbose]

  <name>            a scenario from \`npm run scenarios\`
  --step            presenter mode: show each step, wait for Enter, then show what happened
  --json            print one JSON report on stdout and nothing else (use \`npm run -s\` to hide npm's banner)
  --network <name>  a network from hardhat.config.ts: localhost (npx hardhat node), remote
                    (SANDBOX_RPC_URL, SANDBOX_MNEMONIC); default: the in-process network.
                    A two-chain scenario (cross-chain-dvp) takes two different networks, a,b:
                    --network localhost,thaiLocalhost
  --verbose         show stack traces on errors
  --help            this text

Options go after \`--\`: without it npm takes them for itself.`;
