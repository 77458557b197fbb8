import type { HongKongLedger } from "../ledger/deploy.js";
import type { AddressBook, TokenInfo } from "./address-book.js";

/** Every tracked holder's balance of every ledger token: `balances[tokenAddress][holderAddress]`. */
export type BalanceSheet = Readonly<Record<string, Readonly<Record<string, bigint>>>>;

/** One balance that moved in a step. */
export interface BalanceChange {
  readonly holder: string;
  readonly token: TokenInfo;
  readonly before: bigint;
  readonly after: bigint;
}

/** Reads the balance sheet of the book's holders in the ledger's tokens. */
export async function readBalances(ledger: HongKongLedger, book: AddressBook): Promise<BalanceSheet> {
  const erc20 = ledger.wcbdc; // every ledger token shares the ERC-20 `balanceOf`
  const sheet: Record<string, Record<string, bigint>> = {};
  await Promise.all(
    book.tokens.map(async (token) => {
      const contract = erc20.attach(token.address) as typeof erc20;
      const row: Record<string, bigint> = {};
      await Promise.all(
        book.holders.map(async (h) => {
          row[h.address] = await contract.balanceOf(h.address);
        }),
      );
      sheet[token.address] = row;
    }),
  );
  return sheet;
}

/** What moved between two sheets, in the book's order of tokens and holders. */
export function diffBalances(before: BalanceSheet, after: BalanceSheet, book: AddressBook): BalanceChange[] {
  const changes: BalanceChange[] = [];
  for (const token of book.tokens) {
    for (const h of book.holders) {
      const b = before[token.address]?.[h.address] ?? 0n;
      const a = after[token.address]?.[h.address] ?? 0n;
      if (a !== b) changes.push({ holder: h.address, token, before: b, after: a });
    }
  }
  return changes;
}
