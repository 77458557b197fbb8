import { encodeBytes32String } from "ethers";

import { deployBillLedger, type BillLedger } from "../chain/deploy-bills.js";
import { formatDate } from "../domain/calendar.js";
import {
  BILL_DENOMINATION,
  billPrice,
  formatRatio,
  formatScaledYield,
  formatYieldBps,
} from "../domain/exchange-fund-bills.js";
import type { BankKey } from "../domain/hong-kong.js";
import { defineScenario } from "../runner/types.js";
import { openingSteps } from "./steps.js";

/** The tender's reference. */
export const BILL_TENDER_REF = encodeBytes32String("EFB-TENDER-Q");
/** On offer: HK$100,000,000 of face value (2,000 units of HK$50,000). */
export const FACE_OFFERED = 2_000n * BILL_DENOMINATION;

/** The bids, in submission order: bank, face value (minor units), yield (basis points). */
export const BIDS: readonly (readonly [BankKey, bigint, bigint])[] = [
  ["harbourBank", 600n * BILL_DENOMINATION, 340n],
  ["victoriaBank", 500n * BILL_DENOMINATION, 345n],
  ["lionRockBank", 700n * BILL_DENOMINATION, 350n],
  ["harbourBank", 410n * BILL_DENOMINATION, 350n],
  ["victoriaBank", 300n * BILL_DENOMINATION, 360n],
];

/** Lion Rock Bank's refused bid: HK$450,000, below the HK$500,000 minimum. */
export const BID_BELOW_MINIMUM = 45_000_000n;

const BANKS: readonly BankKey[] = ["harbourBank", "victoriaBank", "lionRockBank"];

