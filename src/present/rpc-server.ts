import { createServer, type IncomingMessage, type Server } from "node:http";

import type { EthereumProvider } from "hardhat/types/providers";

/** A JSON-RPC 2.0 response: the result, or the error with the code and data the provider gave. */
type JsonRpcResponse =
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly result: unknown }
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } };

/** JSON-RPC's own error codes for a request that cannot be read or answered. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INTERNAL_ERROR = -32603;

/** Largest request body either presenter server reads (a scenario's largest honest request is a few KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most requests one JSON-RPC batch may hold (viem batches the page's reads far below it). */
export const MAX_BATCH = 1000;

/** A JSON-RPC id as JSON-RPC 2.0 allows it: a string, a number or null. */
const isJsonRpcId = (id: unknown): id is string | number | null => id === null || typeof id === "string" || typeof id === "number";
/** The code of a reverted call, whose error data is the revert data in hex (as geth, anvil and `hardhat node` answer). */
const REVERT = 3;

/** The revert data a provider's error carries: its `data`, or the `data` inside it. */
function returnData(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const { data } = error;
  if (typeof data === "string") return data;
  if (typeof data === "object" && data !== null && "data" in data && typeof data.data === "string") return data.data;
  return undefined;
}

const failure = (id: unknown, code: number, message: string, data?: unknown): JsonRpcResponse => ({
  jsonrpc: "2.0",
  id,
  error: data === undefined ? { code, message } : { code, message, data },
});

/** A request that reads as JSON-RPC 2.0: its id, method and positional parameters. */
interface CheckedRequest {
  readonly id: string | number | null;
  readonly method: string;
  readonly params: unknown[];
}

/**
 * Reads one request of a payload, or the error response it gets: not an object, an id that is not a
 * string, a number or null (refused, not echoed: a deeply nested one would not even serialise back),
 * no method, or (with `methods`) a method not in the set (-32601).
 */
function checkRequest(request: unknown, methods?: ReadonlySet<string>): CheckedRequest | JsonRpcResponse {
  if (typeof request !== "object" || request === null || Array.isArray(request)) return failure(null, INVALID_REQUEST, "a JSON-RPC request is an object");
  const id = "id" in request ? request.id : null;
  if (!isJsonRpcId(id)) return failure(null, INVALID_REQUEST, "a JSON-RPC id is a string, a number or null");
  if (!("method" in request) || typeof request.method !== "string") return failure(id, INVALID_REQUEST, "a JSON-RPC request needs a method");
  if (methods !== undefined && !methods.has(request.method)) {
    return failure(id, METHOD_NOT_FOUND, `${request.method} is not served here; this endpoint answers ${[...methods].join(", ")}`);
  }
  return { id, method: request.method, params: "params" in request && Array.isArray(request.params) ? (request.params as unknown[]) : [] };
}

const isResponse = (checked: CheckedRequest | JsonRpcResponse): checked is JsonRpcResponse => "jsonrpc" in checked;

/** Answers one JSON-RPC request with `provider`, its error (a revert's data included) passed on as the provider raised it. */
async function answerOne(provider: EthereumProvider, request: unknown): Promise<JsonRpcResponse> {
  const checked = checkRequest(request);
  if (isResponse(checked)) return checked;
  const { id, method, params } = checked;
  try {
    return { jsonrpc: "2.0", id, result: await provider.request({ method, params }) };
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "number" ? error.code : INTERNAL_ERROR;
    return failure(id, code, error instanceof Error ? error.message : String(error), code === REVERT ? returnData(error) : undefined);
  }
}

/**
 * Parses JSON-RPC text: the requests it holds (one, or a batch of 1 to `MAX_BATCH`), or the error
 * response it gets instead (parse error, empty or oversized batch).
 */
function parseJsonRpc(text: string): { readonly requests: readonly unknown[]; readonly batch: boolean } | { readonly refused: JsonRpcResponse } {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { refused: failure(null, PARSE_ERROR, `Parse error: ${error instanceof Error ? error.message : String(error)}`) };
  }
  if (!Array.isArray(payload)) return { requests: [payload], batch: false };
  if (payload.length === 0) return { refused: failure(null, INVALID_REQUEST, "an empty batch") };
  if (payload.length > MAX_BATCH) return { refused: failure(null, INVALID_REQUEST, `a batch of ${payload.length} requests; send at most ${MAX_BATCH} at once`) };
  return { requests: payload, batch: true };
}

/**
 * Answers the JSON-RPC text `text` — one request or a batch, as JSON-RPC 2.0 defines them — with
 * `provider`: a batch's requests are answered together, in their order; text that is not JSON gets
 * JSON-RPC's parse error. The presenter page's reads of an in-process chain come here straight from
 * its own server, without a second HTTP hop.
 */
