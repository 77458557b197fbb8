import type { Scenario } from "../scenario/types.js";
import dvpAtomicity from "./dvp-atomicity.js";
import greenBondIssuance from "./green-bond-issuance.js";
import interbankPayment from "./interbank-payment.js";
import nettingBatch from "./netting-batch.js";
import secondaryTrading from "./secondary-trading.js";

/** Every scenario, in the order `npm run scenarios` lists them. Add a new one here. */
export const SCENARIOS: readonly Scenario[] = [greenBondIssuance, interbankPayment, secondaryTrading, dvpAtomicity, nettingBatch];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
