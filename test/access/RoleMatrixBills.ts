import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";

import type { BillLedger } from "../../src/chain/deploy-bills.js";
import { BILL_DENOMINATION, billPrice } from "../../src/domain/exchange-fund-bills.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { BILL_TENDER_REF as REF, DAY, billBid, billBook, ethers, loadBillLedger, mined, networkHelpers } from "../helpers/bill-fixture.js";

/**
 * Role matrix — Exchange Fund Bill tenders (contracts/settlement/BillTender.sol), on the bill ledger
 * (test/helpers/bill-fixture.ts): every access-restricted function of the tender, called by every
 * participant of the ledger that may not call it and by an address that is not on the ledger
 * (refused with the contract's exact error and arguments, the tender, its bids, its parked refunds and
 * every wHKD and bill balance untouched), and by the one that may (let through with its event, the
 * state changed). The central bank's functions — open, allot, cancel, reject — need the holder of
 * `CENTRAL_BANK_ROLE` on the engine's wCBDC, for allot, cancel and reject the one that opened the
 * tender (`BillTenderNotCentralBank(caller, wHKD)`); a bid is withdrawn or reclaimed by its own bidder
 * alone (`BillNotBidder(caller, tender, index)`), and a parked refund is paid only to the bidder it was
 * parked for (`BillBidRefundNotOwed(tender, caller)`: no one else is owed it). `submitBid` is open to
 * any eligible participant by design and is not in the table (test/lifecycle/BillTender.ts).
 */

const { time } = networkHelpers;

/** HK$1,000,000 of face: two minimum bids' worth, 20 units of HK$50,000. */
const BID_UNITS = 20n;
const BID_YIELD = 340n;
const UNITS_OFFERED = 100n;

type Caller = ParticipantKey | "outsider";

/** What a case's `args`, `given`, `refusal`, `event` and `observe` see. */
interface BillCtx {
  readonly f: BillLedger;
  readonly at: Record<ParticipantKey, string>;
  /** An address that is not on the ledger (account 9). */
  readonly outsider: string;
  readonly wcbdc: string;
  readonly bill: string;
  /** The tender's close: half a day after the case starts. */
  readonly closesAt: bigint;
}

interface BillCase {
  readonly fn: "openTender" | "allotTender" | "cancelTender" | "rejectBid" | "withdrawBid" | "reclaimBid" | "claimRefund";
  readonly args: (c: BillCtx) => readonly unknown[];
  /** What the call needs, for the titles. */
  readonly needs: string;
  readonly holder: ParticipantKey;
  /** The exact error `caller` (an address) is refused with, and its name as a title says it. */
  readonly refusal: { readonly error: string; readonly args: (c: BillCtx, caller: string) => readonly unknown[]; readonly title: string };
  /** The event the holder's call emits, with its exact arguments. */
  readonly event: { readonly name: string; readonly args: (c: BillCtx) => readonly unknown[] };
  /** Set-up by the holders first, so that the holder's call succeeds. */
  readonly given?: (c: BillCtx) => Promise<void>;
}

const terms = (c: BillCtx) => ({ bill: c.bill, faceOffered: UNITS_OFFERED * BILL_DENOMINATION, closesAt: c.closesAt });
const bidCost = (c: BillCtx): bigint => BID_UNITS * billPrice(BILL_DENOMINATION, BID_YIELD, c.f.billTerms.tenorDays);

/** The HKMA (the bill tender is connected as it) opens the tender. */
async function tenderOpen(c: BillCtx): Promise<void> {
  await mined(c.f.billTender.openTender(REF, terms(c)));
}

/** The tender is open and Harbour Bank bid (bid 0: its cost in the tender's custody). */
async function harbourBid(c: BillCtx): Promise<void> {
  await tenderOpen(c);
  await billBid(c.f, "harbourBank", BID_UNITS, BID_YIELD);
}

/** As `harbourBid`, and the tender has closed. */
async function closedWithBid(c: BillCtx): Promise<void> {
  await harbourBid(c);
  await time.increaseTo(c.closesAt);
}

