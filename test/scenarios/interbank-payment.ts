import { expect } from "chai";

import { parseMoney } from "../../src/domain/money.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { runScenario, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import scenario, { PAYMENTS } from "../../src/scenarios/interbank-payment.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";

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
 *   step  payment                                        hbHKD               vbHKD            lrHKD          wHKD
 *    4    Peak → Tsing Yi 2,500,000.00 (Harbour→Victoria)  Peak −2,500,000    TY +2,500,000                   Harbour −2,500,000, Victoria +2,500,000
 *    5    Lantau → Kowloon 10,000,000.00 (LionRock→Harb.)  Kowloon +10,000,000                 Lantau −10,000,000  Lion Rock −10,000,000, Harbour +10,000,000
 *    6    Kowloon → Peak 750,000.00 (within Harbour)       Kowloon −750,000, Peak +750,000
 *    7    Tsing Yi → Lantau in hbHKD: refused (Lantau is not Harbour's customer)            nothing
 *    8    HKMA burns 785,000,000.00 of Lion Rock's wHKD                                      Lion Rock −785,000,000
 *    9    Lantau → Tsing Yi 10,000,000.00: refused (Lion Rock holds 5,000,000.00 wHKD)      nothing
 *   10    wHKD paused, Peak → Tsing Yi 100,000.00: refused                                  nothing
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
    expect(run.ok, run.steps.map((s) => `${s.index + 1} ${s.status} ${s.reason ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(11);
  });

  it("ends each step as designed: three refusals, everything else settles", function () {
    expect(run.steps.map((s) => s.status)).to.deep.equal([
      OK, // 1 wHKD to the banks
      OK, // 2 deposits to the customers
      OK, // 3 customers authorise the engine
      OK, // 4 Peak → Tsing Yi across banks
      OK, // 5 Lantau → Kowloon across banks
      OK, // 6 Kowloon → Peak within Harbour
      REFUSED, // 7 Tsing Yi → Lantau in Harbour deposits
      OK, // 8 Lion Rock returns wHKD to RTGS
      REFUSED, // 9 Lion Rock lacks wHKD
      REFUSED, // 10 wHKD paused
      OK, // 11 wHKD unpaused
    ]);
  });

  it("refuses the three payments for the reasons the narrative gives, moving nothing", function () {
    const [nonCustomer, shortBank, paused] = [run.steps[6], run.steps[8], run.steps[9]];
    expect(nonCustomer.reason).to.equal(
      "PENF/party not eligible on the cash leg: hbHKD refused with NotCustomerOfBank(Lantau Pension Fund)",
    );
    // Lion Rock holds 5,000,000.00 = 500,000,000 cents; the interbank leg needs 10,000,000.00 = 1,000,000,000.
    expect(shortBank.reason).to.equal(
      "PENF/MONY on the interbank leg: wHKD refused with ERC20InsufficientBalance(Lion Rock Bank, 500000000, 1000000000)",
    );
    expect(paused.reason).to.equal("PENF/token paused on the interbank leg: wHKD refused with EnforcedPause()");
    for (const step of [nonCustomer, shortBank, paused]) expect(step.changes, step.title).to.deep.equal([]);
    // The paused step did send (and keep) the pause itself; the payment was refused.
    expect(paused.transactions.map((t) => t.label)).to.deep.equal(["HKMA pauses wHKD"]);
  });

  it("moves each payment's legs as the cash-leg rules say", function () {
    // 4: Harbour burns Peak's hbHKD, pays Victoria in wHKD, Victoria mints to Tsing Yi.
    expect(moved(run.steps[3])).to.deep.equal({
      "Harbour Bank wHKD": -250_000_000n,
      "Victoria Bank wHKD": 250_000_000n,
      "Peak Asset Management hbHKD": -250_000_000n,
      "Tsing Yi Insurance vbHKD": 250_000_000n,
    });
    // 5: Lion Rock burns Lantau's lrHKD, pays Harbour in wHKD, Harbour mints to Kowloon.
    expect(moved(run.steps[4])).to.deep.equal({
      "Harbour Bank wHKD": 1_000_000_000n,
      "Lion Rock Bank wHKD": -1_000_000_000n,
      "Kowloon Dealer hbHKD": 1_000_000_000n,
      "Lantau Pension Fund lrHKD": -1_000_000_000n,
    });
    // 6: within Harbour: hbHKD moves, no central-bank money does.
    expect(moved(run.steps[5])).to.deep.equal({
      "Kowloon Dealer hbHKD": -75_000_000n,
      "Peak Asset Management hbHKD": 75_000_000n,
    });
    // 8: 785,000,000.00 of Lion Rock's wHKD burned: 790,000,000.00 → 5,000,000.00.
    expect(moved(run.steps[7])).to.deep.equal({ "Lion Rock Bank wHKD": -78_500_000_000n });
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
    expect(run.finalBalances[ledger.wcbdc.target as string][ledger.participants.lionRockBank.address]).to.equal(
      FINAL_WCBDC_LION_ROCK,
    );
    expect(run.finalBalances[ledger.deposits.harbourBank.target as string][ledger.participants.peakAsset.address]).to.equal(
      FINAL_PEAK,
    );
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
});
