import { expect } from "chai";

import { OrderStatus, hktAt } from "../../src/domain/money-market-fund.js";
import { confirmation, HOUR, mined, morning, publishNav, settle, subscribe, time } from "../helpers/fund-fixture.js";

/**
 * Review 21 (attacker): subscription cash in FundDealing custody, and `burnForSettlement`'s
 * caller == from path. Each test is an attack the contracts refuse.
 */

const NAV = 100_000n;
const CASH = 1_000_000_00n;

describe("Review 21 — custody of one order never pays another", function () {
  it("RTGS: a subscription's earmark released returns only its own cash; the other order's custody stays; release + cancel / confirm refused", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    const peak = f.participants.peakAsset;
    const dealing = f.rtgs.dealing;
    const a = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", CASH);
    const b = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", 2n * CASH);
    expect(await hb.balanceOf(dealing.target)).to.equal(3n * CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.rtgs, f.day, NAV);
    await settle(f.rtgs, a, f); // earmark of a: a's own cash, nothing more moves in
    expect(await hb.balanceOf(dealing.target)).to.equal(3n * CASH);
    expect((await dealing.earmarkOf(a)).amount).to.equal(CASH);
    const { deadline } = await dealing.earmarkOf(a);
    await time.increaseTo(Number(deadline) + 1);
    const peakBefore = await hb.balanceOf(peak.address);
    await mined(dealing.releaseEarmark(a));
    expect(await hb.balanceOf(peak.address)).to.equal(peakBefore + CASH);
    expect(await hb.balanceOf(dealing.target)).to.equal(2n * CASH); // b's custody untouched
    await expect(dealing.connect(peak.signer).cancelOrder(a)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus").withArgs(a, OrderStatus.Failed);
    await expect(dealing.releaseEarmark(a)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus");
    const c = await confirmation(f.rtgs, a, "0x" + "11".repeat(32));
    await expect(dealing.confirmRtgs(a, c.conf, c.signature)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus");
    // b once its NAV is stale: cancelled with its cash; custody empty, no second refund.
    await time.increaseTo(hktAt(f.day + 1, 0) + 60);
    await mined(dealing.connect(peak.signer).cancelOrder(b));
    expect(await hb.balanceOf(dealing.target)).to.equal(0n);
    await expect(dealing.connect(peak.signer).cancelOrder(b)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus");
  });

  it("CentralBankMoney: a settled subscription cannot be cancelled or settled again; its custody is burned once", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    const dealing = f.cbm.dealing;
    const a = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    const b = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV);
    await settle(f.cbm, a, f);
    expect(await hb.balanceOf(dealing.target)).to.equal(CASH); // only a's cash burned
    await expect(dealing.connect(f.participants.peakAsset.signer).cancelOrder(a)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus");
    await expect(dealing.connect(f.cbm.parties.transferAgent.signer).settle(a)).to.be.revertedWithCustomError(dealing, "FundOrderInWrongStatus");
    await settle(f.cbm, b, f);
    expect(await hb.balanceOf(dealing.target)).to.equal(0n);
  });

  it("burnForSettlement: an outsider can burn neither FundDealing's custody nor its own deposit (SETTLEMENT_ROLE), caller == from or not", async function () {
    const f = await morning();
    const hb = f.deposits.harbourBank;
    const peak = f.participants.peakAsset;
    await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await expect(hb.connect(peak.signer).burnForSettlement(f.cbm.dealing.target, CASH)).to.be.revertedWithCustomError(hb, "AccessControlUnauthorizedAccount");
    await expect(hb.connect(peak.signer).burnForSettlement(peak.address, 1n)).to.be.revertedWithCustomError(hb, "AccessControlUnauthorizedAccount");
    expect(await hb.balanceOf(f.cbm.dealing.target)).to.equal(CASH);
  });
});