/** As `closedWithBid`, and the allotment window has passed with no allotment: Harbour Bank may reclaim bid 0. */
async function unallottedInTime(c: BillCtx): Promise<void> {
  await closedWithBid(c);
  await time.increaseTo(c.closesAt + (await c.f.billTender.ALLOTMENT_WINDOW()));
}

/**
 * Harbour Bank's bid 0 was rejected while the HKMA had it frozen on wHKD, so its refund was parked;
 * the HKMA has unfrozen it since: Harbour Bank may claim its refund.
 */
async function refundParked(c: BillCtx): Promise<void> {
  await harbourBid(c);
  await mined(c.f.wcbdc.setFrozen(c.at.harbourBank, true));
  await mined(c.f.billTender.rejectBid(REF, 0n));
  await mined(c.f.wcbdc.setFrozen(c.at.harbourBank, false));
  expect(await c.f.billTender.refundOf(REF, c.at.harbourBank)).to.equal(bidCost(c), "the refund was parked");
}

/**
 * Everything a tender call could change: the tender's state, each bid (bidder, withdrawn, rejected,
 * units, units allotted), Harbour Bank's parked refund, and every wHKD and bill balance and supply.
 */
async function snapshot(c: BillCtx): Promise<unknown> {
  const { billTender } = c.f;
  const bids = (await billTender.bidsOf(REF)).map((b) => [b.bidder, b.withdrawn, b.rejected, b.units, b.unitsAllotted]);
  return {
    state: (await billTender.tenderOf(REF)).state,
    bids,
    refund: await billTender.refundOf(REF, c.at.harbourBank),
    book: await billBook(c.f, [["outsider", c.outsider]]),
  };
}

/** The holder of `CENTRAL_BANK_ROLE` on the engine's wCBDC; for a tender, the one that opened it. */
const CENTRAL_BANK = {
  error: "BillTenderNotCentralBank",
  args: (c: BillCtx, caller: string) => [caller, c.wcbdc],
  title: "BillTenderNotCentralBank(caller, wHKD)",
} as const;

const BIDDER_OF_BID_0 = {
  error: "BillNotBidder",
  args: (_c: BillCtx, caller: string) => [caller, REF, 0n],
  title: "BillNotBidder(caller, the tender, bid 0)",
} as const;

const BILL_CASES: readonly BillCase[] = [
  {
    fn: "openTender",
    args: (c) => [REF, terms(c)],
    needs: "CENTRAL_BANK_ROLE on wHKD and on the bill",
    holder: "hkma",
    refusal: CENTRAL_BANK,
    event: { name: "BillTenderOpened", args: (c) => [REF, c.bill, c.at.hkma, [c.bill, UNITS_OFFERED * BILL_DENOMINATION, c.closesAt]] },
  },
  {
    fn: "allotTender",
    args: () => [REF],
    needs: "the tender's central bank",
    holder: "hkma",
    refusal: CENTRAL_BANK,
    // The result carries the block's time (`allottedAt`): its figures are test/lifecycle/BillTender.ts's.
    event: { name: "BillTenderAllotted", args: (c) => [REF, c.bill, anyValue] },
    given: closedWithBid,
  },
  {
    fn: "cancelTender",
    args: () => [REF],
    needs: "the tender's central bank",
    holder: "hkma",
    refusal: CENTRAL_BANK,
    event: { name: "BillTenderCancelled", args: () => [REF] },
    given: harbourBid,
  },
  {
    fn: "rejectBid",
    args: () => [REF, 0n],
    needs: "the tender's central bank",
    holder: "hkma",
    refusal: CENTRAL_BANK,
    event: { name: "BillBidRejected", args: (c) => [REF, c.at.harbourBank, 0n] },
    given: closedWithBid,
  },
  {
    fn: "withdrawBid",
    args: () => [REF, 0n],
    needs: "the bid's own bidder (Harbour Bank's bid 0), before the close",
    holder: "harbourBank",
    refusal: BIDDER_OF_BID_0,
    event: { name: "BillBidWithdrawn", args: (c) => [REF, c.at.harbourBank, 0n] },
    given: harbourBid,
  },
  {
    fn: "reclaimBid",
    args: () => [REF, 0n],
    needs: "the bid's own bidder (Harbour Bank's bid 0), the allotment window passed",
    holder: "harbourBank",
    refusal: BIDDER_OF_BID_0,
    event: { name: "BillBidReclaimed", args: (c) => [REF, c.at.harbourBank, 0n] },
    given: unallottedInTime,
  },
  {
    fn: "claimRefund",
    args: () => [REF],
    needs: "the bidder its refund was parked for",
    holder: "harbourBank",
    refusal: {
      error: "BillBidRefundNotOwed",
      args: (_c, caller) => [REF, caller],
      title: "BillBidRefundNotOwed(the tender, caller)",
    },
    event: { name: "BillBidRefundClaimed", args: (c) => [REF, c.at.harbourBank, bidCost(c)] },
    given: refundParked,
  },
];

