import { PassThrough } from "node:stream";

import { expect } from "chai";

import { checkNpmSwallowedFlags, networksFor, parseScenarioArgs, SCENARIO_HELP, type ScenarioArgs } from "../../src/cli/args.js";
import { isConnectionFailure } from "../../src/chain/connect.js";
import {
  ConnectionLostError,
  exitCodeOf,
  InvalidConfigurationVariableError,
  MissingConfigurationVariableError,
  MissingOptionValueError,
  MissingScenarioError,
  NetworkUnreachableError,
  renderCliError,
  SameChainError,
  SandboxError,
  StepFailedError,
  toSandboxError,
  TooFewAccountsError,
  UnexpectedError,
  UnfundedAccountsError,
  UnknownNetworkError,
  UnknownOptionError,
  UnknownScenarioError,
  UsageError,
  WrongChainIdError,
} from "../../src/cli/errors.js";
import { createStepPacer } from "../../src/cli/step-mode.js";

const VALID = ["green-bond-issuance", "interbank-payment"] as const;
const OPTIONS = "--step, --json, --verbose, --network <name>, --help";

const parse = (...argv: string[]): ScenarioArgs => parseScenarioArgs(argv, VALID);

/** The error `fn` throws (fails the test if it throws nothing). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail("expected an error");
}

/** Asserts `fn` throws a usage error (exit code 2) of class `type` with exactly `message`. */
function expectUsageError(fn: () => unknown, type: abstract new (...args: never[]) => UsageError, message: string): void {
  const error = thrownBy(fn);
  expect(error).to.be.instanceOf(type);
  expect(error).to.be.instanceOf(UsageError);
  expect((error as UsageError).message).to.equal(message);
  expect(exitCodeOf(error)).to.equal(2);
}

