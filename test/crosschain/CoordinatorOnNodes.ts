import { expect } from "chai";
import { network } from "hardhat";
import { getAddress } from "viem";

import { HtlcCoordinator, type Deal } from "../../src/crosschain/coordinator.js";
import { chainSide, deployTwoChains } from "../../src/crosschain/two-chains.js";
import type { LedgerConnection } from "../../src/chain/deploy.js";
import { startHardhatNode, type RunningNode } from "../helpers/hardhat-node.js";

/**
 * The Jasper–Ubin design over JSON-RPC: the Hong Kong chain and the Thai chain are two separate
 * `hardhat node` processes (chain ids 31337 and 31338) started and stopped by this test, and the
 * coordinator drives a DvP across them through viem over each connection's provider.
 */
describe("HtlcCoordinator on two `hardhat node` processes", function () {
  this.timeout(300_000);
  let hkNode: RunningNode | undefined;
  let thNode: RunningNode | undefined;
  const connections: LedgerConnection[] = [];

  before(async function () {
    [hkNode, thNode] = await Promise.all([
      startHardhatNode({ chainId: 31337, timeoutMs: 120_000 }),
      startHardhatNode({ chainId: 31338, timeoutMs: 120_000 }),
    ]);
  });

  after(async function () {
    for (const connection of connections) await connection.close();
    await Promise.all([hkNode?.stop(), thNode?.stop()]);
  });

  it("settles a DvP across the two nodes: bond on the Hong Kong chain, THB wCBDC on the Thai chain", async function () {
    if (hkNode === undefined || thNode === undefined) throw new Error("the nodes did not start");
    expect(hkNode.port).to.not.equal(thNode.port);
    // The chain id is the node's own (`--chain-id`); the override is optional and states what we
    // expect: Hardhat refuses to send on a connection whose node reports another id (HHE708).
    const hk = await network.create({ network: "localhost", override: { url: hkNode.url, chainId: 31337 } });
    connections.push(hk);
    const th = await network.create({ network: "localhost", override: { url: thNode.url, chainId: 31338 } });
    connections.push(th);
    expect(await hk.provider.request({ method: "eth_chainId" })).to.equal("0x7a69");
    expect(await th.provider.request({ method: "eth_chainId" })).to.equal("0x7a6a");

    const chains = await deployTwoChains(hk, th);
    expect(chains.hk.chainId).to.equal(31337n);
    expect(chains.th.chainId).to.equal(31338n);
    const harbour = getAddress(chains.hk.participants.harbourBank.address);
    const chaoPhraya = chains.chaoPhrayaBank;
    await (await chains.hk.bond.mint(harbour, 100n)).wait();
    await (await chains.th.wTHB.mint(chaoPhraya, 1_000_000_000n)).wait(); // THB 10,000,000.00

    const deal: Deal = {
      id: "DVP-03GB2911-NODES",
      initiator: chaoPhraya,
      responder: harbour,
      initiatorLeg: { token: getAddress(await chains.th.wTHB.getAddress()), amount: 228_060_000n }, // THB 2,280,600.00
      responderLeg: { token: getAddress(await chains.hk.bond.getAddress()), amount: 10n },
      initiatorTimeout: 7_200n,
      safetyMargin: 3_600n,
    };
    const parties = [harbour, chaoPhraya];
    const hkEscrow = getAddress(await chains.hk.htlc.getAddress());
    const thEscrow = getAddress(await chains.th.htlc.getAddress());
    const coordinator = new HtlcCoordinator(
      deal,
      chainSide("Thai chain", th, thEscrow, parties),
      chainSide("Hong Kong chain", hk, hkEscrow, parties),
    );

    const actions = await coordinator.run();
    expect(actions.map((a) => [a.kind, a.by, a.chain])).to.deep.equal([
      ["lock", "initiator", "Thai chain"],
      ["lock", "responder", "Hong Kong chain"],
      ["claim", "initiator", "Hong Kong chain"],
      ["claim", "responder", "Thai chain"],
    ]);
    const state = await coordinator.state();
    // The lock ids read from the lock transactions' Locked events are the locks both chains show.
    expect(actions.map((a) => a.lockId)).to.deep.equal([
      state.initiatorLock?.lockId,
      state.responderLock?.lockId,
      state.responderLock?.lockId,
      state.initiatorLock?.lockId,
    ]);
    expect(HtlcCoordinator.outcome(state)).to.equal("settled");
    expect((state.initiatorLock?.timelock ?? 0n) - (state.responderLock?.timelock ?? 0n)).to.equal(3_600n);

    // Each node's own books.
    expect(await chains.hk.bond.balanceOf(harbour)).to.equal(90n);
    expect(await chains.hk.bond.balanceOf(chaoPhraya)).to.equal(10n);
    expect(await chains.hk.bond.balanceOf(hkEscrow)).to.equal(0n);
    expect(await chains.hk.bond.totalSupply()).to.equal(100n);
    expect(await chains.th.wTHB.balanceOf(chaoPhraya)).to.equal(771_940_000n);
    expect(await chains.th.wTHB.balanceOf(harbour)).to.equal(228_060_000n);
    expect(await chains.th.wTHB.balanceOf(thEscrow)).to.equal(0n);
    expect(await chains.th.wTHB.totalSupply()).to.equal(1_000_000_000n);
    // Nothing of one chain exists on the other.
    expect(await th.provider.request({ method: "eth_getCode", params: [deal.responderLeg.token, "latest"] })).to.equal("0x");
    expect(await hk.provider.request({ method: "eth_getCode", params: [deal.initiatorLeg.token, "latest"] })).to.equal("0x");

    // A restarted coordinator finds nothing left to do.
    expect(
      await new HtlcCoordinator(deal, chainSide("Thai chain", th, thEscrow, parties), chainSide("Hong Kong chain", hk, hkEscrow, parties)).run(),
    ).to.deep.equal([]);
  });

  it("stops both nodes by their process ids", async function () {
    if (hkNode === undefined || thNode === undefined) throw new Error("the nodes did not start");
    for (const connection of connections.splice(0)) await connection.close();
    await hkNode.stop();
    await thNode.stop();
    for (const node of [hkNode, thNode]) expect(() => process.kill(node.pid, 0)).to.throw();
  });
});
