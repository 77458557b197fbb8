import { formatDate } from "../domain/calendar.js";
import type { ParticipantKey } from "../domain/hong-kong.js";
import type { ScenarioContext } from "../runner/context.js";
import { defineScenario } from "../runner/types.js";
import { signSettlementOrder } from "../chain/signing.js";
import type { Trade } from "../domain/trade.js";
import { authoriseEngine, bankOf, bondTrade, fundPayingAgent, ISSUE_PRICE, issueStep, openingSteps } from "./steps.js";

export { ISSUE_PRICE };

/** Secondary price at distribution: 100.02%. */
export const DISTRIBUTION_PRICE = 5_001_000n;
export const ALLOTMENTS = { harbourBank: 600n, victoriaBank: 400n } as const;
/** Who holds how many units at maturity, after the distribution and the ex-coupon trade. */
export const FINAL_HOLDINGS: Readonly<Partial<Record<ParticipantKey, bigint>>> = {
  harbourBank: 420n,
  victoriaBank: 340n,
  peakAsset: 70n,
  tsingYiInsurance: 80n,
  lantauPension: 60n,
  kowloonDealer: 30n,
};
const HOLDERS: readonly ParticipantKey[] = ["harbourBank", "victoriaBank", "peakAsset", "tsingYiInsurance", "lantauPension", "kowloonDealer"];