describe("parseScenarioArgs", function () {
  it("takes a scenario name with every flag off and the in-process network by default", function () {
    expect(parse("green-bond-issuance")).to.deep.equal({
      help: false,
      scenario: "green-bond-issuance",
      step: false,
      json: false,
      verbose: false,
      network: undefined,
    });
  });

  it("reads --step, --json and --verbose in any order, before or after the name", function () {
    expect(parse("--json", "interbank-payment", "--step", "--verbose")).to.deep.equal({
      help: false,
      scenario: "interbank-payment",
      step: true,
      json: true,
      verbose: true,
      network: undefined,
    });
  });

  it("accepts -v for --verbose and -h for --help", function () {
    expect(parse("green-bond-issuance", "-v").verbose).to.equal(true);
    expect(parse("-h").help).to.equal(true);
  });

  it("reads --network <name> and --network=<name>", function () {
    expect(parse("green-bond-issuance", "--network", "localhost").network).to.equal("localhost");
    expect(parse("--network=remote", "green-bond-issuance").network).to.equal("remote");
    expect(parse("--network", "localhost", "green-bond-issuance", "--json")).to.include({
      scenario: "green-bond-issuance",
      network: "localhost",
      json: true,
    });
  });

  it("leaves an unknown network name for the connection to judge", function () {
    expect(parse("green-bond-issuance", "--network", "mars").network).to.equal("mars");
  });

  it("refuses --network without a value: at the end, empty, or followed by another flag", function () {
    const message = "--network needs a value, e.g. --network localhost";
    expectUsageError(() => parse("green-bond-issuance", "--network"), MissingOptionValueError, message);
    expectUsageError(() => parse("green-bond-issuance", "--network="), MissingOptionValueError, message);
    expectUsageError(() => parse("green-bond-issuance", "--network", "--json"), MissingOptionValueError, message);
    expectUsageError(() => parse("--network=", "green-bond-issuance", "--help"), MissingOptionValueError, message);
  });

  it("refuses an unknown flag, naming it and the known ones", function () {
    expectUsageError(
      () => parse("green-bond-issuance", "--jsno"),
      UnknownOptionError,
      `unknown option "--jsno"; the options are ${OPTIONS} (see --help)`,
    );
    expectUsageError(() => parse("-x", "green-bond-issuance"), UnknownOptionError, `unknown option "-x"; the options are ${OPTIONS} (see --help)`);
  });

  it("refuses an unknown flag even next to --help", function () {
    expectUsageError(() => parse("--help", "--stepp"), UnknownOptionError, `unknown option "--stepp"; the options are ${OPTIONS} (see --help)`);
  });

  it("refuses a value given to a flag that takes none", function () {
    expectUsageError(() => parse("green-bond-issuance", "--json=1"), UsageError, "--json takes no value: write --json, not --json=1");
  });

  it("reads grouped short flags and a name after `--` (parseArgs' option terminator)", function () {
    expect(parse("-vh")).to.include({ verbose: true, help: true });
    expect(parse("--json", "--", "green-bond-issuance")).to.include({ scenario: "green-bond-issuance", json: true });
  });

  it("refuses a second scenario name", function () {
    expectUsageError(
      () => parse("green-bond-issuance", "interbank-payment"),
      UsageError,
      'one scenario at a time: got "green-bond-issuance" and "interbank-payment"',
    );
  });

  it("refuses a missing scenario name, listing the valid ones", function () {
    expectUsageError(
      () => parse("--json"),
      MissingScenarioError,
      "name a scenario: npm run scenario -- <name> (one of: green-bond-issuance, interbank-payment)",
    );
    expectUsageError(() => parse(), MissingScenarioError, "name a scenario: npm run scenario -- <name> (one of: green-bond-issuance, interbank-payment)");
  });

  it("does not require a name when requireScenario is false", function () {
    expect(parseScenarioArgs(["--json"], VALID, false)).to.deep.equal({
      help: false,
      scenario: undefined,
      step: false,
      json: true,
      verbose: false,
      network: undefined,
    });
  });

  it("still checks a name given when requireScenario is false", function () {
    expectUsageError(
      () => parseScenarioArgs(["nope"], VALID, false),
      UnknownScenarioError,
      'unknown scenario "nope"; choose one of: green-bond-issuance, interbank-payment',
    );
  });

  it("refuses an unknown scenario, listing the valid ones", function () {
    expectUsageError(
      () => parse("green-bond", "--json"),
      UnknownScenarioError,
      'unknown scenario "green-bond"; choose one of: green-bond-issuance, interbank-payment',
    );
  });

  it("with --help, checks no scenario name (neither missing nor unknown)", function () {
    expect(parse("--help")).to.deep.equal({ help: true, scenario: undefined, step: false, json: false, verbose: false, network: undefined });
    expect(parse("nope", "--help")).to.include({ help: true, scenario: "nope" });
  });

  it("has help text that shows the usage line and every option", function () {
    expect(SCENARIO_HELP).to.include("Usage: npm run scenario -- <name> [--step] [--json] [--network <name>[,<name>]] [--verbose]");
    // The remote network's variables as hardhat.config.ts reads them, and the two-chain form.
    expect(SCENARIO_HELP).to.include("(SANDBOX_RPC_URL, SANDBOX_MNEMONIC)");
    expect(SCENARIO_HELP, "step mode's event key").to.include("e (or v) + Enter lists the last step's events");
    expect(SCENARIO_HELP).to.not.include("SANDBOX_PRIVATE_KEY");
    expect(SCENARIO_HELP).to.include("--network localhost,thaiLocalhost");
    for (const option of ["<name>", "--step", "--json", "--network <name>", "--verbose", "--help"]) {
      expect(SCENARIO_HELP).to.match(new RegExp(`^  ${option.replace(/[<>]/g, "\\$&")}\\s`, "m"));
    }
  });
});

