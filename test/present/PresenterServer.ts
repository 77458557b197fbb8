import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import type { LedgerConnection } from "../../src/chain/connection.js";
import { PAGE_RPC_METHODS, servePresenter, type PresentServer, type PresentServerSession } from "../../src/present/http.js";
import { answerJsonRpc, MAX_BODY_BYTES } from "../../src/present/rpc-server.js";
import type { PresentChain, PresentState } from "../../src/present/state.js";
import { rawPost } from "../helpers/rpc.js";

/**
 * The presenter's page server (src/present/http.ts) under hostile requests, without a browser: a
 * session stand-in that records its commands, over a real in-process chain whose accounts are
 * unlocked. Only this machine's names for the server are served (no DNS rebinding), a POST only from
 * the page's own origin, the page's `/rpc/<chain>` only the reads the page makes, bodies up to
 * `MAX_BODY_BYTES`, and an event stream that is not read is cut off rather than buffered.
 */

const RPC_PATH = "/rpc/hk";

/** A session stand-in: the state it is given, the commands it receives, the listeners it has. */
class RecordingSession implements PresentServerSession {
  readonly commands: string[] = [];
  readonly listeners = new Set<(state: PresentState) => void>();
  constructor(
    readonly current: PresentState,
    private readonly answer: (text: string) => Promise<unknown>,
  ) {}
  subscribe(listener: (state: PresentState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  next(): void {
    this.commands.push("next");
  }
  runToEnd(): void {
    this.commands.push("run-to-end");
  }
  restart(): Promise<void> {
    this.commands.push("restart");
    return Promise.resolve();
  }
  answererOf(nodeUrl: string): ((text: string) => Promise<unknown>) | undefined {
    return nodeUrl === this.current.chains[0]?.nodeUrl ? this.answer : undefined;
  }
}

function stateWith(chain: PresentChain): PresentState {
  return {
    version: 1,
    runId: 1,
    phase: "waiting",
    scenario: { name: "stand-in", description: "a session stand-in" },
    network: "in-process (Hardhat)",
    chains: [chain],
    total: 0,
    steps: [],
    ok: true,
  };
}

describe("presenter page server: hostile requests", function () {
  let connection: LedgerConnection;
  let session: RecordingSession;
  let server: PresentServer;
  let pageDir: string;
  let host: string;

  before(async function () {
    connection = await network.create();
    pageDir = await mkdtemp(join(tmpdir(), "presenter-page-"));
    await writeFile(join(pageDir, "index.html"), "<!doctype html><title>page</title>");
    const chain: PresentChain = {
      key: "hk",
      name: "Hong Kong chain",
      network: "hardhat",
      chainId: 31337,
      participants: [],
      tokens: [],
      contracts: [],
      holders: [],
      nodeUrl: "http://127.0.0.1:1",
      rpcPath: RPC_PATH,
    };
    session = new RecordingSession(stateWith(chain), (text) => answerJsonRpc(connection.provider, text));
    server = await servePresenter({ session, pageDir, port: 0 });
    host = new URL(server.url).host;
  });

  after(async function () {
    await server?.close();
    await connection?.close();
    await rm(pageDir, { recursive: true, force: true });
  });

  const json = { "content-type": "application/json" };
  const nonceOf = async (): Promise<{ readonly from: string; readonly to: string; readonly nonce: number }> => {
    const [from, to] = await connection.ethers.getSigners();
    return { from: from.address, to: to.address, nonce: await connection.ethers.provider.getTransactionCount(from.address) };
  };

  it("serves the page, the state and the commands to its own origin", async function () {
    const page = await fetch(server.url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include("<title>page</title>");
    const next = await rawPost(new URL("/api/next", server.url).href, "{}", { ...json, host, origin: `http://${host}` });
    expect(next.status).to.equal(202);
    expect(session.commands).to.deep.equal(["next"]);
    // Tools that send no Origin (curl, a test) are served too.
    expect((await rawPost(new URL("/api/run-to-end", server.url).href, "{}", { ...json, host })).status).to.equal(202);
    expect(session.commands).to.deep.equal(["next", "run-to-end"]);
  });

  it("a request naming another host (DNS rebinding) gets 403: no page, no state, no command", async function () {
    const port = new URL(server.url).port;
    const rebound = { host: `attacker.example:${port}` };
    for (const path of ["/", "/api/state"]) {
      const got = await new Promise<number>((resolve, reject) => {
        httpRequest(new URL(path, server.url), { headers: rebound }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      expect(got, path).to.equal(403);
    }
    const before = session.commands.length;
    const post = await rawPost(new URL("/api/restart", server.url).href, "{}", { ...json, ...rebound, origin: `http://attacker.example:${port}` });
    expect(post.status).to.equal(403);
    expect(session.commands).to.have.length(before);
  });

  it("a POST from another origin gets 403, even with the right host and content type", async function () {
    const before = session.commands.length;
    for (const origin of ["http://attacker.example", "null", `https://${host}`]) {
      const post = await rawPost(new URL("/api/next", server.url).href, "{}", { ...json, host, origin });
      expect(post.status, origin).to.equal(403);
    }
    expect(session.commands).to.have.length(before);
    const { from, to, nonce } = await nonceOf();
    const send = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from, to, value: "0x1" }] });
    expect((await rawPost(new URL(RPC_PATH, server.url).href, send, { ...json, host, origin: "http://attacker.example" })).status).to.equal(403);
    expect(await connection.ethers.provider.getTransactionCount(from)).to.equal(nonce);
  });

  it("the page's /rpc/<chain> answers the page's reads and refuses anything else with -32601, sending nothing", async function () {
    expect([...PAGE_RPC_METHODS].sort()).to.deep.equal(["eth_blockNumber", "eth_call", "eth_chainId", "eth_getBlockByNumber", "eth_getTransactionReceipt"]);
    const url = new URL(RPC_PATH, server.url).href;
    const read = await rawPost(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }), { ...json, host });
    expect(JSON.parse(read.text)).to.deep.equal({ jsonrpc: "2.0", id: 1, result: "0x7a69" });

    const { from, to, nonce } = await nonceOf();
    const blockBefore = await connection.ethers.provider.getBlockNumber();
    for (const method of ["eth_sendTransaction", "hardhat_setBalance", "evm_revert", "evm_mine", "eth_sign", "hardhat_impersonateAccount"]) {
      const refused = await rawPost(url, JSON.stringify({ jsonrpc: "2.0", id: 9, method, params: [{ from, to, value: "0x1" }] }), { ...json, host });
      const reply = JSON.parse(refused.text) as { id: unknown; error?: { code: number } };
      expect(reply.id, method).to.equal(9);
      expect(reply.error?.code, method).to.equal(-32601);
    }
    // A batch holding one refused request is not half run: the read in it is not sent either.
    const batch = await rawPost(
      url,
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_blockNumber" },
        { jsonrpc: "2.0", id: 2, method: "eth_sendTransaction", params: [{ from, to, value: "0x1" }] },
      ]),
      { ...json, host },
    );
    const replies = JSON.parse(batch.text) as { id: unknown; error?: { code: number } }[];
    expect(replies.map((r) => [r.id, r.error?.code])).to.deep.equal([
      [1, -32600],
      [2, -32601],
    ]);
    expect(await connection.ethers.provider.getTransactionCount(from)).to.equal(nonce);
    expect(await connection.ethers.provider.getBlockNumber()).to.equal(blockBefore);
  });

  it("for a chain on a node of its own, /rpc/<chain> forwards the page's reads as they are and never a refused request", async function () {
    // A stand-in node that records every body it receives and answers eth_chainId.
    const received: string[] = [];
    const node = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString("utf8")));
      req.on("end", () => {
        received.push(text);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x7a6a" }));
      });
    });
    await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", () => resolve()));
    const address = node.address();
    if (address === null || typeof address === "string") throw new Error("the stand-in node has no TCP address");
    const external: PresentChain = { ...session.current.chains[0], key: "th", rpcPath: "/rpc/th", nodeUrl: `http://127.0.0.1:${address.port}` };
    const twoChains = new RecordingSession({ ...session.current, chains: [session.current.chains[0], external] }, (text) => answerJsonRpc(connection.provider, text));
    const other = await servePresenter({ session: twoChains, pageDir, port: 0 });
    try {
      const otherHost = new URL(other.url).host;
      const url = new URL("/rpc/th", other.url).href;
      const read = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
      expect(JSON.parse((await rawPost(url, read, { ...json, host: otherHost })).text)).to.deep.equal({ jsonrpc: "2.0", id: 1, result: "0x7a6a" });
      expect(received).to.deep.equal([read]);
      const send = JSON.stringify([{ jsonrpc: "2.0", id: 2, method: "eth_call", params: [] }, { jsonrpc: "2.0", id: 3, method: "eth_sendTransaction", params: [{}] }]);
      const refused = JSON.parse((await rawPost(url, send, { ...json, host: otherHost })).text) as { id: unknown; error?: { code: number } }[];
      expect(refused.map((r) => [r.id, r.error?.code])).to.deep.equal([
        [2, -32600],
        [3, -32601],
      ]);
      expect(received, "nothing more reached the node").to.have.length(1);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => node.close(() => resolve()));
    }
  });

  it(`a body over ${MAX_BODY_BYTES} bytes gets 413 and is not passed on`, async function () {
    const before = session.commands.length;
    const huge = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    expect((await rawPost(new URL(RPC_PATH, server.url).href, huge, { ...json, host })).status).to.equal(413);
    expect((await rawPost(new URL("/api/next", server.url).href, huge, { ...json, host })).status).to.equal(413);
    expect(session.commands).to.have.length(before);
  });

  it("an event stream whose client stops reading holds only the latest state for it, which it gets once it reads again", async function () {
    const [listener] = session.listeners;
    const versions: number[] = [];
    let paused: (() => void) | undefined;
    let resume: () => void = () => undefined;
    let latest: (version: number) => void = () => undefined;
    const sawLast = new Promise<void>((resolve) => (latest = (v) => v === 120 && resolve()));
    const stopped = new Promise<void>((resolve) => (paused = resolve));
    const request = httpRequest(new URL("/api/events", server.url), (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const { version } = JSON.parse(buffer.slice("data: ".length, end)) as PresentState;
          buffer = buffer.slice(end + 2);
          versions.push(version);
          latest(version);
        }
        // After the first event (the current state, sent at once) the client stops reading: the
        // socket's buffers fill.
        if (paused !== undefined) {
          res.pause();
          resume = () => res.resume();
          paused();
          paused = undefined;
        }
      });
    });
    request.end();
    await stopped;
    // 100 states of 1 MiB each while it does not read: far more than any socket buffers.
    const big = "x".repeat(1024 * 1024);
    for (let v = 21; v <= 120; v += 1) listener({ ...session.current, version: v, scenario: { name: "big", description: big } });
    resume();
    await sawLast;
    request.destroy();
    expect(versions[0]).to.equal(1);
    expect(versions.at(-1)).to.equal(120);
    // What the socket buffers held when it stopped, then only the latest: not all 100.
    expect(versions.length, `versions received: ${versions.join(", ")}`).to.be.below(20);
    expect(versions).to.deep.equal([...versions].sort((a, b) => a - b));
  });
});
