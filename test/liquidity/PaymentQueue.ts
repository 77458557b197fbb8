import { expect } from "chai";
import { encodeBytes32String, type ContractTransactionResponse } from "ethers";

import { deployLiquidityLedger, type LiquidityLedger } from "../../src/chain/deploy-liquidity.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { connection, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * Queued interbank payments (contracts/liquidity/PaymentQueue.sol). Harbour Bank starts with
 * HKD 10,000,000.00 of wCBDC and 1,000 bond units; it approves the queue for HKD 100,000,000.00 (the
 * queue debits only payments Harbour itself submitted). A payment of HKD 50,000,000.00 cannot settle
 * and waits; Harbour repos 1,000 units (lending value 1,000 × 5,000,000 × 98% = HKD 49,000,000.00),
 * and then has HKD 59,000,000.00: the waiting payment settles on release.
 */

const HARBOUR_CASH = 1_000_000_000n; // HKD 10,000,000.00
const APPROVED = 10_000_000_000n; // HKD 100,000,000.00
const LARGE = 5_000_000_000n; // HKD 50,000,000.00
const SMALL = 100_000_000n; // HKD 1,000,000.00
const REPO_UNITS = 1_000n;
const REPO_CASH = 4_900_000_000n; // HKD 49,000,000.00
const STATUS = { None: 0n, Queued: 1n, Settled: 2n, Cancelled: 3n, Rejected: 4n } as const;
const REASON_ACCOUNT_FROZEN = 5n; // FailureReason.AccountFrozen (ISO 20022 BLOC)
const ref = (text: string): string => encodeBytes32String(text);

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

/** 08:30 HKT (00:30 UTC) of the day after the chain's clock: the intraday facility is open whatever time the tests run. */
async function nextMorning(): Promise<number> {
  const now = await networkHelpers.time.latest();
  return (Math.floor(now / 86_400) + 1) * 86_400 + 1_800;
}

async function queueLedger(): Promise<LiquidityLedger> {
  await networkHelpers.time.increaseTo(await nextMorning());
  const ledger = await deployLiquidityLedger(connection);
  const p = ledger.participants;
  await mined(ledger.bond.mint(p.harbourBank.address, REPO_UNITS));
  await mined(ledger.wcbdc.mint(p.harbourBank.address, HARBOUR_CASH));
  await mined(ledger.wcbdc.connect(p.harbourBank.signer).approve(ledger.queue.target, APPROVED));
  return ledger;
}

const load = (): Promise<LiquidityLedger> => networkHelpers.loadFixture(queueLedger);

async function cash(ledger: LiquidityLedger): Promise<readonly bigint[]> {
  const p = ledger.participants;
  return Promise.all([p.harbourBank, p.victoriaBank, p.lionRockBank].map((x) => ledger.wcbdc.balanceOf(x.address)));
}

function pay(ledger: LiquidityLedger, amount: bigint, reference: string, payee = ledger.participants.victoriaBank.address): Promise<ContractTransactionResponse> {
  return ledger.queue.connect(ledger.participants.harbourBank.signer).submit(payee, amount, ref(reference));
}

