import { expect } from "chai";

import { INPUT_ENDED, TERMINAL_KEYS } from "../../src/present/terminal-input.js";
import type { PresentState } from "../../src/present/state.js";
import { startAnvil, type RunningNode } from "../helpers/hardhat-node.js";
import { startPresenter, type Presenter } from "../helpers/presenter.js";
import { receiptOf, rpc } from "../helpers/rpc.js";

/**
 * `npm run present` driven from the terminal that started it (a child process, its standard input
 * a pipe, as a presenter's keyboard is a TTY): Enter steps the session, `restart` starts it again,
 * `r` runs it to the end, `q` stops the server with exit code 0, anything else lists the keys; each
 * finished step prints one line. With its input closed it keeps serving the page until SIGTERM. And
 * cross-chain-dvp on two in-process networks, each served over HTTP: one node per chain, each
 * forwarded to by the page's server, and Restart returning both to their opening state. No browser.
 */

const waiting = (steps: number, runId = 0) => (s: PresentState) => s.phase === "waiting" && s.steps.length === steps && s.runId === runId;
const finished = (runId = 0) => (s: PresentState) => (s.phase === "finished" || s.phase === "error") && s.runId === runId;
/** How often `line` appears, as a whole line, in `text`. */
const linesOf = (text: string, line: string): number => text.split("\n").filter((l) => l === line).length;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The hashes of the transactions the run mined on chain `key`. */
function minedOn(state: PresentState, key: string): string[] {
  return state.steps.flatMap(({ step }) => step.transactions.flatMap((tx) => (tx.chain === key && tx.status === "success" ? [tx.hash] : [])));
}

