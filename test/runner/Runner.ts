import { expect } from "chai";
import { id, MaxUint256, ZeroAddress } from "ethers";

import type { BalanceMove, ErrorFact, MinedTransactionFact, RevertedTransactionFact, TransactionFact } from "../../src/chain/facts.js";
import type { HongKongLedger } from "../../src/chain/deploy.js";
import { judge, runScenario, stepById, type ScenarioRun, type StepOutcome, type StepResult } from "../../src/runner/run.js";
import { defineScenario, type ExpectedRefusal, type StepFailure } from "../../src/runner/types.js";
import { creditHarbour, HKD_1000, loadLedger, runInline, strangerMints, UNAUTHORIZED } from "../helpers/inline-scenario.js";

/**
 * The scenario runner on inline scenarios: the facts it records (transactions, refused attempts,
 * balance moves, observations), how it judges each step (ok, expected failure, failed — as data),
 * and that it stops at the first unexpected failure. No test here reads a sentence: wording is the
 * report's (test/report/Report.ts).
 */

const CENTRAL_BANK_ROLE = id("CENTRAL_BANK_ROLE");

function mined(tx: TransactionFact | undefined): MinedTransactionFact {
  if (tx?.status !== "success") throw new Error(`expected a mined transaction, got ${JSON.stringify(tx?.status)}`);
  return tx;
}

function reverted(tx: TransactionFact | undefined): RevertedTransactionFact {
  if (tx?.status !== "reverted") throw new Error(`expected a refused attempt, got ${JSON.stringify(tx?.status)}`);
  return tx;
}

/** The one step a run ran (an inline scenario of one step, or one that stopped at its first). */
function onlyStep(run: ScenarioRun): StepResult {
  expect(run.steps.map((s) => s.id)).to.have.length(1);
  return run.steps[0];
}

