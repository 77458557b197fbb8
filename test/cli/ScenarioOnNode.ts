import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import type { ScenarioJson } from "../../src/report/json.js";
import { scenarioCli, STACK_LINE, type CliRun } from "../helpers/cli.js";
import { startHardhatNode, type RunningNode } from "../helpers/hardhat-node.js";

/**
 * `npm run scenario -- green-bond-issuance --network localhost --json` against a separate
 * `npx hardhat node` process, started on a free port and stopped by its process id.
 */

describe("npm run scenario -- green-bond-issuance --network localhost --json, on `npx hardhat node`", function () {
  this.timeout(300_000);
  let node: RunningNode;
  let run: CliRun;
  let report: ScenarioJson;

  before(async function () {
    node = await startHardhatNode();
    run = await scenarioCli(["green-bond-issuance", "--network", "localhost", "--json"], {
      env: { SANDBOX_LOCALHOST_URL: node.url },
      timeoutMs: 240_000,
    });
  });

  after(async function () {
    await node?.stop();
  });

  it("exits 0 with one JSON document on stdout and no error", function () {
    expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0);
    report = JSON.parse(run.stdout) as ScenarioJson;
    expect(run.stderr).to.not.include("error");
    expect(run.stderr).to.not.match(STACK_LINE);
  });

  it("reports the localhost network, chain 31337, and a run that held", function () {
    expect(report).to.include({ scenario: "green-bond-issuance", network: "localhost", chainId: 31337, ok: true });
    expect(report.steps.length).to.be.greaterThan(10);
    for (const step of report.steps) {
      expect(step.status, step.title).to.be.oneOf(["ok", "expected-failure"]);
      expect(step.txs.length, step.title).to.be.greaterThan(0);
      for (const tx of step.txs) {
        expect(tx.hash, step.title).to.match(/^0x[0-9a-f]{64}$/);
        expect(tx.gasUsed, step.title).to.be.greaterThan(21_000);
      }
    }
  });

  it("sent its transactions to that node: their receipts are there, with the gas reported", async function () {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    try {
      expect((await provider.getNetwork()).chainId).to.equal(31337n);
      const txs = report.steps.flatMap((s) => s.txs);
      for (const tx of [txs[0], txs[Math.floor(txs.length / 2)], txs[txs.length - 1]]) {
        const receipt = await provider.getTransactionReceipt(tx.hash);
        expect(receipt, tx.hash).to.not.equal(null);
        expect(receipt?.status).to.equal(1);
        expect(Number(receipt?.gasUsed)).to.equal(tx.gasUsed);
      }
    } finally {
      provider.destroy();
    }
  });

  it("ends with the bond fully redeemed", function () {
    const bond = report.steps
      .flatMap((s) => s.balanceChanges.map((c) => c.token))
      .find((t) => /^\d{2}GB\d{4}$/.test(t));
    expect(bond).to.be.a("string");
    for (const [holder, tokens] of Object.entries(report.balances)) expect(tokens, holder).to.not.have.property(bond ?? "");
  });

  it("stops the node by its process id", async function () {
    await node.stop();
    expect(() => process.kill(node.pid, 0)).to.throw();
  });
});
