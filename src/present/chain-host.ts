import { network } from "hardhat";

import { connectTo, urlOf } from "../chain/connect.js";
import type { LedgerConnection } from "../chain/connection.js";

/** The node a presentation runs on: where it answers JSON-RPC, a connection to it, and a way back to the state before the first deployment. */
export interface ChainHost {
  /** The node's JSON-RPC URL (the page reads the chain through it). */
  readonly rpcUrl: string;
  /** Where the ledger runs, in words. */
  readonly description: string;
  readonly connection: LedgerConnection;
  /** Returns the chain to the state it had when the host started (`evm_snapshot` / `evm_revert`), clock included. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function snapshot(connection: LedgerConnection): Promise<string> {
  const id: unknown = await connection.provider.request({ method: "evm_snapshot" });
  if (typeof id !== "string") throw new Error(`evm_snapshot returned ${String(id)}, not a snapshot id`);
  return id;
}

/**
 * Starts the chain for a presentation. Without a network name, Hardhat's in-process network, served
 * over HTTP on 127.0.0.1 (a free port) by Hardhat's own JSON-RPC server (`network.createServer`, as
 * `hardhat node` does), and reached as network `localhost` at that URL, so the runner and the page
 * read one and the same chain. With a name (e.g. `localhost`: `npx hardhat node` or anvil), that
 * network as `connectTo` checks it.
 * @example const host = await startChainHost(undefined); await host.reset();
 */
export async function startChainHost(networkName: string | undefined): Promise<ChainHost> {
  if (networkName === undefined) {
    const server = await network.createServer(undefined, "127.0.0.1", 0);
    const { port } = await server.listen();
    const rpcUrl = `http://127.0.0.1:${port}`;
    // `localhost` reads its URL from this variable when it connects (hardhat.config.ts).
    process.env.SANDBOX_LOCALHOST_URL = rpcUrl;
    try {
      const connection = await connectTo("localhost");
      return hostOn(connection, rpcUrl, `in-process (Hardhat), served at ${rpcUrl}`, () => server.close());
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  const connection = await connectTo(networkName);
  const rpcUrl = await urlOf(connection);
  if (connection.networkConfig.type !== "http") {
    await connection.close();
    throw new Error(`network "${networkName}" is not a JSON-RPC node the page can read; use localhost or leave --network out`);
  }
  return hostOn(connection, rpcUrl, `network "${networkName}" at ${rpcUrl}`, async () => undefined);
}

async function hostOn(connection: LedgerConnection, rpcUrl: string, description: string, stop: () => Promise<void>): Promise<ChainHost> {
  let id = await snapshot(connection);
  return {
    rpcUrl,
    description,
    connection,
    async reset() {
      const reverted: unknown = await connection.provider.request({ method: "evm_revert", params: [id] });
      if (reverted !== true) throw new Error(`the node did not return to its opening state (evm_revert ${id} returned ${String(reverted)})`);
      // A snapshot is used up by reverting to it: take it again for the next restart.
      id = await snapshot(connection);
    },
    async close() {
      await connection.close();
      await stop();
    },
  };
}
