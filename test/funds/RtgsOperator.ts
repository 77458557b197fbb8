import { expect } from "chai";

import { FUND_DEFAULTS, OrderFailure, OrderStatus, hktAt, hktDay, nextWeekday } from "../../src/domain/money-market-fund.js";
import { rtgsDecisions, rtgsPaymentRef, runRtgsOperator } from "../../src/rtgs/operator.js";
import { HOUR, loadFund, nextFridayAt, publishNav, settle, subscribe, time, type FundFixture } from "../helpers/fund-fixture.js";

/**
 * The RTGS operator simulator (src/rtgs/operator.ts): stateless — every decision read from the chain —
 * so a second pass, or a restarted operator, repeats nothing; it waits while RTGS is closed, confirms
 * inside the window with the order's own payment reference, and releases what timed out.
 */

const NAV = 100_123n;

/** Two RTGS subscriptions across banks (Peak at Harbour, Lantau at Lion Rock) dealt Friday 19:00 HKT. */
async function fridayEvening(): Promise<FundFixture & { monday: number; peakOrder: bigint; lantauOrder: bigint }> {
  const f = await loadFund();
  const friday = await nextFridayAt(10 * HOUR);
  await time.increaseTo(friday);
  const day = hktDay(friday);
  const peakOrder = await subscribe(f, f.rtgs, "peakAsset", "harbourBank", 1_000_000_00n);
  const lantauOrder = await subscribe(f, f.rtgs, "lantauPension", "lionRockBank", 2_000_000_00n);
  await time.increaseTo(hktAt(day, 18 * HOUR));
  await publishNav(f.rtgs, day, NAV, { validUntil: hktAt(day, 23 * HOUR) });
  await time.increaseTo(hktAt(day, 19 * HOUR));
  await settle(f.rtgs, peakOrder, f);
  await settle(f.rtgs, lantauOrder, f);
  return { ...f, monday: nextWeekday(day), peakOrder, lantauOrder };
}

describe("RTGS operator simulator", function () {
  it("waits while RTGS is closed (the weekend), doing nothing", async function () {
    const f = await fridayEvening();
    await time.increaseTo((await time.latest()) + 24 * HOUR);
    const decisions = await runRtgsOperator({ dealing: f.rtgs.dealing, operator: f.rtgs.parties.rtgsOperator.signer });
    expect(decisions.map((d) => [d.kind, d.orderId])).to.deep.equal([
      ["wait", f.peakOrder],
      ["wait", f.lantauOrder],
    ]);
    expect((await f.rtgs.dealing.orderOf(f.peakOrder)).status).to.equal(BigInt(OrderStatus.AwaitingRtgs));
  });

  it("confirms in Monday's window with the order's own reference; a restarted pass finds nothing left to do", async function () {
    const f = await fridayEvening();
    await time.increaseTo(hktAt(f.monday, FUND_DEFAULTS.rtgsOpensSeconds + 10 * 60));
    const options = { dealing: f.rtgs.dealing, operator: f.rtgs.parties.rtgsOperator.signer, withhold: (id: bigint) => id === f.lantauOrder };
    const first = await runRtgsOperator(options);
    expect(first.map((d) => [d.kind, d.orderId])).to.deep.equal([
      ["confirm", f.peakOrder],
      ["wait", f.lantauOrder],
    ]);
    expect(await f.rtgs.dealing.orderOfPaymentRef(rtgsPaymentRef(f.peakOrder))).to.equal(f.peakOrder);
    // A restarted operator reads the chain again: the confirmed order is no longer waiting.
    const again = await rtgsDecisions(options);
    expect(again.map((d) => [d.kind, d.orderId])).to.deep.equal([["wait", f.lantauOrder]]);
  });

  it("releases what timed out, and the dealing fails XRTO", async function () {
    const f = await fridayEvening();
    const { deadline } = await f.rtgs.dealing.earmarkOf(f.lantauOrder);
    await time.increaseTo(Number(deadline) + 1);
    const decisions = await runRtgsOperator({ dealing: f.rtgs.dealing, operator: f.rtgs.parties.rtgsOperator.signer });
    expect(decisions.map((d) => d.kind)).to.deep.equal(["release", "release"]);
    const order = await f.rtgs.dealing.orderOf(f.lantauOrder);
    expect([order.status, order.failure]).to.deep.equal([BigInt(OrderStatus.Failed), BigInt(OrderFailure.RtgsTimeout)]);
    expect(await runRtgsOperator({ dealing: f.rtgs.dealing, operator: f.rtgs.parties.rtgsOperator.signer })).to.deep.equal([]);
  });
});
