import { deployHongKongLedger, type LedgerConnection } from "../chain/deploy.js";
import type { Directory } from "../chain/directory.js";
import { readLedgerState } from "../chain/ledger-state.js";
import { renderLedgerState } from "../report/ledger-tables.js";
import { checkSeparateChains, connectTo, explainFailure } from "../chain/connect.js";
import { checkAccounts, LEDGER_ACCOUNTS } from "../chain/preflight.js";
import { toScenarioJson } from "../report/json.js";
import { createStepPacer, trackSteps, waitToGoOn, type RunProgress } from "./step-mode.js";
import { describeProblem } from "../report/refusal-text.js";
import { styleFor } from "../report/style.js";
import { renderIntro, renderPrompt, renderStepEvents, renderStepHeading, renderStepPreview, renderStepResult, renderSummary } from "../report/terminal.js";
import { runScenario, type RunHooks } from "../runner/run.js";
import type { SecondChain, StepResult } from "../runner/types.js";
import { findScenario, SCENARIO_NAMES } from "../scenarios/index.js";
import { checkNpmSwallowedFlags, networksFor, parseScenarioArgs, SCENARIO_HELP } from "./args.js";
import { exitCodeOf, renderCliError, StepFailedError } from "./errors.js";

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
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
        await checkSeparateChains(connection, other);
        await checkAccounts(other, LEDGER_ACCOUNTS["thai-chain"]);
        return other;
      },
    };
    const say = args.json ? io.err : io.out;
    // Colour and width are decided once, for the stream the presenter's text goes to.
    const style = styleFor(args.json ? process.stderr : process.stdout, process.env, args.json);
    const pacer = args.step ? createStepPacer() : undefined;
    const progress: RunProgress = { phase: { kind: "deploying" } };
    try {
      // A scenario with a deploy of its own runs on the cross-border ledger or the two-chain design,
      // both of which give the Thai and Brazilian institutions accounts on the first chain.
      await checkAccounts(connection, LEDGER_ACCOUNTS[scenario.ledgerAccounts ?? "hong-kong"]);
      if (!args.json) say(renderIntro(scenario.name, scenario.description, networkName, style));
      const ledger = scenario.deploy === undefined ? await deployHongKongLedger(connection) : await scenario.deploy(connection, chains);
      // Presenter mode shows a step's events only when asked ("e" + Enter) or with --verbose, so that
      // a step's title, outcome and balances fit one screen.
      const events = pacer === undefined || args.verbose ? "capped" : "hidden";
      let lastStep: { result: StepResult; directory: Directory; total: number } | undefined;
      /** Waits for Enter; "e" + Enter lists the last step's events, then shows `again` and waits again. */
      const goOn = async (again: string): Promise<void> => {
        if (pacer === undefined) return;
        const shown = lastStep;
        await waitToGoOn(
          pacer,
          shown === undefined || events !== "hidden" || args.json
            ? undefined
            : () => say(`${renderStepEvents(shown.result, shown.directory, shown.total, style)}\n${again}`),
        );
      };
      const hooks: RunHooks = {
        async beforeStep(step, index, total) {
          if (pacer !== undefined) {
            const prompt = renderPrompt("[Enter] to run this step", style);
            say(`${renderStepPreview(step, index, total, style)}\n${prompt}`);
            await goOn(`${renderStepHeading(step, index, total, style)}\n${prompt}`);
          } else if (!args.json) {
            say(renderStepHeading(step, index, total, style));
          }
        },
        async afterStep(result, directory, total) {
          lastStep = { result, directory, total };
          if (!args.json) say(renderStepResult(result, directory, style, events));
        },
      };
      const result = await runScenario(scenario, ledger, trackSteps(hooks, progress));
      if (args.json) {
        io.out(JSON.stringify(toScenarioJson(result), null, 2));
      } else {
        if (pacer !== undefined) {
          // The closing summary and tables wait, so the last step's result stays on screen.
          const prompt = renderPrompt("[Enter] to show the final ledger", style);
          say(`\n${prompt}`);
          await goOn(prompt);
        }
        say(`${renderSummary(result, style)}\n\n${renderLedgerState(await readLedgerState(result.directory), style)}`);
      }
      if (!result.ok) {
        const last = result.steps[result.steps.length - 1];
        throw new StepFailedError(last.index + 1, last.title, describeProblem(last, result.directory));
      }
      return 0;
    } catch (error) {
      throw await explainFailure(error, [connection, ...extraConnections], progress.phase);
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
