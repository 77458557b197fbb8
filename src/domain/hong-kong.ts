import { makeIsin } from "./isin.js";
import { couponSchedule, nextMidnightUtc } from "./calendar.js";
import type { ParticipantDefinition } from "./participants.js";

/**
 * The default Hong Kong ledger: who is on it, which tokens exist, and the green bond's term sheet.
 * Institutions are fictional except the public roles (HKMA, HKSAR Government). Each participant
 * is one of the network's accounts, by index, so the same definition works on the in-process
 * network, on `npx hardhat node` and on any node with enough unlocked or configured accounts.
 */

export type ParticipantSpec = ParticipantDefinition<ParticipantKey>;

export const PARTICIPANTS = [
  { key: "hkma", name: "HKMA", kind: "CentralBank", jurisdiction: "HK", account: 0 },
  { key: "harbourBank", name: "Harbour Bank", kind: "CommercialBank", jurisdiction: "HK", account: 1 },
  { key: "victoriaBank", name: "Victoria Bank", kind: "CommercialBank", jurisdiction: "HK", account: 2 },
  { key: "lionRockBank", name: "Lion Rock Bank", kind: "CommercialBank", jurisdiction: "HK", account: 3 },
  { key: "government", name: "HKSAR Government", kind: "Issuer", jurisdiction: "HK", account: 4 },
  { key: "kowloonDealer", name: "Kowloon Dealer", kind: "Dealer", jurisdiction: "HK", account: 5 },
  { key: "peakAsset", name: "Peak Asset Management", kind: "Investor", jurisdiction: "HK", account: 6 },
  { key: "tsingYiInsurance", name: "Tsing Yi Insurance", kind: "Investor", jurisdiction: "HK", account: 7 },
  { key: "lantauPension", name: "Lantau Pension Fund", kind: "Investor", jurisdiction: "HK", account: 8 },
] as const satisfies readonly ParticipantDefinition[];

export type ParticipantKey = (typeof PARTICIPANTS)[number]["key"];
export type BankKey = "harbourBank" | "victoriaBank" | "lionRockBank";

/** The currency of the default ledger (ISO 4217) and its minor units. */
export const HKD = { code: "HKD", minorUnits: 2 } as const;

export const WCBDC_SPEC = { name: "HKMA Wholesale CBDC (HKD)", symbol: "wHKD" } as const;

export interface DepositSpec {
  readonly bank: BankKey;
  readonly name: string;
  readonly symbol: string;
  /** Participants this bank has onboarded as deposit customers. */
  readonly customers: readonly ParticipantKey[];
}

export const DEPOSITS: readonly DepositSpec[] = [
  { bank: "harbourBank", name: "Harbour Bank HKD Deposit", symbol: "hbHKD", customers: ["kowloonDealer", "peakAsset"] },
  { bank: "victoriaBank", name: "Victoria Bank HKD Deposit", symbol: "vbHKD", customers: ["government", "tsingYiInsurance"] },
  { bank: "lionRockBank", name: "Lion Rock Bank HKD Deposit", symbol: "lrHKD", customers: ["lantauPension"] },
];

/** How long the registrar's KYC on every participant lasts from deployment (10 years). */
export const KYC_VALIDITY_SECONDS = 10 * 365 * 86_400;

export interface GreenBondTerms {
  readonly isin: string;
  readonly issueNumber: string;
  readonly name: string;
  readonly currency: string;
  /** Face value of one unit in minor units: HK$50,000, the institutional tender size. */
  readonly denomination: bigint;
  readonly couponRateBps: number;
  readonly couponFrequency: number;
  /** 0 = ACT/365F (`DayCountConvention.Actual365Fixed`). */
  readonly dayCount: number;
  readonly issueDate: number;
  readonly couponDates: readonly number[];
}

const TENOR_YEARS = 3;

/**
 * The green bond's term sheet, issued the midnight (UTC) after `now`: a 3-year 4.25% HKD bond
 * paying semi-annually in arrears, ACT/365F. Its issue number and ISIN name its maturity, as
 * HKSAR issue numbers do (`03GB2911` = 3-year, matures Nov 2029).
 */
export function greenBondTerms(now: number): GreenBondTerms {
  const issueDate = nextMidnightUtc(now);
  const couponDates = couponSchedule(issueDate, TENOR_YEARS, 2);
  const maturity = new Date(couponDates[couponDates.length - 1] * 1000);
  const yymm = `${String(maturity.getUTCFullYear() % 100).padStart(2, "0")}${String(maturity.getUTCMonth() + 1).padStart(2, "0")}`;
  const issueNumber = `${String(TENOR_YEARS).padStart(2, "0")}GB${yymm}`;
  const due = maturity.toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  return {
    isin: makeIsin(`HK0${issueNumber}`),
    issueNumber,
    name: `HKSAR Government Green Bond 4.25% ${due}`,
    currency: HKD.code,
    denomination: 5_000_000n,
    couponRateBps: 425,
    couponFrequency: 2,
    dayCount: 0,
    issueDate,
    couponDates,
  };
}
