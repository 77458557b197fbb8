import { expect } from "chai";
import { stripVTControlCharacters } from "node:util";

import { isRefusal } from "../../src/runner/types.js";
import hre, { network } from "hardhat";

import { SCENARIO_HELP } from "../../src/cli/args.js";
import { deployHongKongLedger } from "../../src/chain/deploy.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { parseMoney } from "../../src/domain/money.js";
import type { ParticipantKey } from "../../src/domain/hong-kong.js";
import type { ScenarioReportJson } from "../../src/report/json.js";
import type { Step } from "../../src/runner/types.js";
import { nameOf } from "../../src/scenarios/steps.js";
import { findScenario, SCENARIO_NAMES, SCENARIOS } from "../../src/scenarios/index.js";
import greenBondIssuance, { ALLOTMENTS, DISTRIBUTION_PRICE, FINAL_HOLDINGS, ISSUE_PRICE } from "../../src/scenarios/green-bond-issuance.js";
import { allSettled, resultOf, startAll } from "../helpers/concurrent.js";
import { runScript, scenarioCli, scenarioInProcess, STACK_LINE, type CliRun } from "../helpers/cli.js";
import { freePort } from "../helpers/hardhat-node.js";

/**
 * `npm run scenario` and `npm run scenarios` as a user runs them: each test checks a run of the
 * script as a child process (`node --import tsx`, as the npm scripts do; the contracts are built by
 * `npm test` beforehand), its exit code, its stdout and its one-line stderr. The children start
 * together in the suite's `before`, two at a time, and each test awaits its own. Arguments refused before
 * any network is used are checked in this process (`scenarioInProcess`: the same command, its
 * return value the exit code), each child costing a few seconds of start-up for a one-line answer;
 * an unknown scenario, an argument npm swallowed and --help still go through a child process.
 */

const FLAGSHIP = "green-bond-issuance";
/** Presenter text compared whole: wide enough that nothing wraps, and never in colour (even if the test's own environment sets FORCE_COLOR). */
const WIDE = { COLUMNS: "400", FORCE_COLOR: "0" };
/** How an ANSI colour code starts. */
const ESC = "\u001b[";


/** Asserts a run ended with `code` and exactly the one line `message` on stderr, nothing on stdout. */
function expectOneLineError(run: CliRun, code: number, message: string): void {
  expect(run.stderr, "stderr").to.equal(`${message}\n`);
  expect(run.stdout, "stdout").to.equal("");
  expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(code);
}

/** Step texts carry the bond's dates, ISIN and issue number, which follow the day the ledger is deployed. */
const withoutDates = (text: string): string =>
  text
    .replace(/\bHK0\d{2}GB\d{5}\b/g, "<isin>")
    .replace(/\b\d{2}GB\d{4}\b/g, "<issue>")
    .replace(/\b\d{1,2} [A-Z][a-z]{2} \d{4}\b/g, "<date>")
    .replace(/\b[A-Z][a-z]{2} \d{4}\b/g, "<month>");

/** The presenter mode's prompt before each step. */
const PROMPT = "  [Enter] to run this step";
/** The prompt before the closing summary and tables. */
const FINAL = "  [Enter] to show the final ledger";

/** "Step k/N  title" lines, prompts and results ("  ✔ …" / "  ✖ …") in the order printed. */
const events = (stdout: string): string[] =>
  stdout
    .split("\n")
    .filter((l) => /^Step \d+\/\d+ {2}/.test(l) || l === PROMPT || /^ {2}[✔✖] /.test(l))
    .map((l) => (l === PROMPT ? "prompt" : l.startsWith("  ✔ ") ? "ok" : l.startsWith("  ✖ ") ? "FAILED" : withoutDates(l)));

/** The flagship's steps, built on a ledger deployed in this process (for their titles and details). */
async function flagshipSteps(): Promise<readonly Step[]> {
  const connection = await network.create();
  try {
    return greenBondIssuance.steps(await deployHongKongLedger(connection));
  } finally {
    await connection.close();
  }
}

/** A run of --step answered one line at a time, each 250 ms after its prompt, and what it had printed when each line was typed. */
interface PacedRun {
  readonly run: CliRun;
  /** How many steps had printed their result when each step's line was typed. */
  readonly resultsWhenAnswered: readonly number[];
  /** Whether the closing summary or tables were out before the Enter they wait for. */
  readonly summaryBeforeEnter: boolean | undefined;
}

