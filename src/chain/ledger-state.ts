import { jurisdictionFromBytes2, participantKindName, type ParticipantKindName } from "../domain/participants.js";
import type { Directory, DirectoryToken } from "./directory.js";
import { readBalancesOf } from "./balance-reads.js";

/** One token and its total supply. */
export interface TokenState extends Omit<DirectoryToken, "contract"> {
  readonly totalSupply: bigint;
  /** Face value per unit in the currency's minor units (bonds only). */
  readonly denomination?: bigint;
}

export interface ParticipantState {
  readonly key: string;
  readonly name: string;
  /** The kind the chain's registry has on record. */
  readonly kind: ParticipantKindName;
  readonly jurisdiction: string;
  readonly address: string;
  readonly kycExpiry: bigint;
  /** False for an account the registry has no record of (e.g. a party that only signs, such as a fund administrator). */
  readonly registered: boolean;
  readonly eligible: boolean;
  /** Balance per token address (lower case), in the token's smallest unit. */
  readonly balances: ReadonlyMap<string, bigint>;
}

/** One chain's participants, tokens and balances. */
export interface ChainState {
  readonly key: string;
  readonly name: string;
  readonly network: string;
  readonly chainId: number;
  readonly blockTimestamp: bigint;
  readonly tokens: readonly TokenState[];
  readonly participants: readonly ParticipantState[];
}

interface HasDenomination {
  denomination(): Promise<bigint>;
}

function hasDenomination(contract: object): contract is HasDenomination {
  return typeof (contract as Partial<HasDenomination>).denomination === "function";
}

/** Reads participants (as each chain's registry has them), tokens and balances of every chain of the directory. */
export async function readLedgerState(directory: Directory): Promise<ChainState[]> {
  return Promise.all(
    directory.chains.map(async (chain) => {
      const tokens: TokenState[] = await Promise.all(
        chain.tokens.map(async ({ contract, ...token }) => ({
          ...token,
          totalSupply: await contract.totalSupply(),
          ...(token.kind === "governmentBond" && hasDenomination(contract) ? { denomination: await contract.denomination() } : {}),
        })),
      );
      const held = await readBalancesOf(
        chain.inventory.connection,
        chain.tokens.map((t) => t.address),
        chain.participants.map((p) => p.address),
      );
      const participants = await Promise.all(
        chain.participants.map(async (p, i) => {
          const record = await chain.inventory.registry.participantOf(p.address);
          const balances = new Map(chain.tokens.map((t, k) => [t.address.toLowerCase(), held[k][i]] as const));
          return {
            key: p.key,
            name: p.name,
            // An account the chain's registry does not know keeps the kind the ledger definition gives it.
            kind: record.kind === 0n ? p.kind : participantKindName(record.kind),
            jurisdiction: record.kind === 0n ? p.jurisdiction : jurisdictionFromBytes2(record.jurisdiction),
            address: p.address,
            kycExpiry: record.kycExpiry,
            registered: record.kind !== 0n,
            eligible: await chain.inventory.registry.isEligible(p.address),
            balances,
          };
        }),
      );
      const block = await chain.provider.getBlock("latest");
      return {
        key: chain.key,
        name: chain.name,
        network: chain.network,
        chainId: chain.chainId,
        blockTimestamp: BigInt(block?.timestamp ?? 0),
        tokens,
        participants,
      };
    }),
  );
}
