import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { OrderFailure, OrderStatus, dealingDayFor, hktAt, nextWeekday, redemptionCash } from "../../src/domain/money-market-fund.js";
import type { FundDeployment } from "../../src/chain/deploy-funds.js";
import {
  changes,
  confirmation,
  fundBook,
  HOUR,
  mined,
  morning,
  publishNav,
  redeem,
  settle,
  subscribe,
  time,
  type FundFixture,
} from "../helpers/fund-fixture.js";

/**
 * Regression tests for the attacker's review of FundDealing (after issue 12): the unit register's
 * rules hold at every step that moves units, not only when the order is placed; the trustee's
 * earmarked cash never waits on an investor the register refuses; and a cut-off moved after the NAV
 * cannot reopen a priced day (no late trading, no free option to cancel).
 */

const NAV = 100_000n;
const CASH = 1_000_000_00n;
const REF = encodeBytes32String("CHATS-20261207-0042");

async function freeze(fund: FundDeployment, account: string, frozen: boolean): Promise<void> {
  await mined(fund.units.connect(fund.parties.transferAgent.signer).setFrozen(account, frozen));
}

/** Lantau Pension (Lion Rock Bank, the fund at Victoria Bank) holds units of `fund` bought on `day`; its redemption of `units` is placed the next dealing morning. */
async function heldThenRedeemed(f: FundFixture & { day: number }, fund: FundDeployment, units: bigint): Promise<{ id: bigint; next: number }> {
  const sub = await subscribe(f, fund, "lantauPension", "lionRockBank", CASH);
  await time.increaseTo(hktAt(f.day, 13 * HOUR));
  await publishNav(fund, f.day, NAV);
  await settle(fund, sub, f);
  if (fund === f.rtgs) {
    const c = await confirmation(fund, sub, encodeBytes32String("CHATS-SUB"));
    await mined(fund.dealing.confirmRtgs(sub, c.conf, c.signature));
  }
  const next = nextWeekday(f.day);
  await time.increaseTo(hktAt(next, 9 * HOUR));
  const id = await redeem(f, fund, "lantauPension", "lionRockBank", units);
  await time.increaseTo(hktAt(next, 13 * HOUR));
  await publishNav(fund, next, NAV);
  return { id, next };
}

