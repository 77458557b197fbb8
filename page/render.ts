import { formatUnits } from "../src/domain/money.js";
import type { TransactionJson } from "../src/report/json.js";
import type { PresentChain, PresentState, PresentStep } from "../src/present/state.js";
import { balanceKey, type Balances, type ReceiptFacts } from "./chain.js";

type Child = Node | string | null | undefined | false;

/** A DOM element with attributes (`data-*`, `class` …) and children; falsy children are left out. */
function el(tag: string, attrs: Readonly<Record<string, string>> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** `children` without the falsy ones, for `replaceChildren`. */
function nodes(...children: Child[]): (Node | string)[] {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}

const short = (hash: string): string => `${hash.slice(0, 10)}…${hash.slice(-6)}`;
const grouped = (n: bigint | number): string => formatUnits(BigInt(n), 0);

/** A token's amount in major units (bonds in whole units), without its currency (the column names it). */
function amountText(token: PresentChain["tokens"][number], amount: bigint): string {
  return formatUnits(amount, token.kind === "governmentBond" ? 0 : token.decimals);
}

/** What the page shows from the chain for the state it renders. */
export interface ChainView {
  readonly balances: Balances;
  readonly receipts: ReadonlyMap<string, ReceiptFacts>;
}

/** The finished step the page shows (the last one), if any. */
export function lastStep(state: PresentState): PresentStep | undefined {
  return state.steps[state.steps.length - 1];
}

/** The header: scenario, progress, network. */
export function renderBar(state: PresentState): void {
  byId("scenario").textContent = state.scenario.name;
  byId("progress").textContent = state.total === 0 ? "" : `Step ${state.steps.length} of ${state.total}`;
  byId("network").textContent = state.network;
}

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
  story.replaceChildren(
    ...nodes(
    el("p", { class: "eyebrow" }, `Step ${step.index + 1}`, " ", outcome),
    el("h1", { "data-testid": "step-title" }, step.title),
    step.detail === undefined ? null : el("p", { class: "detail" }, step.detail),
    step.status === "expected-failure" ? expectedFailure(last) : null,
    step.status === "failed" ? el("p", { class: "problem", "data-testid": "problem" }, words.problem ?? words.failure ?? "") : null,
    words.observations.length === 0 ? null : el("ul", { class: "observations" }, ...words.observations.map((o) => el("li", {}, o))),
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

/** The balance matrix: holder × token from the chain, the last step's moves highlighted, before → after. */
export function renderMatrix(state: PresentState, view: ChainView): void {
  const chain = state.chains[0];
  const table = byId("matrix");
  if (chain === undefined) {
    table.replaceChildren();
    return;
  }
  const moved = new Map((lastStep(state)?.step.balanceChanges ?? []).map((m) => [balanceKey(m.token.address, m.holder.address), m]));
  const participants = new Set(chain.participants.map((p) => p.address.toLowerCase()));
  const amount = (token: string, holder: string): bigint => view.balances.get(balanceKey(token, holder)) ?? 0n;
  const rows = chain.holders.filter(
    (h) => participants.has(h.address.toLowerCase()) || chain.tokens.some((t) => amount(t.address, h.address) !== 0n || moved.has(balanceKey(t.address, h.address))),
  );
  const head = el(
    "tr",
    {},
    el("th", { class: "holder" }, ""),
    ...chain.tokens.map((t) => el("th", { scope: "col" }, t.symbol, el("small", {}, t.kind === "governmentBond" ? "units" : t.currency))),
  );
  const body = rows.map((h) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", class: "holder" }, h.name),
      ...chain.tokens.map((t) => {
        const now = amount(t.address, h.address);
        const move = moved.get(balanceKey(t.address, h.address));
        const attrs = { "data-token": t.symbol, "data-holder": h.name, "data-amount": now.toString() };
        if (move === undefined) return el("td", { ...attrs, class: now === 0n ? "zero" : "" }, amountText(t, now));
        const before = BigInt(move.before);
        return el(
          "td",
          { ...attrs, class: `moved ${now > before ? "up" : "down"}`, "data-before": move.before },
          el("span", { class: "before" }, amountText(t, before), " →"),
          el("span", { class: "after" }, amountText(t, now)),
        );
      }),
    ),
  );
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
}

/** The timeline: the last step's transactions, each with its hash, block and gas as the chain has them, and its decoded events. */
export function renderTimeline(state: PresentState, view: ChainView): void {
  const last = lastStep(state);
  const timeline = byId("timeline");
  if (last === undefined) {
    timeline.replaceChildren(el("h2", {}, "Transactions"), el("p", { class: "quiet" }, "None yet."));
    return;
  }
  const items = last.step.transactions.map((tx, t) => transaction(tx, last.words.events[t] ?? [], view.receipts));
  timeline.replaceChildren(el("h2", {}, "Transactions"), items.length === 0 ? el("p", { class: "quiet" }, "No transaction in this step.") : el("ol", {}, ...items));
}

function transaction(tx: TransactionJson, words: readonly (string | null)[], receipts: ReadonlyMap<string, ReceiptFacts>): HTMLElement {
  if (tx.status === "reverted") {
    const why = tx.error === undefined ? "reverted" : [tx.error.name, tx.error.reason, tx.error.tokenError?.name].filter((x) => x !== undefined).join(" · ");
    return el(
      "li",
      { class: "tx reverted", "data-testid": "tx" },
      el("p", { class: "label" }, tx.label),
      el("p", { class: "meta" }, tx.hash === undefined ? "not mined (refused when estimating gas)" : `tx ${short(tx.hash)}`, " · refused: ", el("strong", {}, why)),
    );
  }
  const receipt = receipts.get(tx.hash);
  return el(
    "li",
    { class: "tx", "data-testid": "tx", "data-hash": tx.hash, "data-event-count": String(tx.events.length), "data-log-count": String(receipt?.logCount ?? "") },
    el("p", { class: "label" }, tx.label, tx.function === undefined ? null : el("code", {}, ` ${tx.function}`)),
    el(
      "p",
      { class: "meta" },
      `tx ${short(tx.hash)} · block ${grouped(receipt?.blockNumber ?? tx.blockNumber)} · gas ${grouped(receipt?.gasUsed ?? BigInt(tx.gasUsed))}`,
      receipt?.status === "reverted" ? " · reverted on chain" : null,
    ),
    tx.events.length === 0
      ? null
      : el("ul", { class: "events" }, ...tx.events.map((e, i) => el("li", { "data-testid": "event", title: e.name }, words[i] ?? e.name))),
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

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

/** The button with id `id`. */
export function button(id: string): HTMLButtonElement {
  const node = byId(id);
  if (!(node instanceof HTMLButtonElement)) throw new Error(`#${id} is not a button`);
  return node;
}
