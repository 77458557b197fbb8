import type { Directory } from "../chain/directory.js";
import type { BalanceMove, TransactionFact } from "../chain/facts.js";
import { formatDate } from "../domain/calendar.js";
import type { ScenarioRun } from "../runner/run.js";
import { isNoBalanceChange, isRefusal, type Observation, type Step, type StepResult } from "../runner/types.js";
import { describeEvents, formatRef } from "./event-text.js";
import { describeErrorFact, describeFailure, describeProblem } from "./refusal-text.js";
import { KEEP_TOGETHER, wrapLine, type Role, type Style } from "./style.js";
import { renderTable, type Reduction } from "./table.js";
import { fillNote, isoStatusText, partyLabel, plainAmount, tokenLabel } from "./words.js";

/** Events listed per transaction; the rest are counted (the JSON report has them all). */
const MAX_EVENTS_SHOWN = 8;
/** Transactions listed per step. */
const MAX_TXS_SHOWN = 12;
/** Transactions listed per step when its events are left out (presenter mode), so a step fits one screen. */
const MAX_TXS_COMPACT = 6;
/** Observations listed per step in presenter mode (a netting batch observes 60 trades). */
const MAX_OBSERVATIONS_COMPACT = 8;

/**
 * How much of a step's events a result shows: `capped` (the default: up to 8 a transaction),
 * `hidden` (none, only how many, for presenter mode) or `all`.
 */
export type EventDetail = "capped" | "hidden" | "all";

const gas = (n: bigint): string => Number(n).toLocaleString("en-US");

/** Lines of prose fitted to the style's width, each painted in `role` after wrapping. */
function prose(line: string, style: Style, role?: Role, hang?: number): string[] {
  return wrapLine(line, style.width, hang).map((l) => (role === undefined ? l : style.paint(role, l)));
}

/** The first lines of a run: the scenario, what it shows, and where it deploys. */
export function renderIntro(name: string, description: string, networkName: string, style: Style): string {
  return [
    ...prose(`Scenario ${name}: ${description}`, style, undefined, 2).map((l, i) => (i === 0 ? l.replace(`Scenario ${name}:`, style.paint("heading", `Scenario ${name}:`)) : l)),
    ...prose(`Deploying the ledger on network "${networkName}"…`, style),
  ].join("\n");
}

/** The heading of a step, before it runs ("Step 3/12  …"), wrapped under its title. */
export function renderStepHeading(step: Pick<Step, "title">, index: number, total: number, style: Style): string {
  const lead = `Step ${index + 1}/${total}  `;
  return `\n${prose(`${lead}${step.title}`, style, "heading", lead.length).join("\n")}`;
}

/** What a presenter says before running a step. */
export function renderStepPreview(step: Step, index: number, total: number, style: Style): string {
  const lines = [renderStepHeading(step, index, total, style)];
  if (step.detail !== undefined) lines.push(...prose(`  ${step.detail}`, style, undefined, 2));
  if (isRefusal(step.expect)) lines.push(...prose("  (this step is meant to be refused, to show that nothing moves)", style, "expected"));
  return lines.join("\n");
}

