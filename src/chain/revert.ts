import { id, isError, ZeroHash, type ErrorDescription, type Result } from "ethers";

import { FAILURE_REASON, iso20022Status, REASON_CODE, type ReasonCode } from "../domain/trade.js";
import type { AddressBook } from "./address-book.js";

const LEGS = ["asset", "cash", "interbank"] as const;

/** The revert data carried by an error thrown by ethers or Hardhat, if any. */
export function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const record = e as Record<string, unknown>;
    if (typeof record.data === "string" && record.data.startsWith("0x") && record.data.length >= 10) return record.data;
    queue.push(record.error, record.info, record.cause, record.data);
  }
  return undefined;
}

function decode(data: string, book: AddressBook): ErrorDescription | null {
  for (const c of book.contracts) {
    try {
      const parsed = c.iface.parseError(data);
      if (parsed !== null) return parsed;
    } catch {
      // not this interface's error
    }
  }
  return null;
}

/** AccessControl role ids of the ledger's contracts, by hash. */
const ROLE_NAMES = new Map<string, string>([
  [ZeroHash, "DEFAULT_ADMIN_ROLE"],
  ...[
    "REGISTRAR_ROLE",
    "CENTRAL_BANK_ROLE",
    "BANK_ROLE",
    "SETTLEMENT_ROLE",
    "ISSUER_ROLE",
    "SETTLEMENT_AGENT_ROLE",
    "PAYING_AGENT_ROLE",
  ].map((name): [string, string] => [id(name), name]),
]);

function argText(value: unknown, book: AddressBook): string {
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return book.label(value);
  if (typeof value === "string" && ROLE_NAMES.has(value)) return ROLE_NAMES.get(value) ?? value;
  return String(value);
}

/** `Name(arg, …)` with addresses as names. */
function plain(parsed: ErrorDescription, book: AddressBook): string {
  return `${parsed.name}(${(parsed.args as Result).map((v) => argText(v, book)).join(", ")})`;
}

/**
 * The decoded reason of a revert, in words: the engine's `SettlementLegFailed` reads as its
 * ISO 20022 status, leg and the token's own error; any other known error as `Name(args)`.
 */
export function describeRevert(data: string | undefined, book: AddressBook): string {
  if (data === undefined || data === "0x") return "reverted without a reason";
  const parsed = decode(data, book);
  if (parsed === null) return `reverted with unknown data ${data.slice(0, 10)}`;
  if (parsed.name === "SettlementLegFailed") {
    const [reason, leg, token, tokenError] = parsed.args as unknown as [bigint, bigint, string, string];
    const inner = tokenError === "0x" ? "it returned false" : describeRevert(tokenError, book);
    return `${iso20022Status("Failed", FAILURE_REASON[Number(reason)] ?? "TokenRejected")} on the ${
      LEGS[Number(leg)] ?? "?"
    } leg: ${book.label(token)} refused with ${inner}`;
  }
  return plain(parsed, book);
}

/**
 * A refusal by the chain, as data: the custom error's name and arguments (addresses as they are),
 * and for `SettlementLegFailed` the leg, the token, the reason code and the token's own error name.
 */
export interface Refusal {
  readonly error: string;
  readonly args: readonly string[];
  readonly leg?: (typeof LEGS)[number];
  readonly token?: string;
  readonly reason?: ReasonCode;
  readonly tokenError?: string;
}

/** The refusal `error` carries, decoded with the book's interfaces; undefined if it is no known revert. */
export function decodeRefusal(error: unknown, book: AddressBook): Refusal | undefined {
  const data = revertOf(error);
  if (data === undefined || data === "0x") return undefined;
  const parsed = decode(data, book);
  if (parsed === null) return undefined;
  const args = (parsed.args as Result).map((v) => String(v));
  if (parsed.name !== "SettlementLegFailed") return { error: parsed.name, args };
  const [reason, leg, token, tokenError] = parsed.args as unknown as [bigint, bigint, string, string];
  const code = REASON_CODE[FAILURE_REASON[Number(reason)] ?? "TokenRejected"];
  const inner = tokenError === "0x" ? undefined : decode(tokenError, book);
  return {
    error: parsed.name,
    args,
    leg: LEGS[Number(leg)],
    token,
    ...(code === "" ? {} : { reason: code }),
    ...(inner === null || inner === undefined ? {} : { tokenError: inner.name }),
  };
}

/** The revert data of `error`, whether nested in the error or on an ethers CALL_EXCEPTION; undefined if it is no revert. */
function revertOf(error: unknown): string | undefined {
  const data = revertDataOf(error);
  if (data !== undefined) return data;
  if (isError(error, "CALL_EXCEPTION")) return error.data ?? "0x";
  return undefined;
}

/** The decoded reason of `error` if it is a revert; its message otherwise. */
export function describeError(error: unknown, book: AddressBook): string {
  const data = revertOf(error);
  if (data !== undefined) return describeRevert(data, book);
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}
