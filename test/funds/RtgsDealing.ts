import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import {
  FUND_DEFAULTS,
  OrderFailure,
  OrderStatus,
  confirmationDeadline,
  hktAt,
  hktDay,
  isRtgsOpen,
  nextWeekday,
  redemptionCash,
  subscriptionFigures,
} from "../../src/domain/money-market-fund.js";
import {
  changes,
  confirmation,
  fundBook,
  HOUR,
  loadFund,
  mined,
  morning,
  nextFridayAt,
  publishNav,
  redeem,
  settle,
  subscribe,
  time,
  type FundFixture,
} from "../helpers/fund-fixture.js";

/**
 * Dealing in RTGS mode (contracts/funds/RtgsBridge.sol, FundDealing.sol): across banks the payer's
 * tokenized deposit for the interbank amount is earmarked in the dealing contract's custody while the
 * banks pay each other in CHATS off chain; the RTGS operator's signed confirmation, carrying the
 * payment reference, completes the dealing in one transaction (earmark burned at the payer's bank,
 * payee's bank mints, units issued or cancelled); without it by the deadline anyone releases the
 * earmark and the order fails (XRTO) with nothing moved.
 */

const NAV = 100_123n;
const TEN_MILLION = 10_000_000_00n;
const FEE_BPS = 10n;
const REF = encodeBytes32String("CHATS-20261207-0001");

/**
 * A subscription by Peak (Harbour Bank) dealt at 13:00 HKT: earmarked, waiting for RTGS. `before` is
 * the book before the order, `dealt` before the dealing (the cash has been in custody since the order).
 */
async function earmarkedSubscription(): Promise<
  FundFixture & { day: number; id: bigint; before: Record<string, bigint>; dealt: Record<string, bigint> }
> {
  const f = await morning();
  const before = await fundBook(f);
  const id = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", TEN_MILLION);
  await time.increaseTo(hktAt(f.day, 13 * HOUR));
  await publishNav(f.rtgs, f.day, NAV);
  const dealt = await fundBook(f);
  await settle(f.rtgs, id, f);
  return { ...f, id, before, dealt };
}