/** `--step` with a line typed 250 ms after each prompt (and after the final one): the pauses show whether a step runs before its line. */
async function pacedStepRun(): Promise<PacedRun> {
  const resultsWhenAnswered: number[] = [];
  let summaryBeforeEnter: boolean | undefined;
  let latest = "";
  let answered = 0;
  const run = await scenarioCli([FLAGSHIP, "--step"], {
    env: WIDE,
    onStdout: (stdout, stdin) => {
      latest = stdout;
      if (summaryBeforeEnter === undefined && stdout.includes(`${FINAL}\n`)) {
        setTimeout(() => {
          summaryBeforeEnter = latest.includes(`✔ ${FLAGSHIP}:`) || latest.includes("Participants —");
          stdin.end("\n");
        }, 250);
        return;
      }
      const prompts = stdout.split(`${PROMPT}\n`).length - 1;
      if (prompts <= answered) return;
      answered = prompts;
      // Give the step time to run: it must not, until its line arrives.
      setTimeout(() => {
        resultsWhenAnswered.push(events(latest).filter((e) => e === "ok" || e === "FAILED").length);
        stdin.write("\n");
      }, 250);
    },
  });
  return { run, resultsWhenAnswered, summaryBeforeEnter };
}

/**
 * Every child process of `npm run scenario`'s tests, by name: each test awaits its own, and they start in the
 * suite's first `before`, two at a time (the paced --step run, which mostly waits, beside them), so
 * that one's start-up overlaps another's run. `url` is a port nobody listens on; `steps` the flagship's steps.
 */
function childRuns(url: string, steps: Promise<readonly Step[]>) {
  const stepLines = (extra: string) => steps.then((s) => `${extra}${"\n".repeat(s.length)}`);
  return {
    // In the order the tests read them.
    unknownScenario: () => scenarioCli(["green-bond", "--json"]),
    npmSwallowedFlag: () => scenarioCli([FLAGSHIP], { env: { npm_lifecycle_event: "scenario", npm_config_json: "true" } }),
    unreachable: () => scenarioCli([FLAGSHIP, "--network", "localhost"], { env: { SANDBOX_LOCALHOST_URL: url } }),
    unreachableJson: () => scenarioCli([FLAGSHIP, "--network", "localhost", "--json"], { env: { SANDBOX_LOCALHOST_URL: url } }),
    unreachableVerbose: () => scenarioCli([FLAGSHIP, "--network", "localhost", "--verbose"], { env: { SANDBOX_LOCALHOST_URL: url } }),
    badUrlDefaultNetwork: () => scenarioCli(["interbank-payment", "--json"], { env: BAD_LOCALHOST_URL }),
    badUrlLocalhost: () => scenarioCli([FLAGSHIP, "--network", "localhost"], { env: BAD_LOCALHOST_URL }),
    badThaiUrl: () => scenarioCli([FLAGSHIP, "--network", "thaiLocalhost"], { env: { SANDBOX_THAI_URL: "ftp://example.org" } }),
    help: () => scenarioCli(["--help"]),
    json: () => scenarioCli([FLAGSHIP, "--json"]),
    stepPiped: async () => scenarioCli([FLAGSHIP, "--step"], { input: await stepLines(""), env: WIDE }),
    stepEventsAsked: async () => scenarioCli([FLAGSHIP, "--step"], { input: await stepLines("\ne\n"), env: WIDE }),
    stepVerbose: () => scenarioCli([FLAGSHIP, "--step", "--verbose"], { input: "", env: WIDE }),
    stepColumns80: () => scenarioCli([FLAGSHIP, "--step"], { input: "", env: { COLUMNS: "80", FORCE_COLOR: "1" } }),
    plainColumns120: () => scenarioCli([FLAGSHIP], { env: { COLUMNS: "120", FORCE_COLOR: "0" } }),
    stepInputClosed: () => scenarioCli([FLAGSHIP, "--step"], { input: "", env: WIDE }),
    stepJson: () => scenarioCli([FLAGSHIP, "--step", "--json"], { input: "", env: { ...WIDE, FORCE_COLOR: "1" } }),
  } satisfies Record<string, () => Promise<CliRun>>;
}
type ChildRun = keyof ReturnType<typeof childRuns>;

/** A bad SANDBOX_LOCALHOST_URL. */
const BAD_LOCALHOST_URL = { SANDBOX_LOCALHOST_URL: "localhost 8545" };

