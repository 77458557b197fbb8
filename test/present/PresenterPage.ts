import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { createWalletClient, erc20Abi, getAddress, http, isHex, parseAbi } from "viem";

import { FAILURE_REASON, isoTradeStatus, TRADE_STATUS } from "../../src/domain/trade.js";
import type { PresentState } from "../../src/present/state.js";
import {
  chainOf,
  ChainClients,
  expectLedgerIsTheChain,
  expectTimelineIsTheChain,
  launchChromium,
  openPresenterPage,
  shotPath,
  waitForSteps,
  type ShownElement,
} from "../helpers/presenter-page.js";
import { startPresenter, type Presenter } from "../helpers/presenter.js";

/**
 * The presenter page of the flagship in Debian's Chromium (playwright-core, no browser download),
 * checked after every step against the chain itself (read here with viem from the node): the
 * balance matrix, the timeline's event counts, the settlement instructions' ISO 20022 codes (the
 * engine's record), the bond card's clock (the latest block) and calendar, and the flow picture
 * (drawn when tokens moved, "no tokens moved" when none did); an expected failure shows its reason
 * and "Nothing moved"; a transaction sent from outside the scenario shows without a step; Restart
 * returns to the opening state. Screenshots go to test-results/presenter/ (gitignored).
 */

const ENGINE_ABI = parseAbi([
  "struct TradeRecord { uint8 status; uint8 reason; bool sellerInstructed; bool buyerInstructed; bool sellerCancelRequested; bool buyerCancelRequested; }",
  "function tradeRecord(bytes32 id) view returns (TradeRecord)",
]);

/** Every settlement instruction shown carries the ISO 20022 status and reason of the engine's record on the chain now. */
async function expectInstructionsAreTheChain(page: Page, state: PresentState, clients: ChainClients): Promise<number> {
  const rows = await page.$$eval("#instructions tr[data-trade-id]", (trs: readonly ShownElement[]) =>
    trs.map((tr) => ({ id: tr.getAttribute("data-trade-id") ?? "", status: tr.getAttribute("data-status") ?? "", reason: tr.getAttribute("data-reason") ?? "" })),
  );
  const chain = state.chains[0];
  const engine = chain.contracts.find((c) => c.key === "engine");
  if (engine === undefined) throw new Error("the ledger lists no settlement engine");
  for (const row of rows) {
    if (!isHex(row.id)) throw new Error(`"${row.id}" is not a trade id`);
    const record = await clients.of(state, chain.key).readContract({ address: getAddress(engine.address), abi: ENGINE_ABI, functionName: "tradeRecord", args: [row.id] });
    const iso = isoTradeStatus(TRADE_STATUS[record.status], FAILURE_REASON[record.reason]);
    expect({ status: row.status, reason: row.reason }, `trade ${row.id}`).to.deep.equal({ status: iso?.status ?? "", reason: iso?.reason ?? "" });
  }
  return rows.length;
}

/** The bond card's clock is the latest block's time, and its "next" date is the first calendar date after it. */
async function expectBondClockIsTheChain(page: Page, state: PresentState, clients: ChainClients): Promise<void> {
  const block = await clients.of(state, state.chains[0].key).getBlock({ blockTag: "latest" });
  expect(await page.getAttribute("#bond [data-clock]", "data-clock"), "the bond card's clock").to.equal(block.timestamp.toString());
  const marks = await page.$$eval("#bond [data-kind]", (gs: readonly ShownElement[]) => gs.map((g) => ({ date: BigInt(g.getAttribute("data-date") ?? "0"), state: g.getAttribute("data-state") ?? "" })));
  const after = marks.filter((m) => m.date > block.timestamp).map((m) => m.date);
  const next = marks.filter((m) => m.state === "next");
  if (after.length === 0) expect(next, "no next date after maturity").to.deep.equal([]);
  else expect(next.map((m) => m.date), "the next date").to.deep.equal([after.reduce((a, b) => (b < a ? b : a))]);
  expect(marks.filter((m) => m.state === "past").every((m) => m.date <= block.timestamp), "dates shown as past have passed").to.equal(true);
}

