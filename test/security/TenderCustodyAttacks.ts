import { expect } from "chai";
import { ZeroAddress, encodeBytes32String, type Interface } from "ethers";

import type { BillLedger } from "../../src/chain/deploy-bills.js";
import { BILL_DENOMINATION, billPrice } from "../../src/domain/exchange-fund-bills.js";
import { HKD } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { ExchangeFundBill__factory, type ExchangeFundBill } from "../../typechain-types/index.js";
import { BILL_TENDER_REF, billBid, billBook, loadBillLedger } from "../helpers/bill-fixture.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  DAY,
  HK,
  PRICE_PER_UNIT,
  YEAR,
  balancesOf,
  chainNow,
  changes,
  legOf,
  loadSettlementLedger,
  mined,
  reasonOf,
  type Balances,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";
import { bid, openTender, nextTenderRef, type TenderSetup } from "../helpers/tender-fixture.js";

/**
 * An attacker's review of tender custody (review T20): PrimaryIssuance (green-bond tenders, on the
 * settlement fixture, test/helpers/settlement-fixture.ts) and BillTender (Exchange Fund Bills, on the
 * bill fixture, test/helpers/bill-fixture.ts). Bids are firm: at the bid its cost goes into the
 * tender contract's custody, and comes back at withdrawal (before the close), rejection,
 * cancellation or allotment. The findings, each demonstrated against HEAD e6fb74f and fixed:
 *
 * - T20-1 (medium): after the close a bidder had no exit — not for a bid that lapsed, not if the
 *   issuer never allotted. Now `reclaimBid`: from the bid's lapse, the close + `ALLOTMENT_WINDOW`
 *   (5 days) or the asset's maturity, whichever is first, while the tender is unallotted.
 * - T20-2 (low): `PrimaryIssuance.openTender` took a close at or after the bond's maturity (a tender
 *   that can never issue); now `TenderClosesAfterMaturity(closesAt, maturity)`. `BillTender` refused
 *   it already (as `BillTenderInvalidTerm("closesAt")`); now with the evidence,
 *   `BillTenderClosesAfterMaturity`.
 * - T20-3 (info): a proceeds account of zero or the tender contract itself was accepted (the
 *   proceeds would have stayed in custody for ever); now `InvalidProceedsAccount(account)`.
 * - T20-4 (low): a tender contract frozen on the bond or bill still minted allotments (a token checks
 *   the freeze of whom a mint credits, not of the minter); now the allotment fails
 *   `SettlementLegFailed(AccountFrozen, Asset, token, AccountFrozen(tender))`, and bidders get their
 *   cash back by reclaim or cancellation.
 * - T20-5 (low): in a bill tender, after the bill's maturity (no allotment possible any more) bidders
 *   could not get their custody back; now `reclaimBid` from the maturity at the latest (bond tenders
 *   likewise).
 *
 * Every test states the safe behaviour: the attack (or stall) first, then the exit, with the exact
 * errors, events and every balance before and after.
 */

const { time } = networkHelpers;

/** `ALLOTMENT_WINDOW` of both tender contracts: five days. */
const WINDOW = 5n * DAY;
/** `TenderState` of both tender contracts. */
const STATE = { None: 0n, Open: 1n, Allotted: 2n, Cancelled: 3n } as const;

/** Every balance of the ledger, with the tender contract as `tender`. */
async function bookOf(f: SettlementLedger, t: TenderSetup): Promise<Balances> {
  return balancesOf(f.tokens, { ...f.holders, tender: t.issuanceAddress });
}

/** The tender contract's wCBDC custody. */
async function custodyOf(f: SettlementLedger, t: TenderSetup): Promise<bigint> {
  return f.wcbdc.balanceOf(t.issuanceAddress);
}

/** Moves the chain's clock to `timestamp` (the next block is mined at it) unless it is already past it. */
async function at(timestamp: bigint): Promise<void> {
  if ((await chainNow()) < timestamp) await time.setNextBlockTimestamp(timestamp);
}

/**
 * The `SettlementLegFailed` arguments of an allotment refused because the tender contract `tender` is
 * frozen on the asset `token` (whose interface is `iface`): the token's own `AccountFrozen(tender)`.
 */
function frozenAgentFailure(iface: Interface, token: string, tender: string): readonly [bigint, bigint, string, string] {
  return [reasonOf("AccountFrozen"), legOf("Asset"), token, iface.encodeErrorResult("AccountFrozen", [tender])];
}

