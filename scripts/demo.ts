/** npm run demo — the flagship scenario, green-bond-issuance, on the embedded in-process network. */
import { scenarioCommand } from "../src/cli/scenario-command.js";

process.exitCode = await scenarioCommand(["green-bond-issuance", ...process.argv.slice(2)]);
