import { expect } from "chai";

import {
  FUND_DEFAULTS,
  HKD_SCALE,
  OrderStatus,
  dealingDayFor,
  hktAt,
  hktDay,
  nextWeekday,
  redemptionCash,
  subscriptionFigures,
} from "../../src/domain/money-market-fund.js";
import {
  changes,
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
} from "../helpers/fund-fixture.js";

/**
 * Dealing in the tokenized money-market fund in CentralBankMoney mode (contracts/funds/FundDealing.sol):
 * orders by the investor's own call, dealing days and the 12:00 HKT cut-off, the administrator's signed
 * NAV and every refusal of it, DvP settlement T+0 against tokenized deposits with the interbank leg in
 * wCBDC in the same transaction, the rounding rule, consent and refusals with nothing moved.
 * Parties: Peak Asset Management banks at Harbour Bank, Lantau Pension Fund at Lion Rock Bank, Tsing
 * Yi Insurance at Victoria Bank — the fund's bank (trustee Pearl River Trustees).
 */

const NAV = 100_123n; // HKD 10.0123 a unit
const TEN_MILLION = 10_000_000_00n; // HKD 10,000,000.00
const FEE_BPS = 10n;
const LEG = { Asset: 0n, Cash: 1n, Interbank: 2n } as const;
/** `FailureReason` in contracts/settlement/Trade.sol. */
const REASON = { InsufficientSecurities: 1n, InsufficientCash: 2n, MissingApproval: 3n } as const;

