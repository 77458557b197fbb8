import { expect } from "chai";
import { MaxUint256 } from "ethers";

import { renderCliError, StepFailedError } from "../../src/cli/errors.js";
import type { HongKongLedger } from "../../src/chain/deploy.js";
import { readLedgerState } from "../../src/chain/ledger-state.js";
import { describeEvent } from "../../src/report/event-text.js";
import { SCHEMA_VERSION, toScenarioJson, type ScenarioReportJson } from "../../src/report/json.js";
import { renderLedgerState } from "../../src/report/ledger-tables.js";
import { describeProblem } from "../../src/report/refusal-text.js";
import { renderObservation, renderStepResult, renderSummary } from "../../src/report/terminal.js";
import { plainStyle } from "../../src/report/style.js";
import { fillNote, isoStatusText, plainAmount, tokenAmount } from "../../src/report/words.js";
import { stepById, type ScenarioRun } from "../../src/runner/run.js";
import { creditHarbour, HKD_1000, loadLedger, runInline, strangerMints, UNAUTHORIZED } from "../helpers/inline-scenario.js";
import { schemaErrors } from "../helpers/report-schema.js";

/**
 * The report layer: every sentence the terminal shows is computed from the runner's facts, and the
 * `--json` document is those facts, validated against the schema in the repo. These are the only
 * tests that read wording.
 */

/** The step with id `id` in a report. */
function jsonStep(doc: ScenarioReportJson, id: string): ScenarioReportJson["steps"][number] {
  const step = doc.steps.find((s) => s.id === id);
  if (step === undefined) throw new Error(`the report has no step "${id}"`);
  return step;
}

/** No colour, and wide enough that nothing here wraps (test/report/Terminal.ts tests widths). */
const PLAIN = plainStyle(200);

