/**
 * `npm run test:fast`: the inner loop. The mocha unit and contract tests, in one process on the
 * in-process network: every `test/**\/*.ts` except the helpers, the whole-scenario runs
 * (`test/scenarios/`, the cross-chain coordinator's `test/crosschain/Coordinator.ts`) and any file
 * that starts a process (it imports a helper that spawns the CLI, the presenter, a browser or a
 * node: `helpers/cli.js`, `helpers/presenter*.js`, `helpers/hardhat-node.js`). No Solidity tests,
 * no lint. `npm test` still runs everything. Extra arguments go to `hardhat test mocha`.
 *
 * They run in mocha's parallel workers as `npm test` does (hardhat.config.ts: at least 2,
 * `MOCHA_JOBS=<n>` to choose), each worker with its own in-process network.
 *
 * Plain JavaScript, run by node itself. Builds first only if a Solidity source changed (build-if-stale.js).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";

const ROOT = path.dirname(import.meta.dirname);
/** Folders and files of whole-scenario runs: integration tests, not the inner loop. */
const INTEGRATION = [path.join("test", "scenarios") + path.sep, path.join("test", "crosschain", "Coordinator.ts")];
/** Helpers that start processes: a test file importing one is not for the inner loop. */
const SPAWNS = /from "\.\.\/helpers\/(cli|presenter|presenter-page|hardhat-node)\.js"/;

/** Every `.ts` file under `dir`, relative to the root, sorted. */
function testFiles(dir) {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return rel === path.join("test", "helpers") || rel === path.join("test", "solidity") ? [] : testFiles(rel);
      return entry.name.endsWith(".ts") ? [rel] : [];
    })
    .sort();
}

const files = testFiles("test").filter(
  (file) => !INTEGRATION.some((prefix) => file.startsWith(prefix)) && !SPAWNS.test(readFileSync(path.join(ROOT, file), "utf8")),
);

const run = (args) => spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" }).status ?? 1;
const built = run([path.join(ROOT, "scripts", "build-if-stale.js")]);
if (built !== 0) process.exit(built);
const hardhat = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
process.exit(run([hardhat, "test", "mocha", "--no-compile", ...process.argv.slice(2), ...files]));
