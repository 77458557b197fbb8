/**
 * The presenter page: follows the presentation's state (server-sent events from the presenter
 * server), reads each chain itself with viem (balances, receipts, trade records, the bond's terms,
 * the clock), and renders the step, its flow picture, the balance matrix, the settlement
 * instructions, the bond's calendar and the timeline. It polls each chain's block number, so a
 * transaction sent from another terminal shows at once. `body[data-version]` is the state version
 * last rendered, with `data-phase` and `data-steps`, and `data-block` the blocks it read, so a test
 * can wait for exactly the render it caused.
 */
import { flowsOf } from "../src/report/flows.js";
import { instructionsOf } from "../src/report/instructions.js";
import { isMoney } from "../src/report/words.js";
import type { PresentChain, PresentState } from "../src/present/state.js";
import { bondCard } from "./bond.js";
import { ChainReader, type Balances } from "./chain.js";
import { button, byId, el } from "./dom.js";
import { flowPicture } from "./flow.js";
import { instructionsTable } from "./instructions.js";
import { lastStep, renderBar, renderFooter, renderMatrix, renderStory, renderTimeline, TIMELINE_FITS, type ChainView } from "./render.js";

/** How often the page asks each chain for its block number (to notice transactions others send). */
const POLL_MS = 1000;

let latest: PresentState | undefined;
let shown: { state: PresentState; blocks: readonly bigint[] } | undefined;
let rendering = false;
let again = false;
let readers: { runId: number; byChain: Map<string, ChainReader> } | undefined;
let baseline: { key: string; balances: Map<string, Balances> } | undefined;

function readerOf(state: PresentState, chain: PresentChain): ChainReader {
  if (readers?.runId !== state.runId) readers = { runId: state.runId, byChain: new Map() };
  let reader = readers.byChain.get(chain.key);
  if (reader === undefined) {
    reader = new ChainReader(new URL(chain.rpcPath, location.href).href);
    readers.byChain.set(chain.key, reader);
  }
  return reader;
}

/**
 * The bond a step is about on `chain`: one whose units it moved, else the chain's first bond — unless
 * the step moved another security (an Exchange Fund Bill), whose step a bond's card would misdescribe.
 */
function bondOf(state: PresentState, chain: PresentChain): PresentChain["tokens"][number] | undefined {
  const bonds = chain.tokens.filter((t) => t.kind === "governmentBond");
  const moved = (lastStep(state)?.step.balanceChanges ?? []).filter((m) => m.token.chain === chain.key && !isMoney(m.token.kind));
  const touched = moved.find((m) => m.token.kind === "governmentBond");
  if (touched === undefined && moved.length > 0) return undefined;
  return bonds.find((b) => b.address.toLowerCase() === touched?.token.address.toLowerCase()) ?? bonds[0];
}

async function readChain(state: PresentState, chain: PresentChain): Promise<Omit<ChainView, "baseline">> {
  const reader = readerOf(state, chain);
  const last = lastStep(state);
  const hashes = (last?.step.transactions ?? []).flatMap((tx) => (tx.status === "success" && tx.chain === chain.key ? [tx.hash] : []));
  const engine = chain.contracts.find((c) => c.key === "engine");
  const instructions = instructionsOf(state.steps.map((s) => s.step), chain.key);
  const tradeIds = engine === undefined ? [] : instructions.map((i) => i.tradeId);
  const bond = bondOf(state, chain);
  const [block, balances, receipts, trades, issuers, terms] = await Promise.all([
    reader.block(),
    reader.balances(chain),
    reader.receipts(hashes),
    engine === undefined ? Promise.resolve(new Map()) : reader.tradeRecords(engine.address, tradeIds),
    reader.issuersOf(chain),
    bond === undefined ? Promise.resolve(undefined) : reader.bondTerms(bond.address, bond.symbol),
  ]);
  return { chain, block, balances, receipts, trades, instructions, issuers, ...(terms === undefined ? {} : { bond: terms }) };
}

/** Each chain as it is now; balances compared with those first read for the current step (none while a step runs). */
async function views(state: PresentState): Promise<ChainView[]> {
  const read = await Promise.all(state.chains.map((chain) => readChain(state, chain)));
  const key = `${state.runId}:${state.steps.length}`;
  if (baseline?.key !== key) baseline = { key, balances: new Map(read.map((v) => [v.chain.key, v.balances])) };
  const settled = state.phase === "waiting" || state.phase === "finished";
  return read.map((v) => ({ ...v, baseline: (settled ? baseline?.balances.get(v.chain.key) : undefined) ?? new Map() }));
}

/** Whether `node`'s content is taller than its box (it would need scrolling). */
const overflows = (node: HTMLElement): boolean => node.scrollHeight > node.clientHeight + 1;

/**
 * The flow picture gets the height the story and the matrix leave (within bounds); when even the
 * smallest picture leaves the matrix too little room, the matrix goes dense (smaller rows).
 */
