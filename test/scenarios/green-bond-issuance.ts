import { expect } from "chai";
import { network } from "hardhat";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import type { EventFact } from "../../src/chain/facts.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { PARTICIPANTS, WCBDC_SPEC, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { parseMoney } from "../../src/domain/money.js";
import { runScenario, stepById, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import type { NoteValue } from "../../src/runner/types.js";
import scenario, { ALLOTMENTS, DISTRIBUTION_PRICE, FINAL_HOLDINGS, ISSUE_PRICE } from "../../src/scenarios/green-bond-issuance.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";
import { eventsOf, expectHongKongReport, hkd, noteValues, reportOf } from "../helpers/step-facts.js";

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
 * Coupons are computed on each holding and rounded down once (GovernmentBond.couponOn):
 *   coupon = floor(212,500 × units × days / 365), e.g. Harbour's 420 units over 181 days:
 *   212,500 × 420 × 181 = 16,154,250,000 = 365 × 44,258,219 + 315 → 44,258,219 (per unit it would be
 *   420 × 105,376 = 44,257,920, HKD 2.99 less).
 *   holding  181 days     184 days     182 days
 *     420    44,258,219   44,991,780   44,502,739
 *     340    35,828,082   36,421,917   36,026,027
 *     100    10,537,671
 *      80     8,430,136    8,569,863    8,476,712
 *      70     7,376,369    7,498,630    7,417,123
 *      60     6,322,602    6,427,397    6,357,534
 *      30     3,161,301    3,213,698    3,178,767
 * Coupons per holder over the six periods (181, 184, 181, 184, 182, 184 days; banks paid in wHKD;
 * customers via their bank, which is paid in wHKD and credits their deposits):
 *   Harbour   420: 2 × 44,258,219 + 3 × 44,991,780 + 44,502,739          = 267,994,517
 *   Victoria  340: 2 × 35,828,082 + 3 × 36,421,917 + 36,026,027          = 216,947,942
 *   Peak      100 then 70: 10,537,671 + 7,376,369 + 3 × 7,498,630 + 7,417,123 = 47,827,053
 *   Tsing Yi   80: 2 × 8,430,136 + 3 × 8,569,863 + 8,476,712             =  51,046,573
 *   Lantau     60: 2 × 6,322,602 + 3 × 6,427,397 + 6,357,534             =  38,284,929
 *   Kowloon    30 (from coupon 2): 3,161,301 + 3 × 3,213,698 + 3,178,767 =  15,981,162
 *   total                                                                 = 638,082,176 (HKD 6,380,821.76)
 * HKMA funds each coupon with exactly what the register of record is owed, so the paying agent
 * keeps nothing. Redemption: 1,000 × 5,000,000 = 5,000,000,000. HKMA funds it all from the proceeds
 * it holds, topping up from the Government's account (a wCBDC mint, fundPayingAgent in src/scenarios/steps.ts):
 *   proceeds 4,992,500,000 − coupons 638,082,176 = 4,354,417,824 left for redemption;
 *   top-up 5,000,000,000 − 4,354,417,824 = 645,582,176 (HKD 6,455,821.76); HKMA ends with 0.
 */

const DEPLOY_TIME = 1_894_276_800; // 2030-01-10T12:00:00Z
const ISSUE_DATE = 1_894_320_000; // 2030-01-11
const COUPON_DATES = [1_909_958_400, 1_925_856_000, 1_941_494_400, 1_957_392_000, 1_973_116_800, 1_989_014_400];
const COUPON_PER_UNIT = [105_376n, 107_123n, 105_376n, 107_123n, 105_958n, 107_123n];
const COUPON_DAYS = [181n, 184n, 181n, 184n, 182n, 184n];
/** The coupon on a holding of `units` for period `index`, rounded down once: floor(212,500 × units × days / 365). */
const couponOn = (index: number, units: bigint): bigint => (212_500n * units * COUPON_DAYS[index]) / 365n;
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
  harbourBank: 267_994_517n,
  victoriaBank: 216_947_942n,
  peakAsset: 47_827_053n,
  tsingYiInsurance: 51_046_573n,
  lantauPension: 38_284_929n,
  kowloonDealer: 15_981_162n,
};
const ALL_COUPONS = 638_082_176n;
const REDEMPTION = 5_000_000_000n;
const TOP_UP = 645_582_176n; // 5,000,000,000 − (4,992,500,000 − 638,082,176)

