import { expect } from "chai";
import { encodeBytes32String, sha256 } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { ParticipantKind } from "../../src/domain/participants.js";
import { HashedTimelock__factory, type HashedTimelock } from "../../typechain-types/index.js";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";

import type { Trade } from "../../src/domain/trade.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  DAY,
  HK,
  PRICE_PER_UNIT,
  YEAR,
  balancesOf,
  chainNow,
  changes,
  instructBoth,
  loadSettlementLedger,
  mined,
  reasonOf,
  statusOf,
  tradeIdOf,
  type Balances,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";

/**
 * An outsider's review of the contract change after 6179435 (GovernmentBond's post-maturity
 * exemption for infrastructure and forced transfers into infrastructure, BondPayingAgent's refusal
 * to pay infrastructure, HashedTimelock's ENTITLEMENT_MARGIN, PrimaryIssuance's issuer eligibility
 * and bid cap). Every test states the SAFE behaviour: the attack is refused with the exact error and
 * nothing moved.
 */

const { time } = networkHelpers;
const HOUR = 3_600n;
const PREIMAGE = "0x" + "24".repeat(32);
const HASHLOCK = sha256(PREIMAGE);

let refSequence = 0;
function nextRef(prefix: string): string {
  refSequence += 1;
  return encodeBytes32String(`${prefix}-${refSequence}`);
}

async function travelTo(timestamp: bigint): Promise<void> {
  if ((await chainNow()) < timestamp) await time.increaseTo(timestamp);
}

async function snapshotWith(f: SettlementLedger, extra: Record<string, string> = {}): Promise<Balances> {
  return balancesOf(f.tokens, { ...f.holders, ...extra });
}

async function withEscrow(f: SettlementLedger): Promise<{ htlc: HashedTimelock; htlcAddress: string }> {
  const htlc = await new HashedTimelock__factory(f.participants.hkma.signer).deploy();
  await htlc.waitForDeployment();
  const htlcAddress = await htlc.getAddress();
  await mined(f.registry.registerParticipant(htlcAddress, ParticipantKind.Infrastructure, HK, (await chainNow()) + 10n * YEAR));
  await mined(f.wcbdc.setSettlementContract(htlcAddress, true));
  return { htlc, htlcAddress };
}

async function lockBond(
  f: SettlementLedger,
  htlc: HashedTimelock,
  sender: HardhatEthersSigner,
  receiver: string,
  amount: bigint,
  timelock: bigint,
): Promise<string> {
  await mined(f.bond.connect(sender).approve(await htlc.getAddress(), amount));
  await mined(htlc.connect(sender).lock(receiver, f.bondAddress, amount, HASHLOCK, timelock));
  return htlc.lockIdOf(sender.address, receiver, f.bondAddress, amount, HASHLOCK, timelock);
}

function bondDates(f: SettlementLedger): { recordDates: bigint[]; maturity: bigint } {
  const couponDates = f.bondTerms.couponDates.map((d) => BigInt(d));
  return { recordDates: couponDates.map((d) => d - DAY), maturity: couponDates[couponDates.length - 1] };
}

/** Harbour Bank locks 10 units for Victoria Bank, ending more than the margin before the last record date. */
async function lockBeforeMaturity(f: SettlementLedger): Promise<{ htlc: HashedTimelock; htlcAddress: string; lockId: string }> {
  const { htlc, htlcAddress } = await withEscrow(f);
  const { recordDates } = bondDates(f);
  const timelock = recordDates[recordDates.length - 1] - DAY - HOUR;
  await travelTo(timelock - HOUR);
  const lockId = await lockBond(f, htlc, f.participants.harbourBank.signer, f.participants.victoriaBank.address, 10n, timelock);
  return { htlc, htlcAddress, lockId };
}