describe("networksFor (--network against the scenario's chains)", function () {
  it("takes nothing (the in-process network), one name for one chain, two different names for two", function () {
    expect(networksFor(undefined, "green-bond-issuance", 1)).to.equal(undefined);
    expect(networksFor("localhost", "green-bond-issuance", 1)).to.deep.equal(["localhost"]);
    expect(networksFor("localhost,thaiLocalhost", "cross-chain-dvp", 2)).to.deep.equal(["localhost", "thaiLocalhost"]);
  });

  it("refuses the same network twice: two separate ledgers cannot be one node", function () {
    expectUsageError(
      () => networksFor("localhost,localhost", "cross-chain-dvp", 2),
      UsageError,
      'cross-chain-dvp needs two separate ledgers, but --network names "localhost" twice; e.g. --network localhost,thaiLocalhost',
    );
  });

  it("refuses a second network for a one-chain scenario, instead of ignoring it", function () {
    expectUsageError(
      () => networksFor("localhost,thaiLocalhost", "green-bond-issuance", 1),
      UsageError,
      "green-bond-issuance runs on one chain: give one network, e.g. --network localhost",
    );
  });

  it("refuses a single network for a two-chain scenario, a third network, and an empty name", function () {
    expectUsageError(
      () => networksFor("localhost", "cross-chain-dvp", 2),
      UsageError,
      "cross-chain-dvp runs on two chains: name both, e.g. --network localhost,thaiLocalhost",
    );
    expectUsageError(
      () => networksFor("localhost,thaiLocalhost,remote", "cross-chain-dvp", 2),
      UsageError,
      "--network names 3 networks; a scenario runs on one or two chains",
    );
    expectUsageError(
      () => networksFor("localhost,", "cross-chain-dvp", 2),
      UsageError,
      '--network "localhost," has an empty name; write e.g. --network localhost,thaiLocalhost',
    );
  });
});

describe("checkNpmSwallowedFlags (`npm run scenario <name> --json` without `--`)", function () {
  const npm = (config: Record<string, string>): Record<string, string> => ({ npm_lifecycle_event: "scenario", ...config });

  it("refuses a flag npm took for itself, showing the command with `--`", function () {
    expectUsageError(
      () => checkNpmSwallowedFlags(parse("green-bond-issuance"), npm({ npm_config_json: "true" })),
      UsageError,
      "npm took --json for itself and did not pass it on; put `--` before the scenario's options: npm run -s scenario -- green-bond-issuance --json",
    );
    expectUsageError(
      () => checkNpmSwallowedFlags(parse("green-bond-issuance"), npm({ npm_config_network: "localhost" })),
      UsageError,
      "npm took --network for itself and did not pass it on; put `--` before the scenario's options: npm run scenario -- green-bond-issuance --network localhost",
    );
    expectUsageError(
      () => checkNpmSwallowedFlags(parse("green-bond-issuance"), npm({ npm_config_step: "true" })),
      UsageError,
      "npm took --step for itself and did not pass it on; put `--` before the scenario's options: npm run scenario -- green-bond-issuance --step",
    );
  });

  it("accepts the flag when it did reach the script, and ignores runs outside `npm run scenario`", function () {
    expect(() => checkNpmSwallowedFlags(parse("green-bond-issuance", "--json"), npm({ npm_config_json: "true" }))).to.not.throw();
    expect(() => checkNpmSwallowedFlags(parse("green-bond-issuance"), { npm_config_json: "true" })).to.not.throw();
    expect(() => checkNpmSwallowedFlags(parse("green-bond-issuance"), npm({ npm_config_json: "false" }))).to.not.throw();
    expect(() => checkNpmSwallowedFlags(parse("green-bond-issuance"), npm({}))).to.not.throw();
  });
});

