import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import path from "node:path";

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
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
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
