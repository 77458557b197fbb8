import { formatUnits } from "../src/domain/money.js";
import type { BondTermSheet } from "../src/report/bond-calendar.js";
import type { FlowParty } from "../src/report/flows.js";
import type { Instruction } from "../src/report/instructions.js";
import type { TransactionJson } from "../src/report/json.js";
import { formatTime, isMoney } from "../src/report/words.js";
import type { PresentChain, PresentState, PresentStep } from "../src/present/state.js";
import { balanceKey, type Balances, type BlockFacts, type ReceiptFacts, type TradeRecordFacts } from "./chain.js";
import { button, byId, el, nodes, shortHash } from "./dom.js";
import { tierOf } from "./flow.js";

const grouped = (n: bigint | number): string => formatUnits(BigInt(n), 0);

/** A token's amount in major units (securities in whole units), without its currency (the column names it). */
function amountText(token: PresentChain["tokens"][number], amount: bigint): string {
  return formatUnits(amount, token.decimals);
}

/** What the page read from one chain for the state it renders. */
export interface ChainView {
  readonly chain: PresentChain;
  readonly block: BlockFacts;
  readonly balances: Balances;
  /** The balances when the last step was first shown: a cell that differs now was changed outside the scenario. */
  readonly baseline: Balances;
  readonly receipts: ReadonlyMap<string, ReceiptFacts>;
  readonly trades: ReadonlyMap<string, TradeRecordFacts>;
  /** The settlement instructions the steps so far recorded on this chain (read once per render). */
  readonly instructions: readonly Instruction[];
  readonly issuers: ReadonlyMap<string, FlowParty>;
  /** The bond the step is about (the one it moved or traded, else the chain's first), if the chain has one. */
  readonly bond?: BondTermSheet;
}

/** The finished step the page shows (the last one), if any. */
export function lastStep(state: PresentState): PresentStep | undefined {
  return state.steps[state.steps.length - 1];
}

/** The header: scenario, progress, each chain's block and clock, network. */
export function renderBar(state: PresentState, views: readonly ChainView[]): void {
  byId("scenario").textContent = state.scenario.name;
  byId("progress").textContent = state.total === 0 ? "" : `Step ${state.steps.length} of ${state.total}`;
  byId("clocks").replaceChildren(
    ...views.map((v) =>
      el(
        "span",
        { class: "clock", "data-chain": v.chain.key, "data-block": v.block.number.toString(), "data-time": v.block.timestamp.toString() },
        views.length > 1 ? `${v.chain.name}: ` : "",
        `block ${grouped(v.block.number)} · ${formatTime(v.block.timestamp)}`,
      ),
    ),
  );
  byId("network").textContent = state.network;
}

/** At most this many observations show under the story; the rest are counted. */
const MAX_OBSERVATIONS = 3;

/** The story: the last step's title, narrative and outcome (or the opening state), and its observations. */
export function renderStory(state: PresentState): void {
  const last = lastStep(state);
  const story = byId("story");
  if (state.phase === "error" && last === undefined) {
    story.replaceChildren(el("h1", {}, "The presentation stopped"), el("p", { class: "problem", "data-testid": "error" }, state.error ?? ""));
    return;
  }
  if (last === undefined) {
    story.replaceChildren(
      el("p", { class: "eyebrow" }, state.phase === "deploying" ? "Deploying the ledger…" : "Opening state"),
      el("h1", {}, state.phase === "deploying" ? "Deploying the ledger" : "The ledger is deployed"),
      el("p", { class: "detail" }, state.scenario.description),
    );
    return;
  }
  const { step, words } = last;
  const outcome =
    step.status === "ok"
      ? el("span", { class: "badge ok" }, "✓ done")
      : step.status === "expected-failure"
        ? el("span", { class: "badge refused" }, "✕ refused, as designed")
        : el("span", { class: "badge failed" }, "! failed");
  const observations = words.observations;
  story.replaceChildren(
    ...nodes(
      el("p", { class: "eyebrow" }, `Step ${step.index + 1}`, " ", outcome),
      el("h1", { "data-testid": "step-title" }, step.title),
      step.detail === undefined ? null : el("p", { class: "detail" }, step.detail),
      step.status === "expected-failure" ? expectedFailure(last) : null,
      step.status === "failed" ? el("p", { class: "problem", "data-testid": "problem" }, words.problem ?? words.failure ?? "") : null,
      observations.length === 0
        ? null
        : el(
            "ul",
            { class: "observations" },
            ...observations.slice(0, MAX_OBSERVATIONS).map((o) => el("li", {}, o)),
            observations.length > MAX_OBSERVATIONS ? el("li", { class: "quiet" }, `+${observations.length - MAX_OBSERVATIONS} more observations`) : null,
          ),
    ),
  );
}