describe("FundDealing — RTGS mode: earmark, confirmation, timeout", function () {
  it("dealing across banks earmarks only the payer's deposit, in custody since the order: no wCBDC, no units, no credit to the fund yet", async function () {
    const f = await earmarkedSubscription();
    const earmarkedAt = await time.latest();
    // The dealing itself moves nothing: the investor's cash went into custody at the order and is the earmark.
    expect(changes(f.dealt, await fundBook(f))).to.deep.equal({});
    expect(changes(f.before, await fundBook(f))).to.deep.equal({
      "hbHKD:peakAsset": -TEN_MILLION,
      "hbHKD:dealingRtgs": TEN_MILLION,
    });
    const earmark = await f.rtgs.dealing.earmarkOf(f.id);
    expect([earmark.token, earmark.payer, earmark.payerBank, earmark.payeeBank, earmark.amount]).to.deep.equal([
      f.deposits.harbourBank.target,
      f.participants.peakAsset.address,
      f.participants.harbourBank.address,
      f.participants.victoriaBank.address,
      TEN_MILLION,
    ]);
    expect(Number(earmark.deadline)).to.equal(confirmationDeadline(earmarkedAt));
    expect(Number(earmark.deadline)).to.equal(earmarkedAt + FUND_DEFAULTS.confirmationTimeoutSeconds);
    expect((await f.rtgs.dealing.orderOf(f.id)).status).to.equal(BigInt(OrderStatus.AwaitingRtgs));
  });

  it("the RTGS operator's confirmation completes the dealing in one transaction", async function () {
    const f = await earmarkedSubscription();
    await time.increaseTo((await time.latest()) + 600);
    const { conf, signature } = await confirmation(f.rtgs, f.id, REF);
    const tx = f.rtgs.dealing.confirmRtgs(f.id, conf, signature);
    const { fee, net, units } = subscriptionFigures(TEN_MILLION, FEE_BPS, NAV);
    await expect(tx).to.emit(f.rtgs.dealing, "RtgsPaymentConfirmed").withArgs(f.id, REF, TEN_MILLION, conf.settledAt);
    await expect(tx).to.emit(f.rtgs.dealing, "SubscriptionSettled").withArgs(f.id, f.participants.peakAsset.address, TEN_MILLION, fee, units, NAV);
    expect(changes(f.before, await fundBook(f))).to.deep.equal({
      "hbHKD:peakAsset": -TEN_MILLION,
      "hbHKD:supply": -TEN_MILLION,
      "vbHKD:trustee": net,
      "vbHKD:fundManager": fee,
      "vbHKD:supply": TEN_MILLION,
      "unitsRtgs:peakAsset": units,
      "unitsRtgs:supply": units,
    });
    expect(await f.rtgs.dealing.orderOfPaymentRef(REF)).to.equal(f.id);
  });

  it("refuses a confirmation by anyone but the RTGS operator, for other banks or amounts, or settled outside RTGS hours", async function () {
    const f = await earmarkedSubscription();
    const { conf } = await confirmation(f.rtgs, f.id, REF);
    const { signRtgsConfirmation } = await import("../../src/chain/fund-signing.js");
    const manager = f.rtgs.parties.fundManager.signer;
    await expect(f.rtgs.dealing.confirmRtgs(f.id, conf, await signRtgsConfirmation(manager, f.rtgs.dealing, conf)))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationWrongSigner")
      .withArgs(manager.address);
    const operator = f.rtgs.parties.rtgsOperator.signer;
    const signed = async (c: typeof conf): Promise<string> => signRtgsConfirmation(operator, f.rtgs.dealing, c);
    const less = { ...conf, amount: conf.amount - 1n };
    await expect(f.rtgs.dealing.confirmRtgs(f.id, less, await signed(less)))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationMismatch")
      .withArgs(f.id, "amount");
    const otherBank = { ...conf, payerBank: f.participants.lionRockBank.address };
    await expect(f.rtgs.dealing.confirmRtgs(f.id, otherBank, await signed(otherBank)))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationMismatch")
      .withArgs(f.id, "payerBank");
    const otherOrder = { ...conf, orderId: conf.orderId + 1n };
    await expect(f.rtgs.dealing.confirmRtgs(f.id, otherOrder, await signed(otherOrder)))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationMismatch")
      .withArgs(f.id, "orderId");
    const beforeEarmark = { ...conf, settledAt: conf.settledAt - 60 };
    await expect(f.rtgs.dealing.confirmRtgs(f.id, beforeEarmark, await signed(beforeEarmark)))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsSettledOutsideHours");
    // Still inside RTGS hours and a minute before the deadline (earmarked at 13:00 + 2 hours): accepted.
    await time.increaseTo(hktAt(f.day, 14 * HOUR + 59 * 60));
    const early = { ...conf, settledAt: hktAt(f.day, 14 * HOUR + 58 * 60) };
    const unchanged = await fundBook(f);
    await expect(f.rtgs.dealing.confirmRtgs(f.id, early, await signed(early))).to.emit(f.rtgs.dealing, "RtgsPaymentConfirmed");
    expect(Object.keys(changes(unchanged, await fundBook(f)))).to.include("unitsRtgs:peakAsset");
  });

  it("a payment reference confirms one earmark only", async function () {
    const f = await earmarkedSubscription();
    const { conf, signature } = await confirmation(f.rtgs, f.id, REF);
    await mined(f.rtgs.dealing.confirmRtgs(f.id, conf, signature));
    const second = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", TEN_MILLION);
    await time.increaseTo(hktAt(nextWeekday(f.day), 13 * HOUR));
    await publishNav(f.rtgs, nextWeekday(f.day), NAV);
    await settle(f.rtgs, second, f);
    const again = await confirmation(f.rtgs, second, REF);
    await expect(f.rtgs.dealing.confirmRtgs(second, again.conf, again.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsPaymentRefUsed")
      .withArgs(REF, f.id);
  });

  it("without a confirmation by the deadline the earmark is released by anyone and the dealing fails XRTO, nothing moved", async function () {
    const f = await earmarkedSubscription();
    const { deadline } = await f.rtgs.dealing.earmarkOf(f.id);
    const stranger = f.participants.kowloonDealer.signer;
    await expect(f.rtgs.dealing.connect(stranger).releaseEarmark(f.id))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationStillDue")
      .withArgs(f.id, deadline);
    await time.increaseTo(Number(deadline) + 1);
    const { conf, signature } = await confirmation(f.rtgs, f.id, REF, Number(deadline) - 60);
    await expect(f.rtgs.dealing.confirmRtgs(f.id, conf, signature)).to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsConfirmationTooLate");
    const tx = f.rtgs.dealing.connect(stranger).releaseEarmark(f.id);
    await expect(tx).to.emit(f.rtgs.dealing, "EarmarkReleased").withArgs(f.id, f.deposits.harbourBank.target, f.participants.peakAsset.address, TEN_MILLION);
    await expect(tx).to.emit(f.rtgs.dealing, "OrderFailed").withArgs(f.id, OrderFailure.RtgsTimeout);
    expect(changes(f.before, await fundBook(f))).to.deep.equal({});
    const order = await f.rtgs.dealing.orderOf(f.id);
    expect([order.status, order.failure]).to.deep.equal([BigInt(OrderStatus.Failed), BigInt(OrderFailure.RtgsTimeout)]);
    await expect(f.rtgs.dealing.confirmRtgs(f.id, conf, signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "FundOrderInWrongStatus")
      .withArgs(f.id, OrderStatus.Failed);
  });

  it("a redemption across banks earmarks the trustee's deposit (units already in custody); confirmed, both settle; timed out, both return", async function () {
    const f = await morning();
    const sub = await subscribe(f, f.rtgs, "lantauPension", "lionRockBank", TEN_MILLION);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.rtgs, f.day, NAV);
    await settle(f.rtgs, sub, f);
    const c1 = await confirmation(f.rtgs, sub, REF);
    await mined(f.rtgs.dealing.confirmRtgs(sub, c1.conf, c1.signature));
    const held = await f.rtgs.units.balanceOf(f.participants.lantauPension.address);

    const next = nextWeekday(f.day);
    await time.increaseTo(hktAt(next, 9 * HOUR));
    const quarter = held / 4n;
    const a = await redeem(f, f.rtgs, "lantauPension", "lionRockBank", quarter);
    const b = await redeem(f, f.rtgs, "lantauPension", "lionRockBank", quarter);
    await time.increaseTo(hktAt(next, 13 * HOUR));
    await publishNav(f.rtgs, next, NAV);
    const cash = redemptionCash(quarter, NAV);
    const before = await fundBook(f);
    await settle(f.rtgs, a, f);
    await settle(f.rtgs, b, f);
    expect(changes(before, await fundBook(f))).to.deep.equal({ "vbHKD:trustee": -2n * cash, "vbHKD:dealingRtgs": 2n * cash });
    const ca = await confirmation(f.rtgs, a, encodeBytes32String("CHATS-A"));
    await expect(f.rtgs.dealing.confirmRtgs(a, ca.conf, ca.signature))
      .to.emit(f.rtgs.dealing, "RedemptionSettled")
      .withArgs(a, f.participants.lantauPension.address, quarter, cash, NAV);
    const { deadline } = await f.rtgs.dealing.earmarkOf(b);
    await time.increaseTo(Number(deadline) + 1);
    await mined(f.rtgs.dealing.releaseEarmark(b));
    expect(changes(before, await fundBook(f))).to.deep.equal({
      "vbHKD:trustee": -cash,
      "vbHKD:supply": -cash,
      "lrHKD:lantauPension": cash,
      "lrHKD:supply": cash,
      "unitsRtgs:lantauPension": quarter, // b's units came back
      "unitsRtgs:dealingRtgs": -2n * quarter,
      "unitsRtgs:supply": -quarter,
    });
  });

  it("dealt at 19:00 on a Friday, the earmark waits for Monday's RTGS window; a Saturday confirmation is refused", async function () {
    const f = await loadFund();
    const friday = await nextFridayAt(10 * HOUR);
    await time.increaseTo(friday);
    const day = hktDay(friday);
    const id = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", TEN_MILLION);
    await time.increaseTo(hktAt(day, 18 * HOUR));
    await publishNav(f.rtgs, day, NAV, { validUntil: hktAt(day, 23 * HOUR) });
    await time.setNextBlockTimestamp(hktAt(day, 19 * HOUR));
    await settle(f.rtgs, id, f);
    const monday = nextWeekday(day);
    const { deadline } = await f.rtgs.dealing.earmarkOf(id);
    expect(Number(deadline)).to.equal(hktAt(monday, FUND_DEFAULTS.rtgsOpensSeconds + FUND_DEFAULTS.confirmationTimeoutSeconds));
    expect(isRtgsOpen(hktAt(day + 1, 10 * HOUR))).to.equal(false);
    await time.increaseTo(hktAt(day + 1, 10 * HOUR));
    const saturday = await confirmation(f.rtgs, id, REF, hktAt(day + 1, 10 * HOUR));
    await expect(f.rtgs.dealing.confirmRtgs(id, saturday.conf, saturday.signature))
      .to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsSettledOutsideHours");
    await time.increaseTo(hktAt(monday, 9 * HOUR + 15 * 60));
    const mondayConf = await confirmation(f.rtgs, id, REF);
    await expect(f.rtgs.dealing.confirmRtgs(id, mondayConf.conf, mondayConf.signature)).to.emit(f.rtgs.dealing, "SubscriptionSettled");
  });

  it("in wCBDC mode the same Friday 19:00 dealing settles at once", async function () {
    const f = await loadFund();
    const friday = await nextFridayAt(10 * HOUR);
    await time.increaseTo(friday);
    const day = hktDay(friday);
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
    await time.increaseTo(hktAt(day, 18 * HOUR));
    await publishNav(f.cbm, day, NAV, { validUntil: hktAt(day, 23 * HOUR) });
    await time.setNextBlockTimestamp(hktAt(day, 19 * HOUR));
    await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "SubscriptionSettled");
  });

  it("same bank in RTGS mode needs no RTGS: settles at once", async function () {
    const f = await morning();
    const id = await subscribe(f, f.rtgs, "tsingYiInsurance", "victoriaBank", TEN_MILLION);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.rtgs, f.day, NAV);
    await expect(settle(f.rtgs, id, f)).to.emit(f.rtgs.dealing, "SubscriptionSettled");
    expect((await f.rtgs.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.Settled));
  });

  it("RTGS hours are set only by the RTGS operator, within a day; the fund manager cannot name an RTGS signer", async function () {
    const f = await morning();
    const operator = f.rtgs.dealing.connect(f.rtgs.parties.rtgsOperator.signer);
    await expect(f.rtgs.dealing.setRtgsHours(8 * HOUR, 18 * HOUR, HOUR)).to.be.revertedWithCustomError(
      f.rtgs.dealing,
      "AccessControlUnauthorizedAccount",
    );
    await expect(operator.setRtgsHours(18 * HOUR, 8 * HOUR, HOUR)).to.be.revertedWithCustomError(f.rtgs.dealing, "RtgsInvalidHours");
    await expect(operator.setRtgsHours(8 * HOUR, 18 * HOUR, HOUR)).to.emit(f.rtgs.dealing, "RtgsHoursSet").withArgs(8 * HOUR, 18 * HOUR, HOUR);
    const role = await f.rtgs.dealing.RTGS_OPERATOR_ROLE();
    await expect(f.rtgs.dealing.grantRole(role, f.rtgs.parties.fundManager.address)).to.be.revertedWithCustomError(
      f.rtgs.dealing,
      "AccessControlUnauthorizedAccount",
    );
  });
});
