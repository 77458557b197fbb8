import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import type { BillLedger } from "../../src/chain/deploy-bills.js";
import {
  BILL_DENOMINATION,
  MINIMUM_BID_FACE,
  allotBills,
  billPrice,
  type BillBid,
} from "../../src/domain/exchange-fund-bills.js";
import { jurisdictionBytes2, ParticipantKind } from "../../src/domain/participants.js";
import { FAILURE_REASON } from "../../src/domain/trade.js";
import { ExchangeFundBill__factory } from "../../typechain-types/index.js";
import { BILL_TENDER_REF as REF, DAY, billBid, billBook, changes, ethers, loadBillLedger, mined, networkHelpers } from "../helpers/bill-fixture.js";

/**
 * Exchange Fund Bills by competitive tender on a bid-yield basis (contracts/settlement/BillTender.sol):
 * the HKMA opens a tender for HK$100,000,000 of face value (2,000 units of HK$50,000) of a 91-day
 * bill; banks bid a face amount and a yield; after the close the HKMA allots lowest yield first, pro
 * rata at the cut-off yield in whole units (leftover units one each in submission order), and every
 * allottee pays the price its own yield implies, DvP against wCBDC, all or nothing. Bids are firm:
 * each bid's cost (units × its yield's price) moves into the tender's custody when it is submitted;
 * the allotment pays the HKMA from custody and returns every bid's unallotted cost (parked for the
 * bidder to claim when wCBDC would refuse it), as do withdrawal, rejection and cancellation.
 *
 * The default book (`bookOfBids`), units and yields:
 *   0 Harbour Bank    600 at 3.40%   accepted in full
 *   1 Victoria Bank   500 at 3.45%   accepted in full
 *   2 Lion Rock Bank  700 at 3.50%   cut-off: 900 units remain for 1,110 asked →
 *   3 Harbour Bank    410 at 3.50%     floor(700×900/1110) = 567 (+1 leftover) = 568; floor(410×900/1110) = 332
 *   4 Victoria Bank   300 at 3.60%   not accepted
 */

const { time } = networkHelpers;

type Bank = "harbourBank" | "victoriaBank" | "lionRockBank";

const UNITS_OFFERED = 2_000n;
const FACE_OFFERED = UNITS_OFFERED * BILL_DENOMINATION;
const STATE = { None: 0n, Open: 1n, Allotted: 2n, Cancelled: 3n } as const;
const LEG = { Asset: 0n, Cash: 1n, Interbank: 2n } as const;
const FULL = 1_000_000n;

const BOOK: readonly (readonly [Bank, bigint, bigint])[] = [
  ["harbourBank", 600n, 340n],
  ["victoriaBank", 500n, 345n],
  ["lionRockBank", 700n, 350n],
  ["harbourBank", 410n, 350n],
  ["victoriaBank", 300n, 360n],
];

interface Fixture extends BillLedger {
  readonly closesAt: bigint;
  readonly tenderAddress: string;
  readonly billAddress: string;
  readonly wcbdcAddress: string;
}

async function load(): Promise<Fixture> {
  const f = await loadBillLedger();
  return {
    ...f,
    closesAt: BigInt(await time.latest()) + DAY / 2n,
    tenderAddress: await f.billTender.getAddress(),
    billAddress: await f.bill.getAddress(),
    wcbdcAddress: await f.wcbdc.getAddress(),
  };
}

async function open(f: Fixture, ref: string = REF, faceOffered: bigint = FACE_OFFERED): Promise<void> {
  await mined(f.billTender.openTender(ref, { bill: f.billAddress, faceOffered, closesAt: f.closesAt }));
}

/** `bank` approves the tender for what the bid can cost (units × its yield's price) and bids. */
async function bid(f: Fixture, bank: Bank, units: bigint, yieldBps: bigint, ref: string = REF): Promise<void> {
  await billBid(f, bank, units, yieldBps, ref);
}

async function bookOfBids(f: Fixture): Promise<void> {
  await open(f);
  for (const [bank, units, yieldBps] of BOOK) await bid(f, bank, units, yieldBps);
}

async function toClose(f: Fixture): Promise<void> {
  if (BigInt(await time.latest()) < f.closesAt) await time.increaseTo(f.closesAt);
}

