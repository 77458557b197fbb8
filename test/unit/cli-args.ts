import { PassThrough } from "node:stream";

import { expect } from "chai";

import { checkNpmSwallowedFlags, networksFor, parseScenarioArgs, SCENARIO_HELP, type ScenarioArgs } from "../../src/cli/args.js";
import {
  exitCodeOf,
  MissingOptionValueError,
  MissingScenarioError,
  NetworkUnreachableError,
  renderCliError,
  SandboxError,
  StepFailedError,
  UnknownNetworkError,
  UnknownOptionError,
  UnknownScenarioError,
  UsageError,
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

describe("CLI errors", function () {
  it("give usage errors exit code 2 and every other error exit code 1", function () {
    expect(exitCodeOf(new UnknownScenarioError("x", VALID))).to.equal(2);
    expect(exitCodeOf(new UnknownNetworkError("mars", ["localhost"]))).to.equal(2);
    expect(exitCodeOf(new NetworkUnreachableError("localhost", "http://127.0.0.1:1", new Error("ECONNREFUSED")))).to.equal(1);
    expect(exitCodeOf(new StepFailedError(2, "t", "r"))).to.equal(1);
    expect(exitCodeOf(new SandboxError("x"))).to.equal(1);
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
});

describe("renderCliError", function () {
  const STACK_LINE = /^\s+at /m;

  it("prints a sandbox error as one line without its stack", function () {
    const line = renderCliError(new UnknownScenarioError("nope", VALID), false);
    expect(line).to.equal('error: unknown scenario "nope"; choose one of: green-bond-issuance, interbank-payment');
    expect(line).to.not.include("\n");
  });

  it("prints the stack of a sandbox error with --verbose", function () {
    const error = new UnknownScenarioError("nope", VALID);
    const text = renderCliError(error, true);
    expect(text.startsWith('error: UnknownScenarioError: unknown scenario "nope"')).to.equal(true);
    expect(text).to.match(STACK_LINE);
    expect(text).to.not.include("caused by:");
  });

  it("adds the cause's stack with --verbose, and hides it without", function () {
    const cause = new Error("HHE703: Cannot connect to the network");
    const error = new NetworkUnreachableError("localhost", "http://127.0.0.1:1", cause);
    expect(renderCliError(error, false)).to.equal(
      'error: cannot reach network "localhost" at http://127.0.0.1:1; start it (e.g. `npx hardhat node`) or fix its URL',
    );
    const text = renderCliError(error, true);
    expect(text).to.include(`\ncaused by: Error: HHE703: Cannot connect to the network\n`);
    expect(text.split("\n").filter((l) => STACK_LINE.test(l)).length).to.be.greaterThan(1);
  });

  it("prints the cause's message when it has no stack", function () {
    const cause = new Error("bare");
    cause.stack = undefined;
    const text = renderCliError(new NetworkUnreachableError("localhost", "http://x", cause), true);
    expect(text.endsWith("\ncaused by: bare")).to.equal(true);
  });

  it("ignores a cause that is not an Error", function () {
    const text = renderCliError(new NetworkUnreachableError("localhost", "http://x", "refused"), true);
    expect(text).to.not.include("caused by");
  });

  it("cuts an unexpected error to its first line and points to --verbose", function () {
    const line = renderCliError(new TypeError("cannot read x\n    at somewhere (file.ts:1:1)"), false);
    expect(line).to.equal("error: cannot read x (run with --verbose for details)");
  });

  it("prints an unexpected error's stack with --verbose", function () {
    const text = renderCliError(new TypeError("cannot read x"), true);
    expect(text.startsWith("error: TypeError: cannot read x\n")).to.equal(true);
    expect(text).to.match(STACK_LINE);
  });

  it("prints a thrown non-Error as text, pointing to --verbose only when not verbose", function () {
    expect(renderCliError("boom", false)).to.equal("error: boom (run with --verbose for details)");
    expect(renderCliError(42, false)).to.equal("error: 42 (run with --verbose for details)");
    expect(renderCliError("boom", true)).to.equal("error: boom");
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
