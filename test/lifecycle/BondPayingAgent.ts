import { expect } from "chai";
import {
  AbiCoder,
  MaxUint256,
  ZeroAddress,
  encodeBytes32String,
  keccak256,
  type ContractTransactionResponse,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers/types";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import type { BankKey, ParticipantKey } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { FAILURE_REASON, type FailureReasonName } from "../../src/domain/trade.js";
import { ethers, fundedLedger, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * The green bond's paying agent (contracts/lifecycle/BondPayingAgent.sol): coupons to the holders of
 * record, redemption at maturity. HKMA, as fiscal agent, funds the agent in wCBDC; banks are paid in
 * wCBDC, their customers through their bank (the engine pays the bank in wCBDC and the bank credits
 * the customer's tokenized deposit in the same transaction).
 *
 * Every figure is worked out by hand below. For that the ledger is deployed at a fixed time, so the
 * term sheet (src/ledger/hong-kong.ts: 3-year 4.25% semi-annual ACT/365F, HK$50,000 a unit,
 * issued the midnight after deployment) has fixed dates.
 *
 *   deployed 1 Mar 2036 12:00 UTC   2 087 985 600
 *   issue    2 Mar 2036             2 088 028 800
 *
 *   coupon  payment date   unix          record date (−1 day)   days   coupon per unit
 *   0       2 Sep 2036     2 103 926 400  2 103 840 000          184    107,123
 *   1       2 Mar 2037     2 119 564 800  2 119 478 400          181    105,376
 *   2       2 Sep 2037     2 135 462 400  2 135 376 000          184    107,123
 *   3       2 Mar 2038     2 151 100 800  2 151 014 400          181    105,376
 *   4       2 Sep 2038     2 166 998 400  2 166 912 000          184    107,123
 *   5       2 Mar 2039     2 182 636 800  2 182 550 400          181    105,376   (maturity)
 *
 *   Mar 2 → Sep 2: 29+30+31+30+31+31+2 = 184 days; Sep 2 → Mar 2: 28+31+30+31+31+28+2 = 181
 *   (no 29 February falls inside: 2036's is before the issue date). Total 3 × 365 = 1095 days.
 *
 *   coupon per unit = floor(5,000,000 × 425 × days / (10,000 × 365)) = floor(212,500 × days / 365):
 *     184 days: 212,500 × 184 = 39,100,000 = 365 × 107,123 + 105 → 107,123 (HKD 1,071.23)
 *     181 days: 212,500 × 181 = 38,462,500 = 365 × 105,376 + 260 → 105,376 (HKD 1,053.76)
 *
 * A coupon is computed on each whole holding and rounded down once (`GovernmentBond.couponOn`):
 *   couponOn(i, units) = floor(units × 212,500 × days / 365)
 * so a holding of 150 units gets floor(150 × 39,100,000 / 365) = floor(16,068,493.15) = 16,068,493,
 * not 150 × 107,123 = 16,068,450. The liability of a coupon is the coupon on the supply of record,
 * couponOn(i, supply), which is at least what all holdings together are paid (each holding loses less
 * than one minor unit).
 *
 * The register before the first record date (fixture `issuedAndDistributed`): the government
 * sells 600 units at 99.85% by tender to the banks, which sell on to their customers by plain transfers:
 *
 *   holder                                units  paid in               coupon 0         coupon 1
 *                                                                      (× 39,100,000    (× 38,462,500
 *                                                                       / 365, down)     / 365, down)
 *   Harbour Bank                            150  wCBDC                  16,068,493       15,806,506
 *   Victoria Bank                           120  wCBDC                  12,854,794       12,645,205
 *   Lion Rock Bank                           60  wCBDC                   6,427,397        6,322,602
 *   Peak Asset Management (Harbour)         100  hbHKD via Harbour      10,712,328       10,537,671
 *   Kowloon Dealer (Harbour)                 50  none set: a dealer      5,356,164        5,268,835
 *                                                cannot hold wCBDC
 *   Tsing Yi Insurance (Victoria)            80  vbHKD via Victoria      8,569,863        8,430,136
 *   Lantau Pension Fund (Lion Rock)          40  lrHKD via Lion Rock     4,284,931        4,215,068
 *   paid to all holders                     600                         64,273,970       63,226,023
 *   liability couponOn(i, 600)                                          64,273,972       63,226,027
 *     600 × 39,100,000 / 365 = 64,273,972.6 → 64,273,972; 600 × 38,462,500 / 365 = 63,226,027.4 → 63,226,027
 *   left with the agent (rounding)                                               2                4
 */

const { time } = networkHelpers;

const HOUR = 3_600;
const DAY = 86_400;

const DEPLOY_TIME = 2_087_985_600; // 2036-03-01T12:00:00Z
const ISSUE_DATE = 2_088_028_800; // 2036-03-02
const COUPON_DATES = [
  2_103_926_400, // 2036-09-02
  2_119_564_800, // 2037-03-02
  2_135_462_400, // 2037-09-02
  2_151_100_800, // 2038-03-02
  2_166_998_400, // 2038-09-02
  2_182_636_800, // 2039-03-02 = maturity
] as const;
const RECORD_DATES = COUPON_DATES.map((d) => d - DAY);
const MATURITY = COUPON_DATES[5];
const PERIOD_DAYS = [184, 181, 184, 181, 184, 181] as const;
const COUPON_PER_UNIT = [107_123n, 105_376n, 107_123n, 105_376n, 107_123n, 105_376n] as const;

/** Face value of a unit: HKD 50,000.00. Redemption is at par. */
const DENOMINATION = 5_000_000n;
/** Issue price, 99.85%: HKD 49,925.00. */
const PRICE = 4_992_500n;
const TENDER_REF = encodeBytes32String("03GB3903-TENDER-1");
const REOPENING_REF = encodeBytes32String("03GB3903-TENDER-2");

/** The register before the first record date (see the table above). */
const UNITS = {
  harbourBank: 150n,
  victoriaBank: 120n,
  lionRockBank: 60n,
  peakAsset: 100n,
  kowloonDealer: 50n,
  tsingYiInsurance: 80n,
  lantauPension: 40n,
} as const;
type Holder = keyof typeof UNITS;
const HOLDERS = Object.keys(UNITS) as Holder[];
const SUPPLY = 600n;

/** Coupon 0 owed to each holder: floor(units × 39,100,000 / 365) (see the table above). */
const COUPON_0 = {
  harbourBank: 16_068_493n,
  victoriaBank: 12_854_794n,
  lionRockBank: 6_427_397n,
  peakAsset: 10_712_328n,
  kowloonDealer: 5_356_164n,
  tsingYiInsurance: 8_569_863n,
  lantauPension: 4_284_931n,
} as const;
/** Coupon 1 owed to each holder: floor(units × 38,462,500 / 365). */
const COUPON_1 = {
  harbourBank: 15_806_506n,
  victoriaBank: 12_645_205n,
  lionRockBank: 6_322_602n,
  peakAsset: 10_537_671n,
  kowloonDealer: 5_268_835n,
  tsingYiInsurance: 8_430_136n,
  lantauPension: 4_215_068n,
} as const;
/** couponOn(0, 600) = floor(600 × 39,100,000 / 365) = floor(64,273,972.6). */
const LIABILITY_0 = 64_273_972n;
/** couponOn(1, 600) = floor(600 × 38,462,500 / 365) = floor(63,226,027.4). */
const LIABILITY_1 = 63_226_027n;
/** What coupon 0 pays all seven holdings: 16,068,493 + 12,854,794 + 6,427,397 + 10,712,328 + 5,356,164 + 8,569,863 + 4,284,931. */
const PAID_0 = 64_273_970n;
/** What coupon 1 pays all seven holdings: 15,806,506 + 12,645,205 + 6,322,602 + 10,537,671 + 5,268,835 + 8,430,136 + 4,215,068. */
const PAID_1 = 63_226_023n;
/** 600 × 5,000,000: HKD 30,000,000.00. */
const REDEMPTION_LIABILITY = 3_000_000_000n;

/** `Leg` in contracts/settlement/Trade.sol. */
const LEG = { Asset: 0n, Cash: 1n, Interbank: 2n } as const;

function reasonOf(name: FailureReasonName): bigint {
  return BigInt(FAILURE_REASON.indexOf(name));
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

/** Moves the chain's clock to `timestamp` unless it is there already. */
async function travelTo(timestamp: number): Promise<void> {
  if ((await time.latest()) < timestamp) await time.increaseTo(timestamp);
}

interface AgentLedger extends HongKongLedger {
  readonly bondAddress: string;
  readonly wcbdcAddress: string;
  readonly engineAddress: string;
  readonly agentAddress: string;
  readonly depositAddress: Readonly<Record<BankKey, string>>;
  readonly agentRole: string;
  /** An account on no list of the ledger. */
  readonly outsider: HardhatEthersSigner;
}

/**
 * The government opens tender `ref` for exactly the units `bids` ask, closing at `closesAt`; each
 * bank approves the tender contract for units × 4,992,500 and bids; at the close the government allots
 * (every bid in full).
 */
async function tender(
  ledger: HongKongLedger,
  ref: string,
  closesAt: bigint,
  bids: readonly (readonly [BankKey, bigint])[],
): Promise<void> {
  const p = ledger.participants;
  const issuance = await ledger.issuance.getAddress();
  const offered = bids.reduce((sum, [, units]) => sum + units, 0n);
  await mined(
    ledger.issuance.openTender(ref, {
      bond: await ledger.bond.getAddress(),
      unitsOffered: offered,
      minimumLot: 1n,
      closesAt,
      proceedsAccount: p.hkma.address,
    }),
  );
  for (const [bank, units] of bids) {
    await mined(ledger.wcbdc.connect(p[bank].signer).approve(issuance, units * PRICE));
    await mined(ledger.issuance.connect(p[bank].signer).submitBid(ref, units, PRICE, closesAt + BigInt(DAY)));
  }
  await travelTo(Number(closesAt));
  await mined(ledger.issuance.allotTender(ref));
}

/**
 * The ledger deployed at `DEPLOY_TIME`; the government tenders 600 units, closing on the issue date,
 * and allots them to the banks' bids; the banks sell on to their customers, and Peak Asset, Tsing Yi
 * and Lantau name their bank's deposit token as standing instruction. Kowloon Dealer names none.
 */
async function issuedAndDistributed(): Promise<AgentLedger> {
  const now = await time.latest();
  if (now >= DEPLOY_TIME) {
    throw new Error(`the chain's clock (${now}) is past the fixed deployment time ${DEPLOY_TIME} of these tests`);
  }
  await time.increaseTo(DEPLOY_TIME);
  const ledger = await fundedLedger();
  const p = ledger.participants;
  const bondAddress = await ledger.bond.getAddress();
  const depositAddress: Record<BankKey, string> = {
    harbourBank: await ledger.deposits.harbourBank.getAddress(),
    victoriaBank: await ledger.deposits.victoriaBank.getAddress(),
    lionRockBank: await ledger.deposits.lionRockBank.getAddress(),
  };

  // Harbour 300, Victoria 200, Lion Rock 100 at 4,992,500, each approving the tender contract for
  // exactly its bid; 600 on offer, so every bid is allotted in full on the issue date.
  await tender(ledger, TENDER_REF, BigInt(ISSUE_DATE), [
    ["harbourBank", 300n],
    ["victoriaBank", 200n],
    ["lionRockBank", 100n],
  ]);
  const sell = (from: ParticipantKey, to: ParticipantKey, units: bigint): Promise<void> =>
    mined(ledger.bond.connect(p[from].signer).transfer(p[to].address, units));
  await sell("harbourBank", "peakAsset", UNITS.peakAsset); // 300 − 100 − 50 = 150 left
  await sell("harbourBank", "kowloonDealer", UNITS.kowloonDealer);
  await sell("victoriaBank", "tsingYiInsurance", UNITS.tsingYiInsurance); // 200 − 80 = 120 left
  await sell("lionRockBank", "lantauPension", UNITS.lantauPension); // 100 − 40 = 60 left

  await mined(ledger.payingAgent.connect(p.peakAsset.signer).setStandingInstruction(depositAddress.harbourBank));
  await mined(
    ledger.payingAgent.connect(p.tsingYiInsurance.signer).setStandingInstruction(depositAddress.victoriaBank),
  );
  await mined(ledger.payingAgent.connect(p.lantauPension.signer).setStandingInstruction(depositAddress.lionRockBank));

  const signers = await ethers.getSigners();
  return {
    ...ledger,
    bondAddress,
    wcbdcAddress: await ledger.wcbdc.getAddress(),
    engineAddress: await ledger.engine.getAddress(),
    agentAddress: await ledger.payingAgent.getAddress(),
    depositAddress,
    agentRole: await ledger.payingAgent.PAYING_AGENT_ROLE(),
    outsider: signers[9],
  };
}
const loadRegister = (): Promise<AgentLedger> => networkHelpers.loadFixture(issuedAndDistributed);

/** Every balance a coupon or redemption could touch, keyed "<token>:<holder>", and each supply. */
async function book(f: AgentLedger): Promise<Record<string, bigint>> {
  const p = f.participants;
  const out: Record<string, bigint> = {};
  for (const key of ["hkma", "harbourBank", "victoriaBank", "lionRockBank"] as const) {
    out[`wHKD:${key}`] = await f.wcbdc.balanceOf(p[key].address);
  }
  out["wHKD:agent"] = await f.wcbdc.balanceOf(f.agentAddress);
  out["wHKD:engine"] = await f.wcbdc.balanceOf(f.engineAddress);
  out["wHKD:supply"] = await f.wcbdc.totalSupply();
  const customers: readonly [BankKey, string, readonly ParticipantKey[]][] = [
    ["harbourBank", "hbHKD", ["peakAsset", "kowloonDealer"]],
    ["victoriaBank", "vbHKD", ["tsingYiInsurance", "government"]],
    ["lionRockBank", "lrHKD", ["lantauPension"]],
  ];
  for (const [bank, label, holders] of customers) {
    for (const holder of holders) out[`${label}:${holder}`] = await f.deposits[bank].balanceOf(p[holder].address);
    out[`${label}:supply`] = await f.deposits[bank].totalSupply();
  }
  for (const key of Object.keys(p) as ParticipantKey[]) {
    out[`bond:${key}`] = await f.bond.balanceOf(p[key].address);
  }
  out["bond:supply"] = await f.bond.totalSupply();
  return out;
}

/** `after − before`, leaving out what did not move. */
function changes(before: Record<string, bigint>, after: Record<string, bigint>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const key of Object.keys(after)) {
    const delta = after[key] - (before[key] ?? 0n);
    if (delta !== 0n) out[key] = delta;
  }
  return out;
}

/** The holders that `tx` paid a coupon (in log order), and the holders it parked. */
async function outcomeOf(
  f: AgentLedger,
  tx: Promise<ContractTransactionResponse>,
): Promise<{ paid: string[]; parked: string[] }> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const paid: string[] = [];
  const parked: string[] = [];
  for (const log of receipt.logs) {
    if (log.address !== f.agentAddress) continue;
    const event = f.payingAgent.interface.parseLog(log);
    if (event?.name === "CouponPaid" || event?.name === "Redeemed") paid.push(event.args.holder as string);
    if (event?.name === "PaymentParked") parked.push(event.args.holder as string);
  }
  return { paid, parked };
}

/** The `CouponPaid` lines of `tx`, in log order. */
async function couponsPaidIn(
  f: AgentLedger,
  tx: Promise<ContractTransactionResponse>,
): Promise<{ holder: string; units: bigint; amount: bigint }[]> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const out: { holder: string; units: bigint; amount: bigint }[] = [];
  for (const log of receipt.logs) {
    if (log.address !== f.agentAddress) continue;
    const event = f.payingAgent.interface.parseLog(log);
    if (event?.name === "CouponPaid") {
      out.push({ holder: event.args.holder as string, units: event.args.units as bigint, amount: event.args.amount as bigint });
    }
  }
  return out;
}

/** The engine's end-to-end reference of a coupon payment: keccak256(abi.encode("COUPON", bond, index, holder)). */
function couponRef(f: AgentLedger, index: number, holder: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["string", "address", "uint256", "address"],
      ["COUPON", f.bondAddress, index, holder],
    ),
  );
}

