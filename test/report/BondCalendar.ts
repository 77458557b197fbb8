import { readFile } from "node:fs/promises";

import { expect } from "chai";

import {
  bondCalendar,
  couponRateText,
  DAY_COUNT_LABEL,
  frequencyText,
  type BondTermSheet,
  type CalendarEntry,
  type CalendarState,
  type CouponTerms,
} from "../../src/report/bond-calendar.js";

/**
 * A bond's cash-flow calendar against a chain's clock: issue, each coupon's record and payment date
 * (the payment on the maturity date is maturity), sorted, with the first date strictly after the clock marked next.
 * Pure: every term sheet here is a hand-built literal.
 */

/** Issue at 1.7e9 (unix seconds); one million seconds to maturity, so positions are round tenths. */
const ISSUE = 1_700_000_000n;
const SPAN = 1_000_000n;
const MATURITY = ISSUE + SPAN;
const at = (tenths: bigint): bigint => ISSUE + (SPAN * tenths) / 10n;

/** Two coupons of 2,125 minor units a unit (4.25% semi-annual on 100,000): record dates a tenth before payment. */
const COUPONS: readonly CouponTerms[] = [
  { index: 0, recordDate: at(4n), paymentDate: at(5n), perUnit: 2_125n },
  { index: 1, recordDate: at(9n), paymentDate: MATURITY, perUnit: 2_125n },
];

function terms(over: Partial<BondTermSheet> = {}): BondTermSheet {
  return {
    address: "0x00000000000000000000000000000000000000Cc",
    symbol: "GB29",
    isin: "HK0000GB2911",
    issueNumber: "03GB2911",
    currency: "HKD",
    denomination: 100_000n,
    couponRateBps: 425,
    couponFrequency: 2,
    dayCount: 0,
    issueDate: ISSUE,
    maturityDate: MATURITY,
    coupons: COUPONS,
    redemptionPerUnit: 100_000n,
    ...over,
  };
}

/** The calendar of `terms()` with every date in the given states, in date order. */
function calendarIn(states: readonly [CalendarState, CalendarState, CalendarState, CalendarState, CalendarState]): CalendarEntry[] {
  return [
    { kind: "issue", date: ISSUE, state: states[0], position: 0 },
    { kind: "record", date: at(4n), coupon: 0, state: states[1], position: 0.4 },
    { kind: "coupon", date: at(5n), coupon: 0, perUnit: 2_125n, state: states[2], position: 0.5 },
    { kind: "record", date: at(9n), coupon: 1, state: states[3], position: 0.9 },
    { kind: "maturity", date: MATURITY, coupon: 1, perUnit: 102_125n, state: states[4], position: 1 },
  ];
}

