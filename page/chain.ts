import { createPublicClient, erc20Abi, getAddress, http, isHex, type Hex, type PublicClient } from "viem";

import type { PresentChain } from "../src/present/state.js";

/** Balances read from the chain: `balances.get(key(token, holder))`, in the token's smallest unit. */
export type Balances = ReadonlyMap<string, bigint>;

/** The key of a balance in `Balances`. */
export const balanceKey = (token: string, holder: string): string => `${token.toLowerCase()}:${holder.toLowerCase()}`;

/** `text` as viem's hex type, checked. */
function hex(text: string): Hex {
  if (!isHex(text)) throw new Error(`"${text}" is not a hex string`);
  return text;
}

/** What the page reads of a mined transaction's receipt. */
export interface ReceiptFacts {
  readonly status: "success" | "reverted";
  readonly blockNumber: bigint;
  readonly gasUsed: bigint;
  readonly logCount: number;
}

/**
 * The chain as the page sees it, through viem: every tracked holder's balance of every token, and
 * receipts. It reads the node itself (through the page server's `/rpc`), never the runner's copy.
 */
export class ChainReader {
  private readonly client: PublicClient;

  constructor(rpcUrl: string) {
    this.client = createPublicClient({ transport: http(rpcUrl, { batch: true }) });
  }

  /** Every holder's balance of every token of `chain`, at the latest block. */
  async balances(chain: PresentChain): Promise<Balances> {
    const entries = await Promise.all(
      chain.tokens.flatMap((token) =>
        chain.holders.map(async (holder) => {
          const amount = await this.client.readContract({
            address: getAddress(token.address),
            abi: erc20Abi,
            functionName: "balanceOf",
            args: [getAddress(holder.address)],
          });
          return [balanceKey(token.address, holder.address), amount] as const;
        }),
      ),
    );
    return new Map(entries);
  }

  /** The receipt of each hash, as the chain has it. */
  async receipts(hashes: readonly string[]): Promise<ReadonlyMap<string, ReceiptFacts>> {
    const entries = await Promise.all(
      hashes.map(async (hash) => {
        const r = await this.client.getTransactionReceipt({ hash: hex(hash) });
        return [hash, { status: r.status, blockNumber: r.blockNumber, gasUsed: r.gasUsed, logCount: r.logs.length }] as const;
      }),
    );
    return new Map(entries);
  }
}