export default defineScenario({
  name: "green-bond-issuance",
  description:
    "HKSAR Government issues a tokenized green bond: DvP placement to banks in wCBDC, distribution to investors in tokenized deposits of different banks, coupons to holders of record, redemption at maturity",
  steps: (ledger) => {
    const { bond, engine, payingAgent, bondTerms, participants: P } = ledger;
    const couponDates = bondTerms.couponDates;
    let distributionToPeak: Trade;
    let distributionToLantau: Trade;

    const payCoupon = async (ctx: ScenarioContext, index: number): Promise<void> => {
      await ctx.travelTo(couponDates[index]);
      // Each holding's coupon is rounded down once on the whole holding (GovernmentBond.couponOn); the
      // fiscal agent funds exactly what the register of record is owed, so the paying agent keeps nothing.
      let owed = 0n;
      for (const key of HOLDERS) owed += await payingAgent.couponOwed(index, P[key].address);
      ctx.note("coupon {coupon}: {owed} on {units} of record, computed on each holding (at most {liability}, the coupon on the whole issue)", {
        coupon: index + 1,
        owed: ctx.money(owed),
        units: ctx.units(await bond.totalSupplyAtRecord(index)),
        liability: ctx.money(await payingAgent.couponLiability(index)),
      });
      await fundPayingAgent(ctx, owed, `coupon ${index + 1}`);
      await ctx.send(`paying agent pays coupon ${index + 1}`, payingAgent.payCoupons, index, HOLDERS.map((k) => P[k].address));
    };

    return [
      ...openingSteps(),
      {
        id: "authorise-engine",
        title: "Banks and investors authorise the settlement engine to move their bonds and cash",
        detail: "ERC-20 allowances: the engine can only move what both sides of a trade instruct or sign.",
        action: (ctx) => authoriseEngine(ctx, ["harbourBank", "victoriaBank", "peakAsset", "tsingYiInsurance", "lantauPension", "kowloonDealer"]),
      },
      {
        id: "standing-instructions",
        title: `Investors name their bank deposits as standing settlement instructions for coupons and redemption`,
        action: async (ctx) => {
          for (const key of ["peakAsset", "tsingYiInsurance", "lantauPension", "kowloonDealer"] as const) {
            const p = P[key];
            const deposit = ledger.deposits[bankOf(key)];
            await ctx.send(
              `${p.name}: pay me in ${await deposit.symbol()}`,
              payingAgent.connect(p.signer).setStandingInstruction, deposit.target,
            );
          }
        },
      },
      {
        ...issueStep(ALLOTMENTS),
        id: "issue-by-tender",
        title: `Issue date ${formatDate(bondTerms.issueDate)}: HKSAR Government allots ${bondTerms.issueNumber} to Harbour Bank (${ALLOTMENTS.harbourBank} units) and Victoria Bank (${ALLOTMENTS.victoriaBank} units) at HKD 49,925.00 a unit, DvP against wCBDC`,
        detail: `ISIN ${bondTerms.isin}, ${bondTerms.name}: HK$50,000 a unit, 4.25% semi-annual, ACT/365F. Both allottees pay and receive, or neither does.`,
      },
      {
        id: "distribution-same-bank",
        title: "Harbour Bank sells 100 units to its customer Peak Asset Management, paid in Harbour deposits (instruction matching)",
        detail: "Both sides instruct the same trade; the second instruction matches it and settles it at once. Paying a bank in its own deposits burns them: no wCBDC moves.",
        action: async (ctx) => {
          distributionToPeak = bondTrade(ledger, { ref: "DIST-001", seller: "harbourBank", buyer: "peakAsset", units: 100n, pricePerUnit: DISTRIBUTION_PRICE, settlementDate: await ctx.now() });
          await ctx.send("Harbour Bank instructs (seller)", engine.connect(P.harbourBank.signer).instruct, distributionToPeak);
          await ctx.send("Peak Asset Management instructs (buyer): match + settle", engine.connect(P.peakAsset.signer).instruct, distributionToPeak);
          const record = await engine.tradeRecord(await engine.tradeId(distributionToPeak));
          ctx.check(record.status === 4n, "the trade should be settled");
        },
      },
      {
        id: "distribution-signed-order",
        title: "Harbour Bank sells 80 units to Tsing Yi Insurance, a Victoria Bank customer: one transaction from Tsing Yi's signed order",
        detail: "Bond to the buyer, Victoria deposits burned from the buyer, Victoria Bank pays Harbour Bank in wCBDC — all in one transaction.",
        action: async (ctx) => {
          const trade = bondTrade(ledger, { ref: "DIST-002", seller: "harbourBank", buyer: "tsingYiInsurance", units: 80n, pricePerUnit: DISTRIBUTION_PRICE, settlementDate: await ctx.now() });
          const nonce = await engine["nonces(address,uint192)"](P.tsingYiInsurance.address, 0n);
          const signature = await signSettlementOrder(P.tsingYiInsurance.signer, engine, trade, nonce);
          const ownNonce = await engine["nonces(address,uint192)"](P.harbourBank.address, 0n);
          await ctx.send(
            "Harbour Bank submits Tsing Yi's signed order",
            engine.connect(P.harbourBank.signer).settleSigned, trade, ownNonce, "0x", nonce, signature,
          );
        },
      },
      {
        id: "distribution-t1-matched",
        title: "Victoria Bank sells 60 units to Lantau Pension Fund (Lion Rock Bank) for settlement tomorrow",
        detail: "Matched today, settled on the settlement date: status MACH, PEND/FUTU until then.",
        action: async (ctx) => {
          distributionToLantau = bondTrade(ledger, { ref: "DIST-003", seller: "victoriaBank", buyer: "lantauPension", units: 60n, pricePerUnit: DISTRIBUTION_PRICE, settlementDate: (await ctx.now()) + 86_400n });
          await ctx.send("Victoria Bank instructs (seller)", engine.connect(P.victoriaBank.signer).instruct, distributionToLantau);
          await ctx.send("Lantau Pension Fund instructs (buyer): matched", engine.connect(P.lantauPension.signer).instruct, distributionToLantau);
          const record = await engine.tradeRecord(await engine.tradeId(distributionToLantau));
          ctx.check(record.status === 2n, "the trade should be matched, awaiting its settlement date");
        },
      },
      {
        id: "distribution-t1-settles",
        title: "Next day: the matched trade settles — Lion Rock Bank pays Victoria Bank in wCBDC",
        action: async (ctx) => {
          await ctx.travelTo(distributionToLantau.settlementDate);
          await ctx.send("settle() on the settlement date", engine.settle, distributionToLantau);
        },
      },
      {
        id: "ex-coupon-trade",
        title: `Record date ${formatDate(couponDates[0] - 86_400)} passes; Peak Asset Management then sells 30 units to Kowloon Dealer — ex-coupon`,
        detail: "Holders at the close of the record date receive the coupon; a trade settling after it does not change who is paid.",
        action: async (ctx) => {
          await ctx.travelTo(BigInt(couponDates[0]) - 86_400n + 3_600n);
          const trade = bondTrade(ledger, { ref: "SEC-001", seller: "peakAsset", buyer: "kowloonDealer", units: 30n, pricePerUnit: 5_003_000n, settlementDate: await ctx.now() });
          await ctx.send("Peak instructs (seller)", engine.connect(P.peakAsset.signer).instruct, trade);
          await ctx.send("Kowloon Dealer instructs (buyer): match + settle", engine.connect(P.kowloonDealer.signer).instruct, trade);
          ctx.note("holding of record for coupon 1 — Peak: {peak}, Kowloon Dealer: {kowloon}", {
            peak: ctx.units(await bond.balanceOfAtRecord(P.peakAsset.address, 0)),
            kowloon: ctx.units(await bond.balanceOfAtRecord(P.kowloonDealer.address, 0)),
          });
        },
      },
      {
        id: "coupon-1",
        title: `Coupon date ${formatDate(couponDates[0])}: the paying agent pays coupon 1 to the holders of record`,
        detail: "Banks are paid in wCBDC; investors through their banks: the engine pays the bank in wCBDC and the bank credits its deposit token.",
        action: (ctx) => payCoupon(ctx, 0),
      },
      {
        id: "coupons-2-to-5",
        title: `Coupons 2 to 5, on ${couponDates.slice(1, 5).map(formatDate).join(", ")}`,
        action: async (ctx) => {
          for (let i = 1; i < couponDates.length - 1; i++) await payCoupon(ctx, i);
        },
      },
      {
        id: "maturity",
        title: `Maturity ${formatDate(couponDates[couponDates.length - 1])}: final coupon, then every holder is redeemed at par — bonds burned, face value paid`,
        action: async (ctx) => {
          const last = couponDates.length - 1;
          await payCoupon(ctx, last);
          const redemption = await payingAgent.redemptionLiability();
          ctx.note("redemption: {units} × {face} = {redemption}", {
            units: ctx.units(await bond.totalSupply()),
            face: ctx.money(await bond.denomination()),
            redemption: ctx.money(redemption),
          });
          await fundPayingAgent(ctx, redemption, "redemption");
          await ctx.send("paying agent redeems every holder", payingAgent.redeemHolders, HOLDERS.map((k) => P[k].address));
          ctx.check((await bond.totalSupply()) === 0n, "every unit should be redeemed");
        },
      },
    ];
  },
});
