import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { wireLiquidity, type LiquidityLedger } from "../../src/chain/deploy-liquidity.js";
import type { BillLedger } from "../../src/chain/deploy-bills.js";
import { billPrice } from "../../src/domain/exchange-fund-bills.js";
import { businessDayOf, HKT_OFFSET_SECONDS } from "../../src/domain/liquidity.js";
import { DAY, fundedBillLedger, mined, networkHelpers } from "../helpers/bill-fixture.js";

/**
 * Exchange Fund Bills as intraday collateral: the facility lists any permissioned token of the
 * ledger, so a bill bought at tender is repo'd to the HKMA like the government bond — the bills into
 * custody and wCBDC to the bank in one transaction, both back on the same day's reversal — and a
 * repo above the bill's lending value is refused with nothing moved.
 */

const { time } = networkHelpers;
const UNITS = 40n; // HK$2,000,000 face of the bill
const BILL_HAIRCUT_BPS = 100n; // 1%: shorter paper, a smaller haircut than the bond's 2%
const YIELD_BPS = 350n;

interface Fixture {
  readonly f: BillLedger;
  readonly liquidity: LiquidityLedger;
}

/** The bill ledger with the facility wired on it, Harbour Bank holding `UNITS` bills from a tender, the clock at 09:00 HKT the next day. */
async function billsInHand(): Promise<Fixture> {
  const f = await fundedBillLedger();
  const liquidity = await wireLiquidity(f);
  const harbour = f.participants.harbourBank;
  const ref = encodeBytes32String("Q-REPO-TEST");
  const denomination = await f.bill.denomination();
  const closesAt = BigInt(await time.latest()) + DAY / 2n;
  await mined(f.billTender.openTender(ref, { bill: await f.bill.getAddress(), faceOffered: UNITS * denomination, closesAt }));
  const tenor = (Number(f.billTerms.maturityDate) - Number(f.billTerms.issueDate)) / Number(DAY);
  await mined(f.wcbdc.connect(harbour.signer).approve(await f.billTender.getAddress(), UNITS * billPrice(denomination, YIELD_BPS, tenor)));
  await mined(f.billTender.connect(harbour.signer).submitBid(ref, UNITS * denomination, YIELD_BPS));
  await time.increaseTo(f.billTerms.issueDate);
  await mined(f.billTender.allotTender(ref));
  // 09:00 HKT on the next Hong Kong day: the facility's window is open until 17:30 HKT.
  const now = BigInt(await time.latest());
  await time.increaseTo((businessDayOf(now) + 1n) * DAY - BigInt(HKT_OFFSET_SECONDS) + 9n * 3600n);
  await mined(liquidity.facility.listCollateral(await f.bill.getAddress(), denomination, Number(BILL_HAIRCUT_BPS)));
  return { f, liquidity };
}

