import { checkSeparateChains } from "../chain/connect.js";
import { deployHongKongLedger } from "../chain/deploy.js";
import { Directory } from "../chain/directory.js";
import { checkAccounts, LEDGER_ACCOUNTS } from "../chain/preflight.js";
import { headlineOf } from "../errors/base.js";
import { describeEvent } from "../report/event-text.js";
import { toScenarioJson } from "../report/json.js";
import { describeFailure, describeProblem } from "../report/refusal-text.js";
import { renderObservation } from "../report/terminal.js";
import { runScenario, type ScenarioRun } from "../runner/run.js";
import type { Scenario, SecondChain, StepResult } from "../runner/types.js";
import type { ChainHost } from "./chain-host.js";
import type { PresentChain, PresentState, PresentStep, UpcomingStep } from "./state.js";

/** Thrown out of the runner's hook to stop a run the presenter restarted. */
class RestartRequested extends Error {
  override readonly name = "RestartRequested";
}

/** The path, on the page's own server, under which `/<chain key>` forwards JSON-RPC to that chain's node. */
export const RPC_PATH = "/rpc";

/** What the presenter can ask of a presentation. */
export type PresentCommand = "next" | "run-to-end" | "restart";

/**
 * One presentation of a scenario: deploys the ledger on the host's chains and runs the scenario's
 * steps one at a time, each when the presenter asks (`next`), or all that remain (`runToEnd`);
 * `restart` returns every chain to its opening state and deploys afresh. It keeps the state the page
 * renders (facts of finished steps, the upcoming step) and tells listeners of every change.
 */
export class PresentSession {
  private readonly scenario: Scenario;
  private readonly host: ChainHost;
  private state: PresentState;
  private readonly listeners = new Set<(state: PresentState) => void>();
  private release: (() => void) | undefined;
  private auto = false;
  private restarting = false;
  private running: Promise<void> = Promise.resolve();

  constructor(scenario: Scenario, host: ChainHost) {
    this.scenario = scenario;
    this.host = host;
    this.state = {
      version: 0,
      runId: 0,
      phase: "deploying",
      scenario: { name: scenario.name, description: scenario.description },
      network: host.description,
      chains: [],
      total: 0,
      steps: [],
      ok: true,
    };
  }

