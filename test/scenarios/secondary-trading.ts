import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import type { AbiValue, EventFact, TransactionFact } from "../../src/chain/facts.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { parseMoney } from "../../src/domain/money.js";
import { TRADE_STATUS } from "../../src/domain/trade.js";
import { balanceIn } from "../../src/runner/balances.js";
import { runScenario, stepById, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import type { Observation } from "../../src/runner/types.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { PRICES } from "../../src/scenarios/secondary-trading.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";
import { callOf, expectHongKongReport, expectRefusalsRecorded, hkd, noteValues, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `secondary-trading` (src/scenarios/secondary-trading.ts) on the in-process network, its
 * outcome checked against figures worked out by hand. Amounts are HKD minor units (cents); bond
 * amounts are units of HK$50,000 face.
 *
 * Opening balances (src/ledger/opening-balances.ts):
 *   wHKD   Harbour 1,500,000,000.00   Victoria 1,200,000,000.00   Lion Rock 800,000,000.00
 *   hbHKD  Kowloon Dealer 250,000,000.00   Peak 120,000,000.00
 *   vbHKD  HKSAR Government 500,000,000.00   Tsing Yi 180,000,000.00
 *   lrHKD  Lantau 150,000,000.00
 *
 * Trades (cash-leg rules of SettlementLegs._payCash: a customer pays in its bank's deposits, a bank
 * in wCBDC; a customer paying its own bank is a burn only; across banks the banks settle in wCBDC):
 *
 *   step (id)               trade                                    units  price/unit   amount           cash moves
 *   issue-by-tender         issue: Government → Harbour                600  49,925.00   29,955,000.00    Harbour wHKD → HKMA
 *                             and → Victoria                           400  49,925.00   19,970,000.00    Victoria wHKD → HKMA
 *   dealer-buys             SEC-001 Harbour → Kowloon                  200  49,980.00    9,996,000.00    Kowloon hbHKD burned (own bank: no wHKD)
 *   dealer-sells-same-bank  SEC-002 Kowloon → Peak (both Harbour)       50  50,040.00    2,502,000.00    hbHKD Peak → Kowloon
 *   t1-matched              SEC-003 Kowloon → Tsing Yi, T+1: matched only, nothing moves
 *   t1-settles              SEC-003 settles                             40  50,065.00    2,002,600.00    TY vbHKD burned, Victoria → Harbour wHKD, Kowloon hbHKD minted
 *   signed-orders           SEC-004 Peak → Lantau (signed orders)       20  50,100.00    1,002,000.00    Lantau lrHKD burned, Lion Rock → Harbour wHKD, Peak hbHKD minted
 *   signed-orders-replayed  replay of SEC-004's signatures: refused (the trade's one record says Settled)
 *   unmatched-prices        SEC-005 30 units at 50,000.00 vs 50,020.00: two unmatched instructions, one cancelled; nothing moves
 */

// ---- opening balances ----
const OPEN_WCBDC_HARBOUR = 150_000_000_000n; // 1,500,000,000.00
const OPEN_WCBDC_VICTORIA = 120_000_000_000n; // 1,200,000,000.00
const OPEN_WCBDC_LION_ROCK = 80_000_000_000n; // 800,000,000.00
const OPEN_KOWLOON = 25_000_000_000n; // 250,000,000.00
const OPEN_PEAK = 12_000_000_000n; // 120,000,000.00
const OPEN_GOVERNMENT = 50_000_000_000n; // 500,000,000.00
const OPEN_TSING_YI = 18_000_000_000n; // 180,000,000.00
const OPEN_LANTAU = 15_000_000_000n; // 150,000,000.00

// ---- trade amounts ----
const ISSUE_HARBOUR = 2_995_500_000n; // 600 × 4,992,500 = 29,955,000.00
const ISSUE_VICTORIA = 1_997_000_000n; // 400 × 4,992,500 = 19,970,000.00
const SEC_001 = 999_600_000n; // 200 × 4,998,000 = 9,996,000.00
const SEC_002 = 250_200_000n; // 50 × 5,004,000 = 2,502,000.00
const SEC_003 = 200_260_000n; // 40 × 5,006,500 = 2,002,600.00
const SEC_004 = 100_200_000n; // 20 × 5,010,000 = 1,002,000.00

// ---- final balances, by hand ----
// HKMA wHKD: issue proceeds 29,955,000.00 + 19,970,000.00 = 49,925,000.00
const FINAL_WCBDC_HKMA = 4_992_500_000n;
// Harbour wHKD: 1,500,000,000.00 − 29,955,000.00 + 2,002,600.00 (SEC-003) + 1,002,000.00 (SEC-004) = 1,473,049,600.00
//   (SEC-001 paid in its own deposits: burned, no wHKD)
const FINAL_WCBDC_HARBOUR = 147_304_960_000n;
// Victoria wHKD: 1,200,000,000.00 − 19,970,000.00 − 2,002,600.00 (pays for Tsing Yi) = 1,178,027,400.00
const FINAL_WCBDC_VICTORIA = 117_802_740_000n;
// Lion Rock wHKD: 800,000,000.00 − 1,002,000.00 (pays for Lantau) = 798,998,000.00
const FINAL_WCBDC_LION_ROCK = 79_899_800_000n;
// Kowloon hbHKD: 250,000,000.00 − 9,996,000.00 + 2,502,000.00 + 2,002,600.00 = 244,508,600.00
const FINAL_KOWLOON = 24_450_860_000n;
// Peak hbHKD: 120,000,000.00 − 2,502,000.00 + 1,002,000.00 = 118,500,000.00
const FINAL_PEAK = 11_850_000_000n;
// Government vbHKD: untouched 500,000,000.00
const FINAL_GOVERNMENT = 50_000_000_000n;
// Tsing Yi vbHKD: 180,000,000.00 − 2,002,600.00 = 177,997,400.00
const FINAL_TSING_YI = 17_799_740_000n;
// Lantau lrHKD: 150,000,000.00 − 1,002,000.00 = 148,998,000.00
const FINAL_LANTAU = 14_899_800_000n;
// Bond units: Harbour 600 − 200 = 400; Victoria 400; Kowloon 200 − 50 − 40 = 110; Peak 50 − 20 = 30;
//             Tsing Yi 40; Lantau 20. Total 1,000.
const BOND = { harbourBank: 400n, victoriaBank: 400n, kowloonDealer: 110n, peakAsset: 30n, tsingYiInsurance: 40n, lantauPension: 20n };
const BOND_SUPPLY = 1_000n;

// ---- supplies ----
// wHKD: 3,500,000,000.00 minted at opening; nothing minted or burned since (proceeds are a transfer)
const WCBDC_SUPPLY = 350_000_000_000n;
// hbHKD: 370,000,000.00 − 9,996,000.00 (burned) + 2,002,600.00 + 1,002,000.00 (minted) = 363,008,600.00
const HB_SUPPLY = 36_300_860_000n;
// vbHKD: 680,000,000.00 − 2,002,600.00 (burned) = 677,997,400.00
const VB_SUPPLY = 67_799_740_000n;
// lrHKD: 150,000,000.00 − 1,002,000.00 (burned) = 148,998,000.00
const LR_SUPPLY = 14_899_800_000n;
// All deposits: 1,200,000,000.00 + mints 3,004,600.00 − burns (9,996,000.00 + 2,002,600.00 + 1,002,000.00 = 13,000,600.00)
//             = 1,190,004,000.00
const DEPOSIT_SUPPLY = 119_000_400_000n;


const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** The steps the chain refuses, as the scenario means it to. */
const REFUSED_STEPS = ["signed-orders-replayed"];


/** The settlement engine's events in a mined transaction, as name and arguments. */
function engineEventsOf(tx: TransactionFact): Pick<EventFact, "name" | "args">[] {
  if (tx.status !== "success") throw new Error(`"${tx.label}" was not mined`);
  return tx.events.filter((e) => e.contract.name === "settlement engine").map((e) => ({ name: e.name, args: e.args }));
}

/** The trade statuses a step observed, in order. */
function tradeStatuses(step: StepResult): Extract<Observation, { kind: "tradeStatus" }>[] {
  return step.observations.flatMap((o) => (o.kind === "tradeStatus" ? [o] : []));
}




describe("scenario: secondary-trading", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;

  before(async function () {
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
  });

  it("starts from the opening balances and prices the hand figures use", function () {
    expect(parseMoney(OPENING_WCBDC.harbourBank, 2)).to.equal(OPEN_WCBDC_HARBOUR);
    expect(parseMoney(OPENING_WCBDC.victoriaBank, 2)).to.equal(OPEN_WCBDC_VICTORIA);
    expect(parseMoney(OPENING_WCBDC.lionRockBank, 2)).to.equal(OPEN_WCBDC_LION_ROCK);
    expect(parseMoney(OPENING_DEPOSITS.kowloonDealer ?? "", 2)).to.equal(OPEN_KOWLOON);
    expect(parseMoney(OPENING_DEPOSITS.peakAsset ?? "", 2)).to.equal(OPEN_PEAK);
    expect(parseMoney(OPENING_DEPOSITS.government ?? "", 2)).to.equal(OPEN_GOVERNMENT);
    expect(parseMoney(OPENING_DEPOSITS.tsingYiInsurance ?? "", 2)).to.equal(OPEN_TSING_YI);
    expect(parseMoney(OPENING_DEPOSITS.lantauPension ?? "", 2)).to.equal(OPEN_LANTAU);
    expect(ISSUE_PRICE).to.equal(4_992_500n);
    expect(PRICES).to.deep.equal({ dealerBuys: 4_998_000n, dealerToPeak: 5_004_000n, dealerToTsingYi: 5_006_500n, peakToLantau: 5_010_000n });
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps.map((s) => s.id)).to.deep.equal([
      "opening-wcbdc",
      "opening-deposits",
      "authorise-engine",
      "issue-by-tender",
      "dealer-buys",
      "dealer-sells-same-bank",
      "t1-matched",
      "t1-settles",
      "signed-orders",
      "signed-orders-replayed",
      "unmatched-prices",
    ]);
  });

  it("ends each step as designed: the replay and the mismatch move nothing", function () {
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "opening-deposits": OK,
      "authorise-engine": OK,
      "issue-by-tender": OK,
      "dealer-buys": OK,
      "dealer-sells-same-bank": OK,
      "t1-matched": OK,
      "t1-settles": OK,
      "signed-orders": OK,
      "signed-orders-replayed": REFUSED,
      "unmatched-prices": REFUSED, // no balance change, as expected
    });
  });

  it("observes each trade's ISO 20022 status: SEC-002 unmatched after one side, SEC-003 matched awaiting its date", function () {
    /** The id the engine gave the trade whose terms the step's first instruction recorded. */
    const recordedId = (step: StepResult): AbiValue | undefined =>
      engineEventsOf(step.transactions[0]).find((e) => e.name === "TradeTermsRecorded")?.args.tradeId;
    const sameBank = stepById(run, "dealer-sells-same-bank");
    expect(tradeStatuses(sameBank)).to.deep.equal([
      { kind: "tradeStatus", tradeRef: encodeBytes32String("SEC-002"), tradeId: recordedId(sameBank), status: "Pending", reason: "None", iso: { status: "NMAT", reason: "CMIS" } },
    ]);
    const tPlusOne = stepById(run, "t1-matched");
    expect(tradeStatuses(tPlusOne)).to.deep.equal([
      { kind: "tradeStatus", tradeRef: encodeBytes32String("SEC-003"), tradeId: recordedId(tPlusOne), status: "Matched", reason: "None", iso: { status: "MACH", reason: "FUTU" } },
    ]);
    expect(tPlusOne.changes, "SEC-003 matched, not yet due").to.deep.equal([]);
  });

  it("settles the signed orders in one transaction submitted by HKMA", function () {
    const P = ledger.participants;
    const [submit] = stepById(run, "signed-orders").transactions;
    expect(stepById(run, "signed-orders").transactions.map(callOf)).to.deep.equal([
      { status: "success", from: "HKMA", to: "settlement engine", function: "settleSigned", error: undefined },
    ]);
    // One trade id names the trade in both events: the interbank leg is settled under it.
    const tradeId = engineEventsOf(submit).find((e) => e.name === "TradeSettled")?.args.tradeId;
    expect(tradeId).to.match(/^0x[0-9a-f]{64}$/);
    expect(engineEventsOf(submit)).to.deep.equal([
      { name: "InterbankSettled", args: { settlementRef: tradeId, payerBank: P.lionRockBank.address, payeeBank: P.harbourBank.address, amount: SEC_004.toString() } },
      { name: "TradeSettled", args: { tradeId, seller: P.peakAsset.address, buyer: P.lantauPension.address, quantity: "20", amount: SEC_004.toString(), signed: true } },
    ]);
  });

  it("refuses the replayed signatures: the trade's record already says Settled", function () {
    const signed = stepById(run, "signed-orders").transactions[0];
    const settled = engineEventsOf(signed).find((e) => e.name === "TradeSettled");
    const tradeId = settled?.args.tradeId;
    if (typeof tradeId !== "string") throw new Error("signed-orders should have settled a trade");
    const error = { name: "TradeInWrongStatus", args: { tradeId, status: String(TRADE_STATUS.indexOf("Settled")) } };
    const replay = stepById(run, "signed-orders-replayed");
    expect(replay.failure).to.deep.equal({
      kind: "refusal",
      error,
      revertData: ledger.engine.interface.encodeErrorResult("TradeInWrongStatus", [tradeId, TRADE_STATUS.indexOf("Settled")]),
    });
    expect(replay.changes).to.deep.equal([]);
    // The refused attempt is recorded, with its decoded error: the very same orders, submitted again.
    expect(replay.transactions.map(callOf)).to.deep.equal([{ status: "reverted", from: "HKMA", to: "settlement engine", function: "settleSigned", error }]);
    expect(replay.transactions[0].args).to.deep.equal(signed.args);
  });

  it("leaves the mismatched instructions unmatched on chain: one Pending, one Cancelled, nothing moved", async function () {
    const P = ledger.participants;
    const mismatch = stepById(run, "unmatched-prices");
    expect(mismatch.failure).to.equal(undefined);
    expect(mismatch.changes).to.deep.equal([]);
    expect(mismatch.transactions.map(callOf)).to.deep.equal([
      { status: "success", from: "Tsing Yi Insurance", to: "settlement engine", function: "instruct", error: undefined },
      { status: "success", from: "Kowloon Dealer", to: "settlement engine", function: "instruct", error: undefined },
      { status: "success", from: "Kowloon Dealer", to: "settlement engine", function: "cancel", error: undefined },
    ]);
    const [buy, sell] = mismatch.transactions.slice(0, 2).map((t) => {
      const terms = engineEventsOf(t).find((e) => e.name === "TradeTermsRecorded");
      const trade = terms?.args.trade;
      if (typeof terms?.args.tradeId !== "string" || trade === undefined || typeof trade !== "object" || !("amount" in trade)) {
        throw new Error(`${t.label}: no TradeTermsRecorded`);
      }
      return { id: terms.args.tradeId, amount: trade.amount };
    });
    expect(buy.amount).to.equal("150000000"); // 30 × 5,000,000 = 1,500,000.00
    expect(sell.amount).to.equal("150060000"); // 30 × 5,002,000 = 1,500,600.00
    expect(buy.id).to.not.equal(sell.id);
    // Both stayed unmatched (NMAT, counterparty missing) until Kowloon Dealer cancelled its own.
    expect(tradeStatuses(mismatch).map((o) => ({ tradeId: o.tradeId, status: o.status, iso: o.iso }))).to.deep.equal([
      { tradeId: buy.id, status: "Pending", iso: { status: "NMAT", reason: "CMIS" } },
      { tradeId: sell.id, status: "Pending", iso: { status: "NMAT", reason: "CMIS" } },
    ]);
    expect(noteValues(mismatch)).to.deep.equal([{ buy: hkd(150_000_000n), sell: hkd(150_060_000n) }]);
    expect(engineEventsOf(mismatch.transactions[2])).to.deep.equal([{ name: "TradeCancelled", args: { tradeId: sell.id, by: P.kowloonDealer.address } }]);
    expect((await ledger.engine.tradeRecord(buy.id)).status).to.equal(BigInt(TRADE_STATUS.indexOf("Pending")));
    expect((await ledger.engine.tradeRecord(sell.id)).status).to.equal(BigInt(TRADE_STATUS.indexOf("Cancelled")));
  });

  it("moves each trade's legs as the cash-leg rules say", function () {
    expect(moved(stepById(run, "issue-by-tender")), "issue").to.deep.equal({
      "HKMA wHKD": ISSUE_HARBOUR + ISSUE_VICTORIA,
      "Harbour Bank wHKD": -ISSUE_HARBOUR,
      "Victoria Bank wHKD": -ISSUE_VICTORIA,
      "Harbour Bank bond": 600n,
      "Victoria Bank bond": 400n,
    });
    // Kowloon pays its own bank: its hbHKD is burned, no wHKD moves.
    expect(moved(stepById(run, "dealer-buys")), "SEC-001").to.deep.equal({
      "Kowloon Dealer hbHKD": -SEC_001,
      "Harbour Bank bond": -200n,
      "Kowloon Dealer bond": 200n,
    });
    expect(moved(stepById(run, "dealer-sells-same-bank")), "SEC-002").to.deep.equal({
      "Kowloon Dealer hbHKD": SEC_002,
      "Peak Asset Management hbHKD": -SEC_002,
      "Kowloon Dealer bond": -50n,
      "Peak Asset Management bond": 50n,
    });
    expect(stepById(run, "t1-matched").changes, "SEC-003 matched, not yet due").to.deep.equal([]);
    expect(moved(stepById(run, "t1-settles")), "SEC-003").to.deep.equal({
      "Harbour Bank wHKD": SEC_003,
      "Victoria Bank wHKD": -SEC_003,
      "Kowloon Dealer hbHKD": SEC_003,
      "Tsing Yi Insurance vbHKD": -SEC_003,
      "Kowloon Dealer bond": -40n,
      "Tsing Yi Insurance bond": 40n,
    });
    expect(moved(stepById(run, "signed-orders")), "SEC-004").to.deep.equal({
      "Harbour Bank wHKD": SEC_004,
      "Lion Rock Bank wHKD": -SEC_004,
      "Peak Asset Management hbHKD": SEC_004,
      "Lantau Pension Fund lrHKD": -SEC_004,
      "Peak Asset Management bond": -20n,
      "Lantau Pension Fund bond": 20n,
    });
  });

  it("leaves every participant with the hand-computed balances in every token", async function () {
    const expected = expectedSheet({
      wHKD: {
        hkma: FINAL_WCBDC_HKMA,
        harbourBank: FINAL_WCBDC_HARBOUR,
        victoriaBank: FINAL_WCBDC_VICTORIA,
        lionRockBank: FINAL_WCBDC_LION_ROCK,
      },
      hbHKD: { kowloonDealer: FINAL_KOWLOON, peakAsset: FINAL_PEAK },
      vbHKD: { government: FINAL_GOVERNMENT, tsingYiInsurance: FINAL_TSING_YI },
      lrHKD: { lantauPension: FINAL_LANTAU },
      bond: BOND,
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
    expect(balanceIn(run.finalBalances, "hk", await ledger.bond.getAddress(), ledger.participants.kowloonDealer.address)).to.equal(110n);
  });

  it("conserves money and bonds: supplies equal opening + mints − burns", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WCBDC_SUPPLY);
    expect(FINAL_WCBDC_HKMA + FINAL_WCBDC_HARBOUR + FINAL_WCBDC_VICTORIA + FINAL_WCBDC_LION_ROCK).to.equal(WCBDC_SUPPLY);
    expect(await tokens.hbHKD.totalSupply()).to.equal(HB_SUPPLY);
    expect(await tokens.vbHKD.totalSupply()).to.equal(VB_SUPPLY);
    expect(await tokens.lrHKD.totalSupply()).to.equal(LR_SUPPLY);
    expect(HB_SUPPLY + VB_SUPPLY + LR_SUPPLY).to.equal(DEPOSIT_SUPPLY);
    expect(await tokens.bond.totalSupply()).to.equal(BOND_SUPPLY);
    expect(Object.values(BOND).reduce((a, b) => a + b, 0n)).to.equal(BOND_SUPPLY);
  });

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const document = reportOf(run);
    expectHongKongReport(document, scenario, ledger.bondTerms.issueNumber);
    // The refused step keeps its refused attempt, with the decoded error (no longer `txs: []`).
    expectRefusalsRecorded(document, run, Object.fromEntries(REFUSED_STEPS.map((id) => [id, { chain: "hk", via: "estimateGas", function: "settleSigned" }])));
    // The mismatch ends with no balance change, as expected: its three transactions were mined, none refused.
    const mismatch = document.steps.find((s) => s.id === "unmatched-prices");
    expect(mismatch?.status).to.equal("expected-failure");
    expect(mismatch?.transactions.map((t) => t.status)).to.deep.equal(["success", "success", "success"]);
  });
});
