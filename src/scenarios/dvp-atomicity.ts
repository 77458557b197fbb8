import { encodeBytes32String } from "ethers";

import type { ScenarioContext } from "../runner/context.js";
import { defineScenario, type Step } from "../runner/types.js";
import { signSettlementOrder } from "../chain/signing.js";
import type { Trade } from "../domain/trade.js";
import { authoriseEngine, bondTrade, issueStep, openingSteps } from "./steps.js";

export const PRICE = 5_001_000n;

/**
 * Settles `trade` in one transaction from the buyer's signed order, submitted by the seller: the
 * chain either moves both legs or refuses with the reason.
 */
async function settleSignedBySeller(ctx: ScenarioContext, trade: Trade, buyerKey: "peakAsset" | "tsingYiInsurance" | "lantauPension", sellerKey: "kowloonDealer" | "harbourBank"): Promise<void> {
  const { engine, participants: P } = ctx.ledger;
  const buyer = P[buyerKey];
  const nonce = await engine["nonces(address,uint192)"](buyer.address, 0n);
  const signature = await signSettlementOrder(buyer.signer, engine, trade, nonce);
  const ownNonce = await engine["nonces(address,uint192)"](P[sellerKey].address, 0n);
  await ctx.send(
    `${P[sellerKey].name} submits ${buyer.name}'s signed order`,
    engine.connect(P[sellerKey].signer).settleSigned, trade, ownNonce, "0x", nonce, signature,
  );
}

