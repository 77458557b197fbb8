import { deployHongKongLedger, type LedgerConnection } from "../chain/deploy.js";
import { readLedgerState } from "../chain/ledger-state.js";
import { renderLedgerState } from "../report/ledger-tables.js";
import { connectTo } from "../chain/connect.js";
import { toScenarioJson } from "../report/json.js";
import { createStepPacer } from "./step-mode.js";
import { renderStepHeading, renderStepPreview, renderStepResult, renderSummary } from "../report/terminal.js";
import { runScenario, type RunHooks } from "../runner/run.js";
import type { SecondChain } from "../runner/types.js";
import { findScenario, SCENARIO_NAMES } from "../scenarios/index.js";
import { checkNpmSwallowedFlags, networksFor, parseScenarioArgs, SCENARIO_HELP } from "./args.js";
import { exitCodeOf, renderCliError, StepFailedError, UsageError } from "./errors.js";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * `npm run scenario -- <name> [--step] [--json] [--network <name>] [--verbose]`: deploys a fresh
 * ledger on the network, runs the scenario and reports it. Returns the process exit code.
 */
export async function scenarioCommand(argv: readonly string[], io: Output = processOutput): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    const args = parseScenarioArgs(argv, SCENARIO_NAMES);
    verbose = args.verbose;
    if (args.help) {
      io.out(SCENARIO_HELP);
      return 0;
    }
    checkNpmSwallowedFlags(args, process.env);
    const scenario = findScenario(args.scenario ?? "");
    if (scenario === undefined) throw new Error("unreachable: the scenario name was validated");

    const [firstNetwork, secondNetwork] = networksFor(args.network, scenario.name, scenario.chainCount ?? 1) ?? [];
    const connection = await connectTo(firstNetwork);
    const networkName = secondNetwork === undefined ? connection.networkName : `${connection.networkName},${secondNetwork}`;
    const extraConnections: LedgerConnection[] = [];
    const chains: SecondChain = {
      async second() {
        const other = await connectTo(secondNetwork, { chainId: 31338 });
        extraConnections.push(other);
        return other;
      },
    };
    const say = args.json ? io.err : io.out;
    const pacer = args.step ? createStepPacer() : undefined;
    try {
      if (!args.json) say(`Scenario ${scenario.name}: ${scenario.description}\nDeploying the Hong Kong ledger on network "${networkName}"…`);
      const ledger = scenario.deploy === undefined ? await deployHongKongLedger(connection) : await scenario.deploy(connection, chains);
      const hooks: RunHooks = {
        async beforeStep(step, index, total) {
          if (pacer !== undefined) {
            say(`${renderStepPreview(step, index, total)}\n  [Enter] to run this step`);
            await pacer.waitForEnter();
          } else if (!args.json) {
            say(renderStepHeading(step, index, total));
          }
        },
        async afterStep(result, book) {
          if (!args.json) say(renderStepResult(result, { book }));
        },
      };
      const result = await runScenario(scenario, ledger, hooks);
      if (args.json) io.out(JSON.stringify(toScenarioJson(result, networkName), null, 2));
      else say(`${renderSummary(result, networkName)}\n\n${renderLedgerState(await readLedgerState(ledger))}`);
      if (!result.ok) {
        const last = result.steps[result.steps.length - 1];
        throw new StepFailedError(last.index + 1, last.title, last.reason ?? "unknown reason");
      }
      return 0;
    } finally {
      pacer?.close();
      for (const other of extraConnections) await other.close();
      await connection.close();
    }
  } catch (error) {
    io.err(renderCliError(error, verbose));
    return exitCodeOf(error);
  }
}