/** Arrows in the flow picture exactly when the step moved tokens; each arrow names a token of the chain. */
async function expectFlowsMatchTheStep(page: Page, state: PresentState): Promise<void> {
  const { step } = state.steps[state.steps.length - 1];
  const arrows = await page.$$eval("#flow [data-flow]", (gs: readonly ShownElement[]) => gs.map((g) => ({ token: g.getAttribute("data-token") ?? "", amount: g.getAttribute("data-amount") ?? "" })));
  if (step.balanceChanges.length === 0) {
    expect(arrows, `no arrows in step ${step.id}`).to.deep.equal([]);
    expect(await page.locator("[data-testid=no-flow]").count(), "the no-flow line").to.equal(1);
    return;
  }
  expect(arrows.length, `arrows in step ${step.id}`).to.be.greaterThan(0);
  const symbols = new Set(step.balanceChanges.map((m) => m.token.symbol));
  for (const arrow of arrows) {
    expect([...symbols], `arrow of ${arrow.token}`).to.include(arrow.token);
    expect(BigInt(arrow.amount) > 0n, "a positive amount").to.equal(true);
  }
}

/** Nothing on the page needs scrolling: no panel's content is taller than its box (the fold keeps the rest one click away). */
async function expectNothingScrolls(page: Page, label: string): Promise<void> {
  const over = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): readonly { id: string; scrollHeight: number; clientHeight: number }[] } }).document;
    return [...doc.querySelectorAll("#story, #flow, #ledger, #side > section, #timeline")].filter((e) => e.scrollHeight > e.clientHeight + 1).map((e) => `${e.id} by ${e.scrollHeight - e.clientHeight}px`);
  });
  expect(over, `panels that would scroll in ${label}`).to.deep.equal([]);
}