describe("report bond calendar", function () {
  describe("term-sheet words", function () {
    it("writes the coupon rate in percent with two decimals", function () {
      expect(couponRateText(425)).to.equal("4.25%");
      expect(couponRateText(1_000)).to.equal("10.00%");
      expect(couponRateText(50)).to.equal("0.50%");
      expect(couponRateText(1)).to.equal("0.01%");
      expect(couponRateText(0)).to.equal("0.00%");
    });

    it("names the usual coupon frequencies, and counts any other", function () {
      expect(frequencyText(1)).to.equal("annual");
      expect(frequencyText(2)).to.equal("semi-annual");
      expect(frequencyText(4)).to.equal("quarterly");
      expect(frequencyText(12)).to.equal("monthly");
      expect(frequencyText(3)).to.equal("3 a year");
      expect(frequencyText(0)).to.equal("0 a year");
    });

    it("labels the day-count conventions in the order of DayCountConvention in DayCount.sol", async function () {
      expect(DAY_COUNT_LABEL).to.deep.equal(["ACT/365F", "ACT/360"]);
      const source = await readFile(new URL("../../contracts/libraries/DayCount.sol", import.meta.url), "utf8");
      const body = /enum DayCountConvention \{([^}]*)\}/.exec(source)?.[1];
      expect(body, "DayCount.sol declares enum DayCountConvention").to.be.a("string");
      const members = (body ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "");
      expect(members).to.deep.equal(["Actual365Fixed", "Actual360"]);
      expect(members).to.have.length(DAY_COUNT_LABEL.length);
    });
  });

  describe("bondCalendar", function () {
    it("lists issue, each record and payment date, and maturity carrying the last coupon plus redemption", function () {
      expect(bondCalendar(terms(), at(5n))).to.deep.equal({
        entries: calendarIn(["past", "past", "past", "next", "later"]),
        clockPosition: 0.5,
        matured: false,
      });
    });

    it("gives record dates no amount and the issue no coupon", function () {
      const { entries } = bondCalendar(terms(), ISSUE);
      const issue = entries.filter((e) => e.kind === "issue");
      const records = entries.filter((e) => e.kind === "record");
      expect(issue).to.have.length(1);
      expect(issue[0]).to.not.have.property("coupon");
      expect(issue[0]).to.not.have.property("perUnit");
      expect(records).to.have.length(2);
      for (const r of records) expect(r).to.not.have.property("perUnit");
    });

    it("sorts the dates whatever the order of the coupons", function () {
      const entries = bondCalendar(terms({ coupons: [COUPONS[1], COUPONS[0]] }), at(5n)).entries;
      expect(entries.map((e) => e.date)).to.deep.equal([ISSUE, at(4n), at(5n), at(9n), MATURITY]);
      // The payment on the maturity date is maturity, wherever it stands in the list.
      expect(entries.map((e) => e.kind)).to.deep.equal(["issue", "record", "coupon", "record", "maturity"]);
      expect(entries).to.deep.equal(calendarIn(["past", "past", "past", "next", "later"]));
    });

    it("names maturity by its date, not by the last coupon it was given (a schedule read in part has no maturity)", function () {
      const entries = bondCalendar(terms({ coupons: [COUPONS[0]] }), at(5n)).entries;
      expect(entries.map((e) => e.kind), "the first coupon alone is a coupon").to.deep.equal(["issue", "record", "coupon"]);
      expect(entries.filter((e) => e.kind === "maturity"), "no maturity entry on another date").to.deep.equal([]);
    });

    it("sorts a record date that falls before the previous coupon's payment", function () {
      const coupons: CouponTerms[] = [
        { index: 0, recordDate: at(4n), paymentDate: at(6n), perUnit: 10n },
        { index: 1, recordDate: at(5n), paymentDate: MATURITY, perUnit: 20n },
      ];
      const entries = bondCalendar(terms({ coupons, redemptionPerUnit: 1_000n }), ISSUE).entries;
      expect(entries.map((e) => [e.kind, e.coupon, e.date])).to.deep.equal([
        ["issue", undefined, ISSUE],
        ["record", 0, at(4n)],
        ["record", 1, at(5n)],
        ["coupon", 0, at(6n)],
        ["maturity", 1, MATURITY],
      ]);
      expect(entries.map((e) => e.perUnit)).to.deep.equal([undefined, undefined, undefined, 10n, 1_020n]);
    });

    it("marks as next the first date strictly after the clock; a date equal to the clock has passed", function () {
      expect(bondCalendar(terms(), ISSUE).entries.map((e) => e.state)).to.deep.equal(["past", "next", "later", "later", "later"]);
      expect(bondCalendar(terms(), at(4n)).entries.map((e) => e.state)).to.deep.equal(["past", "past", "next", "later", "later"]);
      expect(bondCalendar(terms(), at(4n) - 1n).entries.map((e) => e.state)).to.deep.equal(["past", "next", "later", "later", "later"]);
      expect(bondCalendar(terms(), at(9n) + 1n).entries.map((e) => e.state)).to.deep.equal(["past", "past", "past", "past", "next"]);
    });

    it("has exactly one next date at every clock before maturity, and none from maturity on", function () {
      const clocks = [ISSUE - SPAN, ISSUE - 1n, ...Array.from({ length: 41 }, (_, i) => ISSUE + (SPAN * BigInt(i)) / 40n), MATURITY + 1n, MATURITY + SPAN];
      for (const now of clocks) {
        const { entries } = bondCalendar(terms(), now);
        const next = entries.filter((e) => e.state === "next");
        const firstAfter = entries.find((e) => e.date > now);
        if (now < MATURITY) {
          expect(next, `next at ${now}`).to.have.length(1);
          expect(next[0], `next at ${now}`).to.equal(firstAfter);
        } else expect(next, `next at ${now}`).to.have.length(0);
        for (const e of entries) {
          const expected: CalendarState = e.date <= now ? "past" : e === firstAfter ? "next" : "later";
          expect(e.state, `${e.kind} ${e.date} at ${now}`).to.equal(expected);
          expect(e.position, `${e.kind} position`).to.be.within(0, 1);
        }
        const clock = bondCalendar(terms(), now).clockPosition;
        expect(clock, `clock at ${now}`).to.be.within(0, 1);
      }
    });

    it("puts the clock at 0 before issue and 0 at issue, without going below", function () {
      expect(bondCalendar(terms(), ISSUE - SPAN)).to.deep.equal({ entries: calendarIn(["next", "later", "later", "later", "later"]), clockPosition: 0, matured: false });
      expect(bondCalendar(terms(), ISSUE - 1n).clockPosition).to.equal(0);
      expect(bondCalendar(terms(), 0n).clockPosition).to.equal(0);
      expect(bondCalendar(terms(), ISSUE).clockPosition).to.equal(0);
    });

    it("moves the clock in proportion between issue and maturity", function () {
      expect(bondCalendar(terms(), at(1n)).clockPosition).to.equal(0.1);
      expect(bondCalendar(terms(), ISSUE + SPAN / 4n).clockPosition).to.equal(0.25);
      expect(bondCalendar(terms(), at(9n)).clockPosition).to.equal(0.9);
      expect(bondCalendar(terms(), MATURITY - 1n).clockPosition).to.equal(0.999999);
    });

    it("is not matured the second before maturity, and is from maturity on, with the clock held at 1", function () {
      const before = bondCalendar(terms(), MATURITY - 1n);
      expect(before.matured).to.equal(false);
      expect(before.entries.map((e) => e.state)).to.deep.equal(["past", "past", "past", "past", "next"]);

      expect(bondCalendar(terms(), MATURITY)).to.deep.equal({ entries: calendarIn(["past", "past", "past", "past", "past"]), clockPosition: 1, matured: true });
      expect(bondCalendar(terms(), MATURITY + SPAN)).to.deep.equal({ entries: calendarIn(["past", "past", "past", "past", "past"]), clockPosition: 1, matured: true });
    });

    it("judges maturity by the term sheet's maturity date", function () {
      // A term sheet whose last payment falls after its stated maturity: matured follows maturityDate.
      const late = terms({ coupons: [COUPONS[0], { ...COUPONS[1], paymentDate: MATURITY + 10n }] });
      const calendar = bondCalendar(late, MATURITY);
      expect(calendar.matured).to.equal(true);
      // The contract makes its last coupon date the maturity date; a payment on another date is a coupon.
      expect(calendar.entries.find((e) => e.kind === "maturity")).to.equal(undefined);
      expect(calendar.entries.find((e) => e.date === MATURITY + 10n)).to.deep.equal({ kind: "coupon", date: MATURITY + 10n, coupon: 1, perUnit: 2_125n, state: "next", position: 1 });
    });

    it("clamps the position of a date outside issue and maturity into [0, 1]", function () {
      const coupons: CouponTerms[] = [{ index: 0, recordDate: ISSUE - 100n, paymentDate: MATURITY + SPAN, perUnit: 5n }];
      const entries = bondCalendar(terms({ coupons, redemptionPerUnit: 100n, maturityDate: MATURITY + SPAN }), ISSUE).entries;
      expect(entries).to.deep.equal([
        { kind: "record", date: ISSUE - 100n, coupon: 0, state: "past", position: 0 },
        { kind: "issue", date: ISSUE, state: "past", position: 0 },
        { kind: "maturity", date: MATURITY + SPAN, coupon: 0, perUnit: 105n, state: "next", position: 1 },
      ]);
    });

    it("makes a single-coupon bond's only payment its maturity", function () {
      const coupons: CouponTerms[] = [{ index: 0, recordDate: at(9n), paymentDate: MATURITY, perUnit: 4_250n }];
      expect(bondCalendar(terms({ coupons, couponFrequency: 1 }), at(9n)).entries).to.deep.equal([
        { kind: "issue", date: ISSUE, state: "past", position: 0 },
        { kind: "record", date: at(9n), coupon: 0, state: "past", position: 0.9 },
        { kind: "maturity", date: MATURITY, coupon: 0, perUnit: 104_250n, state: "next", position: 1 },
      ]);
    });

    it("puts everything at 0 for a term sheet with no time between issue and maturity", function () {
      expect(bondCalendar(terms({ maturityDate: ISSUE, coupons: [] }), ISSUE + 5n)).to.deep.equal({
        entries: [{ kind: "issue", date: ISSUE, state: "past", position: 0 }],
        clockPosition: 0,
        matured: true,
      });
      expect(bondCalendar(terms({ maturityDate: ISSUE - 1n, coupons: [] }), ISSUE - 5n)).to.deep.equal({
        entries: [{ kind: "issue", date: ISSUE, state: "next", position: 0 }],
        clockPosition: 0,
        matured: false,
      });
    });

    it("does not change the term sheet it is given", function () {
      const coupons: CouponTerms[] = [COUPONS[1], COUPONS[0]];
      const sheet = terms({ coupons });
      bondCalendar(sheet, at(5n));
      expect(sheet.coupons).to.deep.equal([COUPONS[1], COUPONS[0]]);
      expect(sheet).to.deep.equal(terms({ coupons: [COUPONS[1], COUPONS[0]] }));
    });
  });
});
