import { expect } from "chai";
import { HDNodeWallet } from "ethers";

import { scenarioCli, STACK_LINE, type CliRun } from "../helpers/cli.js";
import { startHardhatNode, startRpcProxy, type RunningNode } from "../helpers/hardhat-node.js";

/**
 * The errors a user meets on a real node, each one line on stderr naming the cause and the fix,
 * and exit code 1. One `hardhat node` serves every case (a JSON-RPC proxy in front of it plays a
 * node with ten accounts, and one that vanishes mid-request); the last case stops the node itself.
 */

/** A valid BIP-39 mnemonic whose accounts the node never funded. */
const UNFUNDED_MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const LOST = "the node stopped answering: restart it (e.g. `npx hardhat node`) and run the scenario again";

/** Asserts a run ended with exit code 1 and exactly the one line `message` on stderr. */
function expectErrorLine(run: CliRun, message: string): void {
  expect(run.stderr, "stderr").to.equal(`${message}\n`);
  expect(run.code, `exit code; stderr: ${run.stderr}`).to.equal(1);
  expect(run.stdout, "stdout").to.not.match(STACK_LINE);
}

describe("npm run scenario: errors on a running node, one line each", function () {
  this.timeout(300_000);
  let node: RunningNode;

  before(async function () {
    node = await startHardhatNode();
  });

  after(async function () {
    await node?.stop();
  });

  describe("remote (SANDBOX_RPC_URL, SANDBOX_MNEMONIC) while the node is up", function () {
    const remote = (mnemonic: string | undefined): Promise<CliRun> => {
      const env: Record<string, string> = { SANDBOX_RPC_URL: node.url };
      if (mnemonic !== undefined) env.SANDBOX_MNEMONIC = mnemonic;
      return scenarioCli(["green-bond-issuance", "--network", "remote", "--json"], { env });
    };
    const fix =
      "set it to the mnemonic of the institutions' funded accounts (on a local anvil or hardhat node: test test test test test test test test test test test junk)";

    it("a missing SANDBOX_MNEMONIC names the variable, not an unreachable network", async function () {
      // The child inherits this process's environment: make sure the variable is absent there.
      expect(process.env.SANDBOX_MNEMONIC, "SANDBOX_MNEMONIC in the test's environment").to.equal(undefined);
      expectErrorLine(
        await remote(undefined),
        'error: network "remote" needs SANDBOX_MNEMONIC: set it in the environment or with `npx hardhat keystore set SANDBOX_MNEMONIC`',
      );
    });

    it("a mnemonic of the wrong length names the variable and the word count, never the words", async function () {
      const run = await remote("hello world again");
      expectErrorLine(run, `error: SANDBOX_MNEMONIC (network "remote") has 3 words, not the 12 to 24 of a BIP-39 mnemonic; ${fix}`);
      expect(run.stderr).to.not.include("hello");
    });

    it("a mnemonic with a wrong checksum word is refused the same way", async function () {
      const run = await remote(UNFUNDED_MNEMONIC.replace(/about$/, "abandon"));
      expectErrorLine(
        run,
        `error: SANDBOX_MNEMONIC (network "remote") is not a valid BIP-39 mnemonic: a word is not in the English list, or the last word does not match the checksum; ${fix}`,
      );
    });

    it("unfunded accounts: names the first institution and its address, before deploying anything", async function () {
      const hkma = HDNodeWallet.fromPhrase(UNFUNDED_MNEMONIC, undefined, "m/44'/60'/0'/0/0").address;
      const run = await remote(UNFUNDED_MNEMONIC);
      expectErrorLine(
        run,
        `error: HKMA's account ${hkma} on network "remote" holds no ETH to pay for gas (nor do 8 more of the ledger's 9 accounts; --verbose lists them); fund each institution's account, or use a node or mnemonic whose accounts are funded`,
      );
      expect(run.stdout).to.equal("");
    });

    it("with --verbose, lists every unfunded institution with its address", async function () {
      const run = await scenarioCli(["green-bond-issuance", "--network", "remote", "--verbose"], {
        env: { SANDBOX_RPC_URL: node.url, SANDBOX_MNEMONIC: UNFUNDED_MNEMONIC },
      });
      expect(run.code).to.equal(1);
      const hints = run.stderr.split("\n").filter((l) => l.startsWith("  Fund: "));
      const harbour = HDNodeWallet.fromPhrase(UNFUNDED_MNEMONIC, undefined, "m/44'/60'/0'/0/1").address;
      expect(hints).to.have.length(9);
      expect(hints[1]).to.equal(`  Fund: Harbour Bank ${harbour}`);
    });
  });

  // Mocha runs a suite's own tests before its nested suites: these follow the remote ones.
  describe("the node itself", function () {
    it("a node with another chain id than the config names: refused with both ids", async function () {
      // thaiLocalhost names chain 31338 in hardhat.config.ts; this node is 31337.
      const run = await scenarioCli(["green-bond-issuance", "--network", "thaiLocalhost"], { env: { SANDBOX_THAI_URL: node.url } });
      expectErrorLine(
        run,
        `error: network "thaiLocalhost" expects chain id 31338 (hardhat.config.ts), but the node at ${node.url} is chain 31337; point SANDBOX_THAI_URL at a node with chain id 31338`,
      );
    });

    it("two network names for one chain in a two-chain scenario: refused before deploying", async function () {
      const run = await scenarioCli(["cross-chain-dvp", "--network", "localhost,remote", "--json"], {
        env: {
          SANDBOX_LOCALHOST_URL: node.url,
          SANDBOX_RPC_URL: node.url,
          SANDBOX_MNEMONIC: "test test test test test test test test test test test junk",
        },
      });
      expectErrorLine(
        run,
        'error: networks "localhost" and "remote" are both chain 31337, but a two-chain scenario needs two separate ledgers; point "remote" at another node, e.g. `npx hardhat node --port 8546 --chain-id 31338`',
      );
      expect(run.stdout).to.equal("");
    });

    it("a node with ten accounts (plain anvil) for a cross-border scenario: says `anvil --accounts 20`", async function () {
      const anvilLike = await startRpcProxy(node.url, { accounts: 10 });
      try {
        const run = await scenarioCli(["cross-border-pvp", "--network", "localhost", "--json"], { env: { SANDBOX_LOCALHOST_URL: anvilLike.url } });
        expectErrorLine(
          run,
          'error: network "localhost" has 10 accounts, but the ledger needs 15, one per institution; start the node with more, e.g. `anvil --accounts 20` (`npx hardhat node` has 20)',
        );
        expect(run.stdout).to.equal("");
      } finally {
        await anvilLike.stop();
      }
    });

    it("a node that vanishes in the middle of the first transaction: the lost connection, while deploying", async function () {
      const dying = await startRpcProxy(node.url, { dieOn: "eth_sendTransaction" });
      try {
        const run = await scenarioCli(["green-bond-issuance", "--network", "localhost", "--json"], { env: { SANDBOX_LOCALHOST_URL: dying.url } });
        expectErrorLine(run, `error: lost the connection to network "localhost" at ${dying.url} while deploying the ledger; ${LOST}`);
        expect(run.stdout).to.equal("");
      } finally {
        await dying.stop();
      }
    });

    it("a node stopped between two steps: the same message, naming the step (stops the node: last)", async function () {
      const PROMPT = "  [Enter] to run this step\n";
      let answered = 0;
      const run = await scenarioCli(["green-bond-issuance", "--network", "localhost", "--step"], {
        env: { SANDBOX_LOCALHOST_URL: node.url },
        onStdout: (stdout, stdin) => {
          const prompts = stdout.split(PROMPT).length - 1;
          if (prompts <= answered) return;
          answered = prompts;
          // Steps 1 and 2 run; before step 3 runs, the node is gone.
          if (prompts < 3) stdin.write("\n");
          else void node.stop().then(() => stdin.end("\n"));
        },
      });
      expect(answered).to.equal(3);
      expectErrorLine(run, `error: lost the connection to network "localhost" at ${node.url} during step 3; ${LOST}`);
    });
  });
});