describe("Exchange Fund Bills as intraday repo collateral", function () {
  it("repos bills to the HKMA and reverses the same day: bills to custody and back, wCBDC to the bank and back", async () => {
    const { f, liquidity } = await networkHelpers.loadFixture(billsInHand);
    const harbour = f.participants.harbourBank;
    const hkma = f.participants.hkma.address;
    const facility = await liquidity.facility.getAddress();
    const bill = await f.bill.getAddress();
    expect(await f.bill.balanceOf(harbour.address), "bills from the tender").to.equal(UNITS);
    const value = (UNITS * (await f.bill.denomination()) * (10_000n - BILL_HAIRCUT_BPS)) / 10_000n;
    expect(await liquidity.facility.lendingValue(bill, UNITS), "lending value: face less the 1% haircut").to.equal(value);

    const cashBefore = await f.wcbdc.balanceOf(harbour.address);
    const hkmaBefore = await f.wcbdc.balanceOf(hkma);
    await mined(f.bill.connect(harbour.signer).approve(facility, UNITS));
    await mined(liquidity.facility.connect(harbour.signer).repo(bill, UNITS, value));
    expect(await f.bill.balanceOf(harbour.address), "the bank's bills").to.equal(0n);
    expect(await f.bill.balanceOf(facility), "bills in custody").to.equal(UNITS);
    expect(await liquidity.facility.custodyOf(bill)).to.equal(UNITS);
    expect(await f.wcbdc.balanceOf(harbour.address), "the bank's wCBDC").to.equal(cashBefore + value);
    expect(await f.wcbdc.balanceOf(hkma), "the HKMA's funding account").to.equal(hkmaBefore - value);

    const repoId = await liquidity.facility.repoCount();
    await mined(f.wcbdc.connect(harbour.signer).approve(facility, value));
    await mined(liquidity.facility.connect(harbour.signer).reverse(repoId));
    expect(await f.bill.balanceOf(harbour.address), "bills back").to.equal(UNITS);
    expect(await f.bill.balanceOf(facility), "custody empty").to.equal(0n);
    expect(await f.wcbdc.balanceOf(harbour.address), "cash repaid").to.equal(cashBefore);
    expect(await f.wcbdc.balanceOf(hkma), "the HKMA repaid").to.equal(hkmaBefore);
  });

  it("refuses a repo of bills above their lending value, and nothing moves", async () => {
    const { f, liquidity } = await networkHelpers.loadFixture(billsInHand);
    const harbour = f.participants.harbourBank;
    const facility = await liquidity.facility.getAddress();
    const bill = await f.bill.getAddress();
    const value = await liquidity.facility.lendingValue(bill, UNITS);
    await mined(f.bill.connect(harbour.signer).approve(facility, UNITS));
    const cashBefore = await f.wcbdc.balanceOf(harbour.address);
    await expect(liquidity.facility.connect(harbour.signer).repo(bill, UNITS, value + 1n))
      .to.be.revertedWithCustomError(liquidity.facility, "RepoAmountOverLendingValue")
      .withArgs(bill, UNITS, value + 1n, value);
    expect(await f.bill.balanceOf(harbour.address), "bills stay").to.equal(UNITS);
    expect(await f.wcbdc.balanceOf(harbour.address), "no cash lent").to.equal(cashBefore);
    expect(await liquidity.facility.custodyOf(bill)).to.equal(0n);
  });

  describe("paper that must outlive the repo (matured bills no longer move)", () => {
    /** Moves the clock to 09:00 HKT of the Hong Kong day `days` before the bill's maturity day. */
    async function daysBeforeMaturity(f: BillLedger, days: bigint): Promise<void> {
      const maturityDay = businessDayOf(BigInt(f.billTerms.maturityDate));
      await time.increaseTo((maturityDay - days) * DAY - BigInt(HKT_OFFSET_SECONDS) + 9n * 3600n);
    }

    it("refuses a repo of bills maturing before an unpaid overnight repo could be closed out, and nothing moves", async () => {
      const { f, liquidity } = await networkHelpers.loadFixture(billsInHand);
      const harbour = f.participants.harbourBank;
      const facility = await liquidity.facility.getAddress();
      const bill = await f.bill.getAddress();
      await daysBeforeMaturity(f, 1n);
      await mined(f.bill.connect(harbour.signer).approve(facility, UNITS));
      const cutOff = await liquidity.facility.cutOffOf(BigInt(await time.latest()) + 1n);
      const mustOutlive = (await liquidity.facility.overnightDueAt(cutOff)) + (await liquidity.facility.CLOSE_OUT_WINDOW());
      const cashBefore = await f.wcbdc.balanceOf(harbour.address);
      await expect(liquidity.facility.connect(harbour.signer).repo(bill, UNITS, 1n))
        .to.be.revertedWithCustomError(liquidity.facility, "RepoCollateralMaturesTooSoon")
        .withArgs(bill, f.billTerms.maturityDate, mustOutlive);
      expect(await f.bill.balanceOf(harbour.address), "bills stay").to.equal(UNITS);
      expect(await f.wcbdc.balanceOf(harbour.address), "no cash lent").to.equal(cashBefore);
      expect(await liquidity.facility.repoCount()).to.equal(0n);
    });

    it("a repo it accepts can always end before maturity: rolled, unpaid and closed out when due, the HKMA holds the bills while they still move", async () => {
      const { f, liquidity } = await networkHelpers.loadFixture(billsInHand);
      const harbour = f.participants.harbourBank;
      const hkma = f.participants.hkma.address;
      const facility = await liquidity.facility.getAddress();
      const bill = await f.bill.getAddress();
      // The latest weekday the facility accepts the bill: its repo, unpaid, is due the day after and
      // the close-out window ends no later than maturity.
      let days = 2n;
      for (;; days += 1n) {
        const at = (businessDayOf(BigInt(f.billTerms.maturityDate)) - days) * DAY - BigInt(HKT_OFFSET_SECONDS) + 9n * 3600n;
        const due = await liquidity.facility.overnightDueAt(await liquidity.facility.cutOffOf(at));
        if (due + (await liquidity.facility.CLOSE_OUT_WINDOW()) <= BigInt(f.billTerms.maturityDate)) break;
      }
      await daysBeforeMaturity(f, days);
      const value = await liquidity.facility.lendingValue(bill, UNITS);
      await mined(f.bill.connect(harbour.signer).approve(facility, UNITS));
      await mined(liquidity.facility.connect(harbour.signer).repo(bill, UNITS, value));
      const repoId = await liquidity.facility.repoCount();
      const repo = await liquidity.facility.repoOf(repoId);
      await time.increaseTo(repo.cutOffAt);
      await mined(liquidity.facility.rollToDiscountWindow(repoId));
      const due = await liquidity.facility.overnightDueAt(repo.cutOffAt);
      await time.increaseTo(due);
      expect(due, "due before the bill matures").to.be.lessThan(BigInt(f.billTerms.maturityDate));
      await mined(liquidity.facility.closeOut(repoId));
      expect(await f.bill.balanceOf(hkma), "the HKMA kept the bills").to.equal(UNITS);
      expect(await f.bill.balanceOf(facility), "custody empty").to.equal(0n);
      expect((await liquidity.facility.repoOf(repoId)).status, "closed out").to.equal(4n);
    });

    it("refuses to list a bill that has matured", async () => {
      const { f, liquidity } = await networkHelpers.loadFixture(billsInHand);
      await time.increaseTo(f.billTerms.maturityDate);
      const bill = await f.bill.getAddress();
      await expect(liquidity.facility.listCollateral(bill, await f.bill.denomination(), 100))
        .to.be.revertedWithCustomError(liquidity.facility, "CollateralMatured")
        .withArgs(bill, f.billTerms.maturityDate);
    });
  });
});
