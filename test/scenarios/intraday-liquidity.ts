import { expect } from "chai";
import { network } from "hardhat";

import type { LiquidityLedger } from "../../src/chain/deploy-liquidity.js";
import { runScenario, stepById, type ScenarioRun, type StepStatus } from "../../src/runner/run.js";
import scenario, { LIQUIDITY } from "../../src/scenarios/intraday-liquidity.js";
import { eventsOf, expectHongKongReport, expectRefusalsRecorded, hkd, minedIn, noteValues, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `intraday-liquidity` (src/scenarios/intraday-liquidity.ts) on its own in-process network,
 * the clock set to a fixed time so every figure is worked out by hand. Amounts in HKD.
 *
 *   deployed     Tue 3 Mar 2037 12:00 UTC                 2 119 694 400
 *   issue date   Wed 4 Mar 2037 00:00 UTC (08:00 HKT)      2 119 737 600
 *   cut-off      Wed 4 Mar 2037 09:30 UTC (17:30 HKT)      2 119 771 800
 *   next morning Thu 5 Mar 2037 01:00 UTC (09:00 HKT)      2 119 827 600
 *
 * Lending value of a unit: 50,000.00 × 98% = 49,000.00. One night at 5.00% on 19,600,000.00:
 * 1,960,000,000 × 500 × 1 / 3,650,000 = 268,493.15… cents → rounded up 268,494 (2,684.94).
 *
 *   step                         Harbour          Victoria        Lion Rock        HKMA
 *   opening                      60,000,000.00    10,000,000.00   30,000,000.00    5,000,000,000.00
 *   tender (1,000 / 400 units)  −49,925,000.00                   −19,970,000.00      +69,895,000.00
 *   Harbour repo                +49,000,000.00                                       −49,000,000.00
 *   queued payment released     −50,000,000.00   +50,000,000.00
 *   Lion Rock repo, pays V                        +25,000,000.00   +19,600,000.00
 *                                                                 −25,000,000.00      −19,600,000.00
 *   Victoria pays Harbour       +45,000,000.00   −45,000,000.00
 *   Harbour reverses            −49,000,000.00                                       +49,000,000.00
 *   next morning V pays L                        −20,000,000.00   +20,000,000.00
 *   Lion Rock reverses + int.                                    −19,602,684.94      +19,602,684.94
 *   final                         5,075,000.00    20,000,000.00    5,027,315.06    5,069,897,684.94
 */

const DEPLOY_TIME = 2_119_694_400;
const CUT_OFF = 2_119_771_800n;
const NEXT_MORNING = 2_119_827_600n;
const FINAL = {
  harbourBank: 507_500_000n,
  victoriaBank: 2_000_000_000n,
  lionRockBank: 502_731_506n,
  hkma: 506_989_768_494n,
} as const;
const WCBDC_SUPPLY = 510_000_000_000n; // 5,000,000,000.00 set aside + 100,000,000.00 opening
const BOND_SYMBOL = "03GB4003"; // 3-year, issued Mar 2037, matures Mar 2040
const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";

describe("scenario: intraday-liquidity", function () {
  let ledger: LiquidityLedger;
  let run: ScenarioRun;

  before(async function () {
    const connection = await network.create();
    await connection.networkHelpers.time.increaseTo(DEPLOY_TIME);
    if (scenario.deploy === undefined) throw new Error("intraday-liquidity deploys its own ledger");
    ledger = await scenario.deploy(connection, {
      second: () => {
        throw new Error("single ledger");
      },
    });
    run = await runScenario(scenario, ledger);
  });

  it("runs every step to the end: five refused or recorded as designed, the rest settling", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "issue-by-tender": OK,
      "large-payment-queued": REFUSED,
      "harbour-intraday-repo": OK,
      "queued-payment-settles": OK,
      "lion-rock-over-haircut": REFUSED,
      "lion-rock-intraday-repo": OK,
      "victoria-pays-harbour": OK,
      "harbour-reverses": OK,
      "harbour-cannot-reverse-for-lion-rock": REFUSED,
      "lion-rock-cannot-reverse": REFUSED,
      "roll-before-cut-off": REFUSED,
      "cut-off-discount-window": OK,
      "next-morning-repays-with-interest": OK,
    });
  });

  it("queues the large payment: Harbour holds HKD 10,075,000.00 of the 50,000,000.00, and nothing moves", function () {
    const step = stepById(run, "large-payment-queued");
    expect(step.changes).to.deep.equal([]);
    const queued = minedIn(step).flatMap(eventsOf).filter((e) => e.name === "PaymentInstructionQueued");
    expect(queued.map((e) => [e.args.paymentId, e.args.available, e.args.amount])).to.deep.equal([["1", "1007500000", String(LIQUIDITY.largePayment)]]);
  });

  it("repos Harbour's 1,000 units for HKD 49,000,000.00: bonds into custody, cash from the HKMA, in one transaction", function () {
    const step = stepById(run, "harbour-intraday-repo");
    const repo = minedIn(step).find((t) => t.function === "repo");
    if (repo === undefined) throw new Error("no repo transaction");
    expect(eventsOf(repo).map((e) => e.name)).to.include.members(["IntradayRepoOpened", "Transfer"]);
    const moves = step.changes.map((c) => [c.holder.name, c.token.symbol, c.after - c.before]);
    expect(moves).to.have.deep.members([
      ["HKMA", "wHKD", -LIQUIDITY.harbourRepo],
      ["Harbour Bank", "wHKD", LIQUIDITY.harbourRepo],
      ["Harbour Bank", BOND_SYMBOL, -LIQUIDITY.harbourUnits],
      ["intraday liquidity facility", BOND_SYMBOL, LIQUIDITY.harbourUnits],
    ]);
  });

  it("settles the queued payment once Harbour is funded", function () {
    const moves = stepById(run, "queued-payment-settles").changes.map((c) => [c.holder.name, c.after - c.before]);
    expect(moves).to.have.deep.members([
      ["Harbour Bank", -LIQUIDITY.largePayment],
      ["Victoria Bank", LIQUIDITY.largePayment],
    ]);
  });

  it("refuses with the evidence: over the haircut, another bank's reversal, too little cash, a roll before the cut-off", function () {
    const P = ledger.participants;
    const bond = ledger.bond.target as string;
    expect(refusalOf(stepById(run, "lion-rock-over-haircut"))).to.deep.include({
      name: "RepoAmountOverLendingValue",
      args: { collateral: bond, units: "400", amount: "1960000001", lendingValue: "1960000000" },
    });
    expect(refusalOf(stepById(run, "harbour-cannot-reverse-for-lion-rock"))).to.deep.include({
      name: "RepoNotYours",
      args: { repoId: "2", bank: P.lionRockBank.address, caller: P.harbourBank.address },
    });
    expect(refusalOf(stepById(run, "lion-rock-cannot-reverse"))).to.deep.include({
      name: "RepoInsufficientCash",
      args: { repoId: "2", bank: P.lionRockBank.address, balance: "463000000", owed: "1960000000" },
    });
    const early = refusalOf(stepById(run, "roll-before-cut-off"));
    expect([early.name, early.args.repoId, early.args.cutOffAt]).to.deep.equal(["RepoBeforeCutOff", "2", String(CUT_OFF)]);
    expectRefusalsRecorded(reportOf(run), run, {
      "lion-rock-over-haircut": { chain: "hk", via: "estimateGas", function: "repo" },
      "harbour-cannot-reverse-for-lion-rock": { chain: "hk", via: "estimateGas", function: "reverse" },
      "lion-rock-cannot-reverse": { chain: "hk", via: "estimateGas", function: "reverse" },
      "roll-before-cut-off": { chain: "hk", via: "estimateGas", function: "rollToDiscountWindow" },
    });
  });

  it("rolls Lion Rock's repo at 17:30 HKT into the Discount Window at 5.00%, moving nothing", function () {
    const step = stepById(run, "cut-off-discount-window");
    expect(step.changes).to.deep.equal([]);
    const rolled = minedIn(step).flatMap(eventsOf).filter((e) => e.name === "RepoRolledToDiscountWindow");
    expect(rolled.map((e) => [e.args.repoId, e.args.principal, e.args.rateBps])).to.deep.equal([["2", "1960000000", "500"]]);
    expect(step.observations.filter((o) => o.kind === "clock").map((o) => o.time)).to.deep.equal([CUT_OFF]);
    expect(minedIn(step).every((t) => BigInt(t.timestamp) >= CUT_OFF)).to.equal(true);
  });

  it("next morning Lion Rock repays HKD 19,600,000.00 + HKD 2,684.94 and gets its 400 units back", function () {
    const step = stepById(run, "next-morning-repays-with-interest");
    const reversal = minedIn(step).find((t) => t.function === "reverse");
    if (reversal === undefined) throw new Error("no reversal");
    expect(BigInt(reversal.timestamp)).to.be.greaterThanOrEqual(NEXT_MORNING);
    const reversed = eventsOf(reversal).filter((e) => e.name === "RepoReversed");
    expect(reversed.map((e) => [e.args.repoId, e.args.units, e.args.principal, e.args.interest])).to.deep.equal([["2", "400", "1960000000", "268494"]]);
    expect(noteValues(step)).to.deep.equal([{ principal: hkd(LIQUIDITY.lionRockRepo), interest: hkd(LIQUIDITY.overnightInterest) }]);
    expect(LIQUIDITY.overnightInterest).to.equal((1_960_000_000n * 500n + 3_650_000n - 1n) / 3_650_000n);
  });

  it("leaves the hand-computed balances, an empty custody and repos all reversed", async function () {
    const P = ledger.participants;
    for (const key of ["harbourBank", "victoriaBank", "lionRockBank", "hkma"] as const) {
      expect(await ledger.wcbdc.balanceOf(P[key].address), key).to.equal(FINAL[key]);
    }
    expect(await ledger.bond.balanceOf(P.harbourBank.address)).to.equal(LIQUIDITY.harbourUnits);
    expect(await ledger.bond.balanceOf(P.lionRockBank.address)).to.equal(LIQUIDITY.lionRockUnits);
    expect(await ledger.bond.balanceOf(ledger.facility.target)).to.equal(0n);
    expect(await ledger.facility.custodyOf(ledger.bond.target)).to.equal(0n);
    expect((await ledger.facility.repoOf(1n)).status).to.equal(3n);
    expect((await ledger.facility.repoOf(2n)).status).to.equal(3n);
    expect(await ledger.wcbdc.totalSupply()).to.equal(WCBDC_SUPPLY);
  });

  it("its JSON report validates against the schema and lists the ledger's participants, tokens and the two new contracts", function () {
    const document = reportOf(run);
    expectHongKongReport(document, scenario, BOND_SYMBOL);
    expect(document.chains[0].contracts.map((c) => [c.key, c.name, c.address])).to.deep.include.members([
      ["facility", "intraday liquidity facility", ledger.facility.target],
      ["queue", "payment queue", ledger.queue.target],
    ]);
  });
});
