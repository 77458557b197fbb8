import { encodeBytes32String } from "ethers";

import { deployCrossBorderLedger, type CrossBorderLedger } from "../chain/deploy-cross-border.js";
import type { ScenarioContext } from "../runner/context.js";
import { defineScenario } from "../runner/types.js";
import { signFxQuote } from "../chain/signing.js";
import { fxRate, type FxQuote } from "../domain/fx-quote.js";

/** Amounts in minor units; rates as quoted (units of the second currency per unit of the first). */
export const FX = {
  hkdThb: "4.5612",
  hkdBrl: "0.7031",
  bankToBank: 1_000_000_000n, // HKD 10,000,000.00 → THB 45,612,000.00
  customerToCustomer: 250_000_000n, // HKD 2,500,000.00 → THB 11,403,000.00
  hkdToBrl: 100_000_000n, // HKD 1,000,000.00 → BRL 703,100.00
  dealerThb: 10_000_000_000n, // the dealer's THB: THB 100,000,000.00
  dealerBrl: 1_000_000_000n, // BRL 10,000,000.00
  chaoPhrayaThb: 50_000_000_000n, // THB 500,000,000.00
  bancoIpanemaBrl: 5_000_000_000n, // BRL 50,000,000.00
  siamRiceThb: 1_000_000_000n, // THB 10,000,000.00
  rioCoffeeBrl: 100_000_000n, // BRL 1,000,000.00
} as const;

/** A fresh quote from Victoria Bank to `taker`, valid ten minutes, covering up to HKD 50,000,000.00. */
async function quote(
  ctx: ScenarioContext,
  ledger: CrossBorderLedger,
  to: "THB" | "BRL",
  taker: "harbourBank" | "peakAsset",
): Promise<{ quote: FxQuote; signature: string }> {
  const dealer = ledger.participants.victoriaBank;
  const q: FxQuote = {
    dealer: dealer.address,
    taker: ledger.participants[taker].address,
    fromToken: ledger.wcbdc.target as string,
    toToken: (to === "THB" ? ledger.wTHB : ledger.wBRL).target as string,
    rate: fxRate(to === "THB" ? FX.hkdThb : FX.hkdBrl),
    maxFromAmount: 5_000_000_000n,
    expiry: (await ctx.now()) + 600n,
    nonce: await ledger.engine.fxQuoteNonce(dealer.address, 7n),
  };
  ctx.note("Victoria Bank quotes HKD/{to} {rate} to {taker}, up to {max}, until {expiry} (EIP-712 signed, single use, nonce {nonce})", {
    to,
    rate: to === "THB" ? FX.hkdThb : FX.hkdBrl,
    taker: ledger.participants[taker].name,
    max: ctx.money(q.maxFromAmount),
    expiry: ctx.time(q.expiry),
    nonce: q.nonce,
  });
  return { quote: q, signature: await signFxQuote(dealer.signer, ledger.engine, q) };
}

