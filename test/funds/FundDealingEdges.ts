import { expect } from "chai";

import { InterbankMode, OrderStatus, hktAt, hktDay, nextWeekday } from "../../src/domain/money-market-fund.js";
import { FundDealing__factory } from "../../typechain-types/index.js";
import {
  changes,
  fundBook,
  HOUR,
  loadFund,
  mined,
  morning,
  nextAt,
  publishNav,
  redeem,
  settle,
  subscribe,
  time,
} from "../helpers/fund-fixture.js";

/**
 * The fund's remaining refusals: a deployment whose terms do not fit, a deposit line deregistered
 * after the order, an investor frozen on the register, and an order whose NAV never came.
 */

const NAV = 100_000n;
const CASH = 1_000_000_00n;
const ZERO = "0x0000000000000000000000000000000000000000";

describe("FundDealing — edges", function () {
  it("does not deploy with an RTGS operator in wCBDC mode (or none in RTGS mode), a fee above 5.00%, or unregistered fund cash", async function () {
    const f = await loadFund();
    const p = f.cbm.parties;
    const factory = new FundDealing__factory(p.fundManager.signer);
    const setup = {
      units: f.cbm.units.target,
      engine: f.engine.target,
      fundCash: f.deposits.victoriaBank.target,
      trustee: p.trustee.address,
      fundManager: p.fundManager.address,
      transferAgent: p.transferAgent.address,
      administrator: p.fundAdministrator.address,
      rtgsOperator: p.rtgsOperator.address,
      mode: InterbankMode.CentralBankMoney,
      subscriptionFeeBps: 10,
    };
    await expect(factory.deploy(setup)).to.be.revertedWithCustomError(factory, "FundInvalidSetup").withArgs("rtgsOperator");
    await expect(factory.deploy({ ...setup, mode: InterbankMode.Rtgs, rtgsOperator: ZERO })).to.be.revertedWithCustomError(factory, "FundInvalidSetup").withArgs("rtgsOperator");
    await expect(factory.deploy({ ...setup, rtgsOperator: ZERO, subscriptionFeeBps: 501 })).to.be.revertedWithCustomError(factory, "FundInvalidSetup").withArgs("subscriptionFeeBps");
    await expect(factory.deploy({ ...setup, rtgsOperator: ZERO, fundCash: f.wcbdc.target }))
      .to.be.revertedWithCustomError(factory, "DepositTokenNotRegistered")
      .withArgs(f.wcbdc.target);
  });

  it("a deposit line deregistered after the order stops its dealing (the ledger's registration is checked again), nothing moved", async function () {
    const f = await morning();
    const id = await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await mined(f.engine.deregisterDepositToken(f.deposits.harbourBank.target));
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV);
    const before = await fundBook(f);
    await expect(f.cbm.dealing.connect(f.cbm.parties.transferAgent.signer).settle(id))
      .to.be.revertedWithCustomError(f.cbm.dealing, "DepositTokenNotRegistered")
      .withArgs(f.deposits.harbourBank.target);
    expect(changes(before, await fundBook(f))).to.deep.equal({});
  });

  it("an investor frozen on the register can neither subscribe nor redeem (the units' own error)", async function () {
    const f = await morning();
    const id = await subscribe(f, f.cbm, "lantauPension", "lionRockBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV);
    await settle(f.cbm, id, f);
    await mined(f.cbm.units.setFrozen(f.participants.lantauPension.address, true));
    const lantau = f.cbm.dealing.connect(f.participants.lantauPension.signer);
    await expect(lantau.subscribe(f.deposits.lionRockBank.target, CASH)).to.be.revertedWithCustomError(f.cbm.units, "AccountFrozen");
    await time.increaseTo(hktAt(nextWeekday(f.day), 10 * HOUR));
    await expect(redeem(f, f.cbm, "lantauPension", "lionRockBank", 1n)).to.be.revertedWithCustomError(f.cbm.dealing, "SettlementLegFailed");
  });

  it("an order whose NAV never came may be cancelled from the second day after (not the next morning); units come back", async function () {
    const f = await morning();
    const sub = await subscribe(f, f.cbm, "lantauPension", "lionRockBank", CASH);
    await time.increaseTo(hktAt(f.day, 13 * HOUR));
    await publishNav(f.cbm, f.day, NAV);
    await settle(f.cbm, sub, f);
    const next = nextWeekday(f.day);
    await time.increaseTo(hktAt(next, 10 * HOUR));
    const id = await redeem(f, f.cbm, "lantauPension", "lionRockBank", 5_000n);
    const lantau = f.cbm.dealing.connect(f.participants.lantauPension.signer);
    await time.increaseTo(hktAt(next + 1, 9 * HOUR));
    await expect(lantau.cancelOrder(id)).to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderNotCancellable").withArgs(id);
    await time.increaseTo(hktAt(next + 2, 0) + 1);
    const before = await fundBook(f);
    await expect(lantau.cancelOrder(id)).to.emit(f.cbm.dealing, "OrderCancelled");
    expect(changes(before, await fundBook(f))).to.deep.equal({ "unitsCbm:lantauPension": 5_000n, "unitsCbm:dealingCbm": -5_000n });
    expect((await f.cbm.dealing.orderOf(id)).status).to.equal(BigInt(OrderStatus.Cancelled));
    await expect(lantau.cancelOrder(id)).to.be.revertedWithCustomError(f.cbm.dealing, "FundOrderInWrongStatus").withArgs(id, OrderStatus.Cancelled);
  });
});

describe("FundDealing — forward pricing when the cut-off moves", function () {
  it("a NAV struck before the day's last order is refused even after the manager moved the cut-off earlier", async function () {
    const f = await loadFund();
    const at = await nextAt(11 * HOUR);
    await time.increaseTo(at);
    const day = hktDay(at);
    await time.setNextBlockTimestamp(hktAt(day, 11 * HOUR + 15 * 60));
    await subscribe(f, f.cbm, "peakAsset", "harbourBank", CASH);
    await mined(f.cbm.dealing.setCutOff(11 * HOUR));
    await time.increaseTo(hktAt(day, 12 * HOUR));
    await expect(publishNav(f.cbm, day, NAV, { struckAt: hktAt(day, 11 * HOUR + 10 * 60) })).to.be.revertedWithCustomError(
      f.cbm.dealing,
      "FundNavStruckOutsideWindow",
    );
    await expect(publishNav(f.cbm, day, NAV, { struckAt: hktAt(day, 11 * HOUR + 20 * 60) })).to.emit(f.cbm.dealing, "NavPublished");
  });
});
