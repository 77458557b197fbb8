import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { MaxUint256, ZeroAddress, ZeroHash, id as keccakId } from "ethers";

import { ParticipantKind } from "../../src/domain/participants.js";
import type { FxQuote } from "../../src/domain/fx-quote.js";
import type { Trade } from "../../src/domain/trade.js";
import { ERC20Mock__factory, SettlementEngine__factory, type ERC20Mock } from "../../typechain-types/index.js";
import {
  DAY,
  HK,
  YEAR,
  chainNow,
  changes,
  dvpMoves,
  instructBoth,
  legOf,
  loadSettlementLedger,
  mined,
  partiesOf,
  reach,
  reasonOf,
  recordOf,
  signOrders,
  statusOf,
  submitSigned,
  tradeIdOf,
  type Balances,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";

/**
 * The settlement engine's security rules across its entry points, one regression test per finding
 * of issue #9 that concerns the engine's settlement paths (the token, escrow, issuance and paying
 * agent findings are tested beside those contracts):
 *
 * - one record per trade id, shared by instruction matching, signed orders and netting batches: a
 *   trade settles at most once, and a cancelled one never (findings 4a–4c);
 * - the engine moves a ledger token only while it is itself an eligible participant, and no
 *   unregistered spender can (finding 12);
 * - the admin can pause every settlement entry point, while cancellation stays open (finding 14);
 * - the engine acts only on tokens registered with it: assets by the registrar, with their issuer
 *   and cash token; cash as registered central-bank money or deposit lines.
 *
 * Every case asserts the exact custom error and that no balance moved.
 */

const ASSET_REGISTRAR_ROLE = keccakId("ASSET_REGISTRAR_ROLE");
const SETTLEMENT_AGENT_ROLE = keccakId("SETTLEMENT_AGENT_ROLE");

/** A default trade (Kowloon Dealer sells 10 units to Peak Asset in Harbour Bank deposits) due in an hour. */
async function dueInAnHour(f: SettlementLedger, overrides: Partial<Trade> = {}): Promise<Trade> {
  const now = await chainNow();
  return f.makeTrade({ settlementDate: now + 3_600n, expiry: now + DAY, ...overrides });
}

/** Harbour Bank sells 10 units to Victoria Bank against wHKD, due in an hour (nettable in a batch). */
async function bankTrade(f: SettlementLedger): Promise<Trade> {
  return dueInAnHour(f, {
    seller: f.participants.harbourBank.address,
    buyer: f.participants.victoriaBank.address,
    buyerCash: f.wcbdcAddress,
    sellerCash: f.wcbdcAddress,
  });
}

/** The seller's and the buyer's current DvP order nonces on key 0. */
async function orderNonces(f: SettlementLedger, trade: Trade): Promise<[bigint, bigint]> {
  return [
    await f.engine["nonces(address,uint192)"](trade.seller, 0n),
    await f.engine["nonces(address,uint192)"](trade.buyer, 0n),
  ];
}

describe("Settlement security (issue #9)", function () {
  describe("one record per trade across every path (finding 4)", function () {
    it("finding 4a: a matched T+1 trade settled from signed orders cannot be settled again by `settle` (TradeInWrongStatus Settled) nor by a batch (skipped)", async function () {
      const f = await loadSettlementLedger();
      const trade = await dueInAnHour(f);
      const id = tradeIdOf(trade);
      const orders = await signOrders(f, trade);
      await instructBoth(f, trade);
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Matched", reason: "None" });
      await reach(trade.settlementDate);

      const start = await f.snapshot();
      await expect(submitSigned(f, partiesOf(f, trade).buyer, trade, orders))
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, true);
      expect(changes(start, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Settled", reason: "None" });

      const before = await f.snapshot();
      await expect(f.engine.connect(f.outsider).settle(trade))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Settled"));
      const batch = f.engine.settleBatch([trade]);
      await expect(batch)
        .to.emit(f.engine, "TradeSkippedInBatch")
        .withArgs(id, 1n, statusOf("Settled"), reasonOf("None"));
      await expect(batch).to.emit(f.engine, "BatchSettled").withArgs(1n, 0n, 1n, 0n, 0n);
      expect(await f.snapshot()).to.deep.equal(before, "a trade settled from signed orders settled again");
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Settled", reason: "None" });
    });

    it("finding 4b: after a trade settles by matching, the buyer cannot reuse the seller's unused signed order (TradeInWrongStatus Settled)", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { buyer } = partiesOf(f, trade);
      // The seller signed an order it never needed: the trade settled by matching instead.
      const sellerNonce = await f.engine["nonces(address,uint192)"](trade.seller, 0n);
      const { sellerSignature } = await signOrders(f, trade);
      await instructBoth(f, trade);
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Settled", reason: "None" });

      const before = await f.snapshot();
      await expect(f.engine.connect(buyer).settleSigned(trade, sellerNonce, sellerSignature, 0n, "0x"))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Settled"));
      expect(await f.snapshot()).to.deep.equal(before, "the buyer settled the matched trade a second time");
      expect(await orderNonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("finding 4c: a trade cancelled before any instruction cannot settle from signed orders; its record stays Cancelled", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      const orders = await signOrders(f, trade);
      await expect(f.engine.connect(seller).cancel(trade)).to.emit(f.engine, "TradeCancelled").withArgs(id, seller.address);

      const before = await f.snapshot();
      for (const submitter of [f.participants.hkma.signer, buyer, seller]) {
        await expect(submitSigned(f, submitter, trade, orders))
          .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
          .withArgs(id, statusOf("Cancelled"));
      }
      expect(await f.snapshot()).to.deep.equal(before, "a cancelled trade settled");
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Cancelled", reason: "None" });
      expect(await orderNonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("finding 4c: a matched trade cancelled by both parties cannot settle from signed orders; its record stays Cancelled", async function () {
      const f = await loadSettlementLedger();
      const trade = await dueInAnHour(f);
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      const orders = await signOrders(f, trade);
      await instructBoth(f, trade);
      await mined(f.engine.connect(seller).cancel(trade));
      await expect(f.engine.connect(buyer).cancel(trade)).to.emit(f.engine, "TradeCancelled").withArgs(id, buyer.address);
      await reach(trade.settlementDate);

      const before = await f.snapshot();
      await expect(submitSigned(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(id, statusOf("Cancelled"));
      expect(await f.snapshot()).to.deep.equal(before, "a cancelled trade settled");
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Cancelled", reason: "None" });
    });

    describe("finding 4: a trade id settles at most once across instruct/settle, settleSigned and settleBatch, in every order", function () {
      type Path = "instruct" | "settle" | "settleSigned" | "settleBatch";
      const PATHS: readonly Path[] = ["instruct", "settle", "settleSigned", "settleBatch"];

      /** Settles `trade` (Harbour Bank sells to Victoria Bank, due in an hour) by `path`. */
      async function settleBy(f: SettlementLedger, path: Path, trade: Trade): Promise<void> {
        const { seller, buyer } = partiesOf(f, trade);
        const id = tradeIdOf(trade);
        switch (path) {
          case "instruct":
            // Due when matched: the matching instruction settles it.
            await reach(trade.settlementDate);
            await mined(f.engine.connect(seller).instruct(trade));
            await expect(f.engine.connect(buyer).instruct(trade)).to.emit(f.engine, "TradeSettled");
            return;
          case "settle":
            await instructBoth(f, trade);
            await reach(trade.settlementDate);
            await expect(f.engine.settle(trade)).to.emit(f.engine, "TradeSettled");
            return;
          case "settleSigned":
            await reach(trade.settlementDate);
            await expect(submitSigned(f, f.participants.hkma.signer, trade, await signOrders(f, trade))).to.emit(
              f.engine,
              "TradeSettled",
            );
            return;
          case "settleBatch":
            await instructBoth(f, trade);
            await reach(trade.settlementDate);
            await expect(f.engine.settleBatch([trade])).to.emit(f.engine, "TradeSettledInBatch").withArgs(id, 1n);
            return;
        }
      }

      /** Tries to settle the already settled `trade` again by `path`: refused, or skipped by a batch. */
      async function expectRefusedBy(f: SettlementLedger, path: Path, trade: Trade): Promise<void> {
        const { seller } = partiesOf(f, trade);
        const id = tradeIdOf(trade);
        const settled = [id, statusOf("Settled")] as const;
        switch (path) {
          case "instruct":
            await expect(f.engine.connect(seller).instruct(trade))
              .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
              .withArgs(...settled);
            return;
          case "settle":
            await expect(f.engine.settle(trade))
              .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
              .withArgs(...settled);
            return;
          case "settleSigned":
            await expect(submitSigned(f, f.participants.hkma.signer, trade, await signOrders(f, trade)))
              .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
              .withArgs(...settled);
            return;
          case "settleBatch": {
            const batchId = (await f.engine.batchCount()) + 1n;
            const tx = f.engine.settleBatch([trade]);
            await expect(tx)
              .to.emit(f.engine, "TradeSkippedInBatch")
              .withArgs(id, batchId, statusOf("Settled"), reasonOf("None"));
            await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(batchId, 0n, 1n, 0n, 0n);
            return;
          }
        }
      }

      for (const first of PATHS) {
        for (const second of PATHS) {
          it(`settled by ${first}, it is not settled again by ${second}`, async function () {
            const f = await loadSettlementLedger();
            const trade = await bankTrade(f);
            const start = await f.snapshot();
            await settleBy(f, first, trade);
            const settled = await f.snapshot();
            expect(changes(start, settled)).to.deep.equal(dvpMoves(f, trade, "wHKD"));

            await expectRefusedBy(f, second, trade);
            expect(await f.snapshot()).to.deep.equal(settled, `${second} settled a trade ${first} had settled`);
            expect(await recordOf(f, trade)).to.deep.equal({ status: "Settled", reason: "None" });
          });
        }
      }
    });
  });

  describe("the engine as a registered participant (finding 12)", function () {
    it("finding 12: removing the engine from the registry stops it settling: matching ends Failed (NotEligible), signed orders and payments revert, nothing moves", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const { seller, buyer } = partiesOf(f, trade);
      await mined(f.registry.removeParticipant(f.engineAddress));
      const notRegistered = f.bond.interface.encodeErrorResult("ParticipantNotRegistered", [f.engineAddress]);
      const assetLegFailed = [reasonOf("NotEligible"), legOf("Asset"), f.bondAddress, notRegistered] as const;

      const before = await f.snapshot();
      await mined(f.engine.connect(seller).instruct(trade));
      await expect(f.engine.connect(buyer).instruct(trade))
        .to.emit(f.engine, "TradeSettlementFailed")
        .withArgs(id, reasonOf("NotEligible"), f.engine.interface.encodeErrorResult("SettlementLegFailed", assetLegFailed))
        .and.not.to.emit(f.engine, "TradeSettled");
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Failed", reason: "NotEligible" });

      const signed = await f.makeTrade();
      await expect(submitSigned(f, f.participants.hkma.signer, signed, await signOrders(f, signed)))
        .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
        .withArgs(...assetLegFailed);
      // A same-bank payment is a transferFrom by the engine, refused the same way.
      await expect(
        f.engine
          .connect(f.participants.peakAsset.signer)
          .pay(f.depositAddress.harbourBank, f.depositAddress.harbourBank, trade.seller, 1_00n, ZeroHash),
      )
        .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
        .withArgs(
          reasonOf("NotEligible"),
          legOf("Cash"),
          f.depositAddress.harbourBank,
          f.deposits.harbourBank.interface.encodeErrorResult("ParticipantNotRegistered", [f.engineAddress]),
        );
      expect(await f.snapshot()).to.deep.equal(before, "an unregistered engine moved a balance");

      // Registered again, the engine settles the failed trade on retry.
      const kycExpiry = (await chainNow()) + YEAR;
      await mined(f.registry.registerParticipant(f.engineAddress, ParticipantKind.Infrastructure, HK, kycExpiry));
      await expect(f.engine.settle(trade)).to.emit(f.engine, "TradeSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
    });

    it("finding 12: an unregistered ERC-20 spender approved by a holder cannot transferFrom a ledger token (ParticipantNotRegistered from the token)", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const spender = f.outsider;
      const cases = [
        { token: f.bond, holder: p.kowloonDealer, to: p.peakAsset.address, amount: 10n },
        { token: f.deposits.harbourBank, holder: p.peakAsset, to: p.kowloonDealer.address, amount: 1_000_00n },
        { token: f.wcbdc, holder: p.harbourBank, to: p.victoriaBank.address, amount: 1_000_00n },
      ];
      for (const c of cases) await mined(c.token.connect(c.holder.signer).approve(spender.address, MaxUint256));

      const before = await f.snapshot();
      for (const c of cases) {
        await expect(c.token.connect(spender).transferFrom(c.holder.address, c.to, c.amount))
          .to.be.revertedWithCustomError(c.token, "ParticipantNotRegistered")
          .withArgs(spender.address);
        // Nor to itself.
        await expect(c.token.connect(spender).transferFrom(c.holder.address, spender.address, c.amount))
          .to.be.revertedWithCustomError(c.token, "ParticipantNotRegistered")
          .withArgs(spender.address);
      }
      expect(await f.snapshot()).to.deep.equal(before, "an unregistered spender moved a ledger token");
    });
  });

  describe("engine pause (finding 14)", function () {
    it("finding 14: only DEFAULT_ADMIN_ROLE may pause or unpause the engine (AccessControlUnauthorizedAccount)", async function () {
      const f = await loadSettlementLedger();
      const agent = f.participants.lionRockBank.signer;
      // Even a settlement agent and asset registrar that is not the admin.
      await mined(f.engine.grantRole(SETTLEMENT_AGENT_ROLE, agent.address));
      await mined(f.engine.grantRole(ASSET_REGISTRAR_ROLE, agent.address));
      for (const caller of [agent, f.participants.harbourBank.signer, f.participants.government.signer, f.outsider]) {
        await expect(f.engine.connect(caller).pause())
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ZeroHash);
      }
      expect(await f.engine.paused()).to.equal(false);

      await expect(f.engine.pause()).to.emit(f.engine, "Paused").withArgs(f.participants.hkma.address);
      for (const caller of [agent, f.outsider]) {
        await expect(f.engine.connect(caller).unpause())
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ZeroHash);
      }
      expect(await f.engine.paused()).to.equal(true);
    });

    it("finding 14: a paused engine refuses instruct, settle, settleSigned, settleBatch, pay, payToCustomer and settleFx (EnforcedPause); cancel and expire still work; unpause resumes", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const now = await chainNow();
      const matched = await dueInAnHour(f);
      const toCancel = await dueInAnHour(f);
      // Due in half an hour, expired ten minutes later: matched (not settled) now, expired by the time
      // the clock reaches the other trades' settlement date. Margins of minutes, not seconds: the first
      // block after a fixture is restored takes the wall clock's time, which may be well past `now`.
      const toExpire = await f.makeTrade({ settlementDate: now + 1_800n, expiry: now + 2_400n });
      for (const t of [matched, toCancel, toExpire]) await instructBoth(f, t);
      const unmatched = await dueInAnHour(f);
      const signed = await dueInAnHour(f);
      const orders = await signOrders(f, signed);
      const quote: FxQuote = {
        dealer: p.victoriaBank.address,
        taker: p.harbourBank.address,
        fromToken: f.wcbdcAddress,
        toToken: f.wcbdcAddress,
        rate: 10n ** 18n,
        maxFromAmount: 1_000_00n,
        expiry: now + DAY,
        nonce: 0n,
      };

      await mined(f.engine.pause());
      // Every trade above due (and the half-hour one expired).
      await reach(signed.settlementDate);
      const before = await f.snapshot();
      const refused: readonly { what: string; call: () => Promise<unknown> }[] = [
        { what: "instruct", call: () => f.engine.connect(p.kowloonDealer.signer).instruct(unmatched) },
        { what: "settle", call: () => f.engine.connect(f.outsider).settle(matched) },
        { what: "settleSigned", call: () => submitSigned(f, p.hkma.signer, signed, orders) },
        { what: "settleBatch", call: () => f.engine.settleBatch([matched]) },
        {
          what: "pay",
          call: () =>
            f.engine
              .connect(p.peakAsset.signer)
              .pay(f.depositAddress.harbourBank, f.depositAddress.victoriaBank, p.tsingYiInsurance.address, 1_00n, ZeroHash),
        },
        {
          what: "payToCustomer",
          call: () =>
            f.engine
              .connect(p.harbourBank.signer)
              .payToCustomer(f.depositAddress.victoriaBank, p.tsingYiInsurance.address, 1_00n, ZeroHash),
        },
        {
          what: "settleFx",
          call: () =>
            f.engine
              .connect(p.harbourBank.signer)
              .settleFx(quote, "0x", 1_00n, f.wcbdcAddress, f.wcbdcAddress, p.lionRockBank.address, ZeroHash),
        },
      ];
      for (const r of refused) {
        await expect(r.call(), r.what).to.be.revertedWithCustomError(f.engine, "EnforcedPause");
      }
      expect(await f.snapshot()).to.deep.equal(before, "a paused engine moved a balance");
      expect(await recordOf(f, matched)).to.deep.equal({ status: "Matched", reason: "None" });
      expect(await recordOf(f, unmatched)).to.deep.equal({ status: "None", reason: "None" });

      // Cancellation (both parties, once matched) and expiry stay open.
      const { seller, buyer } = partiesOf(f, toCancel);
      await mined(f.engine.connect(seller).cancel(toCancel));
      await expect(f.engine.connect(buyer).cancel(toCancel))
        .to.emit(f.engine, "TradeCancelled")
        .withArgs(tradeIdOf(toCancel), buyer.address);
      await expect(f.engine.expire(toExpire)).to.emit(f.engine, "TradeExpiredUnsettled").withArgs(tradeIdOf(toExpire));

      await expect(f.engine.unpause()).to.emit(f.engine, "Unpaused").withArgs(p.hkma.address);
      await expect(f.engine.settle(matched)).to.emit(f.engine, "TradeSettled");
      await expect(submitSigned(f, p.hkma.signer, signed, orders)).to.emit(f.engine, "TradeSettled");
      const moves: Balances = { ...dvpMoves(f, matched) };
      for (const [key, value] of Object.entries(dvpMoves(f, signed))) moves[key] = (moves[key] ?? 0n) + value;
      expect(changes(before, await f.snapshot())).to.deep.equal(moves);
    });
  });

  describe("only registered tokens", function () {
    /** A plain ERC-20 on no register of the ledger, held by `holder`, who approved the engine. */
    async function unregisteredToken(f: SettlementLedger, holder: HardhatEthersSigner): Promise<ERC20Mock> {
      const mock = await new ERC20Mock__factory(holder).deploy("Unregistered Token", "UNREG");
      await mined(mock.mint(holder.address, 1_000_000_000n));
      await mined(mock.approve(f.engineAddress, MaxUint256));
      return mock;
    }

    it("refuses a trade of an unregistered asset at instruct and settleSigned (AssetNotRegistered), moving nothing", async function () {
      const f = await loadSettlementLedger();
      const mock = await unregisteredToken(f, f.participants.kowloonDealer.signer);
      const asset = await mock.getAddress();
      const trade = await f.makeTrade({ asset });
      const { seller, buyer } = partiesOf(f, trade);
      const orders = await signOrders(f, trade);

      const before = await f.snapshot();
      const held = await mock.balanceOf(trade.seller);
      for (const party of [seller, buyer]) {
        await expect(f.engine.connect(party).instruct(trade))
          .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
          .withArgs(asset);
      }
      for (const submitter of [f.participants.hkma.signer, seller]) {
        await expect(submitSigned(f, submitter, trade, orders))
          .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
          .withArgs(asset);
      }
      expect(await f.snapshot()).to.deep.equal(before);
      expect([await mock.balanceOf(trade.seller), await mock.balanceOf(trade.buyer)]).to.deep.equal([held, 0n]);
      expect(await recordOf(f, trade)).to.deep.equal({ status: "None", reason: "None" });
    });

    it("refuses a trade paying in an unregistered cash token at instruct and settleSigned (CashTokenNotRegistered), moving nothing", async function () {
      const f = await loadSettlementLedger();
      const mock = await unregisteredToken(f, f.participants.peakAsset.signer);
      const cash = await mock.getAddress();
      const cases: readonly Partial<Trade>[] = [
        { buyerCash: cash, sellerCash: cash },
        { sellerCash: cash },
        { buyerCash: cash },
      ];
      const before = await f.snapshot();
      for (const overrides of cases) {
        const trade = await f.makeTrade(overrides);
        const { seller } = partiesOf(f, trade);
        await expect(f.engine.connect(seller).instruct(trade))
          .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
          .withArgs(cash);
        await expect(submitSigned(f, f.participants.hkma.signer, trade, await signOrders(f, trade)))
          .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
          .withArgs(cash);
      }
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await mock.balanceOf(f.participants.peakAsset.address)).to.equal(1_000_000_000n);
    });

    it("refuses a new trade of an asset the registrar deregistered (AssetNotRegistered)", async function () {
      const f = await loadSettlementLedger();
      const government = f.participants.government.address;
      await expect(f.engine.deregisterAsset(f.bondAddress))
        .to.emit(f.engine, "AssetRegistered")
        .withArgs(f.bondAddress, government, f.wcbdcAddress, false);
      const line = await f.engine.assetLine(f.bondAddress);
      expect([line.issuer, line.cashToken]).to.deep.equal([ZeroAddress, ZeroAddress]);
      const trade = await f.makeTrade();
      await expect(f.engine.connect(partiesOf(f, trade).seller).instruct(trade))
        .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
        .withArgs(f.bondAddress);
      await expect(f.engine.deregisterAsset(f.bondAddress))
        .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
        .withArgs(f.bondAddress);
    });

    it("registerAsset records the asset's issuer and cash token, refusing a non-Issuer (NotAnIssuer), non-wCBDC cash (CashTokenNotRegistered) and a zero asset", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const mock = await unregisteredToken(f, p.government.signer);
      const asset = await mock.getAddress();

      for (const notIssuer of [p.kowloonDealer, p.harbourBank, p.hkma]) {
        await expect(f.engine.registerAsset(asset, notIssuer.address, f.wcbdcAddress))
          .to.be.revertedWithCustomError(f.engine, "NotAnIssuer")
          .withArgs(notIssuer.address);
      }
      await expect(f.engine.registerAsset(asset, f.outsider.address, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.registry, "ParticipantNotRegistered")
        .withArgs(f.outsider.address);
      // Deposits are commercial-bank money, not what an asset is issued against.
      await expect(f.engine.registerAsset(asset, p.government.address, f.depositAddress.harbourBank))
        .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
        .withArgs(f.depositAddress.harbourBank);
      await expect(f.engine.registerAsset(asset, p.government.address, asset))
        .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
        .withArgs(asset);
      await expect(f.engine.registerAsset(ZeroAddress, p.government.address, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.engine, "AssetNotRegistered")
        .withArgs(ZeroAddress);
      expect((await f.engine.assetLine(asset)).issuer).to.equal(ZeroAddress);

      await expect(f.engine.registerAsset(asset, p.government.address, f.wcbdcAddress))
        .to.emit(f.engine, "AssetRegistered")
        .withArgs(asset, p.government.address, f.wcbdcAddress, true);
      const line = await f.engine.assetLine(asset);
      expect([line.issuer, line.cashToken]).to.deep.equal([p.government.address, f.wcbdcAddress]);
    });

    it("lets only ASSET_REGISTRAR_ROLE register or deregister an asset (AccessControlUnauthorizedAccount)", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const mock = await unregisteredToken(f, p.government.signer);
      const asset = await mock.getAddress();
      // The issuer itself, a bank, a settlement agent without the registrar role, an outsider.
      const agent = p.lionRockBank.signer;
      await mined(f.engine.grantRole(SETTLEMENT_AGENT_ROLE, agent.address));
      for (const caller of [p.government.signer, p.harbourBank.signer, agent, f.outsider]) {
        await expect(f.engine.connect(caller).registerAsset(asset, p.government.address, f.wcbdcAddress))
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ASSET_REGISTRAR_ROLE);
        await expect(f.engine.connect(caller).deregisterAsset(f.bondAddress))
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ASSET_REGISTRAR_ROLE);
      }
      expect((await f.engine.assetLine(asset)).issuer).to.equal(ZeroAddress);
      expect((await f.engine.assetLine(f.bondAddress)).issuer).to.equal(p.government.address);

      // A registrar appointed by the admin may.
      await mined(f.engine.grantRole(ASSET_REGISTRAR_ROLE, agent.address));
      await expect(f.engine.connect(agent).registerAsset(asset, p.government.address, f.wcbdcAddress)).to.emit(
        f.engine,
        "AssetRegistered",
      );
    });
  });

  describe("engine constructor", function () {
    it("takes (wcbdc, registry, admin) and grants the admin DEFAULT_ADMIN_ROLE, SETTLEMENT_AGENT_ROLE and ASSET_REGISTRAR_ROLE only", async function () {
      const f = await loadSettlementLedger();
      const admin = f.participants.lionRockBank;
      const registry = await f.registry.getAddress();
      const engine = await new SettlementEngine__factory(f.participants.hkma.signer).deploy(
        f.wcbdcAddress,
        registry,
        admin.address,
      );
      expect(await engine.wcbdc()).to.equal(f.wcbdcAddress);
      expect(await engine.participantRegistry()).to.equal(registry);
      expect(await engine.wcbdcOfCurrency("HKD")).to.equal(f.wcbdcAddress);
      for (const role of [ZeroHash, SETTLEMENT_AGENT_ROLE, ASSET_REGISTRAR_ROLE]) {
        expect(await engine.hasRole(role, admin.address)).to.equal(true);
        expect(await engine.hasRole(role, f.participants.hkma.address)).to.equal(false);
      }
      const domain = await engine.eip712Domain();
      expect([domain.name, domain.version]).to.deep.equal(["Tokenization Sandbox Settlement", "2"]);
    });

    it("refuses a zero registry or admin (ZeroAddress)", async function () {
      const f = await loadSettlementLedger();
      const factory = new SettlementEngine__factory(f.participants.hkma.signer);
      const registry = await f.registry.getAddress();
      await expect(factory.deploy(f.wcbdcAddress, ZeroAddress, f.participants.hkma.address)).to.be.revertedWithCustomError(
        f.engine,
        "ZeroAddress",
      );
      await expect(factory.deploy(f.wcbdcAddress, registry, ZeroAddress)).to.be.revertedWithCustomError(
        f.engine,
        "ZeroAddress",
      );
    });

    // Regression (review of the rework): SettlementRegister's constructor read the wCBDC's currency
    // before any zero-address check, so a zero wCBDC reverted with no reason.
    it("refuses a zero wCBDC with ZeroAddress", async function () {
      const f = await loadSettlementLedger();
      const factory = new SettlementEngine__factory(f.participants.hkma.signer);
      await expect(
        factory.deploy(ZeroAddress, await f.registry.getAddress(), f.participants.hkma.address),
      ).to.be.revertedWithCustomError(f.engine, "ZeroAddress");
    });
  });
});
