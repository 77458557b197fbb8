import { expect } from "chai";
import { ZeroAddress } from "ethers";

import type { FailureReasonName, Trade, TradeStatusName } from "../../src/domain/trade.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  BOND_ALLOTMENT,
  DAY,
  LEG_FAILURES,
  chainNow,
  changes,
  dvpMoves,
  legOf,
  loadSettlementLedger,
  mined,
  partiesOf,
  reasonOf,
  statusOf,
  tradeIdOf,
  tradeTuple,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";

/**
 * Instruction matching (contracts/settlement/InstructionMatching.sol): the seller and the buyer each
 * instruct the same DvP trade; identical instructions match (ISO 20022 MACH) and a due matched trade
 * settles both legs in the same transaction. A due trade that cannot settle stays `Failed` with its
 * pending-failing reason (PENF + LACK, MONY, BLOC, …), moves nothing, and may be retried until it
 * expires. Either party cancels an unmatched trade alone; once matched, a trade is cancelled only
 * when both parties asked (CANI from both sides). Every case runs on the funded Hong Kong ledger of
 * test/helpers/settlement-fixture.ts: by default Kowloon Dealer sells 10 green-bond units to Peak
 * Asset Management for HKD 497,500.00, both paying in Harbour Bank deposits.
 */

const { time } = networkHelpers;

/** Asserts the engine's stored record of `trade`, every field (cancellation requests default to none). */
async function expectRecord(
  f: SettlementLedger,
  trade: Trade,
  expected: {
    status: TradeStatusName;
    reason?: FailureReasonName;
    sellerInstructed: boolean;
    buyerInstructed: boolean;
    sellerCancelRequested?: boolean;
    buyerCancelRequested?: boolean;
  },
): Promise<void> {
  const record = await f.engine.tradeRecord(tradeIdOf(trade));
  expect({
    status: record.status,
    reason: record.reason,
    sellerInstructed: record.sellerInstructed,
    buyerInstructed: record.buyerInstructed,
    sellerCancelRequested: record.sellerCancelRequested,
    buyerCancelRequested: record.buyerCancelRequested,
  }).to.deep.equal({
    status: statusOf(expected.status),
    reason: reasonOf(expected.reason ?? "None"),
    sellerInstructed: expected.sellerInstructed,
    buyerInstructed: expected.buyerInstructed,
    sellerCancelRequested: expected.sellerCancelRequested ?? false,
    buyerCancelRequested: expected.buyerCancelRequested ?? false,
  });
}

/** Both sides instruct `trade`, seller first. */
async function match(f: SettlementLedger, trade: Trade): Promise<void> {
  const { seller, buyer } = partiesOf(f, trade);
  await mined(f.engine.connect(seller).instruct(trade));
  await mined(f.engine.connect(buyer).instruct(trade));
}

