import type { Interface } from "ethers";

import type { ParticipantKindName } from "../domain/participants.js";
import type { LedgerConnection } from "./connection.js";

/** The kinds of token a ledger holds; stable identifiers (reports word them). */
export type TokenKind = "wCBDC" | "tokenizedDeposit" | "governmentBond" | "exchangeFundBill" | "fundUnits";

/** What the directory reads of a token contract (every ledger token has it). */
export interface TokenContract {
  getAddress(): Promise<string>;
  name(): Promise<string>;
  symbol(): Promise<string>;
  currency(): Promise<string>;
  decimals(): Promise<bigint>;
  totalSupply(): Promise<bigint>;
  balanceOf(account: string): Promise<bigint>;
}

/** What the directory reads of a participant registry. */
export interface RegistryContract {
  getAddress(): Promise<string>;
  participantOf(account: string): Promise<{ readonly kind: bigint; readonly jurisdiction: string; readonly kycExpiry: bigint }>;
  isEligible(account: string): Promise<boolean>;
}

/** A participant on a chain, as the ledger definition names it. */
export interface InventoryParticipant {
  readonly key: string;
  readonly name: string;
  readonly kind: ParticipantKindName;
  readonly jurisdiction: string;
  readonly address: string;
}

/** A token on a chain. */
export interface InventoryToken {
  readonly kind: TokenKind;
  readonly contract: TokenContract;
  readonly iface: Interface;
  /** ISIN of a security (ISO 6166). */
  readonly isin?: string;
}

/** A contract of the market infrastructure (engine, paying agent, escrow …) whose events and errors are decoded. */
export interface InventoryContract {
  readonly key: string;
  readonly name: string;
  readonly address: string;
  readonly iface: Interface;
  /** Whether it can hold ledger tokens between steps (an escrow, a paying agent), so balance tables track it. */
  readonly holdsTokens: boolean;
}

/**
 * Everything on one chain of a ledger: who is on it, which tokens, which contracts. The one source
 * of "what is on this ledger" for step tables, end-of-run tables and the JSON report.
 */
export interface ChainInventory {
  /** Stable key, e.g. "hk", "th". */
  readonly key: string;
  /** e.g. "Hong Kong chain". */
  readonly name: string;
  readonly connection: LedgerConnection;
  readonly registry: RegistryContract;
  readonly participants: readonly InventoryParticipant[];
  readonly tokens: readonly InventoryToken[];
  readonly contracts: readonly InventoryContract[];
}
