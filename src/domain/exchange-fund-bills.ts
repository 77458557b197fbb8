/**
 * Exchange Fund Bills (DOMAIN.md §3): zero-coupon discount paper of the HKMA, sold by competitive
 * tender on a bid-yield basis. The same formulas and allotment rule as contracts/libraries/DiscountYield.sol
 * and contracts/settlement/BillTender.sol, for tests and reports.
 */
import { SECONDS_PER_DAY, nextMidnightUtc } from "./calendar.js";

/** Face value of one bill unit: HK$50,000 (in cents), the programme's bid multiple. */
export const BILL_DENOMINATION = 5_000_000n;
/** The programme's minimum bid: HK$500,000 of face value (in cents), ten units. */
export const MINIMUM_BID_FACE = 50_000_000n;
/** `BillTender.YIELD_SCALE`: average yields are in hundredths of a basis point. */
export const YIELD_SCALE = 100n;
/** `BillTender.RATIO_SCALE`: the pro rata ratio, 1e6 = 100%. */
export const RATIO_SCALE = 1_000_000n;

const BPS_DAYS = 10_000n * 365n;

/** Tenor in days that each issue-number letter names (`M`: any tenor shorter than 91 days). */
export const TENOR_OF_LETTER = { Q: 91, H: 182, Y: 364 } as const;

/**
 * The price of `face` minor units of face value at `yieldBps` basis points, `tenorDays` to
 * maturity: `face / (1 + yield × days / 365)`, rounded down to a minor unit.
 * @example billPrice(5_000_000n, 350n, 91) // 4_956_747n: HK$49,567.47 for HK$50,000 at 3.50%
 */
export function billPrice(face: bigint, yieldBps: bigint, tenorDays: number): bigint {
  return (face * BPS_DAYS) / (BPS_DAYS + yieldBps * BigInt(tenorDays));
}

/** Whether `issueNumber` (a letter Q/H/Y/M and four digits) names a bill of `tenorDays`. */
export function issueNumberFitsTenor(issueNumber: string, tenorDays: number): boolean {
  const match = /^([QHYM])(\d{4})$/.exec(issueNumber);
  if (match === null) return false;
  const letter = match[1] as "Q" | "H" | "Y" | "M";
  return letter === "M" ? tenorDays >= 1 && tenorDays <= 90 : TENOR_OF_LETTER[letter] === tenorDays;
}

/** A bid as the tender holds it: units of the denomination and the yield in basis points. */
export interface BillBid {
  readonly units: bigint;
  readonly yieldBps: bigint;
}

/** What an allotment gives: units per bid (in submission order) and the HKMA's result figures. */
export interface BillAllotment {
  readonly unitsAllotted: readonly bigint[];
  readonly amountApplied: bigint;
  readonly amountAllotted: bigint;
  /** Allotment-weighted mean of the accepted yields, hundredths of a basis point, rounded down. */
  readonly averageYieldAccepted: bigint;
  /** The cut-off yield, basis points. */
  readonly highestYieldAccepted: bigint;
  /** Share of their face the cut-off bids received, ×1e6, rounded down. */
  readonly proRataRatio: bigint;
  /** Amount-weighted mean of all valid bids' yields, hundredths of a basis point, rounded down. */
  readonly averageTenderYield: bigint;
  /** What the allottees pay in all (each at its own yield's price per unit). */
  readonly proceeds: bigint;
}

/**
 * Allots valid `bids` (submission order) for `unitsOffered` as `BillTender.allotTender` does: lowest
 * yield first; at the cut-off yield each bid gets `floor(units × remaining / asked)` units, then
 * the leftover units one each in submission order.
 */