describe("PaymentQueue", () => {
  it("settles at once a payment the payer can fund, with nothing queued before it", async () => {
    const ledger = await load();
    const p = ledger.participants;
    const [harbour, victoria] = await cash(ledger);
    const tx = await pay(ledger, SMALL, "CHATS-0001");
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSubmitted").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, SMALL, ref("CHATS-0001"));
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, SMALL);
    await expect(tx).not.to.emit(ledger.queue, "PaymentInstructionQueued");
    expect(await cash(ledger)).to.deep.equal([harbour - SMALL, victoria + SMALL, 0n]);
    expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Settled);
  });

  it("queues a payment the payer cannot fund; nothing moves, and release settles nothing until the bank is funded", async () => {
    const ledger = await load();
    const p = ledger.participants;
    const before = await cash(ledger);
    await expect(pay(ledger, LARGE, "CHATS-0002"))
      .to.emit(ledger.queue, "PaymentInstructionQueued")
      .withArgs(1n, p.harbourBank.address, 0n, HARBOUR_CASH, LARGE);
    expect(await cash(ledger)).to.deep.equal(before);
    expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([1n]);
    expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Queued);

    await expect(ledger.queue.release(p.harbourBank.address)).not.to.emit(ledger.queue, "PaymentInstructionSettled");
    expect(await cash(ledger)).to.deep.equal(before);
  });

  it("settles the waiting payment on release once the bank has repo'd paper for the liquidity", async () => {
    const ledger = await load();
    const p = ledger.participants;
    const [harbour, victoria] = await cash(ledger);
    await mined(pay(ledger, LARGE, "CHATS-0003"));
    await mined(ledger.bond.connect(p.harbourBank.signer).approve(ledger.facility.target, REPO_UNITS));
    await mined(ledger.facility.connect(p.harbourBank.signer).repo(ledger.bond.target, REPO_UNITS, REPO_CASH));
    const tx = await ledger.queue.connect(p.lionRockBank.signer).release(p.harbourBank.address);
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, LARGE);
    expect(await cash(ledger)).to.deep.equal([harbour + REPO_CASH - LARGE, victoria + LARGE, 0n]);
    expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([]);
    expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Settled);
  });

  it("keeps first-in first-out: a later payment waits behind an earlier one it could fund, and both settle in order", async () => {
    const ledger = await load();
    const p = ledger.participants;
    await mined(pay(ledger, LARGE, "CHATS-0004"));
    // Harbour could fund this one alone, but an earlier payment waits: it queues behind.
    await expect(pay(ledger, SMALL, "CHATS-0005")).to.emit(ledger.queue, "PaymentInstructionQueued").withArgs(2n, p.harbourBank.address, 1n, HARBOUR_CASH, SMALL);
    expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([1n, 2n]);
    const before = await cash(ledger);
    await expect(ledger.queue.release(p.harbourBank.address)).not.to.emit(ledger.queue, "PaymentInstructionSettled");
    expect(await cash(ledger)).to.deep.equal(before);

    await mined(ledger.wcbdc.mint(p.harbourBank.address, LARGE));
    const tx = await ledger.queue.release(p.harbourBank.address);
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, LARGE);
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(2n, p.harbourBank.address, p.victoriaBank.address, SMALL);
    expect(await cash(ledger)).to.deep.equal([HARBOUR_CASH - SMALL, before[1] + LARGE + SMALL, 0n]);
  });

  it("releases only what the payer can fund, from the head, and leaves the rest in order", async () => {
    const ledger = await load();
    const p = ledger.participants;
    await mined(pay(ledger, LARGE, "CHATS-0006"));
    await mined(pay(ledger, LARGE, "CHATS-0007"));
    await mined(pay(ledger, SMALL, "CHATS-0008"));
    await mined(ledger.wcbdc.mint(p.harbourBank.address, LARGE - HARBOUR_CASH)); // exactly one LARGE
    const tx = await ledger.queue.release(p.harbourBank.address);
    await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, LARGE);
    expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([2n, 3n]);
    expect(await ledger.wcbdc.balanceOf(p.harbourBank.address)).to.equal(0n);
  });

  it("counts a payer's allowance to the queue as part of what it can fund", async () => {
    const ledger = await load();
    const p = ledger.participants;
    await mined(ledger.wcbdc.connect(p.harbourBank.signer).approve(ledger.queue.target, SMALL - 1n));
    const before = await cash(ledger);
    await expect(pay(ledger, SMALL, "CHATS-0009")).to.emit(ledger.queue, "PaymentInstructionQueued").withArgs(1n, p.harbourBank.address, 0n, SMALL - 1n, SMALL);
    expect(await cash(ledger)).to.deep.equal(before);
  });

  describe("a payment the token refuses", () => {
    it("is rejected at the head with the token's error, and the release goes on: first settles, second rejected, third settles", async () => {
      const ledger = await load();
      const p = ledger.participants;
      await mined(pay(ledger, LARGE, "CHATS-0020")); // waits: Harbour holds HKD 10,000,000.00
      await mined(pay(ledger, SMALL, "CHATS-0021", p.lionRockBank.address));
      await mined(pay(ledger, SMALL, "CHATS-0022"));
      expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([1n, 2n, 3n]);
      // The registrar freezes Lion Rock Bank after its payment was queued.
      await mined(ledger.registry.setFrozen(p.lionRockBank.address, true));
      await mined(ledger.wcbdc.mint(p.harbourBank.address, LARGE));
      const [harbour, victoria, lionRock] = await cash(ledger);
      const tokenError = ledger.registry.interface.encodeErrorResult("ParticipantFrozen", [p.lionRockBank.address]);

      const tx = await ledger.queue.connect(p.victoriaBank.signer).release(p.harbourBank.address);
      await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(1n, p.harbourBank.address, p.victoriaBank.address, LARGE);
      await expect(tx)
        .to.emit(ledger.queue, "PaymentInstructionRejected")
        .withArgs(2n, p.harbourBank.address, p.lionRockBank.address, SMALL, REASON_ACCOUNT_FROZEN, tokenError);
      await expect(tx).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(3n, p.harbourBank.address, p.victoriaBank.address, SMALL);
      // Lion Rock receives nothing; Harbour is debited only the two settled payments.
      expect(await cash(ledger)).to.deep.equal([harbour - LARGE - SMALL, victoria + LARGE + SMALL, lionRock]);
      expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([]);
      expect((await ledger.queue.paymentOf(2n)).status).to.equal(STATUS.Rejected);
      expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Settled);
      expect((await ledger.queue.paymentOf(3n)).status).to.equal(STATUS.Settled);

      // Terminal: it cannot be cancelled, and a later release (Lion Rock unfrozen) does not settle it.
      await mined(ledger.registry.setFrozen(p.lionRockBank.address, false));
      await expect(ledger.queue.connect(p.harbourBank.signer).cancel(2n))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotQueued")
        .withArgs(2n, STATUS.Rejected);
      const after = await cash(ledger);
      const again = await ledger.queue.release(p.harbourBank.address);
      await expect(again).not.to.emit(ledger.queue, "PaymentInstructionSettled");
      await expect(again).not.to.emit(ledger.queue, "PaymentInstructionRejected");
      expect(await cash(ledger)).to.deep.equal(after);
      expect((await ledger.queue.paymentOf(2n)).status).to.equal(STATUS.Rejected);
    });

    it("a liquidity shortfall at the head still stops the release: nothing is rejected, not even a refused payment behind it", async () => {
      const ledger = await load();
      const p = ledger.participants;
      await mined(pay(ledger, LARGE, "CHATS-0023")); // Harbour cannot fund it
      await mined(pay(ledger, SMALL, "CHATS-0024", p.lionRockBank.address));
      await mined(ledger.registry.setFrozen(p.lionRockBank.address, true));
      const before = await cash(ledger);
      const tx = await ledger.queue.release(p.harbourBank.address);
      await expect(tx).not.to.emit(ledger.queue, "PaymentInstructionSettled");
      await expect(tx).not.to.emit(ledger.queue, "PaymentInstructionRejected");
      expect(await cash(ledger)).to.deep.equal(before);
      expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([1n, 2n]);
      expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Queued);
      expect((await ledger.queue.paymentOf(2n)).status).to.equal(STATUS.Queued);
    });

    it("a paused token stops the release with its own error; every payment stays queued", async () => {
      const ledger = await load();
      const p = ledger.participants;
      await mined(pay(ledger, LARGE, "CHATS-0025"));
      await mined(ledger.wcbdc.mint(p.harbourBank.address, LARGE));
      await mined(ledger.wcbdc.pause());
      const before = await cash(ledger);
      await expect(ledger.queue.release(p.harbourBank.address)).to.be.revertedWithCustomError(ledger.wcbdc, "EnforcedPause");
      expect(await cash(ledger)).to.deep.equal(before);
      expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([1n]);
      expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Queued);
    });
  });

  describe("cancel", () => {
    it("the payer cancels a queued payment; those behind it move up; it can no longer settle", async () => {
      const ledger = await load();
      const p = ledger.participants;
      await mined(pay(ledger, LARGE, "CHATS-0010"));
      await mined(pay(ledger, LARGE, "CHATS-0011"));
      await mined(pay(ledger, SMALL, "CHATS-0012"));
      await expect(ledger.queue.connect(p.harbourBank.signer).cancel(1n)).to.emit(ledger.queue, "PaymentInstructionCancelled").withArgs(1n, p.harbourBank.address);
      await mined(ledger.queue.connect(p.harbourBank.signer).cancel(2n));
      expect(await ledger.queue.queueOf(p.harbourBank.address)).to.deep.equal([3n]);
      expect((await ledger.queue.paymentOf(1n)).status).to.equal(STATUS.Cancelled);
      const [harbour, victoria] = await cash(ledger);
      await expect(ledger.queue.release(p.harbourBank.address)).to.emit(ledger.queue, "PaymentInstructionSettled").withArgs(3n, p.harbourBank.address, p.victoriaBank.address, SMALL);
      expect(await cash(ledger)).to.deep.equal([harbour - SMALL, victoria + SMALL, 0n]);
    });

    it("refuses a cancel by another bank, of a settled or cancelled payment, or of an unknown one; nothing moves", async () => {
      const ledger = await load();
      const p = ledger.participants;
      await mined(pay(ledger, SMALL, "CHATS-0013")); // settles at once
      await mined(pay(ledger, LARGE, "CHATS-0014")); // waits
      const before = await cash(ledger);
      await expect(ledger.queue.connect(p.victoriaBank.signer).cancel(2n))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotPayer")
        .withArgs(2n, p.harbourBank.address, p.victoriaBank.address);
      await expect(ledger.queue.connect(p.harbourBank.signer).cancel(1n))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotQueued")
        .withArgs(1n, STATUS.Settled);
      await mined(ledger.queue.connect(p.harbourBank.signer).cancel(2n));
      await expect(ledger.queue.connect(p.harbourBank.signer).cancel(2n))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotQueued")
        .withArgs(2n, STATUS.Cancelled);
      await expect(ledger.queue.connect(p.harbourBank.signer).cancel(5n)).to.be.revertedWithCustomError(ledger.queue, "PaymentUnknown").withArgs(5n);
      expect(await cash(ledger)).to.deep.equal(before);
    });
  });

  describe("refusals at submission", () => {
    it("only banks pay and are paid: a dealer payee and a dealer payer are refused", async () => {
      const ledger = await load();
      const dealer = ledger.participants.kowloonDealer;
      await expect(pay(ledger, SMALL, "CHATS-0015", dealer.address))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotBank")
        .withArgs(dealer.address, BigInt(ParticipantKind.Dealer));
      await expect(ledger.queue.connect(dealer.signer).submit(ledger.participants.victoriaBank.address, SMALL, ref("X")))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentNotBank")
        .withArgs(dealer.address, BigInt(ParticipantKind.Dealer));
    });

    it("refuses a zero amount and a payment to itself", async () => {
      const ledger = await load();
      const harbour = ledger.participants.harbourBank.address;
      const victoria = ledger.participants.victoriaBank.address;
      await expect(pay(ledger, 0n, "CHATS-0016")).to.be.revertedWithCustomError(ledger.queue, "PaymentInvalid").withArgs(victoria, 0n);
      await expect(pay(ledger, SMALL, "CHATS-0017", harbour)).to.be.revertedWithCustomError(ledger.queue, "PaymentInvalid").withArgs(harbour, SMALL);
    });

    it("bounds each payer's queue at MAX_QUEUED", async () => {
      const ledger = await load();
      const max = await ledger.queue.MAX_QUEUED();
      for (let i = 0n; i < max; i++) await mined(pay(ledger, LARGE, `Q-${i}`));
      expect((await ledger.queue.queueOf(ledger.participants.harbourBank.address)).length).to.equal(Number(max));
      const before = await cash(ledger);
      await expect(pay(ledger, LARGE, "Q-full"))
        .to.be.revertedWithCustomError(ledger.queue, "PaymentQueueFull")
        .withArgs(ledger.participants.harbourBank.address, max);
      expect(await cash(ledger)).to.deep.equal(before);
    });
  });
});
