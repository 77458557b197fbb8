import { ZeroAddress, type Interface, type Provider } from "ethers";

import type { ParticipantKindName } from "../domain/participants.js";
import type { ChainRef, PartyRef, TokenRef } from "./facts.js";
import type { ChainInventory, InventoryContract, InventoryParticipant, TokenContract } from "./inventory.js";

/** A token of the directory: its facts and a way to read balances on its own chain. */
export interface DirectoryToken extends TokenRef {
  readonly name: string;
  readonly contract: TokenContract;
}

/** A participant of the directory, on one chain. */
export interface DirectoryParticipant extends InventoryParticipant {
  readonly chain: string;
}

/** One chain of the directory. */
export interface DirectoryChain extends ChainRef {
  readonly inventory: ChainInventory;
  readonly provider: Provider;
  readonly participants: readonly DirectoryParticipant[];
  readonly tokens: readonly DirectoryToken[];
  readonly contracts: readonly InventoryContract[];
  /** Accounts whose balances steps track: participants first, then contracts that hold tokens. */
  readonly holders: readonly Required<PartyRef>[];
}

/**
 * Who and what is on the ledger, chain by chain, read once from the inventory the deployment
 * listed: names for addresses, token metadata, and the interfaces to decode events and errors.
 * Lookups are per chain (two chains may reuse an address for different contracts).
 */
export class Directory {
  readonly chains: readonly DirectoryChain[];

  private constructor(chains: DirectoryChain[]) {
    this.chains = chains;
  }

  /** Reads the metadata of every token of `inventory` from its chain. */
  static async read(inventory: readonly ChainInventory[]): Promise<Directory> {
    const chains: DirectoryChain[] = [];
    for (const chain of inventory) {
      const provider = chain.connection.ethers.provider;
      const chainId = Number((await provider.getNetwork()).chainId);
      const tokens: DirectoryToken[] = [];
      for (const t of chain.tokens) {
        tokens.push({
          chain: chain.key,
          symbol: await t.contract.symbol(),
          name: await t.contract.name(),
          address: await t.contract.getAddress(),
          kind: t.kind,
          currency: await t.contract.currency(),
          decimals: t.kind === "governmentBond" ? 0 : Number(await t.contract.decimals()),
          ...(t.isin === undefined ? {} : { isin: t.isin }),
          contract: t.contract,
        });
      }
      chains.push({
        key: chain.key,
        name: chain.name,
        network: chain.connection.networkName,
        chainId,
        inventory: chain,
        provider,
        participants: chain.participants.map((p) => ({ ...p, chain: chain.key })),
        tokens,
        contracts: chain.contracts,
        holders: [
          ...chain.participants.map((p) => ({ name: p.name, address: p.address })),
          ...chain.contracts.filter((c) => c.holdsTokens).map((c) => ({ name: c.name, address: c.address })),
        ],
      });
    }
    return new Directory(chains);
  }

  /** The first chain: the Hong Kong ledger. */
  get home(): DirectoryChain {
    return this.chains[0];
  }

  /** Every token on every chain, chain by chain. */
  get tokens(): readonly DirectoryToken[] {
    return this.chains.flatMap((c) => c.tokens);
  }

  /** The chain with key `key`; throws for a key the ledger has not. */
  chain(key: string): DirectoryChain {
    const chain = this.chains.find((c) => c.key === key);
    if (chain === undefined) throw new Error(`the ledger has no chain "${key}" (it has ${this.chains.map((c) => c.key).join(", ")})`);
    return chain;
  }

  /** The chain `provider` talks to, if it is one of the ledger's. */
  chainOfProvider(provider: unknown): DirectoryChain | undefined {
    return this.chains.find((c) => c.provider === provider);
  }

  /** `address` with its name on chain `chain` (participant, token or contract), if the ledger knows it. */
  ref(chain: string, address: string): PartyRef {
    const name = this.nameOf(chain, address);
    return name === undefined ? { address } : { name, address };
  }

  /** The name of `address` on chain `chain`: a participant's, a token's symbol, or a contract's. */
  nameOf(chain: string, address: string): string | undefined {
    if (address === ZeroAddress) return undefined;
    const c = this.chain(chain);
    const a = address.toLowerCase();
    return (
      c.participants.find((p) => p.address.toLowerCase() === a)?.name ??
      c.tokens.find((t) => t.address.toLowerCase() === a)?.symbol ??
      c.contracts.find((x) => x.address.toLowerCase() === a)?.name ??
      // The same key is the same institution on every chain (e.g. a bank on two ledgers).
      this.chains.flatMap((other) => other.participants).find((p) => p.address.toLowerCase() === a)?.name
    );
  }

  /** The kind of the participant at `address`, on any chain. */
  kindOf(address: string): ParticipantKindName | undefined {
    const a = address.toLowerCase();
    return this.chains.flatMap((c) => c.participants).find((p) => p.address.toLowerCase() === a)?.kind;
  }

  /** The token at `address` on chain `chain`. */
  token(chain: string, address: string): DirectoryToken | undefined {
    const a = address.toLowerCase();
    return this.chain(chain).tokens.find((t) => t.address.toLowerCase() === a);
  }

  /** The interface of the contract (token or infrastructure) at `address` on `chain`. */
  interfaceAt(chain: string, address: string): Interface | undefined {
    const c = this.chain(chain);
    const a = address.toLowerCase();
    return (
      c.inventory.tokens.find((t, i) => c.tokens[i].address.toLowerCase() === a)?.iface ??
      c.contracts.find((x) => x.address.toLowerCase() === a)?.iface
    );
  }

  /** Every interface of the ledger, to decode an error whose contract is not known. */
  interfaces(): readonly Interface[] {
    return this.chains.flatMap((c) => [...c.inventory.tokens.map((t) => t.iface), ...c.contracts.map((x) => x.iface)]);
  }
}
