import { expect } from "chai";
import { encodeBytes32String, type LogDescription } from "ethers";

import { parseMoney } from "../../src/domain/money.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { runScenario, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { PRICE } from "../../src/scenarios/dvp-atomicity.js";
import type { Trade } from "../../src/domain/trade.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved, engineEvents } from "../helpers/scenario-sheet.js";

/**
 * Scenario `dvp-atomicity` (src/scenarios/dvp-atomicity.ts) on the in-process network: every refused
 * or failed settlement moves nothing, and the final balances are the opening balances plus the only
 * two things that settle — the issue and the baseline trade. Amounts in HKD minor units (cents).
 *
 * Opening balances (src/ledger/opening-balances.ts):
 *   wHKD   Harbour 1,500,000,000.00   Victoria 1,200,000,000.00   Lion Rock 800,000,000.00
 *   hbHKD  Kowloon Dealer 250,000,000.00   Peak 120,000,000.00
 *   vbHKD  HKSAR Government 500,000,000.00   Tsing Yi 180,000,000.00
 *   lrHKD  Lantau 150,000,000.00
 *
 *   step  what                                                         moves
 *    4    issue 3,000 units to Harbour, 1,000 to Victoria at 49,925.00  Harbour wHKD −149,775,000.00, Victoria −49,925,000.00,
 *                                                                       HKMA +199,700,000.00; bonds +3,000 / +1,000
 *    5    ATOM-000 Harbour → Kowloon 100 units at 50,010.00             Kowloon hbHKD −5,001,000.00 (burned: its own bank, no wHKD);
 *                                                                       bond Harbour −100, Kowloon +100
 *    6    MONY: Peak buys 2,500 × 50,010.00 = 125,025,000.00, holds 120,000,000.00      refused, nothing
 *    7    LACK: Kowloon sells 150, holds 100                                             refused, nothing
 *    8    same through instructions: recorded Failed (PENF/LACK)                         nothing
 *    9    Lantau's KYC lapses, its purchase refused                                      nothing
 *   11    Kowloon frozen on the bond, its sale refused (BLOC)                            nothing
 *   13    bond paused, sale refused                                                      nothing
 *   15–16 T+1 trade matched, expires unsettled (CAND/CANS)                                nothing
 *   17    instructing an expired trade refused                                           nothing
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

// ---- what settles ----
const ISSUE_HARBOUR = 14_977_500_000n; // 3,000 × 4,992,500 = 149,775,000.00
const ISSUE_VICTORIA = 4_992_500_000n; // 1,000 × 4,992,500 = 49,925,000.00
const BASELINE = 500_100_000n; // 100 × 5,001,000 = 5,001,000.00
// The refused MONY trade: 2,500 × 5,001,000 = 12,502,500,000 (125,025,000.00) against Peak's 12,000,000,000.
const MONY_AMOUNT = 12_502_500_000n;

// ---- final balances, by hand ----
// HKMA wHKD: 149,775,000.00 + 49,925,000.00 = 199,700,000.00
const FINAL_WCBDC_HKMA = 19_970_000_000n;
// Harbour wHKD: 1,500,000,000.00 − 149,775,000.00 = 1,350,225,000.00 (the baseline is a burn of Kowloon's hbHKD)
const FINAL_WCBDC_HARBOUR = 135_022_500_000n;
// Victoria wHKD: 1,200,000,000.00 − 49,925,000.00 = 1,150,075,000.00
const FINAL_WCBDC_VICTORIA = 115_007_500_000n;
// Lion Rock wHKD: untouched 800,000,000.00
const FINAL_WCBDC_LION_ROCK = 80_000_000_000n;
// Kowloon hbHKD: 250,000,000.00 − 5,001,000.00 = 244,999,000.00
const FINAL_KOWLOON = 24_499_900_000n;
// Everyone else's deposits untouched: Peak 120,000,000.00, Government 500,000,000.00,
// Tsing Yi 180,000,000.00, Lantau 150,000,000.00.
// Bond: Harbour 3,000 − 100 = 2,900; Victoria 1,000; Kowloon 100. Total 4,000.
const BOND = { harbourBank: 2_900n, victoriaBank: 1_000n, kowloonDealer: 100n };
const BOND_SUPPLY = 4_000n;

// ---- supplies ----
// wHKD: 3,500,000,000.00 minted at opening, nothing since
const WCBDC_SUPPLY = 350_000_000_000n;
// hbHKD: 370,000,000.00 − 5,001,000.00 burned = 364,999,000.00
const HB_SUPPLY = 36_499_900_000n;
const VB_SUPPLY = 68_000_000_000n; // 680,000,000.00
const LR_SUPPLY = 15_000_000_000n; // 150,000,000.00
// All deposits: 1,200,000,000.00 − 5,001,000.00 = 1,194,999,000.00
const DEPOSIT_SUPPLY = 119_499_900_000n;


/** The trade whose terms the first transaction of `step` recorded. */
async function tradeRecordedIn(ledger: HongKongLedger, step: StepResult): Promise<{ id: string; trade: Trade }> {
  const terms = (await engineEvents(ledger, step.transactions[0].hash)).find((e) => e.name === "TradeTermsRecorded");
  if (terms === undefined) throw new Error(`step ${step.index + 1}: no TradeTermsRecorded`);
  const t = terms.args.trade as Trade;
  const trade: Trade = {
    tradeRef: t.tradeRef,
    seller: t.seller,
    buyer: t.buyer,
    asset: t.asset,
    quantity: t.quantity,
    buyerCash: t.buyerCash,
    sellerCash: t.sellerCash,
    amount: t.amount,
    settlementDate: t.settlementDate,
    expiry: t.expiry,
  };
  return { id: terms.args.tradeId as string, trade };
}

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** `TradeStatus` and `FailureReason` in contracts/settlement/Trade.sol. */
const FAILED = 3n;
const EXPIRED = 6n;
const INSUFFICIENT_SECURITIES = 1n;