describe("the error hierarchy (viem's BaseError shape)", function () {
  it("keeps a short message, hint lines, details from the cause, and the cause", function () {
    const cause = new Error("HHE703: Cannot connect to the network\nPlease make sure your node is running");
    const error = new SandboxError("cannot do it; fix it", { cause, metaMessages: ["Fix: start the node"] });
    expect(error.shortMessage).to.equal("cannot do it; fix it");
    expect(error.metaMessages).to.deep.equal(["Fix: start the node"]);
    expect(error.details).to.equal("HHE703: Cannot connect to the network");
    expect(error.cause).to.equal(cause);
    expect(error.message).to.equal("cannot do it; fix it\n\nFix: start the node\n\nDetails: HHE703: Cannot connect to the network");
    expect(new SandboxError("alone").message).to.equal("alone");
    expect(new SandboxError("alone").details).to.equal(undefined);
  });

  it("takes a cause's shortMessage (viem, ethers) for its details, and a sandbox cause's own details", function () {
    const viemLike = Object.assign(new Error("long\nmulti-line"), { shortMessage: "Execution reverted." });
    expect(new SandboxError("x", { cause: viemLike }).details).to.equal("Execution reverted.");
    const inner = new SandboxError("inner", { cause: new Error("root cause") });
    expect(new SandboxError("outer", { cause: inner }).details).to.equal("root cause");
  });

  it("walks the cause chain: the deepest cause, or the first that matches (null if none)", function () {
    const root = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const middle = new Error("fetch failed", { cause: root });
    const error = new SandboxError("lost", { cause: middle });
    expect(error.walk()).to.equal(root);
    expect(error.walk((e) => e instanceof Error && e.message === "fetch failed")).to.equal(middle);
    expect(error.walk((e) => e === error)).to.equal(error);
    expect(error.walk(() => false)).to.equal(null);
    expect(new SandboxError("alone").walk()).to.be.instanceOf(SandboxError);
  });

  it("wraps any other error as an UnexpectedError: its first line and a pointer to --verbose", function () {
    const type = new TypeError("cannot read properties of undefined (reading 'x')\n    at f (a.ts:1:1)");
    const wrapped = toSandboxError(type);
    expect(wrapped).to.be.instanceOf(UnexpectedError);
    expect(wrapped.shortMessage).to.equal("cannot read properties of undefined (reading 'x') (run with --verbose for details)");
    expect(wrapped.cause).to.equal(type);
    const ours = new StepFailedError(1, "t", "r");
    expect(toSandboxError(ours)).to.equal(ours);
    expect(toSandboxError("boom").shortMessage).to.equal("boom (run with --verbose for details)");
  });
});

