import { expect } from "chai";
import type { LogDescription } from "ethers";
import { network } from "hardhat";

import { parseMoney } from "../../src/format/money.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/ledger/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/ledger/hong-kong.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/ledger/opening-balances.js";
import { runScenario, type ScenarioRun, type StepResult, type StepStatus } from "../../src/scenario/runner.js";
import scenario, { ALLOTMENTS, DISTRIBUTION_PRICE, FINAL_HOLDINGS, ISSUE_PRICE } from "../../src/scenarios/green-bond-issuance.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";

/**
 * Scenario `green-bond-issuance` (src/scenarios/green-bond-issuance.ts) on the in-process network,
 * every figure worked out by hand. Amounts in HKD minor units (cents); bonds in units of HK$50,000.
 *
 * The bond's dates follow the chain's clock (issue = the 00:00 UTC after deployment), so this file
 * moves the clock to a fixed time before deploying. It runs on a network of its own: the one in
 * test/helpers/ledger-fixture.ts is created once per mocha process (an ES module is evaluated once)
 * and so is shared by every test file of a run, whose clocks other files move years ahead.
 *
 *   deployed 10 Jan 2030 12:00 UTC   1 894 276 800
 *   issue    11 Jan 2030             1 894 320 000
 *
 *   coupon  payment date   unix           record date (−1 day)  days  coupon per unit
 *   1       11 Jul 2030    1 909 958 400  1 909 872 000         181   105,376
 *   2       11 Jan 2031    1 925 856 000  1 925 769 600         184   107,123
 *   3       11 Jul 2031    1 941 494 400  1 941 408 000         181   105,376
 *   4       11 Jan 2032    1 957 392 000  1 957 305 600         184   107,123
 *   5       11 Jul 2032    1 973 116 800  1 973 030 400         182   105,958   (29 Feb 2032 inside)
 *   6       11 Jan 2033    1 989 014 400  1 988 928 000         184   107,123   (maturity)
 *
 *   11 Jan → 11 Jul: 20 + 28 (29 in 2032) + 31 + 30 + 31 + 30 + 11 = 181 (182)
 *   11 Jul → 11 Jan: 20 + 31 + 30 + 31 + 30 + 31 + 11 = 184
 *   coupon per unit = floor(5,000,000 × 425 × days / 3,650,000) = floor(212,500 × days / 365):
 *     181: 38,462,500 = 365 × 105,376 + 260 → 105,376 (HKD 1,053.76)
 *     184: 39,100,000 = 365 × 107,123 + 105 → 107,123 (HKD 1,071.23)
 *     182: 38,675,000 = 365 × 105,958 + 330 → 105,958 (HKD 1,059.58)
 *   all six: 2 × 105,376 + 3 × 107,123 + 105,958 = 638,079 a unit;  coupons 2–6: 532,703;  2–5: 425,580
 *
 * Who holds what:
 *   issue: Harbour 600, Victoria 400, at 49,925.00 a unit (HKMA receives 1,000 × 4,992,500 = 4,992,500,000)
 *   DIST-001 Harbour → Peak 100 at 50,010.00 = 500,100,000: Peak's hbHKD burned (its own bank: no wHKD)
 *   DIST-002 Harbour → Tsing Yi 80 = 400,080,000: Tsing Yi's vbHKD burned, Victoria pays Harbour wHKD
 *   DIST-003 Victoria → Lantau 60 = 300,060,000 (next day): Lantau's lrHKD burned, Lion Rock pays Victoria wHKD
 *   record date 1 — Harbour 420, Victoria 340, Peak 100, Tsing Yi 80, Lantau 60, Kowloon 0
 *   SEC-001 (after record date 1, ex-coupon) Peak → Kowloon 30 at 50,030.00 = 150,090,000 in hbHKD
 *   record dates 2–6 — Harbour 420, Victoria 340, Peak 70, Tsing Yi 80, Lantau 60, Kowloon 30
 *
 * Coupons per holder (banks paid in wHKD; customers via their bank, which is paid in wHKD and
 * credits their deposits):
 *   Harbour   420 × 638,079                      = 267,993,180
 *   Victoria  340 × 638,079                      = 216,946,860
 *   Peak      100 × 105,376 + 70 × 532,703       =  10,537,600 + 37,289,210 = 47,826,810
 *   Tsing Yi   80 × 638,079                      =  51,046,320
 *   Lantau     60 × 638,079                      =  38,284,740
 *   Kowloon    30 × 532,703                      =  15,981,090
 *   total    1,000 × 638,079                     = 638,079,000 (HKD 6,380,790.00)
 * Redemption: 1,000 × 5,000,000 = 5,000,000,000. HKMA funds it all from the proceeds it holds,
 * topping up from the Government's account (a wCBDC mint, common.ts fundPayingAgent):
 *   proceeds 4,992,500,000 − coupons 638,079,000 = 4,354,421,000 left for redemption;
 *   top-up 5,000,000,000 − 4,354,421,000 = 645,579,000 (HKD 6,455,790.00); HKMA ends with 0.
 */

