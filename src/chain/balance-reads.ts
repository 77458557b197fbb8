import { createPublicClient, custom, erc20Abi, getAddress, type PublicClient } from "viem";

import type { LedgerConnection } from "./connection.js";

/**
 * Most `balanceOf` calls one `eth_call` carries. A deployless multicall returns its results as the
 * code of the contract the call would create, and a node refuses code above the 24,576-byte limit
 * (EIP-170); each result takes 160 bytes of it (its offset, success flag, data offset, length and
 * the balance): 128 results are 20,544 bytes. (At 200 the node answers "max code size exceeded".)
 */
export const BALANCES_PER_CALL = 128;

const clients = new WeakMap<LedgerConnection, PublicClient>();

/** A viem client on `connection`'s own provider (in-process or JSON-RPC), made once per connection. */
function clientOf(connection: LedgerConnection): PublicClient {
  let client = clients.get(connection);
  if (client === undefined) {
    client = createPublicClient({ transport: custom(connection.provider) });
    clients.set(connection, client);
  }
  return client;
}

/**
 * `balances[t][h]`, `tokens[t].balanceOf(holders[h])` at the latest block (one block for all), read with `client`: one
 * `eth_call` per `BALANCES_PER_CALL` balances — viem's deployless multicall (Multicall3's code run
 * in the call itself: nothing is deployed and the chain needs no Multicall3) — instead of one
 * `eth_call` per balance. A balance that cannot be read fails the whole read, naming the call.
 * The runner's reads (`readBalancesOf`) and the presenter page's share it.
 */
export async function multicallBalances(client: PublicClient, tokens: readonly string[], holders: readonly string[]): Promise<bigint[][]> {
  const calls = tokens.flatMap((token) =>
    holders.map((holder) => ({ address: getAddress(token), abi: erc20Abi, functionName: "balanceOf", args: [getAddress(holder)] }) as const),
  );
  // More than one call: all at one block, so a transfer mined between two of them cannot show on
  // both sides of the sheet or on neither.
  const at = calls.length > BALANCES_PER_CALL ? { blockNumber: await client.getBlockNumber({ cacheTime: 0 }) } : {};
  const chunks: Promise<bigint[]>[] = [];
  for (let i = 0; i < calls.length; i += BALANCES_PER_CALL) {
    chunks.push(client.multicall({ contracts: calls.slice(i, i + BALANCES_PER_CALL), allowFailure: false, deployless: true, batchSize: 0, ...at }));
  }
  const flat = (await Promise.all(chunks)).flat();
  return tokens.map((_, t) => flat.slice(t * holders.length, (t + 1) * holders.length));
}

/**
 * Every holder's balance of every token on `connection`'s chain at its latest block, as the chain
 * has them (`multicallBalances` on the connection's own provider, in-process or JSON-RPC).
 * @example const [[hkmaWcbdc]] = await readBalancesOf(connection, [wcbdc], [hkma]);
 */
export function readBalancesOf(connection: LedgerConnection, tokens: readonly string[], holders: readonly string[]): Promise<bigint[][]> {
  return multicallBalances(clientOf(connection), tokens, holders);
}