// ---- final balances, by hand ----
// Harbour wHKD: 150,000,000,000 − 2,995,500,000 (issue) + 400,080,000 (DIST-002)
//   + 267,994,517 (own coupons) + 47,827,053 + 15,981,162 (Peak's and Kowloon's coupons, paid to Harbour)
//   + 2,100,000,000 (own 420 redeemed) + 500,000,000 (Peak 70 + Kowloon 30 redeemed) = 150,336,382,732
const FINAL_WCBDC_HARBOUR = 150_336_382_732n; // HKD 1,503,363,827.32
// Victoria wHKD: 120,000,000,000 − 1,997,000,000 (issue) − 400,080,000 (DIST-002) + 300,060,000 (DIST-003)
//   + 216,947,942 (own coupons) + 51,046,573 (Tsing Yi's) + 1,700,000,000 (own 340) + 400,000,000 (Tsing Yi's 80)
//   = 120,270,974,515
const FINAL_WCBDC_VICTORIA = 120_270_974_515n; // HKD 1,202,709,745.15
// Lion Rock wHKD: 80,000,000,000 − 300,060,000 (DIST-003) + 38,284,929 (Lantau's coupons) + 300,000,000 (Lantau's 60)
//   = 80,038,224,929
const FINAL_WCBDC_LION_ROCK = 80_038_224_929n; // HKD 800,382,249.29
// HKMA wHKD: 4,992,500,000 − 638,082,176 − 5,000,000,000 + 645,582,176 = 0
const FINAL_WCBDC_HKMA = 0n;
// Kowloon hbHKD: 25,000,000,000 − 150,090,000 (SEC-001) + 15,981,162 + 150,000,000 (30 redeemed) = 25,015,891,162
const FINAL_KOWLOON = 25_015_891_162n; // HKD 250,158,911.62
// Peak hbHKD: 12,000,000,000 − 500,100,000 (DIST-001) + 150,090,000 (SEC-001) + 47,827,053 + 350,000,000 (70 redeemed)
//   = 12,047,817,053
const FINAL_PEAK = 12_047_817_053n; // HKD 120,478,170.53
// Government vbHKD: untouched (its proceeds are HKMA's wHKD)
const FINAL_GOVERNMENT = 50_000_000_000n;
// Tsing Yi vbHKD: 18,000,000,000 − 400,080,000 + 51,046,573 + 400,000,000 = 18,050,966,573
const FINAL_TSING_YI = 18_050_966_573n; // HKD 180,509,665.73
// Lantau lrHKD: 15,000,000,000 − 300,060,000 + 38,284,929 + 300,000,000 = 15,038,224,929
const FINAL_LANTAU = 15_038_224_929n; // HKD 150,382,249.29

// ---- supplies ----
// wHKD: 350,000,000,000 minted at opening + 645,582,176 top-up = 350,645,582,176
const WCBDC_SUPPLY = 350_645_582_176n;
// Deposits: opening 120,000,000,000
//   + minted 153,139,717 (customers' coupons: 47,827,053 + 15,981,162 + 51,046,573 + 38,284,929)
//   + minted 1,200,000,000 (customers' 240 units redeemed)
//   − burned 1,200,240,000 (DIST-001 500,100,000 + DIST-002 400,080,000 + DIST-003 300,060,000)
//   = 120,152,899,717
const DEPOSIT_SUPPLY = 120_152_899_717n;
const HB_SUPPLY = 37_063_708_215n; // 25,015,891,162 + 12,047,817,053
const VB_SUPPLY = 68_050_966_573n; // 50,000,000,000 + 18,050,966,573
const LR_SUPPLY = 15_038_224_929n;


const OK: StepStatus = "ok";
const connection = await network.create();

