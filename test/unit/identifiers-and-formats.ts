import { expect } from "chai";

import { formatMoney, formatUnits, parseMoney } from "../../src/domain/money.js";
import { isinCheckDigit, isValidIsin, makeIsin } from "../../src/domain/isin.js";
import { addMonthsUtc, couponSchedule, formatDate, nextMidnightUtc } from "../../src/domain/calendar.js";
import { greenBondTerms } from "../../src/domain/hong-kong.js";

const utc = (iso: string): number => Date.parse(iso) / 1000;

describe("ISIN helpers", function () {
  it("computes the check digit of published ISINs", function () {
    expect(isinCheckDigit("US037833100")).to.equal(5);
    expect(isinCheckDigit("AU0000XVGZA")).to.equal(3);
    expect(isinCheckDigit("GB000263494")).to.equal(6);
  });

  it("validates shape and check digit", function () {
    expect(isValidIsin("US0378331005")).to.equal(true);
    expect(isValidIsin("US0378331006")).to.equal(false);
    expect(isValidIsin("us0378331005")).to.equal(false);
    expect(isValidIsin("US037833100")).to.equal(false);
    expect(makeIsin("HK003GB2911")).to.equal("HK003GB29110");
  });

  it("rejects a malformed body with a message that says what is wrong", function () {
    expect(() => isinCheckDigit("HK-3GB2911")).to.throw('ISIN body "HK-3GB2911" must be 2 letters then 9 letters or digits');
  });
});

describe("money formatting", function () {
  it("prints minor units as major units with the ISO 4217 code", function () {
    expect(formatMoney(123_456_789n, "HKD", 2)).to.equal("HKD 1,234,567.89");
    expect(formatMoney(5n, "HKD", 2)).to.equal("HKD 0.05");
    expect(formatMoney(1_000n, "JPY", 0)).to.equal("JPY 1,000");
    expect(formatUnits(-150n, 2)).to.equal("-1.50");
  });

  it("parses major units exactly and refuses extra precision", function () {
    expect(parseMoney("50,000.00", 2)).to.equal(5_000_000n);
    expect(parseMoney("1", 2)).to.equal(100n);
    expect(parseMoney("0.5", 2)).to.equal(50n);
    expect(() => parseMoney("0.005", 2)).to.throw('"0.005" has more than 2 decimal places');
    expect(() => parseMoney("ten", 2)).to.throw('"ten" is not an amount in major units');
  });
});

describe("term-sheet dates", function () {
  it("moves by calendar months and clamps to the month's end", function () {
    expect(addMonthsUtc(utc("2026-11-24T00:00:00Z"), 6)).to.equal(utc("2027-05-24T00:00:00Z"));
    expect(addMonthsUtc(utc("2026-08-31T00:00:00Z"), 6)).to.equal(utc("2027-02-28T00:00:00Z"));
    expect(addMonthsUtc(utc("2027-08-31T00:00:00Z"), 6)).to.equal(utc("2028-02-29T00:00:00Z"));
  });

  it("starts the bond the next midnight UTC and pays semi-annually for three years", function () {
    expect(nextMidnightUtc(utc("2026-11-23T13:09:04Z"))).to.equal(utc("2026-11-24T00:00:00Z"));
    expect(couponSchedule(utc("2026-11-24T00:00:00Z"), 3, 2).map(formatDate)).to.deep.equal([
      "24 May 2027",
      "24 Nov 2027",
      "24 May 2028",
      "24 Nov 2028",
      "24 May 2029",
      "24 Nov 2029",
    ]);
  });

  it("names the green bond after its tenor and maturity, with a valid ISIN", function () {
    const terms = greenBondTerms(utc("2026-11-23T13:09:04Z"));
    expect(terms.issueNumber).to.equal("03GB2911");
    expect(terms.isin).to.equal("HK003GB29110");
    expect(isValidIsin(terms.isin)).to.equal(true);
    expect(terms.name).to.equal("HKSAR Government Green Bond 4.25% Nov 2029");
  });
});
