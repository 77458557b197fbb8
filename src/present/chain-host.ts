import { connectTo, urlOf } from "../chain/connect.js";
import type { LedgerConnection } from "../chain/connection.js";
import { UsageError } from "../errors/base.js";
import { answerJsonRpc, serveJsonRpc } from "./rpc-server.js";

/** One chain of a presentation: its node's JSON-RPC URL (the page reads the chain through it) and a connection to it. */
export interface HostedChain {
  readonly rpcUrl: string;
  readonly connection: LedgerConnection;
  /** For an in-process chain: answers JSON-RPC text from its provider directly (what `rpcUrl` serves), without an HTTP hop. */
  readonly answer?: (text: string) => Promise<unknown>;
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

/** The chain id of each in-process chain, as `npm run scenario` makes them: the second is 31338. */
const IN_PROCESS_CHAIN_IDS = [undefined, 31338] as const;

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
 * `npm run scenario` makes it): the runner uses the connection itself, as `npm run scenario` does,
 * and the same provider is served over HTTP on 127.0.0.1 (a free port), so that the page — and
 * `cast` or a wallet — read the very chain the runner writes.
 */
async function serveInProcess(index: number): Promise<StartedChain> {
  const chainId = IN_PROCESS_CHAIN_IDS[index];
  const connection = await connectTo(undefined, chainId === undefined ? {} : { chainId });
  try {
    const server = await serveJsonRpc(connection.provider, "127.0.0.1", 0);
    return {
      rpcUrl: server.url,
      connection,
      answer: (text) => answerJsonRpc(connection.provider, text),
      stop: () => server.close(),
    };
  } catch (error) {
    await connection.close();
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
    const [first, ...rest] = started.map(({ rpcUrl, connection, answer }): HostedChain => ({ rpcUrl, connection, ...(answer === undefined ? {} : { answer }) }));
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