let children: ReadonlyMap<ChildRun, Promise<CliRun>> | undefined;
let pacedStep: Promise<PacedRun> | undefined;
let flagship: Promise<readonly Step[]> | undefined;
/** The port nobody listens on of the unreachable-network tests. */
let unreachableUrl: string;
/** What child run `key` printed and its exit code. */
const child = (key: ChildRun): Promise<CliRun> => resultOf(children, key);

describe("npm run scenario (scripts/scenario.ts)", function () {
  this.timeout(180_000);

  before(async function () {
    unreachableUrl = `http://127.0.0.1:${await freePort()}`;
    const steps = flagshipSteps();
    steps.catch(() => undefined);
    flagship = steps;
    const runs = childRuns(unreachableUrl, steps);
    children = startAll(Object.keys(runs) as ChildRun[], 2, (key) => runs[key]());
    pacedStep = pacedStepRun();
    pacedStep.catch(() => undefined);
  });

  after(async function () {
    this.timeout(300_000);
    await allSettled(children);
    await pacedStep?.catch(() => undefined);
    await flagship?.catch(() => undefined);
  });

  describe("bad input: one clear line on stderr and a non-zero exit, no stack trace", function () {
    it("an unknown scenario exits 2 and lists the valid names", async function () {
      const run = await child("unknownScenario");
      expectOneLineError(run, 2, `error: unknown scenario "green-bond"; choose one of: ${SCENARIO_NAMES.join(", ")}`);
      for (const name of SCENARIO_NAMES) expect(run.stderr).to.include(name);
    });

    it("a missing scenario name exits 2 and lists the valid names", async function () {
      const run = await scenarioInProcess(["--json"]);
      expectOneLineError(run, 2, `error: name a scenario: npm run scenario -- <name> (one of: ${SCENARIO_NAMES.join(", ")})`);
    });

    it("an unknown flag exits 2 and names the flag", async function () {
      const run = await scenarioInProcess([FLAGSHIP, "--jsno"]);
      expectOneLineError(
        run,
        2,
        'error: unknown option "--jsno"; the options are --step, --json, --verbose, --network <name>, --help (see --help)',
      );
    });

    it("--network without a value exits 2", async function () {
      const message = "error: --network needs a value, e.g. --network localhost";
      expectOneLineError(await scenarioInProcess([FLAGSHIP, "--network"]), 2, message);
      expectOneLineError(await scenarioInProcess([FLAGSHIP, "--network", "--json"]), 2, message);
    });

    it("the same network twice for a two-chain scenario exits 2 before connecting, naming the fix", async function () {
      const run = await scenarioInProcess(["cross-chain-dvp", "--network", "localhost,localhost"]);
      expectOneLineError(
        run,
        2,
        'error: cross-chain-dvp needs two separate ledgers, but --network names "localhost" twice; e.g. --network localhost,thaiLocalhost',
      );
    });

    it("a second network for a one-chain scenario exits 2 instead of being ignored", async function () {
      const run = await scenarioInProcess([FLAGSHIP, "--network", "localhost,thaiLocalhost"]);
      expectOneLineError(run, 2, `error: ${FLAGSHIP} runs on one chain: give one network, e.g. --network localhost`);
    });

    it("a flag npm swallowed (`npm run scenario <name> --json`, no `--`) exits 2 and shows the right form", async function () {
      const run = await child("npmSwallowedFlag");
      expectOneLineError(
        run,
        2,
        `error: npm took --json for itself and did not pass it on; put \`--\` before the scenario's options: npm run -s scenario -- ${FLAGSHIP} --json`,
      );
    });

    it("an unknown network name exits 2 and lists the configured networks", async function () {
      const configured = Object.keys(hre.config.networks);
      expect(configured).to.include.members(["localhost", "remote"]);
      const run = await scenarioInProcess([FLAGSHIP, "--network", "mainnet"]);
      expectOneLineError(run, 2, `error: unknown network "mainnet"; configured in hardhat.config.ts: ${configured.join(", ")}`);
    });

    describe("an unreachable network", function () {
      let url: string;

      before(function () {
        url = unreachableUrl;
      });

      it("exits 1 with one line that names the URL", async function () {
        const run = await child("unreachable");
        expect(run.stderr).to.equal(
          `error: cannot reach network "localhost" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL\n`,
        );
        expect(run.stdout).to.not.match(STACK_LINE);
        expect(run.stderr).to.not.match(STACK_LINE);
        expect(run.code).to.equal(1);
      });

      it("stays one line on stderr with --json, and prints no JSON", async function () {
        const run = await child("unreachableJson");
        expectOneLineError(run, 1, `error: cannot reach network "localhost" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`);
      });

      it("with --verbose, prints the same first line, then the stack and its causes", async function () {
        const run = await child("unreachableVerbose");
        expect(run.code).to.equal(1);
        const lines = run.stderr.split("\n");
        expect(lines[0]).to.equal(`error: cannot reach network "localhost" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`);
        expect(lines[1]).to.equal(`NetworkUnreachableError: cannot reach network "localhost" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`);
        expect(run.stderr).to.match(STACK_LINE);
        expect(run.stderr).to.include("\ncaused by: HardhatError: HHE703: ");
        expect(run.stderr).to.include("ECONNREFUSED");
        expect(run.stdout).to.not.match(STACK_LINE);
      });
    });

    it("--network with a third network, an empty name, or one network for a two-chain scenario exits 2 before connecting", async function () {
      expectOneLineError(
        await scenarioInProcess(["cross-chain-dvp", "--network", "localhost,thaiLocalhost,remote"]),
        2,
        "error: --network names 3 networks; a scenario runs on one or two chains",
      );
      expectOneLineError(
        await scenarioInProcess(["cross-chain-dvp", "--network", "localhost,"]),
        2,
        'error: --network "localhost," has an empty name; write e.g. --network localhost,thaiLocalhost',
      );
      expectOneLineError(
        await scenarioInProcess(["cross-chain-dvp", "--network", "localhost"]),
        2,
        "error: cross-chain-dvp runs on two chains: name both, e.g. --network localhost,thaiLocalhost",
      );
    });

    it("a value given to a flag that takes none exits 2", async function () {
      expectOneLineError(await scenarioInProcess([FLAGSHIP, "--json=yes"]), 2, "error: --json takes no value: write --json, not --json=yes");
    });
  });

  describe("a bad SANDBOX_LOCALHOST_URL", function () {
    it("leaves the default (in-process) network working", async function () {
      const run = await child("badUrlDefaultNetwork");
      expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0);
      expect(run.stderr).to.equal("");
      expect(() => JSON.parse(run.stdout) as unknown).to.not.throw();
    });

    it("names the variable when --network localhost uses it, and exits 1", async function () {
      const run = await child("badUrlLocalhost");
      expectOneLineError(run, 1, 'error: SANDBOX_LOCALHOST_URL (network "localhost") is not an http(s) URL; set it to one, e.g. http://127.0.0.1:8545');
    });

    it("names SANDBOX_THAI_URL the same way when a network uses that one", async function () {
      const run = await child("badThaiUrl");
      expectOneLineError(run, 1, 'error: SANDBOX_THAI_URL (network "thaiLocalhost") is not an http(s) URL; set it to one, e.g. http://127.0.0.1:8545');
    });
  });

  it("--help exits 0 and prints the usage text on stdout", async function () {
    const run = await child("help");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(`${SCENARIO_HELP}\n`);
    expect(run.stdout).to.include("Usage: npm run scenario -- <name> [--step] [--json] [--network <name>[,<name>]] [--verbose]");
    expect(run.stderr).to.equal("");
  });

  describe(`--json on the in-process network: ${FLAGSHIP}`, function () {
    let run: CliRun;
    let report: ScenarioReportJson;
    let titles: string[];

    before(async function () {
      let steps: readonly Step[];
      if (flagship === undefined) throw new Error("the flagship's steps were not built");
      [run, steps] = await Promise.all([child("json"), flagship]);
      titles = steps.map((s) => s.title);
      expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0);
      // The whole of stdout is one JSON document: no banner, no progress, nothing after it.
      report = JSON.parse(run.stdout) as ScenarioReportJson;
    });

    /** The bond's address on the ledger (the one government bond token). */
    const bondAddress = (): string => {
      const bonds = report.chains[0].tokens.filter((t) => t.kind === "governmentBond");
      expect(bonds).to.have.length(1);
      return bonds[0].address;
    };

    it("prints exactly one JSON document on stdout, and no error or stack anywhere", function () {
      expect(run.stdout.trimStart().startsWith("{")).to.equal(true);
      expect(run.stdout.trimEnd().endsWith("}")).to.equal(true);
      expect(run.stderr).to.not.include("error");
      expect(run.stderr).to.not.match(STACK_LINE);
    });

    it("names the scenario, the in-process network and its chain, and a run that held", function () {
      expect(report.schemaVersion).to.equal(1);
      expect(report.scenario.name).to.equal(FLAGSHIP);
      expect(report.ok).to.equal(true);
      expect(report.chains.map((c) => [c.network, c.chainId])).to.deep.equal([["default", 31337]]);
      for (const balance of report.finalBalances) expect(balance.amount, `${balance.holder.name} ${balance.token.symbol}`).to.match(/^[1-9]\d*$/);
    });

    it("reports every step of the scenario, in order, each ok or an expected failure", function () {
      expect(report.steps.map((s) => withoutDates(s.title))).to.deep.equal(titles.map(withoutDates));
      for (const step of report.steps) expect(step.status, step.id).to.be.oneOf(["ok", "expected-failure"]);
    });

    it("gives every mined transaction its own hash and the gas it used", function () {
      const mined = report.steps.flatMap((s) =>
        s.transactions.flatMap((t) => {
          // Read as plain JSON: the report's TransactionJson type keeps only the fields both kinds share.
          const tx: { status?: unknown; hash?: unknown; gasUsed?: unknown } = t;
          return tx.status === "success" ? [{ step: s.id, hash: tx.hash, gasUsed: tx.gasUsed }] : [];
        }),
      );
      expect(mined.length).to.be.greaterThan(report.steps.length);
      expect(new Set(mined.map((t) => t.hash)).size).to.equal(mined.length);
      for (const tx of mined) {
        expect(tx.hash, tx.step).to.be.a("string").that.matches(/^0x[0-9a-f]{64}$/);
        expect(Number(tx.gasUsed), tx.step).to.be.greaterThan(21_000);
      }
    });

    it("ends with the bond fully redeemed: no holder has any unit left", function () {
      const bond = bondAddress();
      expect(report.finalBalances.filter((b) => b.token.address === bond)).to.deep.equal([]);
      // The last step burned every holder's units.
      const burned = report.steps[report.steps.length - 1].balanceChanges.filter((c) => c.token.address === bond);
      expect(burned.map((c) => [c.holder.name, c.before, c.after])).to.have.deep.members(
        (Object.entries(FINAL_HOLDINGS) as [ParticipantKey, bigint][]).map(([key, units]) => [nameOf(key), String(units), "0"]),
      );
    });

    it("ends with the balances the scenario's trades, coupons and redemption add up to", function () {
      const units = (n: bigint): bigint => n * DENOMINATION;
      // Each coupon is computed on a holding and rounded down once (GovernmentBond.couponOn).
      const days = couponDays(report);
      expect(days).to.have.length(6);
      const on = (units: bigint): bigint => days.reduce((sum, d) => sum + couponOn(d, units), 0n);
      const first = (units: bigint): bigint => couponOn(days[0], units);
      const afterFirst = (units: bigint): bigint => on(units) - first(units);
      const wcbdc = (bank: keyof typeof OPENING_WCBDC): bigint => parseMoney(OPENING_WCBDC[bank], 2);
      const deposit = (who: keyof typeof OPENING_DEPOSITS): bigint => parseMoney(OPENING_DEPOSITS[who] ?? "0", 2);
      const ex = 5_003_000n; // Peak → Kowloon Dealer, 30 units, after the first record date
      const peakCoupons = first(100n) + afterFirst(70n);
      const kowloonCoupons = afterFirst(30n);

      // Record holdings: Harbour 420 (600 − 100 − 80), Victoria 340 (400 − 60), Peak 100 then 70,
      // Kowloon Dealer 0 then 30, Tsing Yi 80, Lantau 60. Customers are paid through their bank, so a
      // bank's wCBDC also receives its customers' coupons and redemption.
      const expected: Record<string, Record<string, bigint>> = {
        "Harbour Bank": {
          wHKD: wcbdc("harbourBank") - ALLOTMENTS.harbourBank * ISSUE_PRICE + 80n * DISTRIBUTION_PRICE + on(420n) + peakCoupons + kowloonCoupons + units(520n),
        },
        "Victoria Bank": {
          wHKD: wcbdc("victoriaBank") - ALLOTMENTS.victoriaBank * ISSUE_PRICE - 80n * DISTRIBUTION_PRICE + 60n * DISTRIBUTION_PRICE + on(340n) + on(80n) + units(420n),
        },
        "Lion Rock Bank": { wHKD: wcbdc("lionRockBank") - 60n * DISTRIBUTION_PRICE + on(60n) + units(60n) },
        "HKSAR Government": { vbHKD: deposit("government") },
        "Kowloon Dealer": { hbHKD: deposit("kowloonDealer") - 30n * ex + kowloonCoupons + units(30n) },
        "Peak Asset Management": {
          hbHKD: deposit("peakAsset") - 100n * DISTRIBUTION_PRICE + 30n * ex + peakCoupons + units(70n),
        },
        "Tsing Yi Insurance": { vbHKD: deposit("tsingYiInsurance") - 80n * DISTRIBUTION_PRICE + on(80n) + units(80n) },
        "Lantau Pension Fund": { lrHKD: deposit("lantauPension") - 60n * DISTRIBUTION_PRICE + on(60n) + units(60n) },
      };
      const asStrings = Object.fromEntries(
        Object.entries(expected).map(([holder, tokens]) => [holder, Object.fromEntries(Object.entries(tokens).map(([t, v]) => [t, v.toString()]))]),
      );
      const balances: Record<string, Record<string, string>> = {};
      for (const b of report.finalBalances) (balances[b.holder.name] ??= {})[b.token.symbol] = b.amount;
      // HKMA paid all the issue proceeds it held into the paying agent; the agent and the engine hold nothing.
      expect(balances).to.deep.equal(asStrings);
      expect(balances).to.not.have.any.keys("HKMA", "paying agent", "settlement engine");
      // A few figures by hand, for anyone reading this: the Government's deposit is untouched, and
      // Lion Rock Bank's wCBDC moved exactly as its one customer's deposit did.
      expect(balances["HKSAR Government"]).to.deep.equal({ vbHKD: "50000000000" });
      expect(BigInt(balances["Lion Rock Bank"].wHKD) - 80_000_000_000n).to.equal(BigInt(balances["Lantau Pension Fund"].lrHKD) - 15_000_000_000n);
    });
  });

  describe(`--step (presenter mode) with piped input: ${FLAGSHIP}`, function () {
    let steps: readonly Step[];
    let run: CliRun;
    const expectedEvents = (): string[] =>
      steps.flatMap((s, i) => [`Step ${i + 1}/${steps.length}  ${withoutDates(s.title)}`, "prompt", "ok"]);

    before(async function () {
      if (flagship === undefined) throw new Error("the flagship's steps were not built");
      steps = await flagship;
      // N lines for N steps, then the input ends; wide and without colour, so that lines compare whole.
      run = await child("stepPiped");
    });

    it("advances one step per line through every step and exits 0", function () {
      expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0);
      expect(events(run.stdout)).to.deep.equal(expectedEvents());
      // The summary's first words; the rest of its wording is the report layer's (test/scenario).
      expect(run.stdout).to.match(new RegExp(`^✔ ${FLAGSHIP}: ${steps.length} steps\\b`, "m"));
      expect(run.stderr).to.equal("");
      expect(run.stdout).to.not.match(STACK_LINE);
    });

    it("shows each step's preview before it runs and what happened after it", function () {
      const stdout = withoutDates(run.stdout);
      expect(steps.filter((s) => s.detail !== undefined).length).to.be.greaterThan(3);
      // A preview: heading, the step's explanation if it has one, then the prompt...
      for (const [i, step] of steps.entries()) {
        const lines = [`Step ${i + 1}/${steps.length}  ${step.title}`];
        if (step.detail !== undefined) lines.push(`  ${step.detail}`);
        if (isRefusal(step.expect)) lines.push("  (this step is meant to be refused, to show that nothing moves)");
        expect(stdout).to.include(`\n${withoutDates(lines.join("\n"))}\n${PROMPT}\n`);
      }
      // ...and a result: its transactions with gas, and the balances before → after.
      expect(run.stdout).to.match(/^ {2}tx 0x[0-9a-f]{8}… {2}allotTender\(\) — allotment and DvP settlement {2}\(gas [\d,]+\)$/m);
      expect(run.stdout).to.match(/^ {2}Holder +Token +Before +After$/m);
    });

    it("waits for each line before running the step, and for one more before the closing summary and tables", async function () {
      if (pacedStep === undefined) throw new Error("the paced run was not started");
      const { run: paced, resultsWhenAnswered, summaryBeforeEnter } = await pacedStep;
      expect(paced.code, `exit code; stderr: ${paced.stderr}`).to.equal(0);
      expect(resultsWhenAnswered).to.deep.equal(steps.map((_, i) => i));
      expect(events(paced.stdout)).to.deep.equal(expectedEvents());
      expect(summaryBeforeEnter).to.equal(false);
      const [, after] = paced.stdout.split(`${FINAL}\n`);
      expect(after).to.match(new RegExp(`^\\n✔ ${FLAGSHIP}: ${steps.length} steps\\b`));
      expect(after).to.include("\nParticipants — Hong Kong ledger");
    });

    it("shows no event list per step unless asked: e + Enter lists the last step's events, then shows the prompt again", async function () {
      // Enter runs step 1; "e" lists its events; Enter runs each further step.
      const asked = await child("stepEventsAsked");
      expect(asked.code, `exit code; stderr: ${asked.stderr}`).to.equal(0);
      const lines = asked.stdout.split("\n");
      const listed = lines.findIndex((l) => l === `Events of step 1/${steps.length}  ${steps[0].title}`);
      expect(listed, asked.stdout).to.be.greaterThan(0);
      // The events appear once, in the list asked for, and nowhere else.
      expect(lines.filter((l) => l.startsWith("     • "))).to.deep.equal([
        "     • HKD 1,500,000,000.00 wHKD issued to Harbour Bank",
        "     • HKD 1,200,000,000.00 wHKD issued to Victoria Bank",
        "     • HKD 800,000,000.00 wHKD issued to Lion Rock Bank",
      ]);
      expect(lines[listed + 1]).to.match(/^ {2}tx 0x[0-9a-f]{8}… {2}mint 1,500,000,000\.00 wHKD to Harbour Bank/);
      // ...then step 2's heading and prompt again, once more than without the request.
      expect(lines.filter((l) => l === `Step 2/${steps.length}  ${steps[1].title}`)).to.have.length(2);
      expect(lines.filter((l) => l === PROMPT)).to.have.length(steps.length + 1);
      expect(asked.stdout).to.include("  3 events not shown: [e] [Enter] lists them (or run with --verbose)\n");
    });

    it("with --verbose, every step shows its events as without --step", async function () {
      const verbose = await child("stepVerbose");
      expect(verbose.code, `exit code; stderr: ${verbose.stderr}`).to.equal(0);
      expect(verbose.stdout).to.include("\n     • HKD 1,500,000,000.00 wHKD issued to Harbour Bank\n");
      expect(verbose.stdout).to.not.include("not shown: [e] [Enter]");
    });

    it("at COLUMNS=80 with FORCE_COLOR: colour, no line wider than 80, and each step from its title to the next prompt fits 50 rows", async function () {
      const coloured = await child("stepColumns80");
      expect(coloured.code, `exit code; stderr: ${coloured.stderr}`).to.equal(0);
      expect(coloured.stdout).to.include(`  ${ESC}32m✔ done${ESC}39m\n`);
      const lines = stripVTControlCharacters(coloured.stdout).split("\n");
      expect(lines.filter((l) => l.length > 80)).to.deep.equal([]);
      const headings = lines.flatMap((l, i) => (/^Step \d+\/\d+ {2}/.test(l) ? [i] : []));
      const prompts = lines.flatMap((l, i) => (l.startsWith("  [Enter] to ") ? [i] : []));
      expect(headings).to.have.length(steps.length);
      const rows = headings.map((h) => {
        // This step's own prompt, then the next one: all of it on screen at once.
        const next = prompts.filter((p) => p > h)[1];
        return next - h + 1;
      });
      for (const [i, n] of rows.entries()) expect(n, `step ${i + 1}: ${n} rows`).to.be.at.most(49);
    });

    it("without --step at COLUMNS=120 and FORCE_COLOR=0: today's full output, no colour, lines within 120, addresses short in the tables", async function () {
      const plain = await child("plainColumns120");
      expect(plain.code, `exit code; stderr: ${plain.stderr}`).to.equal(0);
      expect(plain.stdout).to.not.include(ESC);
      const lines = plain.stdout.split("\n");
      expect(lines.filter((l) => [...l].length > 120)).to.deep.equal([]);
      expect(plain.stdout).to.include("\n     • HKD 1,500,000,000.00 wHKD issued to Harbour Bank\n");
      expect(plain.stdout).to.match(/more events \(all of them in --json\)/);
      const participants = lines.slice(lines.findIndex((l) => l.startsWith("Participants — ")));
      expect(participants[3]).to.match(/^HKMA +central bank +HK +0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} +\d{2} \w{3} \d{4}/);
    });

    it("does not hang when standard input is closed at once (no input at all): runs every step", async function () {
      const closed = await child("stepInputClosed");
      expect(closed.code, `exit code; stderr: ${closed.stderr}`).to.equal(0);
      expect(events(closed.stdout)).to.deep.equal(expectedEvents());
    });

    it("with --json, keeps stdout for the JSON and shows the presenter's text on stderr", async function () {
      const both = await child("stepJson");
      expect(both.code, `exit code; stderr: ${both.stderr}`).to.equal(0);
      const report = JSON.parse(both.stdout) as ScenarioReportJson;
      expect(report.steps).to.have.length(steps.length);
      // --json never colours, not even the presenter's text on stderr.
      expect(both.stdout + both.stderr).to.not.include(ESC);
      expect(events(both.stderr)).to.deep.equal(steps.flatMap((s, i) => [`Step ${i + 1}/${steps.length}  ${withoutDates(s.title)}`, "prompt"]));
    });
  });
});