const DEPLOY_TIME = 1_894_276_800; // 2030-01-10T12:00:00Z
const ISSUE_DATE = 1_894_320_000; // 2030-01-11
const COUPON_DATES = [1_909_958_400, 1_925_856_000, 1_941_494_400, 1_957_392_000, 1_973_116_800, 1_989_014_400];
const COUPON_PER_UNIT = [105_376n, 107_123n, 105_376n, 107_123n, 105_958n, 107_123n];
const DENOMINATION = 5_000_000n;

// ---- opening balances ----
const OPEN_WCBDC_HARBOUR = 150_000_000_000n; // 1,500,000,000.00
const OPEN_WCBDC_VICTORIA = 120_000_000_000n; // 1,200,000,000.00
const OPEN_WCBDC_LION_ROCK = 80_000_000_000n; // 800,000,000.00
const OPEN_KOWLOON = 25_000_000_000n; // 250,000,000.00
const OPEN_PEAK = 12_000_000_000n; // 120,000,000.00
const OPEN_GOVERNMENT = 50_000_000_000n; // 500,000,000.00
const OPEN_TSING_YI = 18_000_000_000n; // 180,000,000.00
const OPEN_LANTAU = 15_000_000_000n; // 150,000,000.00

// ---- trades ----
const PROCEEDS = 4_992_500_000n; // 1,000 × 4,992,500 = 49,925,000.00
const ISSUE_HARBOUR = 2_995_500_000n; // 600 × 4,992,500
const ISSUE_VICTORIA = 1_997_000_000n; // 400 × 4,992,500
const DIST_001 = 500_100_000n; // 100 × 5,001,000
const DIST_002 = 400_080_000n; // 80 × 5,001,000
const DIST_003 = 300_060_000n; // 60 × 5,001,000
const SEC_001 = 150_090_000n; // 30 × 5,003,000

// ---- coupons per holder (see the table above) ----
const COUPONS: Readonly<Partial<Record<ParticipantKey, bigint>>> = {
  harbourBank: 267_993_180n,
  victoriaBank: 216_946_860n,
  peakAsset: 47_826_810n,
  tsingYiInsurance: 51_046_320n,
  lantauPension: 38_284_740n,
  kowloonDealer: 15_981_090n,
};
const ALL_COUPONS = 638_079_000n;
const REDEMPTION = 5_000_000_000n;
const TOP_UP = 645_579_000n; // 5,000,000,000 − (4,992,500,000 − 638,079,000)

