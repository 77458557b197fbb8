import { id, ZeroHash } from "ethers";

import type { Directory } from "../chain/directory.js";
import type { AbiArgs, AbiValue, ErrorFact } from "../chain/facts.js";
import type { ExpectedRefusal, StepFailure, StepResult } from "../runner/types.js";
import { isNoBalanceChange, isRefusal } from "../runner/types.js";
import { partyLabel } from "./words.js";

/** AccessControl role ids of the ledger's contracts, by hash. */
const ROLE_NAMES = new Map<string, string>([
  [ZeroHash, "DEFAULT_ADMIN_ROLE"],
  ...[
    "REGISTRAR_ROLE",
    "CENTRAL_BANK_ROLE",
    "BANK_ROLE",
    "SETTLEMENT_ROLE",
    "ISSUER_ROLE",
    "ISSUER_ADMIN_ROLE",
    "SETTLEMENT_AGENT_ROLE",
    "ASSET_REGISTRAR_ROLE",
    "PAYING_AGENT_ROLE",
  ].map((name): [string, string] => [id(name), name]),
]);

function argText(value: AbiValue, chain: string, directory: Directory): string {
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return partyLabel(directory.ref(chain, value));
  if (typeof value === "string") return ROLE_NAMES.get(value) ?? value;
  return typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/** `Name(arg, …)` with addresses as names and role ids as role names. */
export function errorCall(name: string, args: AbiArgs, chain: string, directory: Directory): string {
  return `${name}(${Object.values(args).map((v) => argText(v, chain, directory)).join(", ")})`;
}

/**
 * A decoded refusal in words: the engine's `SettlementLegFailed` as its status and reason code, leg
 * and the token's own error; any other error as `Name(args)`.
 * @example "PENF/LACK on the asset leg: 03GB2911 refused with ERC20InsufficientBalance(Peak Asset Management, 0, 100)"
 */
export function describeErrorFact(error: ErrorFact, directory: Directory, chain: string = directory.home.key): string {
  if (error.name !== "SettlementLegFailed") return errorCall(error.name, error.args, chain, directory);
  const inner = error.tokenError === undefined ? "it returned false or an unknown error" : errorCall(error.tokenError.name, error.tokenError.args, chain, directory);
  return `PENF/${error.reason ?? "?"} on the ${error.leg ?? "?"} leg: ${error.token === undefined ? "a token" : partyLabel(error.token)} refused with ${inner}`;
}

/** How a step's action failed, in words. */
export function describeFailure(failure: StepFailure, directory: Directory): string {
  switch (failure.kind) {
    case "refusal":
      return describeErrorFact(failure.error, directory);
    case "revert":
      return failure.revertData === "0x" ? "reverted without a reason" : `reverted with unknown data ${failure.revertData.slice(0, 10)}`;
    case "check":
      return `check failed: ${failure.message}`;
    case "error":
      return `${failure.name}: ${failure.message.split("\n")[0]}`;
  }
}

/** `Name` or `Name (reason CODE, token error Err)`, for an expectation. */
export function expectedRefusalText(expect: ExpectedRefusal): string {
  const parts = [expect.reason === undefined ? "" : `reason ${expect.reason}`, expect.tokenError === undefined ? "" : `token error ${expect.tokenError}`].filter(
    (p) => p !== "",
  );
  return `${expect.revert}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`;
}

/** The same for a decoded refusal. */
function gotRefusalText(error: ErrorFact): string {
  const parts = [error.reason === undefined ? "" : `reason ${error.reason}`, error.tokenError === undefined ? "" : `token error ${error.tokenError.name}`].filter(
    (p) => p !== "",
  );
  return `${error.name}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`;
}

/** Why a failed step failed, in words, naming what was expected and what happened. */
export function describeProblem(result: StepResult, directory: Directory): string {
  const failure = result.failure === undefined ? "" : describeFailure(result.failure, directory);
  const expect = result.expect;
  const wanted = isRefusal(expect) ? expectedRefusalText(expect) : "";
  switch (result.problem?.kind) {
    case "notRefused":
      return `expected the chain to refuse this step with ${wanted}, but it went through`;
    case "otherRefusal":
      return `expected a refusal with ${wanted}, but it was refused with ${result.failure?.kind === "refusal" ? gotRefusalText(result.failure.error) : "?"}: ${failure}`;
    case "notARefusal":
      return `expected the chain to refuse this step with ${wanted}, but the step failed with: ${failure}`;
    case "movedDespiteRefusal":
      return `refused (${failure}) but balances moved`;
    case "failed":
      return failure;
    case "balancesMoved":
      return "expected no balance to move, but some did";
    case "eventMissing": {
      const want = isNoBalanceChange(expect) ? `${expect.noBalanceChange}${expect.reason === undefined ? "" : ` with reason ${expect.reason}`}` : "?";
      return `expected event ${want}, but the step emitted ${result.problem.seen.join(", ") || "none"}`;
    }
    case undefined:
      return failure;
  }
}
