import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { GovernmentBond__factory } from "../../typechain-types/index.js";
import type { BondTermsStruct, GovernmentBond } from "../../typechain-types/tokens/GovernmentBond.js";
import { deployedLedger, ethers, fundedLedger, loadLedger, networkHelpers } from "../helpers/ledger-fixture.js";
import { expectRejectedUnchanged, newAccount } from "./PermissionedToken.behavior.js";

// ---------------------------------------------------------------------------------------------
// A bond with fixed dates, so that every figure below can be worked out by hand.
//
// 3-year HKD bond, HK$50,000.00 a unit (5,000,000 minor units), 4.25% (425 bps) semi-annual,
// issued 24 Nov 2026, coupons on the 24th of May and November, maturing 24 Nov 2029.
//
//   date (00:00 UTC)   unix seconds    days in the period ending on it
//   24 Nov 2026 issue  1 795 478 400
//   24 May 2027        1 811 116 800   30+31+31+28+31+30 = 181   (Nov..May, Feb 2027 has 28 days)
//   24 Nov 2027        1 827 014 400   31+30+31+31+30+31 = 184   (May..Nov)
//   24 May 2028        1 842 739 200   30+31+31+29+31+30 = 182   (2028 is a leap year)
//   24 Nov 2028        1 858 636 800   184
//   24 May 2029        1 874 275 200   181
//   24 Nov 2029        1 890 172 800   184                        = maturity
//   total                              1096 = 3 × 365 + 1 (29 Feb 2028)
//
// ACT/365F coupon per unit = floor(5,000,000 × 425 × days / (10,000 × 365))
//                          = floor(2,125,000,000 × days / 3,650,000) = floor(212,500 × days / 365):
//   181 days: 212,500 × 181 = 38,462,500; 365 × 105,376 = 38,462,240 (rest 260) → 105,376 (HKD 1,053.76)
//   184 days: 212,500 × 184 = 39,100,000; 365 × 107,123 = 39,099,895 (rest 105) → 107,123 (HKD 1,071.23)
//   182 days: 212,500 × 182 = 38,675,000; 365 × 105,958 = 38,674,670 (rest 330) → 105,958 (HKD 1,059.58)
// ---------------------------------------------------------------------------------------------

const DAY = 86_400;

const ISSUE_DATE = 1_795_478_400; // 2026-11-24T00:00:00Z
const COUPON_DATES = [
  1_811_116_800, // 2027-05-24
  1_827_014_400, // 2027-11-24
  1_842_739_200, // 2028-05-24
  1_858_636_800, // 2028-11-24
  1_874_275_200, // 2029-05-24
  1_890_172_800, // 2029-11-24 = maturity
] as const;
const MATURITY = COUPON_DATES[5];

/** Days in each coupon period, counted on the calendar (see the table above). */
const PERIOD_DAYS = [181, 184, 182, 184, 181, 184] as const;
/** floor(212,500 × days / 365), worked out above. */
const COUPON_PER_UNIT = [105_376n, 107_123n, 105_958n, 107_123n, 105_376n, 107_123n] as const;

/** "HK0" + issue number "03GB2911", check digit 0 (see `isinCheckDigitHolds` below). */
const FIXED_ISIN = "HK003GB29110";
const DENOMINATION = 5_000_000n; // HKD 50,000.00

/** The fixed bond's term sheet; `cashToken` is filled in from the ledger. */
function fixedTerms(cashToken: string): BondTermsStruct {
  return {
    isin: FIXED_ISIN,
    issueNumber: "03GB2911",
    currency: "HKD",
    cashToken,
    denomination: DENOMINATION,
    couponRateBps: 425,
    couponFrequency: 2,
    dayCount: 0, // ACT/365F
    issueDate: ISSUE_DATE,
    couponDates: [...COUPON_DATES],
  };
}

const BOND_NAME = "HKSAR Government Green Bond 4.25% Nov 2029";

/**
 * Independent ISO 6166 check: letters become two digits (A=10 … Z=35), then Luhn over the whole
 * digit string including the check digit — from the right, every second digit is doubled (9 taken
 * off when it exceeds 9), and the sum must end in 0.
 */
function isinCheckDigitHolds(isin: string): boolean {
  if (!/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(isin)) return false;
  const digits = [...isin]
    .map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - "A".charCodeAt(0) + 10) : c))
    .join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

interface FixedBonds {
  readonly ledger: HongKongLedger;
  /** ACT/365F. */
  readonly bond: GovernmentBond;
  /** The same bond under ACT/360. */
  readonly bond360: GovernmentBond;
}

async function fixedBonds(): Promise<FixedBonds> {
  const ledger = await deployedLedger();
  const { government, hkma } = ledger.participants;
  const registry = await ledger.registry.getAddress();
  const terms = fixedTerms(await ledger.wcbdc.getAddress());
  const bond = await ethers.deployContract("GovernmentBond", [
    terms,
    BOND_NAME,
    "03GB2911",
    registry,
    government.address,
    hkma.address,
  ]);
  const bond360 = await ethers.deployContract("GovernmentBond", [
    { ...terms, dayCount: 1 },
    `${BOND_NAME} (ACT/360)`,
    "03GB2911-360",
    registry,
    government.address,
    hkma.address,
  ]);
  return { ledger, bond, bond360 };
}
const loadFixedBonds = (): Promise<FixedBonds> => networkHelpers.loadFixture(fixedBonds);

/** Bond units each holder of the ledger's green bond is allotted for the lifecycle tests. */
const PEAK_UNITS = 100n;
const DEALER_UNITS = 20n;

/** The funded ledger with the green bond allotted to Peak Asset and Kowloon Dealer. */
async function allottedGreenBond(): Promise<HongKongLedger> {
  const ledger = await fundedLedger();
  await (await ledger.bond.mint(ledger.participants.peakAsset.address, PEAK_UNITS)).wait();
  await (await ledger.bond.mint(ledger.participants.kowloonDealer.address, DEALER_UNITS)).wait();
  return ledger;
}
const loadAllottedGreenBond = (): Promise<HongKongLedger> => networkHelpers.loadFixture(allottedGreenBond);

