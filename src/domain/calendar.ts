/** UTC calendar arithmetic for term sheets. Dates are unix seconds at 00:00 UTC. */

export const SECONDS_PER_DAY = 86_400;

/** The first 00:00 UTC strictly after `unixSeconds`. */
export function nextMidnightUtc(unixSeconds: number): number {
  return (Math.floor(unixSeconds / SECONDS_PER_DAY) + 1) * SECONDS_PER_DAY;
}

/**
 * `unixSeconds` moved by `months` calendar months, the day clamped to the month's end
 * (31 Aug + 6 months = 28/29 Feb), as bond schedules do.
 */
export function addMonthsUtc(unixSeconds: number, months: number): number {
  const d = new Date(unixSeconds * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

/** Coupon payment dates from `issueDate`, every 12/`frequency` months, for `years` years. */
export function couponSchedule(issueDate: number, years: number, frequency: number): number[] {
  const step = 12 / frequency;
  return Array.from({ length: years * frequency }, (_, i) => addMonthsUtc(issueDate, step * (i + 1)));
}

/** "24 Nov 2026" */
export function formatDate(unixSeconds: number | bigint): string {
  return new Date(Number(unixSeconds) * 1000).toLocaleDateString("en-GB", {
    day: "2-digit",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}
