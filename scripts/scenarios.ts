/** npm run scenarios — lists every scenario with a one-line description. */
import { SCENARIOS } from "../src/scenarios/index.js";

const width = Math.max(...SCENARIOS.map((s) => s.name.length));
console.log("Scenarios (run one with: npm run scenario -- <name> [--step] [--json] [--network <name>])\n");
for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(width)}  ${s.description}`);
