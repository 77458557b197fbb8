import type { HongKongLedger, LedgerConnection } from "../chain/deploy.js";
import type { ScenarioContext } from "./context.js";

import type { ReasonCode } from "../domain/trade.js";

/**
 * An expected failure shown to prove atomicity: the chain must refuse the action with exactly this
 * custom error (and, for `SettlementLegFailed`, this reason code and token error), and no balance may
 * move. Any other error — another revert, a bug in the step — fails the run, naming both.
 * @example { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" }
 */
export interface ExpectedRefusal {
  readonly revert: string;
  readonly reason?: ReasonCode;
  readonly tokenError?: string;
}

/**
 * The action completes but no balance may move, and one of its transactions must emit `event` (with
 * `reason` as its ISO 20022 or sandbox reason code, for events that carry a `FailureReason`), e.g. a
 * settlement attempt recorded on chain as failed.
 * @example { noBalanceChange: "TradeSettlementFailed", reason: "LACK" }
 */
export interface ExpectedNoBalanceChange {
  readonly noBalanceChange: string;
  readonly reason?: ReasonCode;
}

/** How a step is meant to end: `"success"` (default: the action completes, any balance may move) or one of the above. */
export type StepExpectation = "success" | ExpectedRefusal | ExpectedNoBalanceChange;

/** Whether `expect` is an expected refusal. */
export function isRefusal(expect: StepExpectation | undefined): expect is ExpectedRefusal {
  return typeof expect === "object" && "revert" in expect;
}

/** Whether `expect` is an expected outcome with no balance change. */
export function isNoBalanceChange(expect: StepExpectation | undefined): expect is ExpectedNoBalanceChange {
  return typeof expect === "object" && "noBalanceChange" in expect;
}

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
  /** How many separate ledgers the scenario runs on (2 for a cross-chain scenario); 1 when absent. */
  readonly chainCount?: 1 | 2;
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
