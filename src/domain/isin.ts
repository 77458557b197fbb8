/**
 * ISIN (ISO 6166) helpers: 2-letter country code, 9 letters or digits, 1 Luhn check digit
 * computed after replacing letters by numbers (A=10 … Z=35).
 */

const BODY = /^[A-Z]{2}[A-Z0-9]{9}$/;

function expand(text: string): string {
  let digits = "";
  for (const c of text) digits += /[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55);
  return digits;
}

/**
 * The check digit that completes an 11-character ISIN body.
 * @example isinCheckDigit("US037833100") // 5
 */
export function isinCheckDigit(body: string): number {
  if (!BODY.test(body)) {
    throw new Error(`ISIN body "${body}" must be 2 letters then 9 letters or digits`);
  }
  const digits = expand(body);
  let sum = 0;
  // The check digit will sit rightmost, so the body's rightmost digit is doubled.
  for (let k = 0; k < digits.length; k++) {
    let d = Number(digits[digits.length - 1 - k]);
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Whether `isin` has the right shape and check digit.
 * @example isValidIsin("US0378331005") // true
 */
export function isValidIsin(isin: string): boolean {
  return /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(isin) && isinCheckDigit(isin.slice(0, 11)) === Number(isin[11]);
}

/**
 * Completes an 11-character body with its check digit.
 * @example makeIsin("HK003GB2911")
 */
export function makeIsin(body: string): string {
  return `${body}${isinCheckDigit(body)}`;
}