export default defineScenario({
  name: "dvp-atomicity",
  description:
    "Every failure in turn — insufficient cash, insufficient securities, ineligible buyer, frozen account, paused bond, expired instruction — refused with balances unchanged",
  steps: (ledger) => {
    const { engine, bond, registry, participants: P } = ledger;
    let seq = 0;
    const trade = async (ctx: ScenarioContext, seller: "kowloonDealer" | "harbourBank", buyer: "peakAsset" | "tsingYiInsurance" | "lantauPension", units: bigint, price = PRICE): Promise<Trade> =>
      bondTrade(ledger, { ref: `ATOM-${String(++seq).padStart(3, "0")}`, seller, buyer, units, pricePerUnit: price, settlementDate: await ctx.now() });
    let expiring: Trade;
    const steps: Step[] = [
      ...openingSteps(),
      {
        id: "authorise-engine",
        title: "Banks, Kowloon Dealer and the investors authorise the settlement engine",
        action: (ctx) => authoriseEngine(ctx, ["harbourBank", "victoriaBank", "kowloonDealer", "peakAsset", "tsingYiInsurance", "lantauPension"]),
      },
      issueStep({ harbourBank: 3_000n, victoriaBank: 1_000n }),
      {
        id: "baseline-dvp",
        title: "Kowloon Dealer buys 100 units from Harbour Bank (settles: the baseline)",
        action: async (ctx) => {
          const base = bondTrade(ledger, { ref: "ATOM-000", seller: "harbourBank", buyer: "kowloonDealer", units: 100n, pricePerUnit: PRICE, settlementDate: await ctx.now() });
          await ctx.send("Harbour Bank instructs", engine.connect(P.harbourBank.signer).instruct, base);
          await ctx.send("Kowloon Dealer instructs: match + settle", engine.connect(P.kowloonDealer.signer).instruct, base);
        },
      },
      {
        id: "insufficient-cash",
        title: "Insufficient cash (MONY): Peak Asset Management agrees to buy 2,500 units for HKD 125,025,000.00 but holds HKD 120,000,000.00",
        expect: { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" },
        action: async (ctx) => settleSignedBySeller(ctx, await trade(ctx, "harbourBank", "peakAsset", 2_500n), "peakAsset", "harbourBank"),
      },
      {
        id: "insufficient-securities",
        title: "Insufficient securities (LACK): Kowloon Dealer sells 150 units but holds 100",
        expect: { revert: "SettlementLegFailed", reason: "LACK", tokenError: "ERC20InsufficientBalance" },
        action: async (ctx) => settleSignedBySeller(ctx, await trade(ctx, "kowloonDealer", "tsingYiInsurance", 150n), "tsingYiInsurance", "kowloonDealer"),
      },
      {
        id: "shortfall-via-matching",
        title: "The same shortfall through instruction matching: the match is kept, the trade is recorded PENF/LACK",
        detail: "On the instruction path a failed attempt does not revert: the trade stays on chain as Failed with its reason, to be retried.",
        expect: { noBalanceChange: "TradeSettlementFailed", reason: "LACK" },
        action: async (ctx) => {
          const t = await trade(ctx, "kowloonDealer", "tsingYiInsurance", 150n);
          await ctx.send("Kowloon Dealer instructs", engine.connect(P.kowloonDealer.signer).instruct, t);
          await ctx.send("Tsing Yi instructs: match, settlement fails", engine.connect(P.tsingYiInsurance.signer).instruct, t);
          const record = await ctx.observeTrade(t);
          ctx.check(record.status === "Failed" && record.reason === "InsufficientSecurities", "the trade should be Failed with InsufficientSecurities");
        },
      },
      {
        id: "kyc-lapsed",
        title: "Ineligible buyer: Lantau Pension Fund's KYC lapses, and its purchase of 10 units is refused",
        expect: { revert: "SettlementLegFailed", reason: "XELG", tokenError: "ParticipantKycExpired" },
        action: async (ctx) => {
          const now = await ctx.now();
          const lapse = now + 60n;
          await ledger.connection.networkHelpers.time.setNextBlockTimestamp(now + 1n);
          await ctx.send("registrar shortens Lantau's KYC validity", registry.updateKycExpiry, P.lantauPension.address, lapse);
          await ctx.travelTo(lapse + 1n);
          await settleSignedBySeller(ctx, await trade(ctx, "kowloonDealer", "lantauPension", 10n), "lantauPension", "kowloonDealer");
        },
      },
      {
        id: "kyc-renewed",
        title: "The registrar renews Lantau Pension Fund's KYC",
        action: async (ctx) => {
          await ctx.send("registrar renews Lantau's KYC", registry.updateKycExpiry, P.lantauPension.address, (await ctx.now()) + 365n * 86_400n);
        },
      },
      {
        id: "account-frozen",
        title: "Frozen account (BLOC): the registrar freezes Kowloon Dealer's bond account; its sale of 10 units is refused",
        expect: { revert: "SettlementLegFailed", reason: "BLOC", tokenError: "AccountFrozen" },
        action: async (ctx) => {
          await ctx.send("registrar freezes Kowloon Dealer on the bond", bond.connect(P.hkma.signer).setFrozen, P.kowloonDealer.address, true);
          await settleSignedBySeller(ctx, await trade(ctx, "kowloonDealer", "peakAsset", 10n), "peakAsset", "kowloonDealer");
        },
      },
      {
        id: "account-unfrozen",
        title: "The registrar unfreezes Kowloon Dealer",
        action: async (ctx) => {
          await ctx.send("registrar unfreezes Kowloon Dealer", bond.connect(P.hkma.signer).setFrozen, P.kowloonDealer.address, false);
        },
      },
      {
        id: "bond-paused",
        title: "Paused bond: the registrar pauses the bond; a sale of 10 units is refused",
        expect: { revert: "SettlementLegFailed", reason: "XPAU", tokenError: "EnforcedPause" },
        action: async (ctx) => {
          await ctx.send("registrar pauses the bond", bond.connect(P.hkma.signer).pause);
          await settleSignedBySeller(ctx, await trade(ctx, "kowloonDealer", "peakAsset", 10n), "peakAsset", "kowloonDealer");
        },
      },
      {
        id: "bond-unpaused",
        title: "The registrar unpauses the bond",
        action: async (ctx) => {
          await ctx.send("registrar unpauses the bond", bond.connect(P.hkma.signer).unpause);
        },
      },
      {
        id: "t1-trade-matched",
        title: "Kowloon Dealer and Peak match a T+1 trade of 10 units that expires an hour after its settlement date",
        action: async (ctx) => {
          const now = await ctx.now();
          expiring = bondTrade(ledger, { ref: "ATOM-EXP", seller: "kowloonDealer", buyer: "peakAsset", units: 10n, pricePerUnit: PRICE, settlementDate: now + 86_400n, expiry: now + 86_400n + 3_600n });
          await ctx.send("Kowloon Dealer instructs", engine.connect(P.kowloonDealer.signer).instruct, expiring);
          await ctx.send("Peak instructs: matched, awaiting settlement date", engine.connect(P.peakAsset.signer).instruct, expiring);
        },
      },
      {
        id: "expired-unsettled",
        title: "Expired instruction: nobody settles it in time; past its expiry, a settlement attempt records it Expired (CAND/CANS)",
        expect: { noBalanceChange: "TradeExpiredUnsettled" },
        action: async (ctx) => {
          await ctx.travelTo(expiring.expiry + 1n);
          await ctx.send("settle() after expiry", engine.settle, expiring);
          const record = await ctx.observeTrade(expiring);
          ctx.check(record.status === "Expired", "the trade should be Expired");
        },
      },
      {
        id: "instruct-expired",
        title: "Instructing an expired trade is refused",
        expect: { revert: "TradeExpired" },
        action: async (ctx) => {
          await ctx.send("instruct() after expiry", engine.connect(P.kowloonDealer.signer).instruct, { ...expiring, tradeRef: encodeBytes32String("ATOM-EXP-2") });
        },
      },
    ];
    return steps;
  },
});