describe("Presenter page in Chromium", function () {
  this.timeout(300_000);
  let browser: Browser | undefined;
  let presenter: Presenter | undefined;
  let page: Page | undefined;

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    // The page first: its event stream would reconnect to a presenter that is stopping.
    await page?.close();
    page = undefined;
    await presenter?.stop();
    presenter = undefined;
  });

  async function open(scenario: string): Promise<{ page: Page; presenter: Presenter }> {
    if (browser === undefined) throw new Error("no browser");
    presenter = await startPresenter([scenario]);
    page = await openPresenterPage(browser, presenter);
    return { page, presenter };
  }

  it("steps through green-bond-issuance showing the chain's balances, instructions, bond clock, flows and events after every step, nothing scrolling; then Restart returns to the opening state", async () => {
    const { page, presenter } = await open("green-bond-issuance");
    const clients = new ChainClients();
    let state = await presenter.state();
    const opening = await expectLedgerIsTheChain(page, state, clients);
    await page.screenshot({ path: shotPath("green-bond-issuance", 0, "opening") });
    expect(state.total, "steps").to.be.greaterThan(5);

    let instructionsSeen = 0;
    for (let k = 1; k <= state.total; k++) {
      // The keyboard for the first step, the button for the others: both are Next.
      if (k === 1) await page.keyboard.press("ArrowRight");
      else await page.click("#next");
      await waitForSteps(page, k);
      state = await presenter.state();
      const { step } = state.steps[k - 1];
      expect(step.status, `step ${k} ${step.id}`).to.equal("ok");
      expect(await page.textContent("[data-testid=step-title]"), `title of step ${k}`).to.equal(step.title);
      await expectLedgerIsTheChain(page, state, clients);
      await expectTimelineIsTheChain(page, state, clients);
      expect(await page.locator("#ledger td.moved").count(), `cells highlighted in step ${k}`).to.equal(step.balanceChanges.length);
      instructionsSeen = Math.max(instructionsSeen, await expectInstructionsAreTheChain(page, state, clients));
      await expectBondClockIsTheChain(page, state, clients);
      await expectFlowsMatchTheStep(page, state);
      await expectNothingScrolls(page, `step ${k} ${step.id}`);
      await page.screenshot({ path: shotPath("green-bond-issuance", k, step.id) });
    }
    expect(state.phase).to.equal("finished");
    expect(state.ok).to.equal(true);
    expect(instructionsSeen, "settlement instructions shown").to.be.greaterThan(2);
    expect(await page.getAttribute("#instructions tr[data-trade-id]", "data-status"), "a settled trade").to.equal("SETT");

    await page.click("#restart");
    await waitForSteps(page, 0, 1);
    state = await presenter.state();
    expect(state.steps, "steps after Restart").to.deep.equal([]);
    const reopened = await expectLedgerIsTheChain(page, state, clients);
    expect(reopened, "the opening state again").to.deep.equal(opening);
    await page.screenshot({ path: shotPath("green-bond-issuance", 99, "restarted") });
  });

  it("shows a transfer sent from another terminal at once, marked as made outside the scenario, without a step", async () => {
    const { page, presenter } = await open("green-bond-issuance");
    await page.keyboard.press("ArrowRight");
    await waitForSteps(page, 1);
    const state = await presenter.state();
    const chain = chainOf(state, state.chains[0].key);
    const wcbdc = chain.tokens.find((t) => t.kind === "wCBDC");
    const [harbour, victoria] = chain.participants.filter((p) => p.kind === "CommercialBank");
    if (wcbdc === undefined || harbour === undefined || victoria === undefined) throw new Error("the flagship has a wCBDC and two commercial banks");
    const cell = `#ledger td[data-token="${wcbdc.symbol}"][data-holder="${victoria.name}"]`;
    const before = BigInt((await page.getAttribute(cell, "data-amount")) ?? "0");
    // The node's accounts are unlocked: a developer's terminal sends from Harbour Bank's account.
    const wallet = createWalletClient({ account: getAddress(harbour.address), transport: http(chain.nodeUrl) });
    await wallet.writeContract({ chain: null, address: getAddress(wcbdc.address), abi: erc20Abi, functionName: "transfer", args: [getAddress(victoria.address), 100n] });
    await page.waitForSelector(`${cell}[data-amount="${before + 100n}"][data-outside="true"]`, { state: "attached", timeout: 10_000 });
    expect(await page.getAttribute("body", "data-steps"), "no step ran").to.equal("1");
    expect((await presenter.state()).steps.length, "the runner ran no step").to.equal(1);
    await expectLedgerIsTheChain(page, await presenter.state());
    await page.screenshot({ path: shotPath("green-bond-issuance", 1, "outside-transfer") });
  });

  it("shows an expected failure of dvp-atomicity with its decoded reason and nothing moved, then runs to the end", async () => {
    const { page, presenter } = await open("dvp-atomicity");
    let state: PresentState;
    const failing = "insufficient-cash";
    let before;
    for (let k = 1; ; k++) {
      before = await expectLedgerIsTheChain(page, await presenter.state());
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
    expect(await page.locator("#ledger td.moved").count(), "cells highlighted").to.equal(0);
    await expectFlowsMatchTheStep(page, state);
    expect(await expectLedgerIsTheChain(page, state), "balances unchanged").to.deep.equal(before);
    await page.screenshot({ path: shotPath("dvp-atomicity", state.steps.length, failing) });

    await page.click("#run-to-end");
    await page.waitForSelector('body[data-phase="finished"]', { state: "attached" });
    state = await presenter.state();
    expect(state.steps.length, "every step ran").to.equal(state.total);
    expect(state.ok).to.equal(true);
    await expectLedgerIsTheChain(page, state);
    await page.screenshot({ path: shotPath("dvp-atomicity", 99, "end") });
  });
});
