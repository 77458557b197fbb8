import { expect } from "chai";

import {
  BILL_DENOMINATION,
  allotBills,
  billPrice,
  formatRatio,
  formatScaledYield,
  formatYieldBps,
  issueNumberFitsTenor,
  ninetyOneDayBill,
} from "../../src/domain/exchange-fund-bills.js";

/** src/domain/exchange-fund-bills.ts: the TypeScript twin of DiscountYield.sol and BillTender's allotment. */
describe("Exchange Fund Bills (domain)", function () {
  it("prices by floor(face × 3,650,000 / (3,650,000 + yield × days))", function () {
    expect(billPrice(BILL_DENOMINATION, 350n, 91)).to.equal(4_956_747n);
    expect(billPrice(BILL_DENOMINATION, 0n, 91)).to.equal(BILL_DENOMINATION);
    expect(billPrice(BILL_DENOMINATION, 400n, 364)).to.equal((5_000_000n * 3_650_000n) / (3_650_000n + 400n * 364n));
  });

  it("reads issue numbers: the letter gives the tenor", function () {
    expect(issueNumberFitsTenor("Q2612", 91)).to.equal(true);
    expect(issueNumberFitsTenor("H2612", 182)).to.equal(true);
    expect(issueNumberFitsTenor("Y2612", 364)).to.equal(true);
    expect(issueNumberFitsTenor("M2612", 1)).to.equal(true);
    expect(issueNumberFitsTenor("M2612", 91)).to.equal(false);
    expect(issueNumberFitsTenor("q2612", 91)).to.equal(false);
    const terms = ninetyOneDayBill(Date.UTC(2026, 11, 2, 5, 0) / 1000);
    expect([terms.issueNumber, terms.tenorDays, terms.maturityDate - terms.issueDate]).to.deep.equal(["Q2612", 91, 91 * 86_400]);
    expect(new Date(terms.issueDate * 1000).toISOString()).to.equal("2026-12-04T00:00:00.000Z");
  });

  it("formats yields and ratios as the HKMA announces them", function () {
    expect(formatYieldBps(350n)).to.equal("3.50%");
    expect(formatYieldBps(5n)).to.equal("0.05%");
    expect(formatScaledYield(34_575n)).to.equal("3.4575%");
    expect(formatScaledYield(7n)).to.equal("0.0007%");
    expect(formatRatio(810_810n)).to.equal("81.08%");
    expect(formatRatio(1_000_000n)).to.equal("100.00%");
  });

  it("allots lowest yield first, pro rata at the cut-off with leftover units in submission order", function () {
    const r = allotBills(
      [
        { units: 3n, yieldBps: 350n },
        { units: 10n, yieldBps: 340n },
        { units: 3n, yieldBps: 350n },
        { units: 3n, yieldBps: 350n },
      ],
      12n,
      BILL_DENOMINATION,
      91,
    );
    // 2 units remain for 9 asked at 3.50%: floor(3 × 2 / 9) = 0 each, leftovers to bids 0 and 2.
    expect(r.unitsAllotted).to.deep.equal([1n, 10n, 1n, 0n]);
    expect(r.highestYieldAccepted).to.equal(350n);
    expect(r.proRataRatio).to.equal((2n * 1_000_000n) / 9n);
    expect(r.amountAllotted).to.equal(12n * BILL_DENOMINATION);
  });

  it("allots nothing from an empty book", function () {
    const r = allotBills([], 10n, BILL_DENOMINATION, 91);
    expect([r.amountApplied, r.amountAllotted, r.averageYieldAccepted, r.averageTenderYield, r.proceeds]).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
  });
});
