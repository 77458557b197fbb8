import { readBalancesOf } from "../chain/balance-reads.js";
import type { Directory } from "../chain/directory.js";
import type { BalanceMove, TokenRef } from "../chain/facts.js";

/** Every tracked holder's balance of every ledger token, chain by chain: `sheet[key(chain, token, holder)]`. */
export type BalanceSheet = ReadonlyMap<string, bigint>;

const key = (chain: string, token: string, holder: string): string => `${chain}:${token.toLowerCase()}:${holder.toLowerCase()}`;

/**
 * Reads the balance sheet of the directory's holders in its tokens, on each chain: every holder's
 * balance of every token, from the chain (a few `eth_call`s per chain, `readBalancesOf`).
 */
export async function readBalances(directory: Directory): Promise<BalanceSheet> {
  const sheet = new Map<string, bigint>();
  await Promise.all(
    directory.chains.map(async (chain) => {
      const balances = await readBalancesOf(
        chain.inventory.connection,
        chain.tokens.map((t) => t.address),
        chain.holders.map((h) => h.address),
      );
      for (const [t, token] of chain.tokens.entries()) {
        for (const [h, holder] of chain.holders.entries()) sheet.set(key(chain.key, token.address, holder.address), balances[t][h]);
      }
    }),
  );
  return sheet;
}

/** What moved between two sheets, in the directory's order of chains, tokens and holders. */
export function diffBalances(before: BalanceSheet, after: BalanceSheet, directory: Directory): BalanceMove[] {
  const moves: BalanceMove[] = [];
  for (const chain of directory.chains) {
    for (const token of chain.tokens) {
      const ref: TokenRef = {
        chain: token.chain,
        symbol: token.symbol,
        address: token.address,
        kind: token.kind,
        currency: token.currency,
        decimals: token.decimals,
        ...(token.isin === undefined ? {} : { isin: token.isin }),
      };
      for (const h of chain.holders) {
        const k = key(chain.key, token.address, h.address);
        const b = before.get(k) ?? 0n;
        const a = after.get(k) ?? 0n;
        if (a !== b) moves.push({ holder: h, token: ref, before: b, after: a });
      }
    }
  }
  return moves;
}

/** A holder's balance of a token on a chain in `sheet` (0 if untracked). */
export function balanceIn(sheet: BalanceSheet, chain: string, token: string, holder: string): bigint {
  return sheet.get(key(chain, token, holder)) ?? 0n;
}