const price = (yieldBps: bigint, f: Fixture): bigint => billPrice(BILL_DENOMINATION, yieldBps, f.billTerms.tenorDays);

/** `bank` raises its wCBDC allowance to the tender by `amount` (what the bids it is about to submit cost). */
async function approveFor(f: Fixture, bank: Bank, amount: bigint): Promise<void> {
  const p = f.participants[bank];
  const allowance = await f.wcbdc.allowance(p.address, f.tenderAddress);
  await mined(f.wcbdc.connect(p.signer).approve(f.tenderAddress, allowance + amount));
}

/** What the tender holds in wCBDC. */
async function custody(f: Fixture): Promise<bigint> {
  return f.wcbdc.balanceOf(f.tenderAddress);
}

describe("BillTender (Exchange Fund Bills by bid-yield tender)", function () {
  describe("opening", function () {
    it("only the central bank of the engine's wCBDC opens a tender", async function () {
      const f = await load();
      const terms = { bill: f.billAddress, faceOffered: FACE_OFFERED, closesAt: f.closesAt };
      await expect(f.billTender.connect(f.participants.government.signer).openTender(REF, terms))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotCentralBank")
        .withArgs(f.participants.government.address, f.wcbdcAddress);
      await expect(f.billTender.openTender(REF, terms))
        .to.emit(f.billTender, "BillTenderOpened")
        .withArgs(REF, f.billAddress, f.participants.hkma.address, [f.billAddress, FACE_OFFERED, f.closesAt]);
      const tender = await f.billTender.tenderOf(REF);
      expect(tender.state).to.equal(STATE.Open);
      expect(tender.centralBank).to.equal(f.participants.hkma.address);
      expect(tender.cashToken).to.equal(f.wcbdcAddress);
      expect(tender.denomination).to.equal(BILL_DENOMINATION);
      expect(tender.tenorDays).to.equal(91n);
      await expect(f.billTender.openTender(REF, terms))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderAlreadyExists")
        .withArgs(REF);
    });

    it("refuses unusable terms, naming the term", async function () {
      const f = await load();
      const ref = encodeBytes32String("BAD");
      const good = { bill: f.billAddress, faceOffered: FACE_OFFERED, closesAt: f.closesAt };
      const cases: [Partial<typeof good>, string][] = [
        [{ faceOffered: 0n }, "faceOffered"],
        [{ faceOffered: FACE_OFFERED + 1n }, "faceOffered"],
        [{ closesAt: BigInt(await time.latest()) }, "closesAt"],
        [{ bill: f.participants.harbourBank.address }, "bill"],
      ];
      for (const [override, term] of cases) {
        await expect(f.billTender.openTender(ref, { ...good, ...override }))
          .to.be.revertedWithCustomError(f.billTender, "BillTenderInvalidTerm")
          .withArgs(term);
      }
      // A close at the maturity: the bill could never be issued (finding T20-2, test/security/TenderCustodyAttacks.ts).
      const maturity = BigInt(f.billTerms.maturityDate);
      await expect(f.billTender.openTender(ref, { ...good, closesAt: maturity }))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderClosesAfterMaturity")
        .withArgs(maturity, maturity);
      // The green bond is paid in wHKD, but the HKMA is not its central bank: not a bill of this tender.
      await expect(f.billTender.openTender(ref, { ...good, bill: await f.bond.getAddress() }))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotCentralBank")
        .withArgs(f.participants.hkma.address, await f.bond.getAddress());
    });

    it("refuses a bill the tender may not issue", async function () {
      const f = await load();
      const other = await new ExchangeFundBill__factory(f.participants.hkma.signer).deploy(
        {
          issueNumber: "M2612",
          issueDate: f.billTerms.issueDate,
          maturityDate: f.billTerms.issueDate + 28 * 86_400,
          denomination: BILL_DENOMINATION,
          currency: "HKD",
          cashToken: f.wcbdcAddress,
        },
        "Exchange Fund Bill M2612 (28-day)",
        "M2612",
        await f.registry.getAddress(),
        f.participants.hkma.address,
      );
      const otherTerms = { bill: await other.getAddress(), faceOffered: FACE_OFFERED, closesAt: f.closesAt };
      await expect(f.billTender.openTender(REF, otherTerms))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderInvalidTerm")
        .withArgs("issuerRole");
      // Appointed as issuer but not registered on the ledger: no tender, whatever the bill says of itself.
      await mined(other.grantRole(await other.ISSUER_ROLE(), await f.billTender.getAddress()));
      await expect(f.billTender.openTender(REF, otherTerms))
        .to.be.revertedWithCustomError(f.registry, "ParticipantNotRegistered")
        .withArgs(otherTerms.bill);
      // Registered, but as a dealer rather than as ledger infrastructure: refused too.
      const kyc = BigInt(await time.latest()) + 365n * 86_400n;
      await mined(f.registry.registerParticipant(otherTerms.bill, ParticipantKind.Dealer, jurisdictionBytes2("HK"), kyc));
      await expect(f.billTender.openTender(REF, otherTerms))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderInvalidTerm")
        .withArgs("registration");
    });

    it("stops while the settlement engine is paused", async function () {
      const f = await load();
      await mined(f.engine.pause());
      await expect(
        f.billTender.openTender(REF, { bill: f.billAddress, faceOffered: FACE_OFFERED, closesAt: f.closesAt }),
      ).to.be.revertedWithCustomError(f.billTender, "EnforcedPause");
    });
  });

  describe("bidding", function () {
    it("records a bid at the price its yield implies", async function () {
      const f = await load();
      await open(f);
      const p = f.participants.harbourBank;
      await approveFor(f, "harbourBank", 600n * price(340n, f));
      const before = await billBook(f);
      await expect(f.billTender.connect(p.signer).submitBid(REF, 600n * BILL_DENOMINATION, 340n))
        .to.emit(f.billTender, "BillBidSubmitted")
        .withArgs(REF, p.address, 0n, 600n * BILL_DENOMINATION, 340n, price(340n, f));
      // The bid is firm: its cost at its own yield's price moved into the tender's custody.
      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:harbourBank": -600n * price(340n, f),
        "wHKD:billTender": 600n * price(340n, f),
      });
      expect(await f.wcbdc.allowance(p.address, f.tenderAddress)).to.equal(0n);
      const [b] = await f.billTender.bidsOf(REF);
      expect([b.bidder, b.units, b.yieldBps, b.pricePerUnit, b.unitsAllotted]).to.deep.equal([
        p.address,
        600n,
        340n,
        price(340n, f),
        0n,
      ]);
    });

    it("refuses a bid below HK$500,000, not a multiple of HK$50,000, above the offer or at an impossible yield; nothing moves", async function () {
      const f = await load();
      await open(f);
      const bank = f.participants.victoriaBank.signer;
      await approveFor(f, "victoriaBank", 10n * price(340n, f));
      const before = await billBook(f);
      await expect(f.billTender.connect(bank).submitBid(REF, MINIMUM_BID_FACE - BILL_DENOMINATION, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidBelowMinimum")
        .withArgs(MINIMUM_BID_FACE - BILL_DENOMINATION, MINIMUM_BID_FACE);
      await expect(f.billTender.connect(bank).submitBid(REF, MINIMUM_BID_FACE + 1n, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidNotMultipleOfDenomination")
        .withArgs(MINIMUM_BID_FACE + 1n, BILL_DENOMINATION);
      await expect(f.billTender.connect(bank).submitBid(REF, FACE_OFFERED + BILL_DENOMINATION, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidAboveOffer")
        .withArgs(FACE_OFFERED + BILL_DENOMINATION, FACE_OFFERED);
      await expect(f.billTender.connect(bank).submitBid(REF, MINIMUM_BID_FACE, 10_001n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidYieldOutOfRange")
        .withArgs(10_001n, 10_000n);
      expect(changes(before, await billBook(f))).to.deep.equal({});
      await f.billTender.connect(bank).submitBid(REF, MINIMUM_BID_FACE, 340n); // the minimum itself is fine
      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:victoriaBank": -10n * price(340n, f),
        "wHKD:billTender": 10n * price(340n, f),
      });
      expect(await f.billTender.bidsOf(REF)).to.have.length(1);
    });

    it("refuses a bidder that cannot pay in wCBDC or hold the bill, with the token's own error", async function () {
      const f = await load();
      await open(f);
      const dealer = f.participants.kowloonDealer;
      await expect(f.billTender.connect(dealer.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale")
        .withArgs(dealer.address, 3n);
      const [outsider] = (await ethers.getSigners()).slice(15);
      await expect(f.billTender.connect(outsider).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.wcbdc, "ParticipantNotRegistered")
        .withArgs(outsider.address);
      const lionRock = f.participants.lionRockBank;
      await mined(f.bill.setFrozen(lionRock.address, true));
      await expect(f.billTender.connect(lionRock.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.bill, "AccountFrozen")
        .withArgs(lionRock.address);
    });

    it("refuses bids at and after the close", async function () {
      const f = await load();
      await open(f);
      await toClose(f);
      await expect(f.billTender.connect(f.participants.harbourBank.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderClosed")
        .withArgs(REF, f.closesAt);
      await expect(f.billTender.connect(f.participants.harbourBank.signer).withdrawBid(REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderClosed")
        .withArgs(REF, f.closesAt);
    });

    it("holds at most five bids per bidder", async function () {
      const f = await load();
      await open(f);
      const bank = f.participants.harbourBank;
      await approveFor(f, "harbourBank", 6n * 10n * price(340n, f));
      for (let i = 0; i < 5; i++) await f.billTender.connect(bank.signer).submitBid(REF, MINIMUM_BID_FACE, 340n);
      await expect(f.billTender.connect(bank.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillTooManyBidsFromBidder")
        .withArgs(REF, bank.address, 5n);
    });

    it("a bidder withdraws its own bid before the close, never another's", async function () {
      const f = await load();
      await open(f);
      const before = await billBook(f);
      await bid(f, "harbourBank", 600n, 340n);
      await expect(f.billTender.connect(f.participants.victoriaBank.signer).withdrawBid(REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillNotBidder")
        .withArgs(f.participants.victoriaBank.address, REF, 0n);
      await expect(f.billTender.connect(f.participants.harbourBank.signer).withdrawBid(REF, 0n))
        .to.emit(f.billTender, "BillBidWithdrawn")
        .withArgs(REF, f.participants.harbourBank.address, 0n)
        .and.to.emit(f.billTender, "BillBidRefunded")
        .withArgs(REF, f.participants.harbourBank.address, 0n, 600n * price(340n, f));
      expect(changes(before, await billBook(f))).to.deep.equal({}); // its cost came back exactly
      await expect(f.billTender.connect(f.participants.harbourBank.signer).withdrawBid(REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillNotBidder")
        .withArgs(f.participants.harbourBank.address, REF, 0n);
      await toClose(f);
      await mined(f.billTender.allotTender(REF));
      const result = await f.billTender.tenderResult(REF);
      expect(result.amountApplied).to.equal(0n);
      expect(result.amountAllotted).to.equal(0n);
    });
  });

  describe("allotment and settlement", function () {
    it("refuses allotment before the close and by anyone but the central bank", async function () {
      const f = await load();
      await bookOfBids(f);
      await expect(f.billTender.allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotClosed")
        .withArgs(REF, f.closesAt);
      await toClose(f);
      const harbour = f.participants.harbourBank;
      await expect(f.billTender.connect(harbour.signer).allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotCentralBank")
        .withArgs(harbour.address, f.wcbdcAddress);
      await expect(f.billTender.connect(harbour.signer).rejectBid(REF, 0n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotCentralBank")
        .withArgs(harbour.address, f.wcbdcAddress);
      await expect(f.billTender.connect(harbour.signer).cancelTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderNotCentralBank")
        .withArgs(harbour.address, f.wcbdcAddress);
    });

    it("allots lowest yield first, pro rata at the cut-off, each bid paying its own yield's price, DvP", async function () {
      const f = await load();
      const before = await billBook(f);
      await bookOfBids(f);
      // In custody: every bid's full cost at its own yield's price.
      expect(await custody(f)).to.equal(BOOK.reduce((sum, [, units, y]) => sum + units * price(y, f), 0n));
      await toClose(f);
      const tx = f.billTender.allotTender(REF);

      const expected = [600n, 500n, 568n, 332n, 0n];
      const model = allotBills(
        BOOK.map(([, units, yieldBps]): BillBid => ({ units, yieldBps })),
        UNITS_OFFERED,
        BILL_DENOMINATION,
        91,
      );
      expect(model.unitsAllotted).to.deep.equal(expected);

      const cost = BOOK.map(([, , y], i) => expected[i] * price(y, f));
      for (const [i, [bank, , yieldBps]] of BOOK.entries()) {
        if (expected[i] === 0n) continue;
        await expect(tx)
          .to.emit(f.billTender, "BillAllotted")
          .withArgs(f.billAddress, REF, f.participants[bank].address, BigInt(i), expected[i], expected[i] * BILL_DENOMINATION, yieldBps, cost[i]);
      }
      const proceeds = cost.reduce((a, b) => a + b, 0n);
      expect(proceeds).to.equal(model.proceeds);
      // What each bid did not get comes back: bid 2 (Lion Rock) 132 units, bid 3 (Harbour) 78, bid 4 (Victoria) all 300.
      for (const [i, [bank, units, yieldBps]] of BOOK.entries()) {
        if (expected[i] === units) continue;
        await expect(tx)
          .to.emit(f.billTender, "BillBidRefunded")
          .withArgs(REF, f.participants[bank].address, BigInt(i), (units - expected[i]) * price(yieldBps, f));
      }

      // average yield accepted = (600×340 + 500×345 + 900×350) / 2,000 = 345.75 bp → 34,575 hundredths
      // average tender yield = (600×340 + 500×345 + 1,110×350 + 300×360) / 2,510 = 347.808… bp → 34,780
      const result = await f.billTender.tenderResult(REF);
      expect(result.amountApplied).to.equal(2_510n * BILL_DENOMINATION);
      expect(result.amountAllotted).to.equal(FACE_OFFERED);
      expect(result.highestYieldAccepted).to.equal(350n);
      expect(result.averageYieldAccepted).to.equal(34_575n);
      expect(result.averageTenderYield).to.equal(34_780n);
      expect(result.averageTenderYield).to.equal(model.averageTenderYield);
      expect(result.averageYieldAccepted).to.equal(model.averageYieldAccepted);
      expect(result.proRataRatio).to.equal((900n * FULL) / 1_110n);
      expect(result.proRataRatio).to.equal(model.proRataRatio);
      expect(result.proceeds).to.equal(proceeds);
      await expect(tx).to.emit(f.billTender, "BillTenderAllotted");

      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:harbourBank": -(cost[0] + cost[3]),
        "wHKD:victoriaBank": -cost[1],
        "wHKD:lionRockBank": -cost[2],
        "wHKD:hkma": proceeds,
        "bill:harbourBank": expected[0] + expected[3],
        "bill:victoriaBank": expected[1],
        "bill:lionRockBank": expected[2],
        "bill:supply": UNITS_OFFERED,
      });
      // Never above the bid's own price × units.
      const bids = await f.billTender.bidsOf(REF);
      for (const b of bids) expect(b.unitsAllotted * b.pricePerUnit <= b.units * b.pricePerUnit).to.equal(true);
      expect((await f.billTender.tenderOf(REF)).state).to.equal(STATE.Allotted);
      expect(await custody(f)).to.equal(0n); // the tender keeps nothing
      await expect(f.billTender.allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderInWrongState")
        .withArgs(REF, STATE.Allotted);
    });

    it("allots in full when bids ask for less than the offer (ratio 100%), never more than offered", async function () {
      const f = await load();
      await open(f);
      await bid(f, "harbourBank", 600n, 340n);
      await bid(f, "lionRockBank", 400n, 355n);
      await toClose(f);
      await mined(f.billTender.allotTender(REF));
      const result = await f.billTender.tenderResult(REF);
      expect(result.amountAllotted).to.equal(1_000n * BILL_DENOMINATION);
      expect(result.highestYieldAccepted).to.equal(355n);
      expect(result.proRataRatio).to.equal(FULL);
      expect(await f.bill.totalSupply()).to.equal(1_000n);
    });

    it("a bidder that pays its wCBDC away after bidding cannot fail the allotment: its bid settles from custody", async function () {
      const f = await load();
      const before = await billBook(f);
      await bookOfBids(f);
      // Lion Rock Bank hands all its remaining wCBDC to the central bank before the allotment.
      const lionRock = f.participants.lionRockBank;
      const rest = await f.wcbdc.balanceOf(lionRock.address);
      await mined(f.wcbdc.connect(lionRock.signer).transfer(f.participants.hkma.address, rest));
      await toClose(f);
      await mined(f.billTender.allotTender(REF));
      const bids = await f.billTender.bidsOf(REF);
      expect(bids.map((b) => b.unitsAllotted)).to.deep.equal([600n, 500n, 568n, 332n, 0n]);
      expect(await f.bill.balanceOf(lionRock.address)).to.equal(568n);
      // It paid 568 units at 3.50% and got the other 132 units' cost back.
      expect(changes(before, await billBook(f))["wHKD:lionRockBank"]).to.equal(-rest - 568n * price(350n, f));
      expect(await custody(f)).to.equal(0n);
    });

    it("a bidder frozen on the bill cannot be allotted: the allotment fails with nothing moved; rejected, its cost comes back and the rest settles", async function () {
      const f = await load();
      const start = await billBook(f);
      await bookOfBids(f);
      const lionRock = f.participants.lionRockBank;
      await mined(f.bill.setFrozen(lionRock.address, true));
      await toClose(f);
      const before = await billBook(f);
      await expect(f.billTender.allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(BigInt(FAILURE_REASON.indexOf("AccountFrozen")), LEG.Asset, f.billAddress, (data: string) => data.length > 2);
      expect(changes(before, await billBook(f))).to.deep.equal({});
      expect((await f.billTender.tenderOf(REF)).state).to.equal(STATE.Open);

      await expect(f.billTender.rejectBid(REF, 2n))
        .to.emit(f.billTender, "BillBidRejected")
        .withArgs(REF, lionRock.address, 2n)
        .and.to.emit(f.billTender, "BillBidRefunded")
        .withArgs(REF, lionRock.address, 2n, 700n * price(350n, f));
      await expect(f.billTender.rejectBid(REF, 2n))
        .to.be.revertedWithCustomError(f.billTender, "BillBidNotLive")
        .withArgs(REF, 2n);
      await mined(f.billTender.allotTender(REF));
      // Without Lion Rock's 700, the offer covers every other bid: 600 + 500 + 410 + 300 = 1,810 units.
      const bids = await f.billTender.bidsOf(REF);
      expect(bids.map((b) => b.unitsAllotted)).to.deep.equal([600n, 500n, 0n, 410n, 300n]);
      expect(await f.bill.balanceOf(lionRock.address)).to.equal(0n);
      expect(changes(start, await billBook(f))["wHKD:lionRockBank"]).to.equal(undefined); // all of it came back
      expect(await custody(f)).to.equal(0n);
    });

    it("an allotment left until the bill has matured, long after the allotment window, fails: the tender lapsed (BillTenderAllotmentLapsed), nothing moved", async function () {
      // A maturity inside the window fails the mint itself (Matured): test/security/TenderCustodyAttacks.ts, T20-5.
      const f = await load();
      await bookOfBids(f);
      await time.increaseTo(f.billTerms.maturityDate);
      const before = await billBook(f);
      const lapsedAt = (await f.billTender.tenderOf(REF)).terms.closesAt + (await f.billTender.ALLOTMENT_WINDOW());
      await expect(f.billTender.allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderAllotmentLapsed")
        .withArgs(REF, lapsedAt);
      expect(changes(before, await billBook(f))).to.deep.equal({});
      expect((await f.billTender.tenderOf(REF)).state).to.equal(STATE.Open);
    });

    it("a bid without allowance or cash is refused at the bid (MissingApproval, MONY), nothing recorded or moved", async function () {
      const f = await load();
      await open(f);
      const victoria = f.participants.victoriaBank;
      const before = await billBook(f);
      const cost = 10n * price(340n, f);
      await expect(f.billTender.connect(victoria.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(
          BigInt(FAILURE_REASON.indexOf("MissingApproval")),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.tenderAddress, 0n, cost]),
        );
      // Approved, but with all its wCBDC paid away.
      await approveFor(f, "victoriaBank", cost);
      const balance = await f.wcbdc.balanceOf(victoria.address);
      await mined(f.wcbdc.connect(victoria.signer).transfer(f.participants.hkma.address, balance));
      await expect(f.billTender.connect(victoria.signer).submitBid(REF, MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(
          BigInt(FAILURE_REASON.indexOf("InsufficientCash")),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [victoria.address, 0n, cost]),
        );
      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:victoriaBank": -balance,
        "wHKD:hkma": balance,
      });
      expect(await f.billTender.bidsOf(REF)).to.have.length(0);
    });

    it("parks the refund of a bidder frozen on wCBDC since it bid, allots everyone else, and lets it claim once unfrozen", async function () {
      const f = await load();
      const start = await billBook(f);
      await bookOfBids(f);
      const victoria = f.participants.victoriaBank;
      await mined(f.wcbdc.setFrozen(victoria.address, true)); // HKMA freezes Victoria Bank on wCBDC
      await toClose(f);
      // Victoria's bid 1 (500 at 3.45%) is allotted in full from custody; bid 4 (300 at 3.60%) gets
      // nothing and its whole cost is parked.
      const parked = 300n * price(360n, f);
      await expect(f.billTender.allotTender(REF))
        .to.emit(f.billTender, "BillBidRefundParked")
        .withArgs(REF, victoria.address, 4n, parked);
      expect(await f.bill.balanceOf(victoria.address)).to.equal(500n);
      expect(await f.billTender.refundOf(REF, victoria.address)).to.equal(parked);
      // The invariant: after allotment the tender holds exactly the parked refunds.
      expect(await custody(f)).to.equal(parked);
      await expect(f.billTender.connect(victoria.signer).claimRefund(REF))
        .to.be.revertedWithCustomError(f.billTender, "SettlementLegFailed")
        .withArgs(
          BigInt(FAILURE_REASON.indexOf("AccountFrozen")),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("AccountFrozen", [victoria.address]),
        );
      await mined(f.wcbdc.setFrozen(victoria.address, false));
      await expect(f.billTender.connect(victoria.signer).claimRefund(REF))
        .to.emit(f.billTender, "BillBidRefundClaimed")
        .withArgs(REF, victoria.address, parked);
      expect(changes(start, await billBook(f))["wHKD:victoriaBank"]).to.equal(-500n * price(345n, f));
      expect(await custody(f)).to.equal(0n);
      await expect(f.billTender.connect(victoria.signer).claimRefund(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillBidRefundNotOwed")
        .withArgs(REF, victoria.address);
    });

    it("refuses a claim where nothing is owed (BillBidRefundNotOwed)", async function () {
      const f = await load();
      await expect(f.billTender.connect(f.participants.harbourBank.signer).claimRefund(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillBidRefundNotOwed")
        .withArgs(REF, f.participants.harbourBank.address);
    });

    it("the central bank cancels an open tender, returning every bid's cost (a frozen bidder's parked); nothing can be done with it afterwards", async function () {
      const f = await load();
      const before = await billBook(f);
      await bookOfBids(f);
      const lionRock = f.participants.lionRockBank;
      await mined(f.registry.setFrozen(lionRock.address, true)); // frozen in the registry since it bid
      await expect(f.billTender.cancelTender(REF))
        .to.emit(f.billTender, "BillTenderCancelled")
        .withArgs(REF)
        .and.to.emit(f.billTender, "BillBidRefundParked")
        .withArgs(REF, lionRock.address, 2n, 700n * price(350n, f))
        .and.to.emit(f.billTender, "BillBidRefunded")
        .withArgs(REF, f.participants.harbourBank.address, 3n, 410n * price(350n, f));
      expect(changes(before, await billBook(f))).to.deep.equal({
        "wHKD:lionRockBank": -700n * price(350n, f),
        "wHKD:billTender": 700n * price(350n, f),
      });
      expect(await custody(f)).to.equal(await f.billTender.refundOf(REF, lionRock.address));
      await toClose(f);
      await expect(f.billTender.allotTender(REF))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderInWrongState")
        .withArgs(REF, STATE.Cancelled);
      await expect(f.billTender.connect(f.participants.harbourBank.signer).submitBid(encodeBytes32String("NONE"), MINIMUM_BID_FACE, 340n))
        .to.be.revertedWithCustomError(f.billTender, "BillTenderInWrongState")
        .withArgs(encodeBytes32String("NONE"), STATE.None);
      expect(await f.bill.totalSupply()).to.equal(0n);
    });
  });
});
