import { parseArgs } from "node:util";

import { MissingOptionValueError, MissingScenarioError, UnknownOptionError, UnknownScenarioError, UsageError } from "./errors.js";

/** The options of `npm run scenario -- <name> …`. */
export interface ScenarioArgs {
  readonly help: boolean;
  readonly scenario?: string;
  readonly step: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Hardhat network name(s) as given (`a` or `a,b`); `undefined` means the in-process network. */
  readonly network?: string;
}

const OPTIONS = {
  step: { type: "boolean" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  network: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const FLAGS = ["--step", "--json", "--verbose", "--network <name>", "--help"] as const;

/** The options a command takes, as `node:util`'s `parseArgs` describes them. */
export type CommandOptions = Readonly<Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>>;

/** A command line once its tokens are checked: at most one scenario name, each string option's value, each flag given. */
export interface CommandLine {
  readonly scenario?: string;
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * Reads `argv` with `node:util`'s `parseArgs` and checks each token, so a mistake is one line naming
 * it and the fix: an unknown option (listing `usage`), a string option without a value (suggesting
 * `examples[name]`), a flag given a value, a second scenario name. `checkValue` sees each string
 * option's value as it is read (e.g. to refuse a port that is no number).
 */
export function readCommandLine(
  argv: readonly string[],
  options: CommandOptions,
  usage: readonly string[],
  examples: Readonly<Record<string, string>>,
  checkValue: (name: string, value: string) => void = () => undefined,
): CommandLine {
  // Not strict: parseArgs then reports every token, and the errors below name the option and the fix.
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  let scenario: string | undefined;
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (scenario !== undefined) throw new UsageError(`one scenario at a time: got "${scenario}" and "${token.value}"`);
      scenario = token.value;
      continue;
    }
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw new UnknownOptionError(token.rawName, usage);
    if (option.type === "string") {
      // Without `=`, parseArgs takes the next word even if it is a flag (`--network --json`).
      const value = token.value;
      if (value === undefined || value === "" || (token.inlineValue !== true && value.startsWith("-"))) {
        throw new MissingOptionValueError(`--${token.name}`, examples[token.name] ?? "<value>");
      }
      checkValue(token.name, value);
      values.set(token.name, value);
    } else if (token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value: write ${token.rawName}, not ${token.rawName}=${token.value}`);
    } else {
      flags.add(token.name);
    }
  }
  return { ...(scenario === undefined ? {} : { scenario }), values, flags };
}

/**
 * Parses the command line (without node and script) with `node:util`'s `parseArgs`, then checks
 * what it found: known options only, a value for `--network`, one scenario name out of `valid`.
 * @example parseScenarioArgs(["green-bond-issuance", "--json"], ["green-bond-issuance"])
 */
export function parseScenarioArgs(argv: readonly string[], valid: readonly string[], requireScenario = true): ScenarioArgs {
  const { scenario, values, flags } = readCommandLine(argv, OPTIONS, FLAGS, { network: "localhost" });
  const network = values.get("network");
  const help = flags.has("help");
  if (!help) {
    if (scenario === undefined && requireScenario) throw new MissingScenarioError(valid);
    if (scenario !== undefined && !valid.includes(scenario)) throw new UnknownScenarioError(scenario, valid);
  }
  return { help, scenario, step: flags.has("step"), json: flags.has("json"), verbose: flags.has("verbose"), network };
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
  --step            presenter mode: show each step, wait for Enter, then show what happened;
                    e (or v) + Enter lists the last step's events, which --verbose always shows
  --json            print one JSON report on stdout and nothing else (use \`npm run -s\` to hide npm's banner)
  --network <name>  a network from hardhat.config.ts; default: the in-process network.
                    localhost: \`npx hardhat node\` or \`anvil --accounts 20\`, chain 31337, at
                    SANDBOX_LOCALHOST_URL (default http://127.0.0.1:8545); thaiLocalhost: chain
                    31338 at SANDBOX_THAI_URL (default http://127.0.0.1:8546); remote: any node
                    (SANDBOX_RPC_URL, SANDBOX_MNEMONIC), each institution's account funded.
                    A two-chain scenario (cross-chain-dvp) takes two different networks, a,b:
                    --network localhost,thaiLocalhost
  --verbose         on errors, show the hints, the causes and their stack traces
  --help            this text

Options go after \`--\`: without it npm takes them for itself.`;