/** A presenter's prompt: "  [Enter] to run this step". */
export function renderPrompt(text: string, style: Style): string {
  return prose(`  ${text}`, style, "calm").join("\n");
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

/** Runs this long of trades observed in the same state read as one line. */
const FOLD_TRADE_STATUSES = 3;

/**
 * Observations in words, a run of `FOLD_TRADE_STATUSES` or more trades observed in the same state
 * folded into one line ("60 trades on chain: MACH/FUTU (…) — NB-001 … NB-060").
 */
export function renderObservations(observations: readonly Observation[], directory: Directory): string[] {
  const lines: string[] = [];
  for (let i = 0; i < observations.length; ) {
    const o = observations[i];
    let j = i + 1;
    if (o.kind === "tradeStatus") {
      const same = (x: Observation): boolean =>
        x.kind === "tradeStatus" && x.status === o.status && x.reason === o.reason && x.iso.status === o.iso.status && x.iso.reason === o.iso.reason;
      while (j < observations.length && same(observations[j])) j++;
      const last = observations[j - 1];
      if (j - i >= FOLD_TRADE_STATUSES && last.kind === "tradeStatus") {
        lines.push(`${j - i} trades on chain: ${isoStatusText(o.iso)} — ${formatRef(o.tradeRef)} … ${formatRef(last.tradeRef)}`);
        i = j;
        continue;
      }
      j = i + 1;
    }
    lines.push(renderObservation(o, directory));
    i = j;
  }
  return lines;
}

/** A transaction: hash, label and gas, then its events; a refused one with why, unless `said` already says it. */
function renderTransaction(tx: TransactionFact, directory: Directory, style: Style, events: EventDetail, said?: string): string[] {
  if (tx.status === "reverted") {
    const why = tx.error === undefined ? (tx.revertData === "0x" ? "reverted without a reason" : "reverted") : describeErrorFact(tx.error, directory, tx.chain.key);
    const what = tx.via === "call" ? "call" : tx.hash === undefined ? "not sent" : `tx ${tx.hash.slice(0, 10)}…`;
    return prose(`  ${what}  ${tx.label}  — refused${why === said ? "" : `: ${why}`}`, style);
  }
  const hash = `tx ${tx.hash.slice(0, 10)}…`;
  const head = prose(`  ${hash}  ${tx.label}  (gas${KEEP_TOGETHER}${gas(tx.gasUsed)})`, style, undefined, 4);
  const lines = style.color ? head.map((l) => l.replace(hash, style.paint("dim", hash))) : head;
  if (events === "hidden") return lines;
  const described = describeEvents(tx.events, tx.chain.key, directory);
  const shown = events === "all" ? described : described.slice(0, MAX_EVENTS_SHOWN);
  for (const event of shown) lines.push(...prose(`     ${style.paint("dim", "•")} ${event}`, style, undefined, 7));
  if (shown.length < described.length) lines.push(...prose(`     • … and ${described.length - shown.length} more events (all of them in --json)`, style, "dim", 7));
  return lines;
}

const gasOf = (txs: readonly TransactionFact[]): bigint => txs.reduce((sum, t) => sum + (t.status === "success" ? t.gasUsed : 0n), 0n);

/** Events a report would describe in a step's transactions (noise left out). */
const eventCount = (result: StepResult, directory: Directory): number =>
  result.transactions.reduce((n, tx) => n + (tx.status === "success" ? describeEvents(tx.events, tx.chain.key, directory).length : 0), 0);

/** A narrow terminal cuts long holder names, then token labels ("wTHB (Thai chain)"). */
const CHANGE_REDUCTIONS: readonly Reduction[] = [
  { truncate: "Holder", min: 14 },
  { truncate: "Token", min: 8 },
];

/** Balances before → after, the new amount in the colour of its direction. */
function renderChanges(changes: readonly BalanceMove[], directory: Directory, style: Style): string {
  return renderTable(
    ["  Holder", "Token", "Before", "After"],
    changes.map((c) => [
      `  ${partyLabel(c.holder)}`,
      tokenLabel(c.token, directory),
      plainAmount(c.token, c.before),
      { text: plainAmount(c.token, c.after), role: c.after > c.before ? "up" : "down" },
    ]),
    { style, reductions: CHANGE_REDUCTIONS },
  );
}

/** A step's verdict line(s): ✔ done, ✔ refused as expected …, ✖ FAILED …. */
function renderVerdict(result: StepResult, directory: Directory, style: Style): string[] {
  switch (result.status) {
    case "ok":
      return [`  ${style.paint("ok", "✔ done")}`];
    case "expected-failure":
      return prose(
        isNoBalanceChange(result.expect)
          ? "  ✔ as expected: the attempt is recorded on chain and no balance moved"
          : `  ✔ refused as expected: ${result.failure === undefined ? "reverted" : describeFailure(result.failure, directory)}`,
        style,
        "expected",
      );
    case "failed":
      return prose(`  ✖ FAILED: ${describeProblem(result, directory)}`, style, "fail");
  }
}

/**
 * What happened in a step: outcome, transactions with gas and (as `events` says) their events,
 * observations, balances before → after; every line fitted to `style.width`.
 */
export function renderStepResult(result: StepResult, directory: Directory, style: Style, events: EventDetail = "capped"): string {
  const lines = renderVerdict(result, directory, style);
  const said = result.failure === undefined ? undefined : describeFailure(result.failure, directory);
  const cap = events === "hidden" ? MAX_TXS_COMPACT : MAX_TXS_SHOWN;
  for (const tx of result.transactions.slice(0, cap)) lines.push(...renderTransaction(tx, directory, style, events, said));
  if (result.transactions.length > cap) {
    const rest = result.transactions.slice(cap);
    lines.push(...prose(`  … and ${rest.length} more transactions (gas ${gas(gasOf(rest))}; all of them in --json)`, style, "dim"));
  }
  const folded = renderObservations(result.observations, directory);
  const observations = events === "hidden" ? folded.slice(0, MAX_OBSERVATIONS_COMPACT) : folded;
  for (const line of observations) lines.push(...prose(`  ${line}`, style));
  const hiddenEvents = events === "hidden" ? eventCount(result, directory) : 0;
  const hiddenObservations = folded.length - observations.length;
  if (hiddenEvents > 0 || hiddenObservations > 0) {
    const what = [
      hiddenEvents === 0 ? "" : `${hiddenEvents} ${hiddenEvents === 1 ? "event" : "events"}`,
      hiddenObservations === 0 ? "" : `${hiddenObservations} more ${hiddenObservations === 1 ? "observation" : "observations"}`,
    ].filter((w) => w !== "");
    lines.push(...prose(`  ${what.join(" and ")} not shown: [e] [Enter] lists them (or run with --verbose)`, style, "calm"));
  }
  if (result.changes.length === 0) {
    lines.push(style.paint("calm", result.status === "ok" ? "  no balance moved" : "  no balance moved — atomicity held"));
  } else {
    lines.push(renderChanges(result.changes, directory, style));
  }
  return lines.join("\n");
}

/** Every event of a step, transaction by transaction, then every observation, under the step's number and title (asked for in presenter mode). */
export function renderStepEvents(result: StepResult, directory: Directory, total: number, style: Style): string {
  const lead = `Events of step ${result.index + 1}/${total}  `;
  const said = result.failure === undefined ? undefined : describeFailure(result.failure, directory);
  return [
    `\n${prose(`${lead}${result.title}`, style, "heading", lead.length).join("\n")}`,
    ...result.transactions.flatMap((tx) => renderTransaction(tx, directory, style, "all", said)),
    ...result.observations.flatMap((o) => prose(`  ${renderObservation(o, directory)}`, style)),
  ].join("\n");
}

/** "network "hardhat" (chain 31337)" or both chains of a two-chain run. */
export function networkLabel(directory: Directory): string {
  return directory.chains.map((c) => `${c.name} on network "${c.network}" (chain ${c.chainId})`).join(" and ");
}

/** The closing summary: every step's outcome and the total gas. */
export function renderSummary(run: ScenarioRun, style: Style): string {
  const total = run.steps.reduce((sum, s) => sum + gasOf(s.transactions), 0n);
  const expected = run.steps.filter((s) => s.status === "expected-failure").length;
  const last = run.steps[run.steps.length - 1];
  const verdict = run.ok
    ? `✔ ${run.scenario.name}: ${run.steps.length} steps, ${networkLabel(run.directory)}, ${expected} refused as designed, ${gas(total)} gas in all`
    : `✖ ${run.scenario.name} stopped at step ${run.steps.length}: ${last === undefined ? "no step ran" : describeProblem(last, run.directory)}`;
  return `\n${prose(verdict, style, run.ok ? "ok" : "fail", 2).join("\n")}`;
}
