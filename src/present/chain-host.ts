import { network } from "hardhat";

import { connectTo, urlOf } from "../chain/connect.js";
import type { LedgerConnection } from "../chain/connection.js";
import { UsageError } from "../errors/base.js";

/** One chain of a presentation: its node's JSON-RPC URL (the page reads the chain through it) and a connection to it. */
export interface HostedChain {
  readonly rpcUrl: string;
  readonly connection: LedgerConnection;
}

/** The nodes a presentation runs on, one per chain of the scenario, and a way back to the state before the first deployment. */
export interface ChainHost {
  /** The first (Hong Kong) chain, then, for a two-chain scenario, the second. */
  readonly chains: readonly [HostedChain, ...HostedChain[]];
  /** Where the ledger runs, in words. */
  readonly description: string;
  /** Returns every chain to the state it had when the host started (`evm_snapshot` / `evm_revert`), clocks included. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How the in-process chains are reached once served over HTTP: as the networks of hardhat.config.ts
 * whose URL is a configuration variable, set here to the server's URL before connecting (so
 * `npm run scenario` and every other process keep their own), with the chain id the network names.
 */
const IN_PROCESS = [
  { network: "localhost", urlVariable: "SANDBOX_LOCALHOST_URL", chainId: undefined },
  { network: "thaiLocalhost", urlVariable: "SANDBOX_THAI_URL", chainId: 31338 },
] as const;

/** A chain of the host before its snapshot: the chain, and what stops it. */
interface StartedChain extends HostedChain {
  stop(): Promise<void>;
}

async function snapshot(connection: LedgerConnection): Promise<string> {
  const id: unknown = await connection.provider.request({ method: "evm_snapshot" });
  if (typeof id !== "string") throw new Error(`evm_snapshot returned ${String(id)}, not a snapshot id`);
  return id;
}

/**
 * Hardhat's in-process network number `index` (the second with chain id 31338, as
 * `npm run scenario` makes it), served over HTTP on 127.0.0.1 (a free port) by Hardhat's own
 * JSON-RPC server (`network.createServer`, as `hardhat node` does), and reached as network
 * `localhost` (`thaiLocalhost`) at that URL, so the runner and the page read one and the same chain.
 */
async function serveInProcess(index: number): Promise<StartedChain> {
  const { network: name, urlVariable, chainId } = IN_PROCESS[index];
  const server = await network.createServer(chainId === undefined ? undefined : { override: { chainId } }, "127.0.0.1", 0);
  const { port } = await server.listen();
  const rpcUrl = `http://127.0.0.1:${port}`;
  process.env[urlVariable] = rpcUrl;
  try {
    const connection = await connectTo(name);
    return { rpcUrl, connection, stop: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** Network `name` of hardhat.config.ts, as `connectTo` checks it; only a JSON-RPC node, which the page can read. */
async function connectNamed(name: string): Promise<StartedChain> {
  const connection = await connectTo(name);
  if (connection.networkConfig.type !== "http") {
    await connection.close();
    throw new UsageError(`network "${name}" is not a JSON-RPC node the page can read; name one such as localhost (localhost,thaiLocalhost for two chains), or leave --network out`);
  }
  return { rpcUrl: await urlOf(connection), connection, stop: async () => undefined };
}

function describeHost(chains: readonly HostedChain[], networks: readonly string[] | undefined): string {
  const urls = chains.map((c) => c.rpcUrl);
  if (networks === undefined) {
    return chains.length === 1 ? `in-process (Hardhat), served at ${urls[0]}` : `two in-process Hardhat networks, served at ${urls.join(" and ")}`;
  }
  const named = networks.map((n, i) => `"${n}" at ${urls[i]}`);
  return chains.length === 1 ? `network ${named[0]}` : `networks ${named.join(" and ")}`;
}

/**
 * Starts the chains of a presentation, `chainCount` of them: without network names, Hardhat's
 * in-process networks, each served over HTTP; with names (`networksFor`'s, one per chain, e.g.
 * `localhost` for `npx hardhat node` or anvil), those networks. Takes a snapshot of each, which
 * `reset()` returns to.
 * @example const host = await startChainHost(undefined, 2); await host.reset();
 */
export async function startChainHost(networks: readonly string[] | undefined, chainCount: 1 | 2): Promise<ChainHost> {
  if (networks !== undefined && networks.length !== chainCount) throw new Error(`unreachable: ${networks.length} networks for ${chainCount} chains`);
  const started: StartedChain[] = [];
  const stopAll = async (): Promise<void> => {
    for (const chain of [...started].reverse()) {
      await chain.connection.close();
      await chain.stop();
    }
  };
  try {
    for (let i = 0; i < chainCount; i++) started.push(networks === undefined ? await serveInProcess(i) : await connectNamed(networks[i]));
    const snapshots = await Promise.all(started.map((c) => snapshot(c.connection)));
    const [first, ...rest] = started.map(({ rpcUrl, connection }) => ({ rpcUrl, connection }));
    return {
      chains: [first, ...rest],
      description: describeHost(started, networks),
      async reset() {
        for (const [i, { connection }] of started.entries()) {
          const reverted: unknown = await connection.provider.request({ method: "evm_revert", params: [snapshots[i]] });
          if (reverted !== true) throw new Error(`${connection.networkName} did not return to its opening state (evm_revert ${snapshots[i]} returned ${String(reverted)})`);
          // A snapshot is used up by reverting to it: take it again for the next restart.
          snapshots[i] = await snapshot(connection);
        }
      },
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