function flowHeight(ledger: HTMLElement): number {
  const main = byId("main");
  const story = byId("story");
  const natural = (): number => Math.max(0, ...[...ledger.children].map((c) => (c instanceof HTMLElement ? c.offsetHeight : 0)));
  const left = (): number => main.clientHeight - story.offsetHeight - natural() - 16 - 2 * 8 - 26;
  ledger.classList.remove("dense");
  if (left() < 120) ledger.classList.add("dense");
  return Math.round(Math.min(200, Math.max(110, left())));
}

function renderFlow(state: PresentState, chainViews: readonly ChainView[]): void {
  const last = lastStep(state);
  const flowBox = byId("flow");
  const width = Math.max(320, flowBox.clientWidth);
  const pictures = chainViews.flatMap((v) => {
    const flows = flowsOf(last?.step.transactions ?? [], {
      key: v.chain.key,
      tokens: v.chain.tokens,
      names: [...v.chain.holders, ...v.chain.participants, ...v.chain.contracts],
      issuerOf: (address) => v.issuers.get(address.toLowerCase()),
    });
    return flows.length === 0 ? [] : [{ v, flows }];
  });
  const room = flowHeight(byId("ledger"));
  const height = pictures.length > 1 ? Math.max(100, Math.floor(room / 2) - 14) : room;
  flowBox.replaceChildren(
    ...(pictures.length === 0
      ? [el("p", { class: "quiet no-flow", "data-testid": "no-flow" }, last === undefined ? "The flows of each step show here." : "No tokens moved in this step.")]
      : pictures.map(({ v, flows }) => flowPicture(flows, width, height, chainViews.length > 1 ? v.chain.name : undefined))),
  );
}

function renderCards(state: PresentState, chainViews: readonly ChainView[]): void {
  const last = lastStep(state);
  const bondBox = byId("bond");
  const withBond = chainViews.find((v) => v.bond !== undefined);
  if (withBond?.bond === undefined) bondBox.replaceChildren();
  else {
    const cash = withBond.chain.tokens.find((t) => t.kind === "wCBDC" && t.currency === withBond.bond?.currency);
    bondBox.replaceChildren(bondCard(withBond.bond, withBond.block.timestamp, Math.max(300, bondBox.clientWidth - 24), cash?.decimals ?? 2));
  }
  bondBox.hidden = withBond === undefined;

  const box = byId("instructions");
  const tables = chainViews.flatMap((v) => {
    return v.instructions.length === 0 ? [] : [instructionsTable(v.instructions, v.trades, v.chain, last?.step.index ?? -1)];
  });
  box.replaceChildren(...tables);
  box.hidden = tables.length === 0;
}

/** Renders the latest state (and the chain as it is now); a state or block that arrives meanwhile is rendered right after. */
async function render(): Promise<void> {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    do {
      again = false;
      const state = latest;
      if (state === undefined) break;
      const chainViews = await views(state);
      if (latest !== state) {
        again = true;
        continue;
      }
      renderBar(state, chainViews);
      renderStory(state);
      renderMatrix(state, chainViews);
      // A ledger with many tokens gets narrower columns rather than a sideways scroll.
      const ledger = byId("ledger");
      ledger.classList.remove("narrow");
      if (ledger.scrollWidth > ledger.clientWidth + 1) ledger.classList.add("narrow");
      renderFlow(state, chainViews);
      renderCards(state, chainViews);
      // The fullest timeline that fits its panel (the rest folds into "more" lines, one click away).
      const timeline = byId("timeline");
      for (const fit of TIMELINE_FITS) {
        renderTimeline(state, chainViews, fit);
        if (!overflows(timeline)) break;
      }
      renderFooter(state);
      shown = { state, blocks: chainViews.map((v) => v.block.number) };
      document.body.dataset.phase = state.phase;
      document.body.dataset.steps = String(state.steps.length);
      document.body.dataset.version = String(state.version);
      document.body.dataset.runId = String(state.runId);
      document.body.dataset.block = shown.blocks.join(",");
    } while (again);
  } catch (error) {
    document.body.dataset.phase = "page-error";
    byId("upcoming").replaceChildren(`The page could not read the chain: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rendering = false;
  }
}

/** Renders again when any chain has a block the page has not shown (a transaction from the scenario or from anyone else). */
async function poll(): Promise<void> {
  const state = shown?.state;
  if (state === undefined || rendering || state.phase === "deploying" || state.phase === "running") return;
  const blocks = await Promise.all(state.chains.map((chain) => readerOf(state, chain).blockNumber()));
  if (blocks.some((b, i) => b !== shown?.blocks[i])) await render();
}

async function command(path: string): Promise<void> {
  await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}

const events = new EventSource("/api/events");
events.onmessage = (message: MessageEvent<string>) => {
  latest = JSON.parse(message.data) as PresentState;
  void render();
};
setInterval(() => void poll().catch(() => undefined), POLL_MS);
window.addEventListener("resize", () => void render());

button("next").addEventListener("click", () => void command("/api/next"));
button("run-to-end").addEventListener("click", () => void command("/api/run-to-end"));
button("restart").addEventListener("click", () => void command("/api/restart"));
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowRight" && event.key !== " ") return;
  // Space on a focused button would click it as well: one step per key press.
  event.preventDefault();
  if (latest?.phase === "waiting") void command("/api/next");
});
