import { mkdir } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { createPublicClient, erc20Abi, getAddress, http, isHex, type PublicClient } from "viem";

import type { PresentChain, PresentState } from "../../src/present/state.js";
import { chromiumPath, NO_CHROMIUM } from "./browser.js";
import { ROOT } from "./cli.js";
import type { Presenter } from "./presenter.js";

/**
 * Reading the presenter page in Chromium and checking it against the chains themselves (read here
 * with viem from each chain's `nodeUrl`, never through the page): the balance cells, the timeline
 * rows, and waiting for the render a command caused. The selectors are the page's contract:
 * `#ledger td[data-chain][data-token][data-holder][data-amount]`, `#timeline li[data-hash]` with
 * `data-chain` and `data-event-count`, and `body`'s `data-phase`, `data-steps` and `data-run-id`.
 */

/** Where the screenshots go (gitignored). */
export const SHOTS = path.join(ROOT, "test-results", "presenter");

/** The page's size: a projector's 1280×720. */
export const VIEWPORT = { width: 1280, height: 720 } as const;

/** What the tests read of a page element (the tests' TypeScript has no DOM types). */
export interface ShownElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { readonly textContent: string | null } | null;
  querySelectorAll(selector: string): { readonly length: number };
  readonly textContent: string | null;
}

/** One balance cell of the ledger as the page shows it: chain key, token symbol, holder name, amount in minor units. */
export interface LedgerCell {
  readonly chain: string;
  readonly token: string;
  readonly holder: string;
  readonly amount: string;
}

/** One row of the timeline: a mined transaction of the last step, its chain and how many events the page decoded. */
export interface TimelineRow {
  readonly hash: string;
  readonly chain: string;
  readonly eventCount: string;
}

/**
 * Launches Debian's Chromium for a `before` hook; without it, skips the suite with one line, or
 * under CI=true fails, as every browser test does.
 * @example before(async function () { browser = await launchChromium(this); });
 */
export async function launchChromium(context: Mocha.Context): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    if (process.env.CI === "true") throw new Error(NO_CHROMIUM);
    console.log(`    skipped: ${NO_CHROMIUM}`);
    context.skip();
  }
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({ executablePath });
}

/** Waits until the page has rendered `steps` finished steps of run `runId` and waits for Next (or has finished). */
export async function waitForSteps(page: Page, steps: number, runId = 0): Promise<void> {
  await page.waitForSelector(`body[data-steps="${steps}"][data-run-id="${runId}"]:is([data-phase="waiting"], [data-phase="finished"])`, { state: "attached" });
}

/** Waits until the page shows a finished run `runId`. */
export async function waitForFinished(page: Page, runId = 0): Promise<void> {
  await page.waitForSelector(`body[data-phase="finished"][data-run-id="${runId}"]`, { state: "attached" });
}

/** Opens `presenter`'s page in a new 1280×720 tab and waits for the opening state (no step run yet). */
export async function openPresenterPage(browser: Browser, presenter: Presenter): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(presenter.url);
  await waitForSteps(page, 0);
  return page;
}

/** Every balance cell the page shows, in page order. */
export async function ledgerCells(page: Page): Promise<LedgerCell[]> {
  return page.$$eval("#ledger td[data-chain][data-token][data-holder][data-amount]", (tds: readonly ShownElement[]) =>
    tds.map((td) => ({
      chain: td.getAttribute("data-chain") ?? "",
      token: td.getAttribute("data-token") ?? "",
      holder: td.getAttribute("data-holder") ?? "",
      amount: td.getAttribute("data-amount") ?? "",
    })),
  );
}

/** Every row of the timeline, in page order. */
export async function timelineRows(page: Page): Promise<TimelineRow[]> {
  return page.$$eval("#timeline li[data-hash]", (lis: readonly ShownElement[]) =>
    lis.map((li) => ({ hash: li.getAttribute("data-hash") ?? "", chain: li.getAttribute("data-chain") ?? "", eventCount: li.getAttribute("data-event-count") ?? "" })),
  );
}

/** A viem client per chain node, made once per URL. */
export class ChainClients {
  private readonly clients = new Map<string, PublicClient>();

