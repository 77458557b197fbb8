import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import { id, JsonRpcProvider, toQuantity } from "ethers";
import hre, { network } from "hardhat";

import { revertDataOf, revertedTransactionHash } from "../../src/chain/decode.js";
import { deployHongKongLedger } from "../../src/chain/deploy.js";
import { runScenario, stepById } from "../../src/runner/run.js";
import { defineScenario } from "../../src/runner/types.js";
import type { ScenarioReportJson } from "../../src/report/json.js";
import { SCENARIO_NAMES } from "../../src/scenarios/index.js";
import { childEnv, ROOT, scenarioCli, scenarioInProcess, STACK_LINE, type CliRun } from "../helpers/cli.js";
import { startAnvil, type RunningNode } from "../helpers/hardhat-node.js";
import { attemptsOf, refusalOf, validReport } from "../helpers/step-facts.js";

/**
 * The CLI on Foundry's anvil, the second node the team guide names, installed with the project
 * (`@foundry-rs/anvil`, its binary from the platform package npm installs as an optional
 * dependency). Three anvil processes in all, each on a free port and stopped by its process id:
 * plain `anvil` (10 accounts), `anvil --accounts 20` for every one-chain scenario in turn and as
 * the Hong Kong chain of cross-chain-dvp, and `anvil --accounts 20 --chain-id 31338` as its Thai chain.
 * The CLI runs as a child process, as `npm run scenario` does, on plain anvil and for cross-chain-dvp;
 * each one-chain scenario on `anvil --accounts 20` runs the same command in this process
 * (`scenarioInProcess`, its return value the exit code), which spares a process start-up per scenario.
 */

/** Scenarios that need a second chain (`--network localhost,thaiLocalhost`). */
const TWO_CHAIN = ["cross-chain-dvp"];
const ONE_CHAIN = SCENARIO_NAMES.filter((name) => !TWO_CHAIN.includes(name));
/** What `npx anvil` runs: the wrapper that finds the platform package's binary. */
const ANVIL_WRAPPER = path.join(ROOT, "node_modules/@foundry-rs/anvil/bin.mjs");

/** Asserts `run` exited 0 with one JSON report on stdout that the schema accepts, and returns it. */
function reportOf(run: CliRun): ScenarioReportJson {
  expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(0);
  expect(run.stderr, "stderr").to.not.match(STACK_LINE);
  return validReport(JSON.parse(run.stdout));
}

/** The hashes of the transactions of `report` mined on chain `chain` (refused attempts have none). */
function minedOn(report: ScenarioReportJson, chain: string): string[] {
  return report.steps.flatMap((s) => s.transactions.flatMap((t) => (t.chain === chain && t.status === "success" && typeof t.hash === "string" ? [t.hash] : [])));
}

/** The status of transaction `hash`'s receipt on the node at `url`; undefined if the node has no such transaction. */
async function receiptStatus(url: string, hash: string): Promise<number | null | undefined> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
  try {
    return (await provider.getTransactionReceipt(hash))?.status;
  } finally {
    provider.destroy();
  }
}

/**
 * Points network `localhost` of this process at `url` (SANDBOX_LOCALHOST_URL) and returns the URL
 * it resolves to. Hardhat resolves a configuration variable once per process and keeps it, so every
 * in-process run here goes to the first URL resolved: the tests check it is this anvil's.
 */
async function pointLocalhostAt(url: string): Promise<string> {
  const config = hre.config.networks.localhost;
  if (config.type !== "http") throw new Error("network localhost is not a JSON-RPC network in hardhat.config.ts");
  const previous = process.env.SANDBOX_LOCALHOST_URL;
  process.env.SANDBOX_LOCALHOST_URL = url;
  try {
    return await config.url.get();
  } finally {
    if (previous === undefined) delete process.env.SANDBOX_LOCALHOST_URL;
    else process.env.SANDBOX_LOCALHOST_URL = previous;
  }
}

/** For a promise expected to reject: what it resolved to, as "no error". */
const noError = (): undefined => undefined;