describe("GovernmentBond", function () {
  describe("term sheet and coupon arithmetic (fixed dates, ACT/365F)", function () {
    it("uses the dates of the hand-worked table", function () {
      const calendar = [
        [2026, 11, 24],
        [2027, 5, 24],
        [2027, 11, 24],
        [2028, 5, 24],
        [2028, 11, 24],
        [2029, 5, 24],
        [2029, 11, 24],
      ] as const;
      const unix = calendar.map(([y, m, d]) => Date.UTC(y, m - 1, d) / 1000);
      expect(unix).to.deep.equal([ISSUE_DATE, ...COUPON_DATES]);
      const days = COUPON_DATES.map((end, i) => (end - (i === 0 ? ISSUE_DATE : COUPON_DATES[i - 1])) / DAY);
      expect(days).to.deep.equal([...PERIOD_DAYS]);
      expect(days.reduce((a, b) => a + b, 0)).to.equal(3 * 365 + 1);
    });

    it("exposes the term sheet", async function () {
      const { ledger, bond } = await loadFixedBonds();
      expect(await bond.isin()).to.equal(FIXED_ISIN);
      expect(await bond.issueNumber()).to.equal("03GB2911");
      expect(await bond.name()).to.equal(BOND_NAME);
      expect(await bond.symbol()).to.equal("03GB2911");
      expect(await bond.decimals()).to.equal(0n);
      expect(await bond.issuer()).to.equal(ledger.participants.government.address);
      expect(await bond.currency()).to.equal("HKD");
      expect(await bond.cashToken()).to.equal(await ledger.wcbdc.getAddress());
      expect(await bond.denomination()).to.equal(DENOMINATION);
      expect(await bond.couponRate()).to.equal(425n);
      expect(await bond.couponFrequency()).to.equal(2n);
      expect(await bond.dayCountConvention()).to.equal(0n);
      expect(await bond.issueDate()).to.equal(BigInt(ISSUE_DATE));
      expect(await bond.maturityDate()).to.equal(BigInt(MATURITY));
      expect(await bond.couponCount()).to.equal(6n);
      expect(await bond.redemptionPerUnit()).to.equal(DENOMINATION); // redeems at par: HKD 50,000.00
      expect(await bond.totalSupply()).to.equal(0n);
    });

    it("schedules six periods, the first from the issue date", async function () {
      const { bond } = await loadFixedBonds();
      const expected = [
        [ISSUE_DATE, COUPON_DATES[0]],
        [COUPON_DATES[0], COUPON_DATES[1]],
        [COUPON_DATES[1], COUPON_DATES[2]],
        [COUPON_DATES[2], COUPON_DATES[3]],
        [COUPON_DATES[3], COUPON_DATES[4]],
        [COUPON_DATES[4], COUPON_DATES[5]],
      ];
      for (let i = 0; i < expected.length; i++) {
        const [start, end] = await bond.couponPeriod(i);
        expect([start, end]).to.deep.equal(expected[i].map(BigInt), `period ${i}`);
      }
    });

    it("pays the hand-computed coupon per unit in each period", async function () {
      const { bond } = await loadFixedBonds();
      for (let i = 0; i < COUPON_PER_UNIT.length; i++) {
        expect(await bond.couponPerUnit(i)).to.equal(COUPON_PER_UNIT[i], `period ${i} (${PERIOD_DAYS[i]} days)`);
      }
      // Cross-check the table against the formula itself.
      for (let i = 0; i < PERIOD_DAYS.length; i++) {
        expect((2_125_000_000n * BigInt(PERIOD_DAYS[i])) / 3_650_000n).to.equal(COUPON_PER_UNIT[i]);
      }
    });

    it("rejects a period index past the schedule with BondCouponIndexOutOfRange", async function () {
      const { bond } = await loadFixedBonds();
      await expect(bond.couponPeriod(6))
        .to.be.revertedWithCustomError(bond, "BondCouponIndexOutOfRange")
        .withArgs(6n, 6n);
      await expect(bond.couponPerUnit(6))
        .to.be.revertedWithCustomError(bond, "BondCouponIndexOutOfRange")
        .withArgs(6n, 6n);
      await expect(bond.couponPerUnit(2n ** 64n))
        .to.be.revertedWithCustomError(bond, "BondCouponIndexOutOfRange")
        .withArgs(2n ** 64n, 6n);
    });

    it("computes interest per unit over a span", async function () {
      const { bond } = await loadFixedBonds();
      // One year, 24 Nov 2026 → 24 Nov 2027 = 365 days: 212,500 × 365 / 365 = 212,500 (4.25% of HKD 50,000).
      expect(await bond.interestPerUnit(ISSUE_DATE, COUPON_DATES[1])).to.equal(212_500n);
      // Issue to maturity, 1096 days: 212,500 × 1096 = 232,900,000; / 365 = 638,082.19 → 638,082.
      expect(await bond.interestPerUnit(ISSUE_DATE, MATURITY)).to.equal(638_082n);
      // ...while the six coupons, each rounded down, sum to 2 × 105,376 + 105,958 + 3 × 107,123 = 638,079.
      expect(COUPON_PER_UNIT.reduce((a, b) => a + b, 0n)).to.equal(638_079n);
      // One day: 212,500 / 365 = 582.19 → 582. Twelve hours: 0 whole days → 0.
      expect(await bond.interestPerUnit(ISSUE_DATE, ISSUE_DATE + DAY)).to.equal(582n);
      expect(await bond.interestPerUnit(ISSUE_DATE, ISSUE_DATE + DAY / 2)).to.equal(0n);
      // Empty and reversed spans accrue nothing.
      expect(await bond.interestPerUnit(COUPON_DATES[0], COUPON_DATES[0])).to.equal(0n);
      expect(await bond.interestPerUnit(COUPON_DATES[1], COUPON_DATES[0])).to.equal(0n);
    });

    it("finding 13 support: couponOn rounds a whole holding down once, floor(units × denomination × rate × days / (10,000 × 365))", async function () {
      const { bond } = await loadFixedBonds();
      // 2,000 units, period 0 (181 days):
      //   2,000 × 5,000,000 × 425 × 181 = 769,250,000,000,000; / 3,650,000 = 210,753,424.66 → 210,753,424
      //   (HKD 2,107,534.24), where 2,000 × the per-unit 105,376 = 210,752,000: HKD 14.24 more.
      expect(await bond.couponOn(0, 2_000n)).to.equal(210_753_424n);
      expect(2_000n * (await bond.couponPerUnit(0))).to.equal(210_752_000n);
      // 7 units, period 1 (184 days):
      //   7 × 5,000,000 × 425 × 184 = 2,737,000,000,000; / 3,650,000 = 749,863.01 → 749,863,
      //   where 7 × 107,123 = 749,861.
      expect(await bond.couponOn(1, 7n)).to.equal(749_863n);
      expect(7n * (await bond.couponPerUnit(1))).to.equal(749_861n);

      // Every period, both holdings: the formula, and never less than units × couponPerUnit.
      for (let i = 0; i < PERIOD_DAYS.length; i++) {
        for (const units of [2_000n, 7n, 1n, 0n]) {
          const onHolding = await bond.couponOn(i, units);
          expect(onHolding).to.equal(
            (units * DENOMINATION * 425n * BigInt(PERIOD_DAYS[i])) / 3_650_000n,
            `period ${i}, ${units} units`,
          );
          expect(onHolding).to.be.gte(units * COUPON_PER_UNIT[i]);
        }
        // One unit is the per-unit coupon.
        expect(await bond.couponOn(i, 1n)).to.equal(COUPON_PER_UNIT[i]);
      }
      await expect(bond.couponOn(6, 1n))
        .to.be.revertedWithCustomError(bond, "BondCouponIndexOutOfRange")
        .withArgs(6n, 6n);
    });

    it("finding 6 support: nextEntitlementDate gives the first record date after the argument, then maturity, then max uint64", async function () {
      const { bond } = await loadFixedBonds();
      // Each record date is the day before its payment date (RECORD_DATE_LAG).
      const record = COUPON_DATES.map((d) => BigInt(d - DAY));
      for (let i = 0; i < COUPON_DATES.length; i++) {
        expect(await bond.recordDate(i)).to.equal(record[i], `record date ${i}`);
      }
      expect(await bond.maturityDate()).to.equal(BigInt(MATURITY));
      const NONE = 2n ** 64n - 1n;
      const cases: readonly (readonly [string, bigint, bigint])[] = [
        ["from the epoch", 0n, record[0]],
        ["at issue", BigInt(ISSUE_DATE), record[0]],
        ["one second before the first record date", record[0] - 1n, record[0]],
        // Strictly after: on a record date, the next one.
        ["on the first record date", record[0], record[1]],
        ["on the first payment date", BigInt(COUPON_DATES[0]), record[1]],
        ["on the fifth record date", record[4], record[5]],
        // The last record date is a day before maturity; after it, maturity itself.
        ["on the last record date", record[5], BigInt(MATURITY)],
        ["one second before maturity", BigInt(MATURITY) - 1n, BigInt(MATURITY)],
        ["at maturity", BigInt(MATURITY), NONE],
        ["long after maturity", NONE, NONE],
      ];
      for (const [label, after, expected] of cases) {
        expect(await bond.nextEntitlementDate(after)).to.equal(expected, label);
      }
    });

    describe("accruedInterestPerUnit", function () {
      // 2027-02-24: 30 + 31 + 31 = 92 days after issue.
      const FEB_24_2027 = 1_803_427_200;
      // 2028-03-01: 30 + 31 + 31 + 6 (24 Feb → 1 Mar, over 29 Feb) = 98 days after 24 Nov 2027.
      const MAR_1_2028 = 1_835_481_600;

      const cases: readonly (readonly [string, number, bigint])[] = [
        ["a day before issue", ISSUE_DATE - DAY, 0n],
        ["at issue", ISSUE_DATE, 0n],
        // 212,500 × 92 = 19,550,000; 365 × 53,561 = 19,549,765 (rest 235) → 53,561.
        ["mid-period, 24 Feb 2027 (92 days)", FEB_24_2027, 53_561n],
        ["at noon the same day (still 92 whole days)", FEB_24_2027 + DAY / 2, 53_561n],
        // 181 days less a second = 180 whole days:
        // 212,500 × 180 = 38,250,000; 365 × 104,794 = 38,249,810 (rest 190) → 104,794.
        ["one second before the first coupon date (180 days)", COUPON_DATES[0] - 1, 104_794n],
        ["exactly on the first coupon date (the coupon has been paid)", COUPON_DATES[0], 0n],
        ["one day after the first coupon date", COUPON_DATES[0] + DAY, 582n],
        // 212,500 × 98 = 20,825,000; 365 × 57,054 = 20,824,710 (rest 290) → 57,054.
        ["1 Mar 2028, across 29 Feb (98 days)", MAR_1_2028, 57_054n],
        ["exactly on the third coupon date", COUPON_DATES[2], 0n],
        // 184 days less a second = 183: 212,500 × 183 = 38,887,500; 365 × 106,541 = 38,887,465 → 106,541.
        ["one second before maturity (183 days)", MATURITY - 1, 106_541n],
        ["at maturity", MATURITY, 0n],
        ["a year after maturity", MATURITY + 365 * DAY, 0n],
      ];

      for (const [label, at, expected] of cases) {
        it(`is ${expected} ${label}`, async function () {
          const { bond } = await loadFixedBonds();
          expect(await bond.accruedInterestPerUnit(at)).to.equal(expected);
        });
      }
    });

    it("accrues ACT/360 on the same dates", async function () {
      const { bond360 } = await loadFixedBonds();
      expect(await bond360.dayCountConvention()).to.equal(1n);
      // Period 0, 181 days: floor(2,125,000,000 × 181 / 3,600,000) = floor(212,500 × 181 / 360)
      //   = 38,462,500 / 360 = 106,840.27 → 106,840 (HKD 1,068.40).
      expect(await bond360.couponPerUnit(0)).to.equal(106_840n);
      // One year of 365 days: 212,500 × 365 / 360 = 77,562,500 / 360 = 215,451.38 → 215,451.
      expect(await bond360.interestPerUnit(ISSUE_DATE, COUPON_DATES[1])).to.equal(215_451n);
      // 92 days: 19,550,000 / 360 = 54,305.55 → 54,305.
      expect(await bond360.accruedInterestPerUnit(1_803_427_200)).to.equal(54_305n);
    });
  });

  describe("constructor validation", function () {
    interface Overrides {
      readonly terms?: Partial<BondTermsStruct>;
      readonly registry?: string;
      readonly issuer?: string;
      readonly registrar?: string;
    }

    /** Deploys the fixed bond with some terms or parties replaced. */
    async function deployWith(ledger: HongKongLedger, o: Overrides): Promise<GovernmentBond> {
      const terms = { ...fixedTerms(await ledger.wcbdc.getAddress()), ...o.terms };
      return ethers.deployContract("GovernmentBond", [
        terms,
        BOND_NAME,
        "03GB2911",
        o.registry ?? (await ledger.registry.getAddress()),
        o.issuer ?? ledger.participants.government.address,
        o.registrar ?? ledger.participants.hkma.address,
      ]);
    }

    async function expectRejected(o: Overrides, error: string, args: readonly unknown[]): Promise<void> {
      const ledger = await loadLedger();
      await expect(deployWith(ledger, o))
        .to.be.revertedWithCustomError(ledger.bond, error)
        .withArgs(...args);
    }

    describe("ISIN", function () {
      it("checks the check digit independently of the contract", function () {
        for (const good of ["US0378331005", "AU0000XVGZA3", "GB0002634946", FIXED_ISIN]) {
          expect(isinCheckDigitHolds(good), good).to.equal(true);
        }
        for (const bad of ["US0378331006", "US037833100", "us0378331005", "HK003GB29111"]) {
          expect(isinCheckDigitHolds(bad), bad).to.equal(false);
        }
      });

      for (const isin of ["US0378331005", "AU0000XVGZA3", "GB0002634946"]) {
        it(`accepts ${isin}`, async function () {
          const ledger = await loadLedger();
          const bond = await deployWith(ledger, { terms: { isin } });
          expect(await bond.isin()).to.equal(isin);
        });
      }

      const INVALID = [
        ["US0378331006", "a wrong check digit"],
        ["AU0000XVGZA4", "a wrong check digit after letters"],
        ["US037833100", "11 characters"],
        ["US03783310055", "13 characters"],
        ["", "an empty string"],
        ["us0378331005", "a lower-case country code"],
        ["au0000xvgza3", "lower-case letters"],
        ["U10378331005", "a digit in the country code"],
        ["US037833100X", "a letter as check digit"],
        ["US03783-1005", "a punctuation mark"],
      ] as const;
      for (const [isin, what] of INVALID) {
        it(`rejects "${isin}" (${what}) with BondInvalidIsin`, async function () {
          await expectRejected({ terms: { isin } }, "BondInvalidIsin", [isin]);
        });
      }
    });

    describe("terms", function () {
      it("rejects a zero denomination", async function () {
        await expectRejected({ terms: { denomination: 0 } }, "BondInvalidTerm", ["denomination"]);
      });

      it("rejects a coupon rate above 100% (10,000 bps) and accepts 0 and 10,000 bps", async function () {
        await expectRejected({ terms: { couponRateBps: 10_001 } }, "BondInvalidTerm", ["couponRate"]);
        const ledger = await loadLedger();
        const zero = await deployWith(ledger, { terms: { couponRateBps: 0 } });
        expect(await zero.couponPerUnit(0)).to.equal(0n);
        const full = await deployWith(ledger, { terms: { couponRateBps: 10_000 } });
        // 100% for 181 days: floor(5,000,000 × 181 / 365) = floor(905,000,000 / 365) = 2,479,452.
        expect(await full.couponPerUnit(0)).to.equal(2_479_452n);
      });

      for (const frequency of [5, 7, 13, 24]) {
        it(`rejects couponFrequency ${frequency} (not a divisor of 12)`, async function () {
          await expectRejected({ terms: { couponFrequency: frequency } }, "BondInvalidTerm", ["couponFrequency"]);
        });
      }

      it("rejects couponFrequency 0 with BondInvalidTerm (not a division-by-zero panic)", async function () {
        await expectRejected({ terms: { couponFrequency: 0 } }, "BondInvalidTerm", ["couponFrequency"]);
      });

      it("accepts every divisor of 12 as couponFrequency", async function () {
        const ledger = await loadLedger();
        for (const frequency of [1, 2, 3, 4, 6, 12]) {
          const bond = await deployWith(ledger, { terms: { couponFrequency: frequency } });
          expect(await bond.couponFrequency()).to.equal(BigInt(frequency));
        }
      });

      it("rejects an empty schedule", async function () {
        await expectRejected({ terms: { couponDates: [] } }, "BondInvalidTerm", ["couponDates"]);
      });

      it("accepts 120 coupon dates (MAX_COUPON_PERIODS) and rejects 121", async function () {
        const ledger = await loadLedger();
        const dates = (n: number): number[] => Array.from({ length: n }, (_, i) => ISSUE_DATE + (i + 1) * 2 * DAY);
        const longest = await deployWith(ledger, { terms: { couponDates: dates(120) } });
        expect(await longest.MAX_COUPON_PERIODS()).to.equal(120n);
        expect(await longest.couponCount()).to.equal(120n);
        expect(await longest.maturityDate()).to.equal(BigInt(ISSUE_DATE + 240 * DAY));
        await expectRejected({ terms: { couponDates: dates(121) } }, "BondInvalidTerm", ["couponDates"]);
      });

      it("rejects a first coupon date on or before the issue date", async function () {
        await expectRejected(
          { terms: { couponDates: [ISSUE_DATE, ...COUPON_DATES.slice(1)] } },
          "BondInvalidCouponDate",
          [0n, BigInt(ISSUE_DATE)],
        );
        await expectRejected(
          { terms: { couponDates: [ISSUE_DATE - DAY, ...COUPON_DATES.slice(1)] } },
          "BondInvalidCouponDate",
          [0n, BigInt(ISSUE_DATE - DAY)],
        );
      });

      it("rejects a repeated or earlier coupon date, naming its index", async function () {
        const repeated = [...COUPON_DATES];
        repeated[3] = repeated[2];
        await expectRejected({ terms: { couponDates: repeated } }, "BondInvalidCouponDate", [
          3n,
          BigInt(COUPON_DATES[2]),
        ]);
        const swapped = [...COUPON_DATES];
        [swapped[4], swapped[5]] = [swapped[5], swapped[4]];
        await expectRejected({ terms: { couponDates: swapped } }, "BondInvalidCouponDate", [
          5n,
          BigInt(COUPON_DATES[4]),
        ]);
      });

      it("rejects a currency that is not an ISO 4217 code", async function () {
        await expectRejected({ terms: { currency: "hkd" } }, "InvalidCurrencyCode", ["hkd"]);
        await expectRejected({ terms: { currency: "HK" } }, "InvalidCurrencyCode", ["HK"]);
      });
    });

    describe("parties", function () {
      it("rejects a zero issuer, registrar, cash token or registry with ZeroAddress", async function () {
        const ledger = await loadLedger();
        const cases: readonly Overrides[] = [
          { issuer: ethers.ZeroAddress },
          { registrar: ethers.ZeroAddress },
          { registry: ethers.ZeroAddress },
          { terms: { cashToken: ethers.ZeroAddress } },
        ];
        for (const o of cases) {
          await expect(deployWith(ledger, o)).to.be.revertedWithCustomError(ledger.bond, "ZeroAddress");
        }
      });

      it("gives the issuer ISSUER_ROLE and ISSUER_ADMIN_ROLE, the registrar REGISTRAR_ROLE and DEFAULT_ADMIN_ROLE", async function () {
        const { ledger, bond } = await loadFixedBonds();
        const { government, hkma } = ledger.participants;
        expect(await bond.hasRole(await bond.ISSUER_ROLE(), government.address)).to.equal(true);
        expect(await bond.hasRole(await bond.ISSUER_ADMIN_ROLE(), government.address)).to.equal(true);
        expect(await bond.hasRole(await bond.REGISTRAR_ROLE(), hkma.address)).to.equal(true);
        expect(await bond.hasRole(await bond.DEFAULT_ADMIN_ROLE(), hkma.address)).to.equal(true);
        expect(await bond.hasRole(await bond.REGISTRAR_ROLE(), government.address)).to.equal(false);
        expect(await bond.hasRole(await bond.DEFAULT_ADMIN_ROLE(), government.address)).to.equal(false);
        expect(await bond.hasRole(await bond.ISSUER_ROLE(), hkma.address)).to.equal(false);
        expect(await bond.hasRole(await bond.ISSUER_ADMIN_ROLE(), hkma.address)).to.equal(false);
      });

      it('finding 14: a bond whose cash token\'s currency differs from its currency cannot be deployed (BondInvalidTerm("cashToken"))', async function () {
        const ledger = await loadLedger();
        const { government, hkma } = ledger.participants;
        const registry = await ledger.registry.getAddress();
        const wthb = await ethers.deployContract("WholesaleCBDC", [
          "Bank of Thailand Wholesale CBDC (THB)",
          "wTHB",
          "THB",
          2,
          registry,
          hkma.address,
        ]);
        const factory = new GovernmentBond__factory(hkma.signer);
        // An HKD bond paid in THB central-bank money.
        await expect(
          factory.deploy(
            fixedTerms(await wthb.getAddress()),
            BOND_NAME,
            "03GB2911",
            registry,
            government.address,
            hkma.address,
          ),
        )
          .to.be.revertedWithCustomError(ledger.bond, "BondInvalidTerm")
          .withArgs("cashToken");
        // A THB bond in the same wTHB, and the HKD bond in wHKD, deploy.
        const thbBond = await factory.deploy(
          { ...fixedTerms(await wthb.getAddress()), currency: "THB" },
          "Thai bond",
          "TH-1",
          registry,
          government.address,
          hkma.address,
        );
        expect(await thbBond.currency()).to.equal("THB");
        const hkdBond = await factory.deploy(
          fixedTerms(await ledger.wcbdc.getAddress()),
          BOND_NAME,
          "03GB2911",
          registry,
          government.address,
          hkma.address,
        );
        expect(await hkdBond.cashToken()).to.equal(await ledger.wcbdc.getAddress());
      });
    });
  });

  // The lifecycle runs on the ledger's own green bond, whose dates follow the chain's clock, so it
  // holds whatever the wall-clock date of the run.
  describe("lifecycle (the ledger's green bond)", function () {
    async function setup() {
      const ledger = await loadAllottedGreenBond();
      const { bond } = ledger;
      const { government, hkma, peakAsset, kowloonDealer } = ledger.participants;
      const maturity = await bond.maturityDate();
      const accounts = [peakAsset.address, kowloonDealer.address];
      return { ledger, bond, government, hkma, peakAsset, kowloonDealer, maturity, accounts };
    }

    it("issues units before maturity", async function () {
      const { bond, peakAsset } = await setup();
      expect(await bond.totalSupply()).to.equal(PEAK_UNITS + DEALER_UNITS);
      const tx = bond.mint(peakAsset.address, 3n);
      await expect(tx).to.emit(bond, "Transfer").withArgs(ethers.ZeroAddress, peakAsset.address, 3n);
      await expect(tx).to.changeTokenBalance(ethers, bond, peakAsset.address, 3n);
      expect(await bond.totalSupply()).to.equal(PEAK_UNITS + DEALER_UNITS + 3n);
    });

    it("issues up to RECORDED_SUPPLY_CAP (2^208 - 1, what a record keeps) and not one unit more; a balance at the cap is of record exactly", async function () {
      const { bond, peakAsset, kowloonDealer, accounts } = await setup();
      const cap = await bond.RECORDED_SUPPLY_CAP();
      expect(cap).to.equal((1n << 208n) - 1n);
      // Below the word's own cap (2^248 - 1), which a record could not hold: the lower one governs.
      expect(cap).to.be.below(await bond.SUPPLY_CAP());
      const supply = await bond.totalSupply();
      await expectRejectedUnchanged(bond, accounts, () => bond.mint(peakAsset.address, cap - supply + 1n), "ERC20SupplyCapExceeded", [supply, cap - supply + 1n]);
      await expectRejectedUnchanged(bond, accounts, () => bond.mint(peakAsset.address, (1n << 256n) - 1n), "ERC20SupplyCapExceeded", [supply, (1n << 256n) - 1n]);
      await (await bond.mint(peakAsset.address, cap - supply)).wait();
      expect(await bond.totalSupply()).to.equal(cap);
      const held = await bond.balanceOf(peakAsset.address);
      await expectRejectedUnchanged(bond, accounts, () => bond.mint(kowloonDealer.address, 1n), "ERC20SupplyCapExceeded", [cap, 1n]);
      // Past the first record date, a trade writes the holder's balance down: all 208 bits of it.
      await networkHelpers.time.increaseTo((await bond.recordDate(0)) + 1n);
      await (await bond.connect(peakAsset.signer).transfer(kowloonDealer.address, 1n)).wait();
      expect(await bond.balanceOfAtRecord(peakAsset.address, 0)).to.equal(held);
      expect(await bond.totalSupplyAtRecord(0)).to.equal(cap);
    });

    it("trades up to the last second before maturity", async function () {
      const { bond, peakAsset, kowloonDealer, maturity } = await setup();
      await networkHelpers.time.setNextBlockTimestamp(maturity - 1n);
      await expect(bond.connect(peakAsset.signer).transfer(kowloonDealer.address, 5n)).to.changeTokenBalances(
        ethers,
        bond,
        [peakAsset.address, kowloonDealer.address],
        [-5n, 5n],
      );
    });

    it("stops transfers at maturity with BondMatured", async function () {
      const { bond, peakAsset, kowloonDealer, maturity, accounts } = await setup();
      await (await bond.connect(peakAsset.signer).approve(kowloonDealer.address, 5n)).wait();
      await networkHelpers.time.setNextBlockTimestamp(maturity);
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => bond.connect(peakAsset.signer).transfer(kowloonDealer.address, 5n),
        "BondMatured",
        [maturity],
      );
      await networkHelpers.time.increaseTo(maturity + 30n * 86_400n);
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => bond.connect(kowloonDealer.signer).transferFrom(peakAsset.address, kowloonDealer.address, 5n),
        "BondMatured",
        [maturity],
      );
    });

    it("stops issuance at maturity with BondMatured", async function () {
      const { bond, peakAsset, maturity, accounts } = await setup();
      await networkHelpers.time.setNextBlockTimestamp(maturity);
      await expectRejectedUnchanged(bond, accounts, () => bond.mint(peakAsset.address, 1n), "BondMatured", [maturity]);
    });

    it("refuses redemption before maturity with BondNotMatured, to the last second", async function () {
      const { bond, peakAsset, maturity, accounts } = await setup();
      await expectRejectedUnchanged(bond, accounts, () => bond.burn(peakAsset.address, 1n), "BondNotMatured", [
        maturity,
      ]);
      await networkHelpers.time.setNextBlockTimestamp(maturity - 1n);
      await expectRejectedUnchanged(bond, accounts, () => bond.burn(peakAsset.address, 1n), "BondNotMatured", [
        maturity,
      ]);
    });

    it("redeems (burns) at maturity and after, down to a zero supply", async function () {
      const { bond, peakAsset, kowloonDealer, maturity } = await setup();
      await networkHelpers.time.setNextBlockTimestamp(maturity);
      const tx = bond.burn(peakAsset.address, PEAK_UNITS);
      await expect(tx).to.emit(bond, "Transfer").withArgs(peakAsset.address, ethers.ZeroAddress, PEAK_UNITS);
      await expect(tx).to.changeTokenBalance(ethers, bond, peakAsset.address, -PEAK_UNITS);
      expect(await bond.totalSupply()).to.equal(DEALER_UNITS);

      await networkHelpers.time.increaseTo(maturity + 7n * 86_400n);
      await expect(bond.burn(kowloonDealer.address, DEALER_UNITS)).to.changeTokenBalance(
        ethers,
        bond,
        kowloonDealer.address,
        -DEALER_UNITS,
      );
      expect(await bond.totalSupply()).to.equal(0n);
    });

    it("lets only the issuer redeem", async function () {
      const { bond, hkma, peakAsset, maturity, accounts } = await setup();
      await networkHelpers.time.increaseTo(maturity);
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => bond.connect(hkma.signer).burn(peakAsset.address, 1n),
        "AccessControlUnauthorizedAccount",
        [hkma.address, await bond.ISSUER_ROLE()],
      );
    });

    describe("redemption still follows the shared rules", function () {
      const RULES: readonly {
        readonly title: string;
        readonly error: string;
        breakRule(ledger: HongKongLedger, holder: string, maturity: bigint): Promise<readonly unknown[]>;
      }[] = [
        {
          title: "the holder is frozen in the registry",
          error: "ParticipantFrozen",
          breakRule: async (ledger, holder) => {
            await (await ledger.registry.setFrozen(holder, true)).wait();
            return [holder];
          },
        },
        {
          title: "the holder is frozen on the bond",
          error: "AccountFrozen",
          breakRule: async (ledger, holder) => {
            await (await ledger.bond.connect(ledger.participants.hkma.signer).setFrozen(holder, true)).wait();
            return [holder];
          },
        },
        {
          title: "the holder was removed from the registry",
          error: "ParticipantNotRegistered",
          breakRule: async (ledger, holder) => {
            await (await ledger.registry.removeParticipant(holder)).wait();
            return [holder];
          },
        },
        {
          title: "the holder's KYC has expired",
          error: "ParticipantKycExpired",
          breakRule: async (ledger, holder, maturity) => {
            const expiry = maturity + 100n;
            await (await ledger.registry.updateKycExpiry(holder, expiry)).wait();
            await networkHelpers.time.increaseTo(expiry);
            return [holder, expiry];
          },
        },
        {
          title: "the bond is paused",
          error: "EnforcedPause",
          breakRule: async (ledger) => {
            await (await ledger.bond.connect(ledger.participants.hkma.signer).pause()).wait();
            return [];
          },
        },
      ];

      for (const rule of RULES) {
        it(`rejects the burn when ${rule.title}`, async function () {
          const { ledger, bond, peakAsset, maturity, accounts } = await setup();
          await networkHelpers.time.increaseTo(maturity);
          const args = await rule.breakRule(ledger, peakAsset.address, maturity);
          await expectRejectedUnchanged(bond, accounts, () => bond.burn(peakAsset.address, 1n), rule.error, args);
        });
      }
    });
  });

  describe("the issuer's agents (ISSUER_ROLE under ISSUER_ADMIN_ROLE)", function () {
    async function setup() {
      const ledger = await loadAllottedGreenBond();
      const { bond } = ledger;
      const ISSUER_ROLE = await bond.ISSUER_ROLE();
      const ISSUER_ADMIN_ROLE = await bond.ISSUER_ADMIN_ROLE();
      const payingAgent = await ledger.payingAgent.getAddress();
      const issuance = await ledger.issuance.getAddress();
      // An account the issuer appoints as an agent (not on the registry: the role is all it needs to mint).
      const appointed = (await ethers.getSigners())[9];
      await (await bond.grantRole(ISSUER_ROLE, appointed.address)).wait();
      return { ledger, bond, ISSUER_ROLE, ISSUER_ADMIN_ROLE, payingAgent, issuance, appointed };
    }

    /** A contract's address as a signer (impersonated, with gas money). */
    async function itself(address: string) {
      await networkHelpers.setBalance(address, 10n ** 18n);
      return ethers.getImpersonatedSigner(address);
    }

    it("finding 14: ISSUER_ROLE is administered by ISSUER_ADMIN_ROLE, which the issuer alone holds", async function () {
      const { ledger, bond, ISSUER_ROLE, ISSUER_ADMIN_ROLE, payingAgent, issuance, appointed } = await setup();
      expect(await bond.getRoleAdmin(ISSUER_ROLE)).to.equal(ISSUER_ADMIN_ROLE);
      expect(await bond.getRoleAdmin(ISSUER_ADMIN_ROLE)).to.equal(ISSUER_ADMIN_ROLE);
      // The agents Ignition appointed (tender contract, paying agent) and the one appointed here hold
      // ISSUER_ROLE; none of them, nor the registrar, holds ISSUER_ADMIN_ROLE.
      for (const agent of [payingAgent, issuance, appointed.address]) {
        expect(await bond.hasRole(ISSUER_ROLE, agent)).to.equal(true, agent);
        expect(await bond.hasRole(ISSUER_ADMIN_ROLE, agent)).to.equal(false, agent);
      }
      for (const p of Object.values(ledger.participants)) {
        expect(await bond.hasRole(ISSUER_ADMIN_ROLE, p.address)).to.equal(p.key === "government", p.name);
      }
    });

    it("finding 14: an agent holding ISSUER_ROLE cannot grant ISSUER_ROLE (AccessControlUnauthorizedAccount(agent, ISSUER_ADMIN_ROLE))", async function () {
      const { ledger, bond, ISSUER_ROLE, ISSUER_ADMIN_ROLE, payingAgent, issuance, appointed } = await setup();
      const stranger = ethers.Wallet.createRandom().address;
      const agents = [
        { name: "the paying agent", signer: await itself(payingAgent) },
        { name: "the tender contract", signer: await itself(issuance) },
        { name: "an account the issuer appointed", signer: appointed },
      ];
      for (const { name, signer } of agents) {
        const asAgent = bond.connect(signer);
        // Appoint a stranger, promote itself, or remove a fellow agent: all refused.
        await expect(asAgent.grantRole(ISSUER_ROLE, stranger), name)
          .to.be.revertedWithCustomError(bond, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ISSUER_ADMIN_ROLE);
        await expect(asAgent.grantRole(ISSUER_ADMIN_ROLE, signer.address), name)
          .to.be.revertedWithCustomError(bond, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ISSUER_ADMIN_ROLE);
        await expect(asAgent.revokeRole(ISSUER_ROLE, ledger.participants.government.address), name)
          .to.be.revertedWithCustomError(bond, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ISSUER_ADMIN_ROLE);
      }
      // Nor can the registrar, the bond's DEFAULT_ADMIN_ROLE.
      const { hkma } = ledger.participants;
      await expect(bond.connect(hkma.signer).grantRole(ISSUER_ROLE, stranger))
        .to.be.revertedWithCustomError(bond, "AccessControlUnauthorizedAccount")
        .withArgs(hkma.address, ISSUER_ADMIN_ROLE);
      expect(await bond.hasRole(ISSUER_ROLE, stranger)).to.equal(false);
      expect(await bond.hasRole(ISSUER_ROLE, ledger.participants.government.address)).to.equal(true);
      for (const { signer } of agents) expect(await bond.hasRole(ISSUER_ADMIN_ROLE, signer.address)).to.equal(false);
    });

    it("finding 14: the issuer grants and revokes ISSUER_ROLE; a revoked agent can no longer mint", async function () {
      const { ledger, bond, ISSUER_ROLE, appointed } = await setup();
      const { government, peakAsset } = ledger.participants;
      // The appointment took effect: the agent issues.
      await expect(bond.connect(appointed).mint(peakAsset.address, 1n)).to.changeTokenBalance(
        ethers,
        bond,
        peakAsset.address,
        1n,
      );

      await expect(bond.revokeRole(ISSUER_ROLE, appointed.address))
        .to.emit(bond, "RoleRevoked")
        .withArgs(ISSUER_ROLE, appointed.address, government.address);
      expect(await bond.hasRole(ISSUER_ROLE, appointed.address)).to.equal(false);
      await expectRejectedUnchanged(
        bond,
        [peakAsset.address],
        () => bond.connect(appointed).mint(peakAsset.address, 1n),
        "AccessControlUnauthorizedAccount",
        [appointed.address, ISSUER_ROLE],
      );

      const newAgent = ethers.Wallet.createRandom().address;
      await expect(bond.grantRole(ISSUER_ROLE, newAgent))
        .to.emit(bond, "RoleGranted")
        .withArgs(ISSUER_ROLE, newAgent, government.address);
      expect(await bond.hasRole(ISSUER_ROLE, newAgent)).to.equal(true);
    });
  });

  describe("forced transfer (the ledger's green bond)", function () {
    const REASON = "HCMP 1234/2026 court order";

    async function setup() {
      const ledger = await loadAllottedGreenBond();
      const { hkma, government, peakAsset, kowloonDealer, lantauPension } = ledger.participants;
      const asRegistrar = ledger.bond.connect(hkma.signer);
      const accounts = [peakAsset.address, kowloonDealer.address, lantauPension.address];
      const force = (to: string, amount: bigint, reason = REASON): Promise<ContractTransactionResponse> =>
        asRegistrar.forcedTransfer(peakAsset.address, to, amount, reason);
      return {
        ledger,
        bond: ledger.bond,
        asRegistrar,
        hkma,
        government,
        peakAsset,
        kowloonDealer,
        lantauPension,
        accounts,
        force,
      };
    }

    it("moves units under a legal order, emitting ForcedTransfer and Transfer", async function () {
      const { bond, peakAsset, kowloonDealer, force } = await setup();
      const tx = force(kowloonDealer.address, 40n);
      await expect(tx).to.emit(bond, "ForcedTransfer").withArgs(peakAsset.address, kowloonDealer.address, 40n, REASON);
      await expect(tx).to.emit(bond, "Transfer").withArgs(peakAsset.address, kowloonDealer.address, 40n);
      await expect(tx).to.changeTokenBalances(ethers, bond, [peakAsset.address, kowloonDealer.address], [-40n, 40n]);
      expect(await bond.totalSupply()).to.equal(PEAK_UNITS + DEALER_UNITS);
    });

    const SENDER_STANDINGS: readonly {
      readonly title: string;
      readonly error: string;
      breakRule(ledger: HongKongLedger, holder: string): Promise<readonly unknown[]>;
    }[] = [
      {
        title: "frozen on the bond",
        error: "AccountFrozen",
        breakRule: async (ledger, holder) => {
          await (await ledger.bond.connect(ledger.participants.hkma.signer).setFrozen(holder, true)).wait();
          return [holder];
        },
      },
      {
        title: "frozen in the registry",
        error: "ParticipantFrozen",
        breakRule: async (ledger, holder) => {
          await (await ledger.registry.setFrozen(holder, true)).wait();
          return [holder];
        },
      },
      {
        title: "KYC-expired",
        error: "ParticipantKycExpired",
        breakRule: async (ledger, holder) => {
          const expiry = BigInt((await networkHelpers.time.latest()) + 100);
          await (await ledger.registry.updateKycExpiry(holder, expiry)).wait();
          await networkHelpers.time.increaseTo(expiry);
          return [holder, expiry];
        },
      },
      {
        title: "removed from the registry",
        error: "ParticipantNotRegistered",
        breakRule: async (ledger, holder) => {
          await (await ledger.registry.removeParticipant(holder)).wait();
          return [holder];
        },
      },
    ];

    for (const standing of SENDER_STANDINGS) {
      it(`takes from a holder ${standing.title}, who still cannot transfer on its own`, async function () {
        const { ledger, bond, peakAsset, kowloonDealer, accounts, force } = await setup();
        const args = await standing.breakRule(ledger, peakAsset.address);

        const tx = force(kowloonDealer.address, 10n);
        await expect(tx)
          .to.emit(bond, "ForcedTransfer")
          .withArgs(peakAsset.address, kowloonDealer.address, 10n, REASON);
        await expect(tx).to.changeTokenBalances(ethers, bond, [peakAsset.address, kowloonDealer.address], [-10n, 10n]);

        // The exemption lasts only for the forced transfer.
        await expectRejectedUnchanged(
          bond,
          accounts,
          () => bond.connect(peakAsset.signer).transfer(kowloonDealer.address, 1n),
          standing.error,
          args,
        );
      });
    }

    it("finding 9: never takes from an Infrastructure participant (BondForcedTransferFromInfrastructure), holding or not", async function () {
      const { ledger, bond, asRegistrar, kowloonDealer, accounts } = await setup();
      // A market-infrastructure account holding units (as an escrow or settlement contract does for others).
      const infrastructure = await newAccount(ledger.registry, ParticipantKind.Infrastructure);
      await (await bond.mint(infrastructure.address, 10n)).wait();
      const holders = [
        infrastructure.address,
        await ledger.engine.getAddress(),
        await ledger.payingAgent.getAddress(),
        await ledger.issuance.getAddress(),
      ];
      for (const from of holders) {
        expect((await ledger.registry.participantOf(from)).kind).to.equal(BigInt(ParticipantKind.Infrastructure));
        await expectRejectedUnchanged(
          bond,
          [...accounts, from],
          () => asRegistrar.forcedTransfer(from, kowloonDealer.address, 1n, REASON),
          "BondForcedTransferFromInfrastructure",
          [from],
        );
      }
      // The units stay where they were; the account's own transfer still works.
      await expect(bond.connect(infrastructure).transfer(kowloonDealer.address, 10n)).to.changeTokenBalances(
        ethers,
        bond,
        [infrastructure.address, kowloonDealer.address],
        [-10n, 10n],
      );
    });

    it("requires a reason", async function () {
      const { bond, kowloonDealer, accounts, force } = await setup();
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => force(kowloonDealer.address, 10n, ""),
        "BondForcedTransferReasonRequired",
        [],
      );
    });

    const RECEIVER_FAILURES: readonly {
      readonly title: string;
      readonly error: string;
      breakRule(ledger: HongKongLedger, receiver: string): Promise<readonly unknown[]>;
    }[] = [
      {
        title: "frozen on the bond",
        error: "AccountFrozen",
        breakRule: async (ledger, receiver) => {
          await (await ledger.bond.connect(ledger.participants.hkma.signer).setFrozen(receiver, true)).wait();
          return [receiver];
        },
      },
      {
        title: "frozen in the registry",
        error: "ParticipantFrozen",
        breakRule: async (ledger, receiver) => {
          await (await ledger.registry.setFrozen(receiver, true)).wait();
          return [receiver];
        },
      },
      {
        title: "KYC-expired",
        error: "ParticipantKycExpired",
        breakRule: async (ledger, receiver) => {
          const expiry = BigInt((await networkHelpers.time.latest()) + 100);
          await (await ledger.registry.updateKycExpiry(receiver, expiry)).wait();
          await networkHelpers.time.increaseTo(expiry);
          return [receiver, expiry];
        },
      },
      {
        title: "not registered",
        error: "ParticipantNotRegistered",
        breakRule: async (ledger, receiver) => {
          await (await ledger.registry.removeParticipant(receiver)).wait();
          return [receiver];
        },
      },
    ];

    for (const failure of RECEIVER_FAILURES) {
      it(`will not deliver to a receiver ${failure.title}`, async function () {
        const { ledger, bond, lantauPension, accounts, force } = await setup();
        const args = await failure.breakRule(ledger, lantauPension.address);
        await expectRejectedUnchanged(bond, accounts, () => force(lantauPension.address, 10n), failure.error, args);
      });
    }

    it("will not deliver to an address that was never registered", async function () {
      const { bond, accounts, force } = await setup();
      const stranger = ethers.Wallet.createRandom().address;
      await expectRejectedUnchanged(
        bond,
        [...accounts, stranger],
        () => force(stranger, 10n),
        "ParticipantNotRegistered",
        [stranger],
      );
    });

    it("stops while the bond is paused", async function () {
      const { bond, asRegistrar, kowloonDealer, accounts, force } = await setup();
      await (await asRegistrar.pause()).wait();
      await expectRejectedUnchanged(bond, accounts, () => force(kowloonDealer.address, 10n), "EnforcedPause", []);
    });

    it("stops at maturity", async function () {
      const { bond, kowloonDealer, accounts, force } = await setup();
      const maturity = await bond.maturityDate();
      await networkHelpers.time.setNextBlockTimestamp(maturity);
      await expectRejectedUnchanged(bond, accounts, () => force(kowloonDealer.address, 10n), "BondMatured", [maturity]);
    });

    it("cannot take more than the holder has", async function () {
      const { bond, peakAsset, kowloonDealer, accounts, force } = await setup();
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => force(kowloonDealer.address, PEAK_UNITS + 1n),
        "ERC20InsufficientBalance",
        [peakAsset.address, PEAK_UNITS, PEAK_UNITS + 1n],
      );
    });

    it("is for the registrar alone", async function () {
      const { bond, government, peakAsset, kowloonDealer, accounts } = await setup();
      await expectRejectedUnchanged(
        bond,
        accounts,
        () => bond.connect(government.signer).forcedTransfer(peakAsset.address, kowloonDealer.address, 10n, REASON),
        "AccessControlUnauthorizedAccount",
        [government.address, await bond.REGISTRAR_ROLE()],
      );
    });
  });

  describe("the ledger's green bond term sheet", function () {
    it("carries an ISIN whose check digit holds (independent Luhn, A=10 … Z=35)", async function () {
      const { bond, bondTerms } = await loadLedger();
      const isin = await bond.isin();
      expect(isinCheckDigitHolds(isin), isin).to.equal(true);
      expect(isin).to.match(/^HK0[0-9A-Z]{8}[0-9]$/);
      expect(isin.slice(3, 11)).to.equal(bondTerms.issueNumber);
      // The same body with any other check digit fails.
      for (let d = 0; d <= 9; d++) {
        if (String(d) === isin[11]) continue;
        expect(isinCheckDigitHolds(`${isin.slice(0, 11)}${d}`)).to.equal(false);
      }
    });

    it("names its maturity in the issue number (03GB + YYMM)", async function () {
      const { bond } = await loadLedger();
      const maturity = new Date(Number(await bond.maturityDate()) * 1000);
      const yy = String(maturity.getUTCFullYear() % 100).padStart(2, "0");
      const mm = String(maturity.getUTCMonth() + 1).padStart(2, "0");
      expect(await bond.issueNumber()).to.equal(`03GB${yy}${mm}`);
    });

    it("pays, in period 0, the hand formula on its actual dates", async function () {
      const { bond } = await loadLedger();
      const [start, end] = await bond.couponPeriod(0);
      expect(start).to.equal(await bond.issueDate());
      expect(start % BigInt(DAY)).to.equal(0n, "issued at midnight UTC");
      const days = (end - start) / BigInt(DAY);
      expect(Number(days)).to.be.within(181, 184, "six calendar months");
      // floor(denomination × rate × days / (10,000 × 365))
      expect(await bond.couponPerUnit(0)).to.equal((5_000_000n * 425n * days) / 3_650_000n);
      expect(await bond.denomination()).to.equal(DENOMINATION);
      expect(await bond.couponRate()).to.equal(425n);
      expect(await bond.dayCountConvention()).to.equal(0n);
    });
  });
});