/** Holdings of record per coupon (index 0: before the ex-coupon trade; 1–5: after it). */
const HOLDINGS_OF_RECORD: readonly Readonly<Partial<Record<ParticipantKey, bigint>>>[] = [
  { harbourBank: 420n, victoriaBank: 340n, peakAsset: 100n, tsingYiInsurance: 80n, lantauPension: 60n },
  ...Array.from({ length: 5 }, () => FINAL_HOLDINGS),
];
/** What the register of record is owed for coupon `index`: each holding's coupon, rounded down once. */
const owedFor = (index: number): bigint => Object.values(HOLDINGS_OF_RECORD[index]).reduce((sum, units) => sum + couponOn(index, units), 0n);



/** A decoded argument that must be a string (an address, a uint as decimal). */
function text(event: EventFact, name: string): string {
  const value = event.args[name];
  if (typeof value !== "string") throw new Error(`${event.name}.${name} should be a string, is ${JSON.stringify(value)}`);
  return value;
}


/** The clock times a step moved its chain to, in order. */
function clockTimes(step: StepResult): bigint[] {
  return step.observations.flatMap((o) => (o.kind === "clock" ? [o.time] : []));
}


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
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "opening-deposits": OK,
      "authorise-engine": OK,
      "standing-instructions": OK,
      "issue-by-tender": OK,
      "distribution-same-bank": OK,
      "distribution-signed-order": OK,
      "distribution-t1-matched": OK,
      "distribution-t1-settles": OK,
      "ex-coupon-trade": OK,
      "coupon-1": OK,
      "coupons-2-to-5": OK,
      "maturity": OK,
    });
    expect(run.steps).to.have.length(13);
  });

  it("places and distributes the bond as the cash-leg rules say", function () {
    expect(moved(stepById(run, "issue-by-tender")), "issue").to.deep.equal({
      "HKMA wHKD": PROCEEDS,
      "Harbour Bank wHKD": -ISSUE_HARBOUR,
      "Victoria Bank wHKD": -ISSUE_VICTORIA,
      "Harbour Bank bond": 600n,
      "Victoria Bank bond": 400n,
    });
    // Peak pays its own bank: its hbHKD is burned, no wHKD moves.
    expect(moved(stepById(run, "distribution-same-bank")), "DIST-001").to.deep.equal({
      "Peak Asset Management hbHKD": -DIST_001,
      "Harbour Bank bond": -100n,
      "Peak Asset Management bond": 100n,
    });
    expect(moved(stepById(run, "distribution-signed-order")), "DIST-002").to.deep.equal({
      "Harbour Bank wHKD": DIST_002,
      "Victoria Bank wHKD": -DIST_002,
      "Tsing Yi Insurance vbHKD": -DIST_002,
      "Harbour Bank bond": -80n,
      "Tsing Yi Insurance bond": 80n,
    });
    expect(stepById(run, "distribution-t1-matched").changes, "DIST-003 matched, not yet due").to.deep.equal([]);
    expect(moved(stepById(run, "distribution-t1-settles")), "DIST-003").to.deep.equal({
      "Victoria Bank wHKD": DIST_003,
      "Lion Rock Bank wHKD": -DIST_003,
      "Lantau Pension Fund lrHKD": -DIST_003,
      "Victoria Bank bond": -60n,
      "Lantau Pension Fund bond": 60n,
    });
    expect(moved(stepById(run, "ex-coupon-trade")), "SEC-001").to.deep.equal({
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
    // Coupon 1 (181 days), per holding: Harbour 420 → 44,258,219 + Peak's 100 → 10,537,671 = 54,795,890;
    // Victoria 340 → 35,828,082 + Tsing Yi's 80 → 8,430,136 = 44,258,218; Lion Rock for Lantau's 60 → 6,322,602.
    // HKMA pays in exactly their sum, 105,376,710 (the coupon on all 1,000 units would be 105,376,712).
    expect(moved(stepById(run, "coupon-1"))).to.deep.equal({
      "HKMA wHKD": -105_376_710n,
      "Harbour Bank wHKD": 54_795_890n,
      "Victoria Bank wHKD": 44_258_218n,
      "Lion Rock Bank wHKD": 6_322_602n,
      "Peak Asset Management hbHKD": 10_537_671n,
      "Tsing Yi Insurance vbHKD": 8_430_136n,
      "Lantau Pension Fund lrHKD": 6_322_602n,
    });
    // Coupons 2–5 (184, 181, 184, 182 days), per holding (table above):
    //   Harbour's own 420: 44,991,780 + 44,258,219 + 44,991,780 + 44,502,739 = 178,744,518
    //   Peak's 70: 7,498,630 + 7,376,369 + 7,498,630 + 7,417,123 = 29,790,752
    //   Kowloon's 30: 3,213,698 + 3,161,301 + 3,213,698 + 3,178,767 = 12,767,464
    //   → Harbour Bank 178,744,518 + 29,790,752 + 12,767,464 = 221,302,734
    //   Victoria's 340: 36,421,917 + 35,828,082 + 36,421,917 + 36,026,027 = 144,697,943
    //   Tsing Yi's 80: 8,569,863 + 8,430,136 + 8,569,863 + 8,476,712 = 34,046,574 → Victoria Bank 178,744,517
    //   Lantau's 60: 6,427,397 + 6,322,602 + 6,427,397 + 6,357,534 = 25,534,930 → Lion Rock Bank
    expect(moved(stepById(run, "coupons-2-to-5"))).to.deep.equal({
      "HKMA wHKD": -425_582_181n,
      "Harbour Bank wHKD": 221_302_734n,
      "Victoria Bank wHKD": 178_744_517n,
      "Lion Rock Bank wHKD": 25_534_930n,
      "Kowloon Dealer hbHKD": 12_767_464n,
      "Peak Asset Management hbHKD": 29_790_752n,
      "Tsing Yi Insurance vbHKD": 34_046_574n,
      "Lantau Pension Fund lrHKD": 25_534_930n,
    });
  });

  it("pays every holder the coupons its holdings of record earn", function () {
    const events = ["coupon-1", "coupons-2-to-5", "maturity"]
      .flatMap((id) => stepById(run, id).transactions)
      .flatMap(eventsOf)
      .filter((e) => e.contract.name === "paying agent");
    expect(events.filter((e) => e.name === "PaymentParked")).to.deep.equal([]);
    const coupons = events.filter((e) => e.name === "CouponPaid");
    // Coupon 1: five holders (Kowloon held nothing of record); coupons 2–6: six each.
    expect(coupons).to.have.length(5 + 5 * 6);
    const byHolder: Partial<Record<ParticipantKey, bigint>> = {};
    for (const e of coupons) {
      const holder = PARTICIPANTS.find((p) => ledger.participants[p.key].address === text(e, "holder"));
      if (holder === undefined) throw new Error(`coupon to unknown ${text(e, "holder")}`);
      const index = Number(text(e, "index"));
      const [units, amount] = [BigInt(text(e, "units")), BigInt(text(e, "amount"))];
      expect(units, `${holder.name}'s units of record for coupon ${index + 1}`).to.equal(HOLDINGS_OF_RECORD[index][holder.key]);
      // Finding 13: the coupon is computed on the holding, never less than per-unit rounding would give.
      expect(amount).to.equal(couponOn(index, units));
      expect(amount).to.be.greaterThanOrEqual(units * COUPON_PER_UNIT[index]);
      byHolder[holder.key] = (byHolder[holder.key] ?? 0n) + amount;
    }
    expect(byHolder).to.deep.equal(COUPONS);
    expect(Object.values(COUPONS).reduce((a, b) => a + b, 0n)).to.equal(ALL_COUPONS);
    const redeemed = events.filter((e) => e.name === "Redeemed");
    expect(redeemed.map((e) => BigInt(text(e, "units"))).reduce((a, b) => a + b, 0n)).to.equal(1_000n);
    expect(redeemed.map((e) => BigInt(text(e, "amount"))).reduce((a, b) => a + b, 0n)).to.equal(REDEMPTION);
  });

  it("notes each coupon's amount owed against the coupon on the whole issue, and the redemption", function () {
    // owed = Σ floor(212,500 × holding × days / 365) over the register; liability = the same on all 1,000 units.
    const couponNote = (index: number): Record<string, NoteValue> => ({
      coupon: { type: "number", value: BigInt(index + 1) },
      owed: hkd(owedFor(index)),
      units: { type: "units", units: 1_000n },
      liability: hkd(couponOn(index, 1_000n)),
    });
    expect(owedFor(0)).to.equal(105_376_710n);
    expect(couponOn(0, 1_000n)).to.equal(105_376_712n);
    expect(noteValues(stepById(run, "coupon-1"))).to.deep.equal([couponNote(0)]);
    expect(noteValues(stepById(run, "coupons-2-to-5"))).to.deep.equal([1, 2, 3, 4].map(couponNote));
    expect(noteValues(stepById(run, "maturity"))).to.deep.equal([
      couponNote(5),
      { units: { type: "units", units: 1_000n }, face: hkd(DENOMINATION), redemption: hkd(REDEMPTION) },
    ]);
    expect([0, 1, 2, 3, 4, 5].map(owedFor).reduce((a, b) => a + b, 0n)).to.equal(ALL_COUPONS);
    // The holdings of record for coupon 1, noted after the ex-coupon trade: Peak still 100, Kowloon Dealer 0.
    expect(noteValues(stepById(run, "ex-coupon-trade"))).to.deep.equal([{ peak: { type: "units", units: 100n }, kowloon: { type: "units", units: 0n } }]);
  });

  it("pays each coupon on its coupon date, by the chain's clock", function () {
    expect(clockTimes(stepById(run, "coupon-1"))).to.deep.equal([BigInt(COUPON_DATES[0])]);
    expect(clockTimes(stepById(run, "coupons-2-to-5"))).to.deep.equal(COUPON_DATES.slice(1, 5).map(BigInt));
    expect(clockTimes(stepById(run, "maturity"))).to.deep.equal([BigInt(COUPON_DATES[5])]);
    // The ex-coupon trade settles an hour into the day after coupon 1's record date.
    expect(clockTimes(stepById(run, "ex-coupon-trade"))).to.deep.equal([BigInt(COUPON_DATES[0] - 86_400 + 3_600)]);
  });

  it("funds coupons from the issue proceeds and tops up only the redemption", async function () {
    const agent = await ledger.payingAgent.getAddress();
    /** HKMA's wHKD calls in a step: each transfer into the paying agent, and any mint from the Government's account. */
    const funding = (id: string): { from: string | undefined; function: string | undefined; args: unknown }[] =>
      stepById(run, id)
        .transactions.filter((t) => t.to.name === WCBDC_SPEC.symbol)
        .map((t) => ({ from: t.from.name, function: t.function, args: t.args }));
    const transfer = (amount: bigint): ReturnType<typeof funding>[number] => ({ from: "HKMA", function: "transfer", args: { to: agent, value: amount.toString() } });
    expect(funding("coupon-1")).to.deep.equal([transfer(owedFor(0))]);
    expect(funding("coupons-2-to-5")).to.deep.equal([1, 2, 3, 4].map((i) => transfer(owedFor(i))));
    // At maturity: coupon 6 from the proceeds, then what is left of them (4,992,500,000 − 638,082,176 = 4,354,417,824)
    // for the redemption, and the rest, 645,582,176, credited from the Government's account.
    expect(funding("maturity")).to.deep.equal([
      transfer(owedFor(5)),
      transfer(PROCEEDS - ALL_COUPONS),
      { from: "HKMA", function: "mint", args: { to: agent, amount: TOP_UP.toString() } },
    ]);
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

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const document = reportOf(run);
    expectHongKongReport(document, scenario, "03GB3301");
    expect(document.chains[0].tokens.find((t) => t.kind === "governmentBond")?.isin).to.equal(ledger.bondTerms.isin);
    // Nothing in this scenario is refused: no step failed or was refused, no attempt reverted.
    expect(document.steps.filter((s) => s.status !== "ok" || s.failure !== undefined).map((s) => s.id)).to.deep.equal([]);
    expect(document.steps.flatMap((s) => s.transactions).filter((t) => t.status !== "success")).to.deep.equal([]);
    // Every amount is a string of minor units: HKMA ends with nothing, so it has no final balance; Kowloon Dealer's hbHKD is listed.
    expect(document.finalBalances.filter((b) => b.holder.name === "HKMA")).to.deep.equal([]);
    expect(document.finalBalances.filter((b) => b.holder.name === "Kowloon Dealer").map((b) => ({ token: b.token.symbol, amount: b.amount }))).to.deep.equal([
      { token: "hbHKD", amount: FINAL_KOWLOON.toString() },
    ]);
  });
});
