/**
 * The presenter page: follows the presentation's state (server-sent events from the presenter
 * server), reads balances and receipts from the chain itself with viem, and renders the step, the
 * balance matrix and the timeline. `body[data-version]` is the state version last rendered, with
 * `data-phase`, so a test can wait for exactly the render it caused.
 */
import type { PresentState } from "../src/present/state.js";
import { ChainReader } from "./chain.js";
import { button, lastStep, renderBar, renderFooter, renderMatrix, renderStory, renderTimeline, type ChainView } from "./render.js";

let latest: PresentState | undefined;
let rendering = false;
let reader: { runId: number; reader: ChainReader } | undefined;

async function view(state: PresentState): Promise<ChainView> {
  const chain = state.chains[0];
  if (chain === undefined) return { balances: new Map(), receipts: new Map() };
  if (reader?.runId !== state.runId) reader = { runId: state.runId, reader: new ChainReader(new URL(state.rpcPath, location.href).href) };
  const hashes = (lastStep(state)?.step.transactions ?? []).flatMap((tx) => (tx.status === "success" ? [tx.hash] : []));
  const [balances, receipts] = await Promise.all([reader.reader.balances(chain), reader.reader.receipts(hashes)]);
  return { balances, receipts };
}

/** Renders the latest state; a state that arrives meanwhile is rendered right after (never two renders at once). */
async function render(): Promise<void> {
  if (rendering) return;
  rendering = true;
  try {
    for (let shown: PresentState | undefined; latest !== undefined && latest !== shown; ) {
      shown = latest;
      const chainView = await view(shown);
      if (latest !== shown) continue;
      renderBar(shown);
      renderStory(shown);
      renderMatrix(shown, chainView);
      renderTimeline(shown, chainView);
      renderFooter(shown);
      document.body.dataset.phase = shown.phase;
      document.body.dataset.steps = String(shown.steps.length);
      document.body.dataset.version = String(shown.version);
      document.body.dataset.runId = String(shown.runId);
    }
  } catch (error) {
    document.body.dataset.phase = "page-error";
    document.getElementById("upcoming")?.replaceChildren(`The page could not read the chain: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rendering = false;
  }
}

async function command(path: string): Promise<void> {
  await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}

const events = new EventSource("/api/events");
events.onmessage = (message: MessageEvent<string>) => {
  latest = JSON.parse(message.data) as PresentState;
  void render();
};

button("next").addEventListener("click", () => void command("/api/next"));
button("run-to-end").addEventListener("click", () => void command("/api/run-to-end"));
button("restart").addEventListener("click", () => void command("/api/restart"));
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowRight" && event.key !== " ") return;
  // Space on a focused button would click it as well: one step per key press.
  event.preventDefault();
  if (latest?.phase === "waiting") void command("/api/next");
});
