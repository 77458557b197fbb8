import { expect } from "chai";

import type { Trade } from "../../src/domain/trade.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  DAY,
  changes,
  chainNow,
  dvpMoves,
  keyNonce,
  loadSettlementLedger,
  mined,
  partiesOf,
  reach,
  recordOf,
  signOrders,
  statusOf,
  submitSigned,
  tradeIdOf,
  tradeTuple,
  type SettlementLedger,
  type SignOptions,
} from "../helpers/settlement-fixture.js";

/**
 * Matching many trades from signed orders in one transaction (`matchSignedBatch`,
 * contracts/settlement/SignedSettlement.sol): a settlement agent submits both parties' EIP-712
 * `SettlementOrder`s for each trade; each trade becomes `Matched` — as if both had instructed it —
 * and settles later by `settle` or in a netting batch. Nothing moves in the call; every nonce is
 * consumed; one member that cannot match reverts the whole call.
 */

/** A member of a `matchSignedBatch` call. */
interface Member {
  readonly trade: Trade;
  readonly sellerNonce: bigint;
  readonly sellerSignature: string;
  readonly buyerNonce: bigint;
  readonly buyerSignature: string;
}

/** `count` default trades (Kowloon Dealer sells to Peak Asset) with both orders, nonces 0, 1, … on key 0. */
async function members(f: SettlementLedger, count: number, overrides: Partial<Trade> = {}, first = 0n): Promise<Member[]> {
  const out: Member[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const trade = await f.makeTrade(overrides);
    out.push({ trade, ...(await signOrders(f, trade, { sellerNonce: keyNonce(0n, first + i), buyerNonce: keyNonce(0n, first + i) })) });
  }
  return out;
}

async function member(f: SettlementLedger, trade: Trade, options: SignOptions = {}): Promise<Member> {
  return { trade, ...(await signOrders(f, trade, options)) };
}