  /** The current state. */
  get current(): PresentState {
    return this.state;
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (state: PresentState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deploys the ledger and waits before the first step. */
  start(): void {
    this.running = this.run();
  }

  /** Runs the upcoming step (ignored unless the presentation waits for Next). */
  next(): void {
    this.release?.();
  }

  /** Runs every remaining step without waiting. */
  runToEnd(): void {
    this.auto = true;
    this.release?.();
  }

  /** Stops the run at the next step boundary, returns every chain to its opening state and deploys afresh. */
  async restart(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    this.release?.();
    await this.running;
    this.restarting = false;
    this.auto = false;
    this.update({ runId: this.state.runId + 1, phase: "deploying", chains: [], total: 0, steps: [], ok: true, upcoming: undefined, error: undefined });
    try {
      await this.host.reset();
    } catch (error) {
      this.update({ phase: "error", error: headlineOf(error) });
      return;
    }
    this.start();
  }

  /** Waits for the current run to stop (at its end, an error, or a restart). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** The URL of the node chain `key` of the ledger runs on (the host's chain with the ledger chain's connection). */
  private nodeUrlOf(directory: Directory, key: string): string {
    const connection = directory.chain(key).inventory.connection;
    const hosted = this.host.chains.find((c) => c.connection === connection);
    if (hosted === undefined) throw new Error(`unreachable: the ledger's chain ${key} runs on a connection the presentation did not start`);
    return hosted.rpcUrl;
  }

  /**
   * How to answer JSON-RPC text for the node at `nodeUrl` in this process, when the host runs that chain
   * in-process (the same provider the URL serves); undefined for a node elsewhere, which is asked over HTTP.
   */
  answererOf(nodeUrl: string): ((text: string) => Promise<unknown>) | undefined {
    return this.host.chains.find((c) => c.rpcUrl === nodeUrl)?.answer;
  }

  private update(change: Partial<PresentState>): void {
    // An optional field set to undefined is left out of the JSON the page reads.
    this.state = { ...this.state, ...change, version: this.state.version + 1 };
    for (const listener of this.listeners) listener(this.state);
  }

  private async run(): Promise<void> {
    const scenario = this.scenario;
    const results: StepResult[] = [];
    try {
      const [first, second] = this.host.chains;
      await checkAccounts(first.connection, LEDGER_ACCOUNTS[scenario.ledgerAccounts ?? "hong-kong"]);
      // The second chain as `npm run scenario` checks it: a chain of its own, with the Thai chain's institutions funded.
      const chains: SecondChain = {
        async second() {
          if (second === undefined) throw new Error(`unreachable: ${scenario.name} asked for a second chain the presentation did not start`);
          await checkSeparateChains(first.connection, second.connection);
          await checkAccounts(second.connection, LEDGER_ACCOUNTS["thai-chain"]);
          return second.connection;
        },
      };
      const ledger = scenario.deploy === undefined ? await deployHongKongLedger(first.connection) : await scenario.deploy(first.connection, chains);
      const directory = await Directory.read(ledger.chains);
      // The page shows the opening state before the first step: who holds what, from each chain.
      this.update({ chains: chainsOf(directory, scenario, ledger, (key) => this.nodeUrlOf(directory, key)) });
      const run = await runScenario(scenario, ledger, {
        beforeStep: async (step, index, total) => {
          if (this.restarting) throw new RestartRequested();
          const upcoming: UpcomingStep = {
            index,
            id: step.id,
            title: step.title,
            ...(step.detail === undefined ? {} : { detail: step.detail }),
            expect: step.expect ?? "success",
          };
          if (!this.auto) {
            const go = new Promise<void>((resolve) => (this.release = resolve));
            this.update({ phase: "waiting", total, upcoming });
            await go;
            this.release = undefined;
            if (this.restarting) throw new RestartRequested();
          }
          this.update({ phase: "running", total, upcoming });
        },
        afterStep: async (result, directory) => {
          results.push(result);
          this.update({ steps: [...this.state.steps, presentStep(result, directory, scenario, ledger)], ok: this.state.ok && result.status !== "failed" });
        },
      });
      this.update({ phase: "finished", upcoming: undefined, ok: run.ok, ...(run.ok ? {} : { error: problemOf(run) }) });
    } catch (error) {
      if (error instanceof RestartRequested) return;
      this.update({ phase: "error", upcoming: undefined, error: headlineOf(error) });
    }
  }
}

/** The JSON report of a run so far: its chains and the steps finished (the report's own shapes). */
function reportOf(directory: Directory, scenario: Scenario, ledger: ScenarioRun["ledger"], steps: readonly StepResult[]) {
  return toScenarioJson({ scenario, ledger, directory, steps, ok: true, finalBalances: new Map() });
}

/** The ledger's chains as the page reads them: each with its holders, its node's URL and its path on the page's server. */
function chainsOf(directory: Directory, scenario: Scenario, ledger: ScenarioRun["ledger"], nodeUrlOf: (key: string) => string): PresentChain[] {
  return reportOf(directory, scenario, ledger, []).chains.map((chain) => ({
    ...chain,
    holders: directory.chain(chain.key).holders.map((h) => ({ name: h.name, address: h.address })),
    nodeUrl: nodeUrlOf(chain.key),
    rpcPath: `${RPC_PATH}/${chain.key}`,
  }));
}

function presentStep(result: StepResult, directory: Directory, scenario: Scenario, ledger: ScenarioRun["ledger"]): PresentStep {
  const [step] = reportOf(directory, scenario, ledger, [result]).steps;
  return {
    step,
    words: {
      ...(result.failure === undefined ? {} : { failure: describeFailure(result.failure, directory) }),
      ...(result.status === "failed" ? { problem: describeProblem(result, directory) } : {}),
      observations: result.observations.map((o) => renderObservation(o, directory)),
      events: result.transactions.map((tx) => (tx.status === "success" ? tx.events.map((e) => describeEvent(e, tx.chain.key, directory)) : [])),
    },
  };
}

function problemOf(run: ScenarioRun): string {
  const last = run.steps[run.steps.length - 1];
  return `step ${last.index + 1} (${last.title}) failed: ${describeProblem(last, run.directory)}`;
}
