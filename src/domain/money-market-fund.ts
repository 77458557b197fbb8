/**
 * The tokenized money-market fund of EnsembleTX's first use case (DOMAIN.md §1): its parties, share
 * class terms, dealing calendar (HKT, Monday to Friday, cut-off), RTGS operating hours and the
 * rounding rule — the TypeScript twin of contracts/funds/ (FundRounding.sol, HktCalendar.sol,
 * RtgsBridge.sol, FundDealing.sol), for deployment, scenarios, tests and reports.
 */
import type { ParticipantDefinition } from "./participants.js";

/** Decimals of the fund units: one unit = 10,000 smallest units. */
export const UNIT_DECIMALS = 4;
/** Decimals of the NAV per unit, in HKD: HKD 10.0000 = 100,000. */
export const NAV_DECIMALS = 4;
/** `FundRounding.scaleFor(2)`: value in cents = units × nav / 10^6. */
export const HKD_SCALE = 10n ** BigInt(UNIT_DECIMALS + NAV_DECIMALS - 2);
/** One whole unit in smallest units. */
export const ONE_UNIT = 10n ** BigInt(UNIT_DECIMALS);

/** Hong Kong time is UTC+8 all year. */
export const HKT_OFFSET_SECONDS = 8 * 3600;
export const DAY_SECONDS = 86_400;

/** Stated defaults (FundDealing.sol, RtgsBridge.sol), seconds after HKT midnight. */
export const FUND_DEFAULTS = {
  /** Orders before 12:00 HKT deal at that day's NAV. */
  cutOffSeconds: 12 * 3600,
  /** RTGS (CHATS) opens 09:00 HKT … */
  rtgsOpensSeconds: 9 * 3600,
  /** … and closes 17:30 HKT, Monday to Friday. */
  rtgsClosesSeconds: 17 * 3600 + 30 * 60,
  /** An earmark waits for its RTGS confirmation 2 hours from the start of the RTGS session. */
  confirmationTimeoutSeconds: 2 * 3600,
  /** Highest subscription fee the contract allows: 5.00%. */
  maxFeeBps: 500,
} as const;

/** Interbank mode, as `InterbankMode` in FundDealing.sol. */
export const InterbankMode = { CentralBankMoney: 0, Rtgs: 1 } as const;
export type InterbankModeName = keyof typeof InterbankMode;

/** Order status, as `OrderStatus` in FundDealing.sol. */
export const OrderStatus = { None: 0, Placed: 1, AwaitingRtgs: 2, Settled: 3, Failed: 4, Cancelled: 5 } as const;
/** Order kind, as `OrderKind`. */
export const OrderKind = { None: 0, Subscription: 1, Redemption: 2 } as const;
/** Failure, as `OrderFailure`; reports show `XRTO` (RTGS confirmation timed out). */
export const OrderFailure = { None: 0, RtgsTimeout: 1 } as const;

/** The fund's parties: each its own account after the Hong Kong ledger's nine (accounts 9–13). */
export type FundPartyKey = "fundManager" | "trustee" | "transferAgent" | "fundAdministrator" | "rtgsOperator";

export const FUND_PARTIES = [
  { key: "fundManager", name: "Harbour Star Asset Management", kind: "Investor", jurisdiction: "HK", account: 9 },
  { key: "trustee", name: "Pearl River Trustees", kind: "Investor", jurisdiction: "HK", account: 10 },
  { key: "transferAgent", name: "Kowloon Fund Registrars", kind: "Investor", jurisdiction: "HK", account: 11 },
  { key: "fundAdministrator", name: "Star Ferry Fund Services", kind: "Investor", jurisdiction: "HK", account: 12 },
  { key: "rtgsOperator", name: "CHATS operator", kind: "Infrastructure", jurisdiction: "HK", account: 13 },
] as const satisfies readonly ParticipantDefinition<FundPartyKey>[];

/** Which parties the registry lists: those that hold tokens (the fund's cash and fee accounts). */
export const FUND_PARTIES_IN_REGISTRY: readonly FundPartyKey[] = ["fundManager", "trustee"];

/** The share class the sandbox deploys. */
export const FUND_TERMS = {
  name: "Harbour Star HKD Money Market Fund — Class A",
  symbol: "HSMMF-A",
  shareClass: "A",
  currency: "HKD",
  /** The fund's cash account is at Victoria Bank (the trustee's bank). */
  fundBank: "victoriaBank",
  /** Class A's subscription fee: 0.10%. */
  subscriptionFeeBps: 10,
} as const;

// ------------------------------------------------------------------ rounding

/** What a subscription gives, by the rule of FundRounding.sol. */
export interface SubscriptionFigures {
  readonly fee: bigint;
  readonly net: bigint;
  readonly units: bigint;
}

/**
 * Subscription of `cash` cents at `feeBps` and `nav`: fee = floor(cash × fee / 10,000), net = cash −
 * fee, units = floor(net × scale / nav); the investor pays `cash`, the remainder stays with the fund.
 * @example subscriptionFigures(10_000_000_00n, 10n, 100_123n) // fee 1,000,000 (HKD 10,000.00), units 9,977,727,395 (997,772.7395 units)
 */
