import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import type { ScenarioJson } from "../../src/report/json.js";
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

  it("completes every step on both chains and reports one JSON document", async function () {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.not.match(STACK_LINE);
    const report = JSON.parse(run.stdout) as ScenarioJson;
    expect(report.scenario).to.equal("cross-chain-dvp");
    expect(report.network).to.equal("localhost,thaiLocalhost");
    expect(report.chainId).to.equal(31337);
    expect(report.ok).to.equal(true);
    expect(report.steps.map((s) => s.status)).to.deep.equal([
      ...Array<string>(10).fill("ok"),
      "expected-failure",
      ...Array<string>(6).fill("ok"),
      "expected-failure",
    ]);
    // Chao Phraya Bank paid THB 11,403,000.00 + 2,280,600.00 for 60 units; both PvPs were refunded.
    // THB 500,000,000.00 − 13,683,600.00 = 486,316,400.00; Harbour Bank received the 13,683,600.00.
    const bondSymbol = report.steps[2].txs.flatMap((t) => t.events).find((e) => e.includes("issued to Harbour Bank"))?.split(" ")[3] ?? "";
    expect(report.balances["Chao Phraya Bank"]).to.deep.equal({ "wTHB (Thai chain)": "48631640000", [bondSymbol]: "60" });
    expect(report.balances["Harbour Bank"]["wTHB (Thai chain)"]).to.equal("1368360000");
  });

  it("left the transactions on the nodes themselves", async function () {
    const report = JSON.parse(run.stdout) as ScenarioJson;
    const thai = new JsonRpcProvider(th.url);
    const hkProvider = new JsonRpcProvider(hk.url);
    const lockOnThai = report.steps[4].txs[0];
    const lockOnHk = report.steps[5].txs[0];
    expect((await thai.getTransactionReceipt(lockOnThai.hash))?.status).to.equal(1);
    expect((await hkProvider.getTransactionReceipt(lockOnHk.hash))?.status).to.equal(1);
    expect((await thai.getNetwork()).chainId).to.equal(31338n);
    thai.destroy();
    hkProvider.destroy();
  });

  it("stops both nodes by their process ids", async function () {
    await hk.stop();
    await th.stop();
    expect(() => process.kill(hk.pid, 0)).to.throw();
    expect(() => process.kill(th.pid, 0)).to.throw();
  });
});
