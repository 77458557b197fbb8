import type { Directory } from "../chain/directory.js";
import type { TransactionFact } from "../chain/facts.js";
import { formatDate } from "../domain/calendar.js";
import type { ScenarioRun } from "../runner/run.js";
import { isNoBalanceChange, isRefusal, type Observation, type Step, type StepResult } from "../runner/types.js";
import { describeEvents, formatRef } from "./event-text.js";
import { describeErrorFact, describeFailure, describeProblem } from "./refusal-text.js";
import { renderTable } from "./table.js";
import { fillNote, isoStatusText, partyLabel, plainAmount, tokenLabel } from "./words.js";

/** Events listed per transaction; the rest are counted (the JSON report has them all). */
const MAX_EVENTS_SHOWN = 8;
/** Transactions listed per step. */
const MAX_TXS_SHOWN = 12;

const gas = (n: bigint): string => Number(n).toLocaleString("en-US");

/** The heading of a step, before it runs ("Step 3/12  …"). */
export function renderStepHeading(step: Pick<Step, "title">, index: number, total: number): string {
  return `\nStep ${index + 1}/${total}  ${step.title}`;
}

/** What a presenter says before running a step. */
export function renderStepPreview(step: Step, index: number, total: number): string {
  const lines = [renderStepHeading(step, index, total)];
  if (step.detail !== undefined) lines.push(`  ${step.detail}`);
  if (isRefusal(step.expect)) lines.push("  (this step is meant to be refused, to show that nothing moves)");
  return lines.join("\n");
}

/** One observation in words. */
export function renderObservation(o: Observation, directory: Directory): string {
  switch (o.kind) {
    case "clock":
      return directory.chains.length > 1
        ? `the ${directory.chain(o.chain).name}'s clock now reads ${formatDate(o.time)}`
        : `the ledger's clock now reads ${formatDate(o.time)}`;
    case "tradeStatus":
      return `trade ${formatRef(o.tradeRef)} on chain: ${isoStatusText(o.iso)} — engine status ${o.status}${o.reason === "None" || o.reason === o.status ? "" : `, ${o.reason}`}`;
    case "note":
      return fillNote(o.text, o.values);
  }
}

/** A transaction: hash, label and gas, then its events; a refused one with why, unless `said` already says it. */
function renderTransaction(tx: TransactionFact, directory: Directory, said?: string): string[] {
  if (tx.status === "reverted") {
    const why = tx.error === undefined ? (tx.revertData === "0x" ? "reverted without a reason" : "reverted") : describeErrorFact(tx.error, directory, tx.chain.key);
    const what = tx.via === "call" ? "call" : tx.hash === undefined ? "not sent" : `tx ${tx.hash.slice(0, 10)}…`;
    return [`  ${what}  ${tx.label}  — refused${why === said ? "" : `: ${why}`}`];
  }
  const lines = [`  tx ${tx.hash.slice(0, 10)}…  ${tx.label}  (gas ${gas(tx.gasUsed)})`];
  const events = describeEvents(tx.events, tx.chain.key, directory);
  for (const event of events.slice(0, MAX_EVENTS_SHOWN)) lines.push(`     • ${event}`);
  if (events.length > MAX_EVENTS_SHOWN) lines.push(`     • … and ${events.length - MAX_EVENTS_SHOWN} more events (all of them in --json)`);
  return lines;
}

const gasOf = (txs: readonly TransactionFact[]): bigint => txs.reduce((sum, t) => sum + (t.status === "success" ? t.gasUsed : 0n), 0n);

/** What happened in a step: outcome, transactions with gas and events, observations, balances before → after. */
export function renderStepResult(result: StepResult, directory: Directory): string {
  const lines: string[] = [];
  switch (result.status) {
    case "ok":
      lines.push("  ✔ done");
      break;
    case "expected-failure":
      lines.push(
        isNoBalanceChange(result.expect)
          ? "  ✔ as expected: the attempt is recorded on chain and no balance moved"
          : `  ✔ refused as expected: ${result.failure === undefined ? "reverted" : describeFailure(result.failure, directory)}`,
      );
      break;
    case "failed":
      lines.push(`  ✖ FAILED: ${describeProblem(result, directory)}`);
      break;
  }
  const said = result.failure === undefined ? undefined : describeFailure(result.failure, directory);
  for (const tx of result.transactions.slice(0, MAX_TXS_SHOWN)) lines.push(...renderTransaction(tx, directory, said));
  if (result.transactions.length > MAX_TXS_SHOWN) {
    const rest = result.transactions.slice(MAX_TXS_SHOWN);
    lines.push(`  … and ${rest.length} more transactions (gas ${gas(gasOf(rest))}; all of them in --json)`);
  }
  for (const o of result.observations) lines.push(`  ${renderObservation(o, directory)}`);
  if (result.changes.length === 0) {
    lines.push(result.status === "ok" ? "  no balance moved" : "  no balance moved — atomicity held");
  } else {
    lines.push(
      renderTable(
        ["  Holder", "Token", "Before", "After"],
        result.changes.map((c) => [`  ${partyLabel(c.holder)}`, tokenLabel(c.token, directory), plainAmount(c.token, c.before), plainAmount(c.token, c.after)]),
      ),
    );
  }
  return lines.join("\n");
}

/** "network "hardhat" (chain 31337)" or both chains of a two-chain run. */
export function networkLabel(directory: Directory): string {
  return directory.chains.map((c) => `${c.name} on network "${c.network}" (chain ${c.chainId})`).join(" and ");
}

/** The closing summary: every step's outcome and the total gas. */
export function renderSummary(run: ScenarioRun): string {
  const total = run.steps.reduce((sum, s) => sum + gasOf(s.transactions), 0n);
  const expected = run.steps.filter((s) => s.status === "expected-failure").length;
  const last = run.steps[run.steps.length - 1];
  const verdict = run.ok
    ? `✔ ${run.scenario.name}: ${run.steps.length} steps, ${networkLabel(run.directory)}, ${expected} refused as designed, ${gas(total)} gas in all`
    : `✖ ${run.scenario.name} stopped at step ${run.steps.length}: ${last === undefined ? "no step ran" : describeProblem(last, run.directory)}`;
  return `\n${verdict}`;
}
