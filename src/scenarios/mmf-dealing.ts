import { deployTwoModeFundLedger, type FundDeployment, type TwoModeFundLedger } from "../chain/deploy-funds.js";
import { signNav } from "../chain/fund-signing.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { formatUnits } from "../domain/money.js";
import {
  FUND_DEFAULTS,
  FUND_TERMS,
  UNIT_DECIMALS,
  formatHktDay,
  hktAt,
  hktDay,
  nextWeekday,
  redemptionCash,
  subscriptionFigures,
} from "../domain/money-market-fund.js";
import type { BankKey, ParticipantKey } from "../domain/hong-kong.js";
import { rtgsDecisions } from "../rtgs/operator.js";
import type { ScenarioContext } from "../runner/context.js";
import { defineScenario } from "../runner/types.js";
import { hkdText, openingSteps } from "./steps.js";

const HOUR = 3_600;
const ONE_UNIT = 10n ** BigInt(UNIT_DECIMALS);
const FEE = BigInt(FUND_TERMS.subscriptionFeeBps);

/** The figures of the dealing week, in HKD minor units and smallest fund units (4 decimals). */
export const MMF = {
  /** NAV per unit: Thursday HKD 10.0000, Friday HKD 10.0012, Monday HKD 10.0018. */
  navThursday: 100_000n,
  navFriday: 100_012n,
  navMonday: 100_018n,
  /** Thursday: Lion Rock Bank puts HKD 200,000,000.00 of its liquidity buffer into the fund. */
  lionRockNostro: 20_000_000_000n,
  lionRockSubscription: 20_000_000_000n,
  /** Thursday: Lantau Pension Fund (Lion Rock Bank) subscribes HKD 50,000,000.00. */
  lantauThursday: 5_000_000_000n,
  /** Friday before the cut-off. */
  peakFriday: 2_000_000_000n, // Peak Asset Management (Harbour Bank)
  tsingYiFriday: 500_000_000n, // Tsing Yi Insurance (Victoria Bank, the fund's bank)
  lantauRedemption: 1_000_000n * ONE_UNIT, // 1,000,000 units
  lionRockRedemption: 15_000_000n * ONE_UNIT, // 15,000,000 units, to meet a payment
  lionRockPayment: 15_000_000_000n, // HKD 150,000,000.00 to Harbour Bank
  kowloonBoth: 3_000_000_000n, // Kowloon Dealer (Harbour Bank), in both deployments
  lantauRtgs: 1_000_000_000n, // Lantau in the RTGS deployment: its CHATS payment never comes
  /** Friday 12:05, after the cut-off: deals on Monday. */
  peakLate: 500_000_000n,
} as const;

/** Order ids, in the order each deployment takes them. */
export const ORDERS = {
  cbm: { lionRock: 1n, lantauThursday: 2n, peak: 3n, tsingYi: 4n, lantauRedemption: 5n, lionRockRedemption: 6n, kowloon: 7n, peakLate: 8n },
  rtgs: { kowloon: 1n, lantau: 2n },
} as const;

const unitsText = (n: bigint): string => `${formatUnits(n, UNIT_DECIMALS)} units`;

/** The Thursday 10:00 HKT after `t`. */
export function dealingThursday(t: number): number {
  let day = hktDay(t) + 1;
  while ((day + 4) % 7 !== 4) day += 1;
  return day;
}

async function publish(ctx: ScenarioContext, fund: FundDeployment, label: string, day: number, navPerUnit: bigint, signer: HardhatEthersSigner, struckAt: number): Promise<void> {
  const nav = { fund: fund.units.target as string, dealingDay: day, navPerUnit, struckAt, validUntil: struckAt + 12 * HOUR };
  await ctx.send(label, fund.dealing.publishNav, nav, await signNav(signer, fund.dealing, nav));
}

