/**
 * The HKMA's intraday liquidity facility and Discount Window on the sandbox ledger (contracts/liquidity).
 * Rates in basis points; amounts in HKD minor units; the cut-off in seconds after HKT midnight.
 */
export const LIQUIDITY_TERMS = {
  /** The Base Rate (sandbox figure): 4.00%. */
  baseRateBps: 400,
  /** The Discount Window's penalty spread above the Base Rate: 1.00%, so overnight borrowing costs 5.00%. */
  penaltySpreadBps: 100,
  /** Haircut on the government bond: 2% of its value. */
  bondHaircutBps: 200,
  /** The daily cut-off: 17:30 HKT (09:30 UTC). */
  cutOffSeconds: 17 * 3600 + 30 * 60,
  /** What the HKMA sets aside in its own wCBDC account and approves the facility for: HKD 5,000,000,000.00. */
  facilitySize: 500_000_000_000n,
} as const;

/** Hong Kong time is UTC+8 all year. */
export const HKT_OFFSET_SECONDS = 8 * 3600;

/** The HKT business day of unix time `t` (days since 1970-01-01 in Hong Kong). */
export function businessDayOf(t: bigint): bigint {
  return (t + BigInt(HKT_OFFSET_SECONDS)) / 86_400n;
}

/** The cut-off (unix time) of the HKT day of `t`. */
export function cutOffOf(t: bigint, cutOffSeconds: number = LIQUIDITY_TERMS.cutOffSeconds): bigint {
  return businessDayOf(t) * 86_400n - BigInt(HKT_OFFSET_SECONDS) + BigInt(cutOffSeconds);
}

/**
 * Discount Window interest, as the contract computes it: ACT/365 on the calendar days (HKT) from the
 * repo's day to the repayment day (at least one), rounded up to the minor unit.
 * @example discountWindowInterest(10_000_000_000n, 500n, 1n) // HKD 100,000,000.00 at 5% for a night: 1,369,863.01… cents → 1,369,864 (HKD 13,698.64)
 */
export function discountWindowInterest(principal: bigint, rateBps: bigint, days: bigint): bigint {
  const d = days > 0n ? days : 1n;
  const numerator = principal * rateBps * d;
  const denominator = 10_000n * 365n;
  return (numerator + denominator - 1n) / denominator;
}
