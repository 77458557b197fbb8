/**
 * A bond's term sheet as read from its contract, and its cash-flow calendar (issue, each record
 * date, each coupon date, maturity) placed against a chain's clock, so a picture can mark which
 * dates have passed and which comes next. Pure: the reader fills `BondTermSheet`, this file only
 * arranges it.
 */

/** Day-count conventions, in the order of `DayCountConvention` in contracts/libraries/DayCount.sol. */
export const DAY_COUNT_LABEL = ["ACT/365F", "ACT/360"] as const;

/** One coupon of the schedule: its record date, payment date and amount per unit (minor units). */
export interface CouponTerms {
  readonly index: number;
  /** Unix seconds: holders on the register at this date's start are paid. */
  readonly recordDate: bigint;
  /** Unix seconds: the payment date (the end of the coupon period). */
  readonly paymentDate: bigint;
  readonly perUnit: bigint;
}

/** A bond's term sheet, as its contract states it. */
export interface BondTermSheet {
  readonly address: string;
  readonly symbol: string;
  readonly isin: string;
  readonly issueNumber: string;
  readonly currency: string;
  /** Face value of one unit, minor units. */
  readonly denomination: bigint;
  readonly couponRateBps: number;
  /** Coupons a year. */
  readonly couponFrequency: number;
  /** Index into `DAY_COUNT_LABEL`. */
  readonly dayCount: number;
  readonly issueDate: bigint;
  readonly maturityDate: bigint;
  readonly coupons: readonly CouponTerms[];
  /** Paid per unit at maturity, minor units. */
  readonly redemptionPerUnit: bigint;
}

/** What happens on a calendar date. */
export type CalendarKind = "issue" | "record" | "coupon" | "maturity";

/** Where a date stands against the clock: passed, the next one to come, or later. */
export type CalendarState = "past" | "next" | "later";

/** One date of the calendar. */
export interface CalendarEntry {
  readonly kind: CalendarKind;
  readonly date: bigint;
  /** The coupon it belongs to (record and coupon dates; maturity pays the last coupon). */
  readonly coupon?: number;
  /** Minor units per unit paid on this date (coupon dates: the coupon; maturity: coupon plus redemption). */
  readonly perUnit?: bigint;
  readonly state: CalendarState;
  /** Where the date lies between issue (0) and maturity (1). */
  readonly position: number;
}

/** The calendar and where the clock stands on it. */
export interface BondCalendar {
  readonly entries: readonly CalendarEntry[];
  /** The clock between issue (0) and maturity (1), clamped; below 0 before issue, as 0. */
  readonly clockPosition: number;
  readonly matured: boolean;
}

/** The coupon rate as finance writes it, e.g. 425 bps → "4.25%". */
export function couponRateText(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}

/** How often the bond pays, in words. */
export function frequencyText(perYear: number): string {
  return perYear === 1 ? "annual" : perYear === 2 ? "semi-annual" : perYear === 4 ? "quarterly" : perYear === 12 ? "monthly" : `${perYear} a year`;
}

/**
 * The calendar of `terms` against `now` (unix seconds): issue, then per coupon its record and payment
 * date (the payment on the maturity date is maturity: coupon and redemption), sorted by date; the
 * first date after `now` is "next".
 * @example bondCalendar(terms, 1_800_000_000n).entries.find((e) => e.state === "next")
 */
export function bondCalendar(terms: BondTermSheet, now: bigint): BondCalendar {
  const span = Number(terms.maturityDate - terms.issueDate);
  const position = (date: bigint): number => (span <= 0 ? 0 : Math.min(1, Math.max(0, Number(date - terms.issueDate) / span)));
  const dated: Omit<CalendarEntry, "state" | "position">[] = [{ kind: "issue", date: terms.issueDate }];
  for (const c of terms.coupons) {
    dated.push({ kind: "record", date: c.recordDate, coupon: c.index });
    dated.push(
      c.paymentDate === terms.maturityDate
        ? { kind: "maturity", date: c.paymentDate, coupon: c.index, perUnit: c.perUnit + terms.redemptionPerUnit }
        : { kind: "coupon", date: c.paymentDate, coupon: c.index, perUnit: c.perUnit },
    );
  }
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let nextSeen = false;
  const entries = dated.map((e): CalendarEntry => {
    let state: CalendarState = "past";
    if (e.date > now) {
      state = nextSeen ? "later" : "next";
      nextSeen = true;
    }
    return { ...e, state, position: position(e.date) };
  });
  return { entries, clockPosition: position(now), matured: now >= terms.maturityDate };
}