/** Fixture at a weekday 10:00 HKT, before the cut-off. */
describe("FundDealing — orders, NAV and CentralBankMoney settlement", function () {
  describe("dealing days and the cut-off", function () {
    it("an order before 12:00 HKT deals that day; one at 12:00:00 deals the next dealing day", async function () {
      const f = await morning();
      const noon = hktAt(f.day, FUND_DEFAULTS.cutOffSeconds);
      expect(await f.cbm.dealing.dealingDayFor(noon - 1)).to.equal(BigInt(f.day));
      expect(await f.cbm.dealing.dealingDayFor(noon)).to.equal(BigInt(nextWeekday(f.day)));
      const peak = f.participants.peakAsset.signer;
      await f.deposits.harbourBank.connect(peak).approve(f.cbm.dealing.target, 2n * TEN_MILLION);
      await time.setNextBlockTimestamp(noon - 1);
      await mined(f.cbm.dealing.connect(peak).subscribe(f.deposits.harbourBank.target, TEN_MILLION));
      const before = await f.cbm.dealing.lastOrderId();
      expect((await f.cbm.dealing.orderOf(before)).dealingDay).to.equal(BigInt(f.day));
      await time.setNextBlockTimestamp(noon);
      await mined(f.cbm.dealing.connect(f.participants.peakAsset.signer).subscribe(f.deposits.harbourBank.target, TEN_MILLION));
      const after = await f.cbm.dealing.lastOrderId();
      expect((await f.cbm.dealing.orderOf(after)).dealingDay).to.equal(BigInt(nextWeekday(f.day)));
    });

    it("Friday after the cut-off and the weekend deal on Monday; the contract and the TypeScript twin agree", async function () {
      const f = await loadFund();
      const friday = await nextFridayAt(19 * HOUR);
      const monday = nextWeekday(hktDay(friday));
      expect(monday - hktDay(friday)).to.equal(3);
      for (const t of [friday, friday + 24 * HOUR, friday + 48 * HOUR, hktAt(monday, 11 * HOUR)]) {
        expect(await f.cbm.dealing.dealingDayFor(t)).to.equal(BigInt(monday));
        expect(dealingDayFor(t)).to.equal(monday);
      }
    });

    it("the fund manager alone sets the cut-off and the fee, within bounds, with events", async function () {
      const f = await morning();
      await expect(f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer).setCutOff(11 * HOUR)).to.be.revertedWithCustomError(
        f.cbm.dealing,
        "AccessControlUnauthorizedAccount",
      );
      await expect(f.cbm.dealing.setCutOff(0)).to.be.revertedWithCustomError(f.cbm.dealing, "FundInvalidSetup").withArgs("cutOff");
      await expect(f.cbm.dealing.setSubscriptionFee(501)).to.be.revertedWithCustomError(f.cbm.dealing, "FundInvalidSetup");
      await expect(f.cbm.dealing.setCutOff(11 * HOUR)).to.emit(f.cbm.dealing, "CutOffSet").withArgs(11 * HOUR);
      await expect(f.cbm.dealing.setSubscriptionFee(0)).to.emit(f.cbm.dealing, "SubscriptionFeeSet").withArgs(0);
    });
  });

  describe("the NAV", function () {
    it("is published once per dealing day by anyone relaying the administrator's signature", async function () {
      const f = await morning();
      await time.increaseTo(hktAt(f.day, 13 * HOUR));
      await expect(publishNav(f.cbm, f.day, NAV, { struckAt: hktAt(f.day, 12 * HOUR) }))
        .to.emit(f.cbm.dealing, "NavPublished")
        .withArgs(f.day, f.cbm.parties.fundAdministrator.address, NAV, hktAt(f.day, 12 * HOUR), hktAt(f.day, 24 * HOUR));
      expect((await f.cbm.dealing.navOf(f.day)).navPerUnit).to.equal(NAV);
      await expect(publishNav(f.cbm, f.day, NAV + 1n))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavAlreadyPublished")
        .withArgs(f.day, NAV);
    });

    it("refuses a NAV signed by anyone but the administrator, naming the signer", async function () {
      const f = await morning();
      await time.increaseTo(hktAt(f.day, 13 * HOUR));
      const impostor = f.cbm.parties.fundManager.signer;
      await expect(publishNav(f.cbm, f.day, NAV, { signer: impostor }))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavWrongSigner")
        .withArgs(impostor.address);
    });

    it("refuses a NAV struck before the cut-off (forward pricing) or in the future, for a weekend, for another fund, stale or zero", async function () {
      const f = await morning();
      await time.increaseTo(hktAt(f.day, 13 * HOUR));
      const cutOff = hktAt(f.day, 12 * HOUR);
      await expect(publishNav(f.cbm, f.day, NAV, { struckAt: cutOff - 1 }))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStruckOutsideWindow");
      await expect(publishNav(f.cbm, f.day, NAV, { struckAt: hktAt(f.day, 15 * HOUR) }))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStruckOutsideWindow");
      let weekend = f.day + 1;
      while ((weekend + 4) % 7 !== 6) weekend += 1;
      await expect(publishNav(f.cbm, weekend, NAV)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavNotDealingDay").withArgs(weekend);
      // A NAV for the RTGS class's units is not this class's NAV.
      await expect(publishNav({ ...f.rtgs, dealing: f.cbm.dealing }, f.day, NAV))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavWrongFund")
        .withArgs(f.rtgs.units.target, f.cbm.units.target);
      await expect(publishNav(f.cbm, f.day, NAV, { validUntil: hktAt(f.day, 12 * HOUR + 1800) }))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStale");
      await expect(publishNav(f.cbm, f.day, 0n)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavZero");
    });

    it("a dealing without its day's NAV, or after it went stale, is refused with the day and nothing moves", async function () {
      const f = await morning();
      const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 13 * HOUR));
      const agent = f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer);
      await expect(agent.settle(id)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavNotPublished").withArgs(f.day);
      await publishNav(f.cbm, f.day, NAV, { validUntil: hktAt(f.day, 14 * HOUR) });
      await time.increaseTo(hktAt(f.day, 14 * HOUR) + 1);
      const before = await fundBook(f);
      await expect(agent.settle(id)).to.be.revertedWithCustomError(f.cbm.dealing, "FundNavStale");
      expect(changes(before, await fundBook(f))).to.deep.equal({});
      // Stale and unsettled: the investor may withdraw its order.
      await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(id))
        .to.emit(f.cbm.dealing, "OrderCancelled")
        .withArgs(id, f.participants.peakAsset.address);
    });
  });

  describe("settlement in wCBDC, T+0", function () {
    it("a subscription at another bank: deposit burned at Harbour, Harbour pays Victoria in wCBDC, Victoria mints to trustee and manager, units issued", async function () {
      const f = await morning();
      const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      const before = await fundBook(f);
      const { fee, net, units } = subscriptionFigures(TEN_MILLION, FEE_BPS, NAV);
      expect(fee).to.equal(1_000_000n); // HKD 10,000.00
      expect(units).to.equal((net * HKD_SCALE) / NAV);
      const receipt = settle(f.cbm, id, f);
      await expect(receipt)
        .to.emit(f.cbm.dealing, "SubscriptionSettled")
        .withArgs(id, f.participants.peakAsset.address, TEN_MILLION, fee, units, NAV);
      await expect(receipt)
        .to.emit(f.cbm.dealing, "FundInterbankSettled")
        .withArgs(id, f.participants.harbourBank.address, f.participants.victoriaBank.address, TEN_MILLION);
      // The cash has been in the dealing contract's custody since the order: it is burned from there.
      expect(changes(before, await fundBook(f))).to.deep.equal({
        "hbHKD:dealingCbm": -TEN_MILLION,
        "hbHKD:supply": -TEN_MILLION,
        "wHKD:harbourBank": -TEN_MILLION,
        "wHKD:victoriaBank": TEN_MILLION,
        "vbHKD:trustee": net,
        "vbHKD:fundManager": fee,
        "vbHKD:supply": TEN_MILLION,
        "unitsCbm:peakAsset": units,
        "unitsCbm:supply": units,
      });
      const order = await f.cbm.dealing.orderOf(id);
      expect(order.status).to.equal(BigInt(OrderStatus.Settled));
      expect([order.units, order.fee, order.navPerUnit]).to.deep.equal([units, fee, NAV]);
      await expect(settle(f.cbm, id, f)).to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderInWrongStatus").withArgs(id, OrderStatus.Settled);
    });

    it("a subscription at the fund's own bank moves the deposit within Victoria Bank, no wCBDC", async function () {
      const f = await morning();
      const id = await subscribe(f, f.cbm, "tsingYiInsurance", "victoriaBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      const before = await fundBook(f);
      await settle(f.cbm, id, f);
      const { fee, net, units } = subscriptionFigures(TEN_MILLION, FEE_BPS, NAV);
      // The cash left the investor at the order: at dealing it moves from custody within Victoria Bank.
      expect(changes(before, await fundBook(f))).to.deep.equal({
        "vbHKD:dealingCbm": -TEN_MILLION,
        "vbHKD:trustee": net,
        "vbHKD:fundManager": fee,
        "unitsCbm:tsingYiInsurance": units,
        "unitsCbm:supply": units,
      });
    });

    it("a redemption by units next day: units in custody at the order, the trustee's own call pays via Victoria → Lion Rock in wCBDC", async function () {
      const f = await morning();
      const sub = await subscribe(f, f.cbm, "lantauPension", "lionRockBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      await settle(f.cbm, sub, f);
      const held = await f.cbm.units.balanceOf(f.participants.lantauPension.address);

      const next = nextWeekday(f.day);
      await time.increaseTo(hktAt(next, 9 * HOUR));
      const toRedeem = held / 2n + 1n; // an odd number of smallest units: the cash rounds down
      const ordered = await fundBook(f);
      const id = await redeem(f, f.cbm, "lantauPension", "lionRockBank", toRedeem);
      expect(changes(ordered, await fundBook(f))).to.deep.equal({
        "unitsCbm:lantauPension": -toRedeem,
        "unitsCbm:dealingCbm": toRedeem,
      });
      const nav2 = 100_124n;
      await time.increaseTo(hktAt(next, 12 * HOUR + 60));
      await publishNav(f.cbm, next, nav2);
      // Only the trustee pays out of the fund's account: the transfer agent cannot settle a redemption.
      await expect(f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer).settle(id))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNotAuthorisedToSettle")
        .withArgs(f.cbm.parties.transferAgent.address, id);
      const before = await fundBook(f);
      const cash = redemptionCash(toRedeem, nav2);
      expect(cash * HKD_SCALE).to.be.lessThan(toRedeem * nav2); // a fraction of a cent stays with the fund
      await expect(settle(f.cbm, id, f))
        .to.emit(f.cbm.dealing, "RedemptionSettled")
        .withArgs(id, f.participants.lantauPension.address, toRedeem, cash, nav2);
      expect(changes(before, await fundBook(f))).to.deep.equal({
        "vbHKD:trustee": -cash,
        "vbHKD:supply": -cash,
        "wHKD:victoriaBank": -cash,
        "wHKD:lionRockBank": cash,
        "lrHKD:lantauPension": cash,
        "lrHKD:supply": cash,
        "unitsCbm:dealingCbm": -toRedeem,
        "unitsCbm:supply": -toRedeem,
      });
    });

    it("only the transfer agent settles a subscription", async function () {
      const f = await morning();
      const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      const trustee = f.cbm.parties.trustee;
      await expect(f.cbm.dealing.connect(trustee.signer).settle(id))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNotAuthorisedToSettle")
        .withArgs(trustee.address, id);
    });
  });

  describe("refusals, nothing moved", function () {
    it("an order without the cash or without the allowance is refused at the order (MONY, XAPP): nothing placed, nothing moved", async function () {
      const f = await morning();
      const peak = f.participants.peakAsset;
      const dealing = f.cbm.dealing.connect(peak.signer);
      const balance = await f.deposits.harbourBank.balanceOf(peak.address);
      await mined(f.deposits.harbourBank.burn(peak.address, balance - 1n));
      await mined(f.deposits.harbourBank.connect(peak.signer).approve(f.cbm.dealing.target, TEN_MILLION));
      const lastBefore = await f.cbm.dealing.lastOrderId();
      const before = await fundBook(f);
      await expect(dealing.subscribe(f.deposits.harbourBank.target, TEN_MILLION))
        .to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed")
        .withArgs(REASON.InsufficientCash, LEG.Cash, f.deposits.harbourBank.target, (e: string) => e.length > 2);
      await mined(f.deposits.harbourBank.mint(peak.address, TEN_MILLION));
      await mined(f.deposits.harbourBank.connect(peak.signer).approve(f.cbm.dealing.target, TEN_MILLION - 1n));
      await expect(dealing.subscribe(f.deposits.harbourBank.target, TEN_MILLION))
        .to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed")
        .withArgs(REASON.MissingApproval, LEG.Cash, f.deposits.harbourBank.target, (e: string) => e.length > 2);
      expect(changes(before, await fundBook(f))).to.deep.equal({ "hbHKD:peakAsset": TEN_MILLION, "hbHKD:supply": TEN_MILLION });
      expect(await f.cbm.dealing.lastOrderId()).to.equal(lastBefore);
    });

    it("once placed, a subscription deals whatever its investor does with its allowance or its balance afterwards (finding R19-1)", async function () {
      const f = await morning();
      const peak = f.participants.peakAsset;
      const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      expect(await f.deposits.harbourBank.allowance(peak.address, f.cbm.dealing.target)).to.equal(0n);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      // The price is known and does not suit the investor: it withdraws every allowance and spends its cash.
      await mined(f.deposits.harbourBank.connect(peak.signer).approve(f.cbm.dealing.target, 0n));
      await mined(f.deposits.harbourBank.burn(peak.address, await f.deposits.harbourBank.balanceOf(peak.address)));
      await expect(f.cbm.dealing.connect(peak.signer).cancelOrder(id))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable")
        .withArgs(id);
      const { units } = subscriptionFigures(TEN_MILLION, FEE_BPS, NAV);
      await expect(settle(f.cbm, id, f)).to.emit(f.cbm.dealing, "SubscriptionSettled");
      expect(await f.cbm.units.balanceOf(peak.address)).to.equal(units);
      expect((await f.cbm.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.Settled));
    });

    it("a redemption of more units than held is refused LACK; zero orders, unregistered cash and non-distributors are refused", async function () {
      const f = await morning();
      const lantau = f.participants.lantauPension.signer;
      await expect(f.cbm.dealing.connect(lantau).redeem(f.deposits.lionRockBank.target, 1n))
        .to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed")
        .withArgs(REASON.InsufficientSecurities, LEG.Asset, f.cbm.units.target, (e: string) => e.length > 2);
      await expect(f.cbm.dealing.connect(lantau).subscribe(f.deposits.lionRockBank.target, 0n)).to.be.revertedWithCustomError(
        f.cbm.dealing,
        "FundOrderZero",
      );
      // The wCBDC itself, or any address, is not a registered deposit line.
      await expect(f.cbm.dealing.connect(lantau).subscribe(f.wcbdc.target, 1n))
        .to.be.revertedWithCustomError(f.cbm.dealing, "DepositTokenNotRegistered")
        .withArgs(f.wcbdc.target);
      const lionRock = f.participants.lionRockBank.address;
      await mined(f.cbm.dealing.revokeRole(await f.cbm.dealing.DISTRIBUTOR_ROLE(), lionRock));
      await expect(f.cbm.dealing.connect(lantau).subscribe(f.deposits.lionRockBank.target, 1n))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNotDistributor")
        .withArgs(lionRock);
    });

    it("an investor may not pay from another bank's deposit it is not a customer of (the token's own error)", async function () {
      const f = await morning();
      await expect(
        f.cbm.dealing.connect(f.participants.peakAsset.signer).subscribe(f.deposits.lionRockBank.target, TEN_MILLION),
      ).to.be.revertedWithCustomError(f.deposits.lionRockBank, "NotCustomerOfBank");
    });

    it("a subscription too small to buy one smallest unit is refused at dealing, with the figures", async function () {
      const f = await morning();
      const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", 1n);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      const bigNav = 2_000_000n; // HKD 200.0000: one smallest unit is worth 2 cents
      await publishNav(f.cbm, f.day, bigNav);
      await expect(f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer).settle(id))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundSubscriptionBelowOneUnit")
        .withArgs(id, 1n, bigNav);
    });

    it("the engine's pause stops orders and dealing", async function () {
      const f = await morning();
      await mined(f.engine.pause());
      await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).subscribe(f.deposits.harbourBank.target, 1n))
        .to.be.revertedWithCustomError(f.cbm.dealing, "EnforcedPause");
    });
  });

  describe("cancellation", function () {
    it("the investor alone cancels before the cut-off (its cash back from custody); after the cut-off with a valid NAV it is refused", async function () {
      const f = await morning();
      const sub = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      await expect(f.cbm.dealing.connect(f.participants.lantauPension.signer).cancelOrder(sub))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundNotInvestor");
      const placed = await fundBook(f);
      await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(sub)).to.emit(f.cbm.dealing, "OrderCancelled");
      expect(changes(placed, await fundBook(f))).to.deep.equal({ "hbHKD:dealingCbm": -TEN_MILLION, "hbHKD:peakAsset": TEN_MILLION });
      const late = await subscribe(f, f.cbm, "peakAsset", "harbourBank", TEN_MILLION);
      await time.increaseTo(hktAt(f.day, 12 * HOUR + 60));
      await publishNav(f.cbm, f.day, NAV);
      await expect(f.cbm.dealing.connect(f.participants.peakAsset.signer).cancelOrder(late))
        .to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable")
        .withArgs(late);
    });
  });

  describe("the rounding rule at its edges (FundRounding.sol and its TypeScript twin)", function () {
    const cases: readonly (readonly [bigint, bigint, bigint])[] = [
      [1n, 0n, 100_000n], // 1 cent at HKD 10.0000: exactly 10 smallest units
      [1n, 10n, 100_123n], // fee rounds to 0; 9 units, remainder < 0.1 cent
      [999n, 10n, 100_123n], // fee 0.999 → 0
      [1_000n, 10n, 100_123n], // fee exactly 1 cent
      [TEN_MILLION, 500n, 100_123n], // the highest fee
      [TEN_MILLION, 0n, 1n], // an absurdly low NAV: 10^13 units
      [123_456_789n, 25n, 99_999n],
    ];
    it("the contract's quote equals the twin, no value is created and the loss is under one smallest unit's value", async function () {
      const f = await loadFund();
      for (const [cash, feeBps, nav] of cases) {
        const [fee, units, paid] = await f.cbm.dealing.quote(cash, feeBps, cash, nav);
        const twin = subscriptionFigures(cash, feeBps, nav);
        expect([fee, units, paid]).to.deep.equal([twin.fee, twin.units, redemptionCash(cash, nav)]);
        // value issued ≤ net paid, and net paid − value issued < one smallest unit's value (nav / scale cents)
        expect(units * nav).to.be.lessThanOrEqual(twin.net * HKD_SCALE);
        expect(twin.net * HKD_SCALE - units * nav).to.be.lessThan(nav);
        expect(paid * HKD_SCALE).to.be.lessThanOrEqual(cash * nav);
        expect(cash * nav - paid * HKD_SCALE).to.be.lessThan(HKD_SCALE);
      }
    });
  });
});