describe("CLI errors", function () {
  it("give usage errors exit code 2 and every other error exit code 1", function () {
    expect(exitCodeOf(new UnknownScenarioError("x", VALID))).to.equal(2);
    expect(exitCodeOf(new UnknownNetworkError("mars", ["localhost"]))).to.equal(2);
    expect(exitCodeOf(new NetworkUnreachableError("localhost", "http://127.0.0.1:1", new Error("ECONNREFUSED")))).to.equal(1);
    expect(exitCodeOf(new StepFailedError(2, "t", "r"))).to.equal(1);
    expect(exitCodeOf(new ConnectionLostError("localhost", "http://127.0.0.1:1", { kind: "step", step: 3 }, undefined))).to.equal(1);
    expect(exitCodeOf(new SandboxError("x"))).to.equal(1);
    expect(exitCodeOf(new UnexpectedError(new Error("x")))).to.equal(1);
    expect(exitCodeOf(new Error("x"))).to.equal(1);
    expect(exitCodeOf("a string")).to.equal(1);
  });

  it("name the network and its URL when it cannot be reached", function () {
    expect(new NetworkUnreachableError("localhost", "http://127.0.0.1:1", undefined).message).to.equal(
      'cannot reach network "localhost" at http://127.0.0.1:1; start it (e.g. `npx hardhat node`) or fix its URL',
    );
    expect(new UnknownNetworkError("mars", ["localhost", "remote"]).message).to.equal(
      'unknown network "mars"; configured in hardhat.config.ts: localhost, remote',
    );
  });

  it("name the failed step (1-based), its title and the reason", function () {
    const error = new StepFailedError(7, "Harbour Bank sells 80 units", "AccessControlUnauthorizedAccount(Kowloon Dealer, 0x12)");
    expect(error.message).to.equal('step 7 "Harbour Bank sells 80 units" failed: AccessControlUnauthorizedAccount(Kowloon Dealer, 0x12)');
    expect(renderCliError(error, false)).to.equal(
      'error: step 7 "Harbour Bank sells 80 units" failed: AccessControlUnauthorizedAccount(Kowloon Dealer, 0x12)',
    );
  });

  it("name a lost connection with the network, its URL and when it happened, however the transport failed", function () {
    const url = "http://127.0.0.1:8545";
    const fix = "the node stopped answering: restart it (e.g. `npx hardhat node`) and run the scenario again";
    expect(new ConnectionLostError("localhost", url, { kind: "step", step: 3 }, new Error("fetch failed")).shortMessage).to.equal(
      `lost the connection to network "localhost" at ${url} during step 3; ${fix}`,
    );
    expect(new ConnectionLostError("localhost", url, { kind: "deploying" }, undefined).shortMessage).to.equal(
      `lost the connection to network "localhost" at ${url} while deploying the ledger; ${fix}`,
    );
    expect(new ConnectionLostError("localhost", url, { kind: "reporting" }, undefined).shortMessage).to.equal(
      `lost the connection to network "localhost" at ${url} after the last step, reading the final balances; ${fix}`,
    );
  });

  it("name a missing or unusable configuration variable, never its value", function () {
    expect(new MissingConfigurationVariableError("remote", "SANDBOX_MNEMONIC", undefined).shortMessage).to.equal(
      'network "remote" needs SANDBOX_MNEMONIC: set it in the environment or with `npx hardhat keystore set SANDBOX_MNEMONIC`',
    );
    expect(
      new InvalidConfigurationVariableError("localhost", "SANDBOX_LOCALHOST_URL", "is not an http(s) URL", "set it to one, e.g. http://127.0.0.1:8545").shortMessage,
    ).to.equal('SANDBOX_LOCALHOST_URL (network "localhost") is not an http(s) URL; set it to one, e.g. http://127.0.0.1:8545');
  });

  it("give both chain ids when the node is another chain than the config names", function () {
    expect(new WrongChainIdError("thaiLocalhost", "http://127.0.0.1:8546", 31338, 31337, "SANDBOX_THAI_URL").shortMessage).to.equal(
      'network "thaiLocalhost" expects chain id 31338 (hardhat.config.ts), but the node at http://127.0.0.1:8546 is chain 31337; point SANDBOX_THAI_URL at a node with chain id 31338',
    );
  });

  it("refuse two networks that are one chain for a two-chain scenario, naming both", function () {
    expect(new SameChainError("localhost", "remote", 31337).shortMessage).to.equal(
      'networks "localhost" and "remote" are both chain 31337, but a two-chain scenario needs two separate ledgers; point "remote" at another node, e.g. `npx hardhat node --port 8546 --chain-id 31338`',
    );
  });

  it("say `anvil --accounts 20` when the node has too few accounts, listing who has none with --verbose", function () {
    const error = new TooFewAccountsError("localhost", 10, 15, ["Banco Central do Brasil", "Rio Coffee Traders"]);
    expect(error.shortMessage).to.equal(
      'network "localhost" has 10 accounts, but the ledger needs 15, one per institution; start the node with more, e.g. `anvil --accounts 20` (`npx hardhat node` has 20)',
    );
    expect(error.metaMessages).to.deep.equal(["Without an account: Banco Central do Brasil, Rio Coffee Traders."]);
  });

  it("name the first unfunded institution and its address, and list every one as a hint", function () {
    const hkma = { name: "HKMA", address: "0x0000000000000000000000000000000000000001" };
    const harbour = { name: "Harbour Bank", address: "0x0000000000000000000000000000000000000002" };
    const fix = "fund each institution's account, or use a node or mnemonic whose accounts are funded";
    expect(new UnfundedAccountsError("remote", [hkma], 9).shortMessage).to.equal(
      `HKMA's account ${hkma.address} on network "remote" holds no ETH to pay for gas; ${fix}`,
    );
    const two = new UnfundedAccountsError("remote", [hkma, harbour], 9);
    expect(two.shortMessage).to.equal(
      `HKMA's account ${hkma.address} on network "remote" holds no ETH to pay for gas (nor do 1 more of the ledger's 9 accounts; --verbose lists them); ${fix}`,
    );
    expect(two.metaMessages).to.deep.equal([`Fund: HKMA ${hkma.address}`, `Fund: Harbour Bank ${harbour.address}`]);
  });
});