function refusalOf(failure: StepFailure | undefined): ErrorFact {
  if (failure?.kind !== "refusal") throw new Error(`expected a refusal, got ${JSON.stringify(failure)}`);
  return failure.error;
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
      ({ run: result, before: beforeCalls, after: afterCalls } = await runInline(ledger, [
        creditHarbour,
        strangerMints(),
        {
          id: "never-runs",
          title: "This step must never run",
          action: async () => {
            thirdRan = true;
          },
        },
      ]));
    });

    it("is marked failed, with the decoded refusal as data: error name and arguments", function () {
      const failed = stepById(result, "stranger-mints");
      expect(failed).to.deep.include({ index: 1, title: "Kowloon Dealer tries to mint itself wCBDC", status: "failed", problem: { kind: "failed" } });
      expect(refusalOf(failed.failure)).to.deep.equal({
        name: "AccessControlUnauthorizedAccount",
        args: { account: ledger.participants.kowloonDealer.address, neededRole: CENTRAL_BANK_ROLE },
      });
      expect(failed.changes).to.deep.equal([]);
    });

    it("records the refused attempt: who called which function of which contract, with which arguments, and the error", function () {
      const failed = stepById(result, "stranger-mints");
      expect(failed.transactions).to.have.length(1);
      const attempt = reverted(failed.transactions[0]);
      expect(attempt).to.deep.include({
        label: "Kowloon Dealer mints 1.00 wHKD",
        chain: { key: "hk", name: "Hong Kong ledger", network: "default", chainId: 31337 },
        from: { name: "Kowloon Dealer", address: ledger.participants.kowloonDealer.address },
        to: { name: "wHKD", address: ledger.wcbdc.target },
        function: "mint",
        args: { to: ledger.participants.kowloonDealer.address, amount: "100" },
        via: "estimateGas",
      });
      expect(attempt.hash).to.equal(undefined);
      expect(attempt.error).to.deep.equal(refusalOf(failed.failure));
      expect(attempt.revertData).to.match(/^0xe2517d3f/); // AccessControlUnauthorizedAccount's selector
    });

    it("stops the run there: the next step neither runs nor appears, and the run is not ok", function () {
      expect(result.ok).to.equal(false);
      expect(result.steps.map((s) => [s.id, s.status])).to.deep.equal([
        ["credit-harbour", "ok"],
        ["stranger-mints", "failed"],
      ]);
      expect(thirdRan).to.equal(false);
      expect(beforeCalls).to.deep.equal(["1/3 credit-harbour", "2/3 stranger-mints"]);
      expect(afterCalls).to.deep.equal(["1/3 ok", "2/3 failed"]);
      expect(() => stepById(result, "never-runs")).to.throw('scenario inline ran no step "never-runs" (ran: credit-harbour, stranger-mints)');
    });

    it("keeps what the steps before it did: the mined transaction with its decoded call and events", async function () {
      const ok = stepById(result, "credit-harbour");
      expect(ok.transactions).to.have.length(1);
      const tx = mined(ok.transactions[0]);
      const receipt = await ledger.connection.ethers.provider.getTransactionReceipt(tx.hash);
      const block = await ledger.connection.ethers.provider.getBlock(tx.blockNumber);
      expect(tx).to.deep.equal({
        label: "mint 1,000.00 wHKD to Harbour Bank",
        chain: { key: "hk", name: "Hong Kong ledger", network: "default", chainId: 31337 },
        from: { name: "HKMA", address: ledger.participants.hkma.address },
        to: { name: "wHKD", address: ledger.wcbdc.target },
        function: "mint",
        args: { to: ledger.participants.harbourBank.address, amount: HKD_1000.toString() },
        status: "success",
        hash: receipt?.hash,
        blockNumber: receipt?.blockNumber,
        timestamp: block?.timestamp,
        gasUsed: receipt?.gasUsed,
        events: [
          {
            contract: { name: "wHKD", address: ledger.wcbdc.target },
            name: "Transfer",
            args: { from: ZeroAddress, to: ledger.participants.harbourBank.address, value: HKD_1000.toString() },
          },
        ],
      });
    });

    it("records balance moves with the holder's name and the token's facts, in minor units", function () {
      const expected: BalanceMove[] = [
        {
          holder: { name: "Harbour Bank", address: ledger.participants.harbourBank.address },
          token: { chain: "hk", symbol: "wHKD", address: ledger.wcbdc.target as string, kind: "wCBDC", currency: "HKD", decimals: 2 },
          before: 0n,
          after: HKD_1000,
        },
      ];
      expect(stepById(result, "credit-harbour").changes).to.deep.equal(expected);
    });
  });

  describe("judging each step against what it expects", function () {
    it("an expected refusal that moves nothing is an expected failure with its refusal; a recorded no-balance-change step passes; the run is ok", async function () {
      const ledger = await loadLedger();
      const { harbourBank, victoriaBank } = ledger.participants;
      const { run: result } = await runInline(ledger, [
        creditHarbour,
        strangerMints(UNAUTHORIZED),
        {
          id: "overdraw",
          title: "Harbour Bank tries to pay Victoria Bank more wCBDC than it holds",
          expect: { revert: "ERC20InsufficientBalance" },
          action: async (ctx) => {
            await ctx.send("transfer 2,000.00 wHKD", ctx.ledger.wcbdc.connect(harbourBank.signer).transfer, victoriaBank.address, 2n * HKD_1000);
          },
        },
        {
          id: "authorise",
          title: "Harbour Bank authorises the engine: recorded on chain, no balance moves",
          expect: { noBalanceChange: "Approval" },
          action: async (ctx) => {
            await ctx.send("approve", ctx.ledger.wcbdc.connect(harbourBank.signer).approve, ctx.ledger.engine.target, MaxUint256);
          },
        },
      ]);
      expect(result.ok).to.equal(true);
      expect(result.steps.map((s) => s.status)).to.deep.equal(["ok", "expected-failure", "expected-failure", "expected-failure"]);
      expect(refusalOf(stepById(result, "stranger-mints").failure).name).to.equal("AccessControlUnauthorizedAccount");
      expect(refusalOf(stepById(result, "overdraw").failure)).to.deep.equal({
        name: "ERC20InsufficientBalance",
        args: { sender: harbourBank.address, balance: "100000", needed: "200000" },
      });
      const authorise = stepById(result, "authorise");
      expect(authorise.failure).to.equal(undefined);
      expect(mined(authorise.transactions[0]).events.map((e) => [e.name, e.args])).to.deep.equal([
        ["Approval", { owner: harbourBank.address, spender: ledger.engine.target, value: MaxUint256.toString() }],
      ]);
      for (const s of result.steps.slice(1)) expect(s.changes).to.deep.equal([]);
      for (const s of result.steps) expect(s.problem).to.equal(undefined);
    });

    it("an expected refusal that goes through fails the run (notRefused) and keeps what moved", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [{ ...creditHarbour, expect: UNAUTHORIZED }, { ...creditHarbour, id: "again" }]);
      expect(result.ok).to.equal(false);
      expect(result.steps).to.have.length(1);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "notRefused" } });
      expect(onlyStep(result).failure).to.equal(undefined);
      expect(onlyStep(result).changes).to.have.length(1);
    });

    it("an expected refusal after which balances moved fails the run (movedDespiteRefusal), with the refusal", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [
        {
          id: "credit-then-stranger",
          title: "HKMA credits Harbour Bank, then Kowloon Dealer tries to mint",
          expect: UNAUTHORIZED,
          action: async (ctx) => {
            await creditHarbour.action(ctx);
            await strangerMints().action(ctx);
          },
        },
      ]);
      const step = stepById(result, "credit-then-stranger");
      expect(step).to.deep.include({ status: "failed", problem: { kind: "movedDespiteRefusal" } });
      expect(refusalOf(step.failure).name).to.equal("AccessControlUnauthorizedAccount");
      expect(step.transactions.map((t) => [t.status, t.function])).to.deep.equal([
        ["success", "mint"],
        ["reverted", "mint"],
      ]);
    });

    it("a no-balance-change step that moves a balance fails the run (balancesMoved)", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [{ ...creditHarbour, expect: { noBalanceChange: "Transfer" } }]);
      expect(result.ok).to.equal(false);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "balancesMoved" } });
    });

    it("a no-balance-change step that reverts fails the run (failed), with the refusal", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [strangerMints({ noBalanceChange: "Transfer" })]);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "failed" } });
      expect(refusalOf(onlyStep(result).failure).name).to.equal("AccessControlUnauthorizedAccount");
    });

    it("an expected refusal refused with another error fails the run (otherRefusal), keeping both", async function () {
      const ledger = await loadLedger();
      const expected = { revert: "SettlementLegFailed", reason: "MONY" } as const;
      const { run: result } = await runInline(ledger, [strangerMints(expected)]);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "otherRefusal" }, expect: expected });
      expect(refusalOf(onlyStep(result).failure).name).to.equal("AccessControlUnauthorizedAccount");
    });

    it("an expected refusal whose step throws a bug instead (a TypeError) fails the run (notARefusal): it is not refused as expected", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [
        {
          id: "buggy",
          title: "A step meant to be refused, with a bug in it",
          expect: UNAUTHORIZED,
          action: async () => {
            throw new TypeError("cannot read properties of undefined (reading 'signer')");
          },
        },
      ]);
      expect(result.ok).to.equal(false);
      expect(onlyStep(result)).to.deep.include({
        status: "failed",
        problem: { kind: "notARefusal" },
        failure: { kind: "error", name: "TypeError", message: "cannot read properties of undefined (reading 'signer')" },
      });
    });

    it("a no-balance-change step that does not emit the event it names fails the run (eventMissing), listing what it emitted", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [
        {
          id: "authorise",
          title: "Harbour Bank authorises the engine",
          expect: { noBalanceChange: "TradeSettlementFailed", reason: "LACK" },
          action: async (ctx) => {
            const { harbourBank } = ctx.ledger.participants;
            await ctx.send("approve", ctx.ledger.wcbdc.connect(harbourBank.signer).approve, ctx.ledger.engine.target, 1n);
          },
        },
      ]);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "eventMissing", seen: ["Approval"] } });
    });

    it("a check that does not hold fails the step with its message as data", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [
        {
          id: "check",
          title: "Harbour Bank should hold wCBDC",
          action: async (ctx) => {
            const balance = await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.harbourBank.address);
            ctx.check(balance > 0n, "Harbour Bank should hold wCBDC by now");
          },
        },
      ]);
      expect(onlyStep(result)).to.deep.include({ status: "failed", problem: { kind: "failed" }, failure: { kind: "check", message: "Harbour Bank should hold wCBDC by now" } });
    });

    it("an error that is not a revert fails the step with its name and message", async function () {
      const ledger = await loadLedger();
      const { run: result } = await runInline(ledger, [
        {
          id: "bug",
          title: "A bug in a step",
          action: async () => {
            throw new RangeError("index 9 out of range\nsecond line");
          },
        },
      ]);
      expect(onlyStep(result).failure).to.deep.equal({ kind: "error", name: "RangeError", message: "index 9 out of range\nsecond line" });
    });
  });

  describe("observations and attempts", function () {
    it("records notes with typed values, the clock after time travel, and eth_call refusals (ctx.attempt) without a hash", async function () {
      const ledger = await loadLedger();
      const dealer = ledger.participants.kowloonDealer;
      const target = (await ledger.connection.ethers.provider.getBlock("latest"))?.timestamp ?? 0;
      const { run: result } = await runInline(ledger, [
        creditHarbour,
        {
          id: "observe",
          title: "A note, a day later, and an attempt",
          action: async (ctx) => {
            ctx.note("Harbour Bank holds {balance} after {count} credit", {
              balance: ctx.money(await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.harbourBank.address)),
              count: 1,
            });
            await ctx.travelTo(target + 86_400);
            const refused = await ctx.attempt("Kowloon Dealer would mint", ctx.ledger.wcbdc.connect(dealer.signer).mint, dealer.address, 1n);
            ctx.check(refused?.name === "AccessControlUnauthorizedAccount", "the mint should be refused");
            const fine = await ctx.attempt("HKMA would mint", ctx.ledger.wcbdc.mint, ctx.ledger.participants.harbourBank.address, 1n);
            ctx.check(fine === undefined, "HKMA's call should not be refused");
          },
        },
      ]);
      const step = stepById(result, "observe");
      expect(step.status, JSON.stringify(step.failure)).to.equal("ok");
      expect(step.observations).to.deep.equal([
        {
          kind: "note",
          text: "Harbour Bank holds {balance} after {count} credit",
          values: { balance: { type: "money", amount: HKD_1000, currency: "HKD", decimals: 2 }, count: { type: "number", value: 1n } },
        },
        { kind: "clock", chain: "hk", time: BigInt(target + 86_400) },
      ]);
      expect(step.transactions).to.have.length(1);
      const attempt = reverted(step.transactions[0]);
      expect(attempt).to.deep.include({ label: "Kowloon Dealer would mint", via: "call", function: "mint", from: { name: "Kowloon Dealer", address: dealer.address } });
      expect(attempt.hash).to.equal(undefined);
      expect(attempt.error?.name).to.equal("AccessControlUnauthorizedAccount");
    });

    it("refuses a scenario with two steps of the same id, before any step runs", async function () {
      const ledger = await loadLedger();
      const scenario = defineScenario({ name: "twins", description: "two steps, one id", steps: () => [creditHarbour, creditHarbour] });
      let error: unknown;
      try {
        await runScenario(scenario, ledger);
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.equal('Error: scenario twins has two steps with id "credit-harbour"');
      expect(await ledger.wcbdc.balanceOf(ledger.participants.harbourBank.address)).to.equal(0n);
    });
  });
});

