import { createServer, type IncomingMessage, type Server } from "node:http";

import type { EthereumProvider } from "hardhat/types/providers";

/** A JSON-RPC 2.0 response: the result, or the error with the code and data the provider gave. */
type JsonRpcResponse =
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly result: unknown }
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } };

/** JSON-RPC's own error codes for a request that cannot be read. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
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

/** Answers one JSON-RPC request with `provider`, its error (a revert's data included) passed on as the provider raised it. */
async function answerOne(provider: EthereumProvider, request: unknown): Promise<JsonRpcResponse> {
  if (typeof request !== "object" || request === null || !("method" in request) || typeof request.method !== "string") {
    return failure(null, INVALID_REQUEST, "a JSON-RPC request needs a method");
  }
  const id = "id" in request ? request.id : null;
  const params = "params" in request && Array.isArray(request.params) ? (request.params as unknown[]) : [];
  try {
    return { jsonrpc: "2.0", id, result: await provider.request({ method: request.method, params }) };
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "number" ? error.code : INTERNAL_ERROR;
    return failure(id, code, error instanceof Error ? error.message : String(error), code === REVERT ? returnData(error) : undefined);
  }
}

/**
 * Answers the JSON-RPC text `text` — one request or a batch, as JSON-RPC 2.0 defines them — with
 * `provider`: a batch's requests are answered together, in their order; text that is not JSON gets
 * JSON-RPC's parse error. The presenter page's reads of an in-process chain come here straight from
 * its own server, without a second HTTP hop.
 */
export async function answerJsonRpc(provider: EthereumProvider, text: string): Promise<unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return failure(null, PARSE_ERROR, `Parse error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(payload)) return answerOne(provider, payload);
  if (payload.length === 0) return failure(null, INVALID_REQUEST, "an empty batch");
  return Promise.all(payload.map((request: unknown) => answerOne(provider, request)));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
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
    if (req.method !== "POST") return reply(405, failure(null, INVALID_REQUEST, `${req.method ?? "?"}: send JSON-RPC with POST`));
    // A page of another origin cannot send this content type without a preflight, which is never
    // answered: no website the presenter's browser opens can send transactions from the unlocked accounts.
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
      return reply(415, failure(null, INVALID_REQUEST, "send JSON-RPC with the content type application/json"));
    }
    readBody(req)
      .then((text) => answerJsonRpc(provider, text))
      .then(
        (answer) => reply(200, answer),
        (error: unknown) => reply(500, failure(null, INTERNAL_ERROR, error instanceof Error ? error.message : String(error))),
      );
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