export default defineScenario<TwoModeFundLedger>({
  name: "mmf-dealing",
  description:
    "EnsembleTX's first use case: a tokenized money-market fund dealt against tokenized deposits, T+0 at the administrator's NAV, with the interbank leg in wCBDC 24/7 or through RTGS (earmarked on chain until the RTGS operator confirms), side by side",
  ledgerAccounts: "money-market-fund",
  deploy: (connection) => deployTwoModeFundLedger(connection),
  steps: (ledger) => {
    const { cbm, rtgs, deposits, wcbdc, engine, participants: P } = ledger;
    const F = cbm.parties;
    const thursday = dealingThursday(ledger.deployedAt);
    const friday = thursday + 1;
    const monday = nextWeekday(friday);
    const at = (day: number, hours: number): number => hktAt(day, Math.round(hours * HOUR));
    const dep = (bank: BankKey): string => deposits[bank].target as string;
    const order = async (ctx: ScenarioContext, fund: FundDeployment, who: ParticipantKey, bank: BankKey, cash: bigint, what: string): Promise<void> => {
      const signer = P[who].signer;
      // Exactly this order's amount: the order takes it into the dealing contract's custody at once.
      await ctx.send(`${P[who].name} authorises exactly ${hkdText(cash)} for its order`, deposits[bank].connect(signer).approve, fund.dealing.target, cash);
      await ctx.send(what, fund.dealing.connect(signer).subscribe, dep(bank), cash);
    };
    const agent = (fund: FundDeployment) => fund.dealing.connect(F.transferAgent.signer);
    const trusteePays = async (ctx: ScenarioContext, fund: FundDeployment, id: bigint, units: bigint, nav: bigint, who: string): Promise<void> => {
      const cash = redemptionCash(units, nav);
      await ctx.send(`${F.trustee.name} authorises exactly ${hkdText(cash)} for ${who}'s redemption`, deposits.victoriaBank.connect(F.trustee.signer).approve, fund.dealing.target, cash);
      await ctx.send(`${F.trustee.name} settles ${who}'s redemption (its consent to pay)`, fund.dealing.connect(F.trustee.signer).settle, id);
    };
    const lionRockCash = redemptionCash(MMF.lionRockRedemption, MMF.navFriday);
    const peak = subscriptionFigures(MMF.peakFriday, FEE, MMF.navFriday);

    return [
      ...openingSteps(),
      {
        id: "thursday-dealing",
        title: `${formatHktDay(thursday)}: Lion Rock Bank puts HKD 200,000,000.00 of its liquidity buffer into ${FUND_TERMS.name} and Lantau Pension Fund subscribes HKD 50,000,000.00; they deal at 12:00 HKT at NAV HKD 10.0000`,
        detail:
          "Lion Rock Bank holds an account at Victoria Bank, the fund's bank (the trustee's cash account is there), so its order moves within one bank; Lantau's deposit is at Lion Rock Bank, so Lion Rock pays Victoria in wCBDC in the same transaction. Fee 0.10% to the fund manager; units rounded down to 4 decimals.",
        action: async (ctx) => {
          await ctx.travelTo(at(thursday, 10));
          await ctx.send("Victoria Bank opens an account for Lion Rock Bank", deposits.victoriaBank.setCustomer, P.lionRockBank.address, true);
          await ctx.send("Lion Rock Bank pays HKD 200,000,000.00 of wCBDC into its Victoria account", engine.connect(P.lionRockBank.signer).payToCustomer, dep("victoriaBank"), P.lionRockBank.address, MMF.lionRockNostro, "0x" + Buffer.from("LRB-NOSTRO-001").toString("hex").padEnd(64, "0"));
          await order(ctx, cbm, "lionRockBank", "victoriaBank", MMF.lionRockSubscription, "Lion Rock Bank subscribes HKD 200,000,000.00");
          await order(ctx, cbm, "lantauPension", "lionRockBank", MMF.lantauThursday, "Lantau Pension Fund subscribes HKD 50,000,000.00");
          await ctx.travelTo(at(thursday, 12.25));
          await publish(ctx, cbm, `${F.fundAdministrator.name} publishes Thursday's NAV`, thursday, MMF.navThursday, F.fundAdministrator.signer, at(thursday, 12));
          await ctx.send("The transfer agent settles Lion Rock Bank's subscription", agent(cbm).settle, ORDERS.cbm.lionRock);
          await ctx.send("The transfer agent settles Lantau's subscription", agent(cbm).settle, ORDERS.cbm.lantauThursday);
        },
      },
      {
        id: "friday-orders",
        title: `${formatHktDay(friday)} morning, before the 12:00 HKT cut-off: Peak Asset Management (Harbour Bank) subscribes HKD 20,000,000.00, Tsing Yi Insurance (Victoria Bank) HKD 5,000,000.00, Lantau redeems 1,000,000 units`,
        detail: "Subscriptions are by cash amount, redemptions by units; each investor's own call is its order, and its cash (a subscription) or its units (a redemption) go into the dealing contract's custody at once: orders are firm.",
        action: async (ctx) => {
          await ctx.travelTo(at(friday, 9.5));
          await order(ctx, cbm, "peakAsset", "harbourBank", MMF.peakFriday, "Peak Asset Management subscribes HKD 20,000,000.00");
          await order(ctx, cbm, "tsingYiInsurance", "victoriaBank", MMF.tsingYiFriday, "Tsing Yi Insurance subscribes HKD 5,000,000.00");
          await ctx.send("Lantau Pension Fund redeems 1,000,000 units", cbm.dealing.connect(P.lantauPension.signer).redeem, dep("lionRockBank"), MMF.lantauRedemption);
        },
      },
      {
        id: "bank-redeems-for-liquidity",
        title: "Lion Rock Bank must pay Harbour Bank HKD 150,000,000.00 today: it redeems 15,000,000 units of its buffer, to be paid the same day (T+0) — the liquidity-management point of EnsembleTX",
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank redeems 15,000,000 units into its Victoria account", cbm.dealing.connect(P.lionRockBank.signer).redeem, dep("victoriaBank"), MMF.lionRockRedemption);
        },
      },
      {
        id: "orders-in-both-modes",
        title: "Kowloon Dealer (Harbour Bank) subscribes HKD 30,000,000.00 in each deployment — interbank leg in wCBDC (HSMMF-A) and through RTGS (HSMMF-A-R) — and Lantau HKD 10,000,000.00 through RTGS",
        action: async (ctx) => {
          await order(ctx, cbm, "kowloonDealer", "harbourBank", MMF.kowloonBoth, "Kowloon Dealer subscribes (wCBDC deployment)");
          await order(ctx, rtgs, "kowloonDealer", "harbourBank", MMF.kowloonBoth, "Kowloon Dealer subscribes (RTGS deployment)");
          await order(ctx, rtgs, "lantauPension", "lionRockBank", MMF.lantauRtgs, "Lantau Pension Fund subscribes (RTGS deployment)");
        },
      },
      {
        id: "late-order",
        title: "12:05 HKT, after the cut-off: Peak's second subscription of HKD 5,000,000.00 is taken for the next dealing day, Monday",
        action: async (ctx) => {
          await ctx.travelTo(at(friday, 12 + 5 / 60));
          await order(ctx, cbm, "peakAsset", "harbourBank", MMF.peakLate, "Peak Asset Management subscribes HKD 5,000,000.00 after the cut-off");
          const o = await cbm.dealing.orderOf(ORDERS.cbm.peakLate);
          ctx.check(Number(o.dealingDay) === monday, `the late order should deal on ${formatHktDay(monday)}`);
          ctx.note("order #{id} deals on {day}", { id: ORDERS.cbm.peakLate, day: formatHktDay(monday) });
        },
      },
      {
        id: "nav-wrong-signer",
        title: "A NAV signed by the fund manager instead of the fund administrator is refused: only the administrator strikes the price",
        expect: { revert: "FundNavWrongSigner" },
        action: async (ctx) => {
          await ctx.travelTo(at(friday, 12.5));
          await publish(ctx, cbm, "Someone publishes a NAV the fund manager signed", friday, MMF.navFriday, F.fundManager.signer, at(friday, 12));
        },
      },
      {
        id: "nav-published",
        title: `${F.fundAdministrator.name} publishes Friday's NAV, HKD 10.0012 a unit, struck at the 12:00 HKT valuation point and signed (EIP-712), for both deployments`,
        action: async (ctx) => {
          await publish(ctx, cbm, "The administrator's NAV (wCBDC deployment)", friday, MMF.navFriday, F.fundAdministrator.signer, at(friday, 12));
          await publish(ctx, rtgs, "The administrator's NAV (RTGS deployment)", friday, MMF.navFriday, F.fundAdministrator.signer, at(friday, 12));
        },
      },
      {
        id: "subscriptions-settle",
        title: `T+0: Peak's subscription settles DvP — its deposit burned at Harbour Bank, Harbour pays Victoria HKD 20,000,000.00 in wCBDC, Victoria credits the trustee and the manager's fee, ${unitsText(peak.units)} issued — and Tsing Yi's within Victoria Bank`,
        action: async (ctx) => {
          await ctx.travelTo(at(friday, 14));
          await ctx.send("The transfer agent settles Peak's subscription", agent(cbm).settle, ORDERS.cbm.peak);
          await ctx.send("The transfer agent settles Tsing Yi's subscription", agent(cbm).settle, ORDERS.cbm.tsingYi);
        },
      },
      {
        id: "redemptions-settle",
        title: `T+0: the trustee pays the redemptions — Lantau HKD ${hkdText(redemptionCash(MMF.lantauRedemption, MMF.navFriday)).replace("HKD ", "")} through Victoria → Lion Rock in wCBDC, Lion Rock Bank ${hkdText(lionRockCash)} within Victoria Bank — and the units are cancelled`,
        action: async (ctx) => {
          await trusteePays(ctx, cbm, ORDERS.cbm.lantauRedemption, MMF.lantauRedemption, MMF.navFriday, "Lantau");
          await trusteePays(ctx, cbm, ORDERS.cbm.lionRockRedemption, MMF.lionRockRedemption, MMF.navFriday, "Lion Rock Bank");
        },
      },
      {
        id: "bank-meets-payment",
        title: "Lion Rock Bank turns HKD 150,000,000.00 of its Victoria account into wCBDC and pays Harbour Bank, the same afternoon",
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank authorises the engine for exactly HKD 150,000,000.00", deposits.victoriaBank.connect(P.lionRockBank.signer).approve, engine.target, MMF.lionRockPayment);
          await ctx.send("Victoria Bank pays Lion Rock Bank's balance out in wCBDC", engine.connect(P.lionRockBank.signer).pay, dep("victoriaBank"), wcbdc.target, P.lionRockBank.address, MMF.lionRockPayment, "0x" + Buffer.from("LRB-NOSTRO-002").toString("hex").padEnd(64, "0"));
          await ctx.send("Lion Rock Bank pays Harbour Bank HKD 150,000,000.00 in wCBDC", wcbdc.connect(P.lionRockBank.signer).transfer, P.harbourBank.address, MMF.lionRockPayment);
        },
      },
      {
        id: "late-order-waits",
        title: "The transfer agent cannot deal Peak's late order today: it deals at Monday's NAV, not yet struck",
        expect: { revert: "FundNavNotPublished" },
        action: async (ctx) => {
          await ctx.send("The transfer agent tries to settle the late order", agent(cbm).settle, ORDERS.cbm.peakLate);
        },
      },
      {
        id: "friday-1900-wcbdc",
        title: "Friday 19:00 HKT, RTGS closed: in the wCBDC deployment Kowloon Dealer's subscription settles at once — deposit, wCBDC, units, all in one transaction",
        action: async (ctx) => {
          await ctx.travelTo(at(friday, 19));
          await ctx.send("The transfer agent settles Kowloon's subscription (wCBDC)", agent(cbm).settle, ORDERS.cbm.kowloon);
        },
      },
      {
        id: "friday-1900-rtgs",
        title: "The same subscription in the RTGS deployment: Kowloon's HKD 30,000,000.00 deposit at Harbour Bank is earmarked on chain (and Lantau's HKD 10,000,000.00 at Lion Rock), waiting for Monday's RTGS window",
        detail:
          "Earmarked: the payer's own deposit at its bank, in the dealing contract's custody since the order and spendable by no one, now bound to this dealing until RTGS confirms it or its deadline passes. No wCBDC moves — the interbank payment is made in CHATS — and no units are issued until the RTGS operator confirms.",
        action: async (ctx) => {
          await ctx.send("The transfer agent deals Kowloon's subscription (RTGS)", agent(rtgs).settle, ORDERS.rtgs.kowloon);
          await ctx.send("The transfer agent deals Lantau's subscription (RTGS)", agent(rtgs).settle, ORDERS.rtgs.lantau);
          const decisions = await rtgsDecisions({ dealing: rtgs.dealing, operator: F.rtgsOperator.signer });
          ctx.check(decisions.length === 2 && decisions.every((d) => d.kind === "wait"), "RTGS is closed: the operator should wait on both earmarks");
          const { deadline } = await rtgs.dealing.earmarkOf(ORDERS.rtgs.kowloon);
          ctx.note("RTGS is closed until {opens}; each confirmation is due by {deadline}", { opens: ctx.time(at(monday, 9)), deadline: ctx.time(deadline) });
        },
      },
      {
        id: "monday-rtgs-confirms",
        title: "Monday 09:15 HKT, RTGS open: Harbour Bank's CHATS payment to Victoria settles and the RTGS operator confirms it on chain — the earmark is burned, Victoria credits the fund, Kowloon's units are issued",
        detail: "Lion Rock Bank's CHATS payment for Lantau's order does not arrive: the operator has nothing to confirm for it.",
        action: async (ctx) => {
          await ctx.travelTo(at(monday, 9.25));
          const decisions = await rtgsDecisions({ dealing: rtgs.dealing, operator: F.rtgsOperator.signer, withhold: (id) => id === ORDERS.rtgs.lantau });
          for (const d of decisions) {
            if (d.kind === "confirm") await ctx.send(`The RTGS operator confirms payment for order #${d.orderId}`, rtgs.dealing.connect(F.rtgsOperator.signer).confirmRtgs, d.orderId, d.confirmation, d.signature);
          }
          ctx.check(decisions.filter((d) => d.kind === "confirm").length === 1, "the operator should confirm Kowloon's payment only");
        },
      },
      {
        id: "rtgs-timeout",
        title: `11:00 HKT, two hours into the RTGS session, no confirmation for Lantau's order: the earmark is released and the dealing fails (XRTO) — nothing moved`,
        action: async (ctx) => {
          const { deadline } = await rtgs.dealing.earmarkOf(ORDERS.rtgs.lantau);
          await ctx.travelTo(Number(deadline) + 1);
          const decisions = await rtgsDecisions({ dealing: rtgs.dealing, operator: F.rtgsOperator.signer, withhold: (id) => id === ORDERS.rtgs.lantau });
          for (const d of decisions) {
            if (d.kind === "release") await ctx.send(`The RTGS operator releases the earmark of order #${d.orderId}`, rtgs.dealing.connect(F.rtgsOperator.signer).releaseEarmark, d.orderId);
          }
          ctx.check((await rtgs.units.balanceOf(P.lantauPension.address)) === 0n, "Lantau should hold no units of the RTGS deployment");
        },
      },
      {
        id: "monday-late-order-deals",
        title: "Monday 12:30 HKT: the administrator publishes Monday's NAV, HKD 10.0018, and Peak's late order deals at it",
        action: async (ctx) => {
          await ctx.travelTo(at(monday, 12.5));
          await publish(ctx, cbm, "The administrator's NAV for Monday", monday, MMF.navMonday, F.fundAdministrator.signer, at(monday, 12));
          await ctx.send("The transfer agent settles Peak's late order", agent(cbm).settle, ORDERS.cbm.peakLate);
          ctx.note("cut-off {cutOff} HKT; RTGS {opens}–{closes} HKT, Monday to Friday", {
            cutOff: "12:00",
            opens: `${FUND_DEFAULTS.rtgsOpensSeconds / HOUR}:00`,
            closes: "17:30",
          });
        },
      },
    ];
  },
});
