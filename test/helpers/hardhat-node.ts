import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
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
