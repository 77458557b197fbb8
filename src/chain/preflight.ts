import { TooFewAccountsError, UnfundedAccountsError, type UnfundedAccount } from "./errors.js";
import { CROSS_BORDER_PARTICIPANTS } from "../domain/cross-border.js";
import { PARTICIPANTS } from "../domain/hong-kong.js";
import { FUND_PARTIES } from "../domain/money-market-fund.js";
import type { LedgerConnection } from "./connection.js";

/** An institution and the index of its account among the network's accounts. */
export interface LedgerAccount {
  readonly name: string;
  readonly account: number;
}

/**
 * The accounts each ledger gives its institutions, as the deploy functions map them to signers:
 * `hong-kong` the nine of the Hong Kong ledger (src/chain/deploy.ts); `cross-border` those plus
 * the six Thai and Brazilian ones (src/chain/deploy-cross-border.ts, and the Hong Kong chain of
 * the two-chain design, src/crosschain/two-chains.ts); `thai-chain` those that act on the Thai
 * chain of the two-chain design (ignition/modules/ThaiChain.ts); `money-market-fund` the nine plus
 * the fund's five parties (src/chain/deploy-funds.ts).
 */
export const LEDGER_ACCOUNTS = {
  "hong-kong": PARTICIPANTS,
  "cross-border": [...PARTICIPANTS, ...CROSS_BORDER_PARTICIPANTS],
  "money-market-fund": [...PARTICIPANTS, ...FUND_PARTIES],
  "thai-chain": [
    ...CROSS_BORDER_PARTICIPANTS.filter((p) => p.key === "bankOfThailand" || p.key === "chaoPhrayaBank"),
    ...PARTICIPANTS.filter((p) => p.key === "harbourBank"),
  ],
} as const satisfies Record<string, readonly LedgerAccount[]>;

export type LedgerKind = keyof typeof LEDGER_ACCOUNTS;

/**
 * Checks, before anything is deployed, that the network has an account for each of `accounts`
 * and that each holds some ETH for gas; else a `TooFewAccountsError` (e.g. plain anvil's 10 for
 * the 15 of the cross-border ledger) or an `UnfundedAccountsError` naming each institution and
 * its address.
 * @example await checkAccounts(connection, LEDGER_ACCOUNTS["hong-kong"]);
 */
export async function checkAccounts(connection: LedgerConnection, accounts: readonly LedgerAccount[]): Promise<void> {
  const signers = await connection.ethers.getSigners();
  const needs = Math.max(...accounts.map((a) => a.account + 1));
  if (signers.length < needs) {
    const missing = accounts.filter((a) => a.account >= signers.length).map((a) => a.name);
    throw new TooFewAccountsError(connection.networkName, signers.length, needs, missing);
  }
  const unfunded: UnfundedAccount[] = [];
  for (const { name, account } of accounts) {
    const address = signers[account].address;
    if ((await connection.ethers.provider.getBalance(address)) === 0n) unfunded.push({ name, address });
  }
  const [first, ...rest] = unfunded;
  if (first !== undefined) throw new UnfundedAccountsError(connection.networkName, [first, ...rest], accounts.length);
}
