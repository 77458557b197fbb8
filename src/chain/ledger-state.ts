import type { HongKongLedger } from "./deploy.js";
import type { ParticipantKey } from "../domain/hong-kong.js";
import { participantKindName, type ParticipantKindName } from "../domain/participants.js";

/** One token as a report shows it. */
export interface TokenState {
  readonly symbol: string;
  readonly name: string;
  readonly kind: "wCBDC" | "tokenized deposit" | "government bond";
  readonly address: string;
  /** ISO 4217 code for money; for a bond, the units are bond units (face value per unit in `denomination`). */
  readonly currency: string;
  readonly decimals: number;
  readonly totalSupply: bigint;
  /** Face value per unit in the currency's minor units (bonds only). */
  readonly denomination?: bigint;
}

export interface ParticipantState {
  readonly key: ParticipantKey;
  readonly name: string;
  readonly kind: ParticipantKindName;
  readonly jurisdiction: string;
  readonly address: string;
  readonly kycExpiry: bigint;
  readonly eligible: boolean;
  /** Balance per token symbol, in the token's smallest unit. */
  readonly balances: Readonly<Record<string, bigint>>;
}

export interface LedgerState {
  readonly chainId: bigint;
  readonly blockTimestamp: bigint;
  readonly tokens: readonly TokenState[];
  readonly participants: readonly ParticipantState[];
}

/** Reads participants, tokens and balances of the ledger from the chain. */
export async function readLedgerState(ledger: HongKongLedger): Promise<LedgerState> {
  const moneyTokens = [
    { contract: ledger.wcbdc, kind: "wCBDC" as const },
    ...Object.values(ledger.deposits).map((contract) => ({ contract, kind: "tokenized deposit" as const })),
  ];
  const tokens: TokenState[] = await Promise.all([
    ...moneyTokens.map(async ({ contract, kind }) => ({
      symbol: await contract.symbol(),
      name: await contract.name(),
      kind,
      address: await contract.getAddress(),
      currency: await contract.currency(),
      decimals: Number(await contract.decimals()),
      totalSupply: await contract.totalSupply(),
    })),
    (async () => ({
      symbol: await ledger.bond.symbol(),
      name: await ledger.bond.name(),
      kind: "government bond" as const,
      address: await ledger.bond.getAddress(),
      currency: await ledger.bond.currency(),
      decimals: 0,
      totalSupply: await ledger.bond.totalSupply(),
      denomination: await ledger.bond.denomination(),
    }))(),
  ]);
  const contracts = [...moneyTokens.map((t) => t.contract), ledger.bond];

  const participants = await Promise.all(
    Object.values(ledger.participants).map(async (p) => {
      const record = await ledger.registry.participantOf(p.address);
      const balances: Record<string, bigint> = {};
      await Promise.all(
        contracts.map(async (c, i) => {
          balances[tokens[i].symbol] = await c.balanceOf(p.address);
        }),
      );
      return {
        key: p.key,
        name: p.name,
        kind: participantKindName(record.kind),
        jurisdiction: Buffer.from(record.jurisdiction.slice(2), "hex").toString("ascii"),
        address: p.address,
        kycExpiry: record.kycExpiry,
        eligible: await ledger.registry.isEligible(p.address),
        balances,
      };
    }),
  );

  const block = await ledger.connection.ethers.provider.getBlock("latest");
  return {
    chainId: ledger.chainId,
    blockTimestamp: BigInt(block?.timestamp ?? 0),
    tokens,
    participants,
  };
}
