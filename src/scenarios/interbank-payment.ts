import { encodeBytes32String, MaxUint256 } from "ethers";

import { defineScenario } from "../runner/types.js";
import { openingSteps } from "./steps.js";

/** Payments in HKD minor units, and the wCBDC Lion Rock Bank returns to RTGS before its failed payment. */
export const PAYMENTS = {
  peakToTsingYi: 250_000_000n, // HKD 2,500,000.00, Harbour → Victoria
  lantauToKowloon: 1_000_000_000n, // HKD 10,000,000.00, Lion Rock → Harbour
  kowloonToPeak: 75_000_000n, // HKD 750,000.00, within Harbour Bank
  lionRockReturnsToRtgs: 78_500_000_000n, // HKD 785,000,000.00
  lantauShortOfBank: 1_000_000_000n, // HKD 10,000,000.00, refused
} as const;

export default defineScenario({
  name: "interbank-payment",
  description:
    "Tokenized-deposit payments between customers of different banks: the payer's bank burns, pays the payee's bank in wCBDC, the payee's bank mints — atomically",
  steps: (ledger) => {
    const { engine, deposits, wcbdc, participants: P } = ledger;
    const [hb, vb, lr] = [deposits.harbourBank, deposits.victoriaBank, deposits.lionRockBank];
    return [
      ...openingSteps(),
      {
        id: "authorise-engine",
        title: "Customers authorise the settlement engine to debit their deposits for payments they send",
        action: async (ctx) => {
          const engineAddress = await engine.getAddress();
          for (const [who, token] of [
            [P.peakAsset, hb],
            [P.kowloonDealer, hb],
            [P.tsingYiInsurance, vb],
            [P.lantauPension, lr],
          ] as const) {
            await ctx.send(`${who.name} authorises the engine on ${await token.symbol()}`, token.connect(who.signer).approve, engineAddress, MaxUint256);
          }
        },
      },
      {
        id: "payment-harbour-to-victoria",
        title: "Peak Asset Management (Harbour Bank) pays Tsing Yi Insurance (Victoria Bank) HKD 2,500,000.00",
        detail: "Three moves in one transaction: Harbour burns Peak's deposits, Harbour pays Victoria in wCBDC, Victoria mints to Tsing Yi.",
        action: async (ctx) => {
          await ctx.send(
            "pay() across banks",
            engine.connect(P.peakAsset.signer).pay, hb.target, vb.target, P.tsingYiInsurance.address, PAYMENTS.peakToTsingYi, encodeBytes32String("PAY-0001"),
          );
        },
      },
      {
        id: "payment-lionrock-to-harbour",
        title: "Lantau Pension Fund (Lion Rock Bank) pays Kowloon Dealer (Harbour Bank) HKD 10,000,000.00",
        action: async (ctx) => {
          await ctx.send(
            "pay() across banks",
            engine.connect(P.lantauPension.signer).pay, lr.target, hb.target, P.kowloonDealer.address, PAYMENTS.lantauToKowloon, encodeBytes32String("PAY-0002"),
          );
        },
      },
      {
        id: "payment-same-bank",
        title: "Kowloon Dealer pays Peak Asset Management HKD 750,000.00 — both at Harbour Bank, so no central-bank money moves",
        action: async (ctx) => {
          await ctx.send(
            "pay() within one bank",
            engine.connect(P.kowloonDealer.signer).pay, hb.target, hb.target, P.peakAsset.address, PAYMENTS.kowloonToPeak, encodeBytes32String("PAY-0003"),
          );
        },
      },
      {
        id: "payment-wrong-deposit-token",
        title: "Tsing Yi Insurance tries to pay Lantau Pension Fund in Harbour Bank deposits — Lantau banks at Lion Rock, not Harbour",
        detail: "Deposit tokens never cross banks: Harbour Bank may credit only its own customers.",
        expect: { revert: "SettlementLegFailed", reason: "XELG", tokenError: "NotCustomerOfBank" },
        action: async (ctx) => {
          await ctx.send(
            "pay() to a non-customer",
            engine.connect(P.tsingYiInsurance.signer).pay, vb.target, hb.target, P.lantauPension.address, 100_000_00n, encodeBytes32String("PAY-0004"),
          );
        },
      },
      {
        id: "lionrock-to-rtgs",
        title: "Lion Rock Bank moves HKD 785,000,000.00 of its wCBDC back to RTGS reserves (HKMA debits it)",
        action: async (ctx) => {
          await ctx.send("HKMA burns Lion Rock Bank's wCBDC", wcbdc.burn, P.lionRockBank.address, PAYMENTS.lionRockReturnsToRtgs);
          ctx.note("Lion Rock Bank now holds {balance} of wCBDC", { balance: ctx.money(await wcbdc.balanceOf(P.lionRockBank.address)) });
        },
      },
      {
        id: "payment-bank-short-of-wcbdc",
        title: "Lantau Pension Fund pays Tsing Yi Insurance HKD 10,000,000.00, but Lion Rock Bank lacks the wCBDC to settle the interbank leg",
        detail: "Lantau has the deposits; its bank cannot pay Victoria. The burn of Lantau's deposits is undone with everything else.",
        expect: { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" },
        action: async (ctx) => {
          await ctx.send(
            "pay() across banks",
            engine.connect(P.lantauPension.signer).pay, lr.target, vb.target, P.tsingYiInsurance.address, PAYMENTS.lantauShortOfBank, encodeBytes32String("PAY-0005"),
          );
        },
      },
      {
        id: "wcbdc-paused",
        title: "HKMA pauses wHKD: no interbank payment can settle while central-bank money is paused",
        expect: { revert: "SettlementLegFailed", reason: "XPAU", tokenError: "EnforcedPause" },
        action: async (ctx) => {
          await ctx.send("HKMA pauses wHKD", wcbdc.pause);
          await ctx.send(
            "pay() across banks",
            engine.connect(P.peakAsset.signer).pay, hb.target, vb.target, P.tsingYiInsurance.address, 100_000_00n, encodeBytes32String("PAY-0006"),
          );
        },
      },
      {
        id: "wcbdc-unpaused",
        title: "HKMA unpauses wHKD",
        action: async (ctx) => {
          await ctx.send("HKMA unpauses wHKD", wcbdc.unpause);
        },
      },
    ];
  },
});
