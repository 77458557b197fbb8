import { expect } from "chai";
import {
  FunctionFragment,
  MaxUint256,
  ZeroAddress,
  encodeBytes32String,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers/types";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import type { ParticipantKey } from "../../src/domain/hong-kong.js";
import { ParticipantKind, jurisdictionBytes2 } from "../../src/domain/participants.js";
import { FAILURE_REASON, type FailureReasonName } from "../../src/domain/trade.js";
import { ERC20Mock__factory, GovernmentBond__factory } from "../../typechain-types/index.js";
import type { PrimaryIssuance } from "../../typechain-types/settlement/PrimaryIssuance.js";
import { ethers, fundedLedger, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * Primary issuance by competitive tender (contracts/settlement/PrimaryIssuance.sol, its own contract,
 * deployed by ignition/modules/GreenBondLifecycle.ts as `ledger.issuance`): the HKSAR Government,
 * the green bond's issuer in the settlement engine's asset register, opens a tender; each bank bids
 * for itself (units, the highest price per unit it pays, how long the bid stands), approving the
 * tender contract on wCBDC for exactly the bid's cost, which the bid takes into the tender's custody
 * (a firm bid, finding S2b); after the close the Government allots — price priority, pro rata at the
 * cut-off in minimum lots, leftover lots in submission order, every allottee paying its own price —
 * and in one transaction every allotted cost goes from custody to HKMA, the units are minted and
 * every unallotted cost goes back to its bidder (parked for it to claim when wCBDC would refuse it),
 * or nothing happens.
 *
 * The funded ledger (src/ledger/opening-balances.ts) gives the banks, in wCBDC:
 *   Harbour Bank   HKD 1,500,000,000.00 = 150,000,000,000 minor units
 *   Victoria Bank  HKD 1,200,000,000.00 = 120,000,000,000
 *   Lion Rock Bank HKD   800,000,000.00 =  80,000,000,000
 * and HKMA, the proceeds account (the Government's account at the central bank), holds none. The
 * banks' standing wCBDC allowances to the engine (ignition/modules/Settlement.ts) play no part: the
 * tender contract takes only each bid's cost, in the bidder's own submitBid call.
 *
 * Prices per unit of HK$50,000.00 face (5,000,000 minor units):
 *   99.90% → 4,995,000   99.85% → 4,992,500   99.80% → 4,990,000   99.70% → 4,985,000
 */

const { time } = networkHelpers;

const HOUR = 3_600n;
const DAY = 86_400n;

const P_99_90 = 4_995_000n;
const P_99_85 = 4_992_500n;
const P_99_80 = 4_990_000n;
const P_99_70 = 4_985_000n;

const TENDER_REF = encodeBytes32String("03GB-TENDER-001");

const OPENING_WCBDC = {
  harbourBank: 150_000_000_000n,
  victoriaBank: 120_000_000_000n,
  lionRockBank: 80_000_000_000n,
} as const;

/** `TenderState` in PrimaryIssuance.sol. */
const STATE = { None: 0n, Open: 1n, Allotted: 2n, Cancelled: 3n } as const;
/** `Leg` in contracts/settlement/Trade.sol. */
const LEG = { Asset: 0n, Cash: 1n, Interbank: 2n } as const;
/** `PrimaryIssuance.RATIO_SCALE`: 1e6 = 100%. */
const FULL = 1_000_000n;

function reasonOf(name: FailureReasonName): bigint {
  return BigInt(FAILURE_REASON.indexOf(name));
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

type Bank = "harbourBank" | "victoriaBank" | "lionRockBank";

interface TenderLedger extends HongKongLedger {
  readonly bondAddress: string;
  readonly wcbdcAddress: string;
  readonly engineAddress: string;
  readonly issuanceAddress: string;
  readonly agentAddress: string;
  /** When the default tender closes: a day after the fixture. */
  readonly closesAt: bigint;
  /** An account on no list of the ledger. */
  readonly outsider: HardhatEthersSigner;
}

/** The funded ledger, before any tender. */
async function beforeTheTender(): Promise<TenderLedger> {
  const ledger = await fundedLedger();
  const signers = await ethers.getSigners();
  return {
    ...ledger,
    bondAddress: await ledger.bond.getAddress(),
    wcbdcAddress: await ledger.wcbdc.getAddress(),
    engineAddress: await ledger.engine.getAddress(),
    issuanceAddress: await ledger.issuance.getAddress(),
    agentAddress: await ledger.payingAgent.getAddress(),
    closesAt: BigInt(await time.latest()) + DAY,
    outsider: signers[9],
  };
}
const loadLedger = (): Promise<TenderLedger> => networkHelpers.loadFixture(beforeTheTender);

/** The default terms: 1,000 units of the green bond, lots of 1, closing `f.closesAt`, proceeds to HKMA. */
function termsOf(f: TenderLedger, overrides: Partial<PrimaryIssuance.TenderTermsStruct> = {}): PrimaryIssuance.TenderTermsStruct {
  return {
    bond: f.bondAddress,
    unitsOffered: 1_000n,
    minimumLot: 1n,
    closesAt: f.closesAt,
    proceedsAccount: f.participants.hkma.address,
    ...overrides,
  };
}

/** The Government opens tender `ref`. */
async function openTender(
  f: TenderLedger,
  overrides: Partial<PrimaryIssuance.TenderTermsStruct> = {},
  ref: string = TENDER_REF,
): Promise<void> {
  await mined(f.issuance.openTender(ref, termsOf(f, overrides)));
}

/**
 * `bank` raises its wCBDC allowance to the tender contract by what the bid can cost
 * (units × price) and bids; the bid stands until a day after the close unless told otherwise.
 */
async function bid(
  f: TenderLedger,
  bank: Bank,
  units: bigint,
  price: bigint,
  options: { ref?: string; validUntil?: bigint } = {},
): Promise<void> {
  const p = f.participants[bank];
  const allowance = await f.wcbdc.allowance(p.address, f.issuanceAddress);
  await mined(f.wcbdc.connect(p.signer).approve(f.issuanceAddress, allowance + units * price));
  await mined(
    f.issuance
      .connect(p.signer)
      .submitBid(options.ref ?? TENDER_REF, units, price, options.validUntil ?? f.closesAt + DAY),
  );
}

/** `bank` raises its wCBDC allowance to the tender contract by `amount` (what the bid it is about to submit costs). */
async function approveFor(f: TenderLedger, bank: Bank | "hkma", amount: bigint): Promise<void> {
  const p = f.participants[bank];
  const allowance = await f.wcbdc.allowance(p.address, f.issuanceAddress);
  await mined(f.wcbdc.connect(p.signer).approve(f.issuanceAddress, allowance + amount));
}

/** What the tender contract holds in wCBDC. */
async function custody(f: TenderLedger): Promise<bigint> {
  return f.wcbdc.balanceOf(f.issuanceAddress);
}

/** Moves the clock to the close (unless past it) and the Government allots tender `ref`. */
async function allot(f: TenderLedger, ref: string = TENDER_REF): Promise<ContractTransactionResponse> {
  const closesAt = (await f.issuance.tenderOf(ref)).terms.closesAt;
  if (BigInt(await time.latest()) < closesAt) await time.increaseTo(closesAt);
  return f.issuance.allotTender(ref);
}

/** Every wCBDC and bond balance a tender could touch, and both supplies. */
async function book(f: TenderLedger): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const key of Object.keys(f.participants) as ParticipantKey[]) {
    const address = f.participants[key].address;
    out[`wHKD:${key}`] = await f.wcbdc.balanceOf(address);
    out[`bond:${key}`] = await f.bond.balanceOf(address);
  }
  for (const [name, address] of [
    ["engine", f.engineAddress],
    ["issuance", f.issuanceAddress],
    ["payingAgent", f.agentAddress],
    ["outsider", f.outsider.address],
  ] as const) {
    out[`wHKD:${name}`] = await f.wcbdc.balanceOf(address);
    out[`bond:${name}`] = await f.bond.balanceOf(address);
  }
  out["wHKD:supply"] = await f.wcbdc.totalSupply();
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

/** A tender's announced figures, without `allottedAt`. */
interface Figures {
  unitsApplied: bigint;
  unitsAllotted: bigint;
  cutoffPrice: bigint;
  highestPrice: bigint;
  averagePrice: bigint;
  proRataRatio: bigint;
  proceeds: bigint;
}

function figuresOf(r: PrimaryIssuance.TenderResultStructOutput): Figures & { allottedAt: bigint } {
  return {
    unitsApplied: r.unitsApplied,
    unitsAllotted: r.unitsAllotted,
    cutoffPrice: r.cutoffPrice,
    highestPrice: r.highestPrice,
    averagePrice: r.averagePrice,
    proRataRatio: r.proRataRatio,
    proceeds: r.proceeds,
    allottedAt: r.allottedAt,
  };
}

interface Allotment {
  readonly bidder: string;
  readonly index: bigint;
  readonly units: bigint;
  readonly amount: bigint;
}

/** What allotment `tx` announced: its `TenderAllotted` result and its `BondAllotted` lines, in log order. */
async function announced(
  f: TenderLedger,
  receipt: ContractTransactionReceipt,
): Promise<{ result: Figures & { allottedAt: bigint }; allotments: Allotment[] }> {
  let result: (Figures & { allottedAt: bigint }) | undefined;
  const allotments: Allotment[] = [];
  for (const log of receipt.logs) {
    if (log.address !== f.issuanceAddress) continue;
    const event = f.issuance.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (event?.name === "TenderAllotted") {
      expect(event.args.tenderRef).to.equal(TENDER_REF);
      expect(event.args.bond).to.equal(f.bondAddress);
      result = figuresOf(event.args.result as PrimaryIssuance.TenderResultStructOutput);
    }
    if (event?.name === "BondAllotted") {
      expect(event.args.bond).to.equal(f.bondAddress);
      allotments.push({
        bidder: event.args.allottee as string,
        index: event.args.index as bigint,
        units: event.args.units as bigint,
        amount: event.args.amount as bigint,
      });
    }
  }
  if (result === undefined) throw new Error("no TenderAllotted event");
  return { result, allotments };
}

/**
 * Allots the default tender and asserts the announced and stored result (`figures`, allotted at the
 * block's time), the `BondAllotted` lines (`allotments`, in price order) and each bid's allotment
 * (`perBid`, in submission order).
 */
async function allotAndCheck(
  f: TenderLedger,
  figures: Figures,
  allotments: readonly { bank: Bank; index: bigint; units: bigint; amount: bigint }[],
  perBid: readonly bigint[],
): Promise<void> {
  const receipt = await mined(allot(f));
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (block === null) throw new Error("no block");
  const expected = { ...figures, allottedAt: BigInt(block.timestamp) };
  const seen = await announced(f, receipt);
  expect(seen.result).to.deep.equal(expected, "TenderAllotted");
  expect(figuresOf(await f.issuance.tenderResult(TENDER_REF))).to.deep.equal(expected, "tenderResult");
  expect(seen.allotments).to.deep.equal(
    allotments.map((a) => ({ bidder: f.participants[a.bank].address, index: a.index, units: a.units, amount: a.amount })),
    "BondAllotted",
  );
  expect((await f.issuance.bidsOf(TENDER_REF)).map((b) => b.allotted)).to.deep.equal([...perBid], "bidsOf");
  expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.Allotted);
}

/**
 * Asserts that allotting reverts `SettlementLegFailed(reason, leg, token, tokenError)`, that no
 * wCBDC moved and no unit was minted, and that the tender is still open with nothing allotted.
 */
async function expectLegFailureMovingNothing(
  f: TenderLedger,
  expected: { reason: FailureReasonName; leg: bigint; token: string; tokenError: string },
): Promise<void> {
  const before = await book(f);
  await expect(allot(f))
    .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
    .withArgs(reasonOf(expected.reason), expected.leg, expected.token, expected.tokenError);
  expect(await book(f)).to.deep.equal(before);
  expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.Open);
  for (const b of await f.issuance.bidsOf(TENDER_REF)) expect(b.allotted).to.equal(0n);
  expect(figuresOf(await f.issuance.tenderResult(TENDER_REF)).unitsAllotted).to.equal(0n);
}

/**
 * The tender of the old fixed allotment, bid at one price: Harbour 200, Victoria 120, Lion Rock 80
 * at 99.85% (4,992,500), 400 units on offer. Each pays:
 *   Harbour Bank    200 × 4,992,500 = 998,500,000
 *   Victoria Bank   120 × 4,992,500 = 599,100,000
 *   Lion Rock Bank   80 × 4,992,500 = 399,400,000
 *   total           400             = 1,997,000,000 to HKMA
 */
async function threeBankTender(f: TenderLedger, lionRockUnits = 80n): Promise<void> {
  await openTender(f, { unitsOffered: 400n + (lionRockUnits - 80n) });
  await bid(f, "harbourBank", 200n, P_99_85);
  await bid(f, "victoriaBank", 120n, P_99_85);
  await bid(f, "lionRockBank", lionRockUnits, P_99_85);
}

describe("PrimaryIssuance (green bond tender, allotted and settled DvP)", function () {
  // The tests travel in time; leave the chain's clock where the previous suite left it.
  let chainBefore: SnapshotRestorer;
  before(async function () {
    chainBefore = await networkHelpers.takeSnapshot();
  });
  after(async function () {
    await chainBefore.restore();
  });

  describe("wiring", function () {
    it("starts from the wiring the tender relies on: the tender contract mints, the engine cannot", async function () {
      const f = await loadLedger();
      const p = f.participants;
      const issuerRole = await f.bond.ISSUER_ROLE();
      expect(await f.bond.hasRole(issuerRole, f.issuanceAddress)).to.equal(true);
      expect(await f.bond.hasRole(issuerRole, f.engineAddress)).to.equal(false);
      const engineFunctions = f.engine.interface.fragments.flatMap((x) => (x instanceof FunctionFragment ? [x.name] : []));
      expect(engineFunctions).to.include("settle").and.not.include("issue");
      expect(await f.issuance.engine()).to.equal(f.engineAddress);
      expect((await f.registry.participantOf(f.issuanceAddress)).kind).to.equal(BigInt(ParticipantKind.Infrastructure));
      const line = await f.engine.assetLine(f.bondAddress);
      expect([line.issuer, line.cashToken]).to.deep.equal([p.government.address, f.wcbdcAddress]);
      for (const bank of [p.harbourBank, p.victoriaBank, p.lionRockBank]) {
        expect(await f.wcbdc.allowance(bank.address, f.issuanceAddress)).to.equal(0n, bank.name);
      }
      expect(await f.wcbdc.balanceOf(p.hkma.address)).to.equal(0n);
      expect(await f.bond.totalSupply()).to.equal(0n);
      expect(await f.issuance.MAX_BIDS()).to.equal(50n);
      expect(await f.issuance.RATIO_SCALE()).to.equal(FULL);
    });
  });

  describe("opening a tender", function () {
    it("opens with the given terms, the registered issuer and cash token; each bid takes its cost into custody", async function () {
      const f = await loadLedger();
      const terms = termsOf(f, { unitsOffered: 400n });
      await expect(f.issuance.openTender(TENDER_REF, terms))
        .to.emit(f.issuance, "TenderOpened")
        .withArgs(TENDER_REF, f.bondAddress, f.participants.government.address, [
          f.bondAddress,
          400n,
          1n,
          f.closesAt,
          f.participants.hkma.address,
        ]);
      const tender = await f.issuance.tenderOf(TENDER_REF);
      expect(tender.issuer).to.equal(f.participants.government.address);
      expect(tender.cashToken).to.equal(f.wcbdcAddress);
      expect(tender.state).to.equal(STATE.Open);
      expect([tender.terms.unitsOffered, tender.terms.minimumLot, tender.terms.closesAt]).to.deep.equal([
        400n,
        1n,
        f.closesAt,
      ]);

      const before = await book(f);
      await bid(f, "harbourBank", 200n, P_99_85);
      await bid(f, "victoriaBank", 120n, P_99_80);
      // A bid is firm: its cost moves into the tender's custody. 200 × 4,992,500 = 998,500,000;
      // 120 × 4,990,000 = 598,800,000; in custody 1,597,300,000. Each allowance is spent in full.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -998_500_000n,
        "wHKD:victoriaBank": -598_800_000n,
        "wHKD:issuance": 1_597_300_000n,
      });
      expect(await f.wcbdc.allowance(f.participants.harbourBank.address, f.issuanceAddress)).to.equal(0n);
      const bids = await f.issuance.bidsOf(TENDER_REF);
      expect(bids.map((b) => [b.bidder, b.units, b.pricePerUnit, b.validUntil, b.withdrawn, b.allotted])).to.deep.equal([
        [f.participants.harbourBank.address, 200n, P_99_85, f.closesAt + DAY, false, 0n],
        [f.participants.victoriaBank.address, 120n, P_99_80, f.closesAt + DAY, false, 0n],
      ]);
    });

    it("lets only the registered issuer open one (NotBondIssuer), HKMA and the banks included", async function () {
      const f = await loadLedger();
      const p = f.participants;
      for (const caller of [p.hkma, p.harbourBank, p.kowloonDealer]) {
        await expect(f.issuance.connect(caller.signer).openTender(TENDER_REF, termsOf(f)))
          .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
          .withArgs(caller.address, f.bondAddress);
      }
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.None);
    });

    it("refuses a bond the engine has not registered (AssetNotRegistered), the green bond once deregistered included", async function () {
      const f = await loadLedger();
      const deposit = await f.deposits.harbourBank.getAddress();
      for (const asset of [f.wcbdcAddress, deposit, f.outsider.address, ZeroAddress]) {
        await expect(f.issuance.openTender(TENDER_REF, termsOf(f, { bond: asset })))
          .to.be.revertedWithCustomError(f.issuance, "AssetNotRegistered")
          .withArgs(asset);
      }
      await mined(f.engine.deregisterAsset(f.bondAddress)); // HKMA, as registrar of securities
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "AssetNotRegistered")
        .withArgs(f.bondAddress);
    });

    it("refuses each unusable term (InvalidTenderTerm)", async function () {
      const f = await loadLedger();
      const now = BigInt(await time.latest());
      const cases: [Partial<PrimaryIssuance.TenderTermsStruct>, string][] = [
        [{ minimumLot: 0n }, "minimumLot"],
        [{ unitsOffered: 0n }, "unitsOffered"],
        // 205 units is not a whole number of lots of 10.
        [{ unitsOffered: 205n, minimumLot: 10n }, "unitsOffered"],
        [{ closesAt: now - HOUR }, "closesAt"],
        // The opening block comes after `now`: a close at `now` has passed already.
        [{ closesAt: now }, "closesAt"],
      ];
      for (const [overrides, term] of cases) {
        await expect(f.issuance.openTender(TENDER_REF, termsOf(f, overrides)))
          .to.be.revertedWithCustomError(f.issuance, "InvalidTenderTerm")
          .withArgs(term);
      }
      // No proceeds account, or the tender contract itself (finding T20-3, test/security/TenderCustodyAttacks.ts).
      for (const proceedsAccount of [ZeroAddress, f.issuanceAddress]) {
        await expect(f.issuance.openTender(TENDER_REF, termsOf(f, { proceedsAccount })))
          .to.be.revertedWithCustomError(f.issuance, "InvalidProceedsAccount")
          .withArgs(proceedsAccount);
      }
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.None);
    });

    it("refuses a reference already used, open or cancelled (TenderAlreadyExists)", async function () {
      const f = await loadLedger();
      await openTender(f);
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "TenderAlreadyExists")
        .withArgs(TENDER_REF);
      await expect(f.issuance.cancelTender(TENDER_REF)).to.emit(f.issuance, "TenderCancelled").withArgs(TENDER_REF);
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "TenderAlreadyExists")
        .withArgs(TENDER_REF);
    });
  });

  describe("bidding", function () {
    it("records a bid with its index (BidSubmitted)", async function () {
      const f = await loadLedger();
      await openTender(f);
      const harbour = f.issuance.connect(f.participants.harbourBank.signer);
      await approveFor(f, "harbourBank", 200n * P_99_85 + 50n * P_99_80);
      await expect(harbour.submitBid(TENDER_REF, 200n, P_99_85, f.closesAt))
        .to.emit(f.issuance, "BidSubmitted")
        .withArgs(TENDER_REF, f.participants.harbourBank.address, 0n, 200n, P_99_85, f.closesAt);
      await expect(harbour.submitBid(TENDER_REF, 50n, P_99_80, f.closesAt + DAY))
        .to.emit(f.issuance, "BidSubmitted")
        .withArgs(TENDER_REF, f.participants.harbourBank.address, 1n, 50n, P_99_80, f.closesAt + DAY);
    });

    it("refuses a bid from the close on (TenderClosed) and on a tender not open (TenderInWrongState)", async function () {
      const f = await loadLedger();
      const harbour = f.issuance.connect(f.participants.harbourBank.signer);
      const unknown = encodeBytes32String("NO-SUCH-TENDER");
      await expect(harbour.submitBid(unknown, 1n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(unknown, STATE.None);

      await openTender(f);
      await approveFor(f, "harbourBank", 2n * P_99_85);
      await time.setNextBlockTimestamp(f.closesAt - 1n);
      await mined(harbour.submitBid(TENDER_REF, 1n, P_99_85, f.closesAt)); // a second before the close
      await time.setNextBlockTimestamp(f.closesAt);
      await expect(harbour.submitBid(TENDER_REF, 1n, P_99_85, f.closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "TenderClosed")
        .withArgs(TENDER_REF, f.closesAt);
      expect(await f.issuance.bidsOf(TENDER_REF)).to.have.length(1);

      const second = encodeBytes32String("03GB-TENDER-002");
      await openTender(f, { closesAt: f.closesAt + DAY }, second);
      await mined(f.issuance.cancelTender(second));
      await expect(harbour.submitBid(second, 1n, P_99_85, f.closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(second, STATE.Cancelled);
    });

    it("refuses a bid not a multiple of the lot, of zero units or price, or valid only until before the close (InvalidBid)", async function () {
      const f = await loadLedger();
      await openTender(f, { unitsOffered: 200n, minimumLot: 10n });
      const harbour = f.issuance.connect(f.participants.harbourBank.signer);
      const cases: [bigint, bigint, bigint, string][] = [
        [15n, P_99_85, f.closesAt, "units"], // 15 is not a multiple of the lot of 10
        [0n, P_99_85, f.closesAt, "units"],
        [10n, 0n, f.closesAt, "pricePerUnit"],
        [10n, P_99_85, f.closesAt - 1n, "validUntil"],
      ];
      for (const [units, price, validUntil, term] of cases) {
        await expect(harbour.submitBid(TENDER_REF, units, price, validUntil))
          .to.be.revertedWithCustomError(f.issuance, "InvalidBid")
          .withArgs(term);
      }
      expect(await f.issuance.bidsOf(TENDER_REF)).to.have.length(0);
      await approveFor(f, "harbourBank", 20n * P_99_85);
      await mined(harbour.submitBid(TENDER_REF, 20n, P_99_85, f.closesAt)); // two lots, valid until the close
    });

    it("takes at most MAX_BIDS_PER_BIDDER bids from one bidder (TooManyBidsFromBidder)", async function () {
      const f = await loadLedger();
      await openTender(f);
      expect(await f.issuance.MAX_BIDS_PER_BIDDER()).to.equal(5n);
      for (let i = 0; i < 5; i++) await bid(f, "harbourBank", 1n, P_99_85);
      const harbour = f.participants.harbourBank;
      await expect(f.issuance.connect(harbour.signer).submitBid(TENDER_REF, 1n, P_99_85, f.closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "TooManyBidsFromBidder")
        .withArgs(TENDER_REF, harbour.address, 5n);
      // A withdrawn bid still counts: no bidder can churn its way past the cap.
      await mined(f.issuance.connect(harbour.signer).withdrawBid(TENDER_REF, 0n));
      await expect(f.issuance.connect(harbour.signer).submitBid(TENDER_REF, 1n, P_99_85, f.closesAt + DAY)).to.be.revertedWithCustomError(
        f.issuance,
        "TooManyBidsFromBidder",
      );
      // Other bidders are not affected.
      await bid(f, "victoriaBank", 1n, P_99_85);
    });

    it("takes at most MAX_BIDS bids (TooManyBids) and allots all 50", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 50n });
      // Ten banks, five bids each: the three of the ledger and seven more admitted for this test.
      const signers = await ethers.getSigners();
      const kycExpiry = BigInt(await time.latest()) + 365n * DAY;
      const extra = signers.slice(10, 17);
      for (const bank of extra) {
        await mined(f.registry.registerParticipant(bank.address, ParticipantKind.CommercialBank, jurisdictionBytes2("HK"), kycExpiry));
        await mined(f.wcbdc.mint(bank.address, 100_000_000n));
      }
      const bidders = [p.harbourBank.signer, p.victoriaBank.signer, p.lionRockBank.signer, ...extra];
      // Each approves 5 × 4,992,500 = 24,962,500, exactly its five bids of one unit.
      for (const b of bidders) await mined(f.wcbdc.connect(b).approve(f.issuanceAddress, 24_962_500n));
      const before = await book(f);
      for (let i = 0; i < 50; i++) {
        await mined(f.issuance.connect(bidders[i % 10]).submitBid(TENDER_REF, 1n, P_99_85, f.closesAt + DAY));
      }
      await expect(f.issuance.connect(p.hkma.signer).submitBid(TENDER_REF, 1n, P_99_85, f.closesAt + DAY))
        .to.be.revertedWithCustomError(f.issuance, "TooManyBids")
        .withArgs(TENDER_REF, 50n);
      expect(await custody(f)).to.equal(249_625_000n);

      await mined(allot(f));
      // 50 × 4,992,500 = 249,625,000 to HKMA; each bank 5 units for 24,962,500.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -24_962_500n,
        "wHKD:victoriaBank": -24_962_500n,
        "wHKD:lionRockBank": -24_962_500n,
        "wHKD:hkma": 249_625_000n,
        "bond:harbourBank": 5n,
        "bond:victoriaBank": 5n,
        "bond:lionRockBank": 5n,
        "bond:supply": 50n,
      });
      for (const b of extra) expect(await f.bond.balanceOf(b.address)).to.equal(5n);
    });
  });

  describe("withdrawing a bid", function () {
    it("lets only its bidder withdraw it, once, before the close (NotBidder, TenderClosed)", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f);
      await bid(f, "harbourBank", 200n, P_99_85); // bid 0
      await bid(f, "victoriaBank", 100n, P_99_85); // bid 1
      for (const [caller, index] of [
        [p.victoriaBank, 0n], // Harbour's bid
        [p.government, 0n], // not even the issuer
        [p.harbourBank, 2n], // no such bid
      ] as const) {
        await expect(f.issuance.connect(caller.signer).withdrawBid(TENDER_REF, index))
          .to.be.revertedWithCustomError(f.issuance, "NotBidder")
          .withArgs(caller.address, TENDER_REF, index);
      }
      await expect(f.issuance.connect(p.harbourBank.signer).withdrawBid(TENDER_REF, 0n))
        .to.emit(f.issuance, "BidWithdrawn")
        .withArgs(TENDER_REF, p.harbourBank.address, 0n);
      expect((await f.issuance.bidsOf(TENDER_REF))[0].withdrawn).to.equal(true);
      await expect(f.issuance.connect(p.harbourBank.signer).withdrawBid(TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.issuance, "NotBidder")
        .withArgs(p.harbourBank.address, TENDER_REF, 0n);

      await time.setNextBlockTimestamp(f.closesAt);
      await expect(f.issuance.connect(p.victoriaBank.signer).withdrawBid(TENDER_REF, 1n))
        .to.be.revertedWithCustomError(f.issuance, "TenderClosed")
        .withArgs(TENDER_REF, f.closesAt);
      expect((await f.issuance.bidsOf(TENDER_REF))[1].withdrawn).to.equal(false);
    });
  });

  describe("allotment, by hand-computed examples", function () {
    it("undersubscribed: every bid in full at its own price, pro rata ratio 100%", async function () {
      const f = await loadLedger();
      await openTender(f, { unitsOffered: 1_000n });
      const before = await book(f);
      await bid(f, "harbourBank", 200n, P_99_85);
      await bid(f, "victoriaBank", 120n, P_99_80);
      await bid(f, "lionRockBank", 80n, P_99_70);
      // Harbour 200 × 4,992,500 = 998,500,000; Victoria 120 × 4,990,000 = 598,800,000;
      // Lion Rock 80 × 4,985,000 = 398,800,000; in all 1,996,100,000 for 400 units,
      // average 1,996,100,000 / 400 = 4,990,250. 600 of the 1,000 units on offer stay unissued.
      await allotAndCheck(
        f,
        {
          unitsApplied: 400n,
          unitsAllotted: 400n,
          cutoffPrice: P_99_70,
          highestPrice: P_99_85,
          averagePrice: 4_990_250n,
          proRataRatio: FULL,
          proceeds: 1_996_100_000n,
        },
        [
          { bank: "harbourBank", index: 0n, units: 200n, amount: 998_500_000n },
          { bank: "victoriaBank", index: 1n, units: 120n, amount: 598_800_000n },
          { bank: "lionRockBank", index: 2n, units: 80n, amount: 398_800_000n },
        ],
        [200n, 120n, 80n],
      );
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -998_500_000n,
        "wHKD:victoriaBank": -598_800_000n,
        "wHKD:lionRockBank": -398_800_000n,
        "wHKD:hkma": 1_996_100_000n,
        "bond:harbourBank": 200n,
        "bond:victoriaBank": 120n,
        "bond:lionRockBank": 80n,
        "bond:supply": 400n,
      });
    });

    it("price priority: three price levels accepted from the highest down, the level below the cut-off rejected", async function () {
      const f = await loadLedger();
      await openTender(f, { unitsOffered: 650n });
      const before = await book(f);
      // Submitted lowest price first, to show that the order of submission does not rank bids.
      await bid(f, "harbourBank", 100n, P_99_70); // bid 0: below the cut-off
      await bid(f, "lionRockBank", 200n, P_99_80); // bid 1
      await bid(f, "victoriaBank", 150n, P_99_85); // bid 2
      await bid(f, "harbourBank", 300n, P_99_90); // bid 3
      // In custody: 100 × 4,985,000 + 200 × 4,990,000 + 150 × 4,992,500 + 300 × 4,995,000 = 3,743,875,000.
      expect(await custody(f)).to.equal(3_743_875_000n);
      // 99.90%: 300 of 650 → 350 left; 99.85%: 150 → 200 left; 99.80%: 200 → 0 left, in full (ratio 100%);
      // 99.70%: nothing left. Applied 100 + 200 + 150 + 300 = 750.
      // Pays: 300 × 4,995,000 = 1,498,500,000; 150 × 4,992,500 = 748,875,000; 200 × 4,990,000 = 998,000,000;
      // proceeds 3,245,375,000; average 3,245,375,000 / 650 = 4,992,884.6… → 4,992,884.
      await allotAndCheck(
        f,
        {
          unitsApplied: 750n,
          unitsAllotted: 650n,
          cutoffPrice: P_99_80,
          highestPrice: P_99_90,
          averagePrice: 4_992_884n,
          proRataRatio: FULL,
          proceeds: 3_245_375_000n,
        },
        [
          { bank: "harbourBank", index: 3n, units: 300n, amount: 1_498_500_000n },
          { bank: "victoriaBank", index: 2n, units: 150n, amount: 748_875_000n },
          { bank: "lionRockBank", index: 1n, units: 200n, amount: 998_000_000n },
        ],
        [0n, 200n, 150n, 300n],
      );
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -1_498_500_000n, // its 99.70% bid's 498,500,000 came back
        "wHKD:victoriaBank": -748_875_000n,
        "wHKD:lionRockBank": -998_000_000n,
        "wHKD:hkma": 3_245_375_000n,
        "bond:harbourBank": 300n,
        "bond:victoriaBank": 150n,
        "bond:lionRockBank": 200n,
        "bond:supply": 650n,
      });
    });

    it("pro rata at the cut-off, leftover lots one each in submission order", async function () {
      const f = await loadLedger();
      await openTender(f, { unitsOffered: 100n });
      const before = await book(f);
      await bid(f, "harbourBank", 50n, P_99_90); // bid 0: above the cut-off
      await bid(f, "lionRockBank", 40n, P_99_80); // bid 1: at the cut-off
      await bid(f, "victoriaBank", 80n, P_99_70); // bid 2: below it
      await bid(f, "harbourBank", 20n, P_99_80); // bid 3: at the cut-off
      await bid(f, "victoriaBank", 70n, P_99_80); // bid 4: at the cut-off
      // 99.90%: bid 0 in full, 50 → 50 of 100 left. 99.80%: asked 40 + 20 + 70 = 130 > 50, pro rata:
      //   bid 1: floor(40 × 50 / 130) = floor(15.38) = 15
      //   bid 3: floor(20 × 50 / 130) = floor(7.69)  = 7
      //   bid 4: floor(70 × 50 / 130) = floor(26.92) = 26   → 48, leaving 2 lots of 1,
      // one each to the cut-off bids in submission order: bid 1 → 16, bid 3 → 8 (bid 4, though its
      // fraction .92 is the largest, keeps 26). Ratio 50 / 130 = 0.384615… → 384,615.
      // Pays: bid 0 50 × 4,995,000 = 249,750,000; bid 1 16 × 4,990,000 = 79,840,000;
      // bid 3 8 × 4,990,000 = 39,920,000; bid 4 26 × 4,990,000 = 129,740,000;
      // proceeds 499,250,000, average 499,250,000 / 100 = 4,992,500. Applied 50 + 40 + 80 + 20 + 70 = 260.
      await allotAndCheck(
        f,
        {
          unitsApplied: 260n,
          unitsAllotted: 100n,
          cutoffPrice: P_99_80,
          highestPrice: P_99_90,
          averagePrice: 4_992_500n,
          proRataRatio: 384_615n,
          proceeds: 499_250_000n,
        },
        [
          { bank: "harbourBank", index: 0n, units: 50n, amount: 249_750_000n },
          { bank: "lionRockBank", index: 1n, units: 16n, amount: 79_840_000n },
          { bank: "harbourBank", index: 3n, units: 8n, amount: 39_920_000n },
          { bank: "victoriaBank", index: 4n, units: 26n, amount: 129_740_000n },
        ],
        [50n, 16n, 0n, 8n, 26n],
      );
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -289_670_000n, // 249,750,000 + 39,920,000
        "wHKD:victoriaBank": -129_740_000n,
        "wHKD:lionRockBank": -79_840_000n,
        "wHKD:hkma": 499_250_000n,
        "bond:harbourBank": 58n,
        "bond:victoriaBank": 26n,
        "bond:lionRockBank": 16n,
        "bond:supply": 100n,
      });
    });

    it("a minimum lot of 10: pro rata rounded down to whole lots, the leftover lot to the first bid submitted", async function () {
      const f = await loadLedger();
      await openTender(f, { unitsOffered: 200n, minimumLot: 10n });
      const before = await book(f);
      await bid(f, "lionRockBank", 50n, P_99_85); // bid 0
      await bid(f, "victoriaBank", 150n, P_99_85); // bid 1
      await bid(f, "harbourBank", 100n, P_99_85); // bid 2
      // One price level asking 300 for 200: in lots of 10,
      //   bid 0: floor(50 × 200 / 300 / 10) × 10  = floor(3.33) × 10 = 30
      //   bid 1: floor(150 × 200 / 300 / 10) × 10 = floor(10.0) × 10 = 100
      //   bid 2: floor(100 × 200 / 300 / 10) × 10 = floor(6.67) × 10 = 60   → 190, one lot left,
      // which goes to bid 0, the first submitted: 40 (not to bid 2, whose fraction .67 is larger).
      // Ratio 200 / 300 → 666,666. Everyone pays 4,992,500: 40 → 199,700,000; 100 → 499,250,000;
      // 60 → 299,550,000; in all 200 × 4,992,500 = 998,500,000.
      await allotAndCheck(
        f,
        {
          unitsApplied: 300n,
          unitsAllotted: 200n,
          cutoffPrice: P_99_85,
          highestPrice: P_99_85,
          averagePrice: P_99_85,
          proRataRatio: 666_666n,
          proceeds: 998_500_000n,
        },
        [
          { bank: "lionRockBank", index: 0n, units: 40n, amount: 199_700_000n },
          { bank: "victoriaBank", index: 1n, units: 100n, amount: 499_250_000n },
          { bank: "harbourBank", index: 2n, units: 60n, amount: 299_550_000n },
        ],
        [40n, 100n, 60n],
      );
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -299_550_000n,
        "wHKD:victoriaBank": -499_250_000n,
        "wHKD:lionRockBank": -199_700_000n,
        "wHKD:hkma": 998_500_000n,
        "bond:harbourBank": 60n,
        "bond:victoriaBank": 100n,
        "bond:lionRockBank": 40n,
        "bond:supply": 200n,
      });
    });

    it("ignores withdrawn bids and bids no longer valid when the issuer allots, and returns their bidders' cost in full", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 100n });
      const before = await book(f);
      await bid(f, "harbourBank", 60n, P_99_90); // bid 0: withdrawn
      await bid(f, "victoriaBank", 50n, P_99_85, { validUntil: f.closesAt + HOUR }); // bid 1: lapses
      const allotAt = f.closesAt + 2n * HOUR;
      await bid(f, "lionRockBank", 70n, P_99_70, { validUntil: allotAt }); // bid 2: valid to the second
      await mined(f.issuance.connect(p.harbourBank.signer).withdrawBid(TENDER_REF, 0n));
      // Harbour's 60 × 4,995,000 came back at the withdrawal; Victoria's 50 × 4,992,500 = 249,625,000
      // and Lion Rock's 70 × 4,985,000 = 348,950,000 are in custody.
      expect(await custody(f)).to.equal(598_575_000n);

      await time.increaseTo(allotAt - 1n);
      await time.setNextBlockTimestamp(allotAt);
      // Only bid 2 takes part: 70 of 100 in full, 70 × 4,985,000 = 348,950,000.
      await allotAndCheck(
        f,
        {
          unitsApplied: 70n,
          unitsAllotted: 70n,
          cutoffPrice: P_99_70,
          highestPrice: P_99_70,
          averagePrice: P_99_70,
          proRataRatio: FULL,
          proceeds: 348_950_000n,
        },
        [{ bank: "lionRockBank", index: 2n, units: 70n, amount: 348_950_000n }],
        [0n, 0n, 70n],
      );
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:lionRockBank": -348_950_000n,
        "wHKD:hkma": 348_950_000n,
        "bond:lionRockBank": 70n,
        "bond:supply": 70n,
      });
      // Victoria's lapsed bid was returned in full at allotment.
      const refunds = (await f.issuance.queryFilter(f.issuance.filters.BidRefunded(TENDER_REF))).map((e) => [
        e.args.bidder,
        e.args.index,
        e.args.amount,
      ]);
      expect(refunds).to.deep.equal([
        [p.harbourBank.address, 0n, 299_700_000n],
        [p.victoriaBank.address, 1n, 249_625_000n],
      ]);
    });

    it("a re-opening adds to the outstanding amount", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await mined(allot(f));
      // Re-opening: Victoria Bank takes 30 more units at 99.60 (4,980,000): 30 × 4,980,000 = 149,400,000.
      const second = encodeBytes32String("03GB-TENDER-002");
      const closesAt = BigInt(await time.latest()) + DAY;
      await openTender(f, { unitsOffered: 30n, closesAt }, second);
      await bid(f, "victoriaBank", 30n, 4_980_000n, { ref: second, validUntil: closesAt });
      await time.increaseTo(closesAt - 1n);
      await expect(f.issuance.allotTender(second))
        .to.emit(f.issuance, "BondAllotted")
        .withArgs(f.bondAddress, second, p.victoriaBank.address, 0n, 30n, 149_400_000n);
      expect(await f.bond.totalSupply()).to.equal(430n); // 400 + 30
      expect(await f.bond.balanceOf(p.victoriaBank.address)).to.equal(150n); // 120 + 30
      // 1,997,000,000 + 149,400,000 = 2,146,400,000
      expect(await f.wcbdc.balanceOf(p.hkma.address)).to.equal(2_146_400_000n);
      // 120,000,000,000 − 599,100,000 − 149,400,000 = 119,251,500,000
      expect(await f.wcbdc.balanceOf(p.victoriaBank.address)).to.equal(119_251_500_000n);
    });
  });

  describe("who allots, and when", function () {
    it("lets only the issuer allot (NotBondIssuer), not before the close (TenderNotClosed), not twice (TenderInWrongState)", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await time.setNextBlockTimestamp(f.closesAt - 1n);
      await expect(f.issuance.allotTender(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "TenderNotClosed")
        .withArgs(TENDER_REF, f.closesAt);
      await time.increaseTo(f.closesAt);
      const before = await book(f);
      for (const caller of [p.hkma, p.harbourBank]) {
        await expect(f.issuance.connect(caller.signer).allotTender(TENDER_REF))
          .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
          .withArgs(caller.address, f.bondAddress);
        await expect(f.issuance.connect(caller.signer).cancelTender(TENDER_REF))
          .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
          .withArgs(caller.address, f.bondAddress);
      }
      expect(await book(f)).to.deep.equal(before);

      await mined(f.issuance.allotTender(TENDER_REF));
      const allotted = await book(f);
      await expect(f.issuance.allotTender(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(TENDER_REF, STATE.Allotted);
      await expect(f.issuance.cancelTender(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(TENDER_REF, STATE.Allotted);
      expect(await book(f)).to.deep.equal(allotted);
    });

    it("cancels an open tender: nothing is allotted, every bid's cost comes back, and it can neither be allotted nor bid on after", async function () {
      const f = await loadLedger();
      const before = await book(f);
      await threeBankTender(f);
      expect(await custody(f)).to.equal(1_997_000_000n);
      await expect(f.issuance.cancelTender(TENDER_REF))
        .to.emit(f.issuance, "TenderCancelled")
        .withArgs(TENDER_REF)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, f.participants.lionRockBank.address, 2n, 399_400_000n);
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.Cancelled);
      await time.increaseTo(f.closesAt);
      await expect(f.issuance.allotTender(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "TenderInWrongState")
        .withArgs(TENDER_REF, STATE.Cancelled);
      expect(await book(f)).to.deep.equal(before);
    });

    it("stops opening, bidding and allotting while the engine is paused (EnforcedPause); withdrawal and cancellation stay open", async function () {
      const f = await loadLedger();
      const p = f.participants;
      const second = encodeBytes32String("03GB-TENDER-002");
      await openTender(f, { unitsOffered: 400n });
      const start = await book(f);
      await bid(f, "harbourBank", 200n, P_99_85);
      await bid(f, "victoriaBank", 120n, P_99_85);
      await openTender(f, {}, second);
      await mined(f.engine.pause()); // HKMA, the engine's admin

      await expect(f.issuance.openTender(encodeBytes32String("03GB-TENDER-003"), termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "EnforcedPause");
      await expect(f.issuance.connect(p.lionRockBank.signer).submitBid(TENDER_REF, 80n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.issuance, "EnforcedPause");
      await expect(f.issuance.connect(p.victoriaBank.signer).withdrawBid(TENDER_REF, 1n))
        .to.emit(f.issuance, "BidWithdrawn")
        .withArgs(TENDER_REF, p.victoriaBank.address, 1n);
      await expect(f.issuance.cancelTender(second)).to.emit(f.issuance, "TenderCancelled").withArgs(second);
      await time.increaseTo(f.closesAt);
      const before = await book(f);
      await expect(f.issuance.allotTender(TENDER_REF)).to.be.revertedWithCustomError(f.issuance, "EnforcedPause");
      expect(await book(f)).to.deep.equal(before);
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.Open);

      await mined(f.engine.unpause());
      await mined(f.issuance.allotTender(TENDER_REF));
      // Only Harbour's bid stood: 200 × 4,992,500 = 998,500,000; Victoria's came back at its withdrawal.
      expect(changes(start, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -998_500_000n,
        "wHKD:hkma": 998_500_000n,
        "bond:harbourBank": 200n,
        "bond:supply": 200n,
      });
    });
  });

  describe("all or nothing: an allotment one allottee cannot settle moves and mints nothing", function () {
    it("no longer fails for want of cash: an allottee that spends its wCBDC or lowers its approval after bidding is still allotted, from custody", async function () {
      const f = await loadLedger();
      const p = f.participants;
      const start = await book(f);
      await threeBankTender(f);
      // After bidding, Victoria Bank withdraws its approval and Lion Rock Bank pays all its wCBDC away.
      await mined(f.wcbdc.connect(p.victoriaBank.signer).approve(f.issuanceAddress, 0n));
      const rest = await f.wcbdc.balanceOf(p.lionRockBank.address);
      await mined(f.wcbdc.connect(p.lionRockBank.signer).transfer(p.harbourBank.address, rest));
      await mined(allot(f));
      expect(changes(start, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -998_500_000n + rest,
        "wHKD:victoriaBank": -599_100_000n,
        "wHKD:lionRockBank": -399_400_000n - rest,
        "wHKD:hkma": 1_997_000_000n,
        "bond:harbourBank": 200n,
        "bond:victoriaBank": 120n,
        "bond:lionRockBank": 80n,
        "bond:supply": 400n,
      });
    });

    it("fails when an allottee was removed from the participant registry (NotEligible, asset leg): it could not hold the bond", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await mined(f.registry.removeParticipant(p.lionRockBank.address));
      await expectLegFailureMovingNothing(f, {
        reason: "NotEligible",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ParticipantNotRegistered", [p.lionRockBank.address]),
      });
    });

    it("fails when an allottee is frozen in the registry (BLOC, asset leg)", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await mined(f.registry.setFrozen(p.victoriaBank.address, true));
      await expectLegFailureMovingNothing(f, {
        reason: "AccountFrozen",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ParticipantFrozen", [p.victoriaBank.address]),
      });
    });

    it("fails when an allottee is frozen on the bond (BLOC, asset leg)", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lionRockBank.address, true));
      await expectLegFailureMovingNothing(f, {
        reason: "AccountFrozen",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("AccountFrozen", [p.lionRockBank.address]),
      });
    });

    it("fails while the registrar has paused the bond (Paused)", async function () {
      const f = await loadLedger();
      await threeBankTender(f);
      await mined(f.bond.connect(f.participants.hkma.signer).pause());
      await expectLegFailureMovingNothing(f, {
        reason: "Paused",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("EnforcedPause", []),
      });
    });

    it("fails when the issuer has removed the tender contract's ISSUER_ROLE (TokenRejected, with the AccessControl error)", async function () {
      const f = await loadLedger();
      await threeBankTender(f);
      const issuerRole = await f.bond.ISSUER_ROLE();
      await mined(f.bond.revokeRole(issuerRole, f.issuanceAddress)); // `bond` is connected as the Government
      await expectLegFailureMovingNothing(f, {
        reason: "TokenRejected",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("AccessControlUnauthorizedAccount", [
          f.issuanceAddress,
          issuerRole,
        ]),
      });
    });

    it("left until the maturity date, long after the allotment window, fails: the tender lapsed (TenderAllotmentLapsed), nothing moved", async function () {
      // A maturity inside the window fails the mint itself (Matured): test/security/TenderCustodyAttacks.ts, T20-5.
      const f = await loadLedger();
      const maturity = await f.bond.maturityDate();
      await openTender(f, { unitsOffered: 400n });
      await bid(f, "harbourBank", 200n, P_99_85, { validUntil: maturity + DAY });
      await time.increaseTo(maturity);
      const before = await book(f);
      await expect(allot(f))
        .to.be.revertedWithCustomError(f.issuance, "TenderAllotmentLapsed")
        .withArgs(TENDER_REF, (await f.issuance.tenderOf(TENDER_REF)).terms.closesAt + (await f.issuance.ALLOTMENT_WINDOW()));
      expect(await book(f)).to.deep.equal(before);
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.Open);
    });
  });

  describe("firm bids: custody at the bid, exact refunds, parked refunds (finding S2b)", function () {
    it("refuses a bid its bidder has not approved (MissingApproval) or cannot pay (MONY), recording and moving nothing", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 20_000n });
      const before = await book(f);
      const asHarbour = f.issuance.connect(p.harbourBank.signer);
      // No allowance at all: 100 × 4,992,500 = 499,250,000 asked of an allowance of 0.
      await expect(asHarbour.submitBid(TENDER_REF, 100n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(
          reasonOf("MissingApproval"),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.issuanceAddress, 0n, 499_250_000n]),
        );
      // An allowance one minor unit short.
      await approveFor(f, "harbourBank", 499_250_000n - 1n);
      await expect(asHarbour.submitBid(TENDER_REF, 100n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(
          reasonOf("MissingApproval"),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.issuanceAddress, 499_250_000n - 1n, 499_250_000n]),
        );
      // Lion Rock Bank approves 20,000 × 4,992,500 = 99,850,000,000, more than its 80,000,000,000.
      await approveFor(f, "lionRockBank", 99_850_000_000n);
      await expect(f.issuance.connect(p.lionRockBank.signer).submitBid(TENDER_REF, 20_000n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(
          reasonOf("InsufficientCash"),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [p.lionRockBank.address, OPENING_WCBDC.lionRockBank, 99_850_000_000n]),
        );
      expect(await book(f)).to.deep.equal(before);
      expect(await f.issuance.bidsOf(TENDER_REF)).to.have.length(0);
    });

    it("refuses a bid while the tender contract is not approved to hold wCBDC (HolderNotWholesale), moving nothing", async function () {
      const f = await loadLedger();
      await openTender(f);
      await mined(f.wcbdc.setSettlementContract(f.issuanceAddress, false)); // HKMA withdraws its approval
      await approveFor(f, "harbourBank", 10n * P_99_85);
      const before = await book(f);
      await expect(f.issuance.connect(f.participants.harbourBank.signer).submitBid(TENDER_REF, 10n, P_99_85, f.closesAt))
        .to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale")
        .withArgs(f.issuanceAddress, BigInt(ParticipantKind.Infrastructure));
      expect(await book(f)).to.deep.equal(before);
    });

    it("returns a withdrawn bid's cost and a rejected bid's cost exactly (BidRefunded)", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 400n });
      const before = await book(f);
      await bid(f, "harbourBank", 200n, P_99_85); // bid 0: 998,500,000
      await bid(f, "victoriaBank", 120n, P_99_80); // bid 1: 598,800,000
      await expect(f.issuance.connect(p.harbourBank.signer).withdrawBid(TENDER_REF, 0n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, p.harbourBank.address, 0n, 998_500_000n);
      await expect(f.issuance.rejectBid(TENDER_REF, 1n))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, p.victoriaBank.address, 1n, 598_800_000n);
      expect(await book(f)).to.deep.equal(before);
      // A rejected bid cannot be withdrawn too (its cost came back once).
      await expect(f.issuance.connect(p.victoriaBank.signer).withdrawBid(TENDER_REF, 1n))
        .to.be.revertedWithCustomError(f.issuance, "NotBidder")
        .withArgs(p.victoriaBank.address, TENDER_REF, 1n);
      expect(await custody(f)).to.equal(0n);
    });

    it("at allotment pays the proceeds from custody and returns each bid's unallotted cost; the contract keeps nothing", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 150n });
      const before = await book(f);
      await bid(f, "victoriaBank", 100n, P_99_90); // bid 0: 499,500,000, allotted in full
      await bid(f, "harbourBank", 100n, P_99_70); // bid 1: 498,500,000, cut back to 50
      await bid(f, "lionRockBank", 40n, P_99_70, { validUntil: f.closesAt }); // bid 2: lapses before allotment
      expect(await custody(f)).to.equal(499_500_000n + 498_500_000n + 199_400_000n);
      await time.increaseTo(f.closesAt + HOUR);
      // Harbour gets 50 of its 100 (Lion Rock's bid lapsed): pays 249,250,000, gets 249,250,000 back;
      // Lion Rock gets its 40 × 4,985,000 = 199,400,000 back.
      await expect(f.issuance.allotTender(TENDER_REF))
        .to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, p.harbourBank.address, 1n, 249_250_000n)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, p.lionRockBank.address, 2n, 199_400_000n);
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -249_250_000n,
        "wHKD:victoriaBank": -499_500_000n,
        "wHKD:hkma": 748_750_000n,
        "bond:harbourBank": 50n,
        "bond:victoriaBank": 100n,
        "bond:supply": 150n,
      });
      expect(await custody(f)).to.equal(0n);
    });

    it("parks the refund of a bidder frozen on wCBDC since it bid, allots everyone else, and lets the bidder claim it once unfrozen", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f, { unitsOffered: 150n });
      const before = await book(f);
      await bid(f, "victoriaBank", 100n, P_99_90); // bid 0: in full
      await bid(f, "harbourBank", 100n, P_99_70); // bid 1: cut back to 50
      await mined(f.wcbdc.setFrozen(p.harbourBank.address, true)); // HKMA freezes Harbour Bank on wCBDC
      await time.increaseTo(f.closesAt);
      // Harbour, frozen on wCBDC only, still receives its 50 units (paid from custody); its
      // 249,250,000 refund is parked.
      await expect(f.issuance.allotTender(TENDER_REF))
        .to.emit(f.issuance, "BidRefundParked")
        .withArgs(TENDER_REF, p.harbourBank.address, 1n, 249_250_000n)
        .and.not.to.emit(f.issuance, "BidRefunded");
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -498_500_000n,
        "wHKD:victoriaBank": -499_500_000n,
        "wHKD:hkma": 748_750_000n,
        "wHKD:issuance": 249_250_000n,
        "bond:harbourBank": 50n,
        "bond:victoriaBank": 100n,
        "bond:supply": 150n,
      });
      // The invariant: after allotment the contract holds exactly the parked refunds.
      expect(await f.issuance.refundOf(TENDER_REF, p.harbourBank.address)).to.equal(249_250_000n);
      expect(await custody(f)).to.equal(249_250_000n);

      // While frozen the claim fails with wCBDC's reason and moves nothing.
      const frozen = await book(f);
      await expect(f.issuance.connect(p.harbourBank.signer).claimRefund(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed")
        .withArgs(
          reasonOf("AccountFrozen"),
          LEG.Cash,
          f.wcbdcAddress,
          f.wcbdc.interface.encodeErrorResult("AccountFrozen", [p.harbourBank.address]),
        );
      // Nobody else can claim it, not even to themselves.
      await expect(f.issuance.connect(p.victoriaBank.signer).claimRefund(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "BidRefundNotOwed")
        .withArgs(TENDER_REF, p.victoriaBank.address);
      expect(await book(f)).to.deep.equal(frozen);

      await mined(f.wcbdc.setFrozen(p.harbourBank.address, false));
      await expect(f.issuance.connect(p.harbourBank.signer).claimRefund(TENDER_REF))
        .to.emit(f.issuance, "BidRefundClaimed")
        .withArgs(TENDER_REF, p.harbourBank.address, 249_250_000n);
      expect(changes(frozen, await book(f))).to.deep.equal({
        "wHKD:harbourBank": 249_250_000n,
        "wHKD:issuance": -249_250_000n,
      });
      expect(await f.issuance.refundOf(TENDER_REF, p.harbourBank.address)).to.equal(0n);
      expect(await custody(f)).to.equal(0n);
      await expect(f.issuance.connect(p.harbourBank.signer).claimRefund(TENDER_REF))
        .to.be.revertedWithCustomError(f.issuance, "BidRefundNotOwed")
        .withArgs(TENDER_REF, p.harbourBank.address);
    });

    it("cancels a tender with a frozen bidder: the others are refunded, its refund parked; claimable while the engine is paused", async function () {
      const f = await loadLedger();
      const p = f.participants;
      const before = await book(f);
      await threeBankTender(f);
      await mined(f.registry.setFrozen(p.victoriaBank.address, true)); // frozen in the registry, on every token
      await expect(f.issuance.cancelTender(TENDER_REF))
        .to.emit(f.issuance, "BidRefundParked")
        .withArgs(TENDER_REF, p.victoriaBank.address, 1n, 599_100_000n)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, p.harbourBank.address, 0n, 998_500_000n);
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": -599_100_000n,
        "wHKD:issuance": 599_100_000n,
      });
      expect(await custody(f)).to.equal(await f.issuance.refundOf(TENDER_REF, p.victoriaBank.address));
      await mined(f.registry.setFrozen(p.victoriaBank.address, false));
      await mined(f.engine.pause());
      await mined(f.issuance.connect(p.victoriaBank.signer).claimRefund(TENDER_REF));
      expect(await book(f)).to.deep.equal(before);
    });

    it("refuses a claim where nothing is owed (BidRefundNotOwed), an unknown tender included", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await threeBankTender(f);
      await mined(allot(f));
      for (const ref of [TENDER_REF, encodeBytes32String("NO-SUCH-TENDER")]) {
        await expect(f.issuance.connect(p.harbourBank.signer).claimRefund(ref))
          .to.be.revertedWithCustomError(f.issuance, "BidRefundNotOwed")
          .withArgs(ref, p.harbourBank.address);
      }
      expect(await custody(f)).to.equal(0n);
    });

    it("withdrawing a bid while frozen on wCBDC parks its cost instead of refusing the withdrawal", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await openTender(f);
      await bid(f, "lionRockBank", 10n, P_99_85);
      await mined(f.wcbdc.setFrozen(p.lionRockBank.address, true));
      await expect(f.issuance.connect(p.lionRockBank.signer).withdrawBid(TENDER_REF, 0n))
        .to.emit(f.issuance, "BidRefundParked")
        .withArgs(TENDER_REF, p.lionRockBank.address, 0n, 10n * P_99_85);
      expect(await f.issuance.refundOf(TENDER_REF, p.lionRockBank.address)).to.equal(10n * P_99_85);
      expect(await custody(f)).to.equal(10n * P_99_85);
    });
  });

  describe("regressions", function () {
    it("finding 1: a caller-supplied bond contract cannot make the tender debit anyone", async function () {
      const f = await loadLedger();
      const p = f.participants;
      // The attack: a participant deploys its own bond contract whose issuer() is itself and whose
      // cashToken() is the real wCBDC, and "allots" it to banks that gave standing allowances. Here
      // Kowloon Dealer deploys a genuine GovernmentBond naming itself issuer and registrar.
      const attacker = p.kowloonDealer;
      const terms = f.bondTerms;
      const fake = await new GovernmentBond__factory(attacker.signer).deploy(
        {
          isin: terms.isin,
          issueNumber: terms.issueNumber,
          currency: terms.currency,
          cashToken: f.wcbdcAddress,
          denomination: terms.denomination,
          couponRateBps: terms.couponRateBps,
          couponFrequency: terms.couponFrequency,
          dayCount: terms.dayCount,
          issueDate: terms.issueDate,
          couponDates: [...terms.couponDates],
        },
        "Not a Government Bond",
        "FAKE",
        await f.registry.getAddress(),
        attacker.address,
        attacker.address,
      );
      const fakeAddress = await fake.getAddress();
      expect(await fake.issuer()).to.equal(attacker.address);
      expect(await fake.cashToken()).to.equal(f.wcbdcAddress);
      const mock = await new ERC20Mock__factory(attacker.signer).deploy("Not a Bond", "NOPE");
      const mockAddress = await mock.getAddress();

      // Every bank stands ready to be debited: unlimited allowances to the engine (from deployment)
      // and to the tender contract.
      for (const bank of [p.harbourBank, p.victoriaBank, p.lionRockBank]) {
        await mined(f.wcbdc.connect(bank.signer).approve(f.issuanceAddress, MaxUint256));
        expect(await f.wcbdc.allowance(bank.address, f.engineAddress)).to.equal(MaxUint256);
      }
      const before = await book(f);

      const asAttacker = f.issuance.connect(attacker.signer);
      for (const asset of [fakeAddress, mockAddress, f.wcbdcAddress]) {
        await expect(asAttacker.openTender(TENDER_REF, termsOf(f, { bond: asset, proceedsAccount: attacker.address })))
          .to.be.revertedWithCustomError(f.issuance, "AssetNotRegistered")
          .withArgs(asset);
      }
      // Nor can it open a tender of the registered green bond, whose registered issuer it is not.
      await expect(asAttacker.openTender(TENDER_REF, termsOf(f, { proceedsAccount: attacker.address })))
        .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
        .withArgs(attacker.address, f.bondAddress);
      // The Government, a registered issuer, cannot tender an unregistered bond either.
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f, { bond: fakeAddress })))
        .to.be.revertedWithCustomError(f.issuance, "AssetNotRegistered")
        .withArgs(fakeAddress);

      expect(await book(f)).to.deep.equal(before);
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(STATE.None);
      expect(await fake.totalSupply()).to.equal(0n);
    });

    it("finding 1 and S6: who may tender a bond is named by the engine's asset register and the bond's own issuer() together: re-registered under another issuer, neither may", async function () {
      const f = await loadLedger();
      const p = f.participants;
      const other = f.outsider;
      const kycExpiry = BigInt(await time.latest()) + 365n * DAY;
      await mined(f.registry.registerParticipant(other.address, ParticipantKind.Issuer, jurisdictionBytes2("HK"), kycExpiry));
      // HKMA, as registrar of securities, re-registers the green bond under another issuer.
      await mined(f.engine.registerAsset(f.bondAddress, other.address, f.wcbdcAddress));
      expect((await f.engine.assetLine(f.bondAddress)).issuer).to.equal(other.address);
      expect(await f.bond.issuer()).to.equal(p.government.address);

      // The Government is no longer the registered issuer; the registrar's nominee is not the bond's.
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
        .withArgs(p.government.address, f.bondAddress);
      await expect(f.issuance.connect(other).openTender(TENDER_REF, termsOf(f)))
        .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
        .withArgs(other.address, f.bondAddress);
      expect((await f.issuance.tenderOf(TENDER_REF)).state).to.equal(0n);
      // Registered back under the Government, the Government tenders it again.
      await mined(f.engine.registerAsset(f.bondAddress, p.government.address, f.wcbdcAddress));
      await expect(f.issuance.openTender(TENDER_REF, termsOf(f))).to.emit(f.issuance, "TenderOpened");
    });

    it("finding 1: a bank with standing wCBDC allowances to the engine and the tender contract is not debited by a tender it did not bid in", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await mined(f.wcbdc.connect(p.harbourBank.signer).approve(f.issuanceAddress, MaxUint256));
      expect(await f.wcbdc.allowance(p.harbourBank.address, f.engineAddress)).to.equal(MaxUint256);
      await openTender(f, { unitsOffered: 400n });
      const before = await book(f);
      await bid(f, "victoriaBank", 120n, P_99_85);
      await mined(allot(f));
      // Only Victoria's bid: 120 × 4,992,500 = 599,100,000.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:victoriaBank": -599_100_000n,
        "wHKD:hkma": 599_100_000n,
        "bond:victoriaBank": 120n,
        "bond:supply": 120n,
      });
      expect(await f.wcbdc.allowance(p.harbourBank.address, f.issuanceAddress)).to.equal(MaxUint256);
      expect(await f.wcbdc.allowance(p.harbourBank.address, f.engineAddress)).to.equal(MaxUint256);
    });

    it("finding 2: allotment debits a bidder only up to its own bid at no more than its own price", async function () {
      const f = await loadLedger();
      const p = f.participants;
      // Harbour Bank (HKD 1.5bn) and Lion Rock Bank give the tender contract unlimited allowances;
      // Lion Rock never bids.
      for (const bank of [p.harbourBank, p.lionRockBank]) {
        await mined(f.wcbdc.connect(bank.signer).approve(f.issuanceAddress, MaxUint256));
      }
      await openTender(f, { unitsOffered: 1_000n });
      const before = await book(f);
      await mined(f.issuance.connect(p.harbourBank.signer).submitBid(TENDER_REF, 100n, P_99_70, f.closesAt + DAY));
      // The bid took exactly 100 × 4,985,000 of Harbour's unlimited allowance, and nothing of Lion Rock's.
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -498_500_000n,
        "wHKD:issuance": 498_500_000n,
      });
      await bid(f, "victoriaBank", 200n, P_99_90);
      // Undersubscribed (300 of 1,000): Harbour gets its 100, not one unit more, at its own 4,985,000
      // (not Victoria's 4,995,000): 498,500,000; Victoria 200 × 4,995,000 = 999,000,000.
      await mined(allot(f));
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -498_500_000n,
        "wHKD:victoriaBank": -999_000_000n,
        "wHKD:hkma": 1_497_500_000n,
        "bond:harbourBank": 100n,
        "bond:victoriaBank": 200n,
        "bond:supply": 300n,
      });
      expect(await f.wcbdc.allowance(p.lionRockBank.address, f.issuanceAddress)).to.equal(MaxUint256);
    });

    it("finding 2: a bid cut back at the cut-off pays for the units allotted only, at its own price", async function () {
      const f = await loadLedger();
      const p = f.participants;
      await mined(f.wcbdc.connect(p.harbourBank.signer).approve(f.issuanceAddress, MaxUint256));
      await openTender(f, { unitsOffered: 150n });
      const before = await book(f);
      await bid(f, "victoriaBank", 100n, P_99_90);
      await mined(f.issuance.connect(p.harbourBank.signer).submitBid(TENDER_REF, 100n, P_99_70, f.closesAt + DAY));
      // Victoria 100 in full; 50 left for Harbour's 100 at the cut-off: floor(100 × 50 / 100) = 50,
      // 50 × 4,985,000 = 249,250,000 (of the 498,500,000 in custody, 249,250,000 come back).
      // Victoria 100 × 4,995,000 = 499,500,000.
      await mined(allot(f));
      expect(changes(before, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -249_250_000n,
        "wHKD:victoriaBank": -499_500_000n,
        "wHKD:hkma": 748_750_000n,
        "bond:harbourBank": 50n,
        "bond:victoriaBank": 100n,
        "bond:supply": 150n,
      });
      const result = await f.issuance.tenderResult(TENDER_REF);
      expect([result.cutoffPrice, result.proRataRatio]).to.deep.equal([P_99_70, 500_000n]); // 50 / 100
    });
  });

  describe("the register and the bidders, checked at each step (lifecycle review findings)", function () {
    it("does not allot a tender of a bond the registrar deregistered after the opening (AssetNotRegistered)", async function () {
      const f = await loadLedger();
      await threeBankTender(f);
      await mined(f.engine.deregisterAsset(f.bondAddress));
      const before = await book(f);
      await expect(allot(f)).to.be.revertedWithCustomError(f.issuance, "AssetNotRegistered").withArgs(f.bondAddress);
      expect(await book(f)).to.deep.equal(before);
    });

    it("does not let an issuer the registrar replaced allot the tender it opened before (NotBondIssuer)", async function () {
      const f = await loadLedger();
      await threeBankTender(f);
      const kycExpiry = BigInt(await time.latest()) + 365n * DAY;
      await mined(
        f.registry.registerParticipant(f.outsider.address, ParticipantKind.Issuer, jurisdictionBytes2("HK"), kycExpiry),
      );
      await mined(f.engine.registerAsset(f.bondAddress, f.outsider.address, f.wcbdcAddress));
      const before = await book(f);
      await expect(allot(f))
        .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
        .withArgs(f.participants.government.address, f.bondAddress);
      expect(await book(f)).to.deep.equal(before);
    });

    it("refuses a bid from an account not eligible in the participant registry, with the token's own error", async function () {
      const f = await loadLedger();
      await openTender(f);
      await expect(f.issuance.connect(f.outsider).submitBid(TENDER_REF, 1n, P_99_90, f.closesAt))
        .to.be.revertedWithCustomError(f.registry, "ParticipantNotRegistered")
        .withArgs(f.outsider.address);
    });

    it("refuses a bid from a participant that may not pay in central-bank money (a dealer: HolderNotWholesale)", async function () {
      const f = await loadLedger();
      await openTender(f);
      const dealer = f.participants.kowloonDealer;
      await expect(f.issuance.connect(dealer.signer).submitBid(TENDER_REF, 1n, P_99_90, f.closesAt))
        .to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale")
        .withArgs(dealer.address, BigInt(ParticipantKind.Dealer));
    });

    it("refuses a bid from a bank frozen on the bond (AccountFrozen), which could not receive the units", async function () {
      const f = await loadLedger();
      await openTender(f);
      const harbour = f.participants.harbourBank;
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(harbour.address, true));
      await expect(f.issuance.connect(harbour.signer).submitBid(TENDER_REF, 1n, P_99_90, f.closesAt))
        .to.be.revertedWithCustomError(f.bond, "AccountFrozen")
        .withArgs(harbour.address);
    });

    it("lets the issuer reject a bid whose bidder can no longer hold the bond, return its cost, and allot the rest (BidRejected)", async function () {
      const f = await loadLedger();
      const start = await book(f);
      await threeBankTender(f);
      // Lion Rock Bank is frozen on the bond after bidding: the all-or-nothing allotment would fail.
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(f.participants.lionRockBank.address, true));
      await time.increaseTo(f.closesAt);
      await expect(f.issuance.allotTender(TENDER_REF)).to.be.revertedWithCustomError(f.issuance, "SettlementLegFailed");
      await expect(f.issuance.rejectBid(TENDER_REF, 2n))
        .to.emit(f.issuance, "BidRejected")
        .withArgs(TENDER_REF, f.participants.lionRockBank.address, 2n)
        .and.to.emit(f.issuance, "BidRefunded")
        .withArgs(TENDER_REF, f.participants.lionRockBank.address, 2n, 399_400_000n);
      await expect(f.issuance.rejectBid(TENDER_REF, 2n)).to.be.revertedWithCustomError(f.issuance, "BidNotLive").withArgs(TENDER_REF, 2n);
      await expect(f.issuance.connect(f.participants.harbourBank.signer).rejectBid(TENDER_REF, 0n))
        .to.be.revertedWithCustomError(f.issuance, "NotBondIssuer")
        .withArgs(f.participants.harbourBank.address, f.bondAddress);
      await mined(f.issuance.allotTender(TENDER_REF));
      // Harbour 200 and Victoria 120 at 4,992,500; Lion Rock's rejected bid takes no part, its cost came back.
      expect(changes(start, await book(f))).to.deep.equal({
        "wHKD:harbourBank": -998_500_000n,
        "wHKD:victoriaBank": -599_100_000n,
        "wHKD:hkma": 1_597_600_000n,
        "bond:harbourBank": 200n,
        "bond:victoriaBank": 120n,
        "bond:supply": 320n,
      });
      expect((await f.issuance.bidsOf(TENDER_REF))[2].rejected).to.equal(true);
    });
  });
});
