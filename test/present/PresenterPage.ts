import { mkdir } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { createPublicClient, erc20Abi, getAddress, http, isHex } from "viem";

import { formatUnits } from "../../src/domain/money.js";
import type { PresentState } from "../../src/present/state.js";
import { chromiumPath, NO_CHROMIUM } from "../helpers/browser.js";
import { ROOT } from "../helpers/cli.js";
import { startPresenter, type Presenter } from "../helpers/presenter.js";

/**
 * The presenter page in Debian's Chromium (playwright-core, no browser download): each test starts
 * `npm run present -- <scenario>` as a child process, opens the page at 1280×720 and steps it, and
 * after every step checks the page against the chain itself (read here with viem from the node):
 * every balance shown, and every transaction's event count against its receipt. A screenshot of
 * each step goes to test-results/presenter/ (gitignored). Without Chromium the tests are skipped
 * with one line saying how to install it; under CI=true that is a failure.
 */

const SHOTS = path.join(ROOT, "test-results", "presenter");

/** One balance cell of the matrix as the page shows it. */
interface Cell {
  readonly token: string;
  readonly holder: string;
  readonly amount: string;
  readonly text: string;
}

/** What the tests read of a page element (the tests' TypeScript has no DOM types). */
interface ShownElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { readonly textContent: string | null } | null;
  querySelectorAll(selector: string): { readonly length: number };
  readonly textContent: string | null;
}

async function cells(page: Page): Promise<Cell[]> {
  return page.$$eval("#matrix td[data-token]", (tds: readonly ShownElement[]) =>
    tds.map((td) => ({
      token: td.getAttribute("data-token") ?? "",
      holder: td.getAttribute("data-holder") ?? "",
      amount: td.getAttribute("data-amount") ?? "",
      text: td.querySelector(".after")?.textContent ?? td.textContent ?? "",
    })),
  );
}

/** Every balance cell shown equals the chain's balance, in minor units and as major units; returns the cells. */
async function expectMatrixIsTheChain(page: Page, state: PresentState): Promise<Cell[]> {
  const chain = state.chains[0];
  const client = createPublicClient({ transport: http(state.nodeUrl) });
  const shown = await cells(page);
  const holders = new Set(shown.map((c) => c.holder));
  expect(shown.length, "cells").to.equal(holders.size * chain.tokens.length);
  expect([...holders], "every participant has a row").to.include.members(chain.participants.map((p) => p.name));
  for (const cell of shown) {
    const token = chain.tokens.find((t) => t.symbol === cell.token);
    const holder = chain.holders.find((h) => h.name === cell.holder);
    if (token === undefined || holder === undefined) throw new Error(`the page shows ${cell.holder} × ${cell.token}, which the ledger does not list`);
    const balance = await client.readContract({ address: getAddress(token.address), abi: erc20Abi, functionName: "balanceOf", args: [getAddress(holder.address)] });
    expect(cell.amount, `${cell.holder} ${cell.token}`).to.equal(balance.toString());
    expect(cell.text, `${cell.holder} ${cell.token} in major units`).to.equal(formatUnits(balance, token.kind === "governmentBond" ? 0 : token.decimals));
  }
  return shown;
}

/** Every mined transaction shown lists as many events as its receipt has logs, read from the chain here. */
async function expectEventsAreTheChain(page: Page, state: PresentState): Promise<void> {
  const client = createPublicClient({ transport: http(state.nodeUrl) });
  const rows = await page.$$eval("#timeline [data-hash]", (lis: readonly ShownElement[]) => lis.map((li) => ({ hash: li.getAttribute("data-hash") ?? "", events: li.querySelectorAll("[data-testid=event]").length })));
  const mined = state.steps[state.steps.length - 1]?.step.transactions.filter((tx) => tx.status === "success") ?? [];
  expect(rows.map((r) => r.hash), "one timeline row per mined transaction").to.deep.equal(mined.map((tx) => tx.hash));
  for (const row of rows) {
    if (!isHex(row.hash)) throw new Error(`"${row.hash}" is not a transaction hash`);
    const receipt = await client.getTransactionReceipt({ hash: row.hash });
    expect(row.events, `events of ${row.hash}`).to.equal(receipt.logs.length);
  }
}

/** Waits until the page has rendered `steps` finished steps of run `runId` and waits for Next (or has finished). */
async function waitForSteps(page: Page, steps: number, runId = 0): Promise<void> {
  await page.waitForSelector(`body[data-steps="${steps}"][data-run-id="${runId}"]:is([data-phase="waiting"], [data-phase="finished"])`, { state: "attached" });
}

