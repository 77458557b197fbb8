import { deployHongKongLedger } from "../chain/deploy.js";
import { Directory } from "../chain/directory.js";
import { checkAccounts, LEDGER_ACCOUNTS } from "../chain/preflight.js";
import { headlineOf } from "../errors/base.js";
import { describeEvent } from "../report/event-text.js";
import { toScenarioJson } from "../report/json.js";
import { describeFailure, describeProblem } from "../report/refusal-text.js";
import { renderObservation } from "../report/terminal.js";
import { runScenario, type ScenarioRun } from "../runner/run.js";
import type { Scenario, StepResult } from "../runner/types.js";
import type { ChainHost } from "./chain-host.js";
import type { PresentChain, PresentState, PresentStep, UpcomingStep } from "./state.js";

/** Thrown out of the runner's hook to stop a run the presenter restarted. */
class RestartRequested extends Error {
  override readonly name = "RestartRequested";
}

/** The path, on the page's own server, that forwards JSON-RPC to the node. */
export const RPC_PATH = "/rpc";

/** What the presenter can ask of a presentation. */
export type PresentCommand = "next" | "run-to-end" | "restart";

/**
 * One presentation of a scenario: deploys the ledger on the host's chain and runs the scenario's
 * steps one at a time, each when the presenter asks (`next`), or all that remain (`runToEnd`);
 * `restart` returns the chain to its opening state and deploys afresh. It keeps the state the page
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
      nodeUrl: host.rpcUrl,
      rpcPath: RPC_PATH,
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

  /** Stops the run at the next step boundary, returns the chain to its opening state and deploys afresh. */
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

  private update(change: Partial<PresentState>): void {
    // An optional field set to undefined is left out of the JSON the page reads.
    this.state = { ...this.state, ...change, version: this.state.version + 1 };
    for (const listener of this.listeners) listener(this.state);
  }

  private async run(): Promise<void> {
    const scenario = this.scenario;
    const results: StepResult[] = [];
    try {
      const connection = this.host.connection;
      await checkAccounts(connection, LEDGER_ACCOUNTS[scenario.ledgerAccounts ?? "hong-kong"]);
      const ledger =
        scenario.deploy === undefined
          ? await deployHongKongLedger(connection)
          : await scenario.deploy(connection, {
              second: () => Promise.reject(new Error(`${scenario.name} runs on two chains; the presenter page shows one-chain scenarios`)),
            });
      // The page shows the opening state before the first step: who holds what, from the chain.
      this.update({ chains: chainsOf(await Directory.read(ledger.chains), scenario, ledger) });
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

function chainsOf(directory: Directory, scenario: Scenario, ledger: ScenarioRun["ledger"]): PresentChain[] {
  return reportOf(directory, scenario, ledger, []).chains.map((chain) => ({
    ...chain,
    holders: directory.chain(chain.key).holders.map((h) => ({ name: h.name, address: h.address })),
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
