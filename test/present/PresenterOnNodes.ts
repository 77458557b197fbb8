import { expect } from "chai";
import type { Browser, Page } from "playwright-core";

import type { PresentState } from "../../src/present/state.js";
import { startAnvil, startHardhatNode, type RunningNode } from "../helpers/hardhat-node.js";
import {
  ChainClients,
  expectLedgerIsTheChain,
  launchChromium,
  openPresenterPage,
  shotPath,
  waitForFinished,
  waitForSteps,
} from "../helpers/presenter-page.js";
import { startPresenter, type Presenter } from "../helpers/presenter.js";
import { receiptOf } from "../helpers/rpc.js";

/**
 * `npm run present -- … --network …` on nodes of their own, each on a free port and stopped by its
 * process id: green-bond-issuance on `npx hardhat node` and on `anvil --accounts 20` (network
 * `localhost`, pointed at the node by SANDBOX_LOCALHOST_URL), and cross-chain-dvp on two anvils
 * (`--network localhost,thaiLocalhost`, the second with chain id 31338 at SANDBOX_THAI_URL). Each is
 * run to the end from the page, and the page's ledger checked against the chains; Restart returns
 * both chains of cross-chain-dvp to their opening state.
 */

/** The hashes of the transactions the run mined on chain `key`. */
function minedOn(state: PresentState, key: string): `0x${string}`[] {
  return state.steps.flatMap(({ step }) => step.transactions.flatMap((tx) => (tx.chain === key && tx.status === "success" ? [tx.hash as `0x${string}`] : [])));
}

describe("Presenter page in Chromium on nodes of its own (--network)", function () {
  this.timeout(600_000);
  let browser: Browser | undefined;
  let presenter: Presenter | undefined;
  let page: Page | undefined;
  const nodes: RunningNode[] = [];

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    page = undefined;
    await presenter?.stop();
    presenter = undefined;
    for (const node of nodes.splice(0)) await node.stop();
  });

  /** Presents `scenario` with `args`, runs it to the end from the page, and checks the end state against the chains. */
  async function runToEnd(scenario: string, args: readonly string[], env: Record<string, string>, shot: string): Promise<PresentState> {
    if (browser === undefined) throw new Error("no browser");
    presenter = await startPresenter([scenario, ...args], { env });
    page = await openPresenterPage(browser, presenter);
    await page.click("#run-to-end");
    await waitForFinished(page);
    const state = await presenter.state();
    expect(state.phase, state.error).to.equal("finished");
    expect(state.ok, "every step as designed").to.equal(true);
    expect(state.steps.length, "every step ran").to.equal(state.total);
    for (const { step } of state.steps) expect(step.status, step.id).to.be.oneOf(["ok", "expected-failure"]);
    await expectLedgerIsTheChain(page, state);
    await page.screenshot({ path: shotPath(scenario, state.total, shot) });
    return state;
  }

  it("green-bond-issuance --network localhost on `npx hardhat node`: run to the end, the ledger is the node's", async () => {
    const node = await startHardhatNode();
    nodes.push(node);
    const state = await runToEnd("green-bond-issuance", ["--network", "localhost"], { SANDBOX_LOCALHOST_URL: node.url }, "hardhat-node-end");
    expect(state.chains.map((c) => [c.network, c.chainId, c.nodeUrl])).to.deep.equal([["localhost", 31337, node.url]]);
    expect(state.network).to.equal(`network "localhost" at ${node.url}`);
  });

  it("green-bond-issuance --network localhost on `anvil --accounts 20`: run to the end, the ledger is anvil's", async () => {
    const node = await startAnvil({ accounts: 20 });
    nodes.push(node);
    const state = await runToEnd("green-bond-issuance", ["--network", "localhost"], { SANDBOX_LOCALHOST_URL: node.url }, "anvil-end");
    expect(state.chains.map((c) => [c.network, c.chainId, c.nodeUrl])).to.deep.equal([["localhost", 31337, node.url]]);
    const [last] = minedOn(state, state.chains[0].key).slice(-1);
    expect((await receiptOf(node.url, last))?.status, "anvil mined the last transaction").to.equal("0x1");
  });

  it("cross-chain-dvp --network localhost,thaiLocalhost on two anvils: run to the end on both, then Restart returns both to their opening state", async () => {
    const hk = await startAnvil({ accounts: 20 });
    nodes.push(hk);
    const th = await startAnvil({ accounts: 20, chainId: 31338 });
    nodes.push(th);
    const env = { SANDBOX_LOCALHOST_URL: hk.url, SANDBOX_THAI_URL: th.url };
    const state = await runToEnd("cross-chain-dvp", ["--network", "localhost,thaiLocalhost"], env, "anvils-end");
    expect(state.chains.map((c) => [c.key, c.network, c.chainId, c.nodeUrl])).to.deep.equal([
      ["hk", "localhost", 31337, hk.url],
      ["th", "thaiLocalhost", 31338, th.url],
    ]);
    const [onHk, onThai] = [minedOn(state, "hk"), minedOn(state, "th")];
    expect(onHk.length, "transactions on the Hong Kong chain").to.be.greaterThan(0);
    expect(onThai.length, "transactions on the Thai chain").to.be.greaterThan(0);
    expect((await receiptOf(hk.url, onHk[0]))?.status).to.equal("0x1");
    expect((await receiptOf(th.url, onThai[0]))?.status).to.equal("0x1");
    expect(await receiptOf(hk.url, onThai[0]), "a Thai transaction is not on the Hong Kong node").to.equal(null);

    if (page === undefined || presenter === undefined) throw new Error("no page");
    await page.click("#restart");
    await waitForSteps(page, 0, 1);
    const restarted = await presenter.state();
    expect(restarted.steps, "steps after Restart").to.deep.equal([]);
    // Both chains reverted: the run's transactions are gone from each, and the ledger, deployed
    // afresh from the same nonces, has the same addresses on each.
    expect(await receiptOf(hk.url, onHk[onHk.length - 1]), "the last Hong Kong transaction after Restart").to.equal(null);
    expect(await receiptOf(th.url, onThai[onThai.length - 1]), "the last Thai transaction after Restart").to.equal(null);
    expect(restarted.chains.map((c) => c.tokens.map((t) => t.address))).to.deep.equal(state.chains.map((c) => c.tokens.map((t) => t.address)));
    await expectLedgerIsTheChain(page, restarted, new ChainClients());
    await page.screenshot({ path: shotPath("cross-chain-dvp", 0, "anvils-restarted") });
  });
});