describe("isConnectionFailure (the one place that tells a lost node from any other failure)", function () {
  const code = (message: string, c: string): Error => Object.assign(new Error(message), { code: c });
  /** Hardhat's HardhatError, as its `name` and `number` getters show it. */
  const hardhatError = (number: number, message: string, cause?: unknown): Error =>
    Object.assign(new Error(message, { cause }), { name: "HardhatError", number });

  it("recognises each way a dead node is reported, at any depth of the cause chain", function () {
    const refused = code("connect ECONNREFUSED 127.0.0.1:8545", "ECONNREFUSED");
    expect(isConnectionFailure(refused)).to.equal(true);
    expect(isConnectionFailure(new TypeError("fetch failed", { cause: code("other side closed", "UND_ERR_SOCKET") }))).to.equal(true);
    expect(isConnectionFailure(code("socket hang up", "ECONNRESET"))).to.equal(true);
    expect(isConnectionFailure(new Error("socket hang up"))).to.equal(true);
    expect(isConnectionFailure(hardhatError(703, 'HHE703: Cannot connect to the network "localhost".'))).to.equal(true);
    expect(isConnectionFailure(hardhatError(704, "HHE704: Network connection timed out."))).to.equal(true);
    // Ignition and ethers keep only a message sometimes.
    expect(isConnectionFailure(new Error('IgnitionError: HHE703: Cannot connect to the network "localhost".'))).to.equal(true);
    expect(isConnectionFailure(new StepFailedError(3, "t", "fetch failed"))).to.equal(true);
    expect(isConnectionFailure(new Error("wrapper", { cause: new Error("again", { cause: refused }) }))).to.equal(true);
  });

  it("leaves every other failure alone: a revert, a Hardhat error of another kind, a TypeError, a non-Error", function () {
    expect(isConnectionFailure(new Error("execution reverted: SettlementLegFailed"))).to.equal(false);
    expect(isConnectionFailure(hardhatError(7, 'HHE7: Configuration Variable "X" not found.'))).to.equal(false);
    expect(isConnectionFailure(new TypeError("cannot read x"))).to.equal(false);
    expect(isConnectionFailure("ECONNREFUSED as a string")).to.equal(false);
    expect(isConnectionFailure(undefined)).to.equal(false);
  });

  it("stops on a cause chain that loops", function () {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    Object.assign(a, { cause: b });
    expect(isConnectionFailure(a)).to.equal(false);
  });
});

