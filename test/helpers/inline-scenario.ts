import { network } from "hardhat";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { runScenario, type RunHooks, type ScenarioRun } from "../../src/runner/run.js";
import { defineScenario, type ExpectedRefusal, type Step } from "../../src/runner/types.js";

/**
 * Inline scenarios for the runner's and the report's tests: a fresh Hong Kong ledger (restored
 * from a fixture) and a few one-transaction steps whose outcome is known.
 */

const connection = await network.create();

async function deployedLedger(): Promise<HongKongLedger> {
  return deployHongKongLedger(connection);
}

/** A fresh Hong Kong ledger, restored from a snapshot after the first deployment. */
export const loadLedger = (): Promise<HongKongLedger> => connection.networkHelpers.loadFixture(deployedLedger);

/** What a stranger's mint is refused with. */
export const UNAUTHORIZED: ExpectedRefusal = { revert: "AccessControlUnauthorizedAccount" };
export const HKD_1000 = 100_000n;

/** HKMA credits Harbour Bank with HKD 1,000.00 of wCBDC. */
export const creditHarbour: Step = {
  id: "credit-harbour",
  title: "HKMA credits Harbour Bank with HKD 1,000.00 of wCBDC",
  action: async (ctx) => {
    const harbour = ctx.ledger.participants.harbourBank;
    await ctx.send("mint 1,000.00 wHKD to Harbour Bank", ctx.ledger.wcbdc.mint, harbour.address, HKD_1000);
  },
};

/** Kowloon Dealer, who is not the central bank, tries to mint itself wCBDC. */
export const strangerMints = (expect?: Step["expect"]): Step => ({
  id: "stranger-mints",
  title: "Kowloon Dealer tries to mint itself wCBDC",
  ...(expect === undefined ? {} : { expect }),
  action: async (ctx) => {
    const dealer = ctx.ledger.participants.kowloonDealer;
    await ctx.send("Kowloon Dealer mints 1.00 wHKD", ctx.ledger.wcbdc.connect(dealer.signer).mint, dealer.address, 100n);
  },
});

/** Runs an inline scenario of `steps`, recording the hook calls. */
export async function runInline(ledger: HongKongLedger, steps: readonly Step[]): Promise<{ run: ScenarioRun; before: string[]; after: string[] }> {
  const beforeCalls: string[] = [];
  const afterCalls: string[] = [];
  const hooks: RunHooks = {
    async beforeStep(step, index, total) {
      beforeCalls.push(`${index + 1}/${total} ${step.id}`);
    },
    async afterStep(result, _directory, total) {
      afterCalls.push(`${result.index + 1}/${total} ${result.status}`);
    },
  };
  const scenario = defineScenario({ name: "inline", description: "an inline scenario for the runner's tests", steps: () => steps });
  return { run: await runScenario(scenario, ledger, hooks), before: beforeCalls, after: afterCalls };
}
