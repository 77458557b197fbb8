import { expect } from "chai";
import { network } from "hardhat";

import { BALANCES_PER_CALL, readBalancesOf } from "../../src/chain/balance-reads.js";
import type { LedgerConnection } from "../../src/chain/connection.js";

/**
 * The runner's balance sheet in a few `eth_call`s (src/chain/balance-reads.ts): every holder's
 * balance of every token, equal to `balanceOf` read one at a time, across more than one call's worth
 * of balances, with nothing deployed; and a read that cannot be made fails rather than reading 0.
 */
describe("readBalancesOf: every balance of a set of holders in a set of tokens, in a few eth_calls", function () {
  let connection: LedgerConnection;

  before(async function () {
    connection = await network.create();
  });

  after(async function () {
    await connection?.close();
  });

  it("equals balanceOf read one at a time, over more balances than one call carries, in one eth_call per BALANCES_PER_CALL", async function () {
    const tokens = await Promise.all(["A", "B", "C"].map((s) => connection.ethers.deployContract("ERC20Mock", [`Token ${s}`, s])));
    // More holders × tokens than one call carries: the read spans calls, in order.
    const holders = Array.from({ length: 60 }, (_, i) => `0x${(0x1000 + i).toString(16).padStart(40, "0")}`);
    expect(tokens.length * holders.length).to.be.greaterThan(BALANCES_PER_CALL);
    for (const [t, token] of tokens.entries()) {
      for (const [h, holder] of holders.entries()) if ((h + t) % 7 === 0) await (await token.mint(holder, BigInt(1_000 * t + h + 1))).wait();
    }
    const addresses = await Promise.all(tokens.map((t) => t.getAddress()));
    const blockBefore = await connection.ethers.provider.getBlockNumber();
    const nonceBefore = await connection.ethers.provider.getTransactionCount((await connection.ethers.getSigners())[0].address);

    const calls: string[] = [];
    const request = connection.provider.request.bind(connection.provider);
    const counting = new Proxy(connection.provider, {
      get(target, property, receiver) {
        if (property !== "request") return Reflect.get(target, property, receiver) as unknown;
        return (args: { method: string; params?: unknown[] }) => {
          calls.push(args.method);
          return request(args);
        };
      },
    });
    const balances = await readBalancesOf({ ...connection, provider: counting }, addresses, holders);

    const oneByOne = await Promise.all(tokens.map((token) => Promise.all(holders.map((h) => token.balanceOf(h)))));
    expect(balances).to.deep.equal(oneByOne);
    expect(balances.flat().filter((b) => b > 0n).length, "balances minted").to.be.greaterThan(20);
    expect(calls.filter((m) => m === "eth_call")).to.have.length(Math.ceil((tokens.length * holders.length) / BALANCES_PER_CALL));
    // Nothing was sent or mined: a deployless read.
    expect(await connection.ethers.provider.getBlockNumber()).to.equal(blockBefore);
    expect(await connection.ethers.provider.getTransactionCount((await connection.ethers.getSigners())[0].address)).to.equal(nonceBefore);
  });

  it("a sheet of several calls reads one block: a transfer mined between two of its calls shows in none", async function () {
    const tokens = await Promise.all(["E", "F", "G"].map((s) => connection.ethers.deployContract("ERC20Mock", [`Token ${s}`, s])));
    const holders = Array.from({ length: 60 }, (_, i) => `0x${(0x2000 + i).toString(16).padStart(40, "0")}`);
    for (const [t, token] of tokens.entries()) await (await token.mint(holders[t * 20], 5n)).wait();
    const addresses = await Promise.all(tokens.map((t) => t.getAddress()));
    const before = await Promise.all(tokens.map((token) => Promise.all(holders.map((h) => token.balanceOf(h)))));
    const pinnedAt = await connection.ethers.provider.getBlockNumber();

    // Right after the sheet's first eth_call, the last token (read by a later call) is minted to its
    // last holder and the block mined.
    const blocks: unknown[] = [];
    const request = connection.provider.request.bind(connection.provider);
    let minted = false;
    const racing = new Proxy(connection.provider, {
      get(target, property, receiver) {
        if (property !== "request") return Reflect.get(target, property, receiver) as unknown;
        return async (args: { method: string; params?: unknown[] }) => {
          const answer: unknown = await request(args);
          if (args.method === "eth_call") {
            blocks.push(args.params?.[1]);
            if (!minted) {
              minted = true;
              await (await tokens[2].mint(holders[59], 1_000n)).wait();
            }
          }
          return answer;
        };
      },
    });
    const balances = await readBalancesOf({ ...connection, provider: racing }, addresses, holders);

    expect(minted).to.equal(true);
    expect(blocks).to.have.length(Math.ceil((tokens.length * holders.length) / BALANCES_PER_CALL));
    expect(blocks, "every call at the same block, by number").to.deep.equal(blocks.map(() => `0x${pinnedAt.toString(16)}`));
    expect(balances).to.deep.equal(before);
    expect(await tokens[2].balanceOf(holders[59])).to.equal(1_000n);
  });

  it("an address that is no token fails the read, naming balanceOf, instead of reading 0", async function () {
    const token = await connection.ethers.deployContract("ERC20Mock", ["Token D", "D"]);
    const holder = (await connection.ethers.getSigners())[1].address;
    const failed = await readBalancesOf(connection, [await token.getAddress(), holder], [holder]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).to.be.instanceOf(Error);
    expect((failed as Error).message).to.match(/balanceOf/);
  });

  it("no tokens or no holders: an empty sheet, and no call", async function () {
    expect(await readBalancesOf(connection, [], ["0x0000000000000000000000000000000000001000"])).to.deep.equal([]);
    expect(await readBalancesOf(connection, ["0x0000000000000000000000000000000000001000"], [])).to.deep.equal([[]]);
  });
});