export async function answerJsonRpc(provider: EthereumProvider, text: string): Promise<unknown> {
  const parsed = parseJsonRpc(text);
  if ("refused" in parsed) return parsed.refused;
  const answers = await Promise.all(parsed.requests.map((request) => answerOne(provider, request)));
  return parsed.batch ? answers : answers[0];
}

/**
 * What an endpoint that serves only `methods` does with the JSON-RPC text `text`: undefined when
 * every request in it is well formed and for one of those methods (send it on as it is); otherwise
 * the answer to give instead, sending nothing — each offending request its error (-32601 for a
 * method not served), and each other request of that batch "not sent", so a batch is never half run.
 */
export function screenJsonRpc(text: string, methods: ReadonlySet<string>): { readonly refusal: unknown } | undefined {
  const parsed = parseJsonRpc(text);
  if ("refused" in parsed) return { refusal: parsed.refused };
  const checked = parsed.requests.map((request) => checkRequest(request, methods));
  if (!checked.some(isResponse)) return undefined;
  const answers = checked.map((c) => (isResponse(c) ? c : failure(c.id, INVALID_REQUEST, "not sent: its batch holds a request this endpoint refuses")));
  return { refusal: parsed.batch ? answers : answers[0] };
}

/** A request the presenter's servers refuse before reading it: the HTTP status and why. */
export class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "RequestRefused";
  }
}

/** Reads a request body of at most `MAX_BODY_BYTES` (a larger one is refused with 413, and not read further). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new RequestRefused(413, `a request body of ${declared} bytes; at most ${MAX_BODY_BYTES} are read`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestRefused(413, `a request body over ${MAX_BODY_BYTES} bytes; at most ${MAX_BODY_BYTES} are read`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Whether the request's content type is `application/json` (any case, any parameters such as a charset). */
export function isJsonContentType(req: IncomingMessage): boolean {
  const [mediaType = ""] = (req.headers["content-type"] ?? "").split(";");
  return mediaType.trim().toLowerCase() === "application/json";
}

/**
 * Whether the request names this server as its host: `127.0.0.1`, `localhost` or `[::1]` with the
 * port the connection came in on. A page of another site that re-points its own name at 127.0.0.1
 * (DNS rebinding) is same-origin with itself, not with this server, and its requests carry its own
 * name: refused.
 */
export function isLoopbackHost(req: IncomingMessage): boolean {
  const port = req.socket.localPort;
  const host = (req.headers.host ?? "").toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** An in-process chain served over HTTP. */
export interface JsonRpcServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `provider` (an in-process Hardhat network) as a JSON-RPC node on `hostname` (a free port
 * when `port` is 0), so that a browser page, `cast` or a wallet reads the very chain the presenter
 * runs on. The presenter's own runner keeps using `provider` directly. (Hardhat's `network.createServer`
 * serves a connection of its own, which the runner could then reach only over HTTP: each of its
 * thousands of requests a scenario sends through the HTTP and JSON layers twice.)
 * @example const server = await serveJsonRpc(connection.provider, "127.0.0.1", 0);
 */
export async function serveJsonRpc(provider: EthereumProvider, hostname: string, port: number): Promise<JsonRpcServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, value: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    // Its accounts are unlocked: only this machine's own names for it are served (no DNS rebinding),
    if (!isLoopbackHost(req)) return reply(403, failure(null, INVALID_REQUEST, `host ${req.headers.host ?? "(none)"} is not served; use http://127.0.0.1:${req.socket.localPort}`));
    if (req.method !== "POST") return reply(405, failure(null, INVALID_REQUEST, `${req.method ?? "?"}: send JSON-RPC with POST`));
    // and a page of another origin cannot send this content type without a preflight, which is never
    // answered: no website the presenter's browser opens can send transactions from the unlocked accounts.
    if (!isJsonContentType(req)) {
      return reply(415, failure(null, INVALID_REQUEST, "send JSON-RPC with the content type application/json"));
    }
    readBody(req)
      .then((text) => answerJsonRpc(provider, text))
      .then(
        (answer) => reply(200, answer),
        (error: unknown) =>
          error instanceof RequestRefused
            ? reply(error.status, failure(null, INVALID_REQUEST, error.message))
            : reply(500, failure(null, INTERNAL_ERROR, error instanceof Error ? error.message : String(error))),
      )
      // A reply that cannot be written (the client went away) ends the connection, never the process.
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the JSON-RPC server has no TCP address");
  return {
    url: `http://${hostname}:${address.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