export default defineScenario<BillLedger>({
  name: "exchange-fund-bills-tender",
  description:
    "HKMA sells a 91-day Exchange Fund Bill by competitive tender on a bid-yield basis: lowest yield first, pro rata at the cut-off, each bank paying its own yield's price DvP in wCBDC; at maturity every holder is redeemed at par",
  deploy: (connection) => deployBillLedger(connection),
  steps: (ledger) => {
    const { bill, billTender, billTerms, wcbdc, participants: P } = ledger;
    const tenderAddress = billTender.target as string;
    const closesAt = billTerms.issueDate - 12 * 3_600;
    const priceAt = (yieldBps: bigint): bigint => billPrice(BILL_DENOMINATION, yieldBps, billTerms.tenorDays);

    return [
      ...openingSteps(),
      {
        id: "announce-tender",
        title: `HKMA invites tenders for HK$100,000,000 of ${billTerms.issueNumber}, a 91-day Exchange Fund Bill issued ${formatDate(billTerms.issueDate)}, maturing ${formatDate(billTerms.maturityDate)}`,
        detail:
          "Competitive tender on a bid-yield basis: bids of at least HK$500,000 in multiples of HK$50,000 (one unit), lowest yield first, pro rata at the highest yield accepted; each bid pays the price its own yield implies, price = face / (1 + yield × 91 / 365), rounded down to a cent.",
        action: async (ctx) => {
          await ctx.send(`HKMA opens the tender for ${billTerms.issueNumber}`, billTender.openTender, BILL_TENDER_REF, {
            bill: bill.target as string,
            faceOffered: FACE_OFFERED,
            closesAt,
          });
          ctx.note("tender closes {close}; price of one HK$50,000 unit at 3.40%: {p340}, at 3.50%: {p350}", {
            close: ctx.time(closesAt),
            p340: ctx.money(priceAt(340n)),
            p350: ctx.money(priceAt(350n)),
          });
        },
      },
      {
        id: "submit-bids",
        title: "Harbour, Victoria and Lion Rock Bank bid at yields from 3.40% to 3.60%, each approving the tender for what its bid can cost",
        detail: "A bid is firm: it moves its full cost (face ÷ HK$50,000 units × the price at its own yield) into the tender's custody, and what is not allotted comes back at allotment; the tender can debit nothing else.",
        action: async (ctx) => {
          for (const [bank, face, yieldBps] of BIDS) {
            const p = P[bank];
            const units = face / BILL_DENOMINATION;
            const allowance = await wcbdc.allowance(p.address, tenderAddress);
            await ctx.send(`${p.name} approves the tender for ${units} units at ${formatYieldBps(yieldBps)}`, wcbdc.connect(p.signer).approve, tenderAddress, allowance + units * priceAt(yieldBps));
            await ctx.send(`${p.name} bids ${units} units at ${formatYieldBps(yieldBps)}`, billTender.connect(p.signer).submitBid, BILL_TENDER_REF, face, yieldBps);
          }
        },
      },
      {
        id: "bid-below-minimum",
        title: "Lion Rock Bank bids HK$450,000 at 3.45%: refused, below the HK$500,000 minimum",
        expect: { revert: "BillBidBelowMinimum" },
        action: async (ctx) => {
          await ctx.send("Lion Rock Bank bids HK$450,000 at 3.45%", billTender.connect(P.lionRockBank.signer).submitBid, BILL_TENDER_REF, BID_BELOW_MINIMUM, 345n);
        },
      },
      {
        id: "allot-and-settle",
        title: `Issue date ${formatDate(billTerms.issueDate)}: HKMA allots lowest yield first, pro rata at the cut-off 3.50%, and every allotment settles DvP against wCBDC`,
        detail: "One transaction: from the tender's custody each allottee pays its units × the price at its own yield to HKMA and receives its bills, and every bid's unallotted cost goes back to its bank, or nothing happens.",
        action: async (ctx) => {
          await ctx.travelTo(billTerms.issueDate);
          await ctx.send("HKMA allots the tender", billTender.allotTender, BILL_TENDER_REF);
          const r = await billTender.tenderResult(BILL_TENDER_REF);
          ctx.note(
            "tender result {issue}: amount applied {applied}, amount allotted {allotted}, average yield accepted {avg}, highest yield accepted {high}, pro rata ratio {ratio}, average tender yield {tenderAvg}; proceeds {proceeds}",
            {
              issue: billTerms.issueNumber,
              applied: ctx.money(r.amountApplied),
              allotted: ctx.money(r.amountAllotted),
              avg: formatScaledYield(r.averageYieldAccepted),
              high: formatYieldBps(r.highestYieldAccepted),
              ratio: formatRatio(r.proRataRatio),
              tenderAvg: formatScaledYield(r.averageTenderYield),
              proceeds: ctx.money(r.proceeds),
            },
          );
          ctx.check(r.amountAllotted === FACE_OFFERED, "the whole offer should be allotted");
        },
      },
      {
        id: "fund-redemption",
        title: "HKMA funds the redemption: it pays the tender's proceeds into the bill and creates the discount in wCBDC",
        detail: "The bill contract pays par at maturity from its own balance; HKMA's funding is the face value outstanding.",
        action: async (ctx) => {
          const liability = await bill.redemptionLiability();
          const proceeds = (await billTender.tenderResult(BILL_TENDER_REF)).proceeds;
          await ctx.send("HKMA pays the proceeds into the bill", wcbdc.transfer, bill.target, proceeds);
          await ctx.send("HKMA creates the discount", wcbdc.mint, bill.target, liability - proceeds);
          ctx.note("redemption funding {liability}: proceeds {proceeds} + discount {discount}", {
            liability: ctx.money(liability),
            proceeds: ctx.money(proceeds),
            discount: ctx.money(liability - proceeds),
          });
        },
      },
      {
        id: "redeem-at-maturity",
        title: `Maturity ${formatDate(billTerms.maturityDate)}: HKMA redeems every holder at par — bills burned, HK$50,000 a unit paid in wCBDC`,
        detail: "Burning a holder's bills at maturity is the bill's own terms, and pays that holder in the same transaction; a holder that cannot be paid would be parked, not block the others.",
        action: async (ctx) => {
          await ctx.travelTo(billTerms.maturityDate);
          await ctx.send("HKMA redeems the holders", bill.redeemHolders, BANKS.map((k) => P[k].address));
          ctx.check((await bill.totalSupply()) === 0n, "every bill should be redeemed");
        },
      },
    ];
  },
});
