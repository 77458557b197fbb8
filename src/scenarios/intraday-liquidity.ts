import { encodeBytes32String } from "ethers";

import { deployLiquidityLedger, type LiquidityLedger } from "../chain/deploy-liquidity.js";
import { discountWindowInterest } from "../domain/liquidity.js";
import { defineScenario } from "../runner/types.js";
import { hkdText, issueStep } from "./steps.js";

/**
 * The day's figures, in HKD minor units. Bonds are listed at their face, HKD 50,000.00 a unit, with a
 * 2% haircut: a unit lends HKD 49,000.00.
 */
export const LIQUIDITY = {
  /** HKMA's opening wCBDC: just enough for each bank's tender bid and a thin cushion. */
  openingHarbour: 6_000_000_000n, // HKD 60,000,000.00
  openingVictoria: 1_000_000_000n, // HKD 10,000,000.00
  openingLionRock: 3_000_000_000n, // HKD 30,000,000.00
  harbourUnits: 1_000n, // bought at the tender for HKD 49,925,000.00
  lionRockUnits: 400n, // bought at the tender for HKD 19,970,000.00
  /** Harbour Bank's large payment to Victoria Bank: more than it holds. */
  largePayment: 5_000_000_000n, // HKD 50,000,000.00
  /** Harbour repos all 1,000 units for their full lending value, 1,000 × 49,000.00. */
  harbourRepo: 4_900_000_000n, // HKD 49,000,000.00
  /** Lion Rock asks one cent over the lending value of its 400 units (400 × 49,000.00 = 19,600,000.00). */
  lionRockOverValue: 1_960_000_001n,
  lionRockRepo: 1_960_000_000n, // HKD 19,600,000.00
  /** Victoria Bank's afternoon payment to Harbour Bank (Harbour's inflow, which lets it reverse). */
  victoriaToHarbour: 4_500_000_000n, // HKD 45,000,000.00
  /** Lion Rock Bank's payment to Victoria Bank with its borrowed cash. */
  lionRockToVictoria: 2_500_000_000n, // HKD 25,000,000.00
  /** Victoria Bank's next-morning payment to Lion Rock Bank. */
  victoriaToLionRock: 2_000_000_000n, // HKD 20,000,000.00
  /** One night at 5.00%: 1,960,000,000 × 500 / 3,650,000 = 268,493.15… → rounded up to 268,494 (HKD 2,684.94). */
  overnightInterest: 268_494n,
} as const;

const HARBOUR_REPO = 1n;
const LION_ROCK_REPO = 2n;
const ref = (text: string): string => encodeBytes32String(text);

