/**
 * `npm run demo`, `scenario` and `present` start with this instead of `hardhat build`: when no
 * contract source, the Hardhat config or the installed packages changed since the last build it
 * started, it exits at once (a no-op `hardhat build` costs ~3 s of Hardhat start-up); otherwise it
 * runs `hardhat build --no-tests --quiet` (output on stderr) and, once that succeeded, writes its stamp.
 *
 * Plain JavaScript, run by node itself: a tsx start-up would cost more than the check.
 * The stamp is `cache/build-stamp`; its time is when the build started, so that a file saved during
 * the build counts as changed. A file or folder added, renamed or removed changes its folder's time.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";

const ROOT = path.dirname(import.meta.dirname);
const STAMP = path.join(ROOT, "cache", "build-stamp");
/**
 * What the build reads: the contracts, the config, and the packages. The Solidity tests are not
 * built here (hardhat.config.ts compiles them apart, `splitTestsCompilation`): `hardhat test
 * solidity` builds them itself, and nothing else reads them.
 */
const SOURCE_DIRS = ["contracts"];
const INPUT_FILES = ["hardhat.config.ts", "package.json", "package-lock.json", "node_modules/.package-lock.json"];
/** What the build writes and the scripts read: absent, the build must run. */
const OUTPUTS = ["artifacts/build-info", "typechain-types/index.ts", "cache/compile-cache.json"];

/** The latest modification time (ms) of `dir`, its sub-folders and the `.sol` files in them. */
function newestIn(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(full));
    else if (entry.name.endsWith(".sol")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Why a build is needed, or undefined when the last build is newer than everything it read. */
function staleness() {
  let stamp;
  try {
    stamp = statSync(STAMP).mtimeMs;
  } catch {
    return "no build stamp";
  }
  for (const output of OUTPUTS) {
    try {
      statSync(path.join(ROOT, output));
    } catch {
      return `${output} is missing`;
    }
  }
  for (const file of INPUT_FILES) {
    let mtime;
    try {
      mtime = statSync(path.join(ROOT, file)).mtimeMs;
    } catch {
      continue;
    }
    if (mtime > stamp) return `${file} changed`;
  }
  for (const dir of SOURCE_DIRS) if (newestIn(path.join(ROOT, dir)) > stamp) return `a Solidity source under ${dir}/ changed`;
  return undefined;
}

if (staleness() !== undefined) {
  const started = new Date();
  const hardhat = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
  // stdout goes to stderr, as `hardhat build --quiet 1>&2` did: a --json run keeps stdout for its document.
  const build = spawnSync(process.execPath, [hardhat, "build", "--no-tests", "--quiet"], { cwd: ROOT, stdio: ["inherit", process.stderr, "inherit"] });
  if (build.status !== 0) process.exit(build.status ?? 1);
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, "written by scripts/build-if-stale.js after a successful hardhat build\n");
  utimesSync(STAMP, started, started);
}