describe("renderCliError", function () {
  const STACK_LINE = /^\s+at /m;

  it("prints a sandbox error as one line, its short message, without hints or stack", function () {
    const line = renderCliError(new UnknownScenarioError("nope", VALID), false);
    expect(line).to.equal('error: unknown scenario "nope"; choose one of: green-bond-issuance, interbank-payment');
    const hinted = new SandboxError("short; fix it", { metaMessages: ["Fund: HKMA 0x1"], cause: new Error("deep\nmore") });
    expect(renderCliError(hinted, false)).to.equal("error: short; fix it");
  });

  it("with --verbose, prints the short message first, then the error's name and stack", function () {
    const text = renderCliError(new UnknownScenarioError("nope", VALID), true);
    const lines = text.split("\n");
    expect(lines[0]).to.equal('error: unknown scenario "nope"; choose one of: green-bond-issuance, interbank-payment');
    expect(lines[1]).to.equal('UnknownScenarioError: unknown scenario "nope"; choose one of: green-bond-issuance, interbank-payment');
    expect(lines[2]).to.match(STACK_LINE);
    expect(text).to.not.include("caused by:");
  });

  it("with --verbose, prints the hint lines under the first line", function () {
    const text = renderCliError(new SandboxError("short; fix it", { metaMessages: ["Fund: HKMA 0x1", "Fund: Harbour Bank 0x2"] }), true);
    expect(text.split("\n").slice(0, 4)).to.deep.equal(["error: short; fix it", "  Fund: HKMA 0x1", "  Fund: Harbour Bank 0x2", "SandboxError: short; fix it"]);
  });

  it("adds each cause with its stack with --verbose, and hides them without", function () {
    const root = new Error("connect ECONNREFUSED 127.0.0.1:1");
    const cause = new Error("HHE703: Cannot connect to the network", { cause: root });
    const error = new NetworkUnreachableError("localhost", "http://127.0.0.1:1", cause);
    expect(renderCliError(error, false)).to.equal(
      'error: cannot reach network "localhost" at http://127.0.0.1:1; start it (e.g. `npx hardhat node`) or fix its URL',
    );
    const text = renderCliError(error, true);
    expect(text).to.include("\ncaused by: Error: HHE703: Cannot connect to the network\n");
    expect(text).to.include("\ncaused by: Error: connect ECONNREFUSED 127.0.0.1:1\n");
    expect(text.split("\n").filter((l) => STACK_LINE.test(l)).length).to.be.greaterThan(2);
  });

  it("prints a cause without a stack by its name and message", function () {
    const cause = new Error("bare");
    cause.stack = undefined;
    const text = renderCliError(new NetworkUnreachableError("localhost", "http://x", cause), true);
    expect(text.endsWith("\ncaused by: Error: bare")).to.equal(true);
  });

  it("prints a cause that is not an Error as text", function () {
    const text = renderCliError(new NetworkUnreachableError("localhost", "http://x", "refused"), true);
    expect(text.endsWith("\ncaused by: refused")).to.equal(true);
  });

  it("cuts an unexpected error to its first line and points to --verbose", function () {
    const line = renderCliError(new TypeError("cannot read x\n    at somewhere (file.ts:1:1)"), false);
    expect(line).to.equal("error: cannot read x (run with --verbose for details)");
  });

  it("prints an unexpected error's first line, then its name, whole message and stack with --verbose", function () {
    const text = renderCliError(new TypeError("cannot read x\nsecond line"), true);
    expect(text.startsWith("error: cannot read x\nTypeError: cannot read x\nsecond line\n")).to.equal(true);
    expect(text).to.match(STACK_LINE);
  });

  it("prints a thrown non-Error as text, pointing to --verbose only when not verbose", function () {
    expect(renderCliError("boom", false)).to.equal("error: boom (run with --verbose for details)");
    expect(renderCliError(42, false)).to.equal("error: 42 (run with --verbose for details)");
    expect(renderCliError("boom", true)).to.equal("error: boom");
    expect(renderCliError({ code: -32000 }, false)).to.equal('error: {"code":-32000} (run with --verbose for details)');
  });
});

describe("createStepPacer (presenter mode)", function () {
  /** Whether `promise` settles within a few event-loop turns. */
  async function settlesSoon(promise: Promise<void>): Promise<boolean> {
    let settled = false;
    void promise.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return settled;
  }

  it("waits for a line, then goes on", async function () {
    const input = new PassThrough();
    const pacer = createStepPacer(input);
    const first = pacer.waitForEnter();
    expect(await settlesSoon(first)).to.equal(false);
    input.write("\n");
    expect(await settlesSoon(first)).to.equal(true);
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(false);
    pacer.close();
  });

  it("advances one step per line of piped input, lines that came early included", async function () {
    const input = new PassThrough();
    const pacer = createStepPacer(input);
    input.write("\n\n");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(true);
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(true);
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(false);
    pacer.close();
  });

  it("never waits once input has ended, and releases a step already waiting", async function () {
    const input = new PassThrough();
    const pacer = createStepPacer(input);
    const waiting = pacer.waitForEnter();
    input.end();
    expect(await settlesSoon(waiting)).to.equal(true);
    for (let i = 0; i < 3; i++) expect(await settlesSoon(pacer.waitForEnter())).to.equal(true);
    pacer.close();
  });

  it("close() releases a step already waiting, and every later one", async function () {
    const input = new PassThrough();
    const pacer = createStepPacer(input);
    const waiting = pacer.waitForEnter();
    expect(await settlesSoon(waiting)).to.equal(false);
    pacer.close();
    expect(await settlesSoon(waiting)).to.equal(true);
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(true);
  });

  it("never waits when there is no input at all", async function () {
    const input = new PassThrough();
    input.end();
    const pacer = createStepPacer(input);
    input.resume();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await settlesSoon(pacer.waitForEnter())).to.equal(true);
    pacer.close();
  });
});
