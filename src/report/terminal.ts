import { renderTable } from "./table.js";
import type { ScenarioRun, StepResult } from "../runner/run.js";
import { isNoBalanceChange, isRefusal, type Step } from "../runner/types.js";

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

/** What happened in a step: outcome, transactions with gas and events, notes, balances before → after. */
export function renderStepResult(result: StepResult, run: Pick<ScenarioRun, "book">): string {
  const lines: string[] = [];
  switch (result.status) {
    case "ok":
      lines.push("  ✔ done");
      break;
    case "expected-failure":
      lines.push(
        isNoBalanceChange(result.expect)
          ? "  ✔ as expected: the attempt is recorded on chain and no balance moved"
          : `  ✔ refused as expected: ${result.reason ?? "reverted"}`,
      );
      break;
    case "failed":
      lines.push(`  ✖ FAILED: ${result.reason ?? "unknown reason"}`);
      break;
  }
  for (const tx of result.transactions.slice(0, MAX_TXS_SHOWN)) {
    lines.push(`  tx ${tx.hash.slice(0, 10)}…  ${tx.label}  (gas ${gas(tx.gasUsed)})`);
    for (const event of tx.events.slice(0, MAX_EVENTS_SHOWN)) lines.push(`     • ${event}`);
    if (tx.events.length > MAX_EVENTS_SHOWN) {
      lines.push(`     • … and ${tx.events.length - MAX_EVENTS_SHOWN} more events (all of them in --json)`);
    }
  }
  if (result.transactions.length > MAX_TXS_SHOWN) {
    const rest = result.transactions.slice(MAX_TXS_SHOWN);
    lines.push(`  … and ${rest.length} more transactions (gas ${gas(rest.reduce((sum, t) => sum + t.gasUsed, 0n))}; all of them in --json)`);
  }
  for (const note of result.notes) lines.push(`  ${note}`);
  if (result.changes.length === 0) {
    lines.push(result.status === "ok" ? "  no balance moved" : "  no balance moved — atomicity held");
  } else {
    lines.push(
      renderTable(
        ["  Holder", "Token", "Before", "After"],
        result.changes.map((c) => [
          `  ${run.book.label(c.holder)}`,
          c.token.symbol,
          run.book.amountPlain(c.token, c.before),
          run.book.amountPlain(c.token, c.after),
        ]),
      ),
    );
  }
  return lines.join("\n");
}

/** The closing summary: every step's outcome and the total gas. */
export function renderSummary(run: ScenarioRun, networkName: string): string {
  const total = run.steps.reduce((sum, s) => sum + s.transactions.reduce((t, x) => t + x.gasUsed, 0n), 0n);
  const expected = run.steps.filter((s) => s.status === "expected-failure").length;
  const verdict = run.ok
    ? `✔ ${run.scenario.name}: ${run.steps.length} steps on network "${networkName}" (chain ${run.ledger.chainId}), ${expected} refused as designed, ${gas(total)} gas in all`
    : `✖ ${run.scenario.name} stopped at step ${run.steps.length}: ${run.steps[run.steps.length - 1]?.reason ?? "unknown"}`;
  return `\n${verdict}`;
}