export function subscriptionFigures(cash: bigint, feeBps: bigint, nav: bigint, scale: bigint = HKD_SCALE): SubscriptionFigures {
  const fee = (cash * feeBps) / 10_000n;
  const net = cash - fee;
  return { fee, net, units: (net * scale) / nav };
}

/**
 * Redemption of `units` at `nav`: floor(units × nav / scale) cents; the fraction of a cent stays with the fund.
 * @example redemptionCash(1_000_000_0000n, 100_123n) // 1,001,230,000 cents: HKD 10,012,300.00
 */
export function redemptionCash(units: bigint, nav: bigint, scale: bigint = HKD_SCALE): bigint {
  return (units * nav) / scale;
}

// ------------------------------------------------------------------ calendar

/** The HKT day number of unix time `t`. */
export function hktDay(t: number): number {
  return Math.floor((t + HKT_OFFSET_SECONDS) / DAY_SECONDS);
}

/** Seconds after HKT midnight of `t`. */
export function hktTimeOfDay(t: number): number {
  return (((t + HKT_OFFSET_SECONDS) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

/** Unix time of `seconds` after HKT midnight on HKT day `day`. */
export function hktAt(day: number, seconds: number): number {
  return day * DAY_SECONDS + seconds - HKT_OFFSET_SECONDS;
}

/** Monday to Friday (1970-01-01 was a Thursday). */
export function isWeekday(day: number): boolean {
  const weekday = (day + 4) % 7;
  return weekday !== 0 && weekday !== 6;
}

export function nextWeekday(day: number): number {
  let next = day + 1;
  while (!isWeekday(next)) next += 1;
  return next;
}

/**
 * The dealing day of an order placed at `t`: that day if a weekday before the cut-off whose NAV is not
 * yet published (`priced`), else the next weekday — forward pricing, as `FundDealing.dealingDayFor`.
 */
export function dealingDayFor(
  t: number,
  cutOffSeconds: number = FUND_DEFAULTS.cutOffSeconds,
  priced: (day: number) => boolean = () => false,
): number {
  const day = hktDay(t);
  return isWeekday(day) && hktTimeOfDay(t) < cutOffSeconds && !priced(day) ? day : nextWeekday(day);
}

/** Whether RTGS is open at `t`. */
export function isRtgsOpen(
  t: number,
  opens: number = FUND_DEFAULTS.rtgsOpensSeconds,
  closes: number = FUND_DEFAULTS.rtgsClosesSeconds,
): boolean {
  const tod = hktTimeOfDay(t);
  return isWeekday(hktDay(t)) && tod >= opens && tod < closes;
}

/** `RtgsBridge.confirmationDeadline(t)` with the default hours. */
export function confirmationDeadline(t: number): number {
  let start = t;
  if (!isRtgsOpen(t)) {
    let day = hktDay(t);
    if (!isWeekday(day) || hktTimeOfDay(t) >= FUND_DEFAULTS.rtgsClosesSeconds) day = nextWeekday(day);
    start = hktAt(day, FUND_DEFAULTS.rtgsOpensSeconds);
  }
  return start + FUND_DEFAULTS.confirmationTimeoutSeconds;
}

/** The next time at or after `t` that is `seconds` after HKT midnight on a weekday (or any day with `anyDay`). */
export function nextHkt(t: number, seconds: number, weekdayOnly = true): number {
  let day = hktDay(t);
  for (;;) {
    const at = hktAt(day, seconds);
    if (at >= t && (!weekdayOnly || isWeekday(day))) return at;
    day += 1;
  }
}

/** "Fri 11 Dec 2026" for an HKT day number. */
export function formatHktDay(day: number): string {
  return new Date(day * DAY_SECONDS * 1000).toLocaleDateString("en-GB", {
    weekday: "short",
    day: "2-digit",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

// ------------------------------------------------------------------ EIP-712

/** A NAV as the administrator signs it (FundNav.sol `NavStrike`). */
export interface NavStrike {
  readonly fund: string;
  readonly dealingDay: number;
  readonly navPerUnit: bigint;
  readonly struckAt: number;
  readonly validUntil: number;
}

export const NAV_STRIKE_TYPES = {
  NavStrike: [
    { name: "fund", type: "address" },
    { name: "dealingDay", type: "uint32" },
    { name: "navPerUnit", type: "uint256" },
    { name: "struckAt", type: "uint64" },
    { name: "validUntil", type: "uint64" },
  ],
};

/** The RTGS operator's confirmation (RtgsBridge.sol `RtgsConfirmation`). */
export interface RtgsConfirmation {
  readonly orderId: bigint;
  readonly paymentRef: string;
  readonly payerBank: string;
  readonly payeeBank: string;
  readonly amount: bigint;
  readonly settledAt: number;
}

export const RTGS_CONFIRMATION_TYPES = {
  RtgsConfirmation: [
    { name: "orderId", type: "uint256" },
    { name: "paymentRef", type: "bytes32" },
    { name: "payerBank", type: "address" },
    { name: "payeeBank", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "settledAt", type: "uint64" },
  ],
};
