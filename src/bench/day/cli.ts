/** The `--day` option of `npm run bench`: which day sizes to run. Pure. */

/** Most trades one day may have (the largest figure). */
export const MAX_DAY_TRADES = 50_000;

/**
 * Parses `--day 1000,10000,50000` into trade counts; `--day` alone or an empty value is 10,000.
 * Each count is a whole number from 1 to `MAX_DAY_TRADES`; a comma or underscore inside a number
 * such as `10_000` is allowed.
 */
export function parseDaySizes(value: string | boolean): number[] {
  if (value === true || value === "") return [10_000];
  if (value === false) return [];
  return value.split(",").map((part) => {
    const text = part.trim().replaceAll("_", "");
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > MAX_DAY_TRADES) {
      throw new RangeError(`--day takes trade counts from 1 to ${MAX_DAY_TRADES.toLocaleString("en-US")}, comma-separated; got "${part}"`);
    }
    return n;
  });
}