// ------------------------------------------------------------------------------------ the runner

const NAME: Record<Caller, string> = {
  ...(Object.fromEntries(PARTICIPANTS.map((p) => [p.key, p.name])) as Record<ParticipantKey, string>),
  outsider: "an address not on the ledger",
};
const CALLERS: readonly Caller[] = [...PARTICIPANTS.map((p) => p.key), "outsider"];

/** The bill ledger, with the case's set-up done. */
async function arrange(c: BillCase): Promise<BillCtx> {
  const f = await loadBillLedger();
  const at = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, f.participants[p.key].address])) as Record<ParticipantKey, string>;
  const signers = await ethers.getSigners();
  const ctx: BillCtx = {
    f,
    at,
    outsider: signers[PARTICIPANTS.length].address,
    wcbdc: await f.wcbdc.getAddress(),
    bill: await f.bill.getAddress(),
    closesAt: BigInt(await time.latest()) + DAY / 2n,
  };
  await c.given?.(ctx);
  return ctx;
}

async function signerOf(ctx: BillCtx, caller: Caller): Promise<HardhatEthersSigner> {
  return caller === "outsider" ? ethers.getSigner(ctx.outsider) : ctx.f.participants[caller].signer;
}

describe("Role matrix — Exchange Fund Bill tenders", function () {
  it("the table lists every state-changing function of BillTender but submitBid (open to any eligible bidder)", async function () {
    const f = await loadBillLedger();
    const changing: string[] = [];
    f.billTender.interface.forEachFunction((fn) => {
      if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") changing.push(fn.name);
    });
    expect([...changing].sort()).to.deep.equal([...BILL_CASES.map((c) => c.fn), "submitBid"].sort());
  });

  for (const c of BILL_CASES) {
    describe(`BillTender.${c.fn} — needs ${c.needs} (${NAME[c.holder]})`, function () {
      for (const caller of CALLERS.filter((k) => k !== c.holder)) {
        it(`refuses ${NAME[caller]}: ${c.refusal.title}`, async function () {
          const ctx = await arrange(c);
          const signer = await signerOf(ctx, caller);
          const before = await snapshot(ctx);
          await expect(ctx.f.billTender.connect(signer).getFunction(c.fn).send(...c.args(ctx)))
            .to.be.revertedWithCustomError(ctx.f.billTender, c.refusal.error)
            .withArgs(...c.refusal.args(ctx, signer.address));
          expect(await snapshot(ctx)).to.deep.equal(before);
        });
      }

      it(`lets ${NAME[c.holder]} through with ${c.event.name}, and the call takes effect`, async function () {
        const ctx = await arrange(c);
        const before = await snapshot(ctx);
        const tx = ctx.f.billTender.connect(await signerOf(ctx, c.holder)).getFunction(c.fn).send(...c.args(ctx));
        await expect(tx)
          .to.emit(ctx.f.billTender, c.event.name)
          .withArgs(...c.event.args(ctx));
        expect(await snapshot(ctx)).to.not.deep.equal(before);
      });
    });
  }
});