describe("Security: tender custody, an attacker's review (T20)", function () {
  // The tests travel in time, up to the bond's maturity; each starts from its fixture's snapshot
  // (loadFixture), as test/security/Attacks.ts does.
  describe("PrimaryIssuance (green bond)", function () {
    it("T20-1: a bid that lapsed after the close, never allotted, had no exit; its bidder now reclaims its cost once, and a later allotment leaves it out", async function () {
      // Demonstrated against HEAD e6fb74f: withdrawBid refuses from the close on (TenderClosed), and
      // only the issuer's allotTender or cancelTender returned custody; a bid valid only until the
      // close was dead from the next second, its cost locked until the issuer chose to act.
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      const t = await openTender(f);
      const start = await bookOf(f, t);
      await bid(f, t, harbour.signer, 40n, PRICE_PER_UNIT, t.closesAt); // lapses at closesAt + 1
      await bid(f, t, victoria.signer, 30n, PRICE_PER_UNIT); // valid a day after the close
      const harbourCost = 40n * PRICE_PER_UNIT;
      const victoriaCost = 30n * PRICE_PER_UNIT;
      expect(await custodyOf(f, t)).to.equal(harbourCost + victoriaCost);

      // The stall: the close passes, the issuer does nothing; withdrawal is over.
      await at(t.closesAt);
      await expect(f.issuance.connect(harbour.signer).withdrawBid(t.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "TenderClosed")
        .withArgs(t.ref, t.closesAt);
      // At the close the bid is still valid (validUntil = closesAt): it can still be allotted, not reclaimed.
      await expect(f.issuance.connect(harbour.signer).reclaimBid(t.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "BidNotReclaimable")
        .withArgs(t.ref, 0n, t.closesAt + 1n);
      // A second after the close the bid has lapsed (validUntil = closesAt): no allotment can include it.
      await at(t.closesAt + 1n);
      const before = await bookOf(f, t);
      await expect(f.issuance.connect(harbour.signer).reclaimBid(t.ref, 0n))
        .to.emit(f.issuance, "BidReclaimed")
        .withArgs(t.ref, harbour.address, 0n)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(t.ref, harbour.address, 0n, harbourCost);
      expect(changes(before, await bookOf(f, t))).to.deep.equal({
        "wHKD:harbourBank": harbourCost,
        "wHKD:tender": -harbourCost,
      });
      expect((await f.issuance.bidsOf(t.ref))[0].withdrawn).to.equal(true);

      // Once only: neither a second reclaim nor a withdrawal pays it again.
      await expect(f.issuance.connect(harbour.signer).reclaimBid(t.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "NotBidder")
        .withArgs(harbour.address, t.ref, 0n);
      await expect(f.issuance.connect(harbour.signer).withdrawBid(t.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "TenderClosed")
        .withArgs(t.ref, t.closesAt);
      // Victoria's bid is still valid: firm, not reclaimable until it lapses (validUntil + 1).
      await expect(f.issuance.connect(victoria.signer).reclaimBid(t.ref, 1n))
        .to.be.revertedWithCustomError(f.issuance, "BidNotReclaimable")
        .withArgs(t.ref, 1n, t.closesAt + DAY + 1n);

      // The issuer allots: Victoria's bid in full; Harbour's reclaimed bid takes no part and is not refunded again.
      await mined(f.issuance.allotTender(t.ref));
      expect(changes(start, await bookOf(f, t))).to.deep.equal({
        "bond:victoriaBank": 30n,
        "bond:supply": 30n,
        "wHKD:victoriaBank": -victoriaCost,
        "wHKD:hkma": victoriaCost,
      });
      expect((await f.issuance.bidsOf(t.ref)).map((b) => b.allotted)).to.deep.equal([0n, 30n]);
    });

    it("T20-1: an issuer that never allots: every bid, however long valid, is reclaimable from the close + ALLOTMENT_WINDOW (5 days), also while the engine is paused", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const lionRock = f.participants.lionRockBank;
      expect(await f.issuance.ALLOTMENT_WINDOW()).to.equal(WINDOW);
      const t = await openTender(f);
      const start = await bookOf(f, t);
      await bid(f, t, harbour.signer, 60n, PRICE_PER_UNIT, 2n ** 64n - 1n); // valid for ever
      await bid(f, t, lionRock.signer, 20n, PRICE_PER_UNIT, t.closesAt + 30n * DAY);

      // A day after the close, and the last second of the window: still firm.
      for (const moment of [t.closesAt + DAY, t.closesAt + WINDOW - 1n]) {
        await at(moment);
        await expect(f.issuance.connect(harbour.signer).reclaimBid(t.ref, 0n))
          .to.be.revertedWithCustomError(f.issuance, "BidNotReclaimable")
          .withArgs(t.ref, 0n, t.closesAt + WINDOW);
      }
      expect(changes(start, await bookOf(f, t))).to.deep.equal({
        "wHKD:harbourBank": -60n * PRICE_PER_UNIT,
        "wHKD:lionRockBank": -20n * PRICE_PER_UNIT,
        "wHKD:tender": 80n * PRICE_PER_UNIT,
      });

      // The window has passed without allotment; the engine's pause does not hold the bidders' cash.
      await mined(f.engine.pause());
      await at(t.closesAt + WINDOW);
      await expect(f.issuance.connect(harbour.signer).reclaimBid(t.ref, 0n))
        .to.emit(f.issuance, "BidReclaimed")
        .withArgs(t.ref, harbour.address, 0n)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(t.ref, harbour.address, 0n, 60n * PRICE_PER_UNIT);
      // Nobody reclaims another's bid, not even the issuer.
      for (const caller of [harbour, f.participants.government]) {
        await expect(f.issuance.connect(caller.signer).reclaimBid(t.ref, 1n))
          .to.be.revertedWithCustomError(f.issuance, "NotBidder")
          .withArgs(caller.address, t.ref, 1n);
      }
      await expect(f.issuance.connect(lionRock.signer).reclaimBid(t.ref, 1n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(t.ref, lionRock.address, 1n, 20n * PRICE_PER_UNIT);
      expect(changes(start, await bookOf(f, t))).to.deep.equal({});
      expect(await custodyOf(f, t)).to.equal(0n);
    });

    it("T20-1: after allotment the refund is the allotment's own: reclaim is refused (TenderInWrongState) and each bidder was paid back exactly its unallotted cost", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      // 100 on offer; 80 + 80 asked at one price: pro rata 50 each, 30 units' cost back to each.
      const t = await openTender(f);
      const start = await bookOf(f, t);
      await bid(f, t, harbour.signer, 80n, PRICE_PER_UNIT);
      await bid(f, t, victoria.signer, 80n, PRICE_PER_UNIT);
      await at(t.closesAt);
      await expect(f.issuance.allotTender(t.ref))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(t.ref, harbour.address, 0n, 30n * PRICE_PER_UNIT)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(t.ref, victoria.address, 1n, 30n * PRICE_PER_UNIT);
      const allotted = await bookOf(f, t);
      expect(changes(start, allotted)).to.deep.equal({
        "bond:harbourBank": 50n,
        "bond:victoriaBank": 50n,
        "bond:supply": 100n,
        "wHKD:harbourBank": -50n * PRICE_PER_UNIT,
        "wHKD:victoriaBank": -50n * PRICE_PER_UNIT,
        "wHKD:hkma": 100n * PRICE_PER_UNIT,
      });

      await at(t.closesAt + WINDOW + DAY);
      for (const [bank, index] of [[harbour, 0n], [victoria, 1n]] as const) {
        await expect(f.issuance.connect(bank.signer).reclaimBid(t.ref, index))
          .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
          .withArgs(t.ref, STATE.Allotted);
      }
      expect(changes(allotted, await bookOf(f, t))).to.deep.equal({});
    });

    it("T20-1: no double refund, no late allotment — after the window the tender lapses (TenderAllotmentLapsed); a reclaimed bid is left out of a cancellation and reclaimed once", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      const allotLate = await openTender(f);
      const cancelLate = await openTender(f);
      const start = await bookOf(f, allotLate);
      for (const t of [allotLate, cancelLate]) {
        await bid(f, t, harbour.signer, 10n, PRICE_PER_UNIT, 2n ** 64n - 1n);
        await bid(f, t, victoria.signer, 20n, PRICE_PER_UNIT, 2n ** 64n - 1n);
      }
      await at(cancelLate.closesAt + WINDOW); // both windows over (the second tender opened a block later)
      await mined(f.issuance.connect(harbour.signer).reclaimBid(allotLate.ref, 0n));
      await mined(f.issuance.connect(harbour.signer).reclaimBid(cancelLate.ref, 0n));

      // The tender lapsed with the window: no late allotment (no bidder keeps a free option on one); the
      // issuer cancels, and the reclaimed bid gets no second refund. The other tender's last bidder reclaims.
      await expect(f.issuance.allotTender(allotLate.ref))
        .to.be.revertedWithCustomError(f.issuance, "TenderAllotmentLapsed")
        .withArgs(allotLate.ref, allotLate.closesAt + WINDOW);
      await expect(f.issuance.cancelTender(cancelLate.ref))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(cancelLate.ref, victoria.address, 1n, 20n * PRICE_PER_UNIT);
      await expect(f.issuance.connect(victoria.signer).reclaimBid(allotLate.ref, 1n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(allotLate.ref, victoria.address, 1n, 20n * PRICE_PER_UNIT);
      expect(changes(start, await bookOf(f, allotLate))).to.deep.equal({});
      expect(await custodyOf(f, allotLate)).to.equal(0n);
      await expect(f.issuance.connect(harbour.signer).reclaimBid(allotLate.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "NotBidder")
        .withArgs(harbour.address, allotLate.ref, 0n);
      const state = (await f.issuance.tenderOf(cancelLate.ref)).state;
      await expect(f.issuance.connect(harbour.signer).reclaimBid(cancelLate.ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(cancelLate.ref, state);
    });

    it("T20-1: a bidder frozen on wCBDC that reclaims has its cost parked, and claims it once unfrozen", async function () {
      const f = await loadSettlementLedger();
      const lionRock = f.participants.lionRockBank;
      const t = await openTender(f);
      const start = await bookOf(f, t);
      await bid(f, t, lionRock.signer, 10n, PRICE_PER_UNIT, t.closesAt);
      await mined(f.wcbdc.setFrozen(lionRock.address, true));
      await at(t.closesAt + 1n);
      await expect(f.issuance.connect(lionRock.signer).reclaimBid(t.ref, 0n))
        .to.emit(f.issuance, "BidRefundParked")
        .withArgs(t.ref, lionRock.address, 0n, 10n * PRICE_PER_UNIT)
        .and.not.to.emit(f.issuance, "BidRefunded");
      expect(await f.issuance.refundOf(t.ref, lionRock.address)).to.equal(10n * PRICE_PER_UNIT);
      await mined(f.wcbdc.setFrozen(lionRock.address, false));
      await expect(f.issuance.connect(lionRock.signer).claimRefund(t.ref))
        .to.emit(f.issuance, "BidRefundClaimed")
        .withArgs(t.ref, lionRock.address, 10n * PRICE_PER_UNIT);
      expect(changes(start, await bookOf(f, t))).to.deep.equal({});
    });

    it("T20-2: a tender closing at or after the bond's maturity is refused (TenderClosesAfterMaturity), a close a second before is taken", async function () {
      // Demonstrated against HEAD e6fb74f: openTender checked only that the close was in the future;
      // a tender closing at maturity took firm bids into custody and could never allot (the bond
      // refuses every mint from its maturity on, BondMatured).
      const f = await loadSettlementLedger();
      const maturity = await f.bond.maturityDate();
      const terms = (closesAt: bigint) => ({
        bond: f.bondAddress,
        unitsOffered: 100n,
        minimumLot: 1n,
        closesAt,
        proceedsAccount: f.participants.hkma.address,
      });
      const ref = nextTenderRef("T20-2");
      for (const closesAt of [maturity, maturity + DAY]) {
        await expect(f.issuance.openTender(ref, terms(closesAt)))
          .to.be.revertedWithCustomError(f.issuance, "TenderClosesAfterMaturity")
          .withArgs(closesAt, maturity);
      }
      expect((await f.issuance.tenderOf(ref)).state).to.equal(STATE.None);
      await expect(f.issuance.openTender(ref, terms(maturity - 1n)))
        .to.emit(f.issuance, "TenderOpened");
    });

    it("T20-3: a proceeds account of zero or the tender contract itself is refused (InvalidProceedsAccount)", async function () {
      // Demonstrated against HEAD e6fb74f: proceedsAccount = the tender contract was accepted, and the
      // allotment "paid" the proceeds to custody, where no function could ever move them (the contract
      // would then hold more than its parked refunds). Zero was refused, as InvalidTenderTerm.
      const f = await loadSettlementLedger();
      const issuanceAddress = await f.issuance.getAddress();
      const ref = nextTenderRef("T20-3");
      for (const proceedsAccount of [issuanceAddress, ZeroAddress]) {
        await expect(
          f.issuance.openTender(ref, {
            bond: f.bondAddress,
            unitsOffered: 100n,
            minimumLot: 1n,
            closesAt: (await chainNow()) + DAY,
            proceedsAccount,
          }),
        )
          .to.be.revertedWithCustomError(f.issuance, "InvalidProceedsAccount")
          .withArgs(proceedsAccount);
      }
      expect((await f.issuance.tenderOf(ref)).state).to.equal(STATE.None);
    });

    it("T20-4: a tender contract the registrar froze on the bond no longer mints allotments (AccountFrozen, asset leg); its bidders get their cash back by reclaim or cancellation", async function () {
      // Demonstrated against HEAD e6fb74f: the bond checks the freeze of the accounts a mint credits,
      // not of the minter, so the frozen tender contract issued 100 units and paid HKMA for them.
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      const registrar = f.participants.hkma.signer;
      const reclaimed = await openTender(f);
      const cancelled = await openTender(f);
      const start = await bookOf(f, reclaimed);
      for (const t of [reclaimed, cancelled]) {
        await bid(f, t, harbour.signer, 60n, PRICE_PER_UNIT, 2n ** 64n - 1n);
        await bid(f, t, victoria.signer, 40n, PRICE_PER_UNIT, 2n ** 64n - 1n);
      }
      await mined(f.bond.connect(registrar).setFrozen(reclaimed.issuanceAddress, true));
      await at(cancelled.closesAt); // both tenders closed (the second opened a block later)
      const before = await bookOf(f, reclaimed);
      for (const t of [reclaimed, cancelled]) {
        await expect(f.issuance.allotTender(t.ref))
          .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
          .withArgs(...frozenAgentFailure(f.bond.interface, f.bondAddress, t.issuanceAddress));
        expect((await f.issuance.tenderOf(t.ref)).state).to.equal(STATE.Open);
      }
      expect(changes(before, await bookOf(f, reclaimed))).to.deep.equal({});

      // The issuer cancels one tender: every cost back. The other the bidders reclaim after the window.
      await expect(f.issuance.cancelTender(cancelled.ref))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(cancelled.ref, harbour.address, 0n, 60n * PRICE_PER_UNIT);
      await at(reclaimed.closesAt + WINDOW);
      await expect(f.issuance.connect(harbour.signer).reclaimBid(reclaimed.ref, 0n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(reclaimed.ref, harbour.address, 0n, 60n * PRICE_PER_UNIT);
      await expect(f.issuance.connect(victoria.signer).reclaimBid(reclaimed.ref, 1n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(reclaimed.ref, victoria.address, 1n, 40n * PRICE_PER_UNIT);
      expect(changes(start, await bookOf(f, reclaimed))).to.deep.equal({});
      expect(await custodyOf(f, reclaimed)).to.equal(0n);
    });

    it("T20-4: a tender contract frozen on the bond takes no more bids it could never allot (AccountFrozen, asset leg): nothing recorded, nothing moved", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const t = await openTender(f);
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(t.issuanceAddress, true));
      await mined(f.wcbdc.connect(harbour.signer).approve(t.issuanceAddress, 60n * PRICE_PER_UNIT));
      const before = await bookOf(f, t);
      await expect(f.issuance.connect(harbour.signer).submitBid(t.ref, 60n, PRICE_PER_UNIT, t.closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(...frozenAgentFailure(f.bond.interface, f.bondAddress, t.issuanceAddress));
      expect(changes(before, await bookOf(f, t))).to.deep.equal({});
      expect(await f.issuance.bidsOf(t.ref)).to.have.length(0);
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(t.issuanceAddress, false));
      await expect(f.issuance.connect(harbour.signer).submitBid(t.ref, 60n, PRICE_PER_UNIT, t.closesAt + DAY)).to.emit(f.issuance, "BidSubmitted");
    });

    it("T20-5 (bond): a re-opening closing a day before maturity, never allotted: from the maturity (inside the window) no allotment can issue, and every bid is reclaimable", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const maturity = await f.bond.maturityDate();
      await time.increaseTo(maturity - 2n * DAY);
      const ref = nextTenderRef("T20-5");
      const closesAt = maturity - DAY;
      await mined(
        f.issuance.openTender(ref, {
          bond: f.bondAddress,
          unitsOffered: 100n,
          minimumLot: 1n,
          closesAt,
          proceedsAccount: f.participants.hkma.address,
        }),
      );
      const t: TenderSetup = { ref, closesAt, issuanceAddress: await f.issuance.getAddress() };
      const start = await bookOf(f, t);
      await bid(f, t, harbour.signer, 10n, PRICE_PER_UNIT, 2n ** 64n - 1n);
      await at(maturity - 1n);
      await expect(f.issuance.connect(harbour.signer).reclaimBid(ref, 0n))
        .to.be.revertedWithCustomError(f.issuance, "BidNotReclaimable")
        .withArgs(ref, 0n, maturity);
      await at(maturity);
      await expect(f.issuance.allotTender(ref))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(reasonOf("Matured"), legOf("Asset"), f.bondAddress, f.bond.interface.encodeErrorResult("BondMatured", [maturity]));
      await expect(f.issuance.connect(harbour.signer).reclaimBid(ref, 0n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(ref, harbour.address, 0n, 10n * PRICE_PER_UNIT);
      expect(changes(start, await bookOf(f, t))).to.deep.equal({});
    });
  });

  describe("BillTender (Exchange Fund Bills)", function () {
    /** The HKMA opens the default bill tender, 2,000 units on offer, closing in twelve hours. */
    async function openBillTender(f: BillLedger, bill: ExchangeFundBill = f.bill, ref: string = BILL_TENDER_REF): Promise<bigint> {
      const closesAt = (await chainNow()) + DAY / 2n;
      await mined(f.billTender.openTender(ref, { bill: await bill.getAddress(), faceOffered: 2_000n * BILL_DENOMINATION, closesAt }));
      return closesAt;
    }

    /** What bank's bid of `units` at `yieldBps` costs for a bill of `tenorDays`. */
    const costOf = (units: bigint, yieldBps: bigint, tenorDays: number): bigint => units * billPrice(BILL_DENOMINATION, yieldBps, tenorDays);

    /**
     * A two-day `M` bill issued tomorrow at midnight, wired as `deployBillIssue` wires the 91-day
     * one (registered as infrastructure, the tender its issuing agent): it matures inside the
     * allotment window of a tender closing today.
     */
    async function shortBill(f: BillLedger): Promise<{ bill: ExchangeFundBill; maturity: bigint }> {
      const issueDate = (((await chainNow()) / DAY) + 1n) * DAY;
      const maturity = issueDate + 2n * DAY;
      const hkma = f.participants.hkma;
      const bill = await new ExchangeFundBill__factory(hkma.signer).deploy(
        { issueNumber: "M2601", issueDate, maturityDate: maturity, denomination: BILL_DENOMINATION, currency: HKD.code, cashToken: await f.wcbdc.getAddress() },
        "Exchange Fund Bill M2601 (2-day)",
        "M2601",
        await f.registry.getAddress(),
        hkma.address,
      );
      await bill.waitForDeployment();
      const billAddress = await bill.getAddress();
      await mined(f.registry.registerParticipant(billAddress, ParticipantKind.Infrastructure, HK, (await chainNow()) + YEAR));
      await mined(bill.grantRole(await bill.ISSUER_ROLE(), await f.billTender.getAddress()));
      return { bill, maturity };
    }

    it("T20-2: a close at or after the bill's maturity was refused on HEAD already (BillTenderInvalidTerm); now with the evidence (BillTenderClosesAfterMaturity)", async function () {
      const f = await loadBillLedger();
      const maturity = BigInt(f.billTerms.maturityDate);
      for (const closesAt of [maturity, maturity + DAY]) {
        await expect(f.billTender.openTender(BILL_TENDER_REF, { bill: await f.bill.getAddress(), faceOffered: 20n * BILL_DENOMINATION, closesAt }))
          .to.be.revertedWithCustomError(f.billTender, "BillTenderClosesAfterMaturity")
          .withArgs(closesAt, maturity);
      }
      expect((await f.billTender.tenderOf(BILL_TENDER_REF)).state).to.equal(STATE.None);
    });

    it("T20-1: a central bank that never allots: each bid is reclaimable from the close + ALLOTMENT_WINDOW, once, and the lapsed tender can no longer be allotted", async function () {
      const f = await loadBillLedger();
      const tender = await f.billTender.getAddress();
      const tenor = f.billTerms.tenorDays;
      expect(await f.billTender.ALLOTMENT_WINDOW()).to.equal(WINDOW);
      const closesAt = await openBillTender(f);
      const start = await billBook(f);
      await billBid(f, "harbourBank", 600n, 340n);
      await billBid(f, "victoriaBank", 500n, 345n);
      const harbour = f.participants.harbourBank;

      await at(closesAt);
      await expect(f.billTender.connect(harbour.signer).withdrawBid(BILL_TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderClosed")
        .withArgs(BILL_TENDER_REF, closesAt);
      await at(closesAt + WINDOW - 1n);
      await expect(f.billTender.connect(harbour.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidNotReclaimable")
        .withArgs(BILL_TENDER_REF, 0n, closesAt + WINDOW);
      await expect(f.billTender.connect(f.participants.victoriaBank.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillNotBidder")
        .withArgs(f.participants.victoriaBank.address, BILL_TENDER_REF, 0n);

      await at(closesAt + WINDOW);
      const before = await billBook(f);
      await expect(f.billTender.connect(harbour.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.emit(f.billTender, "BillBidReclaimed")
        .withArgs(BILL_TENDER_REF, harbour.address, 0n)
        .and.to.emit(f.billTender, "BillBidRefunded")
        .withArgs(BILL_TENDER_REF, harbour.address, 0n, costOf(600n, 340n, tenor));
      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:harbourBank": costOf(600n, 340n, tenor),
        "wHKD:billTender": -costOf(600n, 340n, tenor),
      });
      await expect(f.billTender.connect(harbour.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillNotBidder")
        .withArgs(harbour.address, BILL_TENDER_REF, 0n);

      // The tender lapsed with the window: the HKMA cannot allot late; Victoria reclaims its bid too.
      await expect(f.billTender.allotTender(BILL_TENDER_REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderAllotmentLapsed")
        .withArgs(BILL_TENDER_REF, closesAt + WINDOW);
      await expect(f.billTender.connect(f.participants.victoriaBank.signer).reclaimBid(BILL_TENDER_REF, 1n))
        .to.emit(f.billTender, "BillBidRefunded")
        .withArgs(BILL_TENDER_REF, f.participants.victoriaBank.address, 1n, costOf(500n, 345n, tenor));
      expect(changes(start, await billBook(f))).to.deep.equal({});
      expect(await f.wcbdc.balanceOf(tender)).to.equal(0n);
    });

    it("T20-4: a bill tender the HKMA froze on the bill no longer mints allotments (AccountFrozen, asset leg); its bidders reclaim after the window", async function () {
      // Demonstrated against HEAD e6fb74f: ExchangeFundBill.mint checks the allottee's freeze, not the
      // minter's; the frozen tender issued the bills.
      const f = await loadBillLedger();
      const tender = await f.billTender.getAddress();
      const tenor = f.billTerms.tenorDays;
      const closesAt = await openBillTender(f);
      const start = await billBook(f);
      await billBid(f, "harbourBank", 600n, 340n);
      await billBid(f, "lionRockBank", 700n, 350n);
      await mined(f.bill.setFrozen(tender, true));
      await at(closesAt);
      const before = await billBook(f);
      await expect(f.billTender.allotTender(BILL_TENDER_REF))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(...frozenAgentFailure(f.bill.interface, await f.bill.getAddress(), tender));
      expect(changes(before, await billBook(f))).to.deep.equal({});
      expect((await f.billTender.tenderOf(BILL_TENDER_REF)).state).to.equal(STATE.Open);

      await at(closesAt + WINDOW);
      await expect(f.billTender.connect(f.participants.harbourBank.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.emit(f.billTender, "BillBidRefunded")
        .withArgs(BILL_TENDER_REF, f.participants.harbourBank.address, 0n, costOf(600n, 340n, tenor));
      await expect(f.billTender.connect(f.participants.lionRockBank.signer).reclaimBid(BILL_TENDER_REF, 1n))
        .to.emit(f.billTender, "BillBidRefunded")
        .withArgs(BILL_TENDER_REF, f.participants.lionRockBank.address, 1n, costOf(700n, 350n, tenor));
      expect(changes(start, await billBook(f))).to.deep.equal({});
    });

    it("T20-4: a bill tender frozen on the bill takes no more bids it could never allot (AccountFrozen, asset leg): nothing recorded, nothing moved", async function () {
      const f = await loadBillLedger();
      const tender = await f.billTender.getAddress();
      await openBillTender(f);
      await mined(f.bill.setFrozen(tender, true));
      const before = await billBook(f);
      await expect(billBid(f, "harbourBank", 600n, 340n))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(...frozenAgentFailure(f.bill.interface, await f.bill.getAddress(), tender));
      expect(changes(before, await billBook(f))).to.deep.equal({});
      expect(await f.billTender.bidsOf(BILL_TENDER_REF)).to.have.length(0);
      await mined(f.bill.setFrozen(tender, false));
      await billBid(f, "harbourBank", 600n, 340n);
      expect(await f.billTender.bidsOf(BILL_TENDER_REF)).to.have.length(1);
    });

    it("T20-5: after the bill's maturity (no allotment possible) a bidder had no way to its custody; now it reclaims from the maturity, even inside the allotment window", async function () {
      // Demonstrated against HEAD e6fb74f: a tender closing shortly before its bill's maturity and not
      // allotted in time: from the maturity allotTender fails (BillMatured), withdrawBid refuses
      // (BillTenderClosed), and only the central bank's cancelTender returned the custody.
      const f = await loadBillLedger();
      const { bill, maturity } = await shortBill(f);
      const billAddress = await bill.getAddress();
      const ref = encodeBytes32String("M-TENDER-T20-5");
      const closesAt = await openBillTender(f, bill, ref);
      expect(closesAt + WINDOW).to.be.greaterThan(maturity); // the bill matures inside the window
      const start = await billBook(f);
      await billBid(f, "harbourBank", 10n, 340n, ref, 2);
      await billBid(f, "victoriaBank", 20n, 350n, ref, 2);
      const harbour = f.participants.harbourBank;

      await at(maturity - 1n);
      await expect(f.billTender.connect(harbour.signer).reclaimBid(ref, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidNotReclaimable")
        .withArgs(ref, 0n, maturity);
      await at(maturity);
      await expect(f.billTender.connect(harbour.signer).withdrawBid(ref, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderClosed")
        .withArgs(ref, closesAt);
      await expect(f.billTender.allotTender(ref))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(reasonOf("Matured"), legOf("Asset"), billAddress, bill.interface.encodeErrorResult("BillMatured", [maturity]));
      await expect(f.billTender.connect(harbour.signer).reclaimBid(ref, 0n))
        .to.emit(f.billTender, "BillBidReclaimed")
        .withArgs(ref, harbour.address, 0n)
        .and.to.emit(f.billTender, "BillBidRefunded")
        .withArgs(ref, harbour.address, 0n, costOf(10n, 340n, 2));
      await expect(f.billTender.connect(f.participants.victoriaBank.signer).reclaimBid(ref, 1n))
        .to.emit(f.billTender, "BillBidRefunded")
        .withArgs(ref, f.participants.victoriaBank.address, 1n, costOf(20n, 350n, 2));
      expect(changes(start, await billBook(f))).to.deep.equal({});
      expect(await f.wcbdc.balanceOf(await f.billTender.getAddress())).to.equal(0n);
    });

    it("T20-5: long after maturity the 91-day bill's unallotted bids are still reclaimable (and their parked refunds claimable)", async function () {
      const f = await loadBillLedger();
      const tenor = f.billTerms.tenorDays;
      const lionRock = f.participants.lionRockBank;
      await openBillTender(f);
      const start = await billBook(f);
      await billBid(f, "lionRockBank", 700n, 350n);
      await mined(f.wcbdc.setFrozen(lionRock.address, true));
      await time.increaseTo(BigInt(f.billTerms.maturityDate) + 30n * DAY);
      await expect(f.billTender.connect(lionRock.signer).reclaimBid(BILL_TENDER_REF, 0n))
        .to.emit(f.billTender, "BillBidRefundParked")
        .withArgs(BILL_TENDER_REF, lionRock.address, 0n, costOf(700n, 350n, tenor));
      await mined(f.wcbdc.setFrozen(lionRock.address, false));
      await expect(f.billTender.connect(lionRock.signer).claimRefund(BILL_TENDER_REF))
        .to.emit(f.billTender, "BillBidRefundClaimed")
        .withArgs(BILL_TENDER_REF, lionRock.address, costOf(700n, 350n, tenor));
      expect(changes(start, await billBook(f))).to.deep.equal({});
    });
  });
});
