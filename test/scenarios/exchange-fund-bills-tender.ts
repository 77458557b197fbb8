import { expect } from "chai";
import { network } from "hardhat";

import type { BillLedger } from "../../src/chain/deploy-bills.js";
import { billPrice } from "../../src/domain/exchange-fund-bills.js";
import { DEPOSITS, PARTICIPANTS, WCBDC_SPEC } from "../../src/domain/hong-kong.js";
import { runScenario, stepById, type ScenarioRun, type StepStatus } from "../../src/runner/run.js";
import scenario, { BIDS, BID_BELOW_MINIMUM, FACE_OFFERED } from "../../src/scenarios/exchange-fund-bills-tender.js";
import { moved } from "../helpers/scenario-sheet.js";
import { callOf, eventsOf, expectRefusalsRecorded, hkd, minedIn, noteValues, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `exchange-fund-bills-tender` (src/scenarios/exchange-fund-bills-tender.ts) on its own
 * in-process network, every figure worked out by hand. Amounts in HKD minor units (cents); bills in
 * units of HK$50,000 (5,000,000 cents); yields in basis points.
 *
 * Price of one unit, 91 days: floor(5,000,000 × 3,650,000 / (3,650,000 + yield × 91)):
 *   3.40%: 18,250,000,000,000 / 3,680,940 = 4,957,972 r 2,546,320  → HKD 49,579.72
 *   3.45%: 18,250,000,000,000 / 3,681,395 = 4,957,359 r 3,364,195  → HKD 49,573.59
 *   3.50%: 18,250,000,000,000 / 3,681,850 = 4,956,747 r 1,058,050  → HKD 49,567.47
 *   3.60%: 18,250,000,000,000 / 3,682,760 = 4,955,522 r 1,799,280  → HKD 49,555.22
 *
 * Bids (offer 2,000 units = HK$100,000,000):      allotted
 *   0 Harbour Bank    600 at 3.40%                 600 in full
 *   1 Victoria Bank   500 at 3.45%                 500 in full
 *   2 Lion Rock Bank  700 at 3.50%  cut-off: 900 left for 1,110 asked:
 *                                   floor(700 × 900 / 1,110) = 567, + 1 leftover unit (first in submission order) = 568
 *   3 Harbour Bank    410 at 3.50%  floor(410 × 900 / 1,110) = 332
 *   4 Victoria Bank   300 at 3.60%                 0
 *   (Lion Rock Bank's HK$450,000 bid is refused: below the HK$500,000 minimum.)
 *
 * Result: applied 2,510 units = HKD 125,500,000.00; allotted HKD 100,000,000.00; highest yield
 * accepted 3.50%; pro rata ratio floor(900 × 1e6 / 1,110) = 810,810 (81.08%); average yield accepted
 * (600×340 + 500×345 + 900×350) / 2,000 = 345.75 bp → 34,575 (3.4575%); average tender yield
 * (600×340 + 500×345 + 1,110×350 + 300×360) / 2,510 = 873,000 / 2,510 = 347.808 bp → 34,780 (3.4780%).
 *
 * Payments (each at its own yield):
 *   Harbour   600 × 4,957,972 + 332 × 4,956,747 = 2,974,783,200 + 1,645,640,004 = 4,620,423,204
 *   Victoria  500 × 4,957,359                                                   = 2,478,679,500
 *   Lion Rock 568 × 4,956,747                                                   = 2,815,432,296
 *   proceeds to HKMA                                                            = 9,914,535,000 (HKD 99,145,350.00)
 * Redemption funding: 2,000 × 5,000,000 = 10,000,000,000 = proceeds + a discount of 85,465,000 minted.
 * At maturity: Harbour +4,660,000,000 (932 units), Victoria +2,500,000,000, Lion Rock +2,840,000,000.
 */

const UNIT = 5_000_000n;
const P340 = 4_957_972n;
const P345 = 4_957_359n;
const P350 = 4_956_747n;
const P360 = 4_955_522n;
const PAY_HARBOUR = 4_620_423_204n;
const PAY_VICTORIA = 2_478_679_500n;
const PAY_LION_ROCK = 2_815_432_296n;
const PROCEEDS = 9_914_535_000n;
// Each bid's cost moves into the tender's custody when it is submitted (firm bids):
// Harbour 600 × P340 + 410 × P350, Victoria 500 × P345 + 300 × P360, Lion Rock 700 × P350.
const BID_HARBOUR = 600n * P340 + 410n * P350;
const BID_VICTORIA = 500n * P345 + 300n * P360;
const BID_LION_ROCK = 700n * P350;
const DISCOUNT = 85_465_000n;

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
const connection = await network.create();

describe("scenario: exchange-fund-bills-tender", function () {
  let ledger: BillLedger;
  let run: ScenarioRun;

  before(async function () {
    if (scenario.deploy === undefined) throw new Error("the scenario deploys its own ledger");
    ledger = await scenario.deploy(connection, { second: () => Promise.reject(new Error("one chain")) });
    run = await runScenario(scenario, ledger);
  });

  after(async function () {
    await connection.close();
  });

  it("prices by the sandbox formula as worked out by hand", function () {
    expect(ledger.billTerms.tenorDays).to.equal(91);
    expect(ledger.billTerms.issueNumber).to.match(/^Q\d{4}$/);
    expect([340n, 345n, 350n, 360n].map((y) => billPrice(UNIT, y, 91))).to.deep.equal([P340, P345, P350, P360]);
    expect(600n * P340 + 332n * P350).to.equal(PAY_HARBOUR);
    expect(PAY_HARBOUR + PAY_VICTORIA + PAY_LION_ROCK).to.equal(PROCEEDS);
    expect(FACE_OFFERED - PROCEEDS).to.equal(DISCOUNT);
    expect(BIDS.map(([bank, face, y]) => [bank, face / UNIT, y])).to.deep.equal([
      ["harbourBank", 600n, 340n],
      ["victoriaBank", 500n, 345n],
      ["lionRockBank", 700n, 350n],
      ["harbourBank", 410n, 350n],
      ["victoriaBank", 300n, 360n],
    ]);
  });

  it("runs every step, the bid below the minimum refused as designed", function () {
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "opening-deposits": OK,
      "announce-tender": OK,
      "submit-bids": OK,
      "bid-below-minimum": REFUSED,
      "allot-and-settle": OK,
      "fund-redemption": OK,
      "redeem-at-maturity": OK,
    });
    const refusal = refusalOf(stepById(run, "bid-below-minimum"));
    expect([refusal.name, refusal.args]).to.deep.equal(["BillBidBelowMinimum", { face: String(BID_BELOW_MINIMUM), minimum: "50000000" }]);
  });

  it("records each bid as its bank's own call to the tender", function () {
    const calls = minedIn(stepById(run, "submit-bids")).map(callOf);
    expect(calls.filter((c) => c.function === "submitBid").map((c) => [c.from, c.to])).to.deep.equal([
      ["Harbour Bank", "bill tender"],
      ["Victoria Bank", "bill tender"],
      ["Lion Rock Bank", "bill tender"],
      ["Harbour Bank", "bill tender"],
      ["Victoria Bank", "bill tender"],
    ]);
    // Each bid is firm: its cost at its own yield's price is held by the tender from the bid.
    expect(moved(stepById(run, "submit-bids"))).to.deep.equal({
      "Harbour Bank wHKD": -BID_HARBOUR,
      "Victoria Bank wHKD": -BID_VICTORIA,
      "Lion Rock Bank wHKD": -BID_LION_ROCK,
      "bill tender wHKD": BID_HARBOUR + BID_VICTORIA + BID_LION_ROCK,
    });
  });

  it("allots pro rata at the cut-off and settles DvP, each bank paying its own yields' prices", function () {
    const step = stepById(run, "allot-and-settle");
    const symbol = ledger.billTerms.issueNumber;
    // From custody: the proceeds to HKMA, each bank's unallotted cost back to it; the tender keeps nothing.
    expect(moved(step)).to.deep.equal({
      "HKMA wHKD": PROCEEDS,
      "Harbour Bank wHKD": BID_HARBOUR - PAY_HARBOUR,
      "Victoria Bank wHKD": BID_VICTORIA - PAY_VICTORIA,
      "Lion Rock Bank wHKD": BID_LION_ROCK - PAY_LION_ROCK,
      "bill tender wHKD": -(BID_HARBOUR + BID_VICTORIA + BID_LION_ROCK),
      [`Harbour Bank ${symbol}`]: 932n,
      [`Victoria Bank ${symbol}`]: 500n,
      [`Lion Rock Bank ${symbol}`]: 568n,
    });
    const [tx] = minedIn(step);
    const allotted = eventsOf(tx).filter((e) => e.name === "BillAllotted").map((e) => [e.args.index, e.args.units, e.args.amount]);
    expect(allotted).to.deep.equal([
      ["0", "600", String(600n * P340)],
      ["1", "500", String(500n * P345)],
      ["2", "568", String(568n * P350)],
      ["3", "332", String(332n * P350)],
    ]);
    expect(noteValues(step)).to.deep.equal([
      {
        issue: { type: "text", value: symbol },
        applied: hkd(2_510n * UNIT),
        allotted: hkd(FACE_OFFERED),
        avg: { type: "text", value: "3.4575%" },
        high: { type: "text", value: "3.50%" },
        ratio: { type: "text", value: "81.08%" },
        tenderAvg: { type: "text", value: "3.4780%" },
        proceeds: hkd(PROCEEDS),
      },
    ]);
  });

  it("funds the redemption with the proceeds and the discount, and redeems every holder at par", async function () {
    const symbol = ledger.billTerms.issueNumber;
    expect(moved(stepById(run, "fund-redemption"))).to.deep.equal({ "HKMA wHKD": -PROCEEDS, [`${symbol} wHKD`]: PROCEEDS + DISCOUNT });
    expect(moved(stepById(run, "redeem-at-maturity"))).to.deep.equal({
      "Harbour Bank wHKD": 932n * UNIT,
      "Victoria Bank wHKD": 500n * UNIT,
      "Lion Rock Bank wHKD": 568n * UNIT,
      [`${symbol} wHKD`]: -FACE_OFFERED,
      [`Harbour Bank ${symbol}`]: -932n,
      [`Victoria Bank ${symbol}`]: -500n,
      [`Lion Rock Bank ${symbol}`]: -568n,
    });
    expect(await ledger.bill.totalSupply()).to.equal(0n);
    expect(await ledger.wcbdc.balanceOf(await ledger.bill.getAddress())).to.equal(0n);
    // Each bank earned exactly its discount: par received − price paid.
    expect(await ledger.wcbdc.balanceOf(ledger.participants.harbourBank.address)).to.equal(150_000_000_000n - PAY_HARBOUR + 932n * UNIT);
  });

  it("writes a JSON report the schema accepts, listing the bill as a token and the tender as a contract", function () {
    const document = reportOf(run);
    expect(document.scenario.name).to.equal("exchange-fund-bills-tender");
    const [hk] = document.chains;
    expect([...hk.participants.map((p) => p.name)].sort()).to.deep.equal(PARTICIPANTS.map((p) => p.name).sort());
    expect(hk.tokens.map((t) => ({ symbol: t.symbol, kind: t.kind }))).to.deep.equal([
      { symbol: WCBDC_SPEC.symbol, kind: "wCBDC" },
      ...DEPOSITS.map((d) => ({ symbol: d.symbol, kind: "tokenizedDeposit" })),
      { symbol: ledger.bondTerms.issueNumber, kind: "governmentBond" },
      { symbol: ledger.billTerms.issueNumber, kind: "exchangeFundBill" },
    ]);
    expectRefusalsRecorded(document, run, { "bid-below-minimum": { chain: "hk", via: "estimateGas", function: "submitBid" } });
  });
});