/** `judge` on its own: no chain, no ledger; the verdict of every kind of step outcome. */
describe("judge", function () {
  const outcome = (expect: StepOutcome["expect"], over: Partial<StepOutcome> = {}): StepOutcome => ({
    id: "a-step",
    index: 0,
    title: "a step",
    expect,
    transactions: [],
    observations: [],
    changes: [],
    ...over,
  });
  const move: BalanceMove = {
    holder: { name: "Harbour Bank", address: "0x0000000000000000000000000000000000000001" },
    token: { chain: "hk", symbol: "wHKD", address: "0x0000000000000000000000000000000000000002", kind: "wCBDC", currency: "HKD", decimals: 2 },
    before: 0n,
    after: 1n,
  };
  const moved: Partial<StepOutcome> = { changes: [move] };
  const legFailed = (reason: "MONY" | "LACK", tokenError: string): StepFailure => ({
    kind: "refusal",
    revertData: "0x",
    error: { name: "SettlementLegFailed", args: {}, leg: "cash", reason, tokenError: { name: tokenError, args: {} } },
  });
  const refusal = (name: string): StepFailure => ({ kind: "refusal", revertData: "0x", error: { name, args: {} } });
  const bug: StepFailure = { kind: "error", name: "TypeError", message: "x is not a function" };
  const failedTx = (reason: string): Partial<StepOutcome> => ({
    transactions: [
      {
        label: "instruct",
        chain: { key: "hk", name: "Hong Kong ledger", network: "default", chainId: 31337 },
        from: { address: "0x0000000000000000000000000000000000000003" },
        to: { name: "settlement engine", address: "0x0000000000000000000000000000000000000004" },
        status: "success",
        hash: `0x${"0".repeat(64)}`,
        blockNumber: 1,
        timestamp: 1,
        gasUsed: 1n,
        events: [{ contract: { name: "settlement engine", address: "0x0000000000000000000000000000000000000004" }, name: "TradeSettlementFailed", args: { tradeId: "0x3", reason, tokenError: "0x" } }],
      },
    ],
  });

  it("success: ok when nothing failed, failed (with the failure) otherwise", function () {
    expect(judge(outcome("success"), undefined)).to.deep.include({ status: "ok" });
    expect(judge(outcome("success"), undefined).problem).to.equal(undefined);
    expect(judge(outcome("success"), bug)).to.deep.include({ status: "failed", problem: { kind: "failed" }, failure: bug });
  });

  it("an expected refusal matches on the error name, then the reason code and the token's error when stated", function () {
    const expectMony: ExpectedRefusal = { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" };
    expect(judge(outcome(expectMony), legFailed("MONY", "ERC20InsufficientBalance"))).to.deep.include({ status: "expected-failure", failure: legFailed("MONY", "ERC20InsufficientBalance") });
    expect(judge(outcome(expectMony), legFailed("LACK", "ERC20InsufficientBalance"))).to.deep.include({ status: "failed", problem: { kind: "otherRefusal" } });
    expect(judge(outcome(expectMony), legFailed("MONY", "EnforcedPause"))).to.deep.include({ status: "failed", problem: { kind: "otherRefusal" } });
    expect(judge(outcome(expectMony), refusal("EnforcedPause"))).to.deep.include({ status: "failed", problem: { kind: "otherRefusal" } });
    // Only the name stated: any reason passes.
    expect(judge(outcome({ revert: "SettlementLegFailed" }), legFailed("LACK", "AccountFrozen")).status).to.equal("expected-failure");
  });

  it("an expected refusal fails when the step went through, threw something that is no refusal, or moved a balance", function () {
    const e: ExpectedRefusal = { revert: "TimelockTooShort" };
    expect(judge(outcome(e), undefined)).to.deep.include({ status: "failed", problem: { kind: "notRefused" } });
    expect(judge(outcome(e), bug)).to.deep.include({ status: "failed", problem: { kind: "notARefusal" }, failure: bug });
    expect(judge(outcome(e), { kind: "revert", revertData: "0x" })).to.deep.include({ status: "failed", problem: { kind: "notARefusal" } });
    expect(judge(outcome(e), { kind: "check", message: "m" })).to.deep.include({ status: "failed", problem: { kind: "notARefusal" } });
    expect(judge(outcome(e, moved), refusal("TimelockTooShort"))).to.deep.include({ status: "failed", problem: { kind: "movedDespiteRefusal" } });
    expect(judge(outcome(e), refusal("TimelockTooShort")).status).to.equal("expected-failure");
  });

  it("a no-balance-change step needs its event (and reason code) and no move", function () {
    const e = { noBalanceChange: "TradeSettlementFailed", reason: "LACK" } as const;
    expect(judge(outcome(e, failedTx("1")), undefined).status).to.equal("expected-failure"); // 1 = InsufficientSecurities = LACK
    expect(judge(outcome(e, failedTx("2")), undefined)).to.deep.include({ status: "failed", problem: { kind: "eventMissing", seen: ["TradeSettlementFailed"] } });
    expect(judge(outcome(e), undefined)).to.deep.include({ status: "failed", problem: { kind: "eventMissing", seen: [] } });
    expect(judge(outcome(e, { ...failedTx("1"), ...moved }), undefined)).to.deep.include({ status: "failed", problem: { kind: "balancesMoved" } });
    expect(judge(outcome(e, failedTx("1")), refusal("X"))).to.deep.include({ status: "failed", problem: { kind: "failed" } });
    // Without a reason, the event alone is enough.
    expect(judge(outcome({ noBalanceChange: "TradeSettlementFailed" }, failedTx("2")), undefined).status).to.equal("expected-failure");
  });
});
