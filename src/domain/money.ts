/**
 * Amounts on chain are integers in a currency's minor units (ISO 4217); people read major units.
 * @example formatMoney(123456789n, "HKD", 2) // "HKD 1,234,567.89"
 */
export function formatMoney(amount: bigint, currency: string, minorUnits: number): string {
  return `${currency} ${formatUnits(amount, minorUnits)}`;
}

/** `amount` minor units as a grouped decimal string: 123456789n, 2 → "1,234,567.89". */
export function formatUnits(amount: bigint, minorUnits: number): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(minorUnits);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = minorUnits > 0 ? `.${(abs % scale).toString().padStart(minorUnits, "0")}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Major units to minor units, exactly: ("50,000.00", 2) → 5000000n. */
export function parseMoney(major: string, minorUnits: number): bigint {
  const clean = major.replace(/,/g, "");
  if (!/^\d+(\.\d+)?$/.test(clean)) throw new Error(`"${major}" is not an amount in major units`);
  const [whole, fraction = ""] = clean.split(".");
  if (fraction.length > minorUnits) {
    throw new Error(`"${major}" has more than ${minorUnits} decimal places`);
  }
  return BigInt(whole) * 10n ** BigInt(minorUnits) + BigInt(fraction.padEnd(minorUnits, "0") || "0");
}
