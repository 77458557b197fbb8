import { expect } from "chai";
import { network } from "hardhat";

import { deployHongKongLedger } from "../../src/chain/deploy.js";
import { fundOpeningBalances } from "../../src/chain/opening-balances.js";
import { startHardhatNode, type RunningNode } from "../helpers/hardhat-node.js";

describe("HongKongLedger on a separate `hardhat node` process", function () {
  this.timeout(120_000);
  let node: RunningNode;

  before(async function () {
    node = await startHardhatNode();
  });

  after(async function () {
    await node?.stop();
  });

  it("deploys, funds and reads the ledger over JSON-RPC, twice", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    try {
      const first = await deployHongKongLedger(connection);
      await fundOpeningBalances(first);
      expect(first.chainId).to.equal(31337n);
      expect(await first.wcbdc.totalSupply()).to.equal(350_000_000_000n);
      expect(await first.registry.isEligible(first.participants.lantauPension.address)).to.equal(true);

      const second = await deployHongKongLedger(connection);
      expect(await second.bond.getAddress()).to.not.equal(await first.bond.getAddress());
      expect(await second.wcbdc.totalSupply()).to.equal(0n);
    } finally {
      await connection.close();
    }
  });

  it("is stopped by its process id", async function () {
    await node.stop();
    expect(() => process.kill(node.pid, 0)).to.throw();
  });
});
