import { expect } from "chai";
import { network } from "hardhat";

import type { TwoModeFundLedger } from "../../src/chain/deploy-funds.js";
import { hktAt } from "../../src/domain/money-market-fund.js";
import { runScenario, stepById, type ScenarioRun, type StepStatus } from "../../src/runner/run.js";
import scenario, { MMF, ORDERS } from "../../src/scenarios/mmf-dealing.js";
import { rtgsPaymentRef } from "../../src/rtgs/operator.js";
import { eventsOf, expectRefusalsRecorded, minedIn, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `mmf-dealing` (src/scenarios/mmf-dealing.ts) on its own in-process network, deployed on
 * Tue 3 Mar 2037 12:00 UTC, so the dealing week is Thu 5, Fri 6 and Mon 9 Mar 2037 (HKT days 24535,
 * 24536, 24539). Figures by hand (units to 4 decimals, rounded down; cash to the cent, rounded down;
 * fee 0.10% rounded down):
 *
 *   Peak, Fri     HKD 20,000,000.00 − fee 20,000.00 = 19,980,000.00 / 10.0012 = 1,997,760.26876… → 1,997,760.2687 units
 *   Tsing Yi, Fri HKD  5,000,000.00 − fee  5,000.00 =  4,995,000.00 / 10.0012 =   499,440.06719… →   499,440.0671 units
 *   Kowloon, Fri  HKD 30,000,000.00 − fee 30,000.00 = 29,970,000.00 / 10.0012 = 2,996,640.40315… → 2,996,640.4031 units (each mode)
 *   Lantau redeems 1,000,000 units × 10.0012 = HKD 10,001,200.00; Lion Rock Bank 15,000,000 units = HKD 150,018,000.00
 *   Peak, Mon     HKD  5,000,000.00 − fee  5,000.00 =  4,995,000.00 / 10.0018 =   499,410.10618… →   499,410.1061 units
 */

const DEPLOY_TIME = 2_119_694_400;
const FRIDAY = 24_536;
const MONDAY = 24_539;
const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";

describe("scenario: mmf-dealing", function () {
  let ledger: TwoModeFundLedger;
  let run: ScenarioRun;

  before(async function () {
    const connection = await network.create();
    await connection.networkHelpers.time.increaseTo(DEPLOY_TIME);
    if (scenario.deploy === undefined) throw new Error("mmf-dealing deploys its own ledger");
    ledger = await scenario.deploy(connection, {
      second: () => {
        throw new Error("single ledger");
      },
    });
    run = await runScenario(scenario, ledger);
  });

  const moves = (id: string): (readonly [string, string, bigint])[] =>
    stepById(run, id).changes.map((c) => [c.holder.name ?? c.holder.address, c.token.symbol, c.after - c.before] as const);

  it("runs every step to the end: two refused as designed, the rest settling", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${s.problem?.kind ?? ""}`).join("\n")).to.equal(true);
    expect(Object.fromEntries(run.steps.map((s) => [s.id, s.status]))).to.deep.equal({
      "opening-wcbdc": OK,
      "opening-deposits": OK,
      "thursday-dealing": OK,
      "friday-orders": OK,
      "bank-redeems-for-liquidity": OK,
      "orders-in-both-modes": OK,
      "late-order": OK,
      "nav-wrong-signer": REFUSED,
      "nav-published": OK,
      "subscriptions-settle": OK,
      "redemptions-settle": OK,
      "bank-meets-payment": OK,
      "late-order-waits": REFUSED,
      "friday-1900-wcbdc": OK,
      "friday-1900-rtgs": OK,
      "monday-rtgs-confirms": OK,
      "rtgs-timeout": OK,
      "monday-late-order-deals": OK,
    });
  });

  it("settles Friday's subscriptions T+0 DvP: Peak across banks with wCBDC between them, Tsing Yi within Victoria Bank", function () {
    expect(moves("subscriptions-settle")).to.have.deep.members([
      ["Harbour Bank", "wHKD", -MMF.peakFriday],
      ["Victoria Bank", "wHKD", MMF.peakFriday],
      // The investors' cash has been in the dealing contract's custody since their orders.
      ["fund dealing (wCBDC)", "hbHKD", -MMF.peakFriday],
      ["fund dealing (wCBDC)", "vbHKD", -MMF.tsingYiFriday],
      ["Harbour Star Asset Management", "vbHKD", 2_000_000n + 500_000n],
      ["Pearl River Trustees", "vbHKD", 1_998_000_000n + 499_500_000n],
      ["Peak Asset Management", "HSMMF-A", 19_977_602_687n],
      ["Tsing Yi Insurance", "HSMMF-A", 4_994_400_671n],
    ]);
  });

  it("pays Friday's redemptions by the trustee's own call, the units in custody cancelled; Lion Rock Bank then pays Harbour in wCBDC", function () {
    expect(moves("redemptions-settle")).to.have.deep.members([
      ["Victoria Bank", "wHKD", -1_000_120_000n],
      ["Lion Rock Bank", "wHKD", 1_000_120_000n],
      ["Lion Rock Bank", "vbHKD", 15_001_800_000n],
      ["Pearl River Trustees", "vbHKD", -1_000_120_000n - 15_001_800_000n],
      ["Lantau Pension Fund", "lrHKD", 1_000_120_000n],
      ["fund dealing (wCBDC)", "HSMMF-A", -MMF.lantauRedemption - MMF.lionRockRedemption],
    ]);
    expect(moves("bank-meets-payment")).to.have.deep.members([
      ["Harbour Bank", "wHKD", MMF.lionRockPayment],
      ["Victoria Bank", "wHKD", -MMF.lionRockPayment],
      ["Lion Rock Bank", "vbHKD", -MMF.lionRockPayment],
    ]);
  });

  it("refuses with the evidence: the manager's NAV (wrong signer), the late order before Monday's NAV", function () {
    expect(refusalOf(stepById(run, "nav-wrong-signer"))).to.deep.include({ name: "FundNavWrongSigner", args: { signer: ledger.cbm.parties.fundManager.address } });
    expect(refusalOf(stepById(run, "late-order-waits"))).to.deep.include({ name: "FundNavNotPublished", args: { dealingDay: String(MONDAY) } });
    expectRefusalsRecorded(reportOf(run), run, {
      "nav-wrong-signer": { chain: "hk", via: "estimateGas", function: "publishNav" },
      "late-order-waits": { chain: "hk", via: "estimateGas", function: "settle" },
    });
  });

  it("at 19:00 on Friday the wCBDC deployment settles at once; the RTGS one only earmarks the payers' deposits", function () {
    const wcbdc = minedIn(stepById(run, "friday-1900-wcbdc"));
    expect(wcbdc).to.have.length(1);
    const sentAt = Number(wcbdc[0].timestamp) - hktAt(FRIDAY, 19 * 3600);
    expect(sentAt >= 0 && sentAt < 60, `settled ${sentAt} s after 19:00 HKT`).to.equal(true);
    expect(eventsOf(wcbdc[0]).map((e) => e.name)).to.include.members(["FundInterbankSettled", "SubscriptionSettled"]);
    // The earmarks are the investors' cash, in custody since the orders: the dealing itself moves nothing.
    expect(moves("orders-in-both-modes")).to.have.deep.members([
      ["Kowloon Dealer", "hbHKD", -2n * MMF.kowloonBoth],
      ["fund dealing (wCBDC)", "hbHKD", MMF.kowloonBoth],
      ["fund dealing (RTGS)", "hbHKD", MMF.kowloonBoth],
      ["Lantau Pension Fund", "lrHKD", -MMF.lantauRtgs],
      ["fund dealing (RTGS)", "lrHKD", MMF.lantauRtgs],
    ]);
    expect(moves("friday-1900-rtgs")).to.deep.equal([]);
    const earmarks = minedIn(stepById(run, "friday-1900-rtgs")).flatMap(eventsOf).filter((e) => e.name === "InterbankEarmarked");
    const due = String(hktAt(MONDAY, 11 * 3600));
    expect(earmarks.map((e) => [e.args.orderId, e.args.amount, e.args.deadline])).to.deep.equal([
      ["1", String(MMF.kowloonBoth), due],
      ["2", String(MMF.lantauRtgs), due],
    ]);
  });

  it("on Monday in the RTGS window the operator confirms Kowloon's payment (its reference on chain) and no wCBDC moves", function () {
    const step = stepById(run, "monday-rtgs-confirms");
    const confirmed = minedIn(step).flatMap(eventsOf).filter((e) => e.name === "RtgsPaymentConfirmed");
    expect(confirmed.map((e) => [e.args.orderId, e.args.paymentRef])).to.deep.equal([[String(ORDERS.rtgs.kowloon), rtgsPaymentRef(ORDERS.rtgs.kowloon)]]);
    expect(moves("monday-rtgs-confirms")).to.have.deep.members([
      ["fund dealing (RTGS)", "hbHKD", -MMF.kowloonBoth],
      ["Harbour Star Asset Management", "vbHKD", 3_000_000n],
      ["Pearl River Trustees", "vbHKD", 2_997_000_000n],
      ["Kowloon Dealer", "HSMMF-A-R", 29_966_404_031n],
    ]);
  });

  it("the timed-out confirmation fails Lantau's dealing (XRTO) with nothing moved: its deposit is back, no units issued", async function () {
    const failed = minedIn(stepById(run, "rtgs-timeout")).flatMap(eventsOf).filter((e) => e.name === "OrderFailed");
    expect(failed.map((e) => [e.args.orderId, e.args.failure])).to.deep.equal([[String(ORDERS.rtgs.lantau), "1"]]);
    expect(moves("rtgs-timeout")).to.have.deep.members([
      ["Lantau Pension Fund", "lrHKD", MMF.lantauRtgs],
      ["fund dealing (RTGS)", "lrHKD", -MMF.lantauRtgs],
    ]);
    expect(await ledger.rtgs.units.balanceOf(ledger.participants.lantauPension.address)).to.equal(0n);
    expect(await ledger.deposits.lionRockBank.balanceOf(ledger.rtgs.dealing.target)).to.equal(0n);
  });

  it("Peak's late order deals on Monday at Monday's NAV", function () {
    const settled = minedIn(stepById(run, "monday-late-order-deals")).flatMap(eventsOf).filter((e) => e.name === "SubscriptionSettled");
    expect(settled.map((e) => [e.args.orderId, e.args.units, e.args.navPerUnit])).to.deep.equal([[String(ORDERS.cbm.peakLate), "4994101061", String(MMF.navMonday)]]);
  });

  it("its JSON report validates against the schema and lists both deployments' units and dealing contracts", function () {
    const document = reportOf(run);
    expect(document.scenario.name).to.equal("mmf-dealing");
    const [hk] = document.chains;
    expect(hk.tokens.filter((t) => t.kind === "fundUnits").map((t) => [t.symbol, t.decimals])).to.deep.equal([
      ["HSMMF-A", 4],
      ["HSMMF-A-R", 4],
    ]);
    expect(hk.contracts.map((c) => c.key)).to.include.members(["fundDealing", "fundDealingRtgs"]);
    expect(hk.participants.map((p) => p.name)).to.include.members(["Pearl River Trustees", "Star Ferry Fund Services", "CHATS operator"]);
  });
});
