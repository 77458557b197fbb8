import { settlementDomain, signSettlementOrder } from "../../src/chain/signing.js";
import { expect } from "chai";
import { TypedDataEncoder, type TypedDataDomain } from "ethers";

import {
  SETTLEMENT_ORDER_TYPES,
  type Trade,
} from "../../src/domain/trade.js";
import { SettlementEngine__factory } from "../../typechain-types/index.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  LEG_FAILURES,
  chainNow,
  changes,
  dvpMoves,
  keyNonce,
  legOf,
  loadSettlementLedger,
  mined,
  partiesOf,
  reasonOf,
  signOrders,
  statusOf,
  submitSigned as submit,
  tradeIdOf,
  type SettlementLedger,
  type SignedOrders,
} from "../helpers/settlement-fixture.js";

/**
 * Signed settlement (contracts/settlement/SignedSettlement.sol): seller and buyer each sign an
 * EIP-712 `SettlementOrder` (the trade and a keyed nonce of their own); either party or a settlement
 * agent submits both, and both legs move in that one transaction — or the transaction reverts with
 * the leg that failed and why, moving nothing and consuming no nonce. Signatures are bound to the
 * engine and the chain (domain version "2"), void after the trade's expiry, and usable once; the
 * trade's record is the one every other path uses, so a trade settled here is `Settled` everywhere.
 */

const { time } = networkHelpers;

/** Both parties' current nonces on key 0. */
async function nonces(f: SettlementLedger, trade: Trade): Promise<[bigint, bigint]> {
  return [
    await f.engine["nonces(address,uint192)"](trade.seller, 0n),
    await f.engine["nonces(address,uint192)"](trade.buyer, 0n),
  ];
}