export default defineScenario<LiquidityLedger>({
  name: "intraday-liquidity",
  description:
    "CHATS has no overdraft: a large payment waits in the queue until Harbour Bank repos bonds to the HKMA for intraday liquidity and reverses by the 17:30 HKT cut-off; Lion Rock Bank cannot, rolls into the Discount Window and repays next morning with ACT/365 interest",
  deploy: (connection) => deployLiquidityLedger(connection),
  steps: (ledger) => {
    const { facility, queue, wcbdc, bond, participants: P } = ledger;
    const harbour = P.harbourBank;
    const victoria = P.victoriaBank;
    const lionRock = P.lionRockBank;
    const L = LIQUIDITY;
    return [
      {
        id: "opening-wcbdc",
        title: "HKMA credits the banks with wHKD: Harbour Bank HKD 60,000,000.00, Victoria Bank HKD 10,000,000.00, Lion Rock Bank HKD 30,000,000.00",
        detail: "HKMA has also set aside HKD 5,000,000,000.00 in its own account and approved the intraday liquidity facility (and only it) for it: the facility lends from there and is repaid there.",
        action: async (ctx) => {
          await ctx.send("HKMA mints wHKD to Harbour Bank", wcbdc.mint, harbour.address, L.openingHarbour);
          await ctx.send("HKMA mints wHKD to Victoria Bank", wcbdc.mint, victoria.address, L.openingVictoria);
          await ctx.send("HKMA mints wHKD to Lion Rock Bank", wcbdc.mint, lionRock.address, L.openingLionRock);
          ctx.note("The HKMA lends against the green bond at its face less a {haircut} haircut; overnight Discount Window rate {rate} (Base Rate {base} + {spread}); cut-off 17:30 HKT", {
            haircut: "2%",
            rate: "5.00%",
            base: "4.00%",
            spread: "1.00%",
          });
        },
      },
      issueStep({ harbourBank: L.harbourUnits, lionRockBank: L.lionRockUnits }),
      {
        id: "large-payment-queued",
        title: "Harbour Bank pays Victoria Bank HKD 50,000,000.00, but holds only about HKD 10 million: no overdraft in CHATS, so the payment waits in Harbour's queue",
        detail: "Harbour's own instruction is its consent to this one debit; the queue settles it, first in first out, once Harbour has the liquidity.",
        expect: { noBalanceChange: "PaymentInstructionQueued" },
        action: async (ctx) => {
          await ctx.send("Harbour Bank authorises the queue for its payment", wcbdc.connect(harbour.signer).approve, queue.target, L.largePayment);
          await ctx.send("Harbour Bank submits the payment", queue.connect(harbour.signer).submit, victoria.address, L.largePayment, ref("CHATS-0001"));
          ctx.note("Harbour Bank holds {balance}; the payment needs {amount}", {
            balance: ctx.money(await wcbdc.balanceOf(harbour.address)),
            amount: ctx.money(L.largePayment),
          });
        },
      },
      {
        id: "harbour-intraday-repo",
        title: "Harbour Bank repos its 1,000 bond units to the HKMA for HKD 49,000,000.00 intraday: the bonds go into the HKMA's custody and the cash comes to Harbour, in one transaction",
        action: async (ctx) => {
          await ctx.send("Harbour Bank authorises the facility for its 1,000 units", bond.connect(harbour.signer).approve, facility.target, L.harbourUnits);
          await ctx.send("Harbour Bank repos the bonds", facility.connect(harbour.signer).repo, bond.target, L.harbourUnits, L.harbourRepo);
          ctx.check((await facility.custodyOf(bond.target)) === L.harbourUnits, "the HKMA should hold Harbour's 1,000 units in custody");
        },
      },
      {
        id: "queued-payment-settles",
        title: "Victoria Bank releases Harbour's queue: now funded, the HKD 50,000,000.00 payment settles",
        action: async (ctx) => {
          await ctx.send("release() of Harbour Bank's queue", queue.connect(victoria.signer).release, harbour.address);
          ctx.check((await queue.queueOf(harbour.address)).length === 0, "Harbour's queue should be empty");
        },
      },
      {
        id: "lion-rock-over-haircut",
        title: "Lion Rock Bank asks HKD 19,600,000.01 for its 400 units: one cent over their value less the haircut, refused",
        expect: { revert: "RepoAmountOverLendingValue" },
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank authorises the facility for its 400 units", bond.connect(lionRock.signer).approve, facility.target, L.lionRockUnits);
          await ctx.send("Lion Rock Bank repos over the lending value", facility.connect(lionRock.signer).repo, bond.target, L.lionRockUnits, L.lionRockOverValue);
        },
      },
      {
        id: "lion-rock-intraday-repo",
        title: "Lion Rock Bank repos its 400 units for HKD 19,600,000.00 and pays Victoria Bank HKD 25,000,000.00",
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank repos the bonds", facility.connect(lionRock.signer).repo, bond.target, L.lionRockUnits, L.lionRockRepo);
          await ctx.send("Lion Rock Bank authorises the queue for its payment", wcbdc.connect(lionRock.signer).approve, queue.target, L.lionRockToVictoria);
          await ctx.send("Lion Rock Bank pays Victoria Bank (settles at once)", queue.connect(lionRock.signer).submit, victoria.address, L.lionRockToVictoria, ref("CHATS-0002"));
        },
      },
      {
        id: "victoria-pays-harbour",
        title: "Victoria Bank pays Harbour Bank HKD 45,000,000.00 in the afternoon",
        action: async (ctx) => {
          await ctx.send("Victoria Bank authorises the queue for its payment", wcbdc.connect(victoria.signer).approve, queue.target, L.victoriaToHarbour);
          await ctx.send("Victoria Bank pays Harbour Bank (settles at once)", queue.connect(victoria.signer).submit, harbour.address, L.victoriaToHarbour, ref("CHATS-0003"));
        },
      },
      {
        id: "harbour-reverses",
        title: "Before the cut-off Harbour Bank reverses its repo: it repays exactly HKD 49,000,000.00 and gets its 1,000 units back, in one transaction",
        action: async (ctx) => {
          await ctx.send("Harbour Bank authorises the facility for the repayment", wcbdc.connect(harbour.signer).approve, facility.target, L.harbourRepo);
          await ctx.send("Harbour Bank reverses its repo", facility.connect(harbour.signer).reverse, HARBOUR_REPO);
          ctx.check((await bond.balanceOf(harbour.address)) === L.harbourUnits, "Harbour should have its 1,000 units back");
        },
      },
      {
        id: "harbour-cannot-reverse-for-lion-rock",
        title: "Harbour Bank tries to reverse Lion Rock Bank's repo: refused, only the bank that repo'd may reverse",
        expect: { revert: "RepoNotYours" },
        action: async (ctx) => {
          await ctx.send("Harbour Bank reverses Lion Rock's repo", facility.connect(harbour.signer).reverse, LION_ROCK_REPO);
        },
      },
      {
        id: "lion-rock-cannot-reverse",
        title: "Lion Rock Bank holds less than the HKD 19,600,000.00 it owes: its reversal is refused",
        expect: { revert: "RepoInsufficientCash" },
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank authorises the facility for the repayment", wcbdc.connect(lionRock.signer).approve, facility.target, L.lionRockRepo);
          ctx.note("Lion Rock Bank holds {balance} and owes {owed}", {
            balance: ctx.money(await wcbdc.balanceOf(lionRock.address)),
            owed: ctx.money(await facility.amountOwed(LION_ROCK_REPO)),
          });
          await ctx.send("Lion Rock Bank reverses its repo", facility.connect(lionRock.signer).reverse, LION_ROCK_REPO);
        },
      },
      {
        id: "roll-before-cut-off",
        title: "HKMA tries to roll Lion Rock's repo into the Discount Window before 17:30 HKT: refused, the intraday repo runs until the cut-off",
        expect: { revert: "RepoBeforeCutOff" },
        action: async (ctx) => {
          await ctx.send("HKMA rolls the repo early", facility.rollToDiscountWindow, LION_ROCK_REPO);
        },
      },
      {
        id: "cut-off-discount-window",
        title: "17:30 HKT cut-off: Lion Rock's unreversed intraday repo rolls into overnight Discount Window borrowing at 5.00% (Base Rate + 1.00%); nothing moves",
        action: async (ctx) => {
          const repo = await facility.repoOf(LION_ROCK_REPO);
          await ctx.travelTo(repo.cutOffAt);
          await ctx.send("HKMA's end-of-day run rolls the repo", facility.rollToDiscountWindow, LION_ROCK_REPO);
          ctx.note("Lion Rock Bank's 400 units stay in the HKMA's custody overnight; it borrows {principal} at {rate} a year", {
            principal: ctx.money(L.lionRockRepo),
            rate: "5.00%",
          });
        },
      },
      {
        id: "next-morning-repays-with-interest",
        title: "Next morning (09:00 HKT) Victoria Bank pays Lion Rock Bank HKD 20,000,000.00; Lion Rock repays HKD 19,600,000.00 + one night's interest HKD 2,684.94 (ACT/365, rounded up) and gets its 400 units back",
        action: async (ctx) => {
          const repo = await facility.repoOf(LION_ROCK_REPO);
          await ctx.travelTo(repo.cutOffAt + 15n * 3_600n + 30n * 60n); // 17:30 + 15:30 = 09:00 HKT the next day
          await ctx.send("Victoria Bank authorises the queue for its payment", wcbdc.connect(victoria.signer).approve, queue.target, L.victoriaToLionRock);
          await ctx.send("Victoria Bank pays Lion Rock Bank (settles at once)", queue.connect(victoria.signer).submit, lionRock.address, L.victoriaToLionRock, ref("CHATS-0004"));
          const owed = await facility.amountOwed(LION_ROCK_REPO);
          const interest = discountWindowInterest(L.lionRockRepo, BigInt(repo.overnightRateBps), 1n);
          ctx.check(interest === L.overnightInterest && owed === L.lionRockRepo + interest, `Lion Rock should owe ${hkdText(L.lionRockRepo + L.overnightInterest)}, owes ${hkdText(owed)}`);
          await ctx.send("Lion Rock Bank authorises the facility for principal + interest", wcbdc.connect(lionRock.signer).approve, facility.target, owed);
          await ctx.send("Lion Rock Bank reverses its overnight repo", facility.connect(lionRock.signer).reverse, LION_ROCK_REPO);
          ctx.note("Lion Rock Bank paid {principal} + {interest} interest for one night at 5.00%", {
            principal: ctx.money(L.lionRockRepo),
            interest: ctx.money(interest),
          });
          ctx.check((await facility.custodyOf(bond.target)) === 0n, "the HKMA's custody should be empty");
        },
      },
    ];
  },
});