/** keccak256(abi.encode("REDEMPTION", bond, holder)). */
function redemptionRef(f: AgentLedger, holder: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["string", "address", "address"], ["REDEMPTION", f.bondAddress, holder]),
  );
}

/** HKMA, as fiscal agent, credits the paying agent with `amount` of new wCBDC. */
function fund(f: AgentLedger, amount: bigint): Promise<void> {
  return mined(f.wcbdc.mint(f.agentAddress, amount));
}

/** The register on payment date 0, the agent funded with exactly the coupon's liability. */
async function onFirstCouponDate(): Promise<AgentLedger> {
  const f = await loadRegister();
  await travelTo(COUPON_DATES[0]);
  await fund(f, LIABILITY_0);
  return f;
}

/** The register at maturity, the agent funded with exactly the face value outstanding. */
async function atMaturity(): Promise<AgentLedger> {
  const f = await loadRegister();
  await travelTo(MATURITY);
  await fund(f, REDEMPTION_LIABILITY);
  return f;
}

describe("BondPayingAgent (coupons to holders of record, redemption)", function () {
  // The tests move the clock years ahead; leave it where the previous suite left it.
  let chainBefore: SnapshotRestorer;
  before(async function () {
    chainBefore = await networkHelpers.takeSnapshot();
  });
  after(async function () {
    await chainBefore.restore();
  });

  describe("the bond as deployed at the fixed date", function () {
    it("has the dates and coupons of the hand-worked table", async function () {
      const f = await loadRegister();
      const calendar = [
        [2036, 3, 2],
        [2036, 9, 2],
        [2037, 3, 2],
        [2037, 9, 2],
        [2038, 3, 2],
        [2038, 9, 2],
        [2039, 3, 2],
      ] as const;
      expect(calendar.map(([y, m, d]) => Date.UTC(y, m - 1, d) / 1000)).to.deep.equal([ISSUE_DATE, ...COUPON_DATES]);
      expect(f.bondTerms.issueDate).to.equal(ISSUE_DATE);
      expect(f.bondTerms.couponDates).to.deep.equal([...COUPON_DATES]);
      expect(await f.bond.maturityDate()).to.equal(BigInt(MATURITY));
      expect(await f.bond.RECORD_DATE_LAG()).to.equal(BigInt(DAY));
      for (let i = 0; i < COUPON_DATES.length; i++) {
        const [start, end] = await f.bond.couponPeriod(i);
        expect((end - start) / BigInt(DAY)).to.equal(BigInt(PERIOD_DAYS[i]), `period ${i}`);
        expect(await f.bond.recordDate(i)).to.equal(BigInt(RECORD_DATES[i]), `record date ${i}`);
        expect(await f.bond.couponPerUnit(i)).to.equal(COUPON_PER_UNIT[i], `coupon ${i}`);
      }
      expect(await f.bond.redemptionPerUnit()).to.equal(DENOMINATION);
    });

    it("starts from the register of the table, the agent unfunded", async function () {
      const f = await loadRegister();
      for (const h of HOLDERS) {
        expect(await f.bond.balanceOf(f.participants[h].address)).to.equal(UNITS[h], h);
      }
      expect(await f.bond.totalSupply()).to.equal(SUPPLY);
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(0n);
      // 600 × 4,992,500 = 2,995,500,000 raised by the tender.
      expect(await f.wcbdc.balanceOf(f.participants.hkma.address)).to.equal(2_995_500_000n);
      expect(await f.payingAgent.standingInstructionOf(f.participants.peakAsset.address)).to.equal(
        f.depositAddress.harbourBank,
      );
      expect(await f.payingAgent.standingInstructionOf(f.participants.kowloonDealer.address)).to.equal(ZeroAddress);
      expect(await f.payingAgent.redemptionLiability()).to.equal(REDEMPTION_LIABILITY);
    });
  });

  describe("holders of record", function () {
    it("counts a trade settled a second before recordDate(0); one settled at recordDate(0) is ex-coupon", async function () {
      const f = await loadRegister();
      const { harbourBank: seller, victoriaBank: buyer } = f.participants;

      await time.setNextBlockTimestamp(RECORD_DATES[0] - 1);
      await mined(f.bond.connect(seller.signer).transfer(buyer.address, 30n)); // cum-coupon
      await time.setNextBlockTimestamp(RECORD_DATES[0]);
      await mined(f.bond.connect(seller.signer).transfer(buyer.address, 20n)); // ex-coupon

      // Now: Harbour 150 − 30 − 20 = 100, Victoria 120 + 30 + 20 = 170.
      expect(await f.bond.balanceOf(seller.address)).to.equal(100n);
      expect(await f.bond.balanceOf(buyer.address)).to.equal(170n);
      // Of record: Harbour 150 − 30 = 120, Victoria 120 + 30 = 150; the supply is unchanged.
      expect(await f.bond.balanceOfAtRecord(seller.address, 0)).to.equal(120n);
      expect(await f.bond.balanceOfAtRecord(buyer.address, 0)).to.equal(150n);
      expect(await f.bond.totalSupplyAtRecord(0)).to.equal(SUPPLY);

      await travelTo(COUPON_DATES[0]);
      await fund(f, LIABILITY_0);
      // The seller is still paid on the 20 units it sold ex-coupon: floor(120 × 39,100,000 / 365) = 12,854,794.
      await expect(f.payingAgent.connect(seller.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, seller.address, 120n, 12_854_794n, f.wcbdcAddress);
      // The buyer is not paid on them: floor(150 × 39,100,000 / 365) = 16,068,493.
      await expect(f.payingAgent.connect(buyer.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, buyer.address, 150n, 16_068_493n, f.wcbdcAddress);
    });

    it("keeps each period's balances of record, for traders, idle holders and the supply", async function () {
      const f = await loadRegister();
      const p = f.participants;
      const sell = (from: ParticipantKey, to: ParticipantKey, units: bigint): Promise<void> =>
        mined(f.bond.connect(p[from].signer).transfer(p[to].address, units));

      // Period 1 (after record date 0): Harbour sells 50 to Peak; a re-opening allots 100 more to Lion Rock.
      await travelTo(RECORD_DATES[0] + HOUR);
      await sell("harbourBank", "peakAsset", 50n);
      await tender(f, REOPENING_REF, BigInt(RECORD_DATES[0] + 2 * HOUR), [["lionRockBank", 100n]]);
      // Period 2: Peak sells 10 back to Harbour.
      await travelTo(RECORD_DATES[1] + HOUR);
      await sell("peakAsset", "harbourBank", 10n);
      // Period 3: nobody trades.
      // Period 4: Lantau, idle since the distribution, sells its 40 to Tsing Yi.
      await travelTo(RECORD_DATES[3] + HOUR);
      await sell("lantauPension", "tsingYiInsurance", 40n);
      await travelTo(RECORD_DATES[4] + HOUR);
      expect(await f.bond.recordDatesPassed()).to.equal(5n);

      //                     record date:  0    1    2    3    4
      const expected: Record<Holder, readonly bigint[]> = {
        harbourBank: [150n, 100n, 110n, 110n, 110n], // −50 in period 1, +10 in period 2
        peakAsset: [100n, 150n, 140n, 140n, 140n], // +50, −10
        lionRockBank: [60n, 160n, 160n, 160n, 160n], // +100 re-opening
        lantauPension: [40n, 40n, 40n, 40n, 0n], // idle four periods, then sells
        tsingYiInsurance: [80n, 80n, 80n, 80n, 120n],
        victoriaBank: [120n, 120n, 120n, 120n, 120n], // never trades
        kowloonDealer: [50n, 50n, 50n, 50n, 50n], // never trades
      };
      const supply = [600n, 700n, 700n, 700n, 700n];
      for (let i = 0; i < 5; i++) {
        let sum = 0n;
        for (const h of HOLDERS) {
          expect(await f.bond.balanceOfAtRecord(p[h].address, i)).to.equal(expected[h][i], `${h} at record date ${i}`);
          sum += expected[h][i];
        }
        expect(sum).to.equal(supply[i], `the table's column ${i} adds up`);
        expect(await f.bond.totalSupplyAtRecord(i)).to.equal(supply[i], `supply at record date ${i}`);
      }
      // Liabilities: the coupon on the supply of record, rounded down once.
      expect(await f.payingAgent.couponLiability(0)).to.equal(64_273_972n); // 600 × 39,100,000 / 365 = 64,273,972.6
      expect(await f.payingAgent.couponLiability(1)).to.equal(73_763_698n); // 700 × 38,462,500 / 365 = 73,763,698.6
      expect(await f.payingAgent.couponLiability(2)).to.equal(74_986_301n); // 700 × 39,100,000 / 365 = 74,986,301.3
      expect(await f.payingAgent.couponLiability(3)).to.equal(73_763_698n);
      expect(await f.payingAgent.couponLiability(4)).to.equal(74_986_301n);
      // What Lantau is owed for coupon 3, though it holds nothing now: 40 × 38,462,500 / 365 = 4,215,068.4.
      expect(await f.payingAgent.couponOwed(3, p.lantauPension.address)).to.equal(4_215_068n);
      expect(await f.payingAgent.couponOwed(4, p.lantauPension.address)).to.equal(0n);
    });

    it("refuses to read a record date not yet reached (RecordDateNotReached)", async function () {
      const f = await loadRegister();
      const holder = f.participants.harbourBank.address;
      expect(await f.bond.recordDatesPassed()).to.equal(0n);
      await travelTo(RECORD_DATES[0] - HOUR);
      await expect(f.bond.balanceOfAtRecord(holder, 0))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(0n, BigInt(RECORD_DATES[0]));
      await expect(f.bond.totalSupplyAtRecord(0))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(0n, BigInt(RECORD_DATES[0]));
      // The agent's views ask the bond, and fail the same way.
      await expect(f.payingAgent.couponOwed(0, holder))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(0n, BigInt(RECORD_DATES[0]));
      await expect(f.payingAgent.couponLiability(0))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(0n, BigInt(RECORD_DATES[0]));
      // An index past the schedule has no record date at all.
      await expect(f.bond.balanceOfAtRecord(holder, 6))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(6n, 0n);

      await travelTo(RECORD_DATES[0]);
      expect(await f.bond.recordDatesPassed()).to.equal(1n);
      expect(await f.bond.balanceOfAtRecord(holder, 0)).to.equal(UNITS.harbourBank);
      await expect(f.bond.balanceOfAtRecord(holder, 1))
        .to.be.revertedWithCustomError(f.bond, "RecordDateNotReached")
        .withArgs(1n, BigInt(RECORD_DATES[1]));
    });
  });

  describe("coupon claims", function () {
    it("owes the coupon on each holding of record, rounded once; the liability is the coupon on the supply of record", async function () {
      const f = await loadRegister();
      await travelTo(RECORD_DATES[1]);
      for (const [index, owed, paid, liability] of [
        [0, COUPON_0, PAID_0, LIABILITY_0],
        [1, COUPON_1, PAID_1, LIABILITY_1],
      ] as const) {
        let sum = 0n;
        for (const h of HOLDERS) {
          // e.g. Harbour Bank, coupon 0: floor(150 × 39,100,000 / 365) = 16,068,493
          expect(await f.payingAgent.couponOwed(index, f.participants[h].address)).to.equal(owed[h], `${h}, coupon ${index}`);
          expect(await f.bond.couponOn(index, UNITS[h])).to.equal(owed[h], `${h}, coupon ${index}`);
          sum += owed[h];
        }
        expect(sum).to.equal(paid);
        expect(await f.payingAgent.couponLiability(index)).to.equal(liability);
        // Seven holdings, each rounded down by less than a minor unit: 2 and 4 short of the liability.
        expect(liability - sum).to.equal(index === 0 ? 2n : 4n);
      }
      expect(await f.payingAgent.couponOwed(0, f.participants.government.address)).to.equal(0n);
    });

    it("pays a bank in wCBDC directly", async function () {
      const f = await onFirstCouponDate();
      const bank = f.participants.harbourBank;
      const before = await book(f);

      await expect(f.payingAgent.connect(bank.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, bank.address, UNITS.harbourBank, COUPON_0.harbourBank, f.wcbdcAddress);

      // floor(150 × 39,100,000 / 365) = 16,068,493 from the agent to Harbour Bank.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": 16_068_493n,
        "wHKD:agent": -16_068_493n,
      });
      expect(await f.payingAgent.couponPaid(0, bank.address)).to.equal(true);
      expect(await f.payingAgent.couponOwed(0, bank.address)).to.equal(0n);
    });

    it("pays an investor with a standing instruction through its bank (engine.payToCustomer)", async function () {
      const f = await onFirstCouponDate();
      const investor = f.participants.peakAsset;
      const bank = f.participants.harbourBank;
      const before = await book(f);
      const ref = couponRef(f, 0, investor.address);

      const tx = f.payingAgent.connect(investor.signer).claimCoupon(0);
      await expect(tx)
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, investor.address, UNITS.peakAsset, COUPON_0.peakAsset, f.depositAddress.harbourBank);
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(ref, f.agentAddress, bank.address, COUPON_0.peakAsset);
      await expect(tx)
        .to.emit(f.engine, "PaymentSettled")
        .withArgs(
          ref,
          f.agentAddress,
          investor.address,
          f.wcbdcAddress,
          f.depositAddress.harbourBank,
          COUPON_0.peakAsset,
        );

      // floor(100 × 39,100,000 / 365) = 10,712,328: the agent pays Harbour Bank in wCBDC, Harbour Bank credits Peak Asset.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": 10_712_328n,
        "wHKD:agent": -10_712_328n,
        "hbHKD:peakAsset": 10_712_328n,
        "hbHKD:supply": 10_712_328n,
      });
    });

    it("pays each bank's customers through that bank", async function () {
      const f = await onFirstCouponDate();
      const p = f.participants;
      const before = await book(f);
      await mined(f.payingAgent.connect(p.tsingYiInsurance.signer).claimCoupon(0));
      await mined(f.payingAgent.connect(p.lantauPension.signer).claimCoupon(0));
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": 8_569_863n, // Tsing Yi: floor(80 × 39,100,000 / 365)
        "vbHKD:tsingYiInsurance": 8_569_863n,
        "vbHKD:supply": 8_569_863n,
        "wHKD:lionRockBank": 4_284_931n, // Lantau: floor(40 × 39,100,000 / 365)
        "lrHKD:lantauPension": 4_284_931n,
        "lrHKD:supply": 4_284_931n,
        "wHKD:agent": -12_854_794n, // 8,569,863 + 4,284,931
      });
    });

    it("refuses a second claim (CouponAlreadyPaid)", async function () {
      const f = await onFirstCouponDate();
      const bank = f.participants.victoriaBank;
      await mined(f.payingAgent.connect(bank.signer).claimCoupon(0));
      const before = await book(f);
      await expect(f.payingAgent.connect(bank.signer).claimCoupon(0))
        .to.be.revertedWithCustomError(f.payingAgent, "CouponAlreadyPaid")
        .withArgs(0n, bank.address);
      expect(await book(f)).to.deep.equal(before);
    });

    it("refuses a claim before the payment date, even after the record date (CouponNotDue)", async function () {
      const f = await loadRegister();
      await fund(f, LIABILITY_0);
      const bank = f.participants.harbourBank;
      for (const at of [RECORD_DATES[0] - HOUR, RECORD_DATES[0] + HOUR, COUPON_DATES[0] - HOUR]) {
        await travelTo(at);
        const before = await book(f);
        await expect(f.payingAgent.connect(bank.signer).claimCoupon(0))
          .to.be.revertedWithCustomError(f.payingAgent, "CouponNotDue")
          .withArgs(0n, BigInt(COUPON_DATES[0]));
        expect(await book(f)).to.deep.equal(before);
      }
      expect(await f.payingAgent.couponPaid(0, bank.address)).to.equal(false);
    });

    it("refuses a holder owed nothing (NothingOwed)", async function () {
      const f = await onFirstCouponDate();
      for (const caller of [f.participants.government.signer, f.outsider]) {
        await expect(f.payingAgent.connect(caller).claimCoupon(0))
          .to.be.revertedWithCustomError(f.payingAgent, "NothingOwed")
          .withArgs(caller.address);
      }
    });

    it("cannot pay from an underfunded agent, and the claim stays open", async function () {
      const f = await loadRegister();
      await travelTo(COUPON_DATES[0]);
      await fund(f, 1_000_000n);
      const bank = f.participants.harbourBank;
      const investor = f.participants.peakAsset;
      const before = await book(f);
      // Paid directly: wCBDC's own error, bubbled up.
      await expect(f.payingAgent.connect(bank.signer).claimCoupon(0))
        .to.be.revertedWithCustomError(f.wcbdc, "ERC20InsufficientBalance")
        .withArgs(f.agentAddress, 1_000_000n, COUPON_0.harbourBank);
      // Paid through the bank: the engine's interbank leg fails for lack of money (MONY).
      await expect(f.payingAgent.connect(investor.signer).claimCoupon(0))
        .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
        .withArgs(
          reasonOf("InsufficientCash"),
          LEG.Interbank,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [
            f.agentAddress,
            1_000_000n,
            COUPON_0.peakAsset,
          ]),
        );
      expect(await book(f)).to.deep.equal(before);
      expect(await f.payingAgent.couponPaid(0, bank.address)).to.equal(false);

      await fund(f, LIABILITY_0 - 1_000_000n);
      await expect(f.payingAgent.connect(bank.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, bank.address, UNITS.harbourBank, COUPON_0.harbourBank, f.wcbdcAddress);
    });

    it("sets, replaces and clears a standing instruction; refuses a token the engine does not know (UnknownDepositToken)", async function () {
      const f = await loadRegister();
      const dealer = f.participants.kowloonDealer;
      const agent = f.payingAgent.connect(dealer.signer);

      await expect(agent.setStandingInstruction(f.depositAddress.harbourBank))
        .to.emit(f.payingAgent, "StandingInstructionSet")
        .withArgs(dealer.address, f.depositAddress.harbourBank);
      expect(await f.payingAgent.standingInstructionOf(dealer.address)).to.equal(f.depositAddress.harbourBank);

      // wCBDC, the bond and an arbitrary account are no registered deposit tokens.
      for (const token of [f.wcbdcAddress, f.bondAddress, f.outsider.address]) {
        await expect(agent.setStandingInstruction(token))
          .to.be.revertedWithCustomError(f.payingAgent, "UnknownDepositToken")
          .withArgs(token);
      }
      // Nor is a deposit token HKMA took off the engine.
      await mined(f.engine.deregisterDepositToken(f.depositAddress.lionRockBank));
      await expect(agent.setStandingInstruction(f.depositAddress.lionRockBank))
        .to.be.revertedWithCustomError(f.payingAgent, "UnknownDepositToken")
        .withArgs(f.depositAddress.lionRockBank);
      expect(await f.payingAgent.standingInstructionOf(dealer.address)).to.equal(f.depositAddress.harbourBank);

      await expect(agent.setStandingInstruction(ZeroAddress))
        .to.emit(f.payingAgent, "StandingInstructionSet")
        .withArgs(dealer.address, ZeroAddress);
      expect(await f.payingAgent.standingInstructionOf(dealer.address)).to.equal(ZeroAddress);
    });
  });

  describe("payCoupons: the agent pays a page of holders", function () {
    it("pays a page, skips holders paid or owning nothing, and parks those it cannot pay", async function () {
      const f = await onFirstCouponDate();
      const p = f.participants;
      // Harbour Bank claimed itself already; the registrar froze Lantau in the registry; Kowloon
      // Dealer named no deposit token and, as a dealer, may not hold wCBDC.
      await mined(f.payingAgent.connect(p.harbourBank.signer).claimCoupon(0));
      await mined(f.registry.setFrozen(p.lantauPension.address, true));
      const page = [
        p.harbourBank, // already paid: skipped
        p.victoriaBank,
        p.lionRockBank,
        p.peakAsset,
        p.kowloonDealer, // parked: HolderNotWholesale
        p.tsingYiInsurance,
        p.lantauPension, // parked: its bank cannot credit a frozen participant
        p.government, // owns nothing of record: skipped
      ].map((x) => x.address);

      expect(await f.payingAgent.payCoupons.staticCall(0, page)).to.equal(4n);
      const before = await book(f);
      const tx = f.payingAgent.payCoupons(0, page);
      await expect(tx)
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(
          p.kowloonDealer.address,
          0n,
          false,
          f.wcbdc.interface.encodeErrorResult("HolderNotWholesale", [p.kowloonDealer.address, ParticipantKind.Dealer]),
        );
      await expect(tx)
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(
          p.lantauPension.address,
          0n,
          false,
          f.engine.interface.encodeErrorResult("SettlementLegFailed", [
            reasonOf("AccountFrozen"),
            LEG.Cash,
            f.depositAddress.lionRockBank,
            f.deposits.lionRockBank.interface.encodeErrorResult("ParticipantFrozen", [p.lantauPension.address]),
          ]),
        );
      expect(await outcomeOf(f, tx)).to.deep.equal({
        paid: [p.victoriaBank.address, p.lionRockBank.address, p.peakAsset.address, p.tsingYiInsurance.address],
        parked: [p.kowloonDealer.address, p.lantauPension.address],
      });
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": 21_424_657n, // its own 12,854,794 + Tsing Yi's 8,569,863
        "wHKD:lionRockBank": 6_427_397n, // its own; Lantau's is parked
        "wHKD:harbourBank": 10_712_328n, // Peak Asset's
        "hbHKD:peakAsset": 10_712_328n,
        "hbHKD:supply": 10_712_328n,
        "vbHKD:tsingYiInsurance": 8_569_863n,
        "vbHKD:supply": 8_569_863n,
        "wHKD:agent": -38_564_382n, // 12,854,794 + 6,427,397 + 10,712,328 + 8,569,863
      });
      expect(await f.payingAgent.couponPaid(0, p.kowloonDealer.address)).to.equal(false);
      expect(await f.payingAgent.couponPaid(0, p.lantauPension.address)).to.equal(false);
      expect(await f.payingAgent.couponOwed(0, p.lantauPension.address)).to.equal(COUPON_0.lantauPension);

      // Kowloon Dealer names its Harbour Bank deposit and claims: floor(50 × 39,100,000 / 365) = 5,356,164.
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      await expect(f.payingAgent.connect(p.kowloonDealer.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, p.kowloonDealer.address, 50n, 5_356_164n, f.depositAddress.harbourBank);
      // Lantau is unfrozen; the agent's next page pays it alone: floor(40 × 39,100,000 / 365) = 4,284,931.
      await mined(f.registry.setFrozen(p.lantauPension.address, false));
      const again = [p.kowloonDealer, p.lantauPension, p.victoriaBank].map((x) => x.address);
      const retry = f.payingAgent.payCoupons(0, again);
      await expect(retry)
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, p.lantauPension.address, 40n, 4_284_931n, f.depositAddress.lionRockBank);
      expect(await outcomeOf(f, retry)).to.deep.equal({ paid: [p.lantauPension.address], parked: [] });

      // Everyone is paid once: 16,068,493 + 38,564,382 + 5,356,164 + 4,284,931 = 64,273,970, the funding
      // of 64,273,972 less the 2 minor units the seven holdings lost to rounding.
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(LIABILITY_0 - PAID_0);
      expect(LIABILITY_0 - PAID_0).to.equal(2n);
      for (const h of HOLDERS) expect(await f.payingAgent.couponPaid(0, p[h].address)).to.equal(true, h);
    });

    it("parks, in page order, the holders an underfunded agent cannot pay", async function () {
      const f = await loadRegister();
      const p = f.participants;
      await travelTo(COUPON_DATES[0]);
      // Enough for Harbour and Victoria: 16,068,493 + 12,854,794 = 28,923,287.
      await fund(f, 28_923_287n);
      const tx = f.payingAgent.payCoupons(0, [p.harbourBank.address, p.victoriaBank.address, p.lionRockBank.address]);
      await expect(tx)
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(
          p.lionRockBank.address,
          0n,
          false,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [f.agentAddress, 0n, COUPON_0.lionRockBank]),
        );
      expect(await outcomeOf(f, tx)).to.deep.equal({
        paid: [p.harbourBank.address, p.victoriaBank.address],
        parked: [p.lionRockBank.address],
      });
      // HKMA tops up 6,427,397 (floor(60 × 39,100,000 / 365)) from its own account; Lion Rock claims.
      await mined(f.wcbdc.transfer(f.agentAddress, COUPON_0.lionRockBank));
      await expect(f.payingAgent.connect(p.lionRockBank.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, p.lionRockBank.address, 60n, 6_427_397n, f.wcbdcAddress);
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(0n);
    });

    it("takes pages of 1 to 50 holders (PageSizeOutOfRange), paying a holder listed 50 times once", async function () {
      const f = await onFirstCouponDate();
      const bank = f.participants.victoriaBank.address;
      expect(await f.payingAgent.MAX_PAGE()).to.equal(50n);
      await expect(f.payingAgent.payCoupons(0, []))
        .to.be.revertedWithCustomError(f.payingAgent, "PageSizeOutOfRange")
        .withArgs(0n, 50n);
      await expect(f.payingAgent.payCoupons(0, Array<string>(51).fill(bank)))
        .to.be.revertedWithCustomError(f.payingAgent, "PageSizeOutOfRange")
        .withArgs(51n, 50n);

      const fifty = Array<string>(50).fill(bank);
      expect(await f.payingAgent.payCoupons.staticCall(0, fifty)).to.equal(1n);
      const before = await book(f);
      expect(await outcomeOf(f, f.payingAgent.payCoupons(0, fifty))).to.deep.equal({ paid: [bank], parked: [] });
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": 12_854_794n, // floor(120 × 39,100,000 / 365), once
        "wHKD:agent": -12_854_794n,
      });
    });

    it("refuses a page before the payment date (CouponNotDue)", async function () {
      const f = await loadRegister();
      await travelTo(RECORD_DATES[0] + HOUR);
      await expect(f.payingAgent.payCoupons(0, [f.participants.harbourBank.address]))
        .to.be.revertedWithCustomError(f.payingAgent, "CouponNotDue")
        .withArgs(0n, BigInt(COUPON_DATES[0]));
    });

    it("lets only PAYING_AGENT_ROLE pay pages (AccessControlUnauthorizedAccount)", async function () {
      const f = await onFirstCouponDate();
      const p = f.participants;
      expect(await f.payingAgent.hasRole(f.agentRole, p.hkma.address)).to.equal(true);
      for (const caller of [p.harbourBank, p.government]) {
        const agent = f.payingAgent.connect(caller.signer);
        await expect(agent.payCoupons(0, [p.harbourBank.address]))
          .to.be.revertedWithCustomError(f.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.agentRole);
        await expect(agent.redeemHolders([p.harbourBank.address]))
          .to.be.revertedWithCustomError(f.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.agentRole);
      }
    });

    it("answers payCouponOnBehalf and redeemOnBehalf only from the agent contract itself", async function () {
      const f = await onFirstCouponDate();
      const p = f.participants;
      await travelTo(MATURITY);
      await fund(f, REDEMPTION_LIABILITY);
      const before = await book(f);
      // Not even HKMA, which holds PAYING_AGENT_ROLE, nor the holder itself.
      for (const caller of [p.hkma, p.harbourBank]) {
        const agent = f.payingAgent.connect(caller.signer);
        await expect(agent.payCouponOnBehalf(0, p.harbourBank.address))
          .to.be.revertedWithCustomError(f.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.agentRole);
        await expect(agent.redeemOnBehalf(p.harbourBank.address))
          .to.be.revertedWithCustomError(f.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.agentRole);
      }
      expect(await book(f)).to.deep.equal(before);
    });
  });

  describe("never twice for one period", function () {
    type Step = "claim" | "page";
    const ORDERS: readonly (readonly [Step, Step])[] = [
      ["claim", "claim"],
      ["claim", "page"],
      ["page", "claim"],
      ["page", "page"],
    ];
    for (const [first, second] of ORDERS) {
      it(`pays a holder once: ${first}, then ${second}`, async function () {
        const f = await onFirstCouponDate();
        const holders = [f.participants.victoriaBank, f.participants.peakAsset];
        const pay = (step: Step, holder: (typeof holders)[number]): Promise<ContractTransactionResponse> =>
          step === "claim"
            ? f.payingAgent.connect(holder.signer).claimCoupon(0)
            : f.payingAgent.payCoupons(0, [holder.address]);

        const before = await book(f);
        for (const h of holders) await mined(pay(first, h));
        const paidOnce = await book(f);
        expect(changes(before, paidOnce)).to.deep.equal({
          "wHKD:victoriaBank": 12_854_794n, // floor(120 × 39,100,000 / 365)
          "wHKD:harbourBank": 10_712_328n, // Peak Asset's floor(100 × 39,100,000 / 365), through Harbour Bank
          "hbHKD:peakAsset": 10_712_328n,
          "hbHKD:supply": 10_712_328n,
          "wHKD:agent": -23_567_122n, // 12,854,794 + 10,712,328
        });

        for (const h of holders) {
          if (second === "claim") {
            await expect(pay(second, h))
              .to.be.revertedWithCustomError(f.payingAgent, "CouponAlreadyPaid")
              .withArgs(0n, h.address);
          } else {
            expect(await f.payingAgent.payCoupons.staticCall(0, [h.address])).to.equal(0n);
            expect(await outcomeOf(f, pay(second, h))).to.deep.equal({ paid: [], parked: [] });
          }
        }
        expect(await book(f)).to.deep.equal(paidOnce);
      });
    }

    it("a holder paid and then selling does not make the buyer payable again for that period", async function () {
      const f = await onFirstCouponDate();
      const { harbourBank: seller, victoriaBank: buyer } = f.participants;
      await mined(f.payingAgent.connect(seller.signer).claimCoupon(0));
      await mined(f.bond.connect(seller.signer).transfer(buyer.address, UNITS.harbourBank)); // all 150
      expect(await f.payingAgent.couponOwed(0, seller.address)).to.equal(0n);
      // The buyer is owed coupon 0 on its own 120 units of record only: floor(120 × 39,100,000 / 365).
      expect(await f.payingAgent.couponOwed(0, buyer.address)).to.equal(COUPON_0.victoriaBank);
      await expect(f.payingAgent.connect(buyer.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, buyer.address, 120n, COUPON_0.victoriaBank, f.wcbdcAddress);
      // The sale counts for coupon 1: Victoria 120 + 150 = 270 units, floor(270 × 38,462,500 / 365) = 28,451,712.
      await travelTo(RECORD_DATES[1]);
      expect(await f.payingAgent.couponOwed(1, buyer.address)).to.equal(28_451_712n);
      expect(await f.payingAgent.couponOwed(1, seller.address)).to.equal(0n);
    });
  });

  describe("redemption at maturity", function () {
    it("refuses before the maturity date (RedemptionNotDue)", async function () {
      const f = await loadRegister();
      await travelTo(MATURITY - HOUR);
      await fund(f, REDEMPTION_LIABILITY);
      const bank = f.participants.harbourBank;
      const before = await book(f);
      await expect(f.payingAgent.connect(bank.signer).redeem())
        .to.be.revertedWithCustomError(f.payingAgent, "RedemptionNotDue")
        .withArgs(BigInt(MATURITY));
      await expect(f.payingAgent.redeemHolders([bank.address]))
        .to.be.revertedWithCustomError(f.payingAgent, "RedemptionNotDue")
        .withArgs(BigInt(MATURITY));
      expect(await book(f)).to.deep.equal(before);
    });

    it("burns a bank's units and pays it face value in wCBDC, in one transaction", async function () {
      const f = await atMaturity();
      const bank = f.participants.harbourBank;
      expect(await f.payingAgent.redemptionLiability()).to.equal(REDEMPTION_LIABILITY); // 600 × 5,000,000
      const before = await book(f);

      const tx = f.payingAgent.connect(bank.signer).redeem();
      // 150 × 5,000,000 = 750,000,000 (HKD 7,500,000.00)
      await expect(tx)
        .to.emit(f.payingAgent, "Redeemed")
        .withArgs(bank.address, 150n, 750_000_000n, f.wcbdcAddress);
      await expect(tx).to.emit(f.bond, "Transfer").withArgs(bank.address, ZeroAddress, 150n);

      expect(changes(before, await book(f))).to.deep.equal({
        "bond:harbourBank": -150n,
        "bond:supply": -150n,
        "wHKD:harbourBank": 750_000_000n,
        "wHKD:agent": -750_000_000n,
      });
      expect(await f.payingAgent.redemptionLiability()).to.equal(2_250_000_000n); // 450 × 5,000,000
    });

    it("pays an investor through its bank", async function () {
      const f = await atMaturity();
      const investor = f.participants.peakAsset;
      const before = await book(f);
      const tx = f.payingAgent.connect(investor.signer).redeem();
      // 100 × 5,000,000 = 500,000,000
      await expect(tx)
        .to.emit(f.payingAgent, "Redeemed")
        .withArgs(investor.address, 100n, 500_000_000n, f.depositAddress.harbourBank);
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(redemptionRef(f, investor.address), f.agentAddress, f.participants.harbourBank.address, 500_000_000n);
      expect(changes(before, await book(f))).to.deep.equal({
        "bond:peakAsset": -100n,
        "bond:supply": -100n,
        "wHKD:harbourBank": 500_000_000n,
        "wHKD:agent": -500_000_000n,
        "hbHKD:peakAsset": 500_000_000n,
        "hbHKD:supply": 500_000_000n,
      });
    });

    it("refuses a holder with nothing to redeem, including a second redemption (NothingOwed)", async function () {
      const f = await atMaturity();
      const { government, lionRockBank } = f.participants;
      await expect(f.payingAgent.connect(government.signer).redeem())
        .to.be.revertedWithCustomError(f.payingAgent, "NothingOwed")
        .withArgs(government.address);
      await mined(f.payingAgent.connect(lionRockBank.signer).redeem());
      const before = await book(f);
      await expect(f.payingAgent.connect(lionRockBank.signer).redeem())
        .to.be.revertedWithCustomError(f.payingAgent, "NothingOwed")
        .withArgs(lionRockBank.address);
      expect(await book(f)).to.deep.equal(before);
    });

    it("leaves the holder its bonds when the agent cannot pay (nothing moves)", async function () {
      const f = await loadRegister();
      await travelTo(MATURITY);
      await fund(f, 400_000_000n); // less than Harbour's 750,000,000 and Peak Asset's 500,000,000
      const { harbourBank: bank, peakAsset: investor } = f.participants;
      const before = await book(f);

      await expect(f.payingAgent.connect(bank.signer).redeem())
        .to.be.revertedWithCustomError(f.wcbdc, "ERC20InsufficientBalance")
        .withArgs(f.agentAddress, 400_000_000n, 750_000_000n);
      await expect(f.payingAgent.connect(investor.signer).redeem())
        .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
        .withArgs(
          reasonOf("InsufficientCash"),
          LEG.Interbank,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [f.agentAddress, 400_000_000n, 500_000_000n]),
        );
      expect(await book(f)).to.deep.equal(before);
      expect(await f.bond.balanceOf(bank.address)).to.equal(150n);
      expect(await f.bond.totalSupply()).to.equal(SUPPLY);
    });

    it("redeems a page of holders, parking a frozen holder and one it cannot pay, who keep their bonds", async function () {
      const f = await atMaturity();
      const p = f.participants;
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lantauPension.address, true));
      const page = [
        p.harbourBank,
        p.victoriaBank,
        p.lionRockBank,
        p.peakAsset,
        p.kowloonDealer, // no standing instruction, may not hold wCBDC: parked
        p.tsingYiInsurance,
        p.lantauPension, // frozen on the bond: its units cannot be burned, parked
        p.government, // holds nothing: skipped
      ].map((x) => x.address);

      expect(await f.payingAgent.redeemHolders.staticCall(page)).to.equal(5n);
      const before = await book(f);
      const tx = f.payingAgent.redeemHolders(page);
      await expect(tx)
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(
          p.lantauPension.address,
          MaxUint256,
          true,
          f.bond.interface.encodeErrorResult("AccountFrozen", [p.lantauPension.address]),
        );
      await expect(tx)
        .to.emit(f.payingAgent, "PaymentParked")
        .withArgs(
          p.kowloonDealer.address,
          MaxUint256,
          true,
          f.wcbdc.interface.encodeErrorResult("HolderNotWholesale", [p.kowloonDealer.address, ParticipantKind.Dealer]),
        );
      expect(await outcomeOf(f, tx)).to.deep.equal({
        paid: [
          p.harbourBank.address,
          p.victoriaBank.address,
          p.lionRockBank.address,
          p.peakAsset.address,
          p.tsingYiInsurance.address,
        ],
        parked: [p.kowloonDealer.address, p.lantauPension.address],
      });
      // Redeemed: 150 + 120 + 60 + 100 + 80 = 510 units × 5,000,000 = 2,550,000,000.
      expect(changes(before, await book(f))).to.deep.equal({
        "bond:harbourBank": -150n,
        "bond:victoriaBank": -120n,
        "bond:lionRockBank": -60n,
        "bond:peakAsset": -100n,
        "bond:tsingYiInsurance": -80n,
        "bond:supply": -510n,
        "wHKD:harbourBank": 1_250_000_000n, // its own 750,000,000 + Peak Asset's 500,000,000
        "wHKD:victoriaBank": 1_000_000_000n, // its own 600,000,000 + Tsing Yi's 400,000,000
        "wHKD:lionRockBank": 300_000_000n,
        "hbHKD:peakAsset": 500_000_000n,
        "hbHKD:supply": 500_000_000n,
        "vbHKD:tsingYiInsurance": 400_000_000n,
        "vbHKD:supply": 400_000_000n,
        "wHKD:agent": -2_550_000_000n,
      });
      // The parked holders keep their bonds: 50 + 40 = 90 units, 450,000,000 still with the agent.
      expect(await f.bond.balanceOf(p.kowloonDealer.address)).to.equal(50n);
      expect(await f.bond.balanceOf(p.lantauPension.address)).to.equal(40n);
      expect(await f.payingAgent.redemptionLiability()).to.equal(450_000_000n);

      // Once unfrozen, Lantau redeems itself: 40 × 5,000,000 = 200,000,000 in Lion Rock deposits.
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lantauPension.address, false));
      await expect(f.payingAgent.connect(p.lantauPension.signer).redeem())
        .to.emit(f.payingAgent, "Redeemed")
        .withArgs(p.lantauPension.address, 40n, 200_000_000n, f.depositAddress.lionRockBank);
      // Kowloon Dealer names its deposit and is redeemed in the next page: 50 × 5,000,000 = 250,000,000.
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      await expect(f.payingAgent.redeemHolders(page))
        .to.emit(f.payingAgent, "Redeemed")
        .withArgs(p.kowloonDealer.address, 50n, 250_000_000n, f.depositAddress.harbourBank);
      expect(await f.bond.totalSupply()).to.equal(0n);
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(0n);
    });

    it("stops every transfer from the maturity date on (BondMatured)", async function () {
      const f = await loadRegister();
      const { harbourBank, victoriaBank } = f.participants;
      await travelTo(MATURITY - HOUR);
      await mined(f.bond.connect(harbourBank.signer).transfer(victoriaBank.address, 1n)); // still allowed
      await travelTo(MATURITY);
      await expect(f.bond.connect(harbourBank.signer).transfer(victoriaBank.address, 1n))
        .to.be.revertedWithCustomError(f.bond, "BondMatured")
        .withArgs(BigInt(MATURITY));
    });

    it("still pays the final coupon to a holder already redeemed", async function () {
      const f = await loadRegister();
      const bank = f.participants.harbourBank;
      await travelTo(MATURITY);
      // Redemption and the last coupon: 3,000,000,000 + floor(600 × 38,462,500 / 365) (63,226,027) = 3,063,226,027.
      await fund(f, 3_063_226_027n);
      await mined(f.payingAgent.connect(bank.signer).redeem());
      expect(await f.bond.balanceOf(bank.address)).to.equal(0n);
      // Held 150 units at the last record date: floor(150 × 38,462,500 / 365) = 15,806,506.
      expect(await f.bond.balanceOfAtRecord(bank.address, 5)).to.equal(150n);
      expect(await f.payingAgent.couponLiability(5)).to.equal(63_226_027n);
      await expect(f.payingAgent.connect(bank.signer).claimCoupon(5))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(5n, bank.address, 150n, 15_806_506n, f.wcbdcAddress);
    });
  });

  describe("the whole life of the bond", function () {
    it("pays six coupons and the principal to an unchanged register, leaving the agent only the rounding", async function () {
      const f = await loadRegister();
      const p = f.participants;
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      const everyone = HOLDERS.map((h) => p[h].address);
      const before = await book(f);

      let left = 0n;
      for (let i = 0; i < COUPON_DATES.length; i++) {
        await travelTo(COUPON_DATES[i]);
        // 184-day periods: liability 64,273,972, paid 64,273,970; 181-day periods: 63,226,027 and 63,226,023.
        const [liability, paid] = i % 2 === 0 ? [LIABILITY_0, PAID_0] : [LIABILITY_1, PAID_1];
        expect(await f.payingAgent.couponLiability(i)).to.equal(liability, `coupon ${i}`);
        await fund(f, liability);
        expect(await f.payingAgent.payCoupons.staticCall(i, everyone)).to.equal(7n, `coupon ${i}`);
        await mined(f.payingAgent.payCoupons(i, everyone));
        left += liability - paid;
        expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(left, `agent after coupon ${i}`);
      }
      expect(left).to.equal(18n); // 3 × 2 + 3 × 4
      await fund(f, REDEMPTION_LIABILITY);
      expect(await f.payingAgent.redeemHolders.staticCall(everyone)).to.equal(7n);
      await mined(f.payingAgent.redeemHolders(everyone));

      // Over the life a holding of u units is paid 3 × couponOn(0, u) + 3 × couponOn(1, u) and u × 5,000,000:
      //   Harbour 150:  3 × 16,068,493 + 3 × 15,806,506 =  95,624,997 + 750,000,000 = 845,624,997
      //   Victoria 120: 3 × 12,854,794 + 3 × 12,645,205 =  76,499,997 + 600,000,000 = 676,499,997
      //   Lion Rock 60: 3 ×  6,427,397 + 3 ×  6,322,602 =  38,249,997 + 300,000,000 = 338,249,997
      //   Peak 100:     3 × 10,712,328 + 3 × 10,537,671 =  63,749,997 + 500,000,000 = 563,749,997
      //   Kowloon 50:   3 ×  5,356,164 + 3 ×  5,268,835 =  31,874,997 + 250,000,000 = 281,874,997
      //   Tsing Yi 80:  3 ×  8,569,863 + 3 ×  8,430,136 =  50,999,997 + 400,000,000 = 450,999,997
      //   Lantau 40:    3 ×  4,284,931 + 3 ×  4,215,068 =  25,499,997 + 200,000,000 = 225,499,997
      // (each holding 3 minor units short of u × 6,375.00 in coupons). Each bank's wCBDC receives its
      // own and its customers'.
      expect(changes(before, await book(f))).to.deep.equal({
        // HKMA created 3 × 64,273,972 + 3 × 63,226,027 + 3,000,000,000 = 3,382,499,997.
        "wHKD:supply": 3_382_499_997n,
        "wHKD:agent": 18n,
        "wHKD:harbourBank": 1_691_249_991n, // 845,624,997 + Peak 563,749,997 + Kowloon 281,874,997
        "wHKD:victoriaBank": 1_127_499_994n, // 676,499,997 + Tsing Yi 450,999,997
        "wHKD:lionRockBank": 563_749_994n, // 338,249,997 + Lantau 225,499,997
        "hbHKD:peakAsset": 563_749_997n,
        "hbHKD:kowloonDealer": 281_874_997n,
        "hbHKD:supply": 845_624_994n,
        "vbHKD:tsingYiInsurance": 450_999_997n,
        "vbHKD:supply": 450_999_997n,
        "lrHKD:lantauPension": 225_499_997n,
        "lrHKD:supply": 225_499_997n,
        "bond:harbourBank": -150n,
        "bond:victoriaBank": -120n,
        "bond:lionRockBank": -60n,
        "bond:peakAsset": -100n,
        "bond:kowloonDealer": -50n,
        "bond:tsingYiInsurance": -80n,
        "bond:lantauPension": -40n,
        "bond:supply": -600n,
      });
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(18n);
      // Every coupon is marked paid, and nobody is owed anything more.
      for (let i = 0; i < COUPON_DATES.length; i++) {
        for (const h of HOLDERS) {
          expect(await f.payingAgent.couponPaid(i, p[h].address)).to.equal(true, `${h}, coupon ${i}`);
          expect(await f.payingAgent.couponOwed(i, p[h].address)).to.equal(0n, `${h}, coupon ${i}`);
        }
      }
      // The 18 minor units of rounding go back to the fiscal agent: the agent ends empty.
      expect(await f.payingAgent.outstandingLiability()).to.equal(0n);
      expect(await f.payingAgent.fiscalAgent()).to.equal(p.hkma.address);
      await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(p.hkma.address, 18n, 0n);
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(0n);
      await expect(f.payingAgent.returnSurplus()).to.be.revertedWithCustomError(f.payingAgent, "NoSurplus").withArgs(0n, 0n);
    });

    it("owes a coupon from its record date until all its units of record are paid, and the face value from maturity; funding beyond that is returnable", async function () {
      const f = await loadRegister();
      const p = f.participants;
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      const others = HOLDERS.filter((h) => h !== "lantauPension").map((h) => p[h].address);
      await travelTo(RECORD_DATES[0] - HOUR);
      expect(await f.payingAgent.outstandingLiability()).to.equal(0n); // nothing owed before the record date
      await fund(f, LIABILITY_0);
      await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(p.hkma.address, LIABILITY_0, 0n);

      await travelTo(RECORD_DATES[0]);
      expect(await f.payingAgent.outstandingLiability()).to.equal(LIABILITY_0); // fixed at the record date, not yet payable
      await fund(f, LIABILITY_0);
      await expect(f.payingAgent.returnSurplus()).to.be.revertedWithCustomError(f.payingAgent, "NoSurplus").withArgs(LIABILITY_0, LIABILITY_0);
      await travelTo(COUPON_DATES[0]);
      await mined(f.payingAgent.payCoupons(0, others));
      const lantau = await f.payingAgent.couponOwed(0, p.lantauPension.address);
      expect(await f.payingAgent.outstandingLiability()).to.equal(LIABILITY_0 - PAID_0 + lantau); // Lantau's coupon and the rounding stay
      await mined(f.payingAgent.payCoupons(0, [p.lantauPension.address]));
      expect(await f.payingAgent.outstandingLiability()).to.equal(0n); // paid in full: the remainder is surplus
      await expect(f.payingAgent.returnSurplus()).to.emit(f.payingAgent, "SurplusReturned").withArgs(p.hkma.address, LIABILITY_0 - PAID_0, 0n);

      await travelTo(MATURITY);
      // Coupons 1 to 5 are owed in full (nobody paid yet) and the face value outstanding.
      let owed = REDEMPTION_LIABILITY;
      for (let i = 1; i < COUPON_DATES.length; i++) owed += i % 2 === 0 ? LIABILITY_0 : LIABILITY_1;
      expect(await f.payingAgent.outstandingLiability()).to.equal(owed);
    });
  });

  describe("regressions", function () {
    it("finding 3: the paying agent gives the engine no standing allowance", async function () {
      const f = await loadRegister();
      const p = f.participants;
      const allowance = (): Promise<bigint> => f.wcbdc.allowance(f.agentAddress, f.engineAddress);
      expect(await allowance()).to.equal(0n); // as deployed, and after the tender and the distribution

      await travelTo(COUPON_DATES[0]);
      await fund(f, LIABILITY_0);
      // Paid in wCBDC directly: no approval at all.
      const direct = f.payingAgent.connect(p.harbourBank.signer).claimCoupon(0);
      await expect(direct).to.not.emit(f.wcbdc, "Approval");
      expect(await allowance()).to.equal(0n);
      // Paid through a bank: the agent approves exactly this payment and the engine spends it in the call.
      const viaBank = f.payingAgent.connect(p.peakAsset.signer).claimCoupon(0);
      await expect(viaBank)
        .to.emit(f.wcbdc, "Approval")
        .withArgs(f.agentAddress, f.engineAddress, COUPON_0.peakAsset);
      await expect(viaBank).to.emit(f.payingAgent, "CouponPaid");
      expect(await allowance()).to.equal(0n);
      // A page paying through banks, with one payment through a bank parked: Lantau, frozen in the
      // registry, cannot be credited by its bank, and the approval for it rolls back with it.
      await mined(f.registry.setFrozen(p.lantauPension.address, true));
      const page = [p.tsingYiInsurance, p.lantauPension, p.victoriaBank, p.kowloonDealer].map((x) => x.address);
      expect(await outcomeOf(f, f.payingAgent.payCoupons(0, page))).to.deep.equal({
        paid: [p.tsingYiInsurance.address, p.victoriaBank.address],
        parked: [p.lantauPension.address, p.kowloonDealer.address],
      });
      expect(await allowance()).to.equal(0n);

      await travelTo(MATURITY);
      await fund(f, REDEMPTION_LIABILITY);
      await mined(f.payingAgent.connect(p.lionRockBank.signer).redeem()); // wCBDC directly
      expect(await allowance()).to.equal(0n);
      // Through a bank: 80 × 5,000,000 = 400,000,000 approved and spent.
      await expect(f.payingAgent.connect(p.tsingYiInsurance.signer).redeem())
        .to.emit(f.wcbdc, "Approval")
        .withArgs(f.agentAddress, f.engineAddress, 400_000_000n);
      expect(await allowance()).to.equal(0n);
      expect(
        await outcomeOf(f, f.payingAgent.redeemHolders([p.peakAsset.address, p.harbourBank.address, p.lantauPension.address])),
      ).to.deep.equal({
        paid: [p.peakAsset.address, p.harbourBank.address],
        parked: [p.lantauPension.address],
      });
      expect(await allowance()).to.equal(0n);
    });

    it("finding 13: coupons are computed per holding, rounded once", async function () {
      const f = await loadRegister();
      const p = f.participants;
      // The Government (ISSUER_ROLE) issues 1,850 more units to Harbour Bank before record date 0:
      // Harbour holds 150 + 1,850 = 2,000 units, the supply is 600 + 1,850 = 2,450.
      await mined(f.bond.mint(p.harbourBank.address, 1_850n));
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      await travelTo(COUPON_DATES[1]);
      expect(await f.bond.balanceOfAtRecord(p.harbourBank.address, 0)).to.equal(2_000n);
      expect(await f.bond.balanceOfAtRecord(p.harbourBank.address, 1)).to.equal(2_000n);

      // Coupon 0, 184 days: couponOn(0, 2,000) = floor(2,000 × 5,000,000 × 425 × 184 / (10,000 × 365))
      //   = floor(78,200,000,000 / 365) = floor(214,246,575.34) = 214,246,575;
      //   2,000 × couponPerUnit(0) = 2,000 × 107,123 = 214,246,000: 575 less (HK$5.75).
      // Coupon 1, 181 days: couponOn(1, 2,000) = floor(2,000 × 38,462,500 / 365)
      //   = floor(76,925,000,000 / 365) = floor(210,753,424.66) = 210,753,424;
      //   2,000 × couponPerUnit(1) = 2,000 × 105,376 = 210,752,000: 1,424 less (HK$14.24).
      const cases = [
        { index: 0, perHolding: 214_246_575n, perUnitTimesUnits: 214_246_000n, liability: 262_452_054n, paid: 262_452_052n },
        { index: 1, perHolding: 210_753_424n, perUnitTimesUnits: 210_752_000n, liability: 258_172_945n, paid: 258_172_941n },
      ] as const;
      // Liabilities on 2,450 units of record: floor(2,450 × 39,100,000 / 365) = floor(262,452,054.79) = 262,452,054
      // and floor(2,450 × 38,462,500 / 365) = floor(258,172,945.21) = 258,172,945.
      for (const c of cases) {
        expect(await f.bond.couponOn(c.index, 2_000n)).to.equal(c.perHolding, `coupon ${c.index}`);
        expect(2_000n * (await f.bond.couponPerUnit(c.index))).to.equal(c.perUnitTimesUnits, `coupon ${c.index}`);
        expect(await f.payingAgent.couponOwed(c.index, p.harbourBank.address)).to.equal(c.perHolding);
        expect(await f.payingAgent.couponLiability(c.index)).to.equal(c.liability);
      }
      await fund(f, 262_452_054n + 258_172_945n);

      const everyone = HOLDERS.map((h) => p[h].address);
      for (const c of cases) {
        const before = await f.wcbdc.balanceOf(p.harbourBank.address);
        await expect(f.payingAgent.connect(p.harbourBank.signer).claimCoupon(c.index))
          .to.emit(f.payingAgent, "CouponPaid")
          .withArgs(BigInt(c.index), p.harbourBank.address, 2_000n, c.perHolding, f.wcbdcAddress);
        expect((await f.wcbdc.balanceOf(p.harbourBank.address)) - before).to.equal(c.perHolding);
        // The other six holdings, each on its own holding (coupon 0: 48,205,477; coupon 1: 47,419,517).
        const others = await couponsPaidIn(f, f.payingAgent.payCoupons(c.index, everyone));
        expect(others).to.have.length(6);
        let sum = c.perHolding;
        for (const o of others) {
          expect(o.amount).to.equal(await f.bond.couponOn(c.index, o.units));
          sum += o.amount;
        }
        // 214,246,575 + 48,205,477 = 262,452,052 ≤ 262,452,054; 210,753,424 + 47,419,517 = 258,172,941 ≤ 258,172,945.
        expect(sum).to.equal(c.paid);
        expect(sum <= c.liability).to.equal(true);
      }
      // What the rounding left with the agent: (262,452,054 − 262,452,052) + (258,172,945 − 258,172,941) = 6.
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(6n);
    });

    it("finding 12: a holder frozen on the bond is not paid its coupon", async function () {
      const f = await onFirstCouponDate();
      const p = f.participants;
      // Lion Rock Bank is paid in wCBDC, which it may still receive: the refusal is the agent's own.
      // Lantau Pension is paid through Lion Rock Bank.
      const frozen = [p.lionRockBank, p.lantauPension];
      for (const h of frozen) await mined(f.bond.connect(p.hkma.signer).setFrozen(h.address, true));
      const before = await book(f);
      for (const h of frozen) {
        await expect(f.payingAgent.connect(h.signer).claimCoupon(0))
          .to.be.revertedWithCustomError(f.payingAgent, "AccountFrozen")
          .withArgs(h.address);
      }
      expect(await book(f)).to.deep.equal(before);

      const tx = f.payingAgent.payCoupons(0, [p.lionRockBank.address, p.victoriaBank.address, p.lantauPension.address]);
      for (const h of frozen) {
        await expect(tx)
          .to.emit(f.payingAgent, "PaymentParked")
          .withArgs(h.address, 0n, false, f.payingAgent.interface.encodeErrorResult("AccountFrozen", [h.address]));
      }
      expect(await outcomeOf(f, tx)).to.deep.equal({
        paid: [p.victoriaBank.address],
        parked: [p.lionRockBank.address, p.lantauPension.address],
      });
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": COUPON_0.victoriaBank,
        "wHKD:agent": -COUPON_0.victoriaBank,
      });
      for (const h of frozen) {
        expect(await f.payingAgent.couponPaid(0, h.address)).to.equal(false);
        expect(await f.payingAgent.couponOwed(0, h.address)).to.equal(COUPON_0[h.key as Holder]);
      }

      // The registrar unfreezes them; each claims its coupon.
      for (const h of frozen) await mined(f.bond.connect(p.hkma.signer).setFrozen(h.address, false));
      await expect(f.payingAgent.connect(p.lionRockBank.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, p.lionRockBank.address, 60n, COUPON_0.lionRockBank, f.wcbdcAddress);
      await expect(f.payingAgent.connect(p.lantauPension.signer).claimCoupon(0))
        .to.emit(f.payingAgent, "CouponPaid")
        .withArgs(0n, p.lantauPension.address, 40n, COUPON_0.lantauPension, f.depositAddress.lionRockBank);
    });

    it("never pays more than a coupon's liability, and only to accounts that may receive it", async function () {
      const f = await loadRegister();
      const p = f.participants;
      await travelTo(COUPON_DATES[0]);
      // Funded twice over: 2 × 64,273,972 = 128,547,944.
      await fund(f, 2n * LIABILITY_0);
      // Lantau is frozen on the bond; Tsing Yi is frozen in the registry (its bank cannot credit it);
      // Kowloon Dealer named no deposit token and, as a dealer, may not hold wCBDC.
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lantauPension.address, true));
      await mined(f.registry.setFrozen(p.tsingYiInsurance.address, true));
      const others = [
        p.government.address,
        p.hkma.address,
        f.outsider.address,
        f.engineAddress,
        f.agentAddress,
        await f.issuance.getAddress(),
      ];
      const page = [...HOLDERS.map((h) => p[h].address), ...others, p.harbourBank.address];

      const paidAt: { holder: string; units: bigint; amount: bigint }[] = [];
      const payPage = async (): Promise<void> => {
        for (const c of await couponsPaidIn(f, f.payingAgent.payCoupons(0, page))) {
          // Each payee held units of record, was paid the coupon on its holding, may hold the bond and
          // is eligible in the registry.
          expect(c.units).to.equal(await f.bond.balanceOfAtRecord(c.holder, 0));
          expect(c.units > 0n).to.equal(true);
          expect(c.amount).to.equal(await f.bond.couponOn(0, c.units));
          expect(await f.bond.isFrozen(c.holder)).to.equal(false);
          expect(await f.registry.isEligible(c.holder)).to.equal(true);
          paidAt.push(c);
        }
      };
      await payPage();
      expect(paidAt.map((c) => c.holder)).to.deep.equal([
        p.harbourBank.address,
        p.victoriaBank.address,
        p.lionRockBank.address,
        p.peakAsset.address,
      ]);
      // 16,068,493 + 12,854,794 + 6,427,397 + 10,712,328 = 46,063,012.
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(2n * LIABILITY_0 - 46_063_012n);

      // The three are put right and the next page pays them: 5,356,164 + 8,569,863 + 4,284,931 = 18,210,958.
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lantauPension.address, false));
      await mined(f.registry.setFrozen(p.tsingYiInsurance.address, false));
      await mined(f.payingAgent.connect(p.kowloonDealer.signer).setStandingInstruction(f.depositAddress.harbourBank));
      await payPage();
      await payPage(); // and a third pays nobody
      const total = paidAt.reduce((sum, c) => sum + c.amount, 0n);
      expect(paidAt).to.have.length(7);
      expect(new Set(paidAt.map((c) => c.holder)).size).to.equal(7);
      // 46,063,012 + 18,210,958 = 64,273,970 ≤ the liability 64,273,972, though the agent holds twice that.
      expect(total).to.equal(PAID_0);
      expect(total <= (await f.payingAgent.couponLiability(0))).to.equal(true);
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(2n * LIABILITY_0 - PAID_0); // 64,273,974

      // Claims cannot add to it: every holder is paid, the others are owed nothing.
      for (const h of HOLDERS) {
        await expect(f.payingAgent.connect(p[h].signer).claimCoupon(0))
          .to.be.revertedWithCustomError(f.payingAgent, "CouponAlreadyPaid")
          .withArgs(0n, p[h].address);
      }
      for (const signer of [p.government.signer, p.hkma.signer, f.outsider]) {
        await expect(f.payingAgent.connect(signer).claimCoupon(0))
          .to.be.revertedWithCustomError(f.payingAgent, "NothingOwed")
          .withArgs(signer.address);
      }
      expect(await f.wcbdc.balanceOf(f.agentAddress)).to.equal(2n * LIABILITY_0 - PAID_0);
    });
  });
});
