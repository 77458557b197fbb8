import { expect } from "chai";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import type { EventFact, TransactionFact } from "../../src/chain/facts.js";
import { OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { WCBDC_SPEC, type BankKey } from "../../src/domain/hong-kong.js";
import { parseMoney } from "../../src/domain/money.js";
import { runScenario, stepById, type ScenarioRun, type StepStatus } from "../../src/runner/run.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { BANKS, TRADE_COUNT, daysTrades } from "../../src/scenarios/netting-batch.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";
import { eventsOf, expectHongKongReport, noteValues, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `netting-batch` (src/scenarios/netting-batch.ts) on the in-process network, its outcome
 * checked against net positions worked out by hand from the rule documented in `daysTrades`:
 *
 *   trade i (0…59) is sold by bank i mod 3 to bank (i + 1 + ⌊i/3⌋ mod 2) mod 3,
 *   for 1 + (i mod 7) units at HKD 50,000.00 + i × HKD 10.00 (5,000,000 + 1,000·i cents).
 *
 * Banks: 0 = Harbour (H), 1 = Victoria (V), 2 = Lion Rock (L). In block k = ⌊i/3⌋ the trades are
 * i = 3k (seller H), 3k+1 (seller V), 3k+2 (seller L); the buyer is the next bank when k is even
 * (H→V, V→L, L→H) and the one after when k is odd (H→L, V→H, L→V). So each of the six directions
 * carries 10 trades. A trade's amount is 5,000,000 × u + 1,000 × u·i, so per direction
 * amount = 5,000,000 × Σu + 1,000 × Σu·i:
 *
 *   H→V  i = 0,6,12,…,54   u = 1,7,6,5,4,3,2,1,7,6   Σu = 42   Σu·i = 0+42+72+90+96+90+72+42+336+324 = 1,164
 *        amount = 210,000,000 + 1,164,000 = 211,164,000
 *   V→L  i = 1,7,13,…,55   u = 2,1,7,6,5,4,3,2,1,7   Σu = 38   Σu·i = 2+7+91+114+125+124+111+86+49+385 = 1,094
 *        amount = 190,000,000 + 1,094,000 = 191,094,000
 *   L→H  i = 2,8,14,…,56   u = 3,2,1,7,6,5,4,3,2,1   Σu = 34   Σu·i = 6+16+14+140+156+160+152+132+100+56 = 932
 *        amount = 170,000,000 + 932,000 = 170,932,000
 *   H→L  i = 3,9,15,…,57   u = 4,3,2,1,7,6,5,4,3,2   Σu = 37   Σu·i = 12+27+30+21+189+198+195+180+153+114 = 1,119
 *        amount = 185,000,000 + 1,119,000 = 186,119,000
 *   V→H  i = 4,10,16,…,58  u = 5,4,3,2,1,7,6,5,4,3   Σu = 40   Σu·i = 20+40+48+44+28+238+240+230+208+174 = 1,270
 *        amount = 200,000,000 + 1,270,000 = 201,270,000
 *   L→V  i = 5,11,17,…,59  u = 6,5,4,3,2,1,7,6,5,4   Σu = 43   Σu·i = 30+55+68+69+58+35+287+282+265+236 = 1,385
 *        amount = 215,000,000 + 1,385,000 = 216,385,000
 *
 * Net bond units (bought − sold):
 *   Harbour   (L→H 34 + V→H 40) − (H→V 42 + H→L 37) = 74 − 79 = −5
 *   Victoria  (H→V 42 + L→V 43) − (V→H 40 + V→L 38) = 85 − 78 = +7
 *   Lion Rock (V→L 38 + H→L 37) − (L→H 34 + L→V 43) = 75 − 77 = −2        (sum 0)
 * Net wCBDC (received − paid), cents:
 *   Harbour   (211,164,000 + 186,119,000) − (170,932,000 + 201,270,000) = 397,283,000 − 372,202,000 = +25,081,000
 *   Victoria  (201,270,000 + 191,094,000) − (211,164,000 + 216,385,000) = 392,364,000 − 427,549,000 = −35,185,000
 *   Lion Rock (170,932,000 + 216,385,000) − (191,094,000 + 186,119,000) = 387,317,000 − 377,213,000 = +10,104,000  (sum 0)
 *
 * Gross: 60 trades × 2 legs = 120 movements. Net: six non-zero positions, so six transfers — Harbour
 * and Lion Rock pay bonds into the engine and Victoria is paid bonds out; Victoria pays wCBDC in,
 * Harbour and Lion Rock are paid wCBDC out.
 */

const NET_BOND: Readonly<Record<BankKey, bigint>> = { harbourBank: -5n, victoriaBank: 7n, lionRockBank: -2n };
const NET_CASH: Readonly<Record<BankKey, bigint>> = {
  harbourBank: 25_081_000n, // +250,810.00
  victoriaBank: -35_185_000n, // −351,850.00
  lionRockBank: 10_104_000n, // +101,040.00
};
const NON_ZERO_NET_POSITIONS = 6;

// ---- opening and issue ----
const OPEN_WCBDC_HARBOUR = 150_000_000_000n; // 1,500,000,000.00
const OPEN_WCBDC_VICTORIA = 120_000_000_000n; // 1,200,000,000.00
const OPEN_WCBDC_LION_ROCK = 80_000_000_000n; // 800,000,000.00
const ALLOTMENT = 500n; // units to each bank
const ISSUE_COST = 2_496_250_000n; // 500 × 4,992,500 = 24,962,500.00 each bank

// ---- final balances, by hand ----
// HKMA wHKD: 3 × 24,962,500.00 = 74,887,500.00
const FINAL_WCBDC_HKMA = 7_488_750_000n;
// Harbour wHKD:   1,500,000,000.00 − 24,962,500.00 + 250,810.00 = 1,475,288,310.00
const FINAL_WCBDC_HARBOUR = 147_528_831_000n;
// Victoria wHKD:  1,200,000,000.00 − 24,962,500.00 − 351,850.00 = 1,174,685,650.00
const FINAL_WCBDC_VICTORIA = 117_468_565_000n;
// Lion Rock wHKD:   800,000,000.00 − 24,962,500.00 + 101,040.00 =   775,138,540.00
const FINAL_WCBDC_LION_ROCK = 77_513_854_000n;
// Bonds: 500 − 5 = 495, 500 + 7 = 507, 500 − 2 = 498 (1,500 in all)
const FINAL_BOND = { harbourBank: 495n, victoriaBank: 507n, lionRockBank: 498n };
const BOND_SUPPLY = 1_500n;
// wHKD supply: 3,500,000,000.00 minted at opening, nothing since. No deposits in this scenario.
const WCBDC_SUPPLY = 350_000_000_000n;


const OK: StepStatus = "ok";

/** A transaction as these tests compare it: how it ended and who called which function of which contract. */
interface CallSummary {
  readonly status: TransactionFact["status"];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly function: string | undefined;
}

function callOf(tx: TransactionFact): CallSummary {
  return { status: tx.status, from: tx.from.name, to: tx.to.name, function: tx.function };
}



/** A decoded argument that must be a string (an address, a uint as decimal). */
function text(event: EventFact, name: string): string {
  const value = event.args[name];
  if (typeof value !== "string") throw new Error(`${event.name}.${name} should be a string, is ${JSON.stringify(value)}`);
  return value;
}


describe("scenario: netting-batch", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;

  before(async function () {
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
  });

  it("starts from the opening wCBDC and issue price the hand figures use", function () {
    expect(parseMoney(OPENING_WCBDC.harbourBank, 2)).to.equal(OPEN_WCBDC_HARBOUR);
    expect(parseMoney(OPENING_WCBDC.victoriaBank, 2)).to.equal(OPEN_WCBDC_VICTORIA);
    expect(parseMoney(OPENING_WCBDC.lionRockBank, 2)).to.equal(OPEN_WCBDC_LION_ROCK);
    expect(ISSUE_PRICE * ALLOTMENT).to.equal(ISSUE_COST);
    expect(TRADE_COUNT).to.equal(60);
    expect(BANKS).to.deep.equal(["harbourBank", "victoriaBank", "lionRockBank"]);
  });

  it("the documented trade rule gives the hand-computed net positions", function () {
    // Recomputed from the formula in the doc comment (not from the scenario's code) …
    const bond: Record<BankKey, bigint> = { harbourBank: 0n, victoriaBank: 0n, lionRockBank: 0n };
    const cash: Record<BankKey, bigint> = { harbourBank: 0n, victoriaBank: 0n, lionRockBank: 0n };
    for (let i = 0; i < 60; i++) {
      const seller = BANKS[i % 3];
      const buyer = BANKS[(i + 1 + (Math.floor(i / 3) % 2)) % 3];
      const units = BigInt(1 + (i % 7));
      const amount = units * (5_000_000n + 1_000n * BigInt(i));
      bond[seller] -= units;
      bond[buyer] += units;
      cash[seller] += amount;
      cash[buyer] -= amount;
    }
    expect(bond).to.deep.equal(NET_BOND);
    expect(cash).to.deep.equal(NET_CASH);
    // … and from the trades the scenario builds.
    const trades = daysTrades(ledger, 0n);
    expect(trades).to.have.length(60);
    const bankOf = (address: string): BankKey => {
      const bank = BANKS.find((b) => ledger.participants[b].address === address);
      if (bank === undefined) throw new Error(`${address} is not a bank`);
      return bank;
    };
    const bond2: Record<BankKey, bigint> = { harbourBank: 0n, victoriaBank: 0n, lionRockBank: 0n };
    const cash2: Record<BankKey, bigint> = { harbourBank: 0n, victoriaBank: 0n, lionRockBank: 0n };
    for (const t of trades) {
      expect(t.buyerCash).to.equal(ledger.wcbdc.target);
      expect(t.sellerCash).to.equal(ledger.wcbdc.target);
      bond2[bankOf(t.seller)] -= t.quantity;
      bond2[bankOf(t.buyer)] += t.quantity;
      cash2[bankOf(t.seller)] += t.amount;
      cash2[bankOf(t.buyer)] -= t.amount;
    }
    expect(bond2).to.deep.equal(NET_BOND);
    expect(cash2).to.deep.equal(NET_CASH);
    const nonZero = [...Object.values(NET_BOND), ...Object.values(NET_CASH)].filter((v) => v !== 0n).length;
    expect(nonZero).to.equal(NON_ZERO_NET_POSITIONS);
  });

  it("runs every step to the end, all of them settling", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "authorise-engine": OK,
      "issue-by-tender": OK,
      "trades-matched": OK,
      "netted-batch": OK,
    });
    expect(run.steps.map((s) => s.id)).to.deep.equal(["opening-wcbdc", "authorise-engine", "issue-by-tender", "trades-matched", "netted-batch"]);
  });

  it("only matches the 60 trades during the day: 120 instructions, each trade observed MACH/FUTU, no balance moves", function () {
    const matched = stepById(run, "trades-matched");
    expect(matched.transactions).to.have.length(120);
    expect(new Set(matched.transactions.map((t) => `${t.status} ${t.to.name ?? t.to.address} ${t.function ?? ""}`))).to.deep.equal(
      new Set(["success settlement engine instruct"]),
    );
    expect(matched.changes).to.deep.equal([]);
    const statuses = matched.observations.flatMap((o) => (o.kind === "tradeStatus" ? [o] : []));
    expect(statuses.map((o) => ({ tradeRef: o.tradeRef, status: o.status, reason: o.reason, iso: o.iso }))).to.deep.equal(
      daysTrades(ledger, 0n).map((t) => ({ tradeRef: t.tradeRef, status: "Matched", reason: "None", iso: { status: "MACH", reason: "FUTU" } })),
    );
  });

  it("reports the batch: 60 trades, 120 gross transfers netted to one per non-zero position", async function () {
    expect(await ledger.engine.batchCount()).to.equal(1n);
    const report = await ledger.engine.batchReport(1n);
    expect(report.tradeCount).to.equal(60n);
    expect(report.grossTransfers).to.equal(120n);
    expect(report.netTransfers).to.equal(BigInt(NON_ZERO_NET_POSITIONS));
    // The same figures as the step recorded them: the engine's event and the step's note.
    const batch = stepById(run, "netted-batch");
    const [settle] = batch.transactions;
    if (settle.status !== "success") throw new Error("the batch should have been mined");
    const batchSettled = settle.events.filter((e) => e.contract.name === "settlement engine" && e.name === "BatchSettled");
    expect(batchSettled.map((e) => e.args)).to.deep.equal([{ batchId: "1", tradeCount: "60", skipped: "0", grossTransfers: "120", netTransfers: String(NON_ZERO_NET_POSITIONS) }]);
    expect(noteValues(batch)).to.deep.equal([
      {
        gross: { type: "number", value: 120n },
        net: { type: "number", value: BigInt(NON_ZERO_NET_POSITIONS) },
        gasPerTrade: { type: "number", value: settle.gasUsed / 60n },
      },
    ]);
  });

  it("moves each bank's balance in each token exactly once, by its net position, in the batch transaction", async function () {
    const batchStep = stepById(run, "netted-batch");
    expect(batchStep.transactions.map(callOf)).to.deep.equal([{ status: "success", from: "HKMA", to: "settlement engine", function: "settleBatch" }]);
    const [settle] = batchStep.transactions;
    const engine = await ledger.engine.getAddress();
    const bondSymbol = ledger.bondTerms.issueNumber;
    const symbols: Readonly<Record<string, string>> = { [bondSymbol]: "bond", [WCBDC_SPEC.symbol]: "wHKD" };
    // Per (token, bank): how many Transfer events touched it, and the net of their values.
    const touches: Record<string, number> = {};
    const net: Record<string, bigint> = {};
    let transfers = 0;
    for (const event of eventsOf(settle)) {
      const symbol = symbols[event.contract.name ?? ""];
      if (symbol === undefined || event.name !== "Transfer") continue;
      transfers++;
      const [from, to, value] = [text(event, "from"), text(event, "to"), BigInt(text(event, "value"))];
      for (const bank of BANKS) {
        const key = `${symbol} ${bank}`;
        const address = ledger.participants[bank].address;
        if (from === address) {
          touches[key] = (touches[key] ?? 0) + 1;
          net[key] = (net[key] ?? 0n) - value;
          expect(to, `${key} pays into the engine`).to.equal(engine);
        }
        if (to === address) {
          touches[key] = (touches[key] ?? 0) + 1;
          net[key] = (net[key] ?? 0n) + value;
          expect(from, `${key} is paid by the engine`).to.equal(engine);
        }
      }
    }
    expect(transfers).to.equal(NON_ZERO_NET_POSITIONS);
    expect(touches).to.deep.equal({
      "bond harbourBank": 1,
      "bond victoriaBank": 1,
      "bond lionRockBank": 1,
      "wHKD harbourBank": 1,
      "wHKD victoriaBank": 1,
      "wHKD lionRockBank": 1,
    });
    expect(net).to.deep.equal({
      "bond harbourBank": NET_BOND.harbourBank,
      "bond victoriaBank": NET_BOND.victoriaBank,
      "bond lionRockBank": NET_BOND.lionRockBank,
      "wHKD harbourBank": NET_CASH.harbourBank,
      "wHKD victoriaBank": NET_CASH.victoriaBank,
      "wHKD lionRockBank": NET_CASH.lionRockBank,
    });
    // The step's balance moves are the net positions (the engine only passes them through).
    expect(moved(batchStep)).to.deep.equal({
      "Harbour Bank wHKD": NET_CASH.harbourBank,
      "Victoria Bank wHKD": NET_CASH.victoriaBank,
      "Lion Rock Bank wHKD": NET_CASH.lionRockBank,
      "Harbour Bank bond": NET_BOND.harbourBank,
      "Victoria Bank bond": NET_BOND.victoriaBank,
      "Lion Rock Bank bond": NET_BOND.lionRockBank,
    });
    // Every one of the 60 trades matched during the day is reported settled in batch 1.
    const matchedIds = stepById(run, "trades-matched").observations.flatMap((o) => (o.kind === "tradeStatus" ? [o.tradeId] : []));
    const settledInBatch = eventsOf(settle).filter((e) => e.contract.name === "settlement engine" && e.name === "TradeSettledInBatch");
    expect(settledInBatch.map((e) => e.args)).to.deep.equal(matchedIds.map((tradeId) => ({ tradeId, batchId: "1" })));
  });

  it("leaves every participant with the hand-computed balances in every token", async function () {
    const expected = expectedSheet({
      wHKD: {
        hkma: FINAL_WCBDC_HKMA,
        harbourBank: FINAL_WCBDC_HARBOUR,
        victoriaBank: FINAL_WCBDC_VICTORIA,
        lionRockBank: FINAL_WCBDC_LION_ROCK,
      },
      hbHKD: {},
      vbHKD: {},
      lrHKD: {},
      bond: FINAL_BOND,
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
    expect(FINAL_WCBDC_HARBOUR).to.equal(OPEN_WCBDC_HARBOUR - ISSUE_COST + NET_CASH.harbourBank);
    expect(FINAL_WCBDC_VICTORIA).to.equal(OPEN_WCBDC_VICTORIA - ISSUE_COST + NET_CASH.victoriaBank);
    expect(FINAL_WCBDC_LION_ROCK).to.equal(OPEN_WCBDC_LION_ROCK - ISSUE_COST + NET_CASH.lionRockBank);
  });

  it("conserves money and bonds", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WCBDC_SUPPLY);
    expect(FINAL_WCBDC_HKMA + FINAL_WCBDC_HARBOUR + FINAL_WCBDC_VICTORIA + FINAL_WCBDC_LION_ROCK).to.equal(WCBDC_SUPPLY);
    expect(await tokens.hbHKD.totalSupply()).to.equal(0n);
    expect(await tokens.vbHKD.totalSupply()).to.equal(0n);
    expect(await tokens.lrHKD.totalSupply()).to.equal(0n);
    expect(await tokens.bond.totalSupply()).to.equal(BOND_SUPPLY);
    expect(NET_BOND.harbourBank + NET_BOND.victoriaBank + NET_BOND.lionRockBank).to.equal(0n);
    expect(NET_CASH.harbourBank + NET_CASH.victoriaBank + NET_CASH.lionRockBank).to.equal(0n);
  });

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const document = reportOf(run);
    expectHongKongReport(document, scenario, ledger.bondTerms.issueNumber);
    // Nothing in this scenario is refused: no step failed or was refused, no attempt reverted.
    expect(document.steps.filter((s) => s.status !== "ok" || s.failure !== undefined).map((s) => s.id)).to.deep.equal([]);
    expect(document.steps.flatMap((s) => s.transactions).filter((t) => t.status !== "success")).to.deep.equal([]);
    // The report keeps every transaction of every step (the 120 instructions of the day among them).
    expect(document.steps.map((s) => s.transactions.length)).to.deep.equal(run.steps.map((s) => s.transactions.length));
    expect(document.steps.find((s) => s.id === "netted-batch")?.transactions.map((t) => t.function)).to.deep.equal(["settleBatch"]);
  });
});
