/**
 * A trading day for `npm run bench -- --day N`: trades among participants in a few bonds and cash
 * tokens, generated from a fixed seed, so every run (and the netted and the gross run of one day)
 * settles exactly the same trades. Pure: no chain access.
 */

/** The shape of the market a day is generated for. */
export interface DayShape {
  /** Trading participants (each a bank holding every bond and every cash token). */
  readonly participants: number;
  readonly bonds: number;
  readonly cashTokens: number;
}

/** The day: 20 participants, 3 bonds, 2 cash tokens. */
export const DAY_SHAPE: DayShape = { participants: 20, bonds: 3, cashTokens: 2 };

/** The seed of every bench day (any fixed value; this one spells "day 14"). */
export const DAY_SEED = 0xda140014;

/** One trade of the day, by index into the day's participants, bonds and cash tokens. */
export interface DayTrade {
  /** Position in the day, from 0; also the trade's reference. */
  readonly index: number;
  readonly seller: number;
  readonly buyer: number;
  readonly bond: number;
  readonly cash: number;
  /** Bond units delivered (1 to 50). */
  readonly quantity: bigint;
  /** Cash paid, in minor units: quantity × a price of 98.00 to 102.00 per 100 of a HK$50,000 unit. */
  readonly amount: bigint;
}

/**
 * mulberry32: a 32-bit seeded PRNG (public domain, Tommy Ettinger). Returns a function giving
 * integers in [0, 2^32). Small, fast and the same on every platform, which is all a bench needs.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `count` trades of a day of `shape` from `seed`: each between two different participants. */
export function generateDay(count: number, seed: number = DAY_SEED, shape: DayShape = DAY_SHAPE): DayTrade[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`trade count must be a whole number ≥ 0, got ${count}`);
  if (shape.participants < 2 || shape.bonds < 1 || shape.cashTokens < 1) throw new RangeError("a day needs 2 participants, a bond and a cash token");
  const next = mulberry32(seed);
  const below = (n: number): number => next() % n;
  const trades: DayTrade[] = [];
  for (let index = 0; index < count; index++) {
    const seller = below(shape.participants);
    const buyer = (seller + 1 + below(shape.participants - 1)) % shape.participants;
    const bond = below(shape.bonds);
    const cash = below(shape.cashTokens);
    const quantity = BigInt(1 + below(50));
    // A unit is HK$50,000 (5,000,000 minor units); a price of 98.00–102.00 per 100 is 4,900,000–5,100,000.
    const unitPrice = 4_900_000n + BigInt(below(201)) * 1_000n;
    trades.push({ index, seller, buyer, bond, cash, quantity, amount: quantity * unitPrice });
  }
  return trades;
}

/**
 * What the day leaves each participant with, relative to its opening balances: the change of every
 * (participant, token) position, tokens numbered bonds first, then cash (`bond` or `bonds + cash`).
 * Netted and gross settlement of the same trades must both end at exactly these changes.
 */
export function expectedChanges(trades: readonly DayTrade[], shape: DayShape = DAY_SHAPE): bigint[][] {
  const changes = Array.from({ length: shape.participants }, () => new Array<bigint>(shape.bonds + shape.cashTokens).fill(0n));
  for (const t of trades) {
    changes[t.seller][t.bond] -= t.quantity;
    changes[t.buyer][t.bond] += t.quantity;
    changes[t.buyer][shape.bonds + t.cash] -= t.amount;
    changes[t.seller][shape.bonds + t.cash] += t.amount;
  }
  return changes;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`chunk size must be ≥ 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