function expectedFailure({ step, words }: PresentStep): HTMLElement {
  const expect = step.expect;
  const recorded =
    typeof expect === "object" && "noBalanceChange" in expect
      ? step.transactions.flatMap((tx, t) => (tx.status === "success" ? tx.events.map((e, i) => ({ e, text: words.events[t]?.[i] })) : [])).find(({ e }) => e.name === expect.noBalanceChange)
      : undefined;
  const reason = words.failure ?? (recorded === undefined ? "" : (recorded.text ?? recorded.e.name));
  return el(
    "div",
    { class: "refusal", "data-testid": "refusal" },
    el("p", { class: "reason", "data-testid": "reason" }, reason),
    step.balanceChanges.length === 0 ? el("p", { class: "nothing-moved", "data-testid": "nothing-moved" }, "Nothing moved.") : null,
  );
}

/** The balance matrix of each chain: holder × token from the chain, the last step's moves highlighted, before → after. */
export function renderMatrix(state: PresentState, views: readonly ChainView[]): void {
  const moves = lastStep(state)?.step.balanceChanges ?? [];
  byId("ledger").replaceChildren(...views.map((v) => matrix(v, moves, views.length > 1)));
}

function matrix(view: ChainView, moves: PresentStep["step"]["balanceChanges"], captioned: boolean): HTMLElement {
  const { chain } = view;
  const moved = new Map(moves.filter((m) => m.token.chain === chain.key).map((m) => [balanceKey(m.token.address, m.holder.address), m]));
  const participants = new Set(chain.participants.map((p) => p.address.toLowerCase()));
  const amount = (token: string, holder: string): bigint => view.balances.get(balanceKey(token, holder)) ?? 0n;
  const rows = chain.holders.filter(
    (h) => participants.has(h.address.toLowerCase()) || chain.tokens.some((t) => amount(t.address, h.address) !== 0n || moved.has(balanceKey(t.address, h.address))),
  );
  const head = el(
    "tr",
    {},
    el("th", { class: "holder" }, captioned ? chain.name : ""),
    ...chain.tokens.map((t) => el("th", { scope: "col", class: `tier-${tierOf(t.kind)}` }, t.symbol, el("small", {}, isMoney(t.kind) ? t.currency : "units"))),
  );
  const body = rows.map((h) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", class: "holder" }, h.name),
      ...chain.tokens.map((t) => {
        const key = balanceKey(t.address, h.address);
        const now = amount(t.address, h.address);
        const move = moved.get(key);
        const base = view.baseline.get(key);
        const outside = base !== undefined && base !== now;
        const attrs = { "data-chain": chain.key, "data-token": t.symbol, "data-holder": h.name, "data-amount": now.toString() };
        const outsideAttrs: Readonly<Record<string, string>> = outside ? { "data-outside": "true", title: `changed outside the scenario since this step: was ${amountText(t, base)}` } : {};
        if (move === undefined) return el("td", { ...attrs, ...outsideAttrs, class: [now === 0n ? "zero" : "", outside ? "outside" : ""].join(" ").trim() }, amountText(t, now));
        const before = BigInt(move.before);
        return el(
          "td",
          { ...attrs, ...outsideAttrs, class: `moved ${now > before ? "up" : "down"}${outside ? " outside" : ""}`, "data-before": move.before },
          el("span", { class: "before" }, amountText(t, before), " →"),
          el("span", { class: "after" }, amountText(t, now)),
        );
      }),
    ),
  );
  return el("table", { class: "matrix", "data-chain": chain.key }, el("thead", {}, head), el("tbody", {}, ...body));
}

/** Runs of one event this long read as one line. */
const FOLD_RUN = 3;

/** How much of the timeline shows unfolded: transactions listed, of those the first `open` with up to `lines` event lines. */
export interface TimelineFit {
  readonly transactions: number;
  readonly open: number;
  readonly lines: number;
}

/** From the fullest to the most folded; the page takes the first that fits its panel. */
export const TIMELINE_FITS: readonly TimelineFit[] = [
  { transactions: 12, open: 4, lines: 8 },
  { transactions: 12, open: 3, lines: 5 },
  { transactions: 10, open: 2, lines: 4 },
  { transactions: 8, open: 1, lines: 3 },
  { transactions: 6, open: 1, lines: 2 },
  { transactions: 4, open: 0, lines: 0 },
  { transactions: 2, open: 0, lines: 0 },
];

/**
 * The timeline: the last step's transactions, each with its hash, block and gas as the chain has
 * them, and its decoded events, folded to `fit` (the rest one click away, never cut off).
 */
export function renderTimeline(state: PresentState, views: readonly ChainView[], fit: TimelineFit = TIMELINE_FITS[0]): void {
  const last = lastStep(state);
  const timeline = byId("timeline");
  if (last === undefined) {
    timeline.replaceChildren(el("h2", {}, "Transactions"), el("p", { class: "quiet" }, "None yet."));
    return;
  }
  const receipts = new Map(views.flatMap((v) => [...v.receipts]));
  const names = new Map(views.map((v) => [v.chain.key, v.chain.name]));
  const items = last.step.transactions.map((tx, t) => transaction(tx, last.words.events[t] ?? [], receipts, views.length > 1 ? names.get(tx.chain) : undefined, t < fit.open ? fit.lines : 0));
  const gas = last.step.transactions.reduce((sum, tx) => sum + (tx.status === "success" ? BigInt(tx.gasUsed) : 0n), 0n);
  const listed = items.slice(0, fit.transactions);
  const rest = items.slice(listed.length);
  timeline.replaceChildren(
    ...nodes(
      el("h2", {}, "Transactions", " ", el("small", {}, items.length === 0 ? "" : `${items.length} · gas ${grouped(gas)}`)),
      items.length === 0 ? el("p", { class: "quiet" }, "No transaction in this step.") : el("ol", {}, ...listed),
      rest.length === 0 ? null : el("details", { class: "more-tx" }, el("summary", {}, `${rest.length} more transactions`), el("ol", {}, ...rest)),
    ),
  );
}