// ---- final balances, by hand ----
// Harbour wHKD: 150,000,000,000 − 2,995,500,000 (issue) + 400,080,000 (DIST-002)
//   + 267,993,180 (own coupons) + 47,826,810 + 15,981,090 (Peak's and Kowloon's coupons, paid to Harbour)
//   + 2,100,000,000 (own 420 redeemed) + 500,000,000 (Peak 70 + Kowloon 30 redeemed) = 150,336,381,080
const FINAL_WCBDC_HARBOUR = 150_336_381_080n; // HKD 1,503,363,810.80
// Victoria wHKD: 120,000,000,000 − 1,997,000,000 (issue) − 400,080,000 (DIST-002) + 300,060,000 (DIST-003)
//   + 216,946,860 (own coupons) + 51,046,320 (Tsing Yi's) + 1,700,000,000 (own 340) + 400,000,000 (Tsing Yi's 80)
//   = 120,270,973,180
const FINAL_WCBDC_VICTORIA = 120_270_973_180n; // HKD 1,202,709,731.80
// Lion Rock wHKD: 80,000,000,000 − 300,060,000 (DIST-003) + 38,284,740 (Lantau's coupons) + 300,000,000 (Lantau's 60)
//   = 80,038,224,740
const FINAL_WCBDC_LION_ROCK = 80_038_224_740n; // HKD 800,382,247.40
// HKMA wHKD: 4,992,500,000 − 638,079,000 − 5,000,000,000 + 645,579,000 = 0
const FINAL_WCBDC_HKMA = 0n;
// Kowloon hbHKD: 25,000,000,000 − 150,090,000 (SEC-001) + 15,981,090 + 150,000,000 (30 redeemed) = 25,015,891,090
const FINAL_KOWLOON = 25_015_891_090n; // HKD 250,158,910.90
// Peak hbHKD: 12,000,000,000 − 500,100,000 (DIST-001) + 150,090,000 (SEC-001) + 47,826,810 + 350,000,000 (70 redeemed)
//   = 12,047,816,810
const FINAL_PEAK = 12_047_816_810n; // HKD 120,478,168.10
// Government vbHKD: untouched (its proceeds are HKMA's wHKD)
const FINAL_GOVERNMENT = 50_000_000_000n;
// Tsing Yi vbHKD: 18,000,000,000 − 400,080,000 + 51,046,320 + 400,000,000 = 18,050,966,320
const FINAL_TSING_YI = 18_050_966_320n; // HKD 180,509,663.20
// Lantau lrHKD: 15,000,000,000 − 300,060,000 + 38,284,740 + 300,000,000 = 15,038,224,740
const FINAL_LANTAU = 15_038_224_740n; // HKD 150,382,247.40

// ---- supplies ----
// wHKD: 350,000,000,000 minted at opening + 645,579,000 top-up = 350,645,579,000
const WCBDC_SUPPLY = 350_645_579_000n;
// Deposits: opening 120,000,000,000
//   + minted 153,138,960 (customers' coupons: 47,826,810 + 15,981,090 + 51,046,320 + 38,284,740)
//   + minted 1,200,000,000 (customers' 240 units redeemed)
//   − burned 1,200,240,000 (DIST-001 500,100,000 + DIST-002 400,080,000 + DIST-003 300,060,000)
//   = 120,152,898,960
const DEPOSIT_SUPPLY = 120_152_898_960n;
const HB_SUPPLY = 37_063_707_900n; // 25,015,891,090 + 12,047,816,810
const VB_SUPPLY = 68_050_966_320n; // 50,000,000,000 + 18,050,966,320
const LR_SUPPLY = 15_038_224_740n;


const OK: StepStatus = "ok";
const connection = await network.create();

