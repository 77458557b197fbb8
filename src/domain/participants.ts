/** Participant kinds, in the order of `ParticipantKind` in contracts/interfaces/IParticipantRegistry.sol. */
export const ParticipantKind = {
  None: 0,
  CentralBank: 1,
  CommercialBank: 2,
  Dealer: 3,
  Investor: 4,
  Issuer: 5,
  Infrastructure: 6,
} as const;

export type ParticipantKindName = Exclude<keyof typeof ParticipantKind, "None">;


/** A participant as a ledger definition names it: one of the network's accounts, by index. */
export interface ParticipantDefinition<K extends string = string> {
  /** Key used in code and reports, e.g. "harbourBank". */
  readonly key: K;
  readonly name: string;
  readonly kind: ParticipantKindName;
  /** ISO 3166-1 alpha-2. */
  readonly jurisdiction: string;
  /** Index into the network's accounts. */
  readonly account: number;
}

/** Kind name from the on-chain number. */
export function participantKindName(kind: bigint | number): ParticipantKindName {
  const entry = Object.entries(ParticipantKind).find(([, v]) => v === Number(kind));
  if (entry === undefined || entry[0] === "None") throw new Error(`unknown participant kind ${kind}`);
  return entry[0] as ParticipantKindName;
}

/** ISO 3166-1 alpha-2 as the registry's `bytes2`, e.g. "HK" → "0x484b". */
export function jurisdictionBytes2(code: string): string {
  return `0x${Buffer.from(code, "ascii").toString("hex")}`;
}

/** The registry's `bytes2` as ISO 3166-1 alpha-2, e.g. "0x484b" → "HK" (the reverse of `jurisdictionBytes2`). */
export function jurisdictionFromBytes2(bytes2: string): string {
  return Buffer.from(bytes2.replace(/^0x/, ""), "hex").toString("ascii");
}
