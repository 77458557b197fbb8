import type { IsoTradeStatus, ReasonCode, SettlementLeg } from "../domain/trade.js";
import type { TokenKind } from "./inventory.js";

/**
 * What the chain did, as data: transactions, decoded events and errors, balances. Reports word
 * these; JSON, the browser view and tests read them as they are.
 */

/** A decoded ABI value: integers as decimal strings, addresses checksummed, structs as objects, arrays as arrays. */
export type AbiValue = string | boolean | readonly AbiValue[] | { readonly [name: string]: AbiValue };

/** Decoded arguments by parameter name (by position, "0", "1" …, where the ABI names none). */
export type AbiArgs = Readonly<Record<string, AbiValue>>;

/** An account or contract: its name in the ledger's directory (absent if the ledger does not know it) and address. */
export interface PartyRef {
  readonly name?: string;
  readonly address: string;
}

/** A token as facts name it. */
export interface TokenRef {
  /** The key of the chain it lives on (see `ChainRef`). */
  readonly chain: string;
  readonly symbol: string;
  readonly address: string;
  readonly kind: TokenKind;
  /** ISO 4217 code of the money, or of the bond's denomination. */
  readonly currency: string;
  /** Decimals of the token; 0 for a bond (whole units). */
  readonly decimals: number;
  readonly isin?: string;
}

/** A chain of the ledger: its directory key and name, the network it ran on, and its chain id. */
export interface ChainRef {
  readonly key: string;
  readonly name: string;
  readonly network: string;
  readonly chainId: number;
}

/**
 * One event: the emitting contract, the event's name and its decoded arguments; for the engine's
 * trade events, the trade's state as ISO 20022 codes, and for a failed settlement the decoded error
 * its `tokenError` bytes carry.
 */
export interface EventFact {
  readonly contract: PartyRef;
  readonly name: string;
  readonly args: AbiArgs;
  readonly iso?: IsoTradeStatus;
  readonly error?: ErrorFact;
}

/** A custom error of a ledger contract, decoded. */
export interface ErrorFact {
  readonly name: string;
  readonly args: AbiArgs;
  /** For `SettlementLegFailed`: the leg, the token that refused, the reason code and the token's own error. */
  readonly leg?: SettlementLeg;
  readonly token?: PartyRef;
  readonly reason?: ReasonCode;
  readonly tokenError?: { readonly name: string; readonly args: AbiArgs };
}

/** What a transaction asked: on which chain, who called which function of which contract with which arguments. */
export interface CallFact {
  /** What the scenario calls this transaction (its own words, from the definition). */
  readonly label: string;
  readonly chain: ChainRef;
  readonly from: PartyRef;
  readonly to: PartyRef;
  /** Function name; absent when the directory has no interface for `to`. */
  readonly function?: string;
  readonly args?: AbiArgs;
}

/** A transaction that was mined and succeeded. */
export interface MinedTransactionFact extends CallFact {
  readonly status: "success";
  readonly hash: string;
  readonly blockNumber: number;
  /** Block time, unix seconds. */
  readonly timestamp: number;
  readonly gasUsed: bigint;
  readonly events: readonly EventFact[];
}

/**
 * An attempt the chain refused: `estimateGas` when the node refused it while estimating its gas (the
 * usual case: nothing was mined, there is no hash), `transaction` when a failing transaction was
 * mined (it has a hash), `call` for a deliberate `eth_call` (`ctx.attempt`).
 */
export interface RevertedTransactionFact extends CallFact {
  readonly status: "reverted";
  readonly via: "estimateGas" | "transaction" | "call";
  readonly hash?: string;
  /** The raw revert data ("0x" for a revert without reason). */
  readonly revertData: string;
  /** The decoded custom error, when a ledger contract's interface knows it. */
  readonly error?: ErrorFact;
}

export type TransactionFact = MinedTransactionFact | RevertedTransactionFact;

/** A balance that moved during a step, in the token's smallest unit. */
export interface BalanceMove {
  readonly holder: PartyRef;
  readonly token: TokenRef;
  readonly before: bigint;
  readonly after: bigint;
}
