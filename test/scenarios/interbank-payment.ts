import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import type { AbiArgs, ErrorFact, PartyRef } from "../../src/chain/facts.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { parseMoney } from "../../src/domain/money.js";
import { FAILURE_REASON, REASON_CODE, SETTLEMENT_LEGS, type ReasonCode, type SettlementLeg } from "../../src/domain/trade.js";
import { balanceIn } from "../../src/runner/balances.js";
import { runScenario, stepById, type ScenarioRun, type StepStatus } from "../../src/runner/run.js";
import scenario, { PAYMENTS } from "../../src/scenarios/interbank-payment.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";
import { type CallSummary, callOf, expectHongKongReport, expectRefusalsRecorded, noteValues, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `interbank-payment` (src/scenarios/interbank-payment.ts) on the in-process network, its
 * outcome checked against figures worked out by hand. Amounts are HKD minor units (cents).
 *
 * Opening balances (src/ledger/opening-balances.ts):
 *   wHKD   Harbour Bank 1,500,000,000.00   Victoria Bank 1,200,000,000.00   Lion Rock Bank 800,000,000.00
 *   hbHKD  Kowloon Dealer 250,000,000.00   Peak Asset Management 120,000,000.00
 *   vbHKD  HKSAR Government 500,000,000.00 Tsing Yi Insurance 180,000,000.00
 *   lrHKD  Lantau Pension Fund 150,000,000.00
 *
 * Cash-leg rules (SettlementLegs._payCash): the payer's bank burns the payer's deposits, pays the
 * payee's bank in wCBDC, the payee's bank mints to the payee; within one bank the deposit token
 * simply moves and no wCBDC does.
 *
 *   step (id)                     payment                                          hbHKD               vbHKD          lrHKD               wHKD
 *   payment-harbour-to-victoria   Peak → Tsing Yi 2,500,000.00 (Harbour→Victoria)   Peak −2,500,000     TY +2,500,000                      Harbour −2,500,000, Victoria +2,500,000
 *   payment-lionrock-to-harbour   Lantau → Kowloon 10,000,000.00 (LionRock→Harb.)   Kowloon +10,000,000                Lantau −10,000,000  Lion Rock −10,000,000, Harbour +10,000,000
 *   payment-same-bank             Kowloon → Peak 750,000.00 (within Harbour)        Kowloon −750,000, Peak +750,000
 *   payment-wrong-deposit-token   Tsing Yi → Lantau in hbHKD: refused (Lantau is not Harbour's customer)            nothing
 *   lionrock-to-rtgs              HKMA burns 785,000,000.00 of Lion Rock's wHKD                                     Lion Rock −785,000,000
 *   payment-bank-short-of-wcbdc   Lantau → Tsing Yi 10,000,000.00: refused (Lion Rock holds 5,000,000.00 wHKD)      nothing
 *   wcbdc-paused                  wHKD paused, Peak → Tsing Yi 100,000.00: refused                                  nothing
 */

// ---- opening balances (minor units) ----
const OPEN_WCBDC_HARBOUR = 150_000_000_000n; // 1,500,000,000.00
const OPEN_WCBDC_VICTORIA = 120_000_000_000n; // 1,200,000,000.00
const OPEN_WCBDC_LION_ROCK = 80_000_000_000n; // 800,000,000.00
const OPEN_KOWLOON = 25_000_000_000n; // 250,000,000.00 hbHKD
const OPEN_PEAK = 12_000_000_000n; // 120,000,000.00 hbHKD
const OPEN_GOVERNMENT = 50_000_000_000n; // 500,000,000.00 vbHKD
const OPEN_TSING_YI = 18_000_000_000n; // 180,000,000.00 vbHKD
const OPEN_LANTAU = 15_000_000_000n; // 150,000,000.00 lrHKD

// ---- the scenario's payments ----
const PEAK_TO_TSING_YI = 250_000_000n; // 2,500,000.00
const LANTAU_TO_KOWLOON = 1_000_000_000n; // 10,000,000.00
const KOWLOON_TO_PEAK = 75_000_000n; // 750,000.00
const LION_ROCK_TO_RTGS = 78_500_000_000n; // 785,000,000.00
const LANTAU_SHORT_OF_BANK = 1_000_000_000n; // 10,000,000.00 (refused)

// ---- final balances, by hand ----
// Harbour wHKD:   1,500,000,000.00 − 2,500,000.00 + 10,000,000.00 = 1,507,500,000.00
const FINAL_WCBDC_HARBOUR = 150_750_000_000n;
// Victoria wHKD:  1,200,000,000.00 + 2,500,000.00 = 1,202,500,000.00
const FINAL_WCBDC_VICTORIA = 120_250_000_000n;
// Lion Rock wHKD: 800,000,000.00 − 10,000,000.00 − 785,000,000.00 = 5,000,000.00
const FINAL_WCBDC_LION_ROCK = 500_000_000n;
// Kowloon hbHKD:  250,000,000.00 + 10,000,000.00 − 750,000.00 = 259,250,000.00
const FINAL_KOWLOON = 25_925_000_000n;
// Peak hbHKD:     120,000,000.00 − 2,500,000.00 + 750,000.00 = 118,250,000.00
const FINAL_PEAK = 11_825_000_000n;
// Government vbHKD: untouched, 500,000,000.00
const FINAL_GOVERNMENT = 50_000_000_000n;
// Tsing Yi vbHKD: 180,000,000.00 + 2,500,000.00 = 182,500,000.00
const FINAL_TSING_YI = 18_250_000_000n;
// Lantau lrHKD:   150,000,000.00 − 10,000,000.00 = 140,000,000.00
const FINAL_LANTAU = 14_000_000_000n;

// ---- supplies ----
// wHKD: minted 1,500,000,000.00 + 1,200,000,000.00 + 800,000,000.00 = 3,500,000,000.00; burned 785,000,000.00
//       → 2,715,000,000.00 (= 1,507,500,000.00 + 1,202,500,000.00 + 5,000,000.00)
const WCBDC_SUPPLY = 271_500_000_000n;
// hbHKD: opening 370,000,000.00 − burned 2,500,000.00 (Peak) + minted 10,000,000.00 (Kowloon) = 377,500,000.00
const HB_SUPPLY = 37_750_000_000n;
// vbHKD: opening 680,000,000.00 + minted 2,500,000.00 (Tsing Yi) = 682,500,000.00
const VB_SUPPLY = 68_250_000_000n;
// lrHKD: opening 150,000,000.00 − burned 10,000,000.00 (Lantau) = 140,000,000.00
const LR_SUPPLY = 14_000_000_000n;
// All deposits: opening 1,200,000,000.00 + mints 12,500,000.00 − burns 12,500,000.00 = 1,200,000,000.00
const DEPOSIT_SUPPLY = 120_000_000_000n;


const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** The steps the chain refuses, as the scenario means it to. */
const REFUSED_STEPS = ["payment-wrong-deposit-token", "payment-bank-short-of-wcbdc", "wcbdc-paused"];



/**
 * The engine's `SettlementLegFailed` as the directory decodes it: `token` refused `leg` with
 * `tokenError` (its own revert data `data`), classified as reason code `code`.
 */
function legFailed(code: ReasonCode, leg: SettlementLeg, token: Required<PartyRef>, tokenError: { name: string; args: AbiArgs; data: string }): ErrorFact {
  return {
    name: "SettlementLegFailed",
    args: {
      reason: String(FAILURE_REASON.findIndex((name) => REASON_CODE[name] === code)),
      leg: String(SETTLEMENT_LEGS.indexOf(leg)),
      token: token.address,
      tokenError: tokenError.data,
    },
    leg,
    token,
    reason: code,
    tokenError: { name: tokenError.name, args: tokenError.args },
  };
}


describe("scenario: interbank-payment", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;

  before(async function () {
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
  });

  it("starts from the opening balances and payments the hand figures use", function () {
    expect(parseMoney(OPENING_WCBDC.harbourBank, 2)).to.equal(OPEN_WCBDC_HARBOUR);
    expect(parseMoney(OPENING_WCBDC.victoriaBank, 2)).to.equal(OPEN_WCBDC_VICTORIA);
    expect(parseMoney(OPENING_WCBDC.lionRockBank, 2)).to.equal(OPEN_WCBDC_LION_ROCK);
    expect(parseMoney(OPENING_DEPOSITS.kowloonDealer ?? "", 2)).to.equal(OPEN_KOWLOON);
    expect(parseMoney(OPENING_DEPOSITS.peakAsset ?? "", 2)).to.equal(OPEN_PEAK);
    expect(parseMoney(OPENING_DEPOSITS.government ?? "", 2)).to.equal(OPEN_GOVERNMENT);
    expect(parseMoney(OPENING_DEPOSITS.tsingYiInsurance ?? "", 2)).to.equal(OPEN_TSING_YI);
    expect(parseMoney(OPENING_DEPOSITS.lantauPension ?? "", 2)).to.equal(OPEN_LANTAU);
    expect(PAYMENTS).to.deep.equal({
      peakToTsingYi: PEAK_TO_TSING_YI,
      lantauToKowloon: LANTAU_TO_KOWLOON,
      kowloonToPeak: KOWLOON_TO_PEAK,
      lionRockReturnsToRtgs: LION_ROCK_TO_RTGS,
      lantauShortOfBank: LANTAU_SHORT_OF_BANK,
    });
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps.map((s) => s.id)).to.deep.equal([
      "opening-wcbdc",
      "opening-deposits",
      "authorise-engine",
      "payment-harbour-to-victoria",
      "payment-lionrock-to-harbour",
      "payment-same-bank",
      "payment-wrong-deposit-token",
      "lionrock-to-rtgs",
      "payment-bank-short-of-wcbdc",
      "wcbdc-paused",
      "wcbdc-unpaused",
    ]);
  });

  it("ends each step as designed: three refusals, everything else settles", function () {
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "opening-deposits": OK,
      "authorise-engine": OK,
      "payment-harbour-to-victoria": OK,
      "payment-lionrock-to-harbour": OK,
      "payment-same-bank": OK,
      "payment-wrong-deposit-token": REFUSED,
      "lionrock-to-rtgs": OK,
      "payment-bank-short-of-wcbdc": REFUSED,
      "wcbdc-paused": REFUSED,
      "wcbdc-unpaused": OK,
    });
  });

  it("refuses the three payments for the reasons the narrative gives, moving nothing", async function () {
    const P = ledger.participants;
    const hb = { name: "hbHKD", address: await ledger.deposits.harbourBank.getAddress() };
    const wHKD = { name: "wHKD", address: await ledger.wcbdc.getAddress() };
    const engine = ledger.engine.interface;
    const revertData = (error: ErrorFact): string =>
      engine.encodeErrorResult("SettlementLegFailed", [error.args.reason, error.args.leg, error.args.token, error.args.tokenError]);

    // Harbour Bank may credit only its own customers: hbHKD refuses Lantau on the cash leg (PENF/XELG).
    const notCustomer = legFailed("XELG", "cash", hb, {
      name: "NotCustomerOfBank",
      args: { account: P.lantauPension.address },
      data: ledger.deposits.harbourBank.interface.encodeErrorResult("NotCustomerOfBank", [P.lantauPension.address]),
    });
    // Lion Rock holds 5,000,000.00 = 500,000,000 cents; the interbank leg needs 10,000,000.00 = 1,000,000,000 (PENF/MONY).
    const shortOfWcbdc = legFailed("MONY", "interbank", wHKD, {
      name: "ERC20InsufficientBalance",
      args: { sender: P.lionRockBank.address, balance: "500000000", needed: "1000000000" },
      data: ledger.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [P.lionRockBank.address, 500_000_000n, 1_000_000_000n]),
    });
    // wHKD is paused: the interbank leg cannot move (PENF/XPAU).
    const paused = legFailed("XPAU", "interbank", wHKD, {
      name: "EnforcedPause",
      args: {},
      data: ledger.wcbdc.interface.encodeErrorResult("EnforcedPause", []),
    });

    const expected = { "payment-wrong-deposit-token": notCustomer, "payment-bank-short-of-wcbdc": shortOfWcbdc, "wcbdc-paused": paused };
    for (const [id, error] of Object.entries(expected)) {
      const step = stepById(run, id);
      expect(step.failure, id).to.deep.equal({ kind: "refusal", error, revertData: revertData(error) });
      expect(step.changes, id).to.deep.equal([]);
    }
    // Each refused attempt is recorded with its decoded error; the paused step did send (and keep) the pause itself.
    const refusedPay = (from: string, error: ErrorFact): CallSummary => ({ status: "reverted", from, to: "settlement engine", function: "pay", error });
    expect(stepById(run, "payment-wrong-deposit-token").transactions.map(callOf)).to.deep.equal([refusedPay("Tsing Yi Insurance", notCustomer)]);
    expect(stepById(run, "payment-bank-short-of-wcbdc").transactions.map(callOf)).to.deep.equal([refusedPay("Lantau Pension Fund", shortOfWcbdc)]);
    expect(stepById(run, "wcbdc-paused").transactions.map(callOf)).to.deep.equal([
      { status: "success", from: "HKMA", to: "wHKD", function: "pause", error: undefined },
      refusedPay("Peak Asset Management", paused),
    ]);
    // The refused attempts asked for the payments the narrative describes.
    expect(stepById(run, "payment-wrong-deposit-token").transactions[0].args).to.deep.equal({
      payerDeposit: await ledger.deposits.victoriaBank.getAddress(),
      payeeDeposit: hb.address,
      payee: P.lantauPension.address,
      amount: "10000000",
      paymentRef: encodeBytes32String("PAY-0004"),
    });
    expect(stepById(run, "payment-bank-short-of-wcbdc").transactions[0].args).to.deep.equal({
      payerDeposit: await ledger.deposits.lionRockBank.getAddress(),
      payeeDeposit: await ledger.deposits.victoriaBank.getAddress(),
      payee: P.tsingYiInsurance.address,
      amount: LANTAU_SHORT_OF_BANK.toString(),
      paymentRef: encodeBytes32String("PAY-0005"),
    });
  });

  it("records the cross-bank payment's interbank leg and the payment as engine events", async function () {
    const P = ledger.participants;
    const tx = stepById(run, "payment-harbour-to-victoria").transactions;
    expect(tx.map(callOf)).to.deep.equal([{ status: "success", from: "Peak Asset Management", to: "settlement engine", function: "pay", error: undefined }]);
    const [payment] = tx;
    if (payment.status !== "success") throw new Error("the payment should have been mined");
    const ref = encodeBytes32String("PAY-0001");
    expect(payment.events.filter((e) => e.contract.name === "settlement engine").map((e) => ({ name: e.name, args: e.args }))).to.deep.equal([
      { name: "InterbankSettled", args: { settlementRef: ref, payerBank: P.harbourBank.address, payeeBank: P.victoriaBank.address, amount: PEAK_TO_TSING_YI.toString() } },
      {
        name: "PaymentSettled",
        args: {
          paymentRef: ref,
          payer: P.peakAsset.address,
          payee: P.tsingYiInsurance.address,
          payerDeposit: await ledger.deposits.harbourBank.getAddress(),
          payeeDeposit: await ledger.deposits.victoriaBank.getAddress(),
          amount: PEAK_TO_TSING_YI.toString(),
        },
      },
    ]);
  });

  it("moves each payment's legs as the cash-leg rules say", function () {
    // Harbour burns Peak's hbHKD, pays Victoria in wHKD, Victoria mints to Tsing Yi.
    expect(moved(stepById(run, "payment-harbour-to-victoria"))).to.deep.equal({
      "Harbour Bank wHKD": -250_000_000n,
      "Victoria Bank wHKD": 250_000_000n,
      "Peak Asset Management hbHKD": -250_000_000n,
      "Tsing Yi Insurance vbHKD": 250_000_000n,
    });
    // Lion Rock burns Lantau's lrHKD, pays Harbour in wHKD, Harbour mints to Kowloon.
    expect(moved(stepById(run, "payment-lionrock-to-harbour"))).to.deep.equal({
      "Harbour Bank wHKD": 1_000_000_000n,
      "Lion Rock Bank wHKD": -1_000_000_000n,
      "Kowloon Dealer hbHKD": 1_000_000_000n,
      "Lantau Pension Fund lrHKD": -1_000_000_000n,
    });
    // Within Harbour: hbHKD moves, no central-bank money does.
    expect(moved(stepById(run, "payment-same-bank"))).to.deep.equal({
      "Kowloon Dealer hbHKD": -75_000_000n,
      "Peak Asset Management hbHKD": 75_000_000n,
    });
    // 785,000,000.00 of Lion Rock's wHKD burned: 790,000,000.00 → 5,000,000.00, as the step's note says.
    const rtgs = stepById(run, "lionrock-to-rtgs");
    expect(moved(rtgs)).to.deep.equal({ "Lion Rock Bank wHKD": -78_500_000_000n });
    expect(noteValues(rtgs)).to.deep.equal([{ balance: { type: "money", amount: FINAL_WCBDC_LION_ROCK, currency: "HKD", decimals: 2 } }]);
  });

  it("leaves every participant with the hand-computed balances in every token", async function () {
    const expected = expectedSheet({
      wHKD: { harbourBank: FINAL_WCBDC_HARBOUR, victoriaBank: FINAL_WCBDC_VICTORIA, lionRockBank: FINAL_WCBDC_LION_ROCK },
      hbHKD: { kowloonDealer: FINAL_KOWLOON, peakAsset: FINAL_PEAK },
      vbHKD: { government: FINAL_GOVERNMENT, tsingYiInsurance: FINAL_TSING_YI },
      lrHKD: { lantauPension: FINAL_LANTAU },
      bond: {},
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
    // The runner's last sheet reads the same.
    const P = ledger.participants;
    expect(balanceIn(run.finalBalances, "hk", await ledger.wcbdc.getAddress(), P.lionRockBank.address)).to.equal(FINAL_WCBDC_LION_ROCK);
    expect(balanceIn(run.finalBalances, "hk", await ledger.deposits.harbourBank.getAddress(), P.peakAsset.address)).to.equal(FINAL_PEAK);
    expect(await ledger.wcbdc.paused()).to.equal(false);
  });

  it("conserves money: supplies equal opening + mints − burns, and each bank's wHKD moved with its deposits", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WCBDC_SUPPLY);
    expect(FINAL_WCBDC_HARBOUR + FINAL_WCBDC_VICTORIA + FINAL_WCBDC_LION_ROCK).to.equal(WCBDC_SUPPLY);
    expect(await tokens.hbHKD.totalSupply()).to.equal(HB_SUPPLY);
    expect(await tokens.vbHKD.totalSupply()).to.equal(VB_SUPPLY);
    expect(await tokens.lrHKD.totalSupply()).to.equal(LR_SUPPLY);
    expect(HB_SUPPLY + VB_SUPPLY + LR_SUPPLY).to.equal(DEPOSIT_SUPPLY);
    expect(await tokens.bond.totalSupply()).to.equal(0n);
    // A bank whose customers' deposits grew by X received X in wHKD (and vice versa):
    //   Harbour  wHKD +7,500,000.00 = hbHKD 370,000,000.00 → 377,500,000.00
    //   Victoria wHKD +2,500,000.00 = vbHKD 680,000,000.00 → 682,500,000.00
    //   Lion Rock wHKD −10,000,000.00 (besides the 785,000,000.00 returned to RTGS) = lrHKD 150,000,000.00 → 140,000,000.00
    expect(FINAL_WCBDC_HARBOUR - OPEN_WCBDC_HARBOUR).to.equal(HB_SUPPLY - (OPEN_KOWLOON + OPEN_PEAK));
    expect(FINAL_WCBDC_VICTORIA - OPEN_WCBDC_VICTORIA).to.equal(VB_SUPPLY - (OPEN_GOVERNMENT + OPEN_TSING_YI));
    expect(FINAL_WCBDC_LION_ROCK + LION_ROCK_TO_RTGS - OPEN_WCBDC_LION_ROCK).to.equal(LR_SUPPLY - OPEN_LANTAU);
  });

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const document = reportOf(run);
    expectHongKongReport(document, scenario, ledger.bondTerms.issueNumber);
    // Each refused step keeps its refused attempt, with the decoded error (no longer `txs: []`).
    expectRefusalsRecorded(document, run, Object.fromEntries(REFUSED_STEPS.map((id) => [id, { chain: "hk", via: "estimateGas", function: "pay" }])));
  });
});