describe("Security: outsider review of the post-6179435 contract change", function () {
  describe("GovernmentBond: infrastructure may return matured units, nobody else may move them", function () {
    it("after maturity a holder cannot lock, transfer into the escrow or the engine, nor the receiver claim; only the refund to the sender moves", async function () {
      const f = await loadSettlementLedger();
      const { htlc, htlcAddress, lockId } = await lockBeforeMaturity(f);
      const { maturity } = bondDates(f);
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      await travelTo(maturity + HOUR);
      const before = await snapshotWith(f, { escrow: htlcAddress });

      // A new lock passes the entitlement check (no date left: uint64 max) but the bond refuses the holder's debit.
      await mined(f.bond.connect(harbour.signer).approve(htlcAddress, 5n));
      await expect(htlc.connect(harbour.signer).lock(victoria.address, f.bondAddress, 5n, HASHLOCK, (await chainNow()) + DAY))
        .to.be.revertedWithCustomError(f.bond, "BondMatured")
        .withArgs(maturity);
      // Sending matured units straight to infrastructure is not "infrastructure returning units".
      await expect(f.bond.connect(harbour.signer).transfer(htlcAddress, 1n))
        .to.be.revertedWithCustomError(f.bond, "BondMatured")
        .withArgs(maturity);
      await expect(f.bond.connect(harbour.signer).transfer(f.engineAddress, 1n))
        .to.be.revertedWithCustomError(f.bond, "BondMatured")
        .withArgs(maturity);
      // The receiver cannot take the matured units out of the escrow with the preimage.
      const timelock = (await htlc.getLock(lockId)).timelock;
      await expect(htlc.connect(victoria.signer).claim(lockId, PREIMAGE))
        .to.be.revertedWithCustomError(htlc, "LockExpired")
        .withArgs(lockId, timelock);
      expect(changes(before, await snapshotWith(f, { escrow: htlcAddress }))).to.deep.equal({});

      // An outsider's refund only returns the units to their sender.
      await expect(htlc.connect(f.outsider).refund(lockId)).to.emit(htlc, "Refunded").withArgs(lockId);
      expect(changes(before, await snapshotWith(f, { escrow: htlcAddress }))).to.deep.equal({
        "bond:escrow": -10n,
        "bond:harbourBank": 10n,
      });
      await expect(htlc.refund(lockId))
        .to.be.revertedWithCustomError(htlc, "LockInWrongState")
        .withArgs(lockId, 3n);
    });

    it("the post-maturity exemption does not move a frozen holder's units nor a paused bond", async function () {
      const f = await loadSettlementLedger();
      const { htlc, htlcAddress, lockId } = await lockBeforeMaturity(f);
      const { maturity } = bondDates(f);
      const hkma = f.participants.hkma.signer;
      const harbour = f.participants.harbourBank.address;
      await travelTo(maturity + HOUR);
      const before = await snapshotWith(f, { escrow: htlcAddress });

      await mined(f.bond.connect(hkma).setFrozen(harbour, true));
      await expect(htlc.refund(lockId)).to.be.revertedWithCustomError(f.bond, "AccountFrozen").withArgs(harbour);
      await mined(f.bond.connect(hkma).setFrozen(harbour, false));

      await mined(f.registry.setFrozen(harbour, true));
      await expect(htlc.refund(lockId)).to.be.revertedWithCustomError(f.registry, "ParticipantFrozen").withArgs(harbour);
      await mined(f.registry.setFrozen(harbour, false));

      await mined(f.bond.connect(hkma).pause());
      await expect(htlc.refund(lockId)).to.be.revertedWithCustomError(f.bond, "EnforcedPause");
      expect(changes(before, await snapshotWith(f, { escrow: htlcAddress }))).to.deep.equal({});
    });

    it("a forced transfer can neither put units into the escrow or the engine (S13 closed) nor take them out", async function () {
      const f = await loadSettlementLedger();
      const { htlc, htlcAddress } = await withEscrow(f);
      await lockBond(f, htlc, f.participants.harbourBank.signer, f.participants.victoriaBank.address, 10n, (await chainNow()) + HOUR);
      const hkma = f.participants.hkma.signer;
      const harbour = f.participants.harbourBank.address;
      const before = await snapshotWith(f, { escrow: htlcAddress });

      await expect(f.bond.connect(hkma).forcedTransfer(harbour, htlcAddress, 10n, "HCMP 3/2026"))
        .to.be.revertedWithCustomError(f.bond, "BondForcedTransferFromInfrastructure")
        .withArgs(htlcAddress);
      await expect(f.bond.connect(hkma).forcedTransfer(harbour, f.engineAddress, 10n, "HCMP 4/2026"))
        .to.be.revertedWithCustomError(f.bond, "BondForcedTransferFromInfrastructure")
        .withArgs(f.engineAddress);
      await expect(f.bond.connect(hkma).forcedTransfer(htlcAddress, harbour, 10n, "HCMP 5/2026"))
        .to.be.revertedWithCustomError(f.bond, "BondForcedTransferFromInfrastructure")
        .withArgs(htlcAddress);
      expect(changes(before, await snapshotWith(f, { escrow: htlcAddress }))).to.deep.equal({});
    });
  });

  describe("BondPayingAgent: infrastructure is parked, never paid or burned", function () {
    it("redeeming the escrow's unrefunded lock is parked (HolderIsInfrastructure): nothing burned or paid; after the refund the sender is redeemed once", async function () {
      const f = await loadSettlementLedger();
      const { htlc, htlcAddress, lockId } = await lockBeforeMaturity(f);
      const { maturity } = bondDates(f);
      const agentAddress = await f.payingAgent.getAddress();
      const harbour = f.participants.harbourBank.address;
      await travelTo(maturity + HOUR);
      await mined(f.wcbdc.mint(agentAddress, await f.payingAgent.redemptionLiability()));
      const extra = { escrow: htlcAddress, agent: agentAddress };
      const before = await snapshotWith(f, extra);

      const reason = f.payingAgent.interface.encodeErrorResult("HolderIsInfrastructure", [htlcAddress]);
      await expect(f.payingAgent.redeemHolders([htlcAddress]))
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(htlcAddress, 2n ** 256n - 1n, true, reason);
      await expect(f.payingAgent.redeemOnBehalf(htlcAddress))
        .to.be.revertedWithCustomError(f.payingAgent, "AccessControlUnauthorizedAccount");
      expect(changes(before, await snapshotWith(f, extra))).to.deep.equal({});

      await mined(htlc.connect(f.outsider).refund(lockId));
      const perUnit = await f.bond.redemptionPerUnit();
      const units = await f.bond.balanceOf(harbour);
      await mined(f.payingAgent.redeemHolders([harbour]));
      await expect(f.payingAgent.connect(f.participants.harbourBank.signer).redeem())
        .to.be.revertedWithCustomError(f.payingAgent, "NothingOwed")
        .withArgs(harbour);
      expect(changes(before, await snapshotWith(f, extra))).to.deep.equal({
        "bond:escrow": -10n,
        "bond:harbourBank": -(units - 10n),
        "bond:supply": -units,
        "wHKD:agent": -units * perUnit,
        "wHKD:harbourBank": units * perUnit,
      });
    });
  });

  describe("SettlementEngine: a deregistered bond settles on no path", function () {
    it("a matched trade of a bond deregistered after it matched is skipped TokenRejected in a batch, fails in settle(), and a stranger cannot batch", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const due = { settlementDate: now + DAY, expiry: now + 3n * DAY };
      const single: Trade = await f.makeTrade({ tradeRef: nextRef("OR-TRD"), ...due });
      const netted: Trade = await f.makeTrade({
        tradeRef: nextRef("OR-TRD"),
        seller: f.participants.harbourBank.address,
        buyer: f.participants.victoriaBank.address,
        buyerCash: f.wcbdcAddress,
        sellerCash: f.wcbdcAddress,
        ...due,
      });
      await instructBoth(f, single);
      await instructBoth(f, netted);
      await mined(f.engine.deregisterAsset(f.bondAddress));
      await travelTo(due.settlementDate);
      const before = await f.snapshot();

      await expect(f.engine.connect(f.outsider).settleBatch([netted]))
        .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, await f.engine.SETTLEMENT_AGENT_ROLE());
      await expect(f.engine.settleBatch([netted]))
        .to.emit(f.engine, "TradeSkippedInBatch")
        .withArgs(tradeIdOf(netted), anyValue, statusOf("Failed"), reasonOf("TokenRejected"));
      await mined(f.engine.connect(f.outsider).settle(single));

      expect(changes(before, await f.snapshot())).to.deep.equal({});
      expect((await f.engine.tradeRecord(tradeIdOf(netted))).status).to.equal(statusOf("Failed"));
      const record = await f.engine.tradeRecord(tradeIdOf(single));
      expect([record.status, record.reason]).to.deep.equal([statusOf("Failed"), reasonOf("TokenRejected")]);
    });
  });

  describe("BondPayingAgent: a coupon of record held by the escrow", function () {
    it("a coupon owed to the escrow (a lock refunded after the record date) is parked, never paid into the escrow nor to anyone else", async function () {
      const f = await loadSettlementLedger();
      const { htlc, htlcAddress } = await withEscrow(f);
      const { recordDates } = bondDates(f);
      const harbour = f.participants.harbourBank;
      const timelock = recordDates[0] - DAY - HOUR;
      await travelTo(timelock - HOUR);
      const lockId = await lockBond(f, htlc, harbour.signer, f.participants.victoriaBank.address, 10n, timelock);
      await travelTo(recordDates[0] + HOUR);
      await mined(htlc.refund(lockId));
      const couponDate = BigInt(f.bondTerms.couponDates[0]);
      await travelTo(couponDate);
      const agentAddress = await f.payingAgent.getAddress();
      await mined(f.wcbdc.mint(agentAddress, await f.payingAgent.couponLiability(0n)));
      const extra = { escrow: htlcAddress, agent: agentAddress };
      const before = await snapshotWith(f, extra);

      expect(await f.bond.balanceOfAtRecord(htlcAddress, 0n)).to.equal(10n);
      const reason = f.payingAgent.interface.encodeErrorResult("HolderIsInfrastructure", [htlcAddress]);
      await expect(f.payingAgent.payCoupons(0n, [htlcAddress]))
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(htlcAddress, 0n, false, reason);
      expect(await f.payingAgent.couponPaid(0n, htlcAddress)).to.equal(false);
      expect(changes(before, await snapshotWith(f, extra))).to.deep.equal({});
    });
  });

  describe("PrimaryIssuance: eligible issuer, bids within the offer", function () {
    it("a bid above the units on offer is refused; a frozen issuer cannot open a tender", async function () {
      const f = await loadSettlementLedger();
      const issuanceAddress = await f.issuance.getAddress();
      const ref = nextRef("OR-TENDER");
      const closesAt = (await chainNow()) + DAY;
      const terms = { bond: f.bondAddress, unitsOffered: 100n, minimumLot: 1n, closesAt, proceedsAccount: f.participants.hkma.address };
      await mined(f.issuance.openTender(ref, terms));
      const lionRock = f.participants.lionRockBank.signer;
      await mined(f.wcbdc.connect(lionRock).approve(issuanceAddress, 101n * PRICE_PER_UNIT));
      const before = await snapshotWith(f, { issuance: issuanceAddress });

      await expect(f.issuance.connect(lionRock).submitBid(ref, 101n, PRICE_PER_UNIT, closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "InvalidBid")
        .withArgs("units");

      const government = f.participants.government.address;
      await mined(f.registry.setFrozen(government, true));
      await expect(f.issuance.openTender(nextRef("OR-TENDER"), terms))
        .to.be.revertedWithCustomError(f.registry, "ParticipantFrozen")
        .withArgs(government);
      expect(changes(before, await snapshotWith(f, { issuance: issuanceAddress }))).to.deep.equal({});
    });
  });
});