describe("scenario: dvp-atomicity", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;
  let bondSymbol: string;

  before(async function () {
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
    bondSymbol = await ledger.bond.symbol();
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
    expect(PRICE).to.equal(5_001_000n);
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.index + 1} ${s.status} ${s.reason ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(17);
  });

  it("ends each step as designed: eight refused or failed steps, everything else settles", function () {
    expect(run.steps.map((s) => s.status)).to.deep.equal([
      OK, // 1 wHKD to the banks
      OK, // 2 deposits
      OK, // 3 authorisations
      OK, // 4 issue
      OK, // 5 baseline trade
      REFUSED, // 6 MONY
      REFUSED, // 7 LACK (signed)
      REFUSED, // 8 LACK through instructions (recorded, no balance change)
      REFUSED, // 9 KYC lapsed
      OK, // 10 KYC renewed
      REFUSED, // 11 frozen
      OK, // 12 unfrozen
      REFUSED, // 13 bond paused
      OK, // 14 unpaused
      OK, // 15 T+1 trade matched
      REFUSED, // 16 expired unsettled (no balance change)
      REFUSED, // 17 instructing an expired trade
    ]);
  });

  it("refuses each failure for its own reason", function () {
    const reasons = run.steps.map((s) => s.reason);
    // 2,500 × 50,010.00 = 125,025,000.00 = 12,502,500,000 cents needed; Peak holds 12,000,000,000.
    expect(reasons[5]).to.equal(
      `PENF/MONY on the cash leg: hbHKD refused with ERC20InsufficientBalance(Peak Asset Management, ${OPEN_PEAK}, ${MONY_AMOUNT})`,
    );
    expect(reasons[6]).to.equal(
      `PENF/LACK on the asset leg: ${bondSymbol} refused with ERC20InsufficientBalance(Kowloon Dealer, 100, 150)`,
    );
    expect(reasons[7]).to.equal(undefined);
    expect(reasons[8]).to.match(
      new RegExp(`^PENF/party not eligible on the asset leg: ${bondSymbol} refused with ParticipantKycExpired\\(Lantau Pension Fund, \\d+\\)$`),
    );
    expect(reasons[10]).to.equal(`PENF/BLOC on the asset leg: ${bondSymbol} refused with AccountFrozen(Kowloon Dealer)`);
    expect(reasons[12]).to.equal(`PENF/token paused on the asset leg: ${bondSymbol} refused with EnforcedPause()`);
    expect(reasons[15]).to.equal(undefined);
    expect(reasons[16]).to.match(/^TradeExpired\(0x[0-9a-f]{64}, \d+\)$/);
  });

  it("moves no balance in any of the eight failure steps", function () {
    for (const i of [5, 6, 7, 8, 10, 12, 15, 16]) {
      expect(run.steps[i].status, run.steps[i].title).to.equal(REFUSED);
      expect(run.steps[i].changes, run.steps[i].title).to.deep.equal([]);
    }
    // A refused step's set-up went through (the runner records a transaction only once mined), so the
    // refusal is the settlement's, not the set-up's.
    expect(run.steps[5].transactions.map((t) => t.label)).to.deep.equal([]);
    expect(run.steps[6].transactions.map((t) => t.label)).to.deep.equal([]);
    expect(run.steps[8].transactions.map((t) => t.label)).to.deep.equal(["registrar shortens Lantau's KYC validity"]);
    expect(run.steps[10].transactions.map((t) => t.label)).to.deep.equal(["registrar freezes Kowloon Dealer on the bond"]);
    expect(run.steps[12].transactions.map((t) => t.label)).to.deep.equal(["registrar pauses the bond"]);
    expect(run.steps[16].transactions.map((t) => t.label)).to.deep.equal([]);
  });

  it("records the instruction-path shortfall on chain as Failed, insufficient securities (PENF/LACK)", async function () {
    const step = run.steps[7];
    expect(step.transactions.flatMap((t) => t.events)).to.include("settlement attempt failed, nothing moved: PENF/LACK");
    const { id, trade } = await tradeRecordedIn(ledger, step);
    expect(trade.quantity).to.equal(150n);
    const record = await ledger.engine.tradeRecord(id);
    expect(record.status).to.equal(FAILED);
    expect(record.reason).to.equal(INSUFFICIENT_SECURITIES);
  });

  it("records the unsettled T+1 trade Expired, and refuses instructing it again past its expiry", async function () {
    const { id, trade } = await tradeRecordedIn(ledger, run.steps[14]);
    // Expires an hour after its settlement date, a day after it was matched.
    expect(trade.expiry - trade.settlementDate).to.equal(3_600n);
    expect(run.steps[15].transactions.flatMap((t) => t.events)).to.include("trade expired unsettled (CAND/CANS)");
    expect((await ledger.engine.tradeRecord(id)).status).to.equal(EXPIRED);
    const again = await ledger.engine.tradeId({ ...trade, tradeRef: encodeBytes32String("ATOM-EXP-2") });
    expect(run.steps[16].reason).to.equal(`TradeExpired(${again}, ${trade.expiry})`);
  });

  it("settles only the issue and the baseline trade", function () {
    expect(moved(run.steps[3]), "issue").to.deep.equal({
      "HKMA wHKD": ISSUE_HARBOUR + ISSUE_VICTORIA,
      "Harbour Bank wHKD": -ISSUE_HARBOUR,
      "Victoria Bank wHKD": -ISSUE_VICTORIA,
      "Harbour Bank bond": 3_000n,
      "Victoria Bank bond": 1_000n,
    });
    // Kowloon pays its own bank in its deposits: burned, no wHKD moves.
    expect(moved(run.steps[4]), "baseline").to.deep.equal({
      "Kowloon Dealer hbHKD": -BASELINE,
      "Harbour Bank bond": -100n,
      "Kowloon Dealer bond": 100n,
    });
    for (const i of [2, 9, 11, 13, 14]) expect(run.steps[i].changes, run.steps[i].title).to.deep.equal([]);
  });

  it("leaves every participant with the hand-computed balances in every token", async function () {
    const expected = expectedSheet({
      wHKD: {
        hkma: FINAL_WCBDC_HKMA,
        harbourBank: FINAL_WCBDC_HARBOUR,
        victoriaBank: FINAL_WCBDC_VICTORIA,
        lionRockBank: FINAL_WCBDC_LION_ROCK,
      },
      hbHKD: { kowloonDealer: FINAL_KOWLOON, peakAsset: OPEN_PEAK },
      vbHKD: { government: OPEN_GOVERNMENT, tsingYiInsurance: OPEN_TSING_YI },
      lrHKD: { lantauPension: OPEN_LANTAU },
      bond: BOND,
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
    // The set-up of each failure was undone.
    expect(await ledger.bond.paused()).to.equal(false);
    expect(await ledger.bond.isFrozen(ledger.participants.kowloonDealer.address)).to.equal(false);
    expect(await ledger.registry.isEligible(ledger.participants.lantauPension.address)).to.equal(true);
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
  });
});
