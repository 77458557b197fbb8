import { encodeBytes32String } from "ethers";

import type { HongKongLedger } from "../chain/deploy.js";
import type { BankKey } from "../domain/hong-kong.js";
import { defineScenario } from "../runner/types.js";
import type { Trade } from "../domain/trade.js";
import { authoriseEngine, issueStep, nameOf, openingSteps } from "./steps.js";

export const BANKS: readonly BankKey[] = ["harbourBank", "victoriaBank", "lionRockBank"];
export const TRADE_COUNT = 60;

/**
 * The day's trades, deterministic so tests can recompute every net position: trade i is sold by
 * bank i mod 3 to bank (i + 1 + ⌊i/3⌋ mod 2) mod 3, for 1 + (i mod 7) units at HKD 50,000.00 + i × HKD 10.00.
 */
export function daysTrades(ledger: HongKongLedger, settlementDate: bigint): Trade[] {
  const wcbdc = ledger.wcbdc.target as string;
  return Array.from({ length: TRADE_COUNT }, (_, i) => {
    const seller = BANKS[i % 3];
    const buyer = BANKS[(i + 1 + (Math.floor(i / 3) % 2)) % 3];
    const units = BigInt(1 + (i % 7));
    const price = 5_000_000n + BigInt(i) * 1_000n;
    return {
      tradeRef: encodeBytes32String(`NET-${String(i + 1).padStart(3, "0")}`),
      seller: ledger.participants[seller].address,
      buyer: ledger.participants[buyer].address,
      asset: ledger.bond.target as string,
      quantity: units,
      buyerCash: wcbdc,
      sellerCash: wcbdc,
      amount: units * price,
      settlementDate,
      expiry: settlementDate + 86_400n,
    };
  });
}

export default defineScenario({
  name: "netting-batch",
  description:
    "A day of 60 bond trades among the three banks, matched during the day and settled next morning in one netted batch: each bank's balance in each token moves once",
  steps: (ledger) => {
    const { engine, participants: P } = ledger;
    let trades: Trade[] = [];
    const bankOf = (address: string): BankKey => BANKS.find((b) => P[b].address === address) ?? "harbourBank";
    return [
      ...openingSteps().slice(0, 1),
      {
        id: "authorise-engine",
        title: "The three banks authorise the settlement engine on the bond (their wCBDC allowance is standing)",
        action: (ctx) => authoriseEngine(ctx, BANKS),
      },
      issueStep({ harbourBank: 500n, victoriaBank: 500n, lionRockBank: 500n }),
      {
        id: "trades-matched",
        title: `During the day the banks agree ${TRADE_COUNT} trades for settlement tomorrow; both sides instruct each (all matched)`,
        action: async (ctx) => {
          trades = daysTrades(ledger, (await ctx.now()) + 86_400n);
          for (const t of trades) {
            await ctx.send(`${nameOf(bankOf(t.seller))} instructs`, engine.connect(P[bankOf(t.seller)].signer).instruct, t);
            await ctx.send(`${nameOf(bankOf(t.buyer))} instructs`, engine.connect(P[bankOf(t.buyer)].signer).instruct, t);
          }
          for (const t of trades) {
            const record = await ctx.observeTrade(t);
            ctx.check(record.status === "Matched", "every trade should be matched, awaiting its settlement date");
          }
        },
      },
      {
        id: "netted-batch",
        title: `Next morning HKMA, as settlement agent, settles all ${TRADE_COUNT} trades in one netted batch`,
        detail: "Gross, the day would need two transfers per trade; netted, each bank pays or receives each token once.",
        action: async (ctx) => {
          await ctx.travelTo(trades[0].settlementDate);
          const receipt = await ctx.send("settleBatch()", engine.settleBatch, trades);
          const report = await engine.batchReport(await engine.batchCount());
          ctx.note("gross transfers {gross} → net transfers {net}; {gasPerTrade} gas per trade", {
            gross: report.grossTransfers,
            net: report.netTransfers,
            gasPerTrade: receipt.gasUsed / BigInt(trades.length),
          });
          ctx.check(Number(report.netTransfers) <= 2 * BANKS.length, "each bank should move at most once per token");
        },
      },
    ];
  },
});