/** A transaction's events as lines: a run of `FOLD_RUN` or more events of one name reads as one line with its count. */
function eventLines(tx: Extract<TransactionJson, { status: "success" }>, words: readonly (string | null)[]): HTMLElement[] {
  const lines: HTMLElement[] = [];
  for (let i = 0; i < tx.events.length; ) {
    let j = i + 1;
    while (j < tx.events.length && tx.events[j].name === tx.events[i].name && tx.events[j].contract.address === tx.events[i].contract.address) j++;
    const text = words[i] ?? tx.events[i].name;
    if (j - i >= FOLD_RUN) {
      lines.push(el("li", { "data-testid": "event", "data-count": String(j - i), title: tx.events[i].name }, el("strong", {}, `${j - i} × `), `${tx.events[i].name} — first: ${text}`));
      i = j;
    } else {
      lines.push(el("li", { "data-testid": "event", "data-count": "1", title: tx.events[i].name }, text));
      i++;
    }
  }
  return lines;
}

function transaction(tx: TransactionJson, words: readonly (string | null)[], receipts: ReadonlyMap<string, ReceiptFacts>, chainName: string | undefined, maxLines: number): HTMLElement {
  const on = chainName === undefined ? "" : ` · ${chainName}`;
  if (tx.status === "reverted") {
    const why = tx.error === undefined ? "reverted" : [tx.error.name, tx.error.reason, tx.error.tokenError?.name].filter((x) => x !== undefined).join(" · ");
    return el(
      "li",
      { class: "tx reverted", "data-testid": "tx", "data-chain": tx.chain },
      el("p", { class: "label" }, tx.label),
      el("p", { class: "meta" }, tx.hash === undefined ? "not mined (refused when estimating gas)" : `tx ${shortHash(tx.hash)}`, on, " · refused: ", el("strong", {}, why)),
    );
  }
  const receipt = receipts.get(tx.hash);
  const lines = eventLines(tx, words);
  // A fold that would hide a single line shows it instead.
  const shown = lines.length <= maxLines + 1 && maxLines > 0 ? lines : lines.slice(0, maxLines);
  const folded = lines.slice(shown.length);
  return el(
    "li",
    { class: "tx", "data-testid": "tx", "data-hash": tx.hash, "data-chain": tx.chain, "data-event-count": String(tx.events.length), "data-log-count": String(receipt?.logCount ?? "") },
    el("p", { class: "label" }, tx.label, tx.function === undefined ? null : el("code", {}, ` ${tx.function}`)),
    el(
      "p",
      { class: "meta", title: tx.hash },
      `tx ${shortHash(tx.hash)} · block ${grouped(receipt?.blockNumber ?? tx.blockNumber)} · gas ${grouped(receipt?.gasUsed ?? BigInt(tx.gasUsed))} · ${tx.events.length} ${tx.events.length === 1 ? "event" : "events"}${on}`,
      receipt?.status === "reverted" ? " · reverted on chain" : null,
    ),
    shown.length === 0 ? null : el("ul", { class: "events" }, ...shown),
    folded.length === 0 ? null : el("details", {}, el("summary", {}, shown.length === 0 ? "show the events" : `${folded.length} more event ${folded.length === 1 ? "line" : "lines"}`), el("ul", { class: "events" }, ...folded)),
  );
}

/** The footer: what comes next, and which controls work now. */
export function renderFooter(state: PresentState): void {
  const upcoming = byId("upcoming");
  if (state.upcoming !== undefined) {
    upcoming.replaceChildren(el("span", { class: "eyebrow" }, state.phase === "running" ? "Running" : "Next"), " ", el("span", { "data-testid": "upcoming" }, state.upcoming.title));
  } else if (state.phase === "finished") {
    upcoming.replaceChildren(el("span", { class: "eyebrow" }, "End"), " ", state.ok ? "Every step ended as designed." : (state.error ?? "A step failed."));
  } else if (state.phase === "error") {
    upcoming.replaceChildren(el("span", { class: "eyebrow problem" }, "Stopped"), " ", state.error ?? "");
  } else {
    upcoming.replaceChildren(el("span", { class: "eyebrow" }, "Deploying…"));
  }
  button("next").disabled = state.phase !== "waiting";
  button("run-to-end").disabled = state.phase !== "waiting";
  button("restart").disabled = state.phase === "deploying";
}
