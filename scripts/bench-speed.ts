/**
 * npm run bench:speed [-- --runs <n>] [--test]: how fast the sandbox starts and tests, measured in
 * this run, as a markdown table. Each command runs as a user runs it (`npm run -s …`), warm (the
 * contracts built first, not timed): `demo`, every `scenario -- <name> --json`, and `test:fast`;
 * with --test also the whole `npm test` (minutes). Wall time, and on Linux the CPU time (user + sys)
 * of the command and everything it started. The best of `runs` (default 3), the worst in brackets:
 * the machine may be shared.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import process from "node:process";

import { SCENARIO_NAMES } from "../src/scenarios/index.js";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs needs a whole number ≥ 1");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** CPU seconds (user + sys) of this process's waited-for children so far; undefined off Linux. */
function childrenCpu(): number | undefined {
  try {
    // /proc/self/stat: fields 16 and 17 (cutime, cstime) in clock ticks, after the ")" of the command name.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface Sample {
  readonly wall: number;
  readonly cpu: number | undefined;
}

/** Runs `npm run -s <script> [-- args]`, output discarded; throws if it fails. */
function time(script: string, scriptArgs: readonly string[] = []): Sample {
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const run = spawnSync(NPM, ["run", "-s", script, ...(scriptArgs.length === 0 ? [] : ["--", ...scriptArgs])], {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    shell: process.platform === "win32",
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = childrenCpu();
  if (run.status !== 0) throw new Error(`npm run ${script} ${scriptArgs.join(" ")} failed (${run.status}):\n${run.stderr}`);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

const rows: string[][] = [];
function measure(label: string, script: string, scriptArgs: readonly string[] = [], runs = RUNS): void {
  const samples = Array.from({ length: runs }, () => time(script, scriptArgs)).sort((a, b) => a.wall - b.wall);
  const [best, worst] = [samples[0], samples[samples.length - 1]];
  const cpu = (s: Sample): string => (s.cpu === undefined ? "–" : s.cpu.toFixed(1));
  rows.push([label, `${best.wall.toFixed(1)} (${worst.wall.toFixed(1)})`, `${cpu(best)} (${cpu(worst)})`]);
  process.stderr.write(`${label}: ${best.wall.toFixed(1)} s\n`);
}

// Warm: build once if anything changed (not timed).
if (spawnSync(process.execPath, ["scripts/build-if-stale.js"], { stdio: "inherit" }).status !== 0) throw new Error("the build failed");
measure("npm run demo", "demo");
for (const name of SCENARIO_NAMES) measure(`npm run scenario -- ${name} --json`, "scenario", [name, "--json"]);
measure("npm run test:fast", "test:fast", [], Math.min(RUNS, 2));
if (args.includes("--test")) measure("npm test", "test", [], 1);

const load = os.loadavg().map((l) => l.toFixed(1)).join(", ");
console.log(`Start and test times (best of ${RUNS}, worst in brackets; ${os.cpus().length} CPUs, load average after: ${load})\n`);
console.log("| command | wall s | CPU s (user + sys) |");
console.log("|---|---:|---:|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
