import { parseMoney } from "../format/money.js";
import type { HongKongLedger } from "./deploy.js";
import { DEPOSITS, HKD, type BankKey, type ParticipantKey } from "./hong-kong.js";

/** Central-bank money each commercial bank starts with (HKD, major units). */
export const OPENING_WCBDC: Readonly<Record<BankKey, string>> = {
  harbourBank: "1,500,000,000.00",
  victoriaBank: "1,200,000,000.00",
  lionRockBank: "800,000,000.00",
};

/** Deposits each customer starts with at its bank (HKD, major units). */
export const OPENING_DEPOSITS: Readonly<Partial<Record<ParticipantKey, string>>> = {
  kowloonDealer: "250,000,000.00",
  peakAsset: "120,000,000.00",
  government: "500,000,000.00",
  tsingYiInsurance: "180,000,000.00",
  lantauPension: "150,000,000.00",
};

/**
 * Funds the ledger: HKMA credits each bank with wCBDC, and each bank credits its customers'
 * tokenized deposits. Returns the transaction hashes in order.
 */
export async function fundOpeningBalances(ledger: HongKongLedger): Promise<string[]> {
  const hashes: string[] = [];
  for (const [bank, amount] of Object.entries(OPENING_WCBDC) as [BankKey, string][]) {
    const tx = await ledger.wcbdc.mint(ledger.participants[bank].address, parseMoney(amount, HKD.minorUnits));
    await tx.wait();
    hashes.push(tx.hash);
  }
  for (const d of DEPOSITS) {
    for (const customer of d.customers) {
      const amount = OPENING_DEPOSITS[customer];
      if (amount === undefined) continue;
      const tx = await ledger.deposits[d.bank].mint(
        ledger.participants[customer].address,
        parseMoney(amount, HKD.minorUnits),
      );
      await tx.wait();
      hashes.push(tx.hash);
    }
  }
  return hashes;
}
