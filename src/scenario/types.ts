import type { HongKongLedger, LedgerConnection } from "../ledger/deploy.js";
import type { ScenarioContext } from "./context.js";

/**
 * How a step is meant to end.
 * - `"success"` (default): the action completes; any balance may move.
 * - `"revert"`: an expected failure shown to prove atomicity: the action must be refused by the
 *   chain, and no balance may move.
 * - `"no-balance-change"`: the action completes (e.g. a settlement attempt recorded as failed on
 *   chain), but no balance may move.
 */
export type StepExpectation = "success" | "revert" | "no-balance-change";

/** One step of a scenario: a one-line narrative and the action that makes it happen. */
export interface Step {
  /** What happens, in one line, as a presenter would say it. */
  readonly title: string;
  /** A longer explanation shown before the step in presenter mode (optional). */
  readonly detail?: string;
  readonly expect?: StepExpectation;
  /** Sends the step's transactions through `ctx.send` and checks what must hold with `ctx.check`. */
  readonly action: (ctx: ScenarioContext) => Promise<void>;
}

/** How a cross-chain scenario reaches its second chain (a second in-process network, or a named one). */
export interface SecondChain {
  second(): Promise<LedgerConnection>;
}

/** A named, described list of steps run against a freshly deployed ledger. */
export interface Scenario<L extends HongKongLedger = HongKongLedger> {
  /** Command-line name, kebab-case, e.g. "green-bond-issuance". */
  readonly name: string;
  /** One line for `npm run scenarios`. */
  readonly description: string;
  /**
   * Deploys the ledger the scenario runs on; the Hong Kong ledger when absent. A cross-chain
   * scenario asks for its second chain with `chains.second()`.
   */
  readonly deploy?: (connection: LedgerConnection, chains: SecondChain) => Promise<L>;
  /**
   * Builds the steps. Called once per run after the ledger is deployed; steps may share state
   * through variables in this closure (e.g. a trade defined in one step and settled in a later one).
   */
  steps(ledger: L): readonly Step[];
}

/** Declares a scenario (an identity function that checks the shape). */
export function defineScenario<L extends HongKongLedger = HongKongLedger>(scenario: Scenario<L>): Scenario<L> {
  return scenario;
}
