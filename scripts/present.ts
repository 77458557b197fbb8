/** npm run present -- <scenario> [--network <name>[,<name>]] [--port <n>]: the presenter page, stepped from the browser or this terminal. */
import { presentCommand } from "../src/present/command.js";

process.exitCode = await presentCommand(process.argv.slice(2));
// Hardhat's in-process network keeps handles open; the presentation is over.
process.exit();
