import type { LogDescription } from "ethers";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import type { StepResult } from "../../src/runner/run.js";

/**
 * Balance sheets for scenario outcome tests: every participant (and the engine and paying agent)
 * in every token of the Hong Kong ledger, read from the chain or written down by hand.
 */

export type TokenKey = "wHKD" | "hbHKD" | "vbHKD" | "lrHKD" | "bond";
export const TOKEN_KEYS: readonly TokenKey[] = ["wHKD", "hbHKD", "vbHKD", "lrHKD", "bond"];
export type Sheet = Record<TokenKey, Record<string, bigint>>;
export interface Erc20View {
  balanceOf(account: string): Promise<bigint>;
  totalSupply(): Promise<bigint>;
}

export function tokensOf(ledger: HongKongLedger): Record<TokenKey, Erc20View> {
  return {
    wHKD: ledger.wcbdc,
    hbHKD: ledger.deposits.harbourBank,
    vbHKD: ledger.deposits.victoriaBank,
    lrHKD: ledger.deposits.lionRockBank,
    bond: ledger.bond,
  };
}

/** Every participant (and the engine and paying agent) in every token, read from the chain. */
export async function chainSheet(ledger: HongKongLedger): Promise<Sheet> {
  const holders: [string, string][] = [
    ...PARTICIPANTS.map((p): [string, string] => [p.key, ledger.participants[p.key].address]),
    ["engine", await ledger.engine.getAddress()],
    ["payingAgent", await ledger.payingAgent.getAddress()],
  ];
  const tokens = tokensOf(ledger);
  const sheet = {} as Sheet;
  for (const t of TOKEN_KEYS) {
    sheet[t] = {};
    for (const [key, address] of holders) sheet[t][key] = await tokens[t].balanceOf(address);
  }
  return sheet;
}

/** The expected sheet: the given balances, zero for everyone else (engine and paying agent included). */
export function expectedSheet(nonZero: Record<TokenKey, Partial<Record<ParticipantKey, bigint>>>): Sheet {
  const sheet = {} as Sheet;
  for (const t of TOKEN_KEYS) {
    sheet[t] = {};
    for (const p of PARTICIPANTS) sheet[t][p.key] = nonZero[t][p.key] ?? 0n;
    sheet[t].engine = 0n;
    sheet[t].payingAgent = 0n;
  }
  return sheet;
}

/** What a step moved, as "holder token" → change (the bond as "bond"). */
export function moved(step: Pick<StepResult, "changes">): Record<string, bigint> {
  return Object.fromEntries(
    step.changes.map((c) => [
      `${c.holder.name ?? c.holder.address} ${c.token.kind === "governmentBond" ? "bond" : c.token.symbol}`,
      c.after - c.before,
    ]),
  );
}

/** The settlement engine's events in the receipt of transaction `hash`. */
export async function engineEvents(ledger: HongKongLedger, hash: string): Promise<LogDescription[]> {
  const receipt = await ledger.connection.ethers.provider.getTransactionReceipt(hash);
  if (receipt === null) throw new Error(`no receipt for ${hash}`);
  const engine = (await ledger.engine.getAddress()).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === engine)
    .map((log) => ledger.engine.interface.parseLog({ topics: [...log.topics], data: log.data }))
    .filter((e): e is LogDescription => e !== null);
}
