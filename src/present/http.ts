import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

import { isJsonContentType, isLoopbackHost, readBody, RequestRefused, screenJsonRpc } from "./rpc-server.js";
import type { PresentCommand, PresentSession } from "./session.js";
import { RPC_PATH } from "./session.js";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

const COMMANDS: Readonly<Record<string, PresentCommand>> = {
  "/api/next": "next",
  "/api/run-to-end": "run-to-end",
  "/api/restart": "restart",
};

/**
 * What the page's `/rpc/<chain key>` answers: the reads the page makes (viem's readContract and
 * deployless multicall are `eth_call`s) and nothing that sends, signs or changes the chain. `cast`
 * or a wallet reach the in-process chain's own JSON-RPC server instead (`nodeUrl` in the state).
 */
export const PAGE_RPC_METHODS: ReadonlySet<string> = new Set(["eth_chainId", "eth_blockNumber", "eth_getBlockByNumber", "eth_getTransactionReceipt", "eth_call"]);

/** What of the presentation session the server uses. */
export type PresentServerSession = Pick<PresentSession, "current" | "subscribe" | "answererOf" | "next" | "runToEnd" | "restart">;

/** What the presenter server serves. */
export interface PresentServerOptions {
  readonly session: PresentServerSession;
  /** The built page (Vite's output folder). */
  readonly pageDir: string;
  /** 0: a free port. */
  readonly port: number;
}

/** A running presenter server. */
export interface PresentServer {
  readonly url: string;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(value));
}

/**
 * One page's event stream of the state. Each event is the whole state, so a client that reads
 * slower than states come loses nothing by skipping: while its connection has not drained, only the
 * latest state waits for it (one per stream, however many come and however slowly it reads).
 */
class EventStream {
  private draining = false;
  private pending: string | undefined;

  constructor(private readonly res: ServerResponse) {}

  send(event: string): void {
    if (this.draining) {
      this.pending = event;
      return;
    }
    if (this.res.write(event)) return;
    this.draining = true;
    this.res.once("drain", () => {
      this.draining = false;
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined) this.send(next);
    });
  }
}

/**
 * Serves the presenter page on 127.0.0.1: the built page, the state of the presentation
 * (`GET /api/state`, and `GET /api/events`, a server-sent event stream of it), the presenter's
 * commands (`POST /api/next`, `/api/run-to-end`, `/api/restart`, with a JSON content type, which a
 * page of another origin cannot send without a preflight this server never answers), and `POST /rpc/<chain key>`,
 * which forwards JSON-RPC to that chain's node, so the page reads each chain from its own origin.
 * @example const server = await servePresenter({ session, pageDir, port: 0 });
 */
export async function servePresenter(options: PresentServerOptions): Promise<PresentServer> {
  const { session, pageDir } = options;
  const streams = new Map<ServerResponse, EventStream>();
  const unsubscribe = session.subscribe((state) => {
    const event = `data: ${JSON.stringify(state)}\n\n`;
    for (const stream of streams.values()) stream.send(event);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only this machine's names for the server (a site that re-points its name at 127.0.0.1 is refused),
    if (!isLoopbackHost(req)) return json(res, 403, { error: `host ${req.headers.host ?? "(none)"} is not served; open http://127.0.0.1:${req.socket.localPort}/` });
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (req.method === "POST") {
      // and a POST only from the page itself: a browser names the page's origin on every POST it sends.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host ?? ""}`) return json(res, 403, { error: `a request from ${origin} is not served` });
      if (!isJsonContentType(req)) return json(res, 415, { error: "send a JSON content type" });
      if (path.startsWith(`${RPC_PATH}/`)) {
        const nodeUrl = session.current.chains.find((c) => c.rpcPath === path)?.nodeUrl;
        if (nodeUrl === undefined) return json(res, 404, { error: `no chain is served at ${path}` });
        const text = await readBody(req);
        const screened = screenJsonRpc(text, PAGE_RPC_METHODS);
        if (screened !== undefined) return json(res, 200, screened.refusal);
        const inProcess = session.answererOf(nodeUrl);
        if (inProcess !== undefined) {
          return json(res, 200, await inProcess(text));
        }
        const answer = await fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: text });
        res.writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(await answer.text());
        return;
      }
      const command = COMMANDS[path];
      if (command === undefined) return json(res, 404, { error: `no command ${path}` });
      await readBody(req);
      if (command === "next") session.next();
      else if (command === "run-to-end") session.runToEnd();
      else void session.restart();
      return json(res, 202, { version: session.current.version });
    }
    if (req.method !== "GET") return json(res, 405, { error: `${req.method ?? "?"} is not served` });
    if (path === "/api/state") return json(res, 200, session.current);
    if (path === "/api/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      const stream = new EventStream(res);
      stream.send(`data: ${JSON.stringify(session.current)}\n\n`);
      streams.set(res, stream);
      req.on("close", () => streams.delete(res));
      return;
    }
    const file = normalize(join(pageDir, path === "/" ? "index.html" : decodeURIComponent(path)));
    if (!file.startsWith(pageDir + sep)) return json(res, 404, { error: "not found" });
    try {
      const content = await readFile(file);
      res.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(content);
    } catch {
      json(res, 404, { error: `not found: ${path}` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res)
      .catch((error: unknown) => {
        if (res.headersSent) res.end();
        else if (error instanceof RequestRefused) json(res, error.status, { error: error.message });
        else json(res, 502, { error: error instanceof Error ? error.message : String(error) });
      })
      // A reply that cannot be written ends the connection, never the presenter.
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the presenter server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    async close() {
      unsubscribe();
      for (const res of streams.keys()) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A page still open keeps its connections: keep-alive ones, and the event stream it reopens at
      // once on another. Cut them, or close() would wait for them (a presenter stopped with Ctrl-C could hang).
      server.closeAllConnections();
      await closed;
    },
  };
}
