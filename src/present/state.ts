import type { ScenarioReportJson, StepJson } from "../report/json.js";
import type { StepExpectation } from "../runner/types.js";

/**
 * What the presenter page asks the presenter server for: which step is current and the facts the
 * runner recorded. Balances, trade records and receipts the page reads from each chain itself, through
 * the chain's `rpcPath` (a same-origin proxy to that chain's JSON-RPC node).
 */

/** Where a presentation is: deploying its ledger, waiting for Next, running a step, done, or stopped by an error. */
export type PresentPhase = "deploying" | "waiting" | "running" | "finished" | "error";

/** A chain of the ledger, as the JSON report lists it, with the accounts whose balances the page shows. */
export type PresentChain = ScenarioReportJson["chains"][number] & {
  /** Participants first, then contracts that hold tokens (escrow, paying agent), as the runner tracks them. */
  readonly holders: readonly { readonly name: string; readonly address: string }[];
  /** The node's own JSON-RPC URL, for tools other than the page (a test, a developer's terminal). */
  readonly nodeUrl: string;
  /** The page's JSON-RPC endpoint for this chain: a path on the page's own server that forwards to the node. */
  readonly rpcPath: string;
};

/** The report's words for a step's facts (the page shows facts, and these sentences computed from them). */
export interface StepWords {
  /** How the action failed (an expected failure's decoded reason, or an unexpected failure). */
  readonly failure?: string;
  /** Why a failed step failed its expectation. */
  readonly problem?: string;
  /** Each observation (a clock, a trade's status, a note) in words, in order. */
  readonly observations: readonly string[];
  /** Per transaction, per event: the event in words (null for an event the report leaves out as noise). */
  readonly events: readonly (readonly (string | null)[])[];
}

/** A finished step: the JSON report's step, and its words. */
export interface PresentStep {
  readonly step: StepJson;
  readonly words: StepWords;
}

/** The step the next Next runs. */
export interface UpcomingStep {
  readonly index: number;
  readonly id: string;
  readonly title: string;
  readonly detail?: string;
  readonly expect: StepExpectation;
}

/** The whole state the page renders; `version` grows with every change, `runId` with every (re)deployment. */
export interface PresentState {
  readonly version: number;
  readonly runId: number;
  readonly phase: PresentPhase;
  readonly scenario: { readonly name: string; readonly description: string };
  /** Where the ledger runs, in words, e.g. "in-process (Hardhat), served at http://127.0.0.1:40123". */
  readonly network: string;
  /** Empty while deploying. */
  readonly chains: readonly PresentChain[];
  /** Number of steps of the scenario (0 until the first is known). */
  readonly total: number;
  readonly steps: readonly PresentStep[];
  readonly upcoming?: UpcomingStep;
  /** Whether every step so far ended as designed. */
  readonly ok: boolean;
  /** One line, when phase is "error": what stopped the presentation. */
  readonly error?: string;
}
