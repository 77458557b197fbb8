import { network } from "hardhat";

import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { fundOpeningBalances } from "../../src/chain/opening-balances.js";

/**
 * One in-process network per mocha process (this module is evaluated once; each parallel worker of
 * `npm run test:fast` has its own), and named fixtures over it: `loadFixture` deploys once and then
 * restores the snapshot, so each test starts from the same ledger.
 */
export const connection = await network.create();
export const { ethers, networkHelpers } = connection;

/** The default Hong Kong ledger, no balances. */
export async function deployedLedger(): Promise<HongKongLedger> {
  return deployHongKongLedger(connection);
}

/** The default Hong Kong ledger with the opening balances of `src/chain/opening-balances.ts`. */
export async function fundedLedger(): Promise<HongKongLedger> {
  const ledger = await deployHongKongLedger(connection);
  await fundOpeningBalances(ledger);
  return ledger;
}

export const loadLedger = (): Promise<HongKongLedger> => networkHelpers.loadFixture(deployedLedger);
export const loadFundedLedger = (): Promise<HongKongLedger> => networkHelpers.loadFixture(fundedLedger);
