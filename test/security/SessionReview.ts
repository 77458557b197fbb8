import { expect } from "chai";
import { encodeBytes32String, type ContractTransactionResponse } from "ethers";

import { ParticipantKind } from "../../src/domain/participants.js";
import { signNav } from "../../src/chain/fund-signing.js";
import type { FundDeployment } from "../../src/chain/deploy-funds.js";
import { OrderStatus, hktAt, nextWeekday, redemptionCash } from "../../src/domain/money-market-fund.js";
import {
  changes as fundChanges,
  confirmation,
  fundBook,
  HOUR,
  mined as fundMined,
  morning,
  publishNav,
  redeem,
  settle,
  subscribe,
  time,
  type FundFixture,
} from "../helpers/fund-fixture.js";
import {
  DAY,
  chainNow,
  instructBoth,
  loadSettlementLedger,
  mined,
  recordOf,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";

/**
 * Attacker's review of the session's changes (review 19): FundDealing's register re-checks, held
 * units and priced-day rules (85f8893); BondPayingAgent's outstandingLiability/returnSurplus
 * (c5430bb); the gas-pack merge (c537d83: ERC20PackedBalances, ParticipantWords, participantWords).
 * Conventions as test/security/Attacks.ts: every test states the SAFE behaviour.
 *
 * - `it(...)`: an attack the contracts refuse today, kept as a regression test.
 * - `it.skip(...)` with `// EXPLOIT (<severity>): ...`: an attack that works today. Remove the
 *   `.skip` to see it fail; it passes once the contract is fixed.
 *
 * Findings of this review are named `finding R19-<n>`.
 */

const NAV = 100_000n;
const CASH = 1_000_000_00n;

/** Whether `tx` was mined without reverting (for attacks whose fix may close either of two doors). */
async function succeeds(tx: Promise<ContractTransactionResponse>): Promise<boolean> {
  try {
    await (await tx).wait();
    return true;
  } catch {
    return false;
  }
}

async function freezeUnits(fund: FundDeployment, account: string, frozen: boolean): Promise<void> {
  await fundMined(fund.units.connect(fund.parties.transferAgent.signer).setFrozen(account, frozen));
}

/** Lantau Pension (Lion Rock Bank; the fund is at Victoria Bank) buys units of `fund` on the fixture's day; returns the next dealing day, 09:00 HKT. */
async function lantauHoldsUnits(f: FundFixture & { day: number }, fund: FundDeployment): Promise<number> {
  const sub = await subscribe(f, fund, "lantauPension", "lionRockBank", CASH);
  await time.increaseTo(hktAt(f.day, 13 * HOUR));
  await publishNav(fund, f.day, NAV);
  await settle(fund, sub, f);
  if (fund === f.rtgs) {
    const c = await confirmation(fund, sub, encodeBytes32String(`CHATS-SUB-${sub}`));
    await fundMined(fund.dealing.confirmRtgs(sub, c.conf, c.signature));
  }
  const next = nextWeekday(f.day);
  await time.increaseTo(hktAt(next, 9 * HOUR));
  return next;
}

function bondDates(f: SettlementLedger): { couponDates: bigint[]; recordDates: bigint[]; maturity: bigint } {
  const couponDates = f.bondTerms.couponDates.map((d) => BigInt(d));
  return { couponDates, recordDates: couponDates.map((d) => d - DAY), maturity: couponDates[couponDates.length - 1] };
}

async function travelTo(timestamp: bigint): Promise<void> {
  if ((await chainNow()) < timestamp) await time.increaseTo(timestamp);
}

// ==================================================================================================

describe("Security review 19: FundDealing (register re-checks, held units, priced days)", function () {
  it("finding R19-1 (fixed): a subscriber who sees the NAV cannot walk away from its order: its cash is in custody since the order, so withdrawing its allowance or spending its balance changes nothing and the dealing settles", async function () {
    // Was: subscribe took no cash into custody, only an allowance the investor could withdraw after
    // seeing the NAV; the dealing then failed (MissingApproval) and the investor cancelled once the NAV
    // went stale — a free option on a known price. Now subscribe moves the cash into FundDealing's
    // custody (as redeem does with units), spending exactly the allowance given for the order.
    const f = await morning();
    const peak = f.participants.peakAsset;
    const placedAt = await fundBook(f);
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    expect(fundChanges(placedAt, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": -CASH, "hbHKD:dealingCbm": CASH });
    expect(await f.deposits.harbourBank.allowance(peak.address, f.cbm.dealing.target)).to.equal(0n);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV); // the price is known now: validUntil 24:00 HKT
    await fundMined(f.deposits.harbourBank.connect(peak.signer).approve(f.cbm.dealing.target, 0n)); // tries to walk away
    await expect(f.cbm.dealing.connect(peak.signer).cancelOrder(id))
      .to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable")
      .withArgs(id);
    await expect(f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer).settle(id)).to.emit(f.cbm.dealing, "SubscriptionSettled");
    expect((await f.cbm.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.Settled));
    expect(await f.deposits.harbourBank.balanceOf(f.cbm.dealing.target)).to.equal(0n);
  });

  it("finding R19-2 (fixed): a NAV for a day whose orders became cancellable as never priced is refused (FundNavTooLate), so an investor cannot both cancel and see its day priced", async function () {
    // Fixed: FundNav.publishNav refuses a NAV from the end of the next day on (FundNavTooLate), the
    // moment the "never came" cancellation opens. Was (low, free option on a late NAV): cancelOrder (FundDealing.sol l. 382) lets an investor
    // cancel once `dayOf(now) > day + 1` without a NAV, but FundNav.publishNav (FundNav.sol l. 81)
    // puts no upper bound on struckAt: the administrator's NAV for day D can still be struck and
    // published on D+2 or later. In that window an investor who sees the signed NAV before it is
    // mined (anyone may publish it, so it travels in the open) cancels if the price does not suit it
    // and stays in if it does, while the other orders of day D deal at that NAV. Fix: refuse a NAV
    // struck after the end of day D+1 (the "never came" horizon), so the two windows cannot overlap
    // (or refuse the "never came" cancellation once a NAV may still come).
    const f = await morning();
    const day = f.day;
    const peakId = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await subscribe(f, f.cbm, "tsingYiInsurance", "victoriaBank", CASH);
    const late = hktAt(day + 2, 9 * HOUR); // no NAV on day D nor D+1
    await time.increaseTo(late);
    const nav = { fund: f.cbm.units.target as string, dealingDay: day, navPerUnit: NAV, struckAt: late, validUntil: late + 12 * HOUR };
    const signature = await signNav(f.cbm.parties.fundAdministrator.signer, f.cbm.dealing, nav); // seen by Peak
    const cancelled = await succeeds(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(peakId));
    const published = await succeeds(f.cbm.dealing.publishNav(nav, signature));
    expect(cancelled && published, "an investor may not both cancel as never priced and see its day priced afterwards").to.equal(false);
    expect([cancelled, published]).to.deep.equal([true, false]);
    await expect(f.cbm.dealing.publishNav(nav, signature)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavTooLate");
  });

  it("the _lastOrderAt rule: a NAV struck before a later cut-off let in one more order cannot price that order (no late trading on a signed price)", async function () {
    const f = await morning();
    const struckAt = hktAt(f.day, 12 * HOUR + 30 * 60); // the administrator strikes and signs at 12:30
    await time.increaseTo(struckAt + 60);
    const nav = { fund: f.cbm.units.target as string, dealingDay: f.day, navPerUnit: NAV, struckAt, validUntil: struckAt + 12 * HOUR };
    const signature = await signNav(f.cbm.parties.fundAdministrator.signer, f.cbm.dealing, nav);
    await fundMined(f.cbm.dealing.setCutOff(15 * HOUR)); // the manager moves the cut-off later before it is published
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH); // placed knowing the 12:30 price
    expect((await f.cbm.dealing.orderOf(id)).dealingDay).to.equal(BigInt(f.day));
    await expect(f.cbm.dealing.publishNav(nav, signature)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStruckOutsideWindow");
    // Even with the cut-off back at 12:00 the 12:30 strike is before the 13:00 order: refused.
    await fundMined(f.cbm.dealing.setCutOff(12 * HOUR));
    await expect(f.cbm.dealing.publishNav(nav, signature)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStruckOutsideWindow");
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavNotPublished");
    // Only a strike after the last order prices the day.
    const lastOrderAt = Number((await f.cbm.dealing.orderOf(id)).placedAt);
    await time.increaseTo(lastOrderAt + 60);
    await expect(publishNav(f.cbm, f.day, NAV, { struckAt: lastOrderAt })).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStruckOutsideWindow");
    await publishNav(f.cbm, f.day, NAV, { struckAt: lastOrderAt + 1 });
    await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "SubscriptionSettled");
  });

  it("RTGS: held units are returned once, only to their investor, and never out of another order's custody; a failed order with held units cannot be cancelled, settled, confirmed or released again", async function () {
    const f = await morning();
    const next = await lantauHoldsUnits(f, f.rtgs);
    const lantau = f.participants.lantauPension;
    const r1 = await redeem(f, f.rtgs, "lantauPension", "lionRockBank", 5_000n);
    const r2 = await redeem(f, f.rtgs, "lantauPension", "lionRockBank", 3_000n);
    await time.increaseTo(hktAt(next, 13 * HOUR));
    await publishNav(f.rtgs, next, NAV);
    await settle(f.rtgs, r1, f); // the trustee's deposit earmarked; r2 stays Placed, its units in custody
    const conf = await confirmation(f.rtgs, r1, encodeBytes32String("CHATS-R1")); // signed in time, submitted late
    await freezeUnits(f.rtgs, lantau.address, true);
    const { deadline } = await f.rtgs.dealing.earmarkOf(r1);
    await time.increaseTo(Number(deadline) + 1);
    await expect(f.rtgs.dealing.releaseEarmark(r1)).to.emit(f.rtgs.dealing, "RedeemedUnitsHeld").withArgs(r1, lantau.address, 5_000n);
    expect(await f.rtgs.units.balanceOf(f.rtgs.dealing.target)).to.equal(8_000n);

    const dealing = f.rtgs.dealing;
    const error = "FundOrderInWrongStatus";
    await expect(f.rtgs.dealing.connect(lantau.signer).cancelOrder(r1)).to.be.revertedWithCustomError(dealing, error).withArgs(r1, OrderStatus.Failed);
    await expect(f.rtgs.dealing.connect(f.rtgs.parties.trustee.signer).settle(r1)).to.be.revertedWithCustomError(dealing, error).withArgs(r1, OrderStatus.Failed);
    await expect(f.rtgs.dealing.confirmRtgs(r1, conf.conf, conf.signature)).to.be.revertedWithCustomError(dealing, error).withArgs(r1, OrderStatus.Failed);
    await expect(f.rtgs.dealing.releaseEarmark(r1)).to.be.revertedWithCustomError(dealing, error).withArgs(r1, OrderStatus.Failed);
    await expect(f.rtgs.dealing.returnHeldUnits(r2)).to.be.revertedWithCustomError(dealing, "FundNoHeldUnits").withArgs(r2);

    await freezeUnits(f.rtgs, lantau.address, false);
    const before = await fundBook(f);
    await expect(f.rtgs.dealing.connect(f.participants.peakAsset.signer).returnHeldUnits(r1))
      .to.emit(f.rtgs.dealing, "HeldUnitsReturned")
      .withArgs(r1, lantau.address, 5_000n);
    await expect(f.rtgs.dealing.returnHeldUnits(r1)).to.be.revertedWithCustomError(dealing, "FundNoHeldUnits").withArgs(r1);
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({ "unitsRtgs:lantauPension": 5_000n, "unitsRtgs:dealingRtgs": -5_000n });
    expect(await f.rtgs.units.balanceOf(f.rtgs.dealing.target)).to.equal(3_000n); // r2's units, untouched
    expect((await f.rtgs.dealing.orderOf(r2)).status).to.equal(BigInt(OrderStatus.Placed));
  });

  it("RTGS: units paused by the transfer agent while the trustee's deposit is earmarked: no confirmation, the release still returns the trustee's cash and holds the units; anyone returns them after unpause", async function () {
    const f = await morning();
    const next = await lantauHoldsUnits(f, f.rtgs);
    const id = await redeem(f, f.rtgs, "lantauPension", "lionRockBank", 5_000n);
    await time.increaseTo(hktAt(next, 13 * HOUR));
    await publishNav(f.rtgs, next, NAV);
    await settle(f.rtgs, id, f);
    await fundMined(f.rtgs.units.pause());
    const c = await confirmation(f.rtgs, id, encodeBytes32String("CHATS-PAUSED"));
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature)).to.be.revertedWithCustomError(f.rtgs.units, "EnforcedPause");
    const earmark = await f.rtgs.dealing.earmarkOf(id);
    await time.increaseTo(Number(earmark.deadline) + 1);
    const before = await fundBook(f);
    await expect(f.rtgs.dealing.releaseEarmark(id))
      .to.emit(f.rtgs.dealing, "RedeemedUnitsHeld")
      .withArgs(id, f.participants.lantauPension.address, 5_000n);
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({ "vbHKD:trustee": earmark.amount, "vbHKD:dealingRtgs": -earmark.amount });
    await expect(f.rtgs.dealing.returnHeldUnits(id)).to.be.revertedWithCustomError(f.rtgs.dealing, "SettlementLegFailed");
    await fundMined(f.rtgs.units.unpause());
    await expect(f.rtgs.dealing.connect(f.participants.tsingYiInsurance.signer).returnHeldUnits(id)).to.emit(f.rtgs.dealing, "HeldUnitsReturned");
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({
      "vbHKD:trustee": earmark.amount,
      "vbHKD:dealingRtgs": -earmark.amount,
      "unitsRtgs:lantauPension": 5_000n,
      "unitsRtgs:dealingRtgs": -5_000n,
    });
  });

  it("a KYC lapse or a registry-wide freeze after a redemption was placed stops its dealing (the registry's own errors through the one-call participantWords); renewed and unfrozen, it settles", async function () {
    const f = await morning();
    const next = await lantauHoldsUnits(f, f.cbm);
    const lantau = f.participants.lantauPension.address;
    const id = await redeem(f, f.cbm, "lantauPension", "lionRockBank", 5_000n);
    const expiry = BigInt(hktAt(next, 12 * HOUR + 30 * 60));
    await fundMined(f.registry.updateKycExpiry(lantau, expiry));
    await time.increaseTo(hktAt(next, 13 * HOUR));
    await publishNav(f.cbm, next, NAV);
    const before = await fundBook(f);
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.units, "ParticipantKycExpired").withArgs(lantau, expiry);
    await expect(f.cbm.dealing.connect(f.participants.lantauPension.signer).cancelOrder(id)).to.be.revertedWithCustomError(
      f.cbm.dealing,
      "FundOrderNotCancellable",
    );
    await fundMined(f.registry.updateKycExpiry(lantau, expiry + 365n * DAY));
    await fundMined(f.registry.setFrozen(lantau, true));
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.units, "ParticipantFrozen").withArgs(lantau);
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({});
    await fundMined(f.registry.setFrozen(lantau, false));
    await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "RedemptionSettled");
    expect(fundChanges(before, await fundBook(f))["lrHKD:lantauPension"]).to.equal(redemptionCash(5_000n, NAV));
  });

  it("RTGS: an investor frozen in the registry while its subscription is earmarked is neither issued units nor paid back while frozen; its earmark stays in custody until it is unfrozen", async function () {
    const f = await morning();
    const peak = f.participants.peakAsset.address;
    const id = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.rtgs, f.day, NAV);
    await settle(f.rtgs, id, f);
    await fundMined(f.registry.setFrozen(peak, true));
    const c = await confirmation(f.rtgs, id, encodeBytes32String("CHATS-FROZEN"));
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature)).to.be.revertedWithCustomError(f.rtgs.units, "ParticipantFrozen").withArgs(peak);
    const { deadline, amount } = await f.rtgs.dealing.earmarkOf(id);
    await time.increaseTo(Number(deadline) + 1);
    const before = await fundBook(f);
    await expect(f.rtgs.dealing.releaseEarmark(id)).to.be.revertedWithCustomError(f.rtgs.dealing, "SettlementLegFailed");
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({});
    expect((await f.rtgs.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.AwaitingRtgs));
    await fundMined(f.registry.setFrozen(peak, false));
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature)).to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationTooLate");
    await expect(f.rtgs.dealing.releaseEarmark(id)).to.emit(f.rtgs.dealing, "EarmarkReleased").withArgs(id, f.deposits.harbourBank.target, peak, amount);
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": amount, "hbHKD:dealingRtgs": -amount });
  });

  it("RTGS confirmations cannot be replayed: not on another order, not with a used payment reference, not twice on the same order", async function () {
    const f = await morning();
    const a = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", CASH);
    const b = await subscribe(f, f.rtgs, "kowloonDealer", "harbourBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.rtgs, f.day, NAV);
    await settle(f.rtgs, a, f);
    await settle(f.rtgs, b, f);
    const ref = encodeBytes32String("CHATS-ONE-PAYMENT");
    const ca = await confirmation(f.rtgs, a, ref);
    await expect(f.rtgs.dealing.confirmRtgs(a, ca.conf, ca.signature)).to.emit(f.rtgs.dealing, "SubscriptionSettled");
    const before = await fundBook(f);
    await expect(f.rtgs.dealing.confirmRtgs(b, ca.conf, ca.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationMismatch")
      .withArgs(b, "orderId");
    const cb = await confirmation(f.rtgs, b, ref); // the operator's own signature, same payment reference
    await expect(f.rtgs.dealing.confirmRtgs(b, cb.conf, cb.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsPaymentRefUsed")
      .withArgs(ref, a);
    await expect(f.rtgs.dealing.confirmRtgs(a, ca.conf, ca.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "FundOrderInWrongStatus")
      .withArgs(a, OrderStatus.Settled);
    expect(fundChanges(before, await fundBook(f))).to.deep.equal({});
    expect((await f.rtgs.dealing.orderOf(b)).status).to.equal(BigInt(OrderStatus.AwaitingRtgs));
  });
});

// ==================================================================================================

describe("Security review 19: BondPayingAgent (outstandingLiability, returnSurplus)", function () {
  it("the record-date boundary: nothing is owed before it; a trade settling at the record date is ex-coupon, and neither it nor later trades change what is owed or whom", async function () {
    const f = await loadSettlementLedger();
    const { recordDates, couponDates } = bondDates(f);
    const { kowloonDealer, peakAsset, harbourBank, victoriaBank } = f.participants;
    await travelTo(recordDates[0] - 60n);
    expect(await f.payingAgent.outstandingLiability()).to.equal(0n);
    await time.setNextBlockTimestamp(recordDates[0]);
    await mined(f.bond.connect(kowloonDealer.signer).transfer(peakAsset.address, 400n)); // at the record date: ex-coupon
    const liability = await f.payingAgent.couponLiability(0n);
    expect(liability).to.equal(await f.bond.couponOn(0n, 3_000n));
    expect(await f.payingAgent.outstandingLiability()).to.equal(liability);
    expect(await f.bond.balanceOfAtRecord(kowloonDealer.address, 0n)).to.equal(1_000n);
    expect(await f.bond.balanceOfAtRecord(peakAsset.address, 0n)).to.equal(0n);
    await mined(f.bond.connect(peakAsset.signer).transfer(harbourBank.address, 400n)); // later trades
    expect(await f.payingAgent.outstandingLiability()).to.equal(liability);

    await travelTo(couponDates[0]);
    const agent = await f.payingAgent.getAddress();
    await mined(f.wcbdc.mint(agent, liability));
    await mined(f.payingAgent.connect(kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
    await expect(f.payingAgent.connect(peakAsset.signer).claimCoupon(0n)).to.be.revertedWithCustomError(f.payingAgent, "NothingOwed");
    await mined(f.payingAgent.payCoupons(0n, [kowloonDealer.address, harbourBank.address, victoriaBank.address, peakAsset.address]));
    const perHolding = await f.bond.couponOn(0n, 1_000n);
    expect(await f.payingAgent.outstandingLiability()).to.equal(0n);
    expect(await f.wcbdc.balanceOf(agent)).to.equal(liability - 3n * perHolding);
  });

  it("a holder frozen on the bond keeps its coupon funded: the fiscal agent takes back only the over-funding, and the holder is paid in full once unfrozen", async function () {
    const f = await loadSettlementLedger();
    const { couponDates } = bondDates(f);
    const { kowloonDealer, harbourBank, victoriaBank, hkma } = f.participants;
    await travelTo(couponDates[0]);
    const agent = await f.payingAgent.getAddress();
    const liability = await f.payingAgent.couponLiability(0n);
    const extra = 777n;
    await mined(f.wcbdc.mint(agent, liability + extra));
    await mined(f.payingAgent.connect(kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
    await mined(f.bond.connect(hkma.signer).setFrozen(victoriaBank.address, true));
    await mined(f.payingAgent.payCoupons(0n, [kowloonDealer.address, harbourBank.address, victoriaBank.address]));
    const perHolding = await f.bond.couponOn(0n, 1_000n);
    expect(await f.payingAgent.outstandingLiability()).to.equal(liability - 2n * perHolding);

    const hkmaBefore = await f.wcbdc.balanceOf(hkma.address);
    await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(hkma.address, extra, liability - 2n * perHolding);
    expect((await f.wcbdc.balanceOf(hkma.address)) - hkmaBefore).to.equal(extra);
    await expect(f.payingAgent.returnSurplus()).to.be.revertedWithCustomError(f.payingAgent, "NoSurplus");
    await expect(f.payingAgent.connect(victoriaBank.signer).claimCoupon(0n)).to.be.revertedWithCustomError(f.payingAgent, "AccountFrozen");

    await mined(f.bond.connect(hkma.signer).setFrozen(victoriaBank.address, false));
    const victoriaBefore = await f.wcbdc.balanceOf(victoriaBank.address);
    await mined(f.payingAgent.connect(victoriaBank.signer).claimCoupon(0n));
    expect((await f.wcbdc.balanceOf(victoriaBank.address)) - victoriaBefore).to.equal(perHolding);
    expect(await f.payingAgent.outstandingLiability()).to.equal(0n);
    expect(await f.wcbdc.balanceOf(agent)).to.equal(liability - 3n * perHolding); // the rounding remainder only
  });

  it("at maturity a parked redemption keeps its face value and every unpaid coupon funded; after all are paid the agent owes nothing and holds only what returnSurplus gives back", async function () {
    const f = await loadSettlementLedger();
    const { couponDates, maturity } = bondDates(f);
    const { kowloonDealer, harbourBank, victoriaBank, hkma } = f.participants;
    const holders = [kowloonDealer.address, harbourBank.address, victoriaBank.address];
    await travelTo(maturity);
    const agent = await f.payingAgent.getAddress();
    let coupons = 0n;
    for (let i = 0n; i < BigInt(couponDates.length); i++) coupons += await f.payingAgent.couponLiability(i);
    const face = 3_000n * (await f.bond.redemptionPerUnit());
    expect(await f.payingAgent.outstandingLiability()).to.equal(coupons + face);
    await mined(f.wcbdc.mint(agent, coupons + face + 5n));
    await mined(f.payingAgent.connect(kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
    await mined(f.bond.connect(hkma.signer).setFrozen(kowloonDealer.address, true));
    await expect(f.payingAgent.redeemHolders(holders)).to.emit(f.payingAgent, "PaymentParked");
    expect(await f.bond.balanceOf(kowloonDealer.address)).to.equal(1_000n);
    expect(await f.payingAgent.outstandingLiability()).to.equal(coupons + face / 3n);
    await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(hkma.address, 5n, coupons + face / 3n);

    await mined(f.bond.connect(hkma.signer).setFrozen(kowloonDealer.address, false));
    await mined(f.payingAgent.connect(kowloonDealer.signer).redeem());
    for (let i = 0n; i < BigInt(couponDates.length); i++) await mined(f.payingAgent.payCoupons(i, holders));
    expect(await f.payingAgent.outstandingLiability()).to.equal(0n);
    const left = await f.wcbdc.balanceOf(agent);
    if (left > 0n) await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(hkma.address, left, 0n);
    expect(await f.wcbdc.balanceOf(agent)).to.equal(0n);
    expect(await f.bond.totalSupply()).to.equal(0n);
  });
});

// ==================================================================================================

describe("Security review 19: gas pack (ERC20PackedBalances, ParticipantWords, participantWords)", function () {
  it("a deposit at the supply cap: the customer and freeze flags survive a self-transfer, a transfer of everything and a burn to zero; one more unit is refused", async function () {
    const f = await loadSettlementLedger();
    const hb = f.deposits.harbourBank;
    const { kowloonDealer, peakAsset } = f.participants;
    const cap = await hb.SUPPLY_CAP();
    expect(cap).to.equal((1n << 248n) - 1n);
    await mined(hb.mint(kowloonDealer.address, cap - (await hb.totalSupply())));
    expect(await hb.totalSupply()).to.equal(cap);
    await expect(hb.mint(peakAsset.address, 1n)).to.be.revertedWithCustomError(hb, "ERC20SupplyCapExceeded").withArgs(cap, 1n);
    const kowloon = await hb.balanceOf(kowloonDealer.address);
    await mined(hb.connect(kowloonDealer.signer).transfer(kowloonDealer.address, kowloon));
    expect(await hb.balanceOf(kowloonDealer.address)).to.equal(kowloon);
    await mined(hb.setFrozen(kowloonDealer.address, true));
    expect(await hb.balanceOf(kowloonDealer.address)).to.equal(kowloon);
    await expect(hb.connect(kowloonDealer.signer).transfer(peakAsset.address, 1n)).to.be.revertedWithCustomError(hb, "AccountFrozen");
    await mined(hb.setFrozen(kowloonDealer.address, false));
    expect(await hb.isCustomer(kowloonDealer.address)).to.equal(true);

    const peakBefore = await hb.balanceOf(peakAsset.address);
    await mined(hb.connect(kowloonDealer.signer).transfer(peakAsset.address, kowloon));
    expect(await hb.balanceOf(peakAsset.address)).to.equal(peakBefore + kowloon);
    expect(await hb.balanceOf(kowloonDealer.address)).to.equal(0n);
    await mined(hb.burn(peakAsset.address, peakBefore + kowloon));
    expect(await hb.balanceOf(peakAsset.address)).to.equal(0n);
    expect(await hb.totalSupply()).to.equal(cap - peakBefore - kowloon);
    for (const who of [kowloonDealer.address, peakAsset.address]) {
      expect(await hb.isCustomer(who)).to.equal(true);
      expect(await hb.isFrozen(who)).to.equal(false);
    }
    await mined(hb.setCustomer(peakAsset.address, false)); // offboarded with a zero balance: no flag resurrects it
    await expect(hb.mint(peakAsset.address, 1n)).to.be.revertedWithCustomError(hb, "NotCustomerOfBank").withArgs(peakAsset.address);
  });

  it("wCBDC: the settlement-contract flag and the freeze flag are independent bits beside the balance; neither can be set on the zero address", async function () {
    const f = await loadSettlementLedger();
    const { outsider } = f;
    const { harbourBank } = f.participants;
    await mined(f.registry.registerParticipant(outsider.address, ParticipantKind.Infrastructure, "0x484b", (await chainNow()) + 365n * DAY));
    await expect(f.wcbdc.mint(outsider.address, 100n))
      .to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale")
      .withArgs(outsider.address, ParticipantKind.Infrastructure);
    await mined(f.wcbdc.setSettlementContract(outsider.address, true));
    await mined(f.wcbdc.mint(outsider.address, 100n));
    await mined(f.wcbdc.setFrozen(outsider.address, true));
    expect(await f.wcbdc.isApprovedSettlementContract(outsider.address)).to.equal(true);
    expect(await f.wcbdc.balanceOf(outsider.address)).to.equal(100n);
    await expect(f.wcbdc.connect(outsider).transfer(harbourBank.address, 1n)).to.be.revertedWithCustomError(f.wcbdc, "AccountFrozen").withArgs(outsider.address);
    await mined(f.wcbdc.setSettlementContract(outsider.address, false)); // approval withdrawn while frozen
    await mined(f.wcbdc.setFrozen(outsider.address, false));
    expect(await f.wcbdc.isFrozen(outsider.address)).to.equal(false);
    expect(await f.wcbdc.isApprovedSettlementContract(outsider.address)).to.equal(false);
    expect(await f.wcbdc.balanceOf(outsider.address)).to.equal(100n);
    await expect(f.wcbdc.connect(outsider).transfer(harbourBank.address, 1n))
      .to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale")
      .withArgs(outsider.address, ParticipantKind.Infrastructure);
    await mined(f.wcbdc.setSettlementContract(outsider.address, true));
    await mined(f.wcbdc.connect(outsider).transfer(harbourBank.address, 100n));
    expect(await f.wcbdc.balanceOf(outsider.address)).to.equal(0n);
    expect(await f.wcbdc.isApprovedSettlementContract(outsider.address)).to.equal(true);

    const zero = "0x0000000000000000000000000000000000000000";
    await expect(f.wcbdc.setSettlementContract(zero, true)).to.be.revertedWithCustomError(f.wcbdc, "ZeroAddress");
    await expect(f.wcbdc.setFrozen(zero, true)).to.be.revertedWithCustomError(f.wcbdc, "ZeroAddress");
    await expect(f.deposits.harbourBank.setCustomer(zero, true)).to.be.revertedWithCustomError(f.deposits.harbourBank, "ZeroAddress");
  });

  it("bond: the holding of record of a holder frozen on the bond is its balance, not its flag word; a forced transfer from it leaves it frozen", async function () {
    const f = await loadSettlementLedger();
    const { recordDates } = bondDates(f);
    const { victoriaBank, tsingYiInsurance, hkma } = f.participants;
    const registrar = f.bond.connect(hkma.signer);
    await mined(registrar.setFrozen(victoriaBank.address, true));
    await travelTo(recordDates[0] + 60n);
    await mined(registrar.forcedTransfer(victoriaBank.address, tsingYiInsurance.address, 300n, "HCMP 19/2026 court order"));
    expect(await f.bond.balanceOfAtRecord(victoriaBank.address, 0n)).to.equal(1_000n);
    expect(await f.bond.balanceOfAtRecord(tsingYiInsurance.address, 0n)).to.equal(0n);
    expect(await f.bond.totalSupplyAtRecord(0n)).to.equal(3_000n);
    expect(await f.bond.balanceOf(victoriaBank.address)).to.equal(700n);
    expect(await f.bond.isFrozen(victoriaBank.address)).to.equal(true);
    expect(await f.payingAgent.couponOwed(0n, victoriaBank.address)).to.equal(await f.bond.couponOn(0n, 1_000n));
    await expect(f.bond.connect(victoriaBank.signer).transfer(tsingYiInsurance.address, 1n))
      .to.be.revertedWithCustomError(f.bond, "AccountFrozen")
      .withArgs(victoriaBank.address);
    // The forced transfer's exemption is the sender's only: it cannot give to a frozen receiver.
    await expect(registrar.forcedTransfer(tsingYiInsurance.address, victoriaBank.address, 1n, "order"))
      .to.be.revertedWithCustomError(f.bond, "AccountFrozen")
      .withArgs(victoriaBank.address);
  });

  it("registry words: KYC lapses at exactly its expiry; a frozen or removed participant can neither send (to itself included) nor spend an allowance; re-registered, it is still frozen", async function () {
    const f = await loadSettlementLedger();
    const { kowloonDealer, harbourBank, peakAsset } = f.participants;
    const expiry = (await chainNow()) + 1_000n;
    await mined(f.registry.updateKycExpiry(kowloonDealer.address, expiry));
    await time.setNextBlockTimestamp(expiry - 1n);
    await mined(f.bond.connect(kowloonDealer.signer).transfer(kowloonDealer.address, 1n)); // one second before: eligible
    await time.setNextBlockTimestamp(expiry);
    await expect(f.bond.connect(kowloonDealer.signer).transfer(kowloonDealer.address, 1n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantKycExpired")
      .withArgs(kowloonDealer.address, expiry);
    await mined(f.registry.updateKycExpiry(kowloonDealer.address, expiry + 365n * DAY));

    await mined(f.bond.connect(harbourBank.signer).approve(kowloonDealer.address, 10n));
    await mined(f.registry.setFrozen(kowloonDealer.address, true));
    await expect(f.bond.connect(kowloonDealer.signer).transfer(kowloonDealer.address, 1n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantFrozen")
      .withArgs(kowloonDealer.address);
    await expect(f.bond.connect(kowloonDealer.signer).transferFrom(harbourBank.address, peakAsset.address, 10n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantFrozen")
      .withArgs(kowloonDealer.address);
    await mined(f.registry.removeParticipant(kowloonDealer.address));
    await expect(f.bond.connect(kowloonDealer.signer).transferFrom(harbourBank.address, peakAsset.address, 10n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantNotRegistered")
      .withArgs(kowloonDealer.address);
    await expect(f.bond.connect(harbourBank.signer).transfer(kowloonDealer.address, 1n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantNotRegistered")
      .withArgs(kowloonDealer.address);
    await mined(f.registry.registerParticipant(kowloonDealer.address, ParticipantKind.Dealer, "0x484b", (await chainNow()) + 365n * DAY));
    expect((await f.registry.participantOf(kowloonDealer.address)).frozen).to.equal(true);
    await expect(f.bond.connect(kowloonDealer.signer).transferFrom(harbourBank.address, peakAsset.address, 10n))
      .to.be.revertedWithCustomError(f.bond, "ParticipantFrozen")
      .withArgs(kowloonDealer.address);
    expect(await f.bond.balanceOf(harbourBank.address)).to.equal(1_000n);
    expect(await f.bond.balanceOf(kowloonDealer.address)).to.equal(1_000n);
    const [fromWord, toWord] = await f.registry.participantWords("0x0000000000000000000000000000000000000000", kowloonDealer.address);
    expect(fromWord).to.equal(0n);
    expect(toWord).to.not.equal(0n);
  });

  it("finding R19-3 (fixed): a settlement contract the central bank froze on its wCBDC moves no wCBDC: a spender frozen on a token spends no allowance of it", async function () {
    // Fixed: ERC20Freezable._spendAllowance refuses a spender frozen on the token (AccountFrozen),
    // on every transferFrom and allowance-based burn. Was (low, rule not held on every path; not a
    // regression of the gas pack):
    // ERC20Eligibility.transferFrom (ERC20Eligibility.sol l. 41-44) checks the spender only with
    // `_registry.requireEligible`; ERC20Freezable._checkTransfer (l. 31-35) checks the token's own freeze flag for
    // the sender and receiver only. So when HKMA freezes the settlement engine on wHKD alone
    // ("the central bank can also freeze an account on its wCBDC alone", README), the engine keeps
    // moving wHKD from one bank to another on their standing allowances: a cross-bank DvP settles
    // with the interbank leg in wHKD. The same holds for every ledger token (a bank freezing a
    // settlement contract on its deposit token cannot stop it either). Fix: in transferFrom (or
    // `_spendAllowance`), also refuse a spender frozen on this token (`AccountFrozen(spender)`).
    const f = await loadSettlementLedger();
    await mined(f.wcbdc.setFrozen(f.engineAddress, true));
    expect(await f.wcbdc.isFrozen(f.engineAddress)).to.equal(true);
    const trade = await f.makeTrade({ buyer: f.participants.tsingYiInsurance.address, buyerCash: f.depositAddress.victoriaBank });
    const before = await f.snapshot();
    await instructBoth(f, trade);
    expect((await recordOf(f, trade)).status).to.not.equal("Settled");
    expect(await f.snapshot()).to.deep.equal(before);
  });
});
