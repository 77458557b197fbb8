import type { TokenizedDeposit, WholesaleCBDC } from "../../typechain-types/index.js";
import { parseMoney } from "../domain/money.js";
import type { HongKongLedger } from "./deploy.js";
import { DEPOSITS, HKD, type BankKey, type ParticipantKey } from "../domain/hong-kong.js";

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

/** One opening credit: what a report calls it, and the mint that makes it (`token.mint(to, amount)`). */
export interface OpeningCredit {
  readonly label: string;
  readonly token: WholesaleCBDC | TokenizedDeposit;
  readonly to: string;
  readonly amount: bigint;
}

/** HKMA credits each bank with wCBDC (`OPENING_WCBDC`). */
export function openingWcbdcCredits(ledger: HongKongLedger): OpeningCredit[] {
  return (Object.entries(OPENING_WCBDC) as [BankKey, string][]).map(([bank, amount]) => {
    const p = ledger.participants[bank];
    return {
      label: `mint ${amount} wHKD to ${p.name}`,
      token: ledger.wcbdc,
      to: p.address,
      amount: parseMoney(amount, HKD.minorUnits),
    };
  });
}

/** Each bank credits its customers' tokenized deposits (`OPENING_DEPOSITS`). */
export function openingDepositCredits(ledger: HongKongLedger): OpeningCredit[] {
  return DEPOSITS.flatMap((d) =>
    d.customers.flatMap((customer) => {
      const amount = OPENING_DEPOSITS[customer];
      if (amount === undefined) return [];
      const p = ledger.participants[customer];
      return [
        {
          label: `${d.symbol}: credit ${p.name} ${amount}`,
          token: ledger.deposits[d.bank],
          to: p.address,
          amount: parseMoney(amount, HKD.minorUnits),
        },
      ];
    }),
  );
}

/**
 * Funds the ledger: HKMA credits each bank with wCBDC, and each bank credits its customers'
 * tokenized deposits. Returns the transaction hashes in order.
 */
export async function fundOpeningBalances(ledger: HongKongLedger): Promise<string[]> {
  const hashes: string[] = [];
  for (const credit of [...openingWcbdcCredits(ledger), ...openingDepositCredits(ledger)]) {
    const tx = await credit.token.mint(credit.to, credit.amount);
    await tx.wait();
    hashes.push(tx.hash);
  }
  return hashes;
}
