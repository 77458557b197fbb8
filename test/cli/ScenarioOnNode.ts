import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import type { ScenarioReportJson } from "../../src/report/json.js";
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
  let report: ScenarioReportJson;

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
    report = JSON.parse(run.stdout) as ScenarioReportJson;
    expect(run.stderr).to.not.include("error");
    expect(run.stderr).to.not.match(STACK_LINE);
  });

  /** The transactions the node mined (refused attempts have no receipt to look up). */
  const mined = (): { hash: string; gasUsed: string }[] =>
    report.steps.flatMap((s) =>
      s.transactions.flatMap((t) => {
        // Read as plain JSON: the report's TransactionJson type keeps only the fields both kinds share.
        const tx: { status?: unknown; hash?: unknown; gasUsed?: unknown } = t;
        return tx.status === "success" && typeof tx.hash === "string" && typeof tx.gasUsed === "string" ? [{ hash: tx.hash, gasUsed: tx.gasUsed }] : [];
      }),
    );

  it("reports the localhost network, chain 31337, and a run that held", function () {
    expect(report.scenario.name).to.equal("green-bond-issuance");
    expect(report.ok).to.equal(true);
    expect(report.chains.map((c) => [c.network, c.chainId])).to.deep.equal([["localhost", 31337]]);
    expect(report.steps.length).to.be.greaterThan(10);
    for (const step of report.steps) expect(step.status, step.id).to.be.oneOf(["ok", "expected-failure"]);
    expect(mined().length).to.be.greaterThan(report.steps.length);
    for (const tx of mined()) {
      expect(tx.hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Number(tx.gasUsed)).to.be.greaterThan(21_000);
    }
  });

  it("sent its transactions to that node: their receipts are there, with the gas reported", async function () {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    try {
      expect((await provider.getNetwork()).chainId).to.equal(31337n);
      const txs = mined();
      for (const tx of [txs[0], txs[Math.floor(txs.length / 2)], txs[txs.length - 1]]) {
        const receipt = await provider.getTransactionReceipt(tx.hash);
        expect(receipt, tx.hash).to.not.equal(null);
        expect(receipt?.status).to.equal(1);
        expect(receipt?.gasUsed).to.equal(BigInt(tx.gasUsed));
      }
    } finally {
      provider.destroy();
    }
  });

  it("ends with the bond fully redeemed: no holder has a unit left", function () {
    const bonds = report.chains[0].tokens.filter((t) => t.kind === "governmentBond").map((t) => t.address);
    expect(bonds).to.have.length(1);
    expect(report.finalBalances.filter((b) => bonds.includes(b.token.address))).to.deep.equal([]);
  });

  it("stops the node by its process id", async function () {
    await node.stop();
    expect(() => process.kill(node.pid, 0)).to.throw();
  });
});