describe("report", function () {
  this.timeout(60_000);

  let ledger: HongKongLedger;
  let failedRun: ScenarioRun;
  let okRun: ScenarioRun;

  before(async function () {
    ledger = await loadLedger();
    ({ run: failedRun } = await runInline(ledger, [creditHarbour, strangerMints()]));
    ledger = await loadLedger();
    ({ run: okRun } = await runInline(ledger, [
      creditHarbour,
      strangerMints(UNAUTHORIZED),
      {
        id: "authorise",
        title: "Harbour Bank authorises the engine",
        expect: { noBalanceChange: "Approval" },
        action: async (ctx) => {
          await ctx.send("approve", ctx.ledger.wcbdc.connect(ctx.ledger.participants.harbourBank.signer).approve, ctx.ledger.engine.target, MaxUint256);
        },
      },
      {
        id: "note",
        title: "A note",
        action: async (ctx) => {
          ctx.note("Harbour Bank holds {balance}", { balance: ctx.money(await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.harbourBank.address)) });
        },
      },
    ]));
  });

  describe("terminal", function () {
    it("a failed step reads FAILED with the decoded reason naming the account and role, then the refused attempt", function () {
      expect(renderStepResult(stepById(failedRun, "stranger-mints"), failedRun.directory, PLAIN).split("\n")).to.deep.equal([
        "  ✖ FAILED: AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)",
        "  not sent  Kowloon Dealer mints 1.00 wHKD  — refused",
        "  no balance moved — atomicity held",
      ]);
    });

    it("the summary names the step and why; the CLI's one line has the step number, title and reason", function () {
      expect(renderSummary(failedRun, PLAIN)).to.equal("\n✖ inline stopped at step 2: AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)");
      const last = stepById(failedRun, "stranger-mints");
      const error = new StepFailedError(last.index + 1, last.title, describeProblem(last, failedRun.directory));
      expect(renderCliError(error, false)).to.equal(
        'error: step 2 "Kowloon Dealer tries to mint itself wCBDC" failed: AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)',
      );
    });

    it("a mined transaction reads with its hash, label, gas and events in words, then the balance table", function () {
      const step = stepById(failedRun, "credit-harbour");
      const tx = step.transactions[0];
      if (tx.status !== "success") throw new Error("expected a mined transaction");
      expect(renderStepResult(step, failedRun.directory, PLAIN).split("\n")).to.deep.equal([
        "  ✔ done",
        `  tx ${tx.hash.slice(0, 10)}…  mint 1,000.00 wHKD to Harbour Bank  (gas ${Number(tx.gasUsed).toLocaleString("en-US")})`,
        "     • HKD 1,000.00 wHKD issued to Harbour Bank",
        "  Holder        Token  Before    After",
        "──────────────  ─────  ────────  ────────────",
        "  Harbour Bank  wHKD   HKD 0.00  HKD 1,000.00",
      ]);
    });

    it("expected failures read as refused or recorded as expected; notes are filled from their values; the summary counts them", function () {
      expect(renderStepResult(stepById(okRun, "stranger-mints"), okRun.directory, PLAIN).split("\n")[0]).to.equal(
        "  ✔ refused as expected: AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)",
      );
      expect(renderStepResult(stepById(okRun, "authorise"), okRun.directory, PLAIN).split("\n")[0]).to.equal(
        "  ✔ as expected: the attempt is recorded on chain and no balance moved",
      );
      expect(renderStepResult(stepById(okRun, "note"), okRun.directory, PLAIN).split("\n")).to.deep.equal([
        "  ✔ done",
        "  Harbour Bank holds HKD 1,000.00",
        "  no balance moved",
      ]);
      expect(renderSummary(okRun, PLAIN)).to.match(
        /^\n✔ inline: 4 steps, Hong Kong ledger on network "default" \(chain 31337\), 2 refused as designed, [\d,]+ gas in all$/,
      );
    });

    it("every problem of a failed step reads as what was expected and what happened", function () {
      const base = stepById(okRun, "stranger-mints");
      const d = okRun.directory;
      const refused = base.failure;
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "notRefused" }, failure: undefined }, d)).to.equal(
        "expected the chain to refuse this step with AccessControlUnauthorizedAccount, but it went through",
      );
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "otherRefusal" }, expect: { revert: "SettlementLegFailed", reason: "MONY" } }, d)).to.equal(
        "expected a refusal with SettlementLegFailed (reason MONY), but it was refused with AccessControlUnauthorizedAccount: AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)",
      );
      expect(
        describeProblem({ ...base, status: "failed", problem: { kind: "notARefusal" }, failure: { kind: "error", name: "TypeError", message: "x is not a function\nat …" } }, d),
      ).to.equal("expected the chain to refuse this step with AccessControlUnauthorizedAccount, but the step failed with: TypeError: x is not a function");
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "movedDespiteRefusal" }, failure: refused }, d)).to.equal(
        "refused (AccessControlUnauthorizedAccount(Kowloon Dealer, CENTRAL_BANK_ROLE)) but balances moved",
      );
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "balancesMoved" }, expect: { noBalanceChange: "Transfer" } }, d)).to.equal(
        "expected no balance to move, but some did",
      );
      expect(
        describeProblem({ ...base, status: "failed", problem: { kind: "eventMissing", seen: ["Approval"] }, expect: { noBalanceChange: "TradeSettlementFailed", reason: "LACK" } }, d),
      ).to.equal("expected event TradeSettlementFailed with reason LACK, but the step emitted Approval");
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "failed" }, failure: { kind: "check", message: "m" } }, d)).to.equal("check failed: m");
      expect(describeProblem({ ...base, status: "failed", problem: { kind: "failed" }, failure: { kind: "revert", revertData: "0x" } }, d)).to.equal(
        "reverted without a reason",
      );
    });

    it("a SettlementLegFailed reads as its status, reason code, leg, token and the token's own error", function () {
      const d = okRun.directory;
      const base = stepById(okRun, "stranger-mints");
      const bond = d.home.tokens.find((t) => t.kind === "governmentBond");
      if (bond === undefined) throw new Error("no bond");
      const peak = ledger.participants.peakAsset.address;
      const text = describeProblem(
        {
          ...base,
          status: "failed",
          problem: { kind: "failed" },
          failure: {
            kind: "refusal",
            revertData: "0x",
            error: {
              name: "SettlementLegFailed",
              args: {},
              leg: "asset",
              token: { name: bond.symbol, address: bond.address },
              reason: "LACK",
              tokenError: { name: "ERC20InsufficientBalance", args: { sender: peak, balance: "0", needed: "100" } },
            },
          },
        },
        d,
      );
      expect(text).to.equal(`PENF/LACK on the asset leg: ${bond.symbol} refused with ERC20InsufficientBalance(Peak Asset Management, 0, 100)`);
    });

    it("events, statuses, clocks and amounts in words", function () {
      const d = okRun.directory;
      const wcbdc = d.home.tokens[0];
      expect(
        describeEvent(
          { contract: { name: "wHKD", address: wcbdc.address }, name: "Transfer", args: { from: ledger.participants.harbourBank.address, to: ledger.participants.victoriaBank.address, value: "150" } },
          "hk",
          d,
        ),
      ).to.equal("HKD 1.50 wHKD: Harbour Bank → Victoria Bank");
      expect(describeEvent({ contract: { name: "settlement engine", address: ledger.engine.target as string }, name: "TradeSettlementFailed", args: { tradeId: "0x", reason: "2", tokenError: "0x" } }, "hk", d)).to.equal(
        "settlement attempt failed, nothing moved: PENF/MONY",
      );
      expect(describeEvent({ contract: { name: "registry", address: ledger.registry.target as string }, name: "RoleGranted", args: {} }, "hk", d)).to.equal(null);
      const harbour = ledger.participants.harbourBank.address;
      const approval = (spender: string) => ({ contract: { name: "wHKD", address: wcbdc.address }, name: "Approval", args: { owner: harbour, spender, value: "150" } });
      expect(describeEvent(approval(ledger.participants.victoriaBank.address), "hk", d)).to.equal("Harbour Bank authorised Victoria Bank on wHKD for HKD 1.50 wHKD");
      expect(describeEvent(approval(harbour), "hk", d), "an account approving itself is not shown").to.equal(null);
      expect(isoStatusText({ status: "PENF", reason: "LACK" })).to.equal("PENF/LACK (pending, failing: insufficient securities)");
      expect(isoStatusText({ status: "MACH", reason: "FUTU" })).to.equal("MACH/FUTU (matched: awaiting the settlement date)");
      expect(isoStatusText({ status: "SETT" })).to.equal("SETT (settled)");
      expect(renderObservation({ kind: "clock", chain: "hk", time: 1_894_320_000n }, d)).to.equal("the ledger's clock now reads 11 Jan 2030");
      expect(fillNote("{a} and {b}; {missing}", { a: { type: "units", units: 1n }, b: { type: "time", time: 1_894_320_000n } })).to.equal(
        "1 unit and 2030-01-11 00:00 UTC; {missing}",
      );
      const bond = { kind: "governmentBond", symbol: "03GB3001", currency: "HKD", decimals: 0 } as const;
      expect(tokenAmount(bond, 1n)).to.equal("1 unit of 03GB3001");
      expect(tokenAmount(bond, 1_000n)).to.equal("1,000 units of 03GB3001");
      expect(plainAmount({ kind: "wCBDC", currency: "THB", decimals: 2 }, 456_120_000n)).to.equal("THB 4,561,200.00");
    });

    it("the end-of-run tables list the chain's participants, tokens (with the bond's ISIN) and non-zero balances", async function () {
      const text = renderLedgerState(await readLedgerState(okRun.directory), PLAIN);
      expect(text).to.match(/^Participants — Hong Kong ledger \(chain 31337, \d{2} \w{3} \d{4}\)/);
      for (const name of ["HKMA", "Harbour Bank", "Lantau Pension Fund"]) expect(text).to.include(name);
      expect(text).to.include(ledger.bondTerms.isin);
      expect(text).to.match(/Harbour Bank\s+wHKD\s+HKD 1,000\.00/);
    });

    it("a party the registry has no record of (one that only signs) reads 'not registered', not a KYC date of 1970", async function () {
      const [chain, ...rest] = await readLedgerState(okRun.directory);
      const signer = { ...chain.participants[0], name: "Star Ferry Fund Services", registered: false, eligible: false, kycExpiry: 0n };
      const text = renderLedgerState([{ ...chain, participants: [signer] }, ...rest], PLAIN);
      expect(text).to.match(/Star Ferry Fund Services .*not registered\s+no/);
      expect(text).to.not.include("1970");
    });
  });

  describe("JSON", function () {
    let doc: ScenarioReportJson;
    before(function () {
      doc = JSON.parse(JSON.stringify(toScenarioJson(failedRun))) as ScenarioReportJson;
    });

    it("validates against the schema, with its version", function () {
      expect(schemaErrors(doc)).to.deep.equal([]);
      expect(doc.schemaVersion).to.equal(SCHEMA_VERSION);
      expect(doc.schemaVersion).to.equal(1);
      expect(doc.scenario).to.deep.equal({ name: "inline", description: "an inline scenario for the runner's tests", chainCount: 1 });
      expect(doc.ok).to.equal(false);
    });

    it("lists every participant and token once, with address, kind, currency, decimals and the bond's ISIN", function () {
      expect(doc.chains).to.have.length(1);
      const [chain] = doc.chains;
      expect(chain).to.deep.include({ key: "hk", name: "Hong Kong ledger", network: "default", chainId: 31337 });
      expect(chain.participants.map((p) => p.name)).to.deep.equal([
        "HKMA",
        "Harbour Bank",
        "Victoria Bank",
        "Lion Rock Bank",
        "HKSAR Government",
        "Kowloon Dealer",
        "Peak Asset Management",
        "Tsing Yi Insurance",
        "Lantau Pension Fund",
      ]);
      expect(chain.participants[0]).to.deep.equal({ key: "hkma", name: "HKMA", kind: "CentralBank", jurisdiction: "HK", address: ledger.participants.hkma.address });
      expect(chain.tokens.map((t) => [t.symbol, t.kind, t.currency, t.decimals, t.isin])).to.deep.equal([
        ["wHKD", "wCBDC", "HKD", 2, undefined],
        ["hbHKD", "tokenizedDeposit", "HKD", 2, undefined],
        ["vbHKD", "tokenizedDeposit", "HKD", 2, undefined],
        ["lrHKD", "tokenizedDeposit", "HKD", 2, undefined],
        [ledger.bondTerms.issueNumber, "governmentBond", "HKD", 0, ledger.bondTerms.isin],
      ]);
      expect(chain.contracts.map((c) => c.key)).to.deep.equal(["engine", "issuance", "payingAgent", "registry"]);
    });

    it("carries the failed step as facts: expectation, failure, problem and the refused attempt", function () {
      expect(doc.steps.map((s) => s.id)).to.deep.equal(["credit-harbour", "stranger-mints"]);
      const failed = jsonStep(doc, "stranger-mints");
      expect(failed).to.deep.include({ status: "failed", expect: "success", problem: { kind: "failed" } });
      expect(failed.failure).to.deep.include({ kind: "refusal" });
      expect(failed.transactions).to.have.length(1);
      expect(failed.transactions[0]).to.deep.include({ status: "reverted", chain: "hk", function: "mint", via: "estimateGas" });
      const mined = jsonStep(doc, "credit-harbour").transactions[0];
      expect(mined).to.deep.include({ status: "success", chain: "hk", function: "mint", args: { to: ledger.participants.harbourBank.address, amount: "100000" } });
      expect(typeof (mined as { gasUsed?: unknown }).gasUsed).to.equal("string");
      expect(jsonStep(doc, "credit-harbour").balanceChanges).to.deep.equal([
        {
          holder: { name: "Harbour Bank", address: ledger.participants.harbourBank.address },
          token: { chain: "hk", symbol: "wHKD", address: ledger.wcbdc.target, kind: "wCBDC", currency: "HKD", decimals: 2 },
          before: "0",
          after: HKD_1000.toString(),
        },
      ]);
      expect(doc.finalBalances).to.deep.equal([
        { chain: "hk", holder: { name: "Harbour Bank", address: ledger.participants.harbourBank.address }, token: { symbol: "wHKD", address: ledger.wcbdc.target }, amount: "100000" },
      ]);
    });

    it("the schema refuses a document without its version, with an amount as a number, or with a field it does not know", function () {
      const { schemaVersion: _version, ...unversioned } = doc;
      expect(schemaErrors(unversioned)).to.deep.include("/ must have required property 'schemaVersion' {\"missingProperty\":\"schemaVersion\"}");
      const numeric = { ...doc, finalBalances: [{ ...doc.finalBalances[0], amount: 100000 }] };
      expect(schemaErrors(numeric).some((e) => e.startsWith("/finalBalances/0/amount must be string"))).to.equal(true);
      expect(schemaErrors({ ...doc, extra: true }).some((e) => e.includes("must NOT have additional properties"))).to.equal(true);
      expect(schemaErrors({ ...doc, schemaVersion: 2 }).some((e) => e.startsWith("/schemaVersion must be equal to constant"))).to.equal(true);
    });
  });
});
