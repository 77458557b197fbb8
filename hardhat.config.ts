import { createRequire } from "node:module";
import { availableParallelism } from "node:os";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler is the npm package `solc` (solc-js): nothing is downloaded.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.28";
const solcSettings = {
  version: SOLC_VERSION,
  path: require.resolve("solc/soljson.js"),
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 200 },
  },
};

// Fuzz runs: enough to mean something locally, more under CI. The seed is
// fixed so that a failure found once reproduces on every machine.
const FUZZ_RUNS = process.env.CI === "true" ? 2_000 : 500;
// Invariant campaigns: each run is a fresh sequence of `depth` random handler calls, every
// invariant checked after each call (test/solidity/settlement/SettlementInvariants.t.sol).
const INVARIANT_RUNS = process.env.CI === "true" ? 256 : 64;
// Slack on the gas a JSON-RPC node estimates (Hardhat multiplies eth_estimateGas by it when a
// transaction names no gas limit). A node such as anvil estimates in the second it was asked and
// mines in the next one when its clock ticks in between; a transaction whose cost depends on the
// time (FundDealing stores block.timestamp: the same value again costs 100 gas, another 2,900)
// then runs out of gas with no reason. 1.25 covers that and more, at no cost: gas unused is not paid.
const RPC_GAS_MULTIPLIER = 1.25;
// Mocha's worker processes: at least two (mocha's own default, one per core but one, would be a
// single worker on a two-core machine); MOCHA_JOBS sets another number.
const MOCHA_JOBS = Number(process.env.MOCHA_JOBS ?? Math.max(2, availableParallelism() - 1));

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    // Contracts and Solidity tests compile as two jobs: artifacts/ holds only the contracts (about
    // 12 MB of compiler output instead of 39 MB), which is what every network start reads to decode
    // its contracts (about half a second less each: the demo, each scenario, each test process), and
    // `npm run demo` compiles only those (about 23 s on a fresh clone instead of 58 s); the tests
    // compile into cache/test-artifacts/ when `hardhat test solidity` first runs.
    splitTestsCompilation: true,
    profiles: {
      default: solcSettings,
      production: solcSettings,
    },
  },
  test: {
    // The TypeScript tests run in two worker processes, a file at a time each (mocha's parallel
    // mode): most of their time is child processes (the CLI, the presenter, nodes, Chromium) that
    // wait on one another, so two files at once keep both cores of a small machine busy.
    // MOCHA_JOBS=1 runs them in this process instead, one file after another: mocha's workers cannot
    // pass a failure whose values are bigints back to the parent, so that is the way to read one.
    mocha: { parallel: MOCHA_JOBS > 1, jobs: MOCHA_JOBS },
    solidity: {
      fuzz: { runs: FUZZ_RUNS, seed: "0x5eed" },
      invariant: { runs: INVARIANT_RUNS, depth: 64, failOnRevert: false },
    },
  },
  typechain: {
    outDir: "typechain-types",
  },
  networks: {
    // `npm run bench -- --day N`: the in-process network with accounts for a trading day — the
    // ledger's nine institutions, twenty trading banks and a second central bank.
    bench: {
      type: "edr-simulated",
      chainType: "l1",
      accounts: { count: 40 },
    },
    // `localhost` is `npx hardhat node` or `anvil --accounts 20` (chain id 31337); SANDBOX_LOCALHOST_URL
    // points it elsewhere (the tests start their node on a free port). The URLs are configuration
    // variables, read only when their network is used: a bad one cannot break the other networks.
    localhost: {
      type: "http",
      chainType: "l1",
      chainId: 31337,
      url: configVariable("SANDBOX_LOCALHOST_URL", { default: "http://127.0.0.1:8545" }),
      gasMultiplier: RPC_GAS_MULTIPLIER,
    },
    // The Thai chain of the cross-chain scenario: a second `npx hardhat node --port 8546 --chain-id 31338`.
    thaiLocalhost: {
      type: "http",
      chainType: "l1",
      chainId: 31338,
      url: configVariable("SANDBOX_THAI_URL", { default: "http://127.0.0.1:8546" }),
      gasMultiplier: RPC_GAS_MULTIPLIER,
    },
    // Any other JSON-RPC ledger (e.g. anvil, or a node of your own): URL and the mnemonic of the
    // institutions' accounts come from the environment or the Hardhat keystore, never from this file.
    // The ledger gives each institution its own account (the first nine; fifteen for the
    // cross-border scenarios), each funded for gas: the CLI checks both before deploying.
    remote: {
      type: "http",
      chainType: "l1",
      url: configVariable("SANDBOX_RPC_URL"),
      gasMultiplier: RPC_GAS_MULTIPLIER,
      accounts: { mnemonic: configVariable("SANDBOX_MNEMONIC"), count: 20 },
    },
  },
});
