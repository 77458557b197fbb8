import { isError, Result, type Interface, type Log, type ParamType } from "ethers";

import { FAILURE_REASON, isoTradeStatus, REASON_CODE, SETTLEMENT_LEGS, TRADE_STATUS, type FailureReasonName } from "../domain/trade.js";
import type { Directory } from "./directory.js";
import type { AbiArgs, AbiValue, ErrorFact, EventFact } from "./facts.js";

/** `value` as the ABI type `param` describes it: integers as decimal strings, tuples as objects by component name. */
export function toAbiValue(param: ParamType, value: unknown): AbiValue {
  if (param.isTuple()) {
    const items = asResult(value, param);
    const out: Record<string, AbiValue> = {};
    param.components.forEach((c, i) => {
      out[c.name === "" ? String(i) : c.name] = toAbiValue(c, items[i]);
    });
    return out;
  }
  if (param.isArray()) return [...asResult(value, param)].map((v) => toAbiValue(param.arrayChildren, v));
  if (typeof value === "boolean") return value;
  return String(value);
}

/** ethers decodes tuples and arrays as `Result`s. */
function asResult(value: unknown, param: ParamType): Result {
  if (!(value instanceof Result)) throw new Error(`expected decoded ${param.format()} to be a Result`);
  return value;
}

/** Arguments by parameter name. */
export function toAbiArgs(inputs: readonly ParamType[], values: Result): AbiArgs {
  const out: Record<string, AbiValue> = {};
  inputs.forEach((input, i) => {
    out[input.name === "" ? String(i) : input.name] = toAbiValue(input, values[i]);
  });
  return out;
}

/** The events of `logs` emitted by contracts the directory knows on chain `chain`, decoded. */
export function decodeEvents(logs: readonly Log[], chain: string, directory: Directory): EventFact[] {
  const events: EventFact[] = [];
  for (const log of logs) {
    const iface = directory.interfaceAt(chain, log.address);
    if (iface === undefined) continue;
    const parsed = safely(() => iface.parseLog({ topics: [...log.topics], data: log.data }));
    if (parsed === null || parsed === undefined) continue;
    const args = toAbiArgs(parsed.fragment.inputs, parsed.args);
    events.push({ contract: directory.ref(chain, log.address), name: parsed.name, args, ...tradeEventCodes(parsed.name, args, directory, chain) });
  }
  return events;
}

/** The engine's trade events' ISO 20022 codes, and the error a failed settlement's `tokenError` carries. */
function tradeEventCodes(name: string, args: AbiArgs, directory: Directory, chain: string): Pick<EventFact, "iso" | "error"> {
  const text = (key: string): string => {
    const v = args[key];
    return typeof v === "string" ? v : "";
  };
  const reason = (): FailureReasonName => FAILURE_REASON[Number(text("reason"))] ?? "TokenRejected";
  switch (name) {
    case "TradeMatched":
      return { iso: { status: "MACH" } };
    case "TradeSettled":
    case "TradeSettledInBatch":
      return { iso: { status: "SETT" } };
    case "TradeCancelled":
      return { iso: { status: "CAND", reason: "CANI" } };
    case "TradeExpiredUnsettled":
      return { iso: { status: "CAND", reason: "CANS" } };
    case "TradeSettlementFailed": {
      const iso = isoTradeStatus("Failed", reason());
      const error = decodeError(text("tokenError"), directory, chain);
      return { ...(iso === undefined ? {} : { iso }), ...(error === undefined ? {} : { error }) };
    }
    case "TradeSkippedInBatch": {
      const iso = isoTradeStatus(TRADE_STATUS[Number(text("status"))] ?? "None", reason());
      return iso === undefined ? {} : { iso };
    }
    default:
      return {};
  }
}

/** The function and arguments of call data `data` to `to` on `chain`, if the directory has its interface. */
export function decodeCall(chain: string, to: string, data: string, directory: Directory): { function: string; args: AbiArgs } | undefined {
  const iface = directory.interfaceAt(chain, to);
  const parsed = iface === undefined ? undefined : safely(() => iface.parseTransaction({ data }));
  if (parsed === null || parsed === undefined) return undefined;
  return { function: parsed.name, args: toAbiArgs(parsed.fragment.inputs, parsed.args) };
}

function parseWith(interfaces: readonly Interface[], data: string): { name: string; args: AbiArgs } | undefined {
  if (data.length < 10) return undefined;
  for (const iface of interfaces) {
    const parsed = safely(() => iface.parseError(data));
    if (parsed !== null && parsed !== undefined) return { name: parsed.name, args: toAbiArgs(parsed.fragment.inputs, parsed.args) };
  }
  return undefined;
}

/**
 * Revert data `data` as a custom error of the ledger's contracts (on `chain`, to name addresses),
 * with the leg, token, reason code and token error of a `SettlementLegFailed`; undefined if no
 * interface of the ledger knows it.
 */
export function decodeError(data: string, directory: Directory, chain: string = directory.home.key): ErrorFact | undefined {
  if (data === "0x" || data.length < 10) return undefined;
  const parsed = parseWith(directory.interfaces(), data);
  if (parsed === undefined) return undefined;
  if (parsed.name !== "SettlementLegFailed") return { name: parsed.name, args: parsed.args };
  // SettlementLegFailed(FailureReason reason, Leg leg, address token, bytes tokenError), read by name.
  const field = (name: string): string => {
    const v = parsed.args[name];
    return typeof v === "string" ? v : "";
  };
  const code = REASON_CODE[FAILURE_REASON[Number(field("reason"))] ?? "TokenRejected"];
  const inner = parseWith(directory.interfaces(), field("tokenError"));
  const legName = SETTLEMENT_LEGS[Number(field("leg"))];
  const token = field("token");
  return {
    name: parsed.name,
    args: parsed.args,
    ...(legName === undefined ? {} : { leg: legName }),
    token: directory.ref(chain, token),
    ...(code === "" ? {} : { reason: code }),
    ...(inner === undefined ? {} : { tokenError: { name: inner.name, args: inner.args } }),
  };
}

/** The revert data an error thrown by ethers, Hardhat or a JSON-RPC node carries; undefined if it is no revert. */
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
  if (isError(error, "CALL_EXCEPTION")) return error.data ?? "0x";
  return undefined;
}

/**
 * The hash of the mined transaction that reverted, if `error` names one: Hardhat's in-process
 * network puts it on the error (`transactionHash`); anvil mines a reverting transaction sent with
 * its own gas limit and answers with its hash, so ethers' `wait()` throws a CALL_EXCEPTION that
 * carries the receipt (status 0, and no revert data: a receipt has none). Undefined for a
 * refusal by estimateGas, and on `npx hardhat node`, whose error for the send has the revert data
 * but no hash.
 */
export function revertedTransactionHash(error: unknown): string | undefined {
  if (isError(error, "CALL_EXCEPTION") && error.receipt?.status === 0) return error.receipt.hash;
  if (error === null || typeof error !== "object") return undefined;
  const hash = (error as Record<string, unknown>).transactionHash;
  return typeof hash === "string" && /^0x[0-9a-fA-F]{64}$/.test(hash) ? hash : undefined;
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