describe("the scenarios on Foundry's anvil (@foundry-rs/anvil 1.7.1), as on `npx hardhat node`", function () {
  this.timeout(900_000);

  it("`npx anvil --version` runs anvil 1.7.1 from the platform package, with no install script run", async function () {
    const { stdout } = await promisify(execFile)(process.execPath, [ANVIL_WRAPPER, "--version"], { cwd: ROOT, env: childEnv() });
    expect(stdout).to.match(/^anvil Version: 1\.7\.1$/m);
  });

  describe("plain `anvil` (10 accounts)", function () {
    let node: RunningNode;
    let run: CliRun;

    before(async function () {
      node = await startAnvil();
      run = await scenarioCli(["cross-border-pvp", "--network", "localhost"], { env: { SANDBOX_LOCALHOST_URL: node.url } });
    });

    after(async function () {
      await node?.stop();
    });

    it("cross-border-pvp exits 1 with the one line that says `anvil --accounts 20`", function () {
      expect(run.stderr, "stderr").to.equal(
        'error: network "localhost" has 10 accounts, but the ledger needs 15, one per institution; start the node with more, e.g. `anvil --accounts 20` (`npx hardhat node` has 20)\n',
      );
      expect(run.code, "exit code").to.equal(1);
      expect(run.stdout, "stdout").to.equal("");
    });

    it("deployed nothing: no block mined, no account sent a transaction", async function () {
      const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
      try {
        expect(await provider.getBlockNumber()).to.equal(0);
        const accounts = await provider.listAccounts();
        expect(accounts).to.have.length(10);
        for (const { address } of accounts) expect(await provider.getTransactionCount(address), address).to.equal(0);
      } finally {
        provider.destroy();
      }
    });

    it("is stopped by its process id", async function () {
      await node.stop();
      expect(() => process.kill(node.pid, 0)).to.throw();
    });
  });

  describe("`anvil --accounts 20`", function () {
    let hk: RunningNode;

    before(async function () {
      hk = await startAnvil({ accounts: 20 });
    });

    after(async function () {
      await hk?.stop();
    });

    it("covers every one-chain scenario `npm run scenarios` lists", function () {
      expect(ONE_CHAIN).to.include.members(["green-bond-issuance", "dvp-atomicity", "cross-border-pvp", "netting-batch"]);
    });

    for (const name of ONE_CHAIN) {
      it(`${name} --json: exit 0, a valid report that held, on chain 31337, its transactions mined by anvil`, async function () {
        expect(await pointLocalhostAt(hk.url), "network localhost of this process").to.equal(hk.url);
        const run = await scenarioInProcess([name, "--network", "localhost", "--json"]);
        const report = reportOf(run);
        expect(report.scenario.name).to.equal(name);
        expect(report.scenario.chainCount).to.equal(1);
        expect(report.ok).to.equal(true);
        expect(report.chains.map((c) => [c.network, c.chainId])).to.deep.equal([["localhost", 31337]]);
        for (const step of report.steps) expect(step.status, step.id).to.be.oneOf(["ok", "expected-failure"]);
        const mined = minedOn(report, report.chains[0].key);
        expect(mined.length).to.be.greaterThan(0);
        expect(await receiptStatus(hk.url, mined[mined.length - 1])).to.equal(1);
      });
    }

    it("a reverting transaction sent with its own gas limit: anvil mines it, and the refusal names its hash", async function () {
      const connection = await network.create({ network: "localhost", override: { url: hk.url } });
      try {
        const [admin, stranger] = await connection.ethers.getSigners();
        const registry = await connection.ethers.deployContract("ParticipantRegistry", [admin.address]);
        const setFrozen = registry.connect(stranger).getFunction("setFrozen");

        // Estimated first (as every send without a gas limit is), anvil refuses it with the revert data.
        const estimated = await setFrozen.estimateGas(stranger.address, true).then(noError, (error: unknown) => error);
        expect(revertDataOf(estimated)?.slice(0, 10)).to.equal(registry.interface.getError("AccessControlUnauthorizedAccount")?.selector);
        expect(revertedTransactionHash(estimated)).to.equal(undefined);

        // Sent with a gas limit, it is mined with status 0; its receipt has no revert data.
        const mined = await setFrozen
          .send(stranger.address, true, { gasLimit: 200_000 })
          .then((tx) => tx.wait())
          .then(noError, (error: unknown) => error);
        const hash = revertedTransactionHash(mined);
        expect(hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(await receiptStatus(hk.url, hash ?? "")).to.equal(0);
        expect(revertDataOf(mined)).to.equal("0x");
      } finally {
        await connection.close();
      }
    });

    it("a gas estimate made in one second is short when the block is mined in the next; the networks' gasMultiplier covers it", async function () {
      // What failed mmf-dealing on CI: FundDealing stores the time of a day's latest order, and anvil
      // estimated the next order in the same second (rewriting the same value, 100 gas) but mined it
      // a second later (a new value, 2,900 gas), so the transaction ran out of gas with no reason.
      const connection = await network.create({ network: "localhost", override: { url: hk.url } });
      try {
        const multiplier = connection.networkConfig.gasMultiplier;
        expect(multiplier, "gasMultiplier of network localhost").to.be.at.least(1.2);
        for (const name of ["thaiLocalhost", "remote"]) expect(hre.config.networks[name].gasMultiplier, `gasMultiplier of network ${name}`).to.equal(multiplier);
        const provider = connection.ethers.provider;
        const [sender] = await connection.ethers.getSigners();
        const clock = await connection.ethers.deployContract("ClockStamp");
        /** Mines one `stamp` at `time`; its receipt's status (null if it has none) and block number. */
        const stampAt = async (time: number, gasLimit?: bigint): Promise<{ status: number | null; block: number }> => {
          await provider.send("evm_setNextBlockTimestamp", [time]);
          const tx = await clock.stamp(gasLimit === undefined ? {} : { gasLimit });
          const receipt = await tx.wait().then(
            (r) => r,
            (error: unknown) => (error instanceof Error && "receipt" in error ? (error.receipt as { status: number | null; blockNumber: number } | null) : null),
          );
          return { status: receipt?.status ?? null, block: receipt?.blockNumber ?? -1 };
        };
        // Estimated in the second of block `block` (by its number, not "latest": under load anvil may
        // show a block's receipt a moment before it estimates on top of that block).
        const estimateAt = async (block: number | "latest"): Promise<bigint> => {
          const call = { from: sender.address, to: await clock.getAddress(), data: clock.interface.encodeFunctionData("stamp") };
          const estimate: unknown = await provider.send("eth_estimateGas", [call, block === "latest" ? block : toQuantity(block)]);
          if (typeof estimate !== "string") throw new Error(`eth_estimateGas returned ${String(estimate)}`);
          return BigInt(estimate);
        };

        const start = (await provider.getBlock("latest"))?.timestamp ?? 0;
        const first = await stampAt(start + 100);
        expect(first.status).to.equal(1);
        const sameSecond = await estimateAt(first.block);
        expect((await stampAt(start + 101, sameSecond)).status, "mined a second later with the bare estimate").to.equal(0);
        expect(await clock.lastStampedAt()).to.equal(BigInt(start + 100));

        const third = await stampAt(start + 103);
        expect(third.status).to.equal(1);
        const withSlack = BigInt(Math.floor(Number(await estimateAt(third.block)) * multiplier));
        expect((await stampAt(start + 104, withSlack)).status, "mined a second later with the estimate times gasMultiplier").to.equal(1);
        expect(await clock.lastStampedAt()).to.equal(BigInt(start + 104));

        // And a transaction sent with no gas limit gets the multiplied estimate from Hardhat.
        await provider.send("evm_setNextBlockTimestamp", [start + 106]);
        const sent = await clock.stamp();
        const estimate = await estimateAt("latest");
        expect(Number(sent.gasLimit)).to.be.at.least(Math.floor(Number(estimate) * multiplier) - 1);
        expect((await sent.wait())?.status).to.equal(1);
      } finally {
        await connection.close();
      }
    });

    it("the runner records such a mined revert with its hash and the error it replays, and judges the step on it", async function () {
      const connection = await network.create({ network: "localhost", override: { url: hk.url } });
      try {
        const ledger = await deployHongKongLedger(connection);
        const dealer = ledger.participants.kowloonDealer;
        const scenario = defineScenario({
          name: "mined-revert",
          description: "a refused mint sent with its own gas limit",
          steps: () => [
            {
              id: "stranger-mints",
              title: "Kowloon Dealer mints itself wCBDC, with a gas limit",
              expect: { revert: "AccessControlUnauthorizedAccount" },
              action: async (ctx) => {
                await ctx.send("mint with a gas limit", ctx.ledger.wcbdc.connect(dealer.signer).mint, dealer.address, 1n, { gasLimit: 200_000 });
              },
            },
          ],
        });
        const run = await runScenario(scenario, ledger);
        const step = stepById(run, "stranger-mints");
        expect(step.status, JSON.stringify(step.failure)).to.equal("expected-failure");
        const [attempt] = attemptsOf(step);
        expect(attempt.via).to.equal("transaction");
        expect(attempt.hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(await receiptStatus(hk.url, attempt.hash ?? "")).to.equal(0);
        expect(attempt.error).to.deep.equal({ name: "AccessControlUnauthorizedAccount", args: { account: dealer.address, neededRole: id("CENTRAL_BANK_ROLE") } });
        expect(refusalOf(step)).to.deep.equal(attempt.error);
      } finally {
        await connection.close();
      }
    });

    describe("with a second `anvil --accounts 20 --chain-id 31338`: cross-chain-dvp", function () {
      let th: RunningNode;
      let run: CliRun;

      before(async function () {
        th = await startAnvil({ accounts: 20, chainId: 31338 });
        run = await scenarioCli(["cross-chain-dvp", "--network", "localhost,thaiLocalhost", "--json"], {
          env: { SANDBOX_LOCALHOST_URL: hk.url, SANDBOX_THAI_URL: th.url },
          timeoutMs: 300_000,
        });
      });

      after(async function () {
        await th?.stop();
      });

      it("exits 0 with a valid report that held, on chains 31337 and 31338, every step as on `npx hardhat node`", function () {
        const report = reportOf(run);
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
      });

      it("left each chain's transactions on its own anvil", async function () {
        const report = reportOf(run);
        const [hkChain, thChain] = report.chains;
        const [onHk, onThai] = [minedOn(report, hkChain.key), minedOn(report, thChain.key)];
        expect(onHk.length).to.be.greaterThan(0);
        expect(onThai.length).to.be.greaterThan(0);
        expect(await receiptStatus(hk.url, onHk[0])).to.equal(1);
        expect(await receiptStatus(th.url, onThai[0])).to.equal(1);
        expect(await receiptStatus(hk.url, onThai[0])).to.equal(undefined);
      });

      it("stops both anvils by their process ids", async function () {
        await th.stop();
        await hk.stop();
        expect(() => process.kill(th.pid, 0)).to.throw();
        expect(() => process.kill(hk.pid, 0)).to.throw();
      });
    });
  });
});