export function allotBills(
  bids: readonly BillBid[],
  unitsOffered: bigint,
  denomination: bigint,
  tenorDays: number,
): BillAllotment {
  const order = bids.map((_, i) => i).sort((a, b) => Number(bids[a].yieldBps - bids[b].yieldBps) || a - b);
  const given = bids.map(() => 0n);
  let remaining = unitsOffered;
  let unitsApplied = 0n;
  let appliedYieldSum = 0n;
  let unitsAllotted = 0n;
  let acceptedYieldSum = 0n;
  let highestYieldAccepted = 0n;
  let proRataRatio = 0n;
  let k = 0;
  while (k < order.length) {
    const yieldBps = bids[order[k]].yieldBps;
    let end = k;
    while (end < order.length && bids[order[end]].yieldBps === yieldBps) end++;
    const level = order.slice(k, end);
    const asked = level.reduce((sum, i) => sum + bids[i].units, 0n);
    unitsApplied += asked;
    appliedYieldSum += asked * yieldBps;
    if (remaining !== 0n) {
      highestYieldAccepted = yieldBps;
      let levelGiven = 0n;
      if (asked <= remaining) {
        for (const i of level) given[i] = bids[i].units;
        levelGiven = asked;
      } else {
        for (const i of level) {
          given[i] = (bids[i].units * remaining) / asked;
          levelGiven += given[i];
        }
        for (const i of level) {
          if (levelGiven >= remaining) break;
          if (given[i] + 1n > bids[i].units) continue;
          given[i] += 1n;
          levelGiven += 1n;
        }
      }
      proRataRatio = (levelGiven * RATIO_SCALE) / asked;
      unitsAllotted += levelGiven;
      acceptedYieldSum += levelGiven * yieldBps;
      remaining -= levelGiven;
    }
    k = end;
  }
  const proceeds = bids.reduce(
    (sum, bid, i) => sum + given[i] * billPrice(denomination, bid.yieldBps, tenorDays),
    0n,
  );
  return {
    unitsAllotted: given,
    amountApplied: unitsApplied * denomination,
    amountAllotted: unitsAllotted * denomination,
    averageYieldAccepted: unitsAllotted === 0n ? 0n : (acceptedYieldSum * YIELD_SCALE) / unitsAllotted,
    highestYieldAccepted,
    proRataRatio,
    averageTenderYield: unitsApplied === 0n ? 0n : (appliedYieldSum * YIELD_SCALE) / unitsApplied,
    proceeds,
  };
}

/** A yield in hundredths of a basis point as a percentage, e.g. 34_567n → "3.4567%". */
export function formatScaledYield(hundredthsOfBp: bigint): string {
  const whole = hundredthsOfBp / 10_000n;
  const fraction = (hundredthsOfBp % 10_000n).toString().padStart(4, "0");
  return `${whole}.${fraction}%`;
}

/** A yield in basis points as a percentage, e.g. 350n → "3.50%". */
export function formatYieldBps(bps: bigint): string {
  return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")}%`;
}

/** A ratio ×1e6 as a percentage with two decimals (rounded down), e.g. 503_937n → "50.39%". */
export function formatRatio(ratio: bigint): string {
  const hundredths = (ratio * 10_000n) / RATIO_SCALE;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}%`;
}

/** Terms of the sandbox's 91-day bill. */
export interface BillIssueTerms {
  readonly issueNumber: string;
  readonly name: string;
  readonly issueDate: number;
  readonly maturityDate: number;
  readonly tenorDays: number;
  readonly denomination: bigint;
}

/**
 * A 91-day bill issued at the next 00:00 UTC after `now` plus one day (the tender closes before it),
 * issue number `Q` + two-digit year + two-digit month of issue, e.g. "Q2612".
 */
export function ninetyOneDayBill(now: number): BillIssueTerms {
  const issueDate = nextMidnightUtc(now) + SECONDS_PER_DAY;
  const date = new Date(issueDate * 1000);
  const yy = String(date.getUTCFullYear() % 100).padStart(2, "0");
  const mm = String(date.getUTCMonth() + 1).padStart(2, "0");
  const issueNumber = `Q${yy}${mm}`;
  return {
    issueNumber,
    name: `Exchange Fund Bill ${issueNumber} (91-day)`,
    issueDate,
    maturityDate: issueDate + 91 * SECONDS_PER_DAY,
    tenorDays: 91,
    denomination: BILL_DENOMINATION,
  };
}
