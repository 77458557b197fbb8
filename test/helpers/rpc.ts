import { request as httpRequest } from "node:http";

/** Plain JSON-RPC to a node, for checks that must see exactly what the node answers (e.g. `null` for a transaction it does not have). */

/** A JSON-RPC reply: a result, or an error. */
interface RpcReply {
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

/** Calls `method` with `params` on the node at `url` and returns its result; throws its error. */
export async function rpc(url: string, method: string, params: readonly unknown[] = []): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const reply = (await response.json()) as RpcReply;
  if (reply.error !== undefined) throw new Error(`${method} on ${url}: ${reply.error.message} (${reply.error.code})`);
  return reply.result;
}

/** The receipt of transaction `hash` on the node at `url` (its status as the node gives it, "0x1" or "0x0"), or null if the node has no such transaction. */
export async function receiptOf(url: string, hash: string): Promise<{ readonly status: string } | null> {
  return (await rpc(url, "eth_getTransactionReceipt", [hash])) as { readonly status: string } | null;
}

/** A POST with headers fetch will not send as given (Host), and its status and body text. */
export function rawPost(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-length": String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    req.end(body);
  });
}
