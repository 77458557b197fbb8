import { expect } from "chai";
import { MaxUint256 } from "ethers";
import { network } from "hardhat";

import { renderCliError, StepFailedError } from "../../src/cli/errors.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { toScenarioJson } from "../../src/report/json.js";
import { renderStepResult, renderSummary } from "../../src/report/terminal.js";
import { judge, runScenario, type RunHooks, type ScenarioRun, type StepOutcome } from "../../src/runner/run.js";
import { defineScenario, type ExpectedRefusal, type Step } from "../../src/runner/types.js";

/**
 * The scenario runner on inline scenarios: how it judges each step (ok, expected failure, failed),
 * that it stops at the first unexpected failure, and that the failure reads as a decoded reason
 * with names — the line the CLI prints.
 */

const connection = await network.create();

async function deployedLedger(): Promise<HongKongLedger> {
  return deployHongKongLedger(connection);
}
const loadLedger = (): Promise<HongKongLedger> => connection.networkHelpers.loadFixture(deployedLedger);

const CENTRAL_BANK_ROLE = "CENTRAL_BANK_ROLE"; // reports name roles instead of printing their hash
/** What a stranger's mint is refused with. */
const UNAUTHORIZED: ExpectedRefusal = { revert: "AccessControlUnauthorizedAccount" };
const HKD_1000 = 100_000n;

/** HKMA credits Harbour Bank with HKD 1,000.00 of wCBDC. */
const creditHarbour: Step = {
  title: "HKMA credits Harbour Bank with HKD 1,000.00 of wCBDC",
  action: async (ctx) => {
    const harbour = ctx.ledger.participants.harbourBank;
    await ctx.send("mint 1,000.00 wHKD to Harbour Bank", ctx.ledger.wcbdc.mint(harbour.address, HKD_1000));
  },
};

/** Kowloon Dealer, who is not the central bank, tries to mint itself wCBDC. */
const strangerMints = (expect?: Step["expect"]): Step => ({
  title: "Kowloon Dealer tries to mint itself wCBDC",
  ...(expect === undefined ? {} : { expect }),
  action: async (ctx) => {
    const dealer = ctx.ledger.participants.kowloonDealer;
    await ctx.send("Kowloon Dealer mints 1.00 wHKD", ctx.ledger.wcbdc.connect(dealer.signer).mint(dealer.address, 100n));
  },
});

/** Runs an inline scenario of `steps`, recording the hook calls. */
async function run(ledger: HongKongLedger, steps: readonly Step[]): Promise<{ run: ScenarioRun; before: string[]; after: string[] }> {
  const beforeCalls: string[] = [];
  const afterCalls: string[] = [];
  const hooks: RunHooks = {
    async beforeStep(step, index, total) {
      beforeCalls.push(`${index + 1}/${total} ${step.title}`);
    },
    async afterStep(result, _book, total) {
      afterCalls.push(`${result.index + 1}/${total} ${result.status}`);
    },
  };
  const scenario = defineScenario({ name: "inline", description: "an inline scenario for the runner's tests", steps: () => steps });
  return { run: await runScenario(scenario, ledger, hooks), before: beforeCalls, after: afterCalls };
}