  /** The client of chain `key` of `state`, reading its node directly. */
  of(state: PresentState, key: string): PublicClient {
    const chain = chainOf(state, key);
    let client = this.clients.get(chain.nodeUrl);
    if (client === undefined) {
      // Batched: the reads a check makes at once go to the node as one JSON-RPC batch, one HTTP request.
      client = createPublicClient({ transport: http(chain.nodeUrl, { batch: { batchSize: 500 } }) });
      this.clients.set(chain.nodeUrl, client);
    }
    return client;
  }
}

/** Chain `key` of `state`; throws if the state has none. */
export function chainOf(state: PresentState, key: string): PresentChain {
  const chain = state.chains.find((c) => c.key === key);
  if (chain === undefined) throw new Error(`the page shows chain "${key}", which the state does not list (${state.chains.map((c) => c.key).join(", ")})`);
  return chain;
}

/**
 * Every balance cell shown equals its chain's balance (ERC-20 `balanceOf`, read with viem from the
 * chain's node), in minor units; every chain of the state has a table, and every participant of a
 * chain a row, each holder with a cell per token of its chain. Returns the cells.
 */
export async function expectLedgerIsTheChain(page: Page, state: PresentState, clients: ChainClients = new ChainClients()): Promise<LedgerCell[]> {
  const shown = await ledgerCells(page);
  for (const chain of state.chains) {
    const cells = shown.filter((c) => c.chain === chain.key);
    const holders = new Set(cells.map((c) => c.holder));
    expect([...holders], `every participant of chain ${chain.key} has a row`).to.include.members(chain.participants.map((p) => p.name));
    expect(cells.length, `cells of chain ${chain.key}`).to.equal(holders.size * chain.tokens.length);
  }
  // Every balance read at once (one batch per chain), then compared cell by cell in page order.
  const balances = await Promise.all(
    shown.map((cell) => {
      const chain = chainOf(state, cell.chain);
      const token = chain.tokens.find((t) => t.symbol === cell.token);
      const holder = chain.holders.find((h) => h.name === cell.holder);
      if (token === undefined || holder === undefined) throw new Error(`the page shows ${cell.holder} × ${cell.token} on chain ${cell.chain}, which the ledger does not list`);
      return clients
        .of(state, chain.key)
        .readContract({ address: getAddress(token.address), abi: erc20Abi, functionName: "balanceOf", args: [getAddress(holder.address)] });
    }),
  );
  for (const [i, cell] of shown.entries()) {
    expect(cell.amount, `${cell.holder} ${cell.token} on chain ${cell.chain}`).to.equal(balances[i].toString());
  }
  return shown;
}

/**
 * The timeline lists the last step's mined transactions, in order, each on its chain, and each
 * row's `data-event-count` equals the number of logs of its receipt, read from that chain's node.
 */
export async function expectTimelineIsTheChain(page: Page, state: PresentState, clients: ChainClients = new ChainClients()): Promise<void> {
  const rows = await timelineRows(page);
  const mined = state.steps[state.steps.length - 1]?.step.transactions.filter((tx) => tx.status === "success") ?? [];
  expect(rows.map((r) => [r.chain, r.hash]), "one timeline row per mined transaction, on its chain").to.deep.equal(mined.map((tx) => [tx.chain, tx.hash]));
  const receipts = await Promise.all(
    rows.map((row) => {
      if (!isHex(row.hash)) throw new Error(`"${row.hash}" is not a transaction hash`);
      return clients.of(state, row.chain).getTransactionReceipt({ hash: row.hash });
    }),
  );
  for (const [i, row] of rows.entries()) {
    expect(row.eventCount, `events of ${row.hash} on chain ${row.chain}`).to.equal(String(receipts[i].logs.length));
  }
}

/** The path of the screenshot of step `index` (1-based; 0 the opening state) of `scenario`: `<scenario>-NN-<name>.png`. */
export function shotPath(scenario: string, index: number, name: string): string {
  return path.join(SHOTS, `${scenario}-${String(index).padStart(2, "0")}-${name}.png`);
}
