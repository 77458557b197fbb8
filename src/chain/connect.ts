import { Mnemonic } from "ethers";
import hre, { network } from "hardhat";
import type { HttpNetworkConfig, ResolvedConfigurationVariable } from "hardhat/types/config";

import {
  ConnectionLostError,
  InvalidConfigurationVariableError,
  MissingConfigurationVariableError,
  NetworkUnreachableError,
  SameChainError,
  UnknownNetworkError,
  WrongChainIdError,
  type RunPhase,
} from "./errors.js";
import type { LedgerConnection } from "./connection.js";
import { SandboxError, StepFailedError } from "../errors/base.js";

/**
 * Connects to network `name` from hardhat.config.ts (the in-process network when undefined, with
 * `inProcess.chainId` if given, e.g. for the second chain of a cross-chain scenario). Before the
 * first request it resolves the network's configuration variables (URL, mnemonic) and refuses
 * one that is missing or unusable, naming it; then it checks that the node answers, and with the
 * chain id the config names, if it names one.
 * @example const connection = await connectTo("localhost");
 */
export async function connectTo(
  name: string | undefined,
  inProcess: { readonly chainId?: number } = {},
): Promise<LedgerConnection> {
  const configured = Object.keys(hre.config.networks);
  if (name !== undefined && !configured.includes(name)) throw new UnknownNetworkError(name, configured);
  const config = name === undefined ? undefined : hre.config.networks[name];
  if (name !== undefined && config?.type === "http") await checkHttpConfiguration(name, config);

  const connection: LedgerConnection = await network.create(
    name === undefined
      ? inProcess.chainId === undefined
        ? undefined
        : { override: { chainId: inProcess.chainId } }
      : { network: name },
  );
  try {
    await checkChain(connection);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
  return connection;
}

/** The name of a configuration variable (`configVariable("NAME")`), or undefined for a literal value. */
function variableName(variable: ResolvedConfigurationVariable): string | undefined {
  // Hardhat's lazily resolved variables carry their name; the public type does not declare it.
  return "name" in variable && typeof variable.name === "string" ? variable.name : undefined;
}

/** Resolves `variable`, turning a missing one into an error that names it. */
async function resolve(network: string, variable: ResolvedConfigurationVariable, what: string): Promise<string> {
  try {
    return await variable.get();
  } catch (cause) {
    throw new MissingConfigurationVariableError(network, variableName(variable) ?? what, cause);
  }
}

/** The URL and (for an HD wallet) the mnemonic of an http network, checked before any request. */
async function checkHttpConfiguration(network: string, config: HttpNetworkConfig): Promise<void> {
  const urlVariable = variableName(config.url) ?? "its url in hardhat.config.ts";
  const url = await resolve(network, config.url, urlVariable);
  if (!isHttpUrl(url)) {
    throw new InvalidConfigurationVariableError(
      network,
      urlVariable,
      "is not an http(s) URL",
      "set it to one, e.g. http://127.0.0.1:8545",
    );
  }
  const accounts = config.accounts;
  if (accounts === "remote" || Array.isArray(accounts)) return;
  const mnemonicVariable = variableName(accounts.mnemonic) ?? "its mnemonic in hardhat.config.ts";
  const words = (await resolve(network, accounts.mnemonic, mnemonicVariable)).trim().split(/\s+/).filter((w) => w !== "");
  const problem =
    words.length === 0
      ? "is empty"
      : ![12, 15, 18, 21, 24].includes(words.length)
        ? `has ${words.length} word${words.length === 1 ? "" : "s"}, not the 12 to 24 of a BIP-39 mnemonic`
        : !Mnemonic.isValidMnemonic(words.join(" "))
          ? "is not a valid BIP-39 mnemonic: a word is not in the English list, or the last word does not match the checksum"
          : undefined;
  if (problem !== undefined) {
    throw new InvalidConfigurationVariableError(
      network,
      mnemonicVariable,
      problem,
      "set it to the mnemonic of the institutions' funded accounts (on a local anvil or hardhat node: test test test test test test test test test test test junk)",
    );
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Where `connection` points: its URL, or "(in-process)". */
export async function urlOf(connection: LedgerConnection): Promise<string> {
  const config = connection.networkConfig;
  return config.type === "http" ? config.url.get().catch(() => "(unresolved URL)") : "(in-process)";
}

/** The first request: the node answers, and with the chain id hardhat.config.ts names (if it names one). */
async function checkChain(connection: LedgerConnection): Promise<void> {
  const config = connection.networkConfig;
  let chainId: number;
  try {
    chainId = await chainIdOf(connection);
  } catch (cause) {
    throw new NetworkUnreachableError(connection.networkName, await urlOf(connection), cause);
  }
  if (config.type === "http" && config.chainId !== undefined && config.chainId !== chainId) {
    throw new WrongChainIdError(connection.networkName, await urlOf(connection), config.chainId, chainId, variableName(config.url));
  }
}

/** The chain id the node behind `connection` reports. */
async function chainIdOf(connection: LedgerConnection): Promise<number> {
  return Number(await connection.provider.request({ method: "eth_chainId" }));
}

/**
 * Refuses two connections to one chain for a two-chain scenario (two network names for one node,
 * or two nodes with one chain id, which the escrows on each side could not tell apart).
 * @example await checkSeparateChains(hk, thai);
 */
export async function checkSeparateChains(first: LedgerConnection, second: LedgerConnection): Promise<void> {
  const [a, b] = await Promise.all([chainIdOf(first), chainIdOf(second)]);
  if (a === b) throw new SameChainError(first.networkName, second.networkName, a);
}

/** Error codes of a transport that lost its peer: Node's sockets and undici's. */
const TRANSPORT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
/** Hardhat's "Cannot connect to the network" and "Network connection timed out". */
const HARDHAT_CONNECTION_ERRORS = new Set([703, 704]);
/** The same, as text, for libraries that keep only a message (Ignition, ethers). */
const TRANSPORT_TEXT = /\b(?:fetch failed|socket hang up|other side closed|ECONNREFUSED|ECONNRESET|EPIPE|HHE70[34])\b/;

/**
 * Whether `error` (or any of its causes) says the connection to a node failed, whatever layer
 * reported it: a socket error code, undici's "fetch failed" or "other side closed", Hardhat's
 * HHE703/HHE704, or the same words kept only in a message.
 */
export function isConnectionFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === "object" && current !== null && !seen.has(current); ) {
    seen.add(current);
    if ("code" in current && typeof current.code === "string" && TRANSPORT_CODES.has(current.code)) return true;
    if ("number" in current && typeof current.number === "number" && "name" in current && current.name === "HardhatError") {
      if (HARDHAT_CONNECTION_ERRORS.has(current.number)) return true;
    }
    if ("message" in current && typeof current.message === "string" && TRANSPORT_TEXT.test(current.message)) return true;
    current = "cause" in current ? current.cause : undefined;
  }
  return false;
}

/** Whether the node behind `connection` still answers a request (always, in-process). */
export async function stillAnswers(connection: LedgerConnection): Promise<boolean> {
  if (connection.networkConfig.type !== "http") return true;
  try {
    await connection.provider.request({ method: "eth_blockNumber" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The one place that decides whether a run failed because a node went away: if one of
 * `connections` no longer answers, or `error` is a transport failure, a `ConnectionLostError` for
 * that network and `phase`; otherwise `error` itself. So a node that dies mid-run gives one
 * message whatever the timing (ECONNREFUSED, "fetch failed", "socket hang up", Hardhat's errors,
 * or a step that failed on a half-sent request).
 */
export async function explainFailure(error: unknown, connections: readonly LedgerConnection[], phase: RunPhase): Promise<unknown> {
  // An error that already explains itself (unfunded accounts, a second chain unreachable) stays.
  if (error instanceof SandboxError && !(error instanceof StepFailedError)) return error;
  const remote = connections.filter((c) => c.networkConfig.type === "http");
  for (const connection of remote) {
    if (!(await stillAnswers(connection))) return new ConnectionLostError(connection.networkName, await urlOf(connection), phase, error);
  }
  const first = remote[0];
  if (first !== undefined && isConnectionFailure(error)) return new ConnectionLostError(first.networkName, await urlOf(first), phase, error);
  return error;
}