describe("matchSignedBatch (settlement engine)", function () {
  describe("success", function () {
    it("matches every trade from both parties' signed orders, moves nothing and consumes every nonce", async function () {
      const f = await loadSettlementLedger();
      const batch = await members(f, 3);
      const before = await f.snapshot();
      expect(await f.engine.matchSignedBatch.staticCall(batch)).to.equal(3n);
      const tx = f.engine.matchSignedBatch(batch);
      for (const m of batch) {
        await expect(tx).to.emit(f.engine, "TradeTermsRecorded").withArgs(tradeIdOf(m.trade), tradeTuple(m.trade));
        await expect(tx).to.emit(f.engine, "TradeMatched").withArgs(tradeIdOf(m.trade));
      }
      await expect(tx).not.to.emit(f.engine, "TradeSettled");
      for (const m of batch) {
        const record = await f.engine.tradeRecord(tradeIdOf(m.trade));
        expect(record.status).to.equal(statusOf("Matched"));
        expect(record.sellerInstructed).to.equal(true);
        expect(record.buyerInstructed).to.equal(true);
      }
      expect(changes(before, await f.snapshot())).to.deep.equal({});
      expect(await f.engine["nonces(address,uint192)"](f.participants.kowloonDealer.address, 0n)).to.equal(3n);
      expect(await f.engine["nonces(address,uint192)"](f.participants.peakAsset.address, 0n)).to.equal(3n);
    });

    it("leaves the matched trades to a netting batch, which settles them net with every gross leg checked", async function () {
      const f = await loadSettlementLedger();
      // Batches net central-bank money among banks: Harbour Bank sells to Victoria Bank in wHKD.
      const banks = { seller: f.participants.harbourBank.address, buyer: f.participants.victoriaBank.address };
      const batch = await members(f, 2, { ...banks, buyerCash: f.wcbdcAddress, sellerCash: f.wcbdcAddress });
      await mined(f.engine.matchSignedBatch(batch));
      const before = await f.snapshot();
      await expect(f.engine.settleBatch(batch.map((m) => m.trade))).to.emit(f.engine, "BatchSettled");
      const moved = changes(before, await f.snapshot());
      const expected: Record<string, bigint> = {};
      for (const m of batch) {
        for (const [k, v] of Object.entries(dvpMoves(f, m.trade, "wHKD"))) expected[k] = (expected[k] ?? 0n) + v;
      }
      expect(moved).to.deep.equal(expected);
      for (const m of batch) expect((await recordOf(f, m.trade)).status).to.equal("Settled");
    });

    it("matches a trade not yet due, which `settle` settles on its settlement date", async function () {
      const f = await loadSettlementLedger();
      const later = (await chainNow()) + DAY;
      const [m] = await members(f, 1, { settlementDate: later, expiry: later + DAY });
      await mined(f.engine.matchSignedBatch([m]));
      expect((await recordOf(f, m.trade)).status).to.equal("Matched");
      await expect(f.engine.settle(m.trade)).to.be.revertedWithCustomError(f.engine, "TradeNotDue");
      await reach(later);
      const before = await f.snapshot();
      await mined(f.engine.settle(m.trade));
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, m.trade));
    });

    it("matches a trade one side had instructed (Pending), recording its terms only once", async function () {
      const f = await loadSettlementLedger();
      const [m] = await members(f, 1);
      await mined(f.engine.connect(partiesOf(f, m.trade).seller).instruct(m.trade));
      const tx = f.engine.matchSignedBatch([m]);
      await expect(tx).to.emit(f.engine, "TradeMatched").withArgs(tradeIdOf(m.trade));
      await expect(tx).not.to.emit(f.engine, "TradeTermsRecorded");
      expect((await recordOf(f, m.trade)).status).to.equal("Matched");
    });

    it("needs no signature from a party that is itself the submitting agent (its nonce is still consumed)", async function () {
      const f = await loadSettlementLedger();
      const dealer = f.participants.kowloonDealer;
      await mined(f.engine.grantRole(await f.engine.SETTLEMENT_AGENT_ROLE(), dealer.address));
      const [m] = await members(f, 1);
      await mined(f.engine.connect(dealer.signer).matchSignedBatch([{ ...m, sellerSignature: "0x" }]));
      expect((await recordOf(f, m.trade)).status).to.equal("Matched");
      expect(await f.engine["nonces(address,uint192)"](dealer.address, 0n)).to.equal(1n);
    });

    it("takes as many members as a netting batch (MAX_SIGNED_MATCH_BATCH = 100)", async function () {
      const f = await loadSettlementLedger();
      expect(await f.engine.MAX_SIGNED_MATCH_BATCH()).to.equal(await f.engine.MAX_BATCH_TRADES());
      const batch = await members(f, 100, { quantity: 1n, amount: 1_000n });
      await mined(f.engine.matchSignedBatch(batch));
      expect((await recordOf(f, batch[99].trade)).status).to.equal("Matched");
    });
  });

  describe("refusals (the whole call reverts, consuming no nonce and recording nothing)", function () {
    async function expectNothingRecorded(f: SettlementLedger, batch: readonly Member[]): Promise<void> {
      expect(await f.engine["nonces(address,uint192)"](f.participants.kowloonDealer.address, 0n)).to.equal(0n);
      expect(await f.engine["nonces(address,uint192)"](f.participants.peakAsset.address, 0n)).to.equal(0n);
      for (const m of batch) expect((await recordOf(f, m.trade)).status).to.equal("None");
    }

    it("from a caller without SETTLEMENT_AGENT_ROLE, even a party of every trade", async function () {
      const f = await loadSettlementLedger();
      const batch = await members(f, 1);
      for (const caller of [f.outsider, f.participants.kowloonDealer.signer]) {
        await expect(f.engine.connect(caller).matchSignedBatch(batch))
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, await f.engine.SETTLEMENT_AGENT_ROLE());
      }
      await expectNothingRecorded(f, batch);
    });

    it("of no member, or more than MAX_SIGNED_MATCH_BATCH", async function () {
      const f = await loadSettlementLedger();
      await expect(f.engine.matchSignedBatch([])).to.be.revertedWithCustomError(f.engine, "BatchSizeOutOfRange").withArgs(0n, 100n);
      const [m] = await members(f, 1);
      await expect(f.engine.matchSignedBatch(new Array<Member>(101).fill(m)))
        .to.be.revertedWithCustomError(f.engine, "BatchSizeOutOfRange")
        .withArgs(101n, 100n);
    });

    it("while the engine is paused", async function () {
      const f = await loadSettlementLedger();
      const batch = await members(f, 1);
      await mined(f.engine.pause());
      await expect(f.engine.matchSignedBatch(batch)).to.be.revertedWithCustomError(f.engine, "EnforcedPause");
      await expectNothingRecorded(f, batch);
    });

    it("when one member's terms are invalid or name an unregistered token, after good members", async function () {
      const f = await loadSettlementLedger();
      const [good] = await members(f, 1);
      const zero = await member(f, await f.makeTrade({ quantity: 0n }), { sellerNonce: 1n, buyerNonce: 1n });
      await expect(f.engine.matchSignedBatch([good, zero])).to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm").withArgs("quantity");
      const stranger = await member(f, await f.makeTrade({ asset: f.outsider.address }), { sellerNonce: 1n, buyerNonce: 1n });
      await expect(f.engine.matchSignedBatch([good, stranger]))
        .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
        .withArgs(f.outsider.address);
      await expectNothingRecorded(f, [good]);
    });

    it("when a member has expired", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const [m] = await members(f, 1, { settlementDate: now, expiry: now + 10n });
      await networkHelpers.time.increaseTo(now + 11n);
      await expect(f.engine.matchSignedBatch([m]))
        .to.be.revertedWithCustomError(f.engine, "TradeExpired")
        .withArgs(tradeIdOf(m.trade), m.trade.expiry);
      await expectNothingRecorded(f, [m]);
    });

    it("when a member is already matched, settled or cancelled, or given twice in the call", async function () {
      const f = await loadSettlementLedger();
      const [twice] = await members(f, 1);
      await expect(f.engine.matchSignedBatch([twice, { ...twice, sellerNonce: 1n, buyerNonce: 1n }]))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(twice.trade), statusOf("Matched"));
      await expectNothingRecorded(f, [twice]);

      // Settled by signed DvP (nonces 0), then offered for matching with the next nonces.
      const settled = await f.makeTrade();
      await mined(submitSigned(f, f.participants.hkma.signer, settled, await signOrders(f, settled)));
      const again = await member(f, settled, { sellerNonce: 1n, buyerNonce: 1n });
      await expect(f.engine.matchSignedBatch([again]))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(settled), statusOf("Settled"));

      const cancelled = await f.makeTrade();
      await mined(f.engine.connect(partiesOf(f, cancelled).buyer).cancel(cancelled));
      await expect(f.engine.matchSignedBatch([await member(f, cancelled, { sellerNonce: 1n, buyerNonce: 1n })]))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(cancelled), statusOf("Cancelled"));
    });

    it("when a nonce is not the signer's current one (an order already used cannot match)", async function () {
      const f = await loadSettlementLedger();
      const [m] = await members(f, 1, {}, 1n);
      await expect(f.engine.matchSignedBatch([m]))
        .to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce")
        .withArgs(f.participants.kowloonDealer.address, 0n);
      // Orders consumed by a match cannot settle the trade again by `settleSigned`.
      const [used] = await members(f, 1);
      await mined(f.engine.matchSignedBatch([used]));
      await expect(submitSigned(f, f.participants.hkma.signer, used.trade, used)).to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce");
    });

    it("when a signature is not the party's own over its order", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const forgedBuyer = await member(f, trade, { buyerSigner: f.outsider });
      await expect(f.engine.matchSignedBatch([forgedBuyer]))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.buyer);
      const swapped = await member(f, trade, { sellerNonce: 0n, buyerNonce: 0n });
      await expect(f.engine.matchSignedBatch([{ ...swapped, sellerSignature: swapped.buyerSignature }]))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);
      await expectNothingRecorded(f, [forgedBuyer]);
    });
  });
});
