/**
 * An FX dealer's firm quote, as `FxSettlement.settleFx` takes it (see contracts/settlement/FxSettlement.sol):
 * the dealer pays `toToken` for `fromToken` at `rate`, up to `maxFromAmount`, until `expiry`, once, to
 * the one client it names as `taker`.
 */
export interface FxQuote {
  /** The FX dealer (a bank holding both central-bank currencies); it signs the quote. */
  readonly dealer: string;
  /** The only account that may settle at the quote (the client it was made to). */
  readonly taker: string;
  /** The wCBDC the client pays (e.g. wHKD). */
  readonly fromToken: string;
  /** The wCBDC the dealer pays (e.g. wTHB). */
  readonly toToken: string;
  /** Minor units of `toToken` per minor unit of `fromToken`, scaled by `RATE_SCALE` (see `fxRate`). */
  readonly rate: bigint;
  /** The largest `fromToken` amount the quote covers, in minor units. */
  readonly maxFromAmount: bigint;
  /** Unix time after which the quote is stale (it still settles at `expiry` itself). */
  readonly expiry: bigint;
  /**
   * The dealer's keyed FX-quote nonce (key in the upper 192 bits, sequence in the lower 64): a quote
   * settles once. FX quotes have their own nonce space (`fxQuoteNonce`), apart from DvP orders' nonces.
   */
  readonly nonce: bigint;
}

/** Fixed-point scale of `FxQuote.rate` (`FxSettlement.RATE_SCALE`). */
export const RATE_SCALE = 10n ** 18n;

/** Decimal places `RATE_SCALE` carries. */
const RATE_DECIMALS = 18;

/** The EIP-712 types of a dealer's quote, field for field as in `FxSettlement.FX_QUOTE_TYPEHASH`. */
export const FX_QUOTE_TYPES = {
  FxQuote: [
    { name: "dealer", type: "address" },
    { name: "taker", type: "address" },
    { name: "fromToken", type: "address" },
    { name: "toToken", type: "address" },
    { name: "rate", type: "uint256" },
    { name: "maxFromAmount", type: "uint256" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
};

/** Minor units on each side of a currency pair (ISO 4217), e.g. `{ from: 2, to: 0 }` for HKD → JPY. */
export interface PairMinorUnits {
  readonly from: number;
  readonly to: number;
}

/**
 * A quoted rate — units of the `to` currency per unit of the `from` currency, as a decimal string —
 * as the quote's fixed-point `rate` (minor units per minor unit, × 1e18), exactly: the string is read
 * digit by digit, never through a floating-point number. Both currencies have 2 minor units unless
 * `minorUnits` says otherwise (HKD → JPY at 19.85 is 0.1985 yen-units per cent).
 * @throws if the string is not a positive decimal number, or the rate needs more than 18 decimals.
 * @example
 * fxRate("4.5612"); // THB per HKD → 4_561_200_000_000_000_000n
 * fxRate("0.7012"); // BRL per HKD → 701_200_000_000_000_000n
 * fxRate("19.85", { from: 2, to: 0 }); // JPY per HKD → 198_500_000_000_000_000n
 */
export function fxRate(toPerFrom: string, minorUnits: PairMinorUnits = { from: 2, to: 2 }): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(toPerFrom.trim());
  if (match === null) throw new Error(`"${toPerFrom}" is not a decimal FX rate such as "4.5612"`);
  for (const units of [minorUnits.from, minorUnits.to]) {
    if (!Number.isInteger(units) || units < 0) throw new Error(`minor units must be a whole number ≥ 0, got ${units}`);
  }
  const [, whole, fraction = ""] = match;
  // minor(to) per minor(from) = rate × 10^to / 10^from; the fixed point adds 18 decimals.
  const exponent = RATE_DECIMALS + minorUnits.to - minorUnits.from - fraction.length;
  const digits = BigInt(whole + fraction);
  let rate: bigint;
  if (exponent >= 0) {
    rate = digits * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    if (digits % divisor !== 0n) {
      throw new Error(`FX rate "${toPerFrom}" has more precision than the quote's 18 decimals can hold`);
    }
    rate = digits / divisor;
  }
  if (rate === 0n) throw new Error(`FX rate "${toPerFrom}" is zero`);
  return rate;
}

/**
 * What the dealer pays for `fromAmount` at `rate`: floor(fromAmount × rate / 1e18), in minor units of
 * the `to` currency — exactly what `settleFx` computes (`Math.mulDiv`, rounding down), so the payer
 * gives up less than one minor unit against the exact rate. Zero means `settleFx` would refuse the amount.
 * @example
 * convert(100_000_000n, fxRate("4.5612")); // HKD 1,000,000.00 → 456_120_000n (THB 4,561,200.00)
 * convert(333n, fxRate("4.5612")); // HKD 3.33 → 1518n (THB 15.18; the exact 15.188796 rounds down)
 */
export function convert(fromAmount: bigint, rate: bigint): bigint {
  if (fromAmount < 0n || rate < 0n) throw new Error("an FX conversion takes a non-negative amount and rate");
  return (fromAmount * rate) / RATE_SCALE;
}
