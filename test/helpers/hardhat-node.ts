import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

import { childEnv } from "./cli.js";

const HARDHAT_CLI = path.resolve("node_modules/hardhat/dist/src/cli.js");
const READY = /Started HTTP and WebSocket JSON-RPC server at/;

export interface RunningNode {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the node by its process id and waits until it has exited. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}

/**
 * Starts `hardhat node` as a separate process on a free port (or `port`) and resolves once it
 * serves JSON-RPC. Rejects with the node's output if it exits or takes longer than `timeoutMs`.
 */
export async function startHardhatNode(
  options: { port?: number; chainId?: number; timeoutMs?: number } = {},
): Promise<RunningNode> {
  const port = options.port ?? (await freePort());
  const args = [HARDHAT_CLI, "node", "--port", String(port)];
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child: ChildProcess = spawn(process.execPath, args, { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error("hardhat node did not start");
  const pid = child.pid;

  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`hardhat node on port ${port} not ready after ${options.timeoutMs ?? 60_000} ms:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with code ${code} before it was ready:\n${output}`));
    });
  });
  // Keep draining output so the node never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      process.kill(pid, "SIGTERM");
      await exited;
    },
  };
}

export interface RpcProxy {
  readonly url: string;
  /** Closes the proxy and every connection through it, as a node that dies does; resolves once closed. */
  stop(): Promise<void>;
}

/** The JSON-RPC methods of one request body, a single call or a batch. */
function methodsOf(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    return calls.flatMap((c: unknown) => (typeof c === "object" && c !== null && "method" in c && typeof c.method === "string" ? [c.method] : []));
  } catch {
    return [];
  }
}

export interface RpcProxyOptions {
  /** Answer `eth_accounts` with only this many accounts (plain anvil unlocks 10). */
  readonly accounts?: number;
  /** Vanish, without answering, on the first request for this method (e.g. `eth_sendTransaction`). */
  readonly dieOn?: string;
}

/**
 * A JSON-RPC proxy in front of `target` on a free port, to play a node the tests cannot start:
 * one with fewer accounts, or one that dies in the middle of a request. `stop()` closes it.
 */
export async function startRpcProxy(target: string, options: RpcProxyOptions = {}): Promise<RpcProxy> {
  const server = createHttpServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      if (options.dieOn !== undefined && methodsOf(body).includes(options.dieOn)) {
        void proxy.stop();
        return;
      }
      void (async () => {
        try {
          const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
          let text = await upstream.text();
          if (options.accounts !== undefined && methodsOf(body).join() === "eth_accounts") {
            const reply = JSON.parse(text) as { result?: unknown };
            if (Array.isArray(reply.result)) text = JSON.stringify({ ...reply, result: reply.result.slice(0, options.accounts) });
          }
          response.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
        } catch {
          response.destroy();
        }
      })();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  let closed: Promise<unknown> | undefined;
  const proxy: RpcProxy = {
    url: `http://127.0.0.1:${address.port}`,
    stop() {
      if (closed === undefined) {
        closed = once(server, "close");
        server.close();
        server.closeAllConnections();
      }
      return closed.then(() => undefined);
    },
  };
  return proxy;
}

/** Node's names for the CPUs Foundry ships anvil for, as its npm packages name them. */
const FOUNDRY_ARCH: Readonly<Partial<Record<string, string>>> = { x64: "amd64", arm64: "arm64" };
const ANVIL_READY = /Listening on 127\.0\.0\.1:\d+/;

/**
 * The anvil binary of this platform's `@foundry-rs/anvil-<os>-<cpu>` package, the optional
 * dependency of `@foundry-rs/anvil` that `npx anvil` (its bin.mjs) runs. Spawned directly, so that
 * `stop()` signals anvil itself rather than a wrapper that exits before it.
 */
export function anvilBinary(): string {
  const arch = FOUNDRY_ARCH[process.arch];
  const name = `@foundry-rs/anvil-${process.platform}-${arch ?? process.arch}`;
  try {
    return createRequire(import.meta.url).resolve(`${name}/bin/anvil${process.platform === "win32" ? ".exe" : ""}`);
  } catch (cause) {
    throw new Error(`${name} is not installed (@foundry-rs/anvil has binaries for linux and darwin on x64 and arm64, and win32 on x64): run npm ci`, { cause });
  }
}

/**
 * Starts Foundry's `anvil` on a free port (or `port`) of 127.0.0.1, with `accounts` funded dev
 * accounts (anvil's default: 10) and chain id `chainId` (default 31337), and resolves once it
 * listens. Rejects with anvil's output if it exits or takes longer than `timeoutMs`.
 * @example const node = await startAnvil({ accounts: 20, chainId: 31338 });
 */
export async function startAnvil(
  options: { port?: number; chainId?: number; accounts?: number; timeoutMs?: number } = {},
): Promise<RunningNode> {
  const port = options.port ?? (await freePort());
  const args = ["--host", "127.0.0.1", "--port", String(port)];
  if (options.accounts !== undefined) args.push("--accounts", String(options.accounts));
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  return startRpcProcess(`anvil ${args.join(" ")}`, anvilBinary(), args, port, ANVIL_READY, options.timeoutMs ?? 30_000);
}

/** Spawns `command args`, resolves once its output matches `ready`, and stops it by its pid. */
async function startRpcProcess(
  label: string,
  command: string,
  args: readonly string[],
  port: number,
  ready: RegExp,
  timeoutMs: number,
): Promise<RunningNode> {
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`${label} did not start`);
  const pid = child.pid;

  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${label} not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with code ${code} before it was ready:\n${output}`));
    });
  });
  // Stop collecting, but keep draining (anvil logs every request) so the node never blocks on a full pipe.
  child.stdout?.removeAllListeners("data").resume();
  child.stderr?.removeAllListeners("data").resume();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      process.kill(pid, "SIGTERM");
      await exited;
    },
  };
}
