import { expect } from "chai";

import { OrderStatus, hktAt, subscriptionFigures } from "../../src/domain/money-market-fund.js";
import { changes, fundBook, HOUR, mined, morning, publishNav, settle, subscribe, time } from "../helpers/fund-fixture.js";

/**
 * Subscriptions are firm (finding R19-1): `subscribe` moves the order's cash into FundDealing's
 * custody at the order, spending exactly the allowance given for it, as `redeem` does with units.
 * Each order's cash is its own: a cancellation (before the cut-off, a stale NAV, a NAV that never
 * came) returns that order's cash and no other, the dealing spends it from custody, and custody holds
 * exactly the cash of the orders still open. Parties: Peak Asset Management at Harbour Bank; the fund
 * banks at Victoria Bank.
 */

const NAV = 100_000n; // HKD 10.0000 a unit
const CASH = 1_000_000_00n; // HKD 1,000,000.00
const FEE_BPS = 10n;
const LEG_CASH = 1n;
/** `FailureReason` in contracts/settlement/Trade.sol, as the leg classifies the token's error. */
const REASON = { NotEligible: 4n, AccountFrozen: 5n } as const;

describe("FundDealing — a subscription's cash in custody from the order", function () {
  it("the order spends exactly its own allowance; two orders hold two amounts; cancelling one returns its cash only; dealing the other empties custody", async function () {
    const f = await morning();
    const peak = f.participants.peakAsset;
    const hb = f.deposits.harbourBank;
    const before = await fundBook(f);
    // One standing allowance for three orders' worth: each order takes its own amount, no more.
    await mined(hb.connect(peak.signer).approve(f.cbm.dealing.target, 3n * CASH));
    await mined(f.cbm.dealing.connect(peak.signer).subscribe(hb.target, CASH));
    const first = await f.cbm.dealing.lastOrderId();
    expect(await hb.allowance(peak.address, f.cbm.dealing.target)).to.equal(2n * CASH);
    await mined(f.cbm.dealing.connect(peak.signer).subscribe(hb.target, 2n * CASH));
    const second = await f.cbm.dealing.lastOrderId();
    expect(await hb.allowance(peak.address, f.cbm.dealing.target)).to.equal(0n);
    expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": -3n * CASH, "hbHKD:dealingCbm": 3n * CASH });

    await mined(f.cbm.dealing.connect(peak.signer).cancelOrder(first));
    expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": -2n * CASH, "hbHKD:dealingCbm": 2n * CASH });
    await expect(f.cbm.dealing.connect(peak.signer).cancelOrder(first))
      .to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderInWrongStatus")
      .withArgs(first, OrderStatus.Cancelled);

    await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
    await publishNav(f.cbm, f.day, NAV);
    await settle(f.cbm, second, f);
    const { fee, net, units } = subscriptionFigures(2n * CASH, FEE_BPS, NAV);
    expect(changes(before, await fundBook(f))).to.deep.equal({
      "hbHKD:peakAsset": -2n * CASH,
      "hbHKD:supply": -2n * CASH,
      "wHKD:harbourBank": -2n * CASH,
      "wHKD:victoriaBank": 2n * CASH,
      "vbHKD:trustee": net,
      "vbHKD:fundManager": fee,
      "vbHKD:supply": 2n * CASH,
      "unitsCbm:peakAsset": units,
      "unitsCbm:supply": units,
    });
    expect(await hb.balanceOf(f.cbm.dealing.target)).to.equal(0n);
  });

  it("an order whose NAV went stale unsettled is cancelled with its cash back; one whose NAV never came, from the second day after", async function () {
    const f = await morning();
    const peak = f.cbm.dealing.connect(f.participants.peakAsset.signer);
    const before = await fundBook(f);
    const stale = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV); // valid until 24:00 HKT, and nobody deals the order
    await expect(peak.cancelOrder(stale)).to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable").withArgs(stale);
    await time.increaseTo(hktAt(f.day + 1, 0) + 60);
    await expect(peak.cancelOrder(stale)).to.emit(f.cbm.dealing, "OrderCancelled").withArgs(stale, f.participants.peakAsset.address);
    expect(changes(before, await fundBook(f))).to.deep.equal({});

    const unpriced = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", CASH); // deals the next day, never priced
    const order = await f.rtgs.dealing.orderOf(unpriced);
    expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": -CASH, "hbHKD:dealingRtgs": CASH });
    const rtgsPeak = f.rtgs.dealing.connect(f.participants.peakAsset.signer);
    await time.increaseTo(hktAt(Number(order.dealingDay) + 1, 9 * HOUR));
    await expect(rtgsPeak.cancelOrder(unpriced)).to.be.revertedWithCustomError(f.rtgs.dealing, "FundOrderNotCancellable");
    await time.increaseTo(hktAt(Number(order.dealingDay) + 2, 0) + 1);
    await expect(rtgsPeak.cancelOrder(unpriced)).to.emit(f.rtgs.dealing, "OrderCancelled");
    expect(changes(before, await fundBook(f))).to.deep.equal({});
  });

  it("a bank that has not onboarded the dealing contract as its customer refuses the order with its own error: nothing placed, nothing moved", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    await mined(hb.setCustomer(f.cbm.dealing.target, false));
    await mined(hb.connect(f.participants.peakAsset.signer).approve(f.cbm.dealing.target, CASH));
    const last = await f.cbm.dealing.lastOrderId();
    const before = await fundBook(f);
    await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).subscribe(hb.target, CASH))
      .to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed")
      .withArgs(REASON.NotEligible, LEG_CASH, hb.target, hb.interface.encodeErrorResult("NotCustomerOfBank", [f.cbm.dealing.target]));
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    expect(await f.cbm.dealing.lastOrderId()).to.equal(last);
  });

  it("an investor frozen on its deposit after the order: its cash, gone at the order, still deals; a cancellation cannot pay the frozen account until the bank unfreezes it", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    const peakAddress = f.participants.peakAsset.address;
    const peak = f.cbm.dealing.connect(f.participants.peakAsset.signer);
    const dealt = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    const cancelled = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await mined(hb.setFrozen(peakAddress, true));
    const before = await fundBook(f);
    await expect(peak.cancelOrder(cancelled))
      .to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed")
      .withArgs(REASON.AccountFrozen, LEG_CASH, hb.target, hb.interface.encodeErrorResult("AccountFrozen", [peakAddress]));
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    expect((await f.cbm.dealing.orderOf(cancelled)).status).to.equal(BigInt(OrderStatus.Placed));
    await mined(hb.setFrozen(peakAddress, false));
    await expect(peak.cancelOrder(cancelled)).to.emit(f.cbm.dealing, "OrderCancelled");
    expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": CASH, "hbHKD:dealingCbm": -CASH });

    await mined(hb.setFrozen(peakAddress, true));
    await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
    await publishNav(f.cbm, f.day, NAV);
    await expect(settle(f.cbm, dealt, f)).to.emit(f.cbm.dealing, "SubscriptionSettled");
    expect(await hb.balanceOf(f.cbm.dealing.target)).to.equal(0n);
  });

  it("the bank freezing the dealing contract on its deposit stops both the dealing and a cancellation, nothing moved; unfrozen, the investor cancels with its cash back", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await mined(hb.setFrozen(f.cbm.dealing.target, true));
    await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
    await publishNav(f.cbm, f.day, NAV);
    const before = await fundBook(f);
    await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed");
    await time.increaseTo(hktAt(f.day + 1, 0) + 60); // the NAV went stale
    const peak = f.cbm.dealing.connect(f.participants.peakAsset.signer);
    await expect(peak.cancelOrder(id)).to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed");
    expect(changes(before, await fundBook(f))).to.deep.equal({});
    await mined(hb.setFrozen(f.cbm.dealing.target, false));
    await expect(peak.cancelOrder(id)).to.emit(f.cbm.dealing, "OrderCancelled");
    expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": CASH, "hbHKD:dealingCbm": -CASH });
  });
});
