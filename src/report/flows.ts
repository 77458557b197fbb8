import type { TransactionJson } from "./json.js";

/**
 * Who paid or delivered what to whom in a step, from its facts: every `Transfer` event of a ledger
 * token in the step's mined transactions, summed per payer, payee, token and kind. A mint reads as a
 * flow from the token's issuer (the central bank for wCBDC, the bank for its deposits, the issuer for
 * a bond), a burn as a flow back to it, so a picture can draw every flow between two parties.
 */

/** A token as a flow names it. */
export interface FlowToken {
  readonly symbol: string;
  readonly address: string;
  readonly kind: string;
  readonly currency: string;
  readonly decimals: number;
}

/** A party at one end of a flow: a name (or a shortened address, for one the ledger does not know) and its address. */
export interface FlowParty {
  readonly name: string;
  readonly address: string;
}

/** How the tokens moved: a transfer between holders, a mint by the issuer, or a burn back to it. */
export type FlowKind = "transfer" | "mint" | "burn";

/** One flow: `amount` (the token's smallest unit) of `token` from `from` to `to`, summed over `count` transfers. */
export interface Flow {
  readonly chain: string;
  readonly token: FlowToken;
  readonly kind: FlowKind;
  readonly from: FlowParty;
  readonly to: FlowParty;
  readonly amount: bigint;
  readonly count: number;
}

/** What `flowsOf` knows of a chain: its tokens and named accounts, and who issues each token. */
export interface FlowChain {
  readonly key: string;
  readonly tokens: readonly FlowToken[];
  /** Named accounts (participants and contracts), to name the parties of a flow. */
  readonly names: readonly { readonly name: string; readonly address: string }[];
  /** The issuer of the token at `address` (mints come from it, burns go back to it); undefined: unknown. */
  issuerOf(address: string): FlowParty | undefined;
}

const ZERO = "0x0000000000000000000000000000000000000000";

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `address` shortened for a picture: `0x1234…abcd`. */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

/**
 * The flows of `transactions` on `chain`, in the order of their first transfer. Transfers of tokens
 * the chain does not list are left out (they are not the ledger's money or securities).
 * @example flowsOf(step.transactions, { key: "hk", tokens, names, issuerOf })
 */
export function flowsOf(transactions: readonly TransactionJson[], chain: FlowChain): Flow[] {
  const party = (address: string): FlowParty => ({ name: chain.names.find((n) => same(n.address, address))?.name ?? shortAddress(address), address });
  const flows = new Map<string, { -readonly [K in keyof Flow]: Flow[K] }>();
  for (const tx of transactions) {
    if (tx.status !== "success" || tx.chain !== chain.key) continue;
    for (const event of tx.events) {
      if (event.name !== "Transfer") continue;
      const token = chain.tokens.find((t) => same(t.address, event.contract.address));
      const { from, to, value } = event.args;
      if (token === undefined || typeof from !== "string" || typeof to !== "string" || typeof value !== "string") continue;
      const amount = BigInt(value);
      if (amount === 0n || same(from, to)) continue;
      const issuer = chain.issuerOf(token.address) ?? { name: `${token.symbol} issuer`, address: ZERO };
      const kind: FlowKind = same(from, ZERO) ? "mint" : same(to, ZERO) ? "burn" : "transfer";
      const payer = kind === "mint" ? issuer : party(from);
      const payee = kind === "burn" ? issuer : party(to);
      const key = [kind, token.address, payer.address, payee.address].join(":").toLowerCase();
      const known = flows.get(key);
      if (known === undefined) flows.set(key, { chain: chain.key, token, kind, from: payer, to: payee, amount, count: 1 });
      else {
        known.amount += amount;
        known.count += 1;
      }
    }
  }
  return [...flows.values()];
}

/** The parties of `flows`, each once, in the order they first appear (payer before payee). */
export function partiesOf(flows: readonly Flow[]): FlowParty[] {
  const parties: FlowParty[] = [];
  for (const flow of flows) {
    for (const p of [flow.from, flow.to]) if (!parties.some((q) => same(q.address, p.address) && q.name === p.name)) parties.push(p);
  }
  return parties;
}