describe("InstructionMatching (settlement engine)", function () {
  describe("a due trade", function () {
    it("matches and settles in the buyer's instruction when the seller instructed first", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      expect(await f.engine.tradeId(trade)).to.equal(id);

      expect(await f.engine.connect(seller).instruct.staticCall(trade)).to.equal(statusOf("Pending"));
      const first = f.engine.connect(seller).instruct(trade);
      // The terms are published once, with the first instruction.
      await expect(first).to.emit(f.engine, "TradeTermsRecorded").withArgs(id, tradeTuple(trade));
      await expect(first)
        .to.emit(f.engine, "TradeInstructed")
        .withArgs(id, seller.address, true)
        .and.not.to.emit(f.engine, "TradeMatched");
      await expectRecord(f, trade, { status: "Pending", sellerInstructed: true, buyerInstructed: false });

      const before = await f.snapshot();
      expect(await f.engine.connect(buyer).instruct.staticCall(trade)).to.equal(statusOf("Settled"));
      const tx = f.engine.connect(buyer).instruct(trade);
      await expect(tx).to.emit(f.engine, "TradeInstructed").withArgs(id, buyer.address, false);
      await expect(tx).not.to.emit(f.engine, "TradeTermsRecorded");
      await expect(tx).to.emit(f.engine, "TradeMatched").withArgs(id);
      await expect(tx)
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
      await expectRecord(f, trade, { status: "Settled", sellerInstructed: true, buyerInstructed: true });
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:kowloonDealer": -10n,
        "bond:peakAsset": 10n,
        "hbHKD:peakAsset": -49_750_000n,
        "hbHKD:kowloonDealer": 49_750_000n,
      });
    });

    it("matches and settles in the seller's instruction when the buyer instructed first", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);

      const first = f.engine.connect(buyer).instruct(trade);
      await expect(first).to.emit(f.engine, "TradeTermsRecorded").withArgs(id, tradeTuple(trade));
      await expect(first).to.emit(f.engine, "TradeInstructed").withArgs(id, buyer.address, false);
      await expectRecord(f, trade, { status: "Pending", sellerInstructed: false, buyerInstructed: true });

      const before = await f.snapshot();
      const tx = f.engine.connect(seller).instruct(trade);
      await expect(tx).to.emit(f.engine, "TradeInstructed").withArgs(id, seller.address, true);
      await expect(tx).not.to.emit(f.engine, "TradeTermsRecorded");
      await expect(tx).to.emit(f.engine, "TradeMatched").withArgs(id);
      await expect(tx)
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
      await expectRecord(f, trade, { status: "Settled", sellerInstructed: true, buyerInstructed: true });
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
    });

    it("cannot be settled, instructed or cancelled again once settled", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await match(f, trade);

      const before = await f.snapshot();
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Settled"));
      await expect(f.engine.connect(seller).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Settled"));
      await expect(f.engine.connect(buyer).cancel(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Settled"));
      expect(await f.snapshot()).to.deep.equal(before);
    });
  });

  describe("a trade with a future settlement date", function () {
    it("matches without settling, is not due before its date, and settles after it at anyone's call", async function () {
      const f = await loadSettlementLedger();
      const settlementDate = (await chainNow()) + DAY;
      const trade = await f.makeTrade({ settlementDate, expiry: settlementDate + DAY });
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);

      const before = await f.snapshot();
      await mined(f.engine.connect(seller).instruct(trade));
      await expect(f.engine.connect(buyer).instruct(trade))
        .to.emit(f.engine, "TradeMatched")
        .withArgs(id)
        .and.not.to.emit(f.engine, "TradeSettled");
      await expectRecord(f, trade, { status: "Matched", sellerInstructed: true, buyerInstructed: true });

      await expect(f.engine.connect(f.outsider).settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeNotDue")
        .withArgs(id, settlementDate);
      expect(await f.snapshot()).to.deep.equal(before);

      await time.increaseTo(settlementDate);
      // The outsider is on no list of the ledger: settling a matched trade needs no authority.
      await expect(f.engine.connect(f.outsider).settle(trade))
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
      await expectRecord(f, trade, { status: "Settled", sellerInstructed: true, buyerInstructed: true });
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
    });

    it("refuses `settle` while only one side has instructed", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      await mined(f.engine.connect(partiesOf(f, trade).seller).instruct(trade));
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(trade), statusOf("Pending"));
    });

    it("refuses `settle` for a trade nobody instructed", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(trade), statusOf("None"));
    });
  });

  describe("a due trade that cannot settle", function () {
    for (const c of LEG_FAILURES) {
      it(`fails with ${c.reason} when ${c.title}, moving nothing, and settles on retry once fixed`, async function () {
        const f = await loadSettlementLedger();
        const trade = await f.makeTrade(c.overrides === undefined ? {} : await c.overrides(f));
        const id = tradeIdOf(trade);
        const { seller, buyer } = partiesOf(f, trade);
        const refusal = await c.breakRule(f, trade);
        const expectedError = f.engine.interface.encodeErrorResult("SettlementLegFailed", [
          reasonOf(c.reason),
          legOf(c.leg),
          refusal.token,
          refusal.tokenError,
        ]);

        await mined(f.engine.connect(seller).instruct(trade));
        const before = await f.snapshot();
        await expect(f.engine.connect(buyer).instruct(trade))
          .to.emit(f.engine, "TradeSettlementFailed")
          .withArgs(id, reasonOf(c.reason), expectedError)
          .and.not.to.emit(f.engine, "TradeSettled");
        await expectRecord(f, trade, {
          status: "Failed",
          reason: c.reason,
          sellerInstructed: true,
          buyerInstructed: true,
        });
        expect(await f.snapshot()).to.deep.equal(before, "a failed settlement moved a balance");

        // A second attempt before the fix fails the same way, still moving nothing.
        await expect(f.engine.settle(trade))
          .to.emit(f.engine, "TradeSettlementFailed")
          .withArgs(id, reasonOf(c.reason), expectedError);
        expect(await f.snapshot()).to.deep.equal(before, "a failed retry moved a balance");

        await c.fix(f, trade);
        const beforeRetry = await f.snapshot();
        await expect(f.engine.connect(f.outsider).settle(trade))
          .to.emit(f.engine, "TradeSettled")
          .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
        await expectRecord(f, trade, { status: "Settled", sellerInstructed: true, buyerInstructed: true });
        expect(changes(beforeRetry, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
      });
    }
  });

  describe("expiry", function () {
    it("refuses an instruction after the trade's expiry", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now, expiry: now + 60n });
      await time.increaseTo(trade.expiry + 1n);
      await expect(f.engine.connect(partiesOf(f, trade).seller).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeExpired")
        .withArgs(tradeIdOf(trade), trade.expiry);
    });

    it("marks a matched trade Expired (CANS) instead of settling it after its expiry, without reverting", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now + 3_600n, expiry: now + 7_200n });
      const id = tradeIdOf(trade);
      await match(f, trade);
      await time.increaseTo(trade.expiry + 1n);

      const before = await f.snapshot();
      expect(await f.engine.settle.staticCall(trade)).to.equal(statusOf("Expired"));
      await expect(f.engine.connect(f.outsider).settle(trade))
        .to.emit(f.engine, "TradeExpiredUnsettled")
        .withArgs(id)
        .and.not.to.emit(f.engine, "TradeSettled");
      await expectRecord(f, trade, {
        status: "Expired",
        reason: "Expired",
        sellerInstructed: true,
        buyerInstructed: true,
      });
      expect(await f.snapshot()).to.deep.equal(before);
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Expired"));
    });

    it("still settles a matched trade in the block at its expiry (it expires strictly after)", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now + 3_600n, expiry: now + 7_200n });
      await match(f, trade);
      await time.setNextBlockTimestamp(trade.expiry);
      await expect(f.engine.settle(trade)).to.emit(f.engine, "TradeSettled");
      await expectRecord(f, trade, { status: "Settled", sellerInstructed: true, buyerInstructed: true });
    });

    it("marks a failed trade Expired when it is retried after its expiry", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade({ quantity: BOND_ALLOTMENT + 1n });
      await match(f, trade);
      await expectRecord(f, trade, {
        status: "Failed",
        reason: "InsufficientSecurities",
        sellerInstructed: true,
        buyerInstructed: true,
      });
      await time.increaseTo(trade.expiry + 1n);
      await expect(f.engine.settle(trade)).to.emit(f.engine, "TradeExpiredUnsettled").withArgs(tradeIdOf(trade));
      await expectRecord(f, trade, {
        status: "Expired",
        reason: "Expired",
        sellerInstructed: true,
        buyerInstructed: true,
      });
    });

    it("lets anyone expire a matched trade only after its expiry", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now + 3_600n, expiry: now + 7_200n });
      const id = tradeIdOf(trade);
      await match(f, trade);

      await expect(f.engine.connect(f.outsider).expire(trade))
        .to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm")
        .withArgs("expiry");
      await expectRecord(f, trade, { status: "Matched", sellerInstructed: true, buyerInstructed: true });

      await time.increaseTo(trade.expiry + 1n);
      await expect(f.engine.connect(f.outsider).expire(trade)).to.emit(f.engine, "TradeExpiredUnsettled").withArgs(id);
      await expectRecord(f, trade, {
        status: "Expired",
        reason: "Expired",
        sellerInstructed: true,
        buyerInstructed: true,
      });
      await expect(f.engine.expire(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Expired"));
    });

    it("expires a trade that only one side instructed", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now, expiry: now + 600n });
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.engine.connect(seller).instruct(trade));
      await time.increaseTo(trade.expiry + 1n);

      await expect(f.engine.expire(trade)).to.emit(f.engine, "TradeExpiredUnsettled").withArgs(tradeIdOf(trade));
      await expectRecord(f, trade, {
        status: "Expired",
        reason: "Expired",
        sellerInstructed: true,
        buyerInstructed: false,
      });
      await expect(f.engine.connect(buyer).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeExpired")
        .withArgs(tradeIdOf(trade), trade.expiry);
    });

    it("refuses to expire a trade nobody instructed", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      await time.increaseTo(trade.expiry + 1n);
      await expect(f.engine.expire(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(trade), statusOf("None"));
    });
  });

  describe("cancellation (CAND/CANI)", function () {
    it("lets the seller cancel a pending trade", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.engine.connect(seller).instruct(trade));

      expect(await f.engine.connect(seller).cancel.staticCall(trade)).to.equal(statusOf("Cancelled"));
      await expect(f.engine.connect(seller).cancel(trade))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(id, seller.address)
        .and.not.to.emit(f.engine, "TradeCancellationRequested");
      await expectRecord(f, trade, { status: "Cancelled", sellerInstructed: true, buyerInstructed: false });
      // The counterparty's instruction no longer matches anything.
      await expect(f.engine.connect(buyer).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
    });

    it("cancels a matched trade before its settlement date only when both parties asked", async function () {
      const f = await loadSettlementLedger();
      const settlementDate = (await chainNow()) + DAY;
      const trade = await f.makeTrade({ settlementDate, expiry: settlementDate + DAY });
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await match(f, trade);

      const before = await f.snapshot();
      expect(await f.engine.connect(buyer).cancel.staticCall(trade)).to.equal(statusOf("Matched"));
      await expect(f.engine.connect(buyer).cancel(trade))
        .to.emit(f.engine, "TradeCancellationRequested")
        .withArgs(id, buyer.address)
        .and.not.to.emit(f.engine, "TradeCancelled");
      await expectRecord(f, trade, {
        status: "Matched",
        sellerInstructed: true,
        buyerInstructed: true,
        buyerCancelRequested: true,
      });
      await expect(f.engine.connect(seller).cancel(trade))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(id, seller.address);
      await expectRecord(f, trade, {
        status: "Cancelled",
        sellerInstructed: true,
        buyerInstructed: true,
        sellerCancelRequested: true,
        buyerCancelRequested: true,
      });
      await time.increaseTo(settlementDate);
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
      expect(await f.snapshot()).to.deep.equal(before);
    });

    it("cancels a failed trade when both parties asked, and until then it can still be retried", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade({ quantity: BOND_ALLOTMENT + 1n });
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await match(f, trade);
      await expectRecord(f, trade, {
        status: "Failed",
        reason: "InsufficientSecurities",
        sellerInstructed: true,
        buyerInstructed: true,
      });

      await expect(f.engine.connect(seller).cancel(trade))
        .to.emit(f.engine, "TradeCancellationRequested")
        .withArgs(id, seller.address)
        .and.not.to.emit(f.engine, "TradeCancelled");
      // Still failed, still retried (and failing the same way) until the buyer agrees.
      await expect(f.engine.settle(trade))
        .to.emit(f.engine, "TradeSettlementFailed")
        .withArgs(id, reasonOf("InsufficientSecurities"), (data: string) => data.length > 2);
      await expect(f.engine.connect(buyer).cancel(trade))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(id, buyer.address);
      await expectRecord(f, trade, {
        status: "Cancelled",
        reason: "InsufficientSecurities",
        sellerInstructed: true,
        buyerInstructed: true,
        sellerCancelRequested: true,
        buyerCancelRequested: true,
      });
    });

    it("refuses a cancellation by anyone but the parties", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      await mined(f.engine.connect(partiesOf(f, trade).seller).instruct(trade));
      for (const stranger of [f.outsider, f.participants.hkma.signer, f.participants.harbourBank.signer]) {
        await expect(f.engine.connect(stranger).cancel(trade))
          .to.be.revertedWithCustomError(f.engine, "NotTradeParty")
          .withArgs(stranger.address, tradeIdOf(trade));
      }
      await expectRecord(f, trade, { status: "Pending", sellerInstructed: true, buyerInstructed: false });
    });

    it("cancels a trade nobody instructed at once (voiding any signed order), and refuses a second cancellation", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await expect(f.engine.connect(seller).cancel(trade))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(id, seller.address);
      await expectRecord(f, trade, { status: "Cancelled", sellerInstructed: false, buyerInstructed: false });
      for (const party of [seller, buyer]) {
        await expect(f.engine.connect(party).cancel(trade))
          .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
          .withArgs(id, statusOf("Cancelled"));
        await expect(f.engine.connect(party).instruct(trade))
          .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
          .withArgs(id, statusOf("Cancelled"));
      }
    });
  });

  describe("bilateral cancellation once matched (issue #9, finding 11)", function () {
    /** A T+1 trade, matched. */
    async function matchedTomorrow(f: SettlementLedger): Promise<Trade> {
      const settlementDate = (await chainNow()) + DAY;
      const trade = await f.makeTrade({ settlementDate, expiry: settlementDate + DAY });
      await match(f, trade);
      return trade;
    }

    it("finding 11: once matched, the seller alone cannot cancel: after its request the trade still settles on `settle`", async function () {
      const f = await loadSettlementLedger();
      const trade = await matchedTomorrow(f);
      const id = tradeIdOf(trade);
      const { seller } = partiesOf(f, trade);

      await expect(f.engine.connect(seller).cancel(trade))
        .to.emit(f.engine, "TradeCancellationRequested")
        .withArgs(id, seller.address)
        .and.not.to.emit(f.engine, "TradeCancelled");
      await expectRecord(f, trade, {
        status: "Matched",
        sellerInstructed: true,
        buyerInstructed: true,
        sellerCancelRequested: true,
      });

      await time.increaseTo(trade.settlementDate);
      const before = await f.snapshot();
      await expect(f.engine.connect(f.outsider).settle(trade))
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, false);
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
      await expectRecord(f, trade, {
        status: "Settled",
        sellerInstructed: true,
        buyerInstructed: true,
        sellerCancelRequested: true,
      });
    });

    it("finding 11: a matched trade both parties asked to cancel is Cancelled and never settles", async function () {
      const f = await loadSettlementLedger();
      const trade = await matchedTomorrow(f);
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      const before = await f.snapshot();

      expect(await f.engine.connect(seller).cancel.staticCall(trade)).to.equal(statusOf("Matched"));
      await mined(f.engine.connect(seller).cancel(trade));
      expect(await f.engine.connect(buyer).cancel.staticCall(trade)).to.equal(statusOf("Cancelled"));
      await expect(f.engine.connect(buyer).cancel(trade)).to.emit(f.engine, "TradeCancelled").withArgs(id, buyer.address);

      await time.increaseTo(trade.settlementDate);
      await expect(f.engine.settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
      expect(await f.snapshot()).to.deep.equal(before);
      await expectRecord(f, trade, {
        status: "Cancelled",
        sellerInstructed: true,
        buyerInstructed: true,
        sellerCancelRequested: true,
        buyerCancelRequested: true,
      });
    });

    it("finding 11: a party's repeated request is refused (CancellationAlreadyRequested) and cancels nothing", async function () {
      const f = await loadSettlementLedger();
      const trade = await matchedTomorrow(f);
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.engine.connect(buyer).cancel(trade));
      await expect(f.engine.connect(buyer).cancel(trade))
        .to.be.revertedWithCustomError(f.engine, "CancellationAlreadyRequested")
        .withArgs(id, buyer.address);
      await mined(f.engine.connect(seller).cancel(trade));
      await expect(f.engine.connect(seller).cancel(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
    });

    it("finding 11: an unmatched trade is cancelled by one party alone (the buyer, who instructed first)", async function () {
      const f = await loadSettlementLedger();
      const settlementDate = (await chainNow()) + DAY;
      const trade = await f.makeTrade({ settlementDate, expiry: settlementDate + DAY });
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.engine.connect(buyer).instruct(trade));

      const before = await f.snapshot();
      await expect(f.engine.connect(buyer).cancel(trade))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(id, buyer.address)
        .and.not.to.emit(f.engine, "TradeCancellationRequested");
      await expectRecord(f, trade, { status: "Cancelled", sellerInstructed: false, buyerInstructed: true });
      await expect(f.engine.connect(seller).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
      expect(await f.snapshot()).to.deep.equal(before);
    });
  });

  describe("refused instructions", function () {
    it("refuses a second instruction from the same side", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.engine.connect(seller).instruct(trade));
      await expect(f.engine.connect(seller).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeAlreadyInstructed")
        .withArgs(tradeIdOf(trade), seller.address);

      const other = await f.makeTrade();
      await mined(f.engine.connect(buyer).instruct(other));
      await expect(f.engine.connect(buyer).instruct(other))
        .to.be.revertedWithCustomError(f.engine, "TradeAlreadyInstructed")
        .withArgs(tradeIdOf(other), buyer.address);
    });

    it("refuses an instruction from anyone but the parties", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      for (const stranger of [f.outsider, f.participants.hkma.signer, f.participants.tsingYiInsurance.signer]) {
        await expect(f.engine.connect(stranger).instruct(trade))
          .to.be.revertedWithCustomError(f.engine, "NotTradeParty")
          .withArgs(stranger.address, tradeIdOf(trade));
      }
      await expectRecord(f, trade, { status: "None", sellerInstructed: false, buyerInstructed: false });
    });

    const INVALID_TERMS: readonly { term: string; overrides: (f: SettlementLedger, now: bigint) => Partial<Trade> }[] =
      [
        { term: "quantity", overrides: () => ({ quantity: 0n }) },
        { term: "amount", overrides: () => ({ amount: 0n }) },
        { term: "buyer", overrides: (f) => ({ buyer: f.participants.kowloonDealer.address }) },
        { term: "settlementDate", overrides: (_f, now) => ({ settlementDate: now + 2n * DAY, expiry: now + DAY }) },
        { term: "party", overrides: () => ({ buyer: ZeroAddress }) },
        { term: "asset", overrides: () => ({ asset: ZeroAddress }) },
        { term: "cash", overrides: () => ({ sellerCash: ZeroAddress }) },
      ];
    for (const c of INVALID_TERMS) {
      it(`refuses terms with an invalid ${c.term} (InvalidTradeTerm("${c.term}"))`, async function () {
        const f = await loadSettlementLedger();
        const trade = await f.makeTrade(c.overrides(f, await chainNow()));
        await expect(f.engine.connect(f.participants.kowloonDealer.signer).instruct(trade))
          .to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm")
          .withArgs(c.term);
      });
    }

    it("keeps instructions that differ (DMON: amount differs) as two unmatched trades", async function () {
      const f = await loadSettlementLedger();
      const sellerSide = await f.makeTrade();
      const buyerSide: Trade = { ...sellerSide, amount: sellerSide.amount - 100_00n };
      const { seller, buyer } = partiesOf(f, sellerSide);
      expect(tradeIdOf(buyerSide)).to.not.equal(tradeIdOf(sellerSide));

      const before = await f.snapshot();
      await expect(f.engine.connect(seller).instruct(sellerSide)).not.to.emit(f.engine, "TradeMatched");
      await expect(f.engine.connect(buyer).instruct(buyerSide)).not.to.emit(f.engine, "TradeMatched");
      await expectRecord(f, sellerSide, { status: "Pending", sellerInstructed: true, buyerInstructed: false });
      await expectRecord(f, buyerSide, { status: "Pending", sellerInstructed: false, buyerInstructed: true });
      expect(await f.snapshot()).to.deep.equal(before);
    });
  });

  describe("executeTrade", function () {
    it("may be called only by the engine itself (OnlySelf)", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const before = await f.snapshot();
      for (const caller of [f.participants.hkma.signer, f.participants.kowloonDealer.signer, f.outsider]) {
        await expect(f.engine.connect(caller).executeTrade(trade, tradeIdOf(trade))).to.be.revertedWithCustomError(
          f.engine,
          "OnlySelf",
        );
      }
      expect(await f.snapshot()).to.deep.equal(before);
    });
  });
});
