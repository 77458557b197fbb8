import type { HongKongLedger } from "../chain/deploy.js";
import type { Scenario } from "../runner/types.js";
import crossBorderPvp from "./cross-border-pvp.js";
import crossChainDvp from "./cross-chain-dvp.js";
import dvpAtomicity from "./dvp-atomicity.js";
import exchangeFundBillsTender from "./exchange-fund-bills-tender.js";
import greenBondIssuance from "./green-bond-issuance.js";
import interbankPayment from "./interbank-payment.js";
import intradayLiquidity from "./intraday-liquidity.js";
import mmfDealing from "./mmf-dealing.js";
import nettingBatch from "./netting-batch.js";
import secondaryTrading from "./secondary-trading.js";

/** Every scenario, in the order `npm run scenarios` lists them. Add a new one here. */
export const SCENARIOS: readonly Scenario<HongKongLedger>[] = [
  greenBondIssuance,
  interbankPayment,
  secondaryTrading,
  dvpAtomicity,
  nettingBatch,
  crossBorderPvp,
  crossChainDvp,
  exchangeFundBillsTender,
  intradayLiquidity,
  mmfDealing,
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function findScenario(name: string): Scenario<HongKongLedger> | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