describe("Presenter page in Chromium", function () {
  this.timeout(300_000);
  let browser: Browser | undefined;
  let presenter: Presenter | undefined;

  before(async function () {
    const executablePath = chromiumPath();
    if (executablePath === undefined) {
      if (process.env.CI === "true") throw new Error(NO_CHROMIUM);
      console.log(`    skipped: ${NO_CHROMIUM}`);
      this.skip();
    }
    browser = await chromium.launch({ executablePath });
    await mkdir(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await presenter?.stop();
    presenter = undefined;
  });

  async function open(scenario: string): Promise<{ page: Page; presenter: Presenter }> {
    if (browser === undefined) throw new Error("no browser");
    presenter = await startPresenter([scenario]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(presenter.url);
    await waitForSteps(page, 0);
    return { page, presenter };
  }

  it("steps through green-bond-issuance showing the chain's balances and events after every step, then Restart returns to the opening state", async () => {
    const { page, presenter } = await open("green-bond-issuance");
    let state = await presenter.state();
    const opening = await expectMatrixIsTheChain(page, state);
    await page.screenshot({ path: path.join(SHOTS, "green-bond-issuance-00-opening.png") });
    expect(state.total, "steps").to.be.greaterThan(5);

    for (let k = 1; k <= state.total; k++) {
      // The keyboard for the first step, the button for the others: both are Next.
      if (k === 1) await page.keyboard.press("ArrowRight");
      else await page.click("#next");
      await waitForSteps(page, k);
      state = await presenter.state();
      const { step } = state.steps[k - 1];
      expect(step.status, `step ${k} ${step.id}`).to.equal("ok");
      expect(await page.textContent("[data-testid=step-title]"), `title of step ${k}`).to.equal(step.title);
      await expectMatrixIsTheChain(page, state);
      await expectEventsAreTheChain(page, state);
      expect(await page.locator("#matrix td.moved").count(), `cells highlighted in step ${k}`).to.equal(step.balanceChanges.length);
      await page.screenshot({ path: path.join(SHOTS, `green-bond-issuance-${String(k).padStart(2, "0")}-${step.id}.png`) });
    }
    expect(state.phase).to.equal("finished");
    expect(state.ok).to.equal(true);

    await page.click("#restart");
    await waitForSteps(page, 0, 1);
    state = await presenter.state();
    expect(state.steps, "steps after Restart").to.deep.equal([]);
    const reopened = await expectMatrixIsTheChain(page, state);
    expect(reopened, "the opening state again").to.deep.equal(opening);
    await page.screenshot({ path: path.join(SHOTS, "green-bond-issuance-99-restarted.png") });
  });

  it("shows an expected failure of dvp-atomicity with its decoded reason and nothing moved, then runs to the end", async () => {
    const { page, presenter } = await open("dvp-atomicity");
    let state: PresentState;
    const failing = "insufficient-cash";
    let before: Cell[];
    for (let k = 1; ; k++) {
      before = await cells(page);
      await page.keyboard.press(" ");
      await waitForSteps(page, k);
      state = await presenter.state();
      if (state.steps[k - 1].step.id === failing) break;
      if (k === state.total) throw new Error(`dvp-atomicity has no step ${failing}`);
    }
    const { step, words } = state.steps[state.steps.length - 1];
    expect(step.status).to.equal("expected-failure");
    expect(step.balanceChanges).to.deep.equal([]);
    expect(words.failure, "the decoded reason").to.match(/^PENF\/MONY on the cash leg: /);
    expect(await page.textContent("[data-testid=reason]")).to.equal(words.failure);
    expect(await page.textContent("[data-testid=nothing-moved]")).to.equal("Nothing moved.");
    expect(await page.locator("#matrix td.moved").count(), "cells highlighted").to.equal(0);
    expect(await expectMatrixIsTheChain(page, state), "balances unchanged").to.deep.equal(before);
    await page.screenshot({ path: path.join(SHOTS, `dvp-atomicity-${failing}.png`) });

    await page.click("#run-to-end");
    await page.waitForSelector('body[data-phase="finished"]', { state: "attached" });
    state = await presenter.state();
    expect(state.steps.length, "every step ran").to.equal(state.total);
    expect(state.ok).to.equal(true);
    await expectMatrixIsTheChain(page, state);
    await page.screenshot({ path: path.join(SHOTS, "dvp-atomicity-end.png") });
  });
});
