import type { HongKongLedger, LedgerConnection } from "../chain/deploy.js";
import type { BalanceMove, ErrorFact, TransactionFact } from "../chain/facts.js";
import type { LedgerKind } from "../chain/preflight.js";
import type { FailureReasonName, IsoTradeStatus, ReasonCode, TradeStatusName } from "../domain/trade.js";
import type { ScenarioContext } from "./context.js";

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
  /** Stable kebab-case id, unique in its scenario (tests and JSON consumers find steps by it), e.g. "issue-by-tender". */
  readonly id: string;
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
   * Whose accounts the (first) chain must have, funded, before anything is deployed (src/chain/preflight.ts):
   * the Hong Kong ledger's nine institutions when absent, "cross-border" for the fifteen of the multi-currency ledgers.
   */
  readonly ledgerAccounts?: LedgerKind;
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

/** A value a note shows: money, bond units, a time, a count or a word; the report formats it. */
export type NoteValue =
  | { readonly type: "money"; readonly amount: bigint; readonly currency: string; readonly decimals: number }
  | { readonly type: "units"; readonly units: bigint }
  | { readonly type: "time"; readonly time: bigint }
  | { readonly type: "number"; readonly value: bigint }
  | { readonly type: "text"; readonly value: string };

/** What a step observed besides its transactions, as data. */
export type Observation =
  /** A chain's clock after time travel (unix seconds). */
  | { readonly kind: "clock"; readonly chain: string; readonly time: bigint }
  /** A trade's record on the engine: the engine's own status and reason, and their ISO 20022 codes. */
  | {
      readonly kind: "tradeStatus";
      readonly tradeRef: string;
      readonly tradeId: string;
      readonly status: TradeStatusName;
      readonly reason: FailureReasonName;
      readonly iso: IsoTradeStatus;
    }
  /** A figure the scenario points out: `text` (the definition's words) with `{name}` placeholders for `values`. */
  | { readonly kind: "note"; readonly text: string; readonly values: Readonly<Record<string, NoteValue>> };

/** How a step's action failed, as data. */
export type StepFailure =
  /** The chain refused with a custom error of a ledger contract. */
  | { readonly kind: "refusal"; readonly error: ErrorFact; readonly revertData: string }
  /** The chain refused with data no ledger contract's interface decodes ("0x": no reason). */
  | { readonly kind: "revert"; readonly revertData: string }
  /** A `ctx.check` did not hold (its message is the definition's words). */
  | { readonly kind: "check"; readonly message: string }
  /** Anything else thrown: a bug in the step, a node that went away. */
  | { readonly kind: "error"; readonly name: string; readonly message: string };

/** Why a step failed its expectation, as data (the report words it). */
export type StepProblem =
  /** Expected a refusal; the step went through. */
  | { readonly kind: "notRefused" }
  /** Expected a refusal; the chain refused with another error (`failure` holds it). */
  | { readonly kind: "otherRefusal" }
  /** Expected a refusal; the step failed otherwise (`failure` holds how). */
  | { readonly kind: "notARefusal" }
  /** Refused as expected, yet balances moved. */
  | { readonly kind: "movedDespiteRefusal" }
  /** Expected success or no balance change; the action failed (`failure` holds how). */
  | { readonly kind: "failed" }
  /** Expected no balance change; some balance moved. */
  | { readonly kind: "balancesMoved" }
  /** Expected an event; the step emitted others. */
  | { readonly kind: "eventMissing"; readonly seen: readonly string[] };

/**
 * How a step ended: `ok`; `expected-failure` (refused or recorded as failed as the scenario meant,
 * nothing moved); `failed` (something the scenario did not expect: the run stops there).
 */
export type StepStatus = "ok" | "expected-failure" | "failed";

/** What a step did, before it is judged. */
export interface StepOutcome {
  readonly id: string;
  readonly index: number;
  readonly title: string;
  readonly detail?: string;
  readonly expect: StepExpectation;
  readonly transactions: readonly TransactionFact[];
  readonly observations: readonly Observation[];
  readonly changes: readonly BalanceMove[];
}

/** A step's facts and verdict. */
export interface StepResult extends StepOutcome {
  readonly status: StepStatus;
  /** How the action failed, if it did (expected or not). */
  readonly failure?: StepFailure;
  /** Why the step failed its expectation (status "failed" only). */
  readonly problem?: StepProblem;
}