describe("npm run scenarios (scripts/scenarios.ts)", function () {
  this.timeout(60_000);

  it("lists every scenario with its one-line description and exits 0", async function () {
    const run = await runScript("scenarios.ts", []);
    expect(run.code).to.equal(0);
    expect(run.stderr).to.equal("");
    const lines = run.stdout.split("\n");
    expect(lines[0]).to.equal("Scenarios (run one with: npm run scenario -- <name> [--step] [--json] [--network <name>])");
    expect(lines[1]).to.equal("");
    const listed = lines.slice(2).filter((l) => l !== "");
    expect(listed).to.have.length(SCENARIO_NAMES.length);
    for (const [i, name] of SCENARIO_NAMES.entries()) {
      const scenario = findScenario(name);
      expect(scenario).to.not.equal(undefined);
      expect(listed[i]).to.match(new RegExp(`^  ${name} +${escapeRegExp(scenario?.description ?? "")}$`));
      expect(scenario?.description).to.not.include("\n");
    }
    expect(SCENARIOS.map((s) => s.name)).to.include(FLAGSHIP);
  });
});

// ----------------------------------------------------------------------------------- helpers

/** Face value of one unit of the green bond, in minor units (HK$50,000). */
const DENOMINATION = 5_000_000n;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Each coupon per unit, computed by hand: ACT/365F on HK$50,000 at 4.25%, rounded down, over the
 * days between the dates the run's notes give (the issue date, then each coupon date); checked
 * against the figure the run noted.
 */