describe("npm run present from its terminal", function () {
  this.timeout(300_000);
  let presenter: Presenter | undefined;
  let node: RunningNode | undefined;

  afterEach(async () => {
    await presenter?.stop();
    presenter = undefined;
    await node?.stop();
    node = undefined;
  });

  it("Enter runs the next step, restart starts again, r runs to the end, q stops with exit code 0; each step prints a line", async () => {
    presenter = await startPresenter(["green-bond-issuance"]);
    await presenter.waitForOutput(new RegExp(`^${escape(TERMINAL_KEYS)}$`, "m"));
    let state = await presenter.waitForState(waiting(0));
    const total = state.total;
    const first = state.upcoming?.title ?? "";

    presenter.type("");
    state = await presenter.waitForState(waiting(1));
    expect(state.steps.map((s) => s.step.title)).to.deep.equal([first]);
    await presenter.waitForOutput(new RegExp(`^Step 1 of ${total} ✓ ${escape(first)}$`, "m"));
    const second = state.upcoming?.title ?? "";
    presenter.type("");
    await presenter.waitForState(waiting(2));
    await presenter.waitForOutput(new RegExp(`^Step 2 of ${total} ✓ ${escape(second)}$`, "m"));

    presenter.type("what now");
    await presenter.waitForOutput(new RegExp(`(^${escape(TERMINAL_KEYS)}$[^]*){2}`, "m"));

    presenter.type("restart");
    state = await presenter.waitForState(waiting(0, 1));
    expect(state.steps, "steps after restart").to.deep.equal([]);
    expect(state.runId).to.equal(1);
    await presenter.waitForOutput(/^Restarted: /m);

    presenter.type("r");
    state = await presenter.waitForState(finished(1));
    expect(state.phase, state.error).to.equal("finished");
    expect(state.ok).to.equal(true);
    expect(state.steps.length).to.equal(total);
    await presenter.waitForOutput(new RegExp(`^Finished: all ${total} steps ended as designed$`, "m"));
    // One line per finished step: 2 in the first run, all of them in the second.
    for (const [k, { step }] of state.steps.entries()) {
      expect(linesOf(presenter.stdout, `Step ${k + 1} of ${total} ✓ ${step.title}`), step.id).to.equal(k < 2 ? 2 : 1);
    }

    presenter.type("q");
    expect(await presenter.exited(), "exit code").to.equal(0);
  });

  it("with its terminal input closed (as with < /dev/null) it says so and keeps serving the page until SIGTERM, then exits 0", async () => {
    presenter = await startPresenter(["dvp-atomicity"]);
    presenter.endInput();
    await presenter.waitForOutput(new RegExp(`^${escape(INPUT_ENDED)}$`, "m"));
    await presenter.waitForState(waiting(0));
    const answer = await fetch(new URL("api/next", presenter.url), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(answer.status).to.equal(202);
    const state = await presenter.waitForState(waiting(1));
    expect(state.steps[0].step.status).to.equal("ok");
    await presenter.stop();
    expect(await presenter.exited(), "exit code").to.equal(0);
  });

  it("cross-chain-dvp in-process: two chains, each its own node and JSON-RPC path; run to the end, then restart reverts both", async () => {
    presenter = await startPresenter(["cross-chain-dvp"]);
    const opening = await presenter.waitForState(waiting(0));
    expect(opening.chains.map((c) => [c.key, c.network, c.chainId, c.rpcPath])).to.deep.equal([
      ["hk", "default", 31337, "/rpc/hk"],
      ["th", "default", 31338, "/rpc/th"],
    ]);
    const [hk, th] = opening.chains;
    expect(hk.nodeUrl).to.not.equal(th.nodeUrl);
    expect(opening.network).to.equal(`two in-process Hardhat networks, served at ${hk.nodeUrl} and ${th.nodeUrl}`);
    // The page's server forwards each chain's path to that chain's node.
    for (const chain of opening.chains) {
      expect(await rpc(new URL(chain.rpcPath, presenter.url).href, "eth_chainId"), chain.rpcPath).to.equal(`0x${chain.chainId.toString(16)}`);
    }

    presenter.type("r");
    const end = await presenter.waitForState(finished());
    expect(end.phase, end.error).to.equal("finished");
    expect(end.ok, end.error).to.equal(true);
    expect(end.steps.map((s) => s.step.status)).to.deep.equal([
      ...Array<string>(10).fill("ok"),
      "expected-failure",
      ...Array<string>(6).fill("ok"),
      "expected-failure",
    ]);
    const [onHk, onThai] = [minedOn(end, "hk"), minedOn(end, "th")];
    expect(onHk.length).to.be.greaterThan(0);
    expect(onThai.length).to.be.greaterThan(0);
    expect((await receiptOf(hk.nodeUrl, onHk[onHk.length - 1]))?.status).to.equal("0x1");
    expect((await receiptOf(th.nodeUrl, onThai[onThai.length - 1]))?.status).to.equal("0x1");
    expect(await receiptOf(hk.nodeUrl, onThai[0]), "a Thai transaction on the Hong Kong node").to.equal(null);
    await presenter.waitForOutput(/^Step 18 of 18 ✓ .* \(refused, as designed\)$/m);

    presenter.type("restart");
    const again = await presenter.waitForState(waiting(0, 1));
    expect(again.chains.map((c) => c.nodeUrl), "the same nodes").to.deep.equal([hk.nodeUrl, th.nodeUrl]);
    expect(await receiptOf(hk.nodeUrl, onHk[onHk.length - 1]), "the Hong Kong chain reverted").to.equal(null);
    expect(await receiptOf(th.nodeUrl, onThai[onThai.length - 1]), "the Thai chain reverted").to.equal(null);
    // Deployed afresh from the same nonces on both chains: the same addresses.
    expect(again.chains.map((c) => c.tokens.map((t) => t.address))).to.deep.equal(opening.chains.map((c) => c.tokens.map((t) => t.address)));

    presenter.type("q");
    expect(await presenter.exited(), "exit code").to.equal(0);
  });

  it("an error that stops the presentation (plain anvil's 10 accounts for 15 institutions) is one line on stderr; the page keeps being served until q", async () => {
    node = await startAnvil();
    presenter = await startPresenter(["cross-border-pvp", "--network", "localhost"], { env: { SANDBOX_LOCALHOST_URL: node.url } });
    const state = await presenter.waitForState((s) => s.phase === "error");
    const line =
      'network "localhost" has 10 accounts, but the ledger needs 15, one per institution; start the node with more, e.g. `anvil --accounts 20` (`npx hardhat node` has 20)';
    expect(state.error).to.equal(line);
    expect((await presenter.state()).phase, "still served").to.equal("error");
    presenter.type("q");
    expect(await presenter.exited(), "exit code").to.equal(0);
    expect(presenter.stderr).to.equal(`error: ${line}\n`);
  });
});
