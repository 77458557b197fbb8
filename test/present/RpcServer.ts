import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";

import type { LedgerConnection } from "../../src/chain/connection.js";
import { answerJsonRpc, MAX_BATCH, MAX_BODY_BYTES, serveJsonRpc, type JsonRpcServer } from "../../src/present/rpc-server.js";
import { rawPost } from "../helpers/rpc.js";

/**
 * The presenter's JSON-RPC server for an in-process chain (src/present/rpc-server.ts): the provider
 * the runner writes to, served over HTTP for the page, `cast` or a wallet, and answered without HTTP
 * for the page's own server. Requests, batches, a revert with its data as a node gives it, and bad input.
 */

interface Reply {
  readonly jsonrpc: string;
  readonly id: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

async function post(url: string, body: string, method = "POST", contentType = "application/json"): Promise<{ status: number; reply: unknown }> {
  const response = await fetch(url, { method, headers: { "content-type": contentType }, ...(method === "POST" ? { body } : {}) });
  return { status: response.status, reply: await response.json() };
}

describe("JSON-RPC server of an in-process chain (presenter)", function () {
  let connection: LedgerConnection;
  let server: JsonRpcServer;

  before(async function () {
    connection = await network.create();
    server = await serveJsonRpc(connection.provider, "127.0.0.1", 0);
  });

  after(async function () {
    await server?.close();
    await connection?.close();
  });

  it("serves the very chain the connection writes: a transaction sent through the connection is read over HTTP", async function () {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const [from, to] = await connection.ethers.getSigners();
    const tx = await from.sendTransaction({ to: to.address, value: 1n });
    const { reply } = await post(server.url, JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_getTransactionReceipt", params: [tx.hash] }));
    expect((reply as Reply).id).to.equal(7);
    expect((reply as Reply & { result: { status: string; transactionHash: string } }).result).to.include({ status: "0x1", transactionHash: tx.hash });
    // ethers reads it as a node.
    const client = new JsonRpcProvider(server.url, undefined, { staticNetwork: true });
    try {
      expect(await client.getBalance(to.address)).to.equal(await connection.ethers.provider.getBalance(to.address));
      expect((await client.getNetwork()).chainId).to.equal(31337n);
    } finally {
      client.destroy();
    }
  });

  it("answers a batch in its order, each request with its own id, one failure not failing the others", async function () {
    const batch = [
      { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
      { jsonrpc: "2.0", id: "two", method: "no_suchMethod", params: [] },
      { jsonrpc: "2.0", id: 3, method: "eth_blockNumber" },
    ];
    const { status, reply } = await post(server.url, JSON.stringify(batch));
    expect(status).to.equal(200);
    const replies = reply as Reply[];
    expect(replies.map((r) => r.id)).to.deep.equal([1, "two", 3]);
    expect(replies[0].result).to.equal("0x7a69");
    expect(replies[1].error?.code).to.be.a("number");
    expect(replies[1].error?.message).to.match(/no_suchMethod/);
    expect(replies[2].result).to.match(/^0x[0-9a-f]+$/);
    // The same text answered in this process (the page's server) is the same answer.
    expect(await answerJsonRpc(connection.provider, JSON.stringify(batch.slice(0, 1)))).to.deep.equal([replies[0]]);
  });

  it("a reverted call: code 3 and the revert data in hex, as `hardhat node` and anvil answer", async function () {
    const [admin, stranger] = await connection.ethers.getSigners();
    const registry = await connection.ethers.deployContract("ParticipantRegistry", [admin.address]);
    const data = registry.interface.encodeFunctionData("setFrozen", [stranger.address, true]);
    const call = { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ from: stranger.address, to: await registry.getAddress(), data }, "latest"] };
    const { reply } = await post(server.url, JSON.stringify(call));
    const error = (reply as Reply).error;
    expect(error?.code).to.equal(3);
    const selector = registry.interface.getError("AccessControlUnauthorizedAccount")?.selector;
    expect(error?.data).to.be.a("string").that.satisfies((hex: string) => hex.startsWith(selector ?? "?"));
    // ethers decodes it as it would from any node.
    const client = new JsonRpcProvider(server.url, undefined, { staticNetwork: true });
    try {
      const failed = await client.call({ from: stranger.address, to: await registry.getAddress(), data }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(registry.interface.parseError((failed as { data: string }).data)?.name).to.equal("AccessControlUnauthorizedAccount");
    } finally {
      client.destroy();
    }
  });

  it("bad input: text that is not JSON gets a parse error, a request without a method or an empty batch an invalid request, a GET 405", async function () {
    const parse = await post(server.url, "{not json");
    expect((parse.reply as Reply).error?.code).to.equal(-32700);
    expect((await post(server.url, JSON.stringify({ jsonrpc: "2.0", id: 1 }))).reply).to.have.nested.property("error.code", -32600);
    expect((await post(server.url, "[]")).reply).to.have.nested.property("error.code", -32600);
    const get = await post(server.url, "", "GET");
    expect(get.status).to.equal(405);
    expect(get.reply).to.have.nested.property("error.code", -32600);
  });

  it("refuses a request without the JSON content type (what a page of another origin can send without a preflight): nothing is sent", async function () {
    const [from, to] = await connection.ethers.getSigners();
    const nonce = await connection.ethers.provider.getTransactionCount(from.address);
    const send = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from: from.address, to: to.address, value: "0x1" }] });
    const refused = await post(server.url, send, "POST", "text/plain");
    expect(refused.status).to.equal(415);
    expect(refused.reply).to.have.nested.property("error.code", -32600);
    expect(await connection.ethers.provider.getTransactionCount(from.address)).to.equal(nonce);
  });

  describe("hostile requests (its accounts are unlocked)", function () {
    const sendOne = async (): Promise<{ readonly body: string; readonly from: string; readonly nonce: number }> => {
      const [from, to] = await connection.ethers.getSigners();
      return {
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from: from.address, to: to.address, value: "0x1" }] }),
        from: from.address,
        nonce: await connection.ethers.provider.getTransactionCount(from.address),
      };
    };
    const port = (): string => new URL(server.url).port;

    it("a request naming another host (a site that re-points its name at 127.0.0.1: DNS rebinding) gets 403, and nothing is sent", async function () {
      const { body, from, nonce } = await sendOne();
      const rebound = await rawPost(server.url, body, { host: `attacker.example:${port()}`, origin: `http://attacker.example:${port()}`, "content-type": "application/json" });
      expect(rebound.status).to.equal(403);
      expect(JSON.parse(rebound.text)).to.have.nested.property("error.code", -32600);
      expect((await rawPost(server.url, body, { host: "127.0.0.1:1", "content-type": "application/json" })).status, "another port").to.equal(403);
      expect(await connection.ethers.provider.getTransactionCount(from)).to.equal(nonce);
      // The machine's own names for it are served.
      for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`]) {
        const read = await rawPost(server.url, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_chainId" }), { host, "content-type": "application/json" });
        expect(read.status, host).to.equal(200);
        expect(JSON.parse(read.text)).to.deep.equal({ jsonrpc: "2.0", id: 2, result: "0x7a69" });
      }
    });

    it("the content type is read as a media type: any case and a charset are JSON, application/jsonx is not", async function () {
      const chainId = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_chainId" });
      expect((await post(server.url, chainId, "POST", "Application/JSON; charset=utf-8")).status).to.equal(200);
      const { body, from, nonce } = await sendOne();
      expect((await post(server.url, body, "POST", "application/jsonx")).status).to.equal(415);
      expect(await connection.ethers.provider.getTransactionCount(from)).to.equal(nonce);
    });

    it("an id that is not a string, a number or null gets -32600 with id null, and the server keeps answering (a deeply nested one used to crash the presenter)", async function () {
      const depth = 20_000;
      const nested = `{"jsonrpc":"2.0","method":"eth_chainId","id":${"[".repeat(depth)}${"]".repeat(depth)}}`;
      const refused = await post(server.url, nested);
      expect(refused.status).to.equal(200);
      expect(refused.reply).to.deep.include({ jsonrpc: "2.0", id: null });
      expect(refused.reply).to.have.nested.property("error.code", -32600);
      expect((await post(server.url, JSON.stringify({ jsonrpc: "2.0", id: { a: 1 }, method: "eth_chainId" }))).reply).to.have.nested.property("error.code", -32600);
      expect((await post(server.url, JSON.stringify({ jsonrpc: "2.0", id: "four", method: "eth_chainId" }))).reply).to.deep.equal({ jsonrpc: "2.0", id: "four", result: "0x7a69" });
    });

    it(`a body over ${MAX_BODY_BYTES} bytes gets 413 unread, and a batch over ${MAX_BATCH} requests -32600; nothing of either is run`, async function () {
      const { from, nonce } = await sendOne();
      const huge = await rawPost(server.url, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), { host: `127.0.0.1:${port()}`, "content-type": "application/json" });
      expect(huge.status).to.equal(413);
      const [, to] = await connection.ethers.getSigners();
      const sends = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_sendTransaction", params: [{ from, to: to.address, value: "0x1" }] }));
      const batch = await post(server.url, JSON.stringify(sends));
      expect(batch.reply).to.have.nested.property("error.code", -32600);
      expect(await connection.ethers.provider.getTransactionCount(from)).to.equal(nonce);
      // At the limit, a batch is answered.
      const reads = Array.from({ length: MAX_BATCH }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
      const answered = (await post(server.url, JSON.stringify(reads))).reply as Reply[];
      expect(answered).to.have.length(MAX_BATCH);
      expect(answered.every((r, i) => r.id === i && r.result === "0x7a69")).to.equal(true);
    });
  });

  it("close() stops it: the port no longer answers", async function () {
    const other = await serveJsonRpc(connection.provider, "127.0.0.1", 0);
    await other.close();
    const refused = await fetch(other.url, { method: "POST", body: "{}" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(Error);
  });
});