export default defineScenario<CrossBorderLedger>({
  name: "cross-border-pvp",
  ledgerAccounts: "cross-border",
  description:
    "mBridge-style shared ledger: HKD, THB and BRL central-bank money side by side; payment-versus-payment at an FX dealer's signed quote, bank to bank and customer to customer, with stale, reused and short quotes refused",
  deploy: (connection) => deployCrossBorderLedger(connection),
  steps: (ledger) => {
    const { engine, participants: P, foreign: F } = ledger;
    let used: { quote: FxQuote; signature: string };
    const ref = (text: string): string => encodeBytes32String(text);
    return [
      {
        id: "central-banks-issue-wcbdc",
        title: "Each central bank issues its own wholesale CBDC: HKMA wHKD to Harbour Bank, Bank of Thailand wTHB and Banco Central do Brasil wBRL to their banks and to Victoria Bank, the FX dealer",
        action: async (ctx) => {
          await ctx.send("HKMA mints wHKD to Harbour Bank", ledger.wcbdc.mint, P.harbourBank.address, 150_000_000_000n);
          await ctx.send("Bank of Thailand mints wTHB to Chao Phraya Bank", ledger.wTHB.mint, F.chaoPhrayaBank.address, FX.chaoPhrayaThb);
          await ctx.send("Bank of Thailand mints wTHB to Victoria Bank", ledger.wTHB.mint, P.victoriaBank.address, FX.dealerThb);
          await ctx.send("Banco Central do Brasil mints wBRL to Banco Ipanema", ledger.wBRL.mint, F.bancoIpanema.address, FX.bancoIpanemaBrl);
          await ctx.send("Banco Central do Brasil mints wBRL to Victoria Bank", ledger.wBRL.mint, P.victoriaBank.address, FX.dealerBrl);
        },
      },
      {
        id: "banks-credit-deposits",
        title: "Banks credit their customers' deposits: Peak Asset Management (HKD), Siam Rice Exporters (THB), Rio Coffee Traders (BRL)",
        action: async (ctx) => {
          await ctx.send("Harbour Bank credits Peak", ledger.deposits.harbourBank.mint, P.peakAsset.address, 12_000_000_000n);
          await ctx.send("Chao Phraya Bank credits Siam Rice", ledger.cpTHB.mint, F.siamRice.address, FX.siamRiceThb);
          await ctx.send("Banco Ipanema credits Rio Coffee", ledger.ipBRL.mint, F.rioCoffee.address, FX.rioCoffeeBrl);
        },
      },
      {
        id: "pvp-hkd-thb-interbank",
        title: "Harbour Bank pays Chao Phraya Bank HKD 10,000,000.00 → THB 45,612,000.00: HKD wCBDC against THB wCBDC at Victoria Bank's quote, in one transaction",
        action: async (ctx) => {
          used = await quote(ctx, ledger, "THB", "harbourBank");
          await ctx.send(
            "settleFx() bank to bank",
            engine.connect(P.harbourBank.signer).settleFx, used.quote, used.signature, FX.bankToBank, ledger.wcbdc.target, ledger.wTHB.target, F.chaoPhrayaBank.address, ref("FX-0001"),
          );
        },
      },
      {
        id: "quote-reused",
        title: "The same quote is used again: refused, a quote settles once",
        expect: { revert: "FxQuoteNonceUsed" },
        action: async (ctx) => {
          await ctx.send(
            "settleFx() with a used quote",
            engine.connect(P.harbourBank.signer).settleFx, used.quote, used.signature, FX.bankToBank, ledger.wcbdc.target, ledger.wTHB.target, F.chaoPhrayaBank.address, ref("FX-0002"),
          );
        },
      },
      {
        id: "quote-wrong-taker",
        title: "Another client takes a quote made to Harbour Bank: refused, a quote names its taker",
        expect: { revert: "FxQuoteNotForCaller" },
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "THB", "harbourBank");
          await ctx.send(
            "settleFx() by Peak with Harbour Bank's quote",
            engine.connect(P.peakAsset.signer).settleFx, q.quote, q.signature, 1n, ledger.deposits.harbourBank.target, ledger.cpTHB.target, F.siamRice.address, ref("FX-0002A"),
          );
        },
      },
      {
        id: "pvp-customer-hk-to-th",
        title: "Peak Asset Management (Hong Kong) pays Siam Rice Exporters (Thailand) HKD 2,500,000.00 → THB 11,403,000.00: deposits to deposits across two currencies, one transaction",
        detail: "Harbour Bank burns Peak's HKD deposits and pays the dealer in wHKD; the dealer pays Chao Phraya Bank in wTHB; Chao Phraya credits Siam Rice in THB deposits.",
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "THB", "peakAsset");
          await ctx.send("Peak authorises this payment on hbHKD", ledger.deposits.harbourBank.connect(P.peakAsset.signer).approve, engine.target, FX.customerToCustomer);
          await ctx.send(
            "settleFx() customer to customer",
            engine.connect(P.peakAsset.signer).settleFx, q.quote, q.signature, FX.customerToCustomer, ledger.deposits.harbourBank.target, ledger.cpTHB.target, F.siamRice.address, ref("FX-0003"),
          );
        },
      },
      {
        id: "pvp-customer-hk-to-br",
        title: "Peak Asset Management pays Rio Coffee Traders (Brazil) HKD 1,000,000.00 → BRL 703,100.00",
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "BRL", "peakAsset");
          await ctx.send("Peak authorises this payment on hbHKD", ledger.deposits.harbourBank.connect(P.peakAsset.signer).approve, engine.target, FX.hkdToBrl);
          await ctx.send(
            "settleFx() HKD deposits → BRL deposits",
            engine.connect(P.peakAsset.signer).settleFx, q.quote, q.signature, FX.hkdToBrl, ledger.deposits.harbourBank.target, ledger.ipBRL.target, F.rioCoffee.address, ref("FX-0004"),
          );
        },
      },
      {
        id: "quote-stale",
        title: "A stale quote: eleven minutes after it was given, it is refused",
        expect: { revert: "FxQuoteExpired" },
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "THB", "harbourBank");
          await ctx.travelTo(q.quote.expiry + 60n);
          await ctx.send(
            "settleFx() after expiry",
            engine.connect(P.harbourBank.signer).settleFx, q.quote, q.signature, FX.bankToBank, ledger.wcbdc.target, ledger.wTHB.target, F.chaoPhrayaBank.address, ref("FX-0005"),
          );
        },
      },
      {
        id: "dealer-short-of-thb",
        title: "The dealer is short of THB: HKD 50,000,000.00 would need THB 228,060,000.00; refused, and Harbour Bank's HKD does not move",
        expect: { revert: "SettlementLegFailed", reason: "MONY", tokenError: "ERC20InsufficientBalance" },
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "THB", "harbourBank");
          await ctx.send(
            "settleFx() beyond the dealer's THB",
            engine.connect(P.harbourBank.signer).settleFx, q.quote, q.signature, 5_000_000_000n, ledger.wcbdc.target, ledger.wTHB.target, F.chaoPhrayaBank.address, ref("FX-0006"),
          );
        },
      },
      {
        id: "beneficiary-not-customer",
        title: "The beneficiary is not a customer of the receiving bank: Chao Phraya Bank may credit only its own customers; refused",
        expect: { revert: "SettlementLegFailed", reason: "XELG", tokenError: "NotCustomerOfBank" },
        action: async (ctx) => {
          const q = await quote(ctx, ledger, "THB", "peakAsset");
          await ctx.send("Peak authorises this payment on hbHKD", ledger.deposits.harbourBank.connect(P.peakAsset.signer).approve, engine.target, FX.customerToCustomer);
          await ctx.send(
            "settleFx() to a non-customer",
            engine.connect(P.peakAsset.signer).settleFx, q.quote, q.signature, FX.customerToCustomer, ledger.deposits.harbourBank.target, ledger.cpTHB.target, F.rioCoffee.address, ref("FX-0007"),
          );
        },
      },
      {
        id: "wthb-paused",
        title: "The Bank of Thailand pauses wTHB: no PvP into THB can settle; refused",
        expect: { revert: "SettlementLegFailed", reason: "XPAU", tokenError: "EnforcedPause" },
        action: async (ctx) => {
          await ctx.send("Bank of Thailand pauses wTHB", ledger.wTHB.pause);
          const q = await quote(ctx, ledger, "THB", "harbourBank");
          await ctx.send(
            "settleFx() while wTHB is paused",
            engine.connect(P.harbourBank.signer).settleFx, q.quote, q.signature, FX.bankToBank, ledger.wcbdc.target, ledger.wTHB.target, F.chaoPhrayaBank.address, ref("FX-0008"),
          );
        },
      },
      {
        id: "wthb-unpaused",
        title: "The Bank of Thailand unpauses wTHB",
        action: async (ctx) => {
          await ctx.send("Bank of Thailand unpauses wTHB", ledger.wTHB.unpause);
        },
      },
    ];
  },
});
