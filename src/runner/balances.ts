import type { AddressBook, TokenInfo } from "../chain/address-book.js";

/** Every tracked holder's balance of every ledger token: `balances[tokenKey][holderAddress]`. */
export type BalanceSheet = Readonly<Record<string, Readonly<Record<string, bigint>>>>;

/** One balance that moved in a step. */
export interface BalanceChange {
  readonly holder: string;
  readonly token: TokenInfo;
  readonly before: bigint;
  readonly after: bigint;
}

/** Reads the balance sheet of the book's holders in the ledger's tokens. */
export async function readBalances(book: AddressBook): Promise<BalanceSheet> {
  const sheet: Record<string, Record<string, bigint>> = {};
  await Promise.all(
    book.tokens.map(async (token) => {
      const row: Record<string, bigint> = {};
      await Promise.all(
        book.holders.map(async (h) => {
          row[h.address] = await token.balanceOf(h.address);
        }),
      );
      sheet[token.key] = row;
    }),
  );
  return sheet;
}

/** What moved between two sheets, in the book's order of tokens and holders. */
export function diffBalances(before: BalanceSheet, after: BalanceSheet, book: AddressBook): BalanceChange[] {
  const changes: BalanceChange[] = [];
  for (const token of book.tokens) {
    for (const h of book.holders) {
      const b = before[token.key]?.[h.address] ?? 0n;
      const a = after[token.key]?.[h.address] ?? 0n;
      if (a !== b) changes.push({ holder: h.address, token, before: b, after: a });
    }
  }
  return changes;
}
