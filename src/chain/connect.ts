import hre, { network } from "hardhat";

import { MissingConfigurationVariableError, NetworkUnreachableError, UnknownNetworkError } from "../cli/errors.js";
import type { LedgerConnection } from "./deploy.js";

/**
 * Connects to network `name` from hardhat.config.ts (the in-process network when undefined, with
 * `inProcess.chainId` if given, e.g. for the second chain of a cross-chain scenario) and
 * checks that it answers, turning Hardhat's and the transport's errors into one-line errors.
 */
export async function connectTo(
  name: string | undefined,
  inProcess: { readonly chainId?: number } = {},
): Promise<LedgerConnection> {
  const configured = Object.keys(hre.config.networks);
  if (name !== undefined && !configured.includes(name)) throw new UnknownNetworkError(name, configured);
  let connection: LedgerConnection;
  try {
    connection = await network.create(
      name === undefined
        ? inProcess.chainId === undefined
          ? undefined
          : { override: { chainId: inProcess.chainId } }
        : { network: name },
    );
  } catch (cause) {
    const missing = /Configuration Variable "([A-Z0-9_]+)" not found/.exec(cause instanceof Error ? cause.message : "");
    if (missing !== null) throw new MissingConfigurationVariableError(name ?? "default", missing[1], cause);
    throw cause;
  }
  try {
    await connection.ethers.provider.getBlockNumber();
  } catch (cause) {
    const config = connection.networkConfig;
    const url = config.type === "http" ? await config.url.get().catch(() => "(unresolved URL)") : "(in-process)";
    await connection.close().catch(() => undefined);
    throw new NetworkUnreachableError(connection.networkName, url, cause);
  }
  return connection;
}
