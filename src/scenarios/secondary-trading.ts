import { defineScenario } from "../runner/types.js";
import { signSettlementOrder } from "../chain/signing.js";
import type { Trade } from "../domain/trade.js";
import { authoriseEngine, bondTrade, issueStep, openingSteps } from "./steps.js";

/** Prices per unit (HKD minor units) of the trades in this scenario. */
export const PRICES = { dealerBuys: 4_998_000n, dealerToPeak: 5_004_000n, dealerToTsingYi: 5_006_500n, peakToLantau: 5_010_000n } as const;

export default defineScenario({
  name: "secondary-trading",
  description:
    "Investors trade the green bond: instruction matching (same day and T+1), signed one-transaction DvP submitted by a settlement agent, a mismatch left unmatched, and a replayed signature refused",
  steps: (ledger) => {
    const { engine, participants: P } = ledger;
    let tPlusOne: Trade;
    let signedTrade: Trade;
    let signedArgs: [bigint, string, bigint, string];
    return [
      ...openingSteps(),
      {
        id: "authorise-engine",
        title: "Banks, Kowloon Dealer and the investors authorise the settlement engine",
        action: (ctx) => authoriseEngine(ctx, ["harbourBank", "victoriaBank", "kowloonDealer", "peakAsset", "tsingYiInsurance", "lantauPension"]),
      },
      issueStep({ harbourBank: 600n, victoriaBank: 400n }),
      {
        id: "dealer-buys",
        title: "Kowloon Dealer buys 200 units from Harbour Bank, paying in its Harbour deposits (instruction matching)",
        action: async (ctx) => {
          const trade = bondTrade(ledger, { ref: "SEC-001", seller: "harbourBank", buyer: "kowloonDealer", units: 200n, pricePerUnit: PRICES.dealerBuys, settlementDate: await ctx.now() });
          await ctx.send("Harbour Bank instructs (seller)", engine.connect(P.harbourBank.signer).instruct, trade);
          await ctx.send("Kowloon Dealer instructs (buyer): match + settle", engine.connect(P.kowloonDealer.signer).instruct, trade);
        },
      },
      {
        id: "dealer-sells-same-bank",
        title: "Kowloon Dealer sells 50 units to Peak Asset Management, same bank, settled on match",
        action: async (ctx) => {
          const trade = bondTrade(ledger, { ref: "SEC-002", seller: "kowloonDealer", buyer: "peakAsset", units: 50n, pricePerUnit: PRICES.dealerToPeak, settlementDate: await ctx.now() });
          await ctx.send("Peak instructs (buyer) first", engine.connect(P.peakAsset.signer).instruct, trade);
          await ctx.observeTrade(trade);
          await ctx.send("Kowloon Dealer instructs (seller): match + settle", engine.connect(P.kowloonDealer.signer).instruct, trade);
        },
      },
      {
        id: "t1-matched",
        title: "Kowloon Dealer sells 40 units to Tsing Yi Insurance (Victoria Bank) for T+1 settlement",
        action: async (ctx) => {
          tPlusOne = bondTrade(ledger, { ref: "SEC-003", seller: "kowloonDealer", buyer: "tsingYiInsurance", units: 40n, pricePerUnit: PRICES.dealerToTsingYi, settlementDate: (await ctx.now()) + 86_400n });
          await ctx.send("Kowloon Dealer instructs (seller)", engine.connect(P.kowloonDealer.signer).instruct, tPlusOne);
          await ctx.send("Tsing Yi instructs (buyer): matched", engine.connect(P.tsingYiInsurance.signer).instruct, tPlusOne);
          const record = await ctx.observeTrade(tPlusOne);
          ctx.check(record.status === "Matched", "the T+1 trade should be Matched");
        },
      },
      {
        id: "t1-settles",
        title: "T+1: the trade settles; Victoria Bank pays Harbour Bank in wCBDC for Kowloon Dealer",
        action: async (ctx) => {
          await ctx.travelTo(tPlusOne.settlementDate);
          await ctx.send("settle() on the settlement date", engine.connect(P.tsingYiInsurance.signer).settle, tPlusOne);
        },
      },
      {
        id: "signed-orders",
        title: "Peak Asset Management sells 20 units to Lantau Pension Fund by signed orders; HKMA submits both as settlement agent",
        detail: "Each side signs an EIP-712 order (the trade plus its own nonce); one transaction settles both legs.",
        action: async (ctx) => {
          signedTrade = bondTrade(ledger, { ref: "SEC-004", seller: "peakAsset", buyer: "lantauPension", units: 20n, pricePerUnit: PRICES.peakToLantau, settlementDate: await ctx.now() });
          const sellerNonce = await engine["nonces(address,uint192)"](P.peakAsset.address, 0n);
          const buyerNonce = await engine["nonces(address,uint192)"](P.lantauPension.address, 0n);
          signedArgs = [
            sellerNonce,
            await signSettlementOrder(P.peakAsset.signer, engine, signedTrade, sellerNonce),
            buyerNonce,
            await signSettlementOrder(P.lantauPension.signer, engine, signedTrade, buyerNonce),
          ];
          await ctx.send("HKMA submits both signed orders", engine.settleSigned, signedTrade, ...signedArgs);
        },
      },
      {
        id: "signed-orders-replayed",
        title: "Someone submits the same signed orders again: refused, the trade has settled and a trade settles once",
        expect: { revert: "TradeInWrongStatus" },
        action: async (ctx) => {
          await ctx.send("replay of the signed orders", engine.settleSigned, signedTrade, ...signedArgs);
        },
      },
      {
        id: "unmatched-prices",
        title: "Tsing Yi and Kowloon Dealer instruct 30 units at different prices: the instructions do not match",
        detail: "Only identical instructions match; each stays Pending (NMAT). The amounts differ: DMON.",
        expect: { noBalanceChange: "TradeCancelled" },
        action: async (ctx) => {
          const now = await ctx.now();
          const buy = bondTrade(ledger, { ref: "SEC-005", seller: "kowloonDealer", buyer: "tsingYiInsurance", units: 30n, pricePerUnit: 5_000_000n, settlementDate: now });
          const sell = bondTrade(ledger, { ref: "SEC-005", seller: "kowloonDealer", buyer: "tsingYiInsurance", units: 30n, pricePerUnit: 5_002_000n, settlementDate: now });
          await ctx.send("Tsing Yi instructs to buy at HKD 50,000.00", engine.connect(P.tsingYiInsurance.signer).instruct, buy);
          await ctx.send("Kowloon Dealer instructs to sell at HKD 50,020.00", engine.connect(P.kowloonDealer.signer).instruct, sell);
          for (const t of [buy, sell]) {
            const record = await ctx.observeTrade(t);
            ctx.check(record.status === "Pending", "each side's instruction should stay Pending");
          }
          ctx.note("the two instructions differ in amount ({buy} against {sell}), so they are two unmatched trades: NMAT, reason DMON", {
            buy: ctx.money(buy.amount),
            sell: ctx.money(sell.amount),
          });
          await ctx.send("Kowloon Dealer cancels its instruction (CAND/CANI)", engine.connect(P.kowloonDealer.signer).cancel, sell);
        },
      },
    ];
  },
});