describe("SignedSettlement (settlement engine)", function () {
  describe("the signed order", function () {
    it("is the EIP-712 digest of SettlementOrder(Trade trade, uint256 nonce) in the engine's domain", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const domain = await settlementDomain(f.engine);
      expect(domain.name).to.equal("Tokenization Sandbox Settlement");
      expect(domain.version).to.equal("2");
      expect(domain.chainId).to.equal(f.chainId);
      expect(domain.verifyingContract).to.equal(f.engineAddress);
      const nonce = keyNonce(3n, 5n);
      expect(await f.engine.settlementOrderDigest(trade, nonce)).to.equal(
        TypedDataEncoder.hash(domain, SETTLEMENT_ORDER_TYPES, { trade, nonce }),
      );
    });
  });

  describe("submission", function () {
    // A party that submits consents by sending the transaction: only the other side's signature is
    // checked, but both nonces are consumed (so the counterparty cannot settle the orders again).
    const SUBMITTERS = [
      { who: "the seller", submitter: (f: SettlementLedger) => f.participants.kowloonDealer.signer, nonces: [1n, 1n] },
      { who: "the buyer", submitter: (f: SettlementLedger) => f.participants.peakAsset.signer, nonces: [1n, 1n] },
      {
        who: "the settlement agent (HKMA)",
        submitter: (f: SettlementLedger) => f.participants.hkma.signer,
        nonces: [1n, 1n],
      },
    ] as const;
    for (const s of SUBMITTERS) {
      it(`settles both legs in one transaction when submitted by ${s.who}`, async function () {
        const f = await loadSettlementLedger();
        const trade = await f.makeTrade();
        const id = tradeIdOf(trade);
        const orders = await signOrders(f, trade);

        const before = await f.snapshot();
        await expect(submit(f, s.submitter(f), trade, orders))
          .to.emit(f.engine, "TradeSettled")
          .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, true);
        expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
        expect(await nonces(f, trade)).to.deep.equal([...s.nonces]);
        // The trade's one record says Settled, for every path (and no side instructed it).
        const record = await f.engine.tradeRecord(id);
        expect([record.status, record.sellerInstructed, record.buyerInstructed]).to.deep.equal([
          statusOf("Settled"),
          false,
          false,
        ]);
      });
    }

    it("needs no signature from a party that submits itself", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const { buyer } = partiesOf(f, trade);
      const buyerNonce = await f.engine["nonces(address,uint192)"](trade.buyer, 0n);
      const orders: SignedOrders = {
        sellerNonce: 0n,
        sellerSignature: "0x",
        buyerNonce,
        buyerSignature: await signSettlementOrder(buyer, f.engine, trade, buyerNonce),
      };
      // Submitted by anyone else, the missing seller signature is refused.
      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);

      // Submitted by the seller itself, the sending is its consent.
      await expect(submit(f, f.participants.kowloonDealer.signer, trade, orders)).to.emit(f.engine, "TradeSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
      expect(await nonces(f, trade)).to.deep.equal([1n, 1n]);
    });

    it("emits TradeSettled with `signed` true and returns the trade id", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const orders = await signOrders(f, trade);
      const agent = f.participants.hkma.signer;
      expect(
        await f.engine
          .connect(agent)
          .settleSigned.staticCall(
            trade,
            orders.sellerNonce,
            orders.sellerSignature,
            orders.buyerNonce,
            orders.buyerSignature,
          ),
      ).to.equal(id);
      await expect(submit(f, agent, trade, orders))
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, true);
    });

    it("lets a newly appointed settlement agent submit", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const agent = f.participants.lionRockBank.signer;
      await mined(f.engine.grantRole(await f.engine.SETTLEMENT_AGENT_ROLE(), agent.address));
      await expect(submit(f, agent, trade, await signOrders(f, trade))).to.emit(f.engine, "TradeSettled");
    });

    it("refuses a submitter that is neither a party nor a settlement agent", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const orders = await signOrders(f, trade);
      const before = await f.snapshot();
      for (const stranger of [f.outsider, f.participants.harbourBank.signer, f.participants.tsingYiInsurance.signer]) {
        await expect(submit(f, stranger, trade, orders))
          .to.be.revertedWithCustomError(f.engine, "NotAuthorisedSubmitter")
          .withArgs(stranger.address);
      }
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("refuses invalid terms before looking at the signatures", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade({ quantity: 0n });
      await expect(submit(f, f.participants.hkma.signer, trade, await signOrders(f, trade)))
        .to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm")
        .withArgs("quantity");
    });
  });

  describe("signatures", function () {
    it("refuses an order signed by someone other than the party (InvalidSignature)", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const before = await f.snapshot();

      const forgedBuyer = await signOrders(f, trade, { buyerSigner: f.outsider });
      await expect(submit(f, f.participants.kowloonDealer.signer, trade, forgedBuyer))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.buyer);

      const buyerSignsForSeller = await signOrders(f, trade, { sellerSigner: f.participants.peakAsset.signer });
      await expect(submit(f, f.participants.peakAsset.signer, trade, buyerSignsForSeller))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);

      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("refuses a trade whose terms differ from the signed ones", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const orders = await signOrders(f, trade);
      const tampered: Trade[] = [
        { ...trade, amount: trade.amount - 1n },
        { ...trade, quantity: trade.quantity + 1n },
        { ...trade, expiry: trade.expiry + 1n },
        { ...trade, sellerCash: f.depositAddress.victoriaBank },
      ];
      for (const t of tampered) {
        await expect(submit(f, f.participants.hkma.signer, t, orders))
          .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
          .withArgs(trade.seller);
      }
    });

    it("refuses a nonce other than the one signed, and a signed nonce that is not the current one", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const orders = await signOrders(f, trade);
      await expect(submit(f, f.participants.hkma.signer, trade, { ...orders, sellerNonce: 1n }))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);

      const ahead = await signOrders(f, trade, { sellerNonce: 1n });
      await expect(submit(f, f.participants.hkma.signer, trade, ahead))
        .to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce")
        .withArgs(trade.seller, 0n);
    });

    it("refuses a replay of orders already settled (TradeInWrongStatus Settled), whoever submits", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const id = tradeIdOf(trade);
      const orders = await signOrders(f, trade);
      await mined(submit(f, f.participants.hkma.signer, trade, orders));

      const before = await f.snapshot();
      // The trade's record is checked before the nonces: the same trade never settles twice.
      for (const submitter of [
        f.participants.hkma.signer,
        f.participants.peakAsset.signer,
        f.participants.kowloonDealer.signer,
      ]) {
        await expect(submit(f, submitter, trade, orders))
          .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
          .withArgs(id, statusOf("Settled"));
      }
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([1n, 1n]);
    });

    it("refuses an order signed with a nonce already consumed, for another trade (InvalidAccountNonce)", async function () {
      const f = await loadSettlementLedger();
      const first = await f.makeTrade();
      await mined(submit(f, f.participants.hkma.signer, first, await signOrders(f, first)));

      // The seller signs a second trade with the nonce its first order used.
      const second = await f.makeTrade();
      const stale = await signOrders(f, second, { sellerNonce: 0n });
      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, second, stale))
        .to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce")
        .withArgs(second.seller, 1n);
      expect(await f.snapshot()).to.deep.equal(before);
    });

    it("settles a trade both parties signed only once, even when each party submits it in turn", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const orders = await signOrders(f, trade);
      await mined(submit(f, f.participants.kowloonDealer.signer, trade, orders));
      // The submitting seller's nonce was consumed too.
      expect(await nonces(f, trade)).to.deep.equal([1n, 1n]);

      const before = await f.snapshot();
      await expect(submit(f, f.participants.peakAsset.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "TradeInWrongStatus")
        .withArgs(tradeIdOf(trade), statusOf("Settled"));
      expect(await f.snapshot()).to.deep.equal(before, "the same signed trade settled twice");
    });

    it("refuses orders signed for another chain", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const { seller, buyer } = partiesOf(f, trade);
      const otherChain: TypedDataDomain = { ...(await settlementDomain(f.engine)), chainId: f.chainId + 1n };
      const orders: SignedOrders = {
        sellerNonce: 0n,
        sellerSignature: await seller.signTypedData(otherChain, SETTLEMENT_ORDER_TYPES, { trade, nonce: 0n }),
        buyerNonce: 0n,
        buyerSignature: await buyer.signTypedData(otherChain, SETTLEMENT_ORDER_TYPES, { trade, nonce: 0n }),
      };
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);
    });

    it("refuses orders signed for another engine instance", async function () {
      const f = await loadSettlementLedger();
      const hkma = f.participants.hkma;
      const other = await new SettlementEngine__factory(hkma.signer).deploy(
        f.wcbdcAddress,
        await f.registry.getAddress(),
        hkma.address,
      );
      expect(await other.getAddress()).to.not.equal(f.engineAddress);
      const trade = await f.makeTrade();
      const orders = await signOrders(f, trade, { engine: other });
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "InvalidSignature")
        .withArgs(trade.seller);
    });
  });

  describe("dates", function () {
    it("refuses signed orders after the trade's expiry", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now, expiry: now + 600n });
      const orders = await signOrders(f, trade);
      await time.increaseTo(trade.expiry + 1n);
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "TradeExpired")
        .withArgs(tradeIdOf(trade), trade.expiry);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("refuses signed orders before the settlement date, and settles them on it", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const trade = await f.makeTrade({ settlementDate: now + 3_600n, expiry: now + 7_200n });
      const orders = await signOrders(f, trade);
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "TradeNotDue")
        .withArgs(tradeIdOf(trade), trade.settlementDate);

      await time.increaseTo(trade.settlementDate);
      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, trade, orders)).to.emit(f.engine, "TradeSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
    });
  });

  describe("nonces", function () {
    it("lets a signer void an unsubmitted order by invalidating its nonce", async function () {
      const f = await loadSettlementLedger();
      const trade = await f.makeTrade();
      const { seller } = partiesOf(f, trade);
      const orders = await signOrders(f, trade);

      await expect(f.engine.connect(seller).invalidateNonce(0n))
        .to.emit(f.engine, "NonceInvalidated")
        .withArgs(seller.address, 0n);
      expect(await f.engine["nonces(address,uint192)"](seller.address, 0n)).to.equal(1n);

      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce")
        .withArgs(seller.address, 1n);
      expect(await f.snapshot()).to.deep.equal(before);
    });

    it("invalidates the next nonce of the given key only", async function () {
      const f = await loadSettlementLedger();
      const seller = f.participants.kowloonDealer;
      await expect(f.engine.connect(seller.signer).invalidateNonce(7n))
        .to.emit(f.engine, "NonceInvalidated")
        .withArgs(seller.address, keyNonce(7n, 0n));
      expect(await f.engine["nonces(address,uint192)"](seller.address, 7n)).to.equal(keyNonce(7n, 1n));
      expect(await f.engine["nonces(address,uint192)"](seller.address, 0n)).to.equal(0n);
    });

    it("settles orders on different keys in either order", async function () {
      const f = await loadSettlementLedger();
      const first = await f.makeTrade();
      const second = await f.makeTrade({ quantity: 4n, amount: 4n * 4_980_000n });
      const firstOrders = await signOrders(f, first, { sellerKey: 1n, buyerKey: 1n });
      const secondOrders = await signOrders(f, second, { sellerKey: 2n, buyerKey: 2n });
      expect(firstOrders.sellerNonce).to.equal(keyNonce(1n, 0n));
      expect(secondOrders.sellerNonce).to.equal(keyNonce(2n, 0n));

      await expect(submit(f, f.participants.hkma.signer, second, secondOrders)).to.emit(f.engine, "TradeSettled");
      await expect(submit(f, f.participants.hkma.signer, first, firstOrders)).to.emit(f.engine, "TradeSettled");
      for (const party of [first.seller, first.buyer]) {
        expect(await f.engine["nonces(address,uint192)"](party, 1n)).to.equal(keyNonce(1n, 1n));
        expect(await f.engine["nonces(address,uint192)"](party, 2n)).to.equal(keyNonce(2n, 1n));
        expect(await f.engine["nonces(address,uint192)"](party, 0n)).to.equal(0n);
      }
    });

    it("settles orders on one key only in sequence", async function () {
      const f = await loadSettlementLedger();
      const first = await f.makeTrade();
      const second = await f.makeTrade();
      const firstOrders = await signOrders(f, first, { sellerNonce: 0n, buyerNonce: 0n });
      const secondOrders = await signOrders(f, second, { sellerNonce: 1n, buyerNonce: 1n });
      await expect(submit(f, f.participants.hkma.signer, second, secondOrders))
        .to.be.revertedWithCustomError(f.engine, "InvalidAccountNonce")
        .withArgs(second.seller, 0n);
      await mined(submit(f, f.participants.hkma.signer, first, firstOrders));
      await expect(submit(f, f.participants.hkma.signer, second, secondOrders)).to.emit(f.engine, "TradeSettled");
    });
  });

  describe("a leg that cannot move", function () {
    for (const c of LEG_FAILURES) {
      it(`reverts SettlementLegFailed(${c.reason}, ${c.leg}) when ${c.title}, moving nothing and consuming no nonce`, async function () {
        const f = await loadSettlementLedger();
        const trade = await f.makeTrade(c.overrides === undefined ? {} : await c.overrides(f));
        const refusal = await c.breakRule(f, trade);
        const orders = await signOrders(f, trade);

        const before = await f.snapshot();
        await expect(submit(f, f.participants.hkma.signer, trade, orders))
          .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
          .withArgs(reasonOf(c.reason), legOf(c.leg), refusal.token, refusal.tokenError);
        expect(await f.snapshot()).to.deep.equal(before, "a failed signed settlement moved a balance");
        expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);

        // The same signed orders settle once the cause is fixed.
        await c.fix(f, trade);
        const beforeRetry = await f.snapshot();
        await expect(submit(f, f.participants.hkma.signer, trade, orders)).to.emit(f.engine, "TradeSettled");
        expect(changes(beforeRetry, await f.snapshot())).to.deep.equal(dvpMoves(f, trade));
      });
    }
  });

  describe("cross-bank DvP (buyer at Victoria Bank, seller at Harbour Bank)", function () {
    /** Tsing Yi Insurance (Victoria Bank) buys from Kowloon Dealer (Harbour Bank). */
    async function crossBankTrade(f: SettlementLedger): Promise<Trade> {
      return f.makeTrade({
        buyer: f.participants.tsingYiInsurance.address,
        buyerCash: f.depositAddress.victoriaBank,
        sellerCash: f.depositAddress.harbourBank,
      });
    }

    it("delivers the bond, burns the buyer's deposit, pays Victoria→Harbour in wCBDC and mints the seller's deposit, in one transaction", async function () {
      const f = await loadSettlementLedger();
      const trade = await crossBankTrade(f);
      const id = tradeIdOf(trade);
      const orders = await signOrders(f, trade);

      const before = await f.snapshot();
      const tx = submit(f, f.participants.kowloonDealer.signer, trade, orders);
      await expect(tx)
        .to.emit(f.engine, "TradeSettled")
        .withArgs(id, trade.seller, trade.buyer, trade.quantity, trade.amount, true);
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(id, f.participants.victoriaBank.address, f.participants.harbourBank.address, trade.amount);
      // Exactly these move; in particular the wCBDC supply does not (only central-bank money changes hands).
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:kowloonDealer": -10n,
        "bond:tsingYiInsurance": 10n,
        "vbHKD:tsingYiInsurance": -49_750_000n,
        "vbHKD:supply": -49_750_000n,
        "wHKD:victoriaBank": -49_750_000n,
        "wHKD:harbourBank": 49_750_000n,
        "hbHKD:kowloonDealer": 49_750_000n,
        "hbHKD:supply": 49_750_000n,
      });
    });

    it("reverts SettlementLegFailed(InsufficientCash, Interbank) when Victoria Bank lacks wCBDC, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const trade = await crossBankTrade(f);
      const victoria = f.participants.victoriaBank;
      // Victoria Bank keeps one minor unit less than the trade needs.
      const keep = trade.amount - 1n;
      const held = await f.wcbdc.balanceOf(victoria.address);
      await mined(f.wcbdc.connect(victoria.signer).transfer(f.participants.harbourBank.address, held - keep));
      const orders = await signOrders(f, trade);

      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
        .withArgs(
          reasonOf("InsufficientCash"),
          legOf("Interbank"),
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [victoria.address, keep, trade.amount]),
        );
      expect(legOf("Interbank")).to.equal(2n);
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);
    });

    it("refuses CashTokenNotRegistered when the buyer's deposit line was deregistered, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const trade = await crossBankTrade(f);
      await mined(f.engine.deregisterDepositToken(f.depositAddress.victoriaBank));
      const orders = await signOrders(f, trade);
      const before = await f.snapshot();
      await expect(submit(f, f.participants.hkma.signer, trade, orders))
        .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
        .withArgs(f.depositAddress.victoriaBank);
      expect(await f.snapshot()).to.deep.equal(before);
      expect(await nonces(f, trade)).to.deep.equal([0n, 0n]);
    });
  });
});