describe("runScenario", function () {
  this.timeout(60_000);

  describe("a step that fails unexpectedly", function () {
    let ledger: HongKongLedger;
    let result: ScenarioRun;
    let beforeCalls: string[];
    let afterCalls: string[];
    let thirdRan = false;

    before(async function () {
      ledger = await loadLedger();
      ({ run: result, before: beforeCalls, after: afterCalls } = await run(ledger, [
        creditHarbour,
        strangerMints(),
        {
          title: "This step must never run",
          action: async () => {
            thirdRan = true;
          },
        },
      ]));
    });

    it("is marked failed with the decoded revert reason, naming the account", function () {
      const failed = result.steps[1];
      expect(failed.index).to.equal(1);
      expect(failed.title).to.equal("Kowloon Dealer tries to mint itself wCBDC");
      expect(failed.status).to.equal("failed");
      expect(failed.reason).to.equal(`AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`);
      expect(failed.transactions).to.deep.equal([]);
      expect(failed.changes).to.deep.equal([]);
    });

    it("stops the run there: the next step neither runs nor appears, and the run is not ok", function () {
      expect(result.ok).to.equal(false);
      expect(result.steps.map((s) => s.status)).to.deep.equal(["ok", "failed"]);
      expect(thirdRan).to.equal(false);
      expect(beforeCalls).to.deep.equal([
        "1/3 HKMA credits Harbour Bank with HKD 1,000.00 of wCBDC",
        "2/3 Kowloon Dealer tries to mint itself wCBDC",
      ]);
      expect(afterCalls).to.deep.equal(["1/3 ok", "2/3 failed"]);
    });

    it("keeps what the steps before it did", function () {
      const ok = result.steps[0];
      expect(ok.transactions).to.have.length(1);
      expect(ok.transactions[0].hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(ok.transactions[0].gasUsed > 0n).to.equal(true);
      expect(ok.changes.map((c) => [result.book.label(c.holder), c.token.symbol, c.before, c.after])).to.deep.equal([
        ["Harbour Bank", "wHKD", 0n, HKD_1000],
      ]);
      const wcbdc = ledger.wcbdc.target as string;
      expect(result.finalBalances[wcbdc][ledger.participants.harbourBank.address]).to.equal(HKD_1000);
    });

    it("reports it in JSON: ok false, the failed step with its reason, no later step", function () {
      const json = toScenarioJson(result, "default");
      expect(json).to.include({ scenario: "inline", network: "default", chainId: 31337, ok: false });
      expect(json.steps).to.have.length(2);
      expect(json.steps[1]).to.deep.include({
        title: "Kowloon Dealer tries to mint itself wCBDC",
        status: "failed",
        reason: `AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
        txs: [],
      });
      expect(json.steps[0]).to.not.have.property("reason");
      expect(json.balances).to.deep.equal({ "Harbour Bank": { wHKD: "100000" } });
    });

    it("reads in the terminal as FAILED with the reason, and the summary names the step", function () {
      expect(renderStepResult(result.steps[1], result).split("\n")).to.deep.equal([
        `  ✖ FAILED: AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
        "  no balance moved — atomicity held",
      ]);
      expect(renderSummary(result, "default")).to.equal(
        `\n✖ inline stopped at step 2: AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
      );
    });

    it("becomes the CLI's one line: step number, title and decoded reason", function () {
      // What scenarioCommand throws for a run that is not ok.
      const last = result.steps[result.steps.length - 1];
      const error = new StepFailedError(last.index + 1, last.title, last.reason ?? "unknown reason");
      expect(renderCliError(error, false)).to.equal(
        `error: step 2 "Kowloon Dealer tries to mint itself wCBDC" failed: AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
      );
    });
  });

  describe("judging each step against what it expects", function () {
    it("an expected refusal that moves nothing is an expected failure, with its reason; the run is ok", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        creditHarbour,
        strangerMints(UNAUTHORIZED),
        {
          title: "Harbour Bank tries to pay Victoria Bank more wCBDC than it holds",
          expect: { revert: "ERC20InsufficientBalance" },
          action: async (ctx) => {
            const { harbourBank, victoriaBank } = ctx.ledger.participants;
            await ctx.send("transfer 2,000.00 wHKD", ctx.ledger.wcbdc.connect(harbourBank.signer).transfer(victoriaBank.address, 2n * HKD_1000));
          },
        },
        {
          title: "Harbour Bank authorises the engine: recorded on chain, no balance moves",
          expect: { noBalanceChange: "Approval" },
          action: async (ctx) => {
            const { harbourBank } = ctx.ledger.participants;
            await ctx.send("approve", ctx.ledger.wcbdc.connect(harbourBank.signer).approve(ctx.ledger.engine.target as string, MaxUint256));
          },
        },
      ]);
      expect(result.ok).to.equal(true);
      expect(result.steps.map((s) => s.status)).to.deep.equal(["ok", "expected-failure", "expected-failure", "expected-failure"]);
      expect(result.steps[1].reason).to.equal(`AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`);
      expect(result.steps[2].reason).to.equal("ERC20InsufficientBalance(Harbour Bank, 100000, 200000)");
      expect(result.steps[3].reason).to.equal(undefined);
      expect(result.steps[3].transactions).to.have.length(1);
      for (const s of result.steps.slice(1)) expect(s.changes).to.deep.equal([]);

      expect(renderStepResult(result.steps[1], result).split("\n")).to.deep.equal([
        `  ✔ refused as expected: AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
        "  no balance moved — atomicity held",
      ]);
      expect(renderStepResult(result.steps[3], result).split("\n")[0]).to.equal(
        "  ✔ as expected: the attempt is recorded on chain and no balance moved",
      );
      expect(renderSummary(result, "default")).to.match(/^\n✔ inline: 4 steps on network "default" \(chain 31337\), 3 refused as designed, [\d,]+ gas in all$/);
    });

    it("an expected refusal that goes through fails the run", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [{ ...creditHarbour, expect: UNAUTHORIZED }, creditHarbour]);
      expect(result.ok).to.equal(false);
      expect(result.steps).to.have.length(1);
      expect(result.steps[0]).to.include({
        status: "failed",
        reason: "expected the chain to refuse this step with AccessControlUnauthorizedAccount, but it went through",
      });
      expect(result.steps[0].changes).to.have.length(1);
    });

    it("an expected refusal after which balances moved fails the run, naming the refusal", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        {
          title: "HKMA credits Harbour Bank, then Kowloon Dealer tries to mint",
          expect: UNAUTHORIZED,
          action: async (ctx) => {
            await creditHarbour.action(ctx);
            await strangerMints().action(ctx);
          },
        },
      ]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({
        status: "failed",
        reason: `refused (AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})) but balances moved`,
      });
      expect(result.steps[0].transactions).to.have.length(1);
    });

    it("a no-balance-change step that moves a balance fails the run", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [{ ...creditHarbour, expect: { noBalanceChange: "Transfer" } }]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({ status: "failed", reason: "expected no balance to move, but some did" });
    });

    it("a no-balance-change step that reverts fails the run with the decoded reason", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [strangerMints({ noBalanceChange: "Transfer" })]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({ status: "failed", reason: `AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})` });
    });

    it("an expected refusal refused with another error fails the run, naming both", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [strangerMints({ revert: "SettlementLegFailed", reason: "MONY" })]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({
        status: "failed",
        reason: `expected a refusal with SettlementLegFailed (reason MONY), but it was refused with AccessControlUnauthorizedAccount: AccessControlUnauthorizedAccount(Kowloon Dealer, ${CENTRAL_BANK_ROLE})`,
      });
    });

    it("an expected refusal whose step throws a bug instead (a TypeError) fails the run: it is not refused as expected", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        {
          title: "A step meant to be refused, with a bug in it",
          expect: UNAUTHORIZED,
          action: async () => {
            throw new TypeError("cannot read properties of undefined (reading 'signer')");
          },
        },
      ]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({
        status: "failed",
        reason:
          "expected the chain to refuse this step with AccessControlUnauthorizedAccount, but the step failed with: cannot read properties of undefined (reading 'signer')",
      });
    });

    it("a no-balance-change step that does not emit the event it names fails the run, listing what it emitted", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        {
          title: "Harbour Bank authorises the engine",
          expect: { noBalanceChange: "TradeSettlementFailed", reason: "LACK" },
          action: async (ctx) => {
            const { harbourBank } = ctx.ledger.participants;
            await ctx.send("approve", ctx.ledger.wcbdc.connect(harbourBank.signer).approve(ctx.ledger.engine.target as string, 1n));
          },
        },
      ]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({
        status: "failed",
        reason: "expected event TradeSettlementFailed with reason LACK, but the step emitted Approval",
      });
    });

    it("a check that does not hold fails the step with its message", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        {
          title: "Harbour Bank should hold wCBDC",
          action: async (ctx) => {
            const balance = await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.harbourBank.address);
            ctx.check(balance > 0n, "Harbour Bank should hold wCBDC by now");
          },
        },
      ]);
      expect(result.ok).to.equal(false);
      expect(result.steps[0]).to.include({ status: "failed", reason: "Harbour Bank should hold wCBDC by now" });
    });

    it("an error that is not a revert fails the step with the first line of its message", async function () {
      const ledger = await loadLedger();
      const { run: result } = await run(ledger, [
        {
          title: "A bug in a step",
          action: async () => {
            throw new RangeError("index 9 out of range\nsecond line");
          },
        },
      ]);
      expect(result.steps[0]).to.include({ status: "failed", reason: "index 9 out of range" });
    });

    it("records notes, and runs every step of a scenario that holds", async function () {
      const ledger = await loadLedger();
      const { run: result, before: beforeCalls } = await run(ledger, [
        creditHarbour,
        {
          title: "A note",
          action: async (ctx) => {
            ctx.note(`Harbour Bank holds ${ctx.money(await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.harbourBank.address))}`);
          },
        },
      ]);
      expect(result.ok).to.equal(true);
      expect(beforeCalls).to.have.length(2);
      expect(result.steps[1]).to.deep.include({ status: "ok", notes: ["Harbour Bank holds HKD 1,000.00"], changes: [], transactions: [] });
      expect(renderStepResult(result.steps[1], result).split("\n")).to.deep.equal([
        "  ✔ done",
        "  Harbour Bank holds HKD 1,000.00",
        "  no balance moved",
      ]);
    });
  });
});

/** `judge` on its own: no chain, no ledger; the verdict of every kind of step outcome. */
describe("judge", function () {
  const outcome = (expect: StepOutcome["expect"], over: Partial<StepOutcome> = {}): StepOutcome => ({
    index: 0,
    title: "a step",
    expect,
    transactions: [],
    notes: [],
    changes: [],
    ...over,
  });
  const moved = { changes: [{ holder: "0x1", token: { symbol: "wHKD" }, before: 0n, after: 1n }] } as unknown as Partial<StepOutcome>;
  const legFailed = (reason: "MONY" | "LACK", tokenError: string) => ({
    text: `PENF/${reason} on the cash leg`,
    refusal: { error: "SettlementLegFailed", args: [], reason, tokenError },
  });
  const failedTx = (reason: string) => ({
    transactions: [
      {
        label: "instruct",
        hash: "0x",
        gasUsed: 1n,
        events: [],
        decoded: [{ contract: "settlement engine", address: "0x2", name: "TradeSettlementFailed", args: { tradeId: "0x3", reason, tokenError: "0x" } }],
      },
    ],
  });

  it("success: ok when nothing failed, failed with the error's text otherwise", function () {
    expect(judge(outcome("success"), undefined).status).to.equal("ok");
    expect(judge(outcome("success"), { text: "boom" })).to.include({ status: "failed", reason: "boom" });
  });

  it("an expected refusal matches on the error name, then the reason code and the token's error when stated", function () {
    const expectMony: ExpectedRefusal = { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" };
    expect(judge(outcome(expectMony), legFailed("MONY", "ERC20InsufficientBalance"))).to.include({ status: "expected-failure", reason: "PENF/MONY on the cash leg" });
    expect(judge(outcome(expectMony), legFailed("LACK", "ERC20InsufficientBalance"))).to.include({
      status: "failed",
      reason:
        "expected a refusal with SettlementLegFailed (reason MONY, token error ERC20InsufficientBalance), but it was refused with SettlementLegFailed (reason LACK, token error ERC20InsufficientBalance): PENF/LACK on the cash leg",
    });
    expect(judge(outcome(expectMony), legFailed("MONY", "EnforcedPause")).status).to.equal("failed");
    // Only the name stated: any reason passes.
    expect(judge(outcome({ revert: "SettlementLegFailed" }), legFailed("LACK", "AccountFrozen")).status).to.equal("expected-failure");
  });

  it("an expected refusal fails when the step went through, threw something that is no refusal, or moved a balance", function () {
    const e: ExpectedRefusal = { revert: "TimelockTooShort" };
    expect(judge(outcome(e), undefined).reason).to.equal("expected the chain to refuse this step with TimelockTooShort, but it went through");
    expect(judge(outcome(e), { text: "x is not a function" }).reason).to.equal(
      "expected the chain to refuse this step with TimelockTooShort, but the step failed with: x is not a function",
    );
    expect(judge(outcome(e, moved), { text: "TimelockTooShort(1, 2)", refusal: { error: "TimelockTooShort", args: ["1", "2"] } })).to.include({
      status: "failed",
      reason: "refused (TimelockTooShort(1, 2)) but balances moved",
    });
  });

  it("a no-balance-change step needs its event (and reason code) and no move", function () {
    const e = { noBalanceChange: "TradeSettlementFailed", reason: "LACK" } as const;
    expect(judge(outcome(e, failedTx("1")), undefined).status).to.equal("expected-failure"); // 1 = InsufficientSecurities = LACK
    expect(judge(outcome(e, failedTx("2")), undefined).reason).to.equal(
      "expected event TradeSettlementFailed with reason LACK, but the step emitted TradeSettlementFailed",
    );
    expect(judge(outcome(e), undefined).reason).to.equal("expected event TradeSettlementFailed with reason LACK, but the step emitted none");
    expect(judge(outcome(e, { ...failedTx("1"), ...moved }), undefined).reason).to.equal("expected no balance to move, but some did");
    expect(judge(outcome(e, failedTx("1")), { text: "reverted" })).to.include({ status: "failed", reason: "reverted" });
  });
});