/** The coupon on a holding of `units` over `days` (ACT/365F, 4.25%, HK$50,000 a unit), rounded down once. */
function couponOn(days: bigint, units: bigint): bigint {
  return (DENOMINATION * units * 425n * days) / (10_000n * 365n);
}

/** The length in days of each coupon period paid, read from the run's clock and coupon observations. */
function couponDays(report: ScenarioReportJson): bigint[] {
  type Values = Readonly<Record<string, { readonly type: string; readonly amount?: string; readonly value?: string }>>;
  const observations = (step: ScenarioReportJson["steps"][number]): { kind: string; time?: string; text?: string; values?: Values }[] =>
    step.observations;
  const issued = report.steps.find((s) => s.id === "issue-by-tender");
  const issueClock = issued === undefined ? undefined : observations(issued).find((o) => o.kind === "clock")?.time;
  if (issueClock === undefined) throw new Error("the issue step observed no clock");

  const result: bigint[] = [];
  const midnight = (time: bigint): bigint => time - (time % 86_400n);
  let start = midnight(BigInt(issueClock));
  let lastClock: bigint | undefined;
  for (const o of report.steps.flatMap(observations)) {
    if (o.kind === "clock" && o.time !== undefined) lastClock = BigInt(o.time);
    if (o.kind !== "note" || o.text?.startsWith("coupon {coupon}:") !== true || o.values === undefined) continue;
    const { coupon, owed, liability } = o.values;
    if (lastClock === undefined) throw new Error(`coupon ${coupon?.value} paid before any clock was observed`);
    // Coupon dates are days (midnight UTC); the clock may read a few seconds past one.
    const days = (midnight(lastClock) - start) / 86_400n;
    expect(Number(days)).to.be.within(181, 184);
    expect(coupon?.value).to.equal(String(result.length + 1));
    // The whole issue's coupon bounds what the holdings are paid, which is less by under a cent a holder.
    expect(BigInt(liability?.amount ?? "-1")).to.equal(couponOn(days, 1_000n), `coupon ${coupon?.value} over ${days} days`);
    expect(BigInt(owed?.amount ?? "-1")).to.be.at.most(couponOn(days, 1_000n));
    expect(BigInt(owed?.amount ?? "-1")).to.be.at.least(couponOn(days, 1_000n) - 6n);
    result.push(days);
    start = midnight(lastClock);
  }
  return result;
}
