import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import type { ScenarioReportJson } from "../../src/report/json.js";
import { scenarioCli, STACK_LINE, type CliRun } from "../helpers/cli.js";
import { startHardhatNode, type RunningNode } from "../helpers/hardhat-node.js";

/**
 * `npm run scenario -- cross-chain-dvp --network localhost,thaiLocalhost --json` against two
 * separate `hardhat node` processes with different chain ids, stopped by their process ids.
 */
describe("npm run scenario -- cross-chain-dvp on two `hardhat node` processes", function () {
  this.timeout(300_000);
  let hk: RunningNode;
  let th: RunningNode;
  let run: CliRun;

  before(async function () {
    hk = await startHardhatNode({ chainId: 31337 });
    th = await startHardhatNode({ chainId: 31338 });
    run = await scenarioCli(["cross-chain-dvp", "--network", "localhost,thaiLocalhost", "--json"], {
      env: { SANDBOX_LOCALHOST_URL: hk.url, SANDBOX_THAI_URL: th.url },
      timeoutMs: 240_000,
    });
  });

  after(async function () {
    await hk?.stop();
    await th?.stop();
  });

  it("completes every step on both chains and reports one JSON document", function () {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.not.match(STACK_LINE);
    const report = JSON.parse(run.stdout) as ScenarioReportJson;
    expect(report.scenario.name).to.equal("cross-chain-dvp");
    expect(report.ok).to.equal(true);
    expect(report.chains.map((c) => [c.network, c.chainId])).to.deep.equal([
      ["localhost", 31337],
      ["thaiLocalhost", 31338],
    ]);
    expect(report.steps.map((s) => s.status)).to.deep.equal([
      ...Array<string>(10).fill("ok"),
      "expected-failure",
      ...Array<string>(6).fill("ok"),
      "expected-failure",
    ]);
    // Chao Phraya Bank paid THB 11,403,000.00 + 2,280,600.00 for 60 units; both PvPs were refunded.
    // THB 500,000,000.00 − 13,683,600.00 = 486,316,400.00; Harbour Bank received the 13,683,600.00.
    const [hk, th] = report.chains;
    const bond = hk.tokens.find((t) => t.kind === "governmentBond")?.address;
    const wTHB = th.tokens.find((t) => t.symbol === "wTHB")?.address;
    const balance = (chain: string, holder: string, token: string | undefined): string | undefined =>
      report.finalBalances.find((b) => b.chain === chain && b.holder.name === holder && b.token.address === token)?.amount;
    expect(balance(th.key, "Chao Phraya Bank", wTHB)).to.equal("48631640000");
    expect(balance(hk.key, "Chao Phraya Bank", bond)).to.equal("60");
    expect(balance(th.key, "Harbour Bank", wTHB)).to.equal("1368360000");
  });

  it("left each chain's transactions on its own node", async function () {
    const report = JSON.parse(run.stdout) as ScenarioReportJson;
    const [hkChain, thChain] = report.chains;
    const minedOn = (chain: string): string[] =>
      report.steps.flatMap((s) => s.transactions.flatMap((t) => (t.chain === chain && t.status === "success" && typeof t.hash === "string" ? [t.hash] : [])));
    const thai = new JsonRpcProvider(th.url);
    const hkProvider = new JsonRpcProvider(hk.url);
    try {
      const [onThai, onHk] = [minedOn(thChain.key), minedOn(hkChain.key)];
      expect(onThai.length).to.be.greaterThan(0);
      expect(onHk.length).to.be.greaterThan(0);
      expect((await thai.getTransactionReceipt(onThai[0]))?.status).to.equal(1);
      expect((await hkProvider.getTransactionReceipt(onHk[0]))?.status).to.equal(1);
      // Each node has only its own chain's transactions.
      expect(await hkProvider.getTransactionReceipt(onThai[0])).to.equal(null);
      expect((await thai.getNetwork()).chainId).to.equal(31338n);
    } finally {
      thai.destroy();
      hkProvider.destroy();
    }
  });

  it("stops both nodes by their process ids", async function () {
    await hk.stop();
    await th.stop();
    expect(() => process.kill(hk.pid, 0)).to.throw();
    expect(() => process.kill(th.pid, 0)).to.throw();
  });
});
