/** npm run scenario -- <name> [--step] [--json] [--network <name>] [--verbose] */
import { scenarioCommand } from "../src/cli/scenario-command.js";

process.exitCode = await scenarioCommand(process.argv.slice(2));