describe("FundDealing — the register's rules at every step (attacker's review)", function () {
  it("a units freeze after a redemption was placed stops its dealing: the frozen investor is not paid, nothing moves; unfrozen, it settles", async function () {
    const f = await morning();
    const { id } = await heldThenRedeemed(f, f.cbm, 5_000n);
    const lantau = f.participants.lantauPension.address;
    await freeze(f.cbm, lantau, true);
    const before = await fundBook(f);
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.units, "AccountFrozen").withArgs(lantau);
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    expect((await f.cbm.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.Placed));
    await freeze(f.cbm, lantau, false);
    await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "RedemptionSettled");
    expect(changes(before, await fundBook(f))["lrHKD:lantauPension"]).to.equal(redemptionCash(5_000n, NAV));
  });

  it("a units freeze after a subscription was placed stops its dealing with the units' own error (wCBDC mode), and no earmark is taken (RTGS mode)", async function () {
    const f = await morning();
    const peak = f.participants.peakAsset.address;
    const cbm = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    const rtgs = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", CASH);
    await freeze(f.cbm, peak, true);
    await freeze(f.rtgs, peak, true);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV);
    await publishNav(f.rtgs, f.day, NAV);
    const before = await fundBook(f);
    await expect(settle(f.cbm, cbm, f)).to.be.revertedWithCustomError(f.cbm.units, "AccountFrozen").withArgs(peak);
    await expect(settle(f.rtgs, rtgs, f)).to.be.revertedWithCustomError(f.rtgs.units, "AccountFrozen").withArgs(peak);
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    expect((await f.rtgs.dealing.earmarkOf(rtgs)).amount).to.equal(0n);
  });

  it("RTGS: a freeze while the trustee's deposit is earmarked refuses the confirmation (nothing moves) until the investor is unfrozen, within the deadline", async function () {
    const f = await morning();
    const { id } = await heldThenRedeemed(f, f.rtgs, 5_000n);
    await settle(f.rtgs, id, f);
    const lantau = f.participants.lantauPension.address;
    await freeze(f.rtgs, lantau, true);
    const c = await confirmation(f.rtgs, id, REF);
    const before = await fundBook(f);
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature)).to.be.revertedWithCustomError(f.rtgs.units, "AccountFrozen").withArgs(lantau);
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    expect((await f.rtgs.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.AwaitingRtgs));
    await freeze(f.rtgs, lantau, false);
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature)).to.emit(f.rtgs.dealing, "RedemptionSettled");
  });

  it("RTGS: released after the deadline, the trustee's earmarked deposit goes back even though the investor is frozen; its units wait in custody until the register takes them", async function () {
    const f = await morning();
    const units = 5_000n;
    const { id } = await heldThenRedeemed(f, f.rtgs, units);
    await settle(f.rtgs, id, f);
    const lantau = f.participants.lantauPension.address;
    await freeze(f.rtgs, lantau, true);
    const earmark = await f.rtgs.dealing.earmarkOf(id);
    await time.increaseTo(Number(earmark.deadline) + 1);
    const before = await fundBook(f);
    const tx = f.rtgs.dealing.releaseEarmark(id);
    await expect(tx).to.emit(f.rtgs.dealing, "EarmarkReleased").withArgs(id, f.deposits.victoriaBank.target, f.rtgs.parties.trustee.address, earmark.amount);
    await expect(tx).to.emit(f.rtgs.dealing, "RedeemedUnitsHeld").withArgs(id, lantau, units);
    await expect(tx).to.emit(f.rtgs.dealing, "OrderFailed").withArgs(id, OrderFailure.RtgsTimeout);
    expect(changes(before, await fundBook(f))).to.deep.equal({ "vbHKD:trustee": earmark.amount, "vbHKD:dealingRtgs": -earmark.amount });
    expect(await f.rtgs.dealing.heldUnitsOf(id)).to.equal(units);

    await expect(f.rtgs.dealing.returnHeldUnits(id)).to.be.revertedWithCustomError(f.rtgs.dealing, "SettlementLegFailed"); // the units' AccountFrozen inside
    await freeze(f.rtgs, lantau, false);
    const stranger = f.participants.peakAsset.signer;
    await expect(f.rtgs.dealing.connect(stranger).returnHeldUnits(id)).to.emit(f.rtgs.dealing, "HeldUnitsReturned").withArgs(id, lantau, units);
    expect(changes(before, await fundBook(f))).to.deep.equal({
      "vbHKD:trustee": earmark.amount,
      "vbHKD:dealingRtgs": -earmark.amount,
      "unitsRtgs:lantauPension": units,
      "unitsRtgs:dealingRtgs": -units,
    });
    expect(await f.rtgs.dealing.heldUnitsOf(id)).to.equal(0n);
    await expect(f.rtgs.dealing.returnHeldUnits(id)).to.be.revertedWithCustomError(f.rtgs.dealing, "FundNoHeldUnits").withArgs(id);
  });

  it("RTGS: no units are held for a release the register accepts, nor for a subscription; returnHeldUnits refuses them", async function () {
    const f = await morning();
    const { id } = await heldThenRedeemed(f, f.rtgs, 5_000n);
    await settle(f.rtgs, id, f);
    const { deadline } = await f.rtgs.dealing.earmarkOf(id);
    await time.increaseTo(Number(deadline) + 1);
    await expect(f.rtgs.dealing.releaseEarmark(id)).to.not.emit(f.rtgs.dealing, "RedeemedUnitsHeld");
    await expect(f.rtgs.dealing.returnHeldUnits(id)).to.be.revertedWithCustomError(f.rtgs.dealing, "FundNoHeldUnits").withArgs(id);
    await expect(f.rtgs.dealing.returnHeldUnits(1n)).to.be.revertedWithCustomError(f.rtgs.dealing, "FundNoHeldUnits").withArgs(1n);
  });

  it("RTGS: a payee deposit line deregistered while the earmark waits refuses the confirmation (the ledger's registration checked again)", async function () {
    const f = await morning();
    const { id } = await heldThenRedeemed(f, f.rtgs, 5_000n);
    await settle(f.rtgs, id, f);
    await mined(f.engine.deregisterDepositToken(f.deposits.lionRockBank.target));
    const c = await confirmation(f.rtgs, id, REF);
    await expect(f.rtgs.dealing.confirmRtgs(id, c.conf, c.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "DepositTokenNotRegistered")
      .withArgs(f.deposits.lionRockBank.target);
  });

  it("returning value to its owner works while the engine is paused: a cancellation, a release and held units; dealing does not", async function () {
    const f = await morning();
    const { id, next } = await heldThenRedeemed(f, f.rtgs, 5_000n);
    await settle(f.rtgs, id, f);
    await freeze(f.rtgs, f.participants.lantauPension.address, true);
    const { deadline } = await f.rtgs.dealing.earmarkOf(id);
    const later = nextWeekday(next);
    await time.increaseTo(Math.max(Number(deadline) + 1, hktAt(later, 9 * HOUR)));
    const cancelMe = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await mined(f.engine.pause());
    await expect(f.rtgs.dealing.releaseEarmark(id)).to.emit(f.rtgs.dealing, "RedeemedUnitsHeld");
    await freeze(f.rtgs, f.participants.lantauPension.address, false);
    await expect(f.rtgs.dealing.returnHeldUnits(id)).to.emit(f.rtgs.dealing, "HeldUnitsReturned");
    await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(cancelMe)).to.emit(f.cbm.dealing, "OrderCancelled");
    await expect(settle(f.cbm, cancelMe, f)).to.be.revertedWithCustomError(f.cbm.dealing, "EnforcedPause");
  });
});

