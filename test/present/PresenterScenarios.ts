import { expect } from "chai";
import type { Browser, Page } from "playwright-core";

import type { StepExpectation } from "../../src/runner/types.js";
import { SCENARIO_NAMES } from "../../src/scenarios/index.js";
import {
  ChainClients,
  expectLedgerIsTheChain,
  expectTimelineIsTheChain,
  launchChromium,
  openPresenterPage,
  shotPath,
  waitForSteps,
} from "../helpers/presenter-page.js";
import { allSettled, resultOf, startAll } from "../helpers/concurrent.js";
import { startPresenter, type Presenter } from "../helpers/presenter.js";

/**
 * Every scenario `npm run scenarios` lists but the flagship (PresenterPage.ts steps it with these
 * checks and more), on the presenter page in Chromium, stepped with Next from the opening state to
 * the end (one presenter process per scenario, two stepped at once, one browser for the file): after each step the step ended as it was designed to (never "failed"), every balance cell
 * of every chain equals the chain, and every mined transaction of the step shows as many events as
 * its receipt has logs. One screenshot per step in test-results/presenter/<scenario>-NN-<step id>.png.
 */

/** The status a step designed to end as `expect` has when it does. */
function designedStatus(expect: StepExpectation): "ok" | "expected-failure" {
  return expect === "success" ? "ok" : "expected-failure";
}

/** The scenarios stepped here: the flagship is stepped with every check (and more) in PresenterPage.ts. */
const STEPPED = SCENARIO_NAMES.filter((name) => name !== "green-bond-issuance");
/** Presenters stepped at once: one's start-up (its own process, chain and deployment) overlaps another's steps. */
const AT_ONCE = 2;

/** Starts a presenter for `scenario`, opens its page and steps it with Next to the end, checking the page against the chain after every step. */
async function stepThrough(browser: Browser, scenario: string): Promise<void> {
  let presenter: Presenter | undefined;
  let page: Page | undefined;
  try {
    presenter = await startPresenter([scenario]);
    page = await openPresenterPage(browser, presenter);
    const clients = new ChainClients();
    let state = await presenter.state();
    expect(state.chains.length, "chains shown").to.be.greaterThan(0);
    await expectLedgerIsTheChain(page, state, clients);
    await page.screenshot({ path: shotPath(scenario, 0, "opening") });

    for (let k = 1; state.phase === "waiting"; k++) {
      const upcoming = state.upcoming;
      if (upcoming === undefined) throw new Error(`step ${k} waits for Next, but the state names no upcoming step`);
      await page.click("#next");
      await waitForSteps(page, k);
      state = await presenter.state();
      expect(state.steps.length, "steps finished").to.equal(k);
      const { step } = state.steps[k - 1];
      expect(step.id, `step ${k}`).to.equal(upcoming.id);
      expect(step.status, `status of step ${k} ${step.id}`).to.not.equal("failed");
      expect(step.status, `status of step ${k} ${step.id}`).to.equal(designedStatus(upcoming.expect));
      await expectLedgerIsTheChain(page, state, clients);
      await expectTimelineIsTheChain(page, state, clients);
      await page.screenshot({ path: shotPath(scenario, k, step.id) });
    }
    expect(state.phase, state.error).to.equal("finished");
    expect(state.steps.length, "every step ran").to.equal(state.total);
    expect(state.ok).to.equal(true);
  } finally {
    await page?.close();
    await presenter?.stop();
  }
}

describe("Presenter page in Chromium: every scenario, step by step", function () {
  this.timeout(600_000);
  let browser: Browser | undefined;
  /** Each scenario's walk-through, started in `before` (AT_ONCE at a time); its test awaits it. */
  let runs: ReadonlyMap<string, Promise<void>> | undefined;

  before(async function () {
    const launched = await launchChromium(this);
    browser = launched;
    runs = startAll(STEPPED, AT_ONCE, (scenario) => stepThrough(launched, scenario));
  });

  after(async () => {
    await allSettled(runs);
    await browser?.close();
  });

  it("covers both kinds of scenario: one chain and two (cross-chain-dvp)", function () {
    expect(SCENARIO_NAMES).to.include.members(["green-bond-issuance", "cross-chain-dvp"]);
  });

  for (const scenario of STEPPED) {
    it(`${scenario}: Next until finished; after every step the ledger and the timeline are the chain's`, async () => {
      if (browser === undefined) throw new Error("no browser");
      await resultOf(runs, scenario);
    });
  }
});