describe("scenario: green-bond-issuance", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;
  let startedAt: number;

  before(async function () {
    startedAt = await connection.networkHelpers.time.latest();
    if (startedAt < DEPLOY_TIME) await connection.networkHelpers.time.increaseTo(DEPLOY_TIME);
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
  });

  after(async function () {
    await connection.close();
  });

  it("deploys the bond with the hand-computed schedule", async function () {
    expect(startedAt, "the chain's clock must start before the fixed deployment time").to.be.below(DEPLOY_TIME);
    expect(ledger.bondTerms.issueDate).to.equal(ISSUE_DATE);
    expect(ledger.bondTerms.couponDates).to.deep.equal(COUPON_DATES);
    expect(ledger.bondTerms.issueNumber).to.equal("03GB3301");
    for (const [i, perUnit] of COUPON_PER_UNIT.entries()) {
      expect(await ledger.bond.couponPerUnit(i), `coupon ${i + 1}`).to.equal(perUnit);
      expect(await ledger.bond.recordDate(i), `record date ${i + 1}`).to.equal(BigInt(COUPON_DATES[i] - 86_400));
    }
    expect(await ledger.bond.redemptionPerUnit()).to.equal(DENOMINATION);
    expect(COUPON_PER_UNIT.reduce((a, b) => a + b, 0n)).to.equal(638_079n);
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
    expect(DISTRIBUTION_PRICE).to.equal(5_001_000n);
    expect(ALLOTMENTS).to.deep.equal({ harbourBank: 600n, victoriaBank: 400n });
    // The scenario's own statement of the holdings at maturity agrees with the hand count.
    expect(FINAL_HOLDINGS).to.deep.equal({
      harbourBank: 420n,
      victoriaBank: 340n,
      peakAsset: 70n,
      tsingYiInsurance: 80n,
      lantauPension: 60n,
      kowloonDealer: 30n,
    });
  });

  it("runs every step to the end, all of them settling", function () {
    expect(run.ok, run.steps.map((s) => `${s.index + 1} ${s.status} ${s.reason ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps.map((s) => s.status)).to.deep.equal([OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK]);
  });

  it("places and distributes the bond as the cash-leg rules say", function () {
    expect(moved(run, run.steps[4]), "issue").to.deep.equal({
      "HKMA wHKD": PROCEEDS,
      "Harbour Bank wHKD": -ISSUE_HARBOUR,
      "Victoria Bank wHKD": -ISSUE_VICTORIA,
      "Harbour Bank bond": 600n,
      "Victoria Bank bond": 400n,
    });
    // Peak pays its own bank: its hbHKD is burned, no wHKD moves.
    expect(moved(run, run.steps[5]), "DIST-001").to.deep.equal({
      "Peak Asset Management hbHKD": -DIST_001,
      "Harbour Bank bond": -100n,
      "Peak Asset Management bond": 100n,
    });
    expect(moved(run, run.steps[6]), "DIST-002").to.deep.equal({
      "Harbour Bank wHKD": DIST_002,
      "Victoria Bank wHKD": -DIST_002,
      "Tsing Yi Insurance vbHKD": -DIST_002,
      "Harbour Bank bond": -80n,
      "Tsing Yi Insurance bond": 80n,
    });
    expect(run.steps[7].changes, "DIST-003 matched, not yet due").to.deep.equal([]);
    expect(moved(run, run.steps[8]), "DIST-003").to.deep.equal({
      "Victoria Bank wHKD": DIST_003,
      "Lion Rock Bank wHKD": -DIST_003,
      "Lantau Pension Fund lrHKD": -DIST_003,
      "Victoria Bank bond": -60n,
      "Lantau Pension Fund bond": 60n,
    });
    expect(moved(run, run.steps[9]), "SEC-001").to.deep.equal({
      "Kowloon Dealer hbHKD": -SEC_001,
      "Peak Asset Management hbHKD": SEC_001,
      "Kowloon Dealer bond": 30n,
      "Peak Asset Management bond": -30n,
    });
  });

  it("pays coupon 1 on the holdings of record, before the ex-coupon trade", async function () {
    const P = ledger.participants;
    expect(await ledger.bond.balanceOfAtRecord(P.peakAsset.address, 0)).to.equal(100n);
    expect(await ledger.bond.balanceOfAtRecord(P.kowloonDealer.address, 0)).to.equal(0n);
    expect(await ledger.bond.balanceOfAtRecord(P.peakAsset.address, 1)).to.equal(70n);
    expect(await ledger.bond.balanceOfAtRecord(P.kowloonDealer.address, 1)).to.equal(30n);
    // 105,376 a unit: Harbour 420 → 44,257,920 + Peak's 100 → 10,537,600 = 54,795,520;
    // Victoria 340 → 35,827,840 + Tsing Yi's 80 → 8,430,080 = 44,257,920; Lion Rock for Lantau's 60 → 6,322,560.
    expect(moved(run, run.steps[10])).to.deep.equal({
      "HKMA wHKD": -105_376_000n,
      "Harbour Bank wHKD": 54_795_520n,
      "Victoria Bank wHKD": 44_257_920n,
      "Lion Rock Bank wHKD": 6_322_560n,
      "Peak Asset Management hbHKD": 10_537_600n,
      "Tsing Yi Insurance vbHKD": 8_430_080n,
      "Lantau Pension Fund lrHKD": 6_322_560n,
    });
    // Coupons 2–5: 425,580 a unit. Harbour (420 + Peak 70 + Kowloon 30) × 425,580 = 221,301,600;
    // Victoria (340 + Tsing Yi 80) × 425,580 = 178,743,600; Lion Rock 60 × 425,580 = 25,534,800.
    expect(moved(run, run.steps[11])).to.deep.equal({
      "HKMA wHKD": -425_580_000n,
      "Harbour Bank wHKD": 221_301_600n,
      "Victoria Bank wHKD": 178_743_600n,
      "Lion Rock Bank wHKD": 25_534_800n,
      "Kowloon Dealer hbHKD": 12_767_400n,
      "Peak Asset Management hbHKD": 29_790_600n,
      "Tsing Yi Insurance vbHKD": 34_046_400n,
      "Lantau Pension Fund lrHKD": 25_534_800n,
    });
  });

  it("pays every holder the coupons its holdings of record earn", async function () {
    const agent = (await ledger.payingAgent.getAddress()).toLowerCase();
    const events: LogDescription[] = [];
    for (const step of run.steps.slice(10)) {
      for (const tx of step.transactions) {
        const receipt = await connection.ethers.provider.getTransactionReceipt(tx.hash);
        if (receipt === null) throw new Error(`no receipt for ${tx.label}`);
        for (const log of receipt.logs) {
          if (log.address.toLowerCase() !== agent) continue;
          const parsed = ledger.payingAgent.interface.parseLog({ topics: [...log.topics], data: log.data });
          if (parsed !== null) events.push(parsed);
        }
      }
    }
    expect(events.filter((e) => e.name === "PaymentParked")).to.deep.equal([]);
    const coupons = events.filter((e) => e.name === "CouponPaid");
    // Coupon 1: five holders (Kowloon held nothing of record); coupons 2–6: six each.
    expect(coupons).to.have.length(5 + 5 * 6);
    const byHolder: Partial<Record<ParticipantKey, bigint>> = {};
    for (const e of coupons) {
      const holder = PARTICIPANTS.find((p) => ledger.participants[p.key].address === (e.args.holder as string));
      if (holder === undefined) throw new Error(`coupon to unknown ${String(e.args.holder)}`);
      const index = Number(e.args.index as bigint);
      expect(e.args.amount as bigint).to.equal((e.args.units as bigint) * COUPON_PER_UNIT[index]);
      byHolder[holder.key] = (byHolder[holder.key] ?? 0n) + (e.args.amount as bigint);
    }
    expect(byHolder).to.deep.equal(COUPONS);
    expect(Object.values(COUPONS).reduce((a, b) => a + b, 0n)).to.equal(ALL_COUPONS);
    const redeemed = events.filter((e) => e.name === "Redeemed");
    expect(redeemed.map((e) => e.args.units as bigint).reduce((a, b) => a + b, 0n)).to.equal(1_000n);
    expect(redeemed.map((e) => e.args.amount as bigint).reduce((a, b) => a + b, 0n)).to.equal(REDEMPTION);
  });

  it("funds coupons from the issue proceeds and tops up only the redemption", function () {
    const labels = run.steps.slice(10).flatMap((s) => s.transactions.map((t) => t.label));
    const topUps = labels.filter((l) => l.startsWith("HKMA credits"));
    expect(topUps).to.deep.equal(["HKMA credits HKD 6,455,790.00 from the Government's account"]);
    expect(run.steps[12].transactions.map((t) => t.label)).to.include(
      "HKMA credits HKD 6,455,790.00 from the Government's account",
    );
    expect(PROCEEDS - ALL_COUPONS - REDEMPTION + TOP_UP).to.equal(FINAL_WCBDC_HKMA);
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
      bond: {},
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
  });

  it("conserves money: wCBDC supply = opening + top-up, deposits = opening + credits − debits; no bond left", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WCBDC_SUPPLY);
    expect(FINAL_WCBDC_HKMA + FINAL_WCBDC_HARBOUR + FINAL_WCBDC_VICTORIA + FINAL_WCBDC_LION_ROCK).to.equal(WCBDC_SUPPLY);
    expect(await tokens.hbHKD.totalSupply()).to.equal(HB_SUPPLY);
    expect(await tokens.vbHKD.totalSupply()).to.equal(VB_SUPPLY);
    expect(await tokens.lrHKD.totalSupply()).to.equal(LR_SUPPLY);
    expect(HB_SUPPLY + VB_SUPPLY + LR_SUPPLY).to.equal(DEPOSIT_SUPPLY);
    expect(await tokens.bond.totalSupply()).to.equal(0n);
  });
});