describe("FundDealing — no late trading when the cut-off moves after the NAV (attacker's review)", function () {
  it("a day's NAV is published by the end of the next day at the latest: from then on its orders may be cancelled as never priced, and the NAV is refused", async function () {
    const f = await morning();
    await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    const deadline = hktAt(f.day + 2, 0);
    await time.increaseTo(deadline - 5);
    const struckAt = deadline - 10;
    await expect(publishNav(f.cbm, f.day, NAV, { struckAt })).to.emit(f.cbm.dealing, "NavPublished"); // the last second
    const g = await morning();
    await subscribe(g, g.cbm, "peakAsset", "harbourBank", CASH);
    await time.increaseTo(hktAt(g.day + 2, 0));
    await expect(publishNav(g.cbm, g.day, NAV, { struckAt: hktAt(g.day + 1, 12 * HOUR) }))
      .to.be.revertedWithCustomError(g.cbm.dealing, "FundNavTooLate")
      .withArgs(g.day, hktAt(g.day + 2, 0), hktAt(g.day + 2, 0) + 1);
  });

  it("after the day's NAV is out, a cut-off moved later takes no more orders for that day: a new order deals the next dealing day", async function () {
    const f = await morning();
    await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
    await publishNav(f.cbm, f.day, NAV);
    await mined(f.cbm.dealing.setCutOff(18 * HOUR));
    const at = hktAt(f.day, 15 * HOUR);
    await time.increaseTo(at - 1);
    expect(await f.cbm.dealing.dealingDayFor(at)).to.equal(BigInt(nextWeekday(f.day)));
    expect(dealingDayFor(at, 18 * HOUR, (d) => d === f.day)).to.equal(nextWeekday(f.day));
    expect(dealingDayFor(at, 18 * HOUR)).to.equal(f.day); // the calendar alone would reopen the day
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    expect((await f.cbm.dealing.orderOf(id)).dealingDay).to.equal(BigInt(nextWeekday(f.day)));
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavNotPublished").withArgs(nextWeekday(f.day));
  });

  it("an order of a priced day cannot be cancelled once its NAV is out, even if the cut-off moved later (no free option on a known price)", async function () {
    const f = await morning();
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
    await publishNav(f.cbm, f.day, NAV);
    await mined(f.cbm.dealing.setCutOff(18 * HOUR));
    await time.increaseTo(hktAt(f.day, 15 * HOUR));
    await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(id))
      .to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable")
      .withArgs(id);
    await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "SubscriptionSettled");
  });
});
