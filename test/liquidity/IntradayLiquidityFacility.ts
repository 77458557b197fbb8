import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import { deployLiquidityLedger, type LiquidityLedger } from "../../src/chain/deploy-liquidity.js";
import { LIQUIDITY_TERMS } from "../../src/domain/liquidity.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { connection, ethers, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * The HKMA's intraday liquidity facility and Discount Window (contracts/liquidity/IntradayLiquidityFacility.sol).
 *
 * The ledger is deployed at a fixed time so every figure is worked out by hand:
 *
 *   deployed   Mon 2 Mar 2037 00:30 UTC (08:30 HKT)   2 119 566 600
 *   cut-off    Mon 2 Mar 2037 09:30 UTC (17:30 HKT)   2 119 599 000  = HKT midnight 2 119 536 000 + 63 000
 *   next day   Tue 3 Mar 2037 01:00 UTC (09:00 HKT)   2 119 654 800
 *   Friday     Fri 6 Mar 2037 00:30 UTC (08:30 HKT)   2 119 912 200, cut-off 2 119 944 600
 *   Monday     Mon 9 Mar 2037 01:00 UTC (09:00 HKT)   2 120 173 200  (3 calendar days after Friday)
 *
 * The bond is listed at its face, HK$50,000 a unit (5,000,000 cents), with a 2% haircut: the lending
 * value of 200 units is 200 × 5,000,000 × 9,800 / 10,000 = 980,000,000 cents (HKD 9,800,000.00).
 * The Discount Window rate is Base Rate 4.00% + 1.00% = 5.00%; interest on 980,000,000 cents:
 *   one night:  980,000,000 × 500 × 1 / 3,650,000 = 134,246.57… → rounded up 134,247 (HKD 1,342.47)
 *   Fri → Mon:  980,000,000 × 500 × 3 / 3,650,000 = 402,739.72… → rounded up 402,740 (HKD 4,027.40)
 */

const { time } = networkHelpers;
const DEPLOY_TIME = 2_119_566_600;
const CUT_OFF = 2_119_599_000n;
const NEXT_MORNING = 2_119_654_800;
const FRIDAY = 2_119_912_200;
const FRIDAY_CUT_OFF = 2_119_944_600;
const MONDAY = 2_120_173_200;

const FACE = 5_000_000n;
const UNITS = 200n;
const LENDING_VALUE = 980_000_000n;
const ONE_NIGHT = 134_247n;
const WEEKEND = 402_740n;

const DAY = 86_400n;
const HARBOUR_BONDS = 1_000n;
const LION_ROCK_BONDS = 400n;
const HARBOUR_CASH = 10_000_000_00n; // HKD 10,000,000.00
const STATUS = { None: 0n, Intraday: 1n, Overnight: 2n, Reversed: 3n, ClosedOut: 4n } as const;
const NEVER = 2n ** 64n - 1n;

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

interface Fixture {
  readonly ledger: LiquidityLedger;
  readonly bond: string;
  readonly facility: string;
}

async function liquidityLedger(): Promise<Fixture> {
  const now = await time.latest();
  if (now >= DEPLOY_TIME) throw new Error(`the chain's clock (${now}) is past the fixed deployment time ${DEPLOY_TIME}`);
  await time.increaseTo(DEPLOY_TIME);
  const ledger = await deployLiquidityLedger(connection);
  const p = ledger.participants;
  await mined(ledger.bond.mint(p.harbourBank.address, HARBOUR_BONDS));
  await mined(ledger.bond.mint(p.lionRockBank.address, LION_ROCK_BONDS));
  await mined(ledger.wcbdc.mint(p.harbourBank.address, HARBOUR_CASH));
  return { ledger, bond: await ledger.bond.getAddress(), facility: await ledger.facility.getAddress() };
}

const load = (): Promise<Fixture> => networkHelpers.loadFixture(liquidityLedger);

/** Balances of the accounts every test watches: bonds and wHKD of both banks, the facility and the HKMA. */
async function snapshot(f: Fixture): Promise<readonly bigint[]> {
  const { ledger } = f;
  const p = ledger.participants;
  const accounts = [p.harbourBank.address, p.lionRockBank.address, p.victoriaBank.address, f.facility, p.hkma.address];
  return Promise.all([
    ...accounts.map((a) => ledger.bond.balanceOf(a)),
    ...accounts.map((a) => ledger.wcbdc.balanceOf(a)),
    ledger.facility.custodyOf(f.bond),
  ]);
}

/** Harbour Bank repos `units` for `amount` (approving exactly the units first). */
async function harbourRepos(f: Fixture, units = UNITS, amount = LENDING_VALUE): Promise<ContractTransactionResponse> {
  const bank = f.ledger.participants.harbourBank.signer;
  await mined(f.ledger.bond.connect(bank).approve(f.facility, units));
  return f.ledger.facility.connect(bank).repo(f.bond, units, amount);
}

/** `bank` approves exactly what repo `id` costs now (plus `extra`) and reverses it. */
async function reverseAs(f: Fixture, bank: "harbourBank" | "lionRockBank", id: bigint, approve: bigint): Promise<ContractTransactionResponse> {
  const signer = f.ledger.participants[bank].signer;
  await mined(f.ledger.wcbdc.connect(signer).approve(f.facility, approve));
  return f.ledger.facility.connect(signer).reverse(id);
}

describe("IntradayLiquidityFacility", () => {
  describe("wiring", () => {
    it("lists the bond at its face with the 2% haircut, at 4.00% + 1.00%, cut-off 17:30 HKT, funded from the HKMA's account", async () => {
      const f = await load();
      const { facility, participants: p } = f.ledger;
      const terms = await facility.collateralTerms(f.bond);
      expect([terms.listed, terms.pricePerUnit, terms.haircutBps]).to.deep.equal([true, FACE, 200n]);
      expect(terms.maturesAt, "the bond's maturity, read when listed").to.equal(await f.ledger.bond.maturityDate());
      expect(await facility.lendingValue(f.bond, UNITS)).to.equal(LENDING_VALUE);
      expect(await facility.discountWindowRate()).to.equal(500n);
      expect(await facility.cutOff()).to.equal(BigInt(LIQUIDITY_TERMS.cutOffSeconds));
      expect(await facility.cutOffOf(DEPLOY_TIME)).to.equal(CUT_OFF);
      expect(await facility.fundingAccount()).to.equal(p.hkma.address);
      expect(await f.ledger.wcbdc.allowance(p.hkma.address, f.facility)).to.equal(LIQUIDITY_TERMS.facilitySize);
      expect((await f.ledger.registry.participantOf(f.facility)).kind).to.equal(BigInt(ParticipantKind.Infrastructure));
    });
  });

  describe("intraday repo", () => {
    it("moves the paper into custody and the cash from the HKMA to the bank, in one transaction", async () => {
      const f = await load();
      const p = f.ledger.participants;
      const before = await snapshot(f);
      const tx = await harbourRepos(f);
      await expect(tx)
        .to.emit(f.ledger.facility, "IntradayRepoOpened")
        .withArgs(1n, p.harbourBank.address, f.bond, UNITS, LENDING_VALUE, CUT_OFF);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.bond, [p.harbourBank.address, f.facility], [-UNITS, UNITS]);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.wcbdc, [p.harbourBank.address, p.hkma.address], [LENDING_VALUE, -LENDING_VALUE]);
      const after = await snapshot(f);
      expect(after[10]).to.equal(before[10] + UNITS);
      const r = await f.ledger.facility.repoOf(1n);
      expect([r.bank, r.collateral, r.status, r.units, r.principal, r.cutOffAt]).to.deep.equal([
        p.harbourBank.address, f.bond, STATUS.Intraday, UNITS, LENDING_VALUE, CUT_OFF,
      ]);
      expect(await f.ledger.facility.amountOwed(1n)).to.equal(LENDING_VALUE);
    });

    it("refuses paper the HKMA has not listed (a tokenized deposit), and nothing moves", async () => {
      const f = await load();
      const p = f.ledger.participants;
      const deposit = await f.ledger.deposits.harbourBank.getAddress();
      const before = await snapshot(f);
      await expect(f.ledger.facility.connect(p.harbourBank.signer).repo(deposit, 1n, 1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "CollateralNotEligible")
        .withArgs(deposit);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses more units than the bank holds", async () => {
      const f = await load();
      const p = f.ledger.participants;
      const before = await snapshot(f);
      await expect(harbourRepos(f, HARBOUR_BONDS + 1n, 1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoInsufficientCollateral")
        .withArgs(p.harbourBank.address, f.bond, HARBOUR_BONDS, HARBOUR_BONDS + 1n);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses cash above the paper's value less the haircut (one cent over)", async () => {
      const f = await load();
      const before = await snapshot(f);
      await expect(harbourRepos(f, UNITS, LENDING_VALUE + 1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoAmountOverLendingValue")
        .withArgs(f.bond, UNITS, LENDING_VALUE + 1n, LENDING_VALUE);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses zero units or zero cash", async () => {
      const f = await load();
      const before = await snapshot(f);
      await expect(harbourRepos(f, 0n, 1n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoZeroAmount").withArgs(0n, 1n);
      await expect(harbourRepos(f, 1n, 0n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoZeroAmount").withArgs(1n, 0n);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("lends only to commercial banks: a dealer is refused", async () => {
      const f = await load();
      const dealer = f.ledger.participants.kowloonDealer;
      await expect(f.ledger.facility.connect(dealer.signer).repo(f.bond, 1n, 1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "LiquidityNotABank")
        .withArgs(dealer.address, BigInt(ParticipantKind.Dealer));
    });

    it("is closed from the cut-off: a repo at 17:30 HKT is refused", async () => {
      const f = await load();
      const before = await snapshot(f);
      await time.setNextBlockTimestamp(CUT_OFF - 1n); // the approval
      await expect(harbourRepos(f))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoAfterCutOff")
        .withArgs(CUT_OFF, CUT_OFF);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("moves nothing when the HKMA's funding allowance does not cover the cash", async () => {
      const f = await load();
      await mined(f.ledger.wcbdc.approve(f.facility, LENDING_VALUE - 1n));
      const before = await snapshot(f);
      await expect(harbourRepos(f))
        .to.be.revertedWithCustomError(f.ledger.wcbdc, "ERC20InsufficientAllowance")
        .withArgs(f.facility, LENDING_VALUE - 1n, LENDING_VALUE);
      expect(await snapshot(f)).to.deep.equal(before);
    });
  });

  describe("same-day reversal", () => {
    it("repays exactly the cash and returns the paper, in one transaction", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await mined(harbourRepos(f));
      const tx = await reverseAs(f, "harbourBank", 1n, LENDING_VALUE);
      await expect(tx).to.emit(f.ledger.facility, "RepoReversed").withArgs(1n, p.harbourBank.address, f.bond, UNITS, LENDING_VALUE, 0n);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.bond, [p.harbourBank.address, f.facility], [UNITS, -UNITS]);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.wcbdc, [p.harbourBank.address, p.hkma.address], [-LENDING_VALUE, LENDING_VALUE]);
      expect((await f.ledger.facility.repoOf(1n)).status).to.equal(STATUS.Reversed);
      expect(await f.ledger.facility.custodyOf(f.bond)).to.equal(0n);
      expect(await f.ledger.facility.amountOwed(1n)).to.equal(0n);
    });

    it("refuses a reversal by another bank, with the repo's bank as evidence", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await mined(harbourRepos(f));
      const before = await snapshot(f);
      await expect(reverseAs(f, "lionRockBank", 1n, LENDING_VALUE))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoNotYours")
        .withArgs(1n, p.harbourBank.address, p.lionRockBank.address);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses a reversal with too little cash, and nothing moves", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await mined(harbourRepos(f));
      // Harbour Bank pays out all but HKD 1.00 of the borrowed cash.
      const spent = HARBOUR_CASH + LENDING_VALUE - 100n;
      await mined(f.ledger.wcbdc.connect(p.harbourBank.signer).transfer(p.victoriaBank.address, spent));
      const before = await snapshot(f);
      await expect(reverseAs(f, "harbourBank", 1n, LENDING_VALUE))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoInsufficientCash")
        .withArgs(1n, p.harbourBank.address, 100n, LENDING_VALUE);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses a second reversal and an unknown repo", async () => {
      const f = await load();
      await mined(harbourRepos(f));
      await mined(reverseAs(f, "harbourBank", 1n, LENDING_VALUE));
      const before = await snapshot(f);
      await expect(reverseAs(f, "harbourBank", 1n, LENDING_VALUE))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoWrongStatus")
        .withArgs(1n, STATUS.Reversed);
      await expect(reverseAs(f, "harbourBank", 9n, LENDING_VALUE))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoUnknown")
        .withArgs(9n);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("refuses an intraday reversal at principal from the cut-off: the repo must roll first", async () => {
      const f = await load();
      await mined(harbourRepos(f));
      await mined(f.ledger.wcbdc.connect(f.ledger.participants.harbourBank.signer).approve(f.facility, LENDING_VALUE));
      await time.setNextBlockTimestamp(CUT_OFF);
      const before = await snapshot(f);
      await expect(f.ledger.facility.connect(f.ledger.participants.harbourBank.signer).reverse(1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoPastCutOff")
        .withArgs(1n, CUT_OFF, CUT_OFF);
      expect(await snapshot(f)).to.deep.equal(before);
    });
  });

  describe("end of day: the Discount Window", () => {
    it("refuses to roll a repo before the cut-off", async () => {
      const f = await load();
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(CUT_OFF - 1n);
      await expect(f.ledger.facility.connect(f.ledger.participants.victoriaBank.signer).rollToDiscountWindow(1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoBeforeCutOff")
        .withArgs(1n, CUT_OFF, CUT_OFF - 1n);
      expect((await f.ledger.facility.repoOf(1n)).status).to.equal(STATUS.Intraday);
    });

    it("rolls at the cut-off (anyone may), moving nothing, at Base Rate + spread; a second roll is refused", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(CUT_OFF);
      const before = await snapshot(f);
      await expect(f.ledger.facility.connect(p.victoriaBank.signer).rollToDiscountWindow(1n))
        .to.emit(f.ledger.facility, "RepoRolledToDiscountWindow")
        .withArgs(1n, p.harbourBank.address, LENDING_VALUE, 500n);
      expect(await snapshot(f)).to.deep.equal(before);
      const r = await f.ledger.facility.repoOf(1n);
      expect([r.status, r.overnightRateBps]).to.deep.equal([STATUS.Overnight, 500n]);
      await expect(f.ledger.facility.rollToDiscountWindow(1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoWrongStatus")
        .withArgs(1n, STATUS.Overnight);
      await expect(f.ledger.facility.rollToDiscountWindow(7n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoUnknown").withArgs(7n);
    });

    it("next morning the bank repays principal + one night's ACT/365 interest, rounded up, and gets its paper back", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(CUT_OFF);
      await mined(f.ledger.facility.rollToDiscountWindow(1n));
      await time.increaseTo(NEXT_MORNING - 10);
      expect(await f.ledger.facility.amountOwed(1n)).to.equal(LENDING_VALUE + ONE_NIGHT);
      // One cent short of the interest: refused.
      await expect(reverseAs(f, "harbourBank", 1n, LENDING_VALUE + ONE_NIGHT - 1n))
        .to.be.revertedWithCustomError(f.ledger.wcbdc, "ERC20InsufficientAllowance")
        .withArgs(f.facility, LENDING_VALUE + ONE_NIGHT - 1n, LENDING_VALUE + ONE_NIGHT);
      const tx = await reverseAs(f, "harbourBank", 1n, LENDING_VALUE + ONE_NIGHT);
      await expect(tx).to.emit(f.ledger.facility, "RepoReversed").withArgs(1n, p.harbourBank.address, f.bond, UNITS, LENDING_VALUE, ONE_NIGHT);
      await expect(tx).to.changeTokenBalances(ethers,
        f.ledger.wcbdc,
        [p.harbourBank.address, p.hkma.address],
        [-(LENDING_VALUE + ONE_NIGHT), LENDING_VALUE + ONE_NIGHT],
      );
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.bond, [p.harbourBank.address, f.facility], [UNITS, -UNITS]);
    });

    it("over a weekend (Friday to Monday) charges three calendar days", async () => {
      const f = await load();
      await time.increaseTo(FRIDAY);
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(FRIDAY_CUT_OFF);
      await mined(f.ledger.facility.rollToDiscountWindow(1n));
      await time.increaseTo(MONDAY);
      const tx = await reverseAs(f, "harbourBank", 1n, LENDING_VALUE + WEEKEND);
      await expect(tx).to.emit(f.ledger.facility, "RepoReversed").withArgs(1n, f.ledger.participants.harbourBank.address, f.bond, UNITS, LENDING_VALUE, WEEKEND);
    });

    it("charges at least one night when an overnight repo is repaid the same evening", async () => {
      const f = await load();
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(CUT_OFF);
      await mined(f.ledger.facility.rollToDiscountWindow(1n));
      expect(await f.ledger.facility.amountOwed(1n)).to.equal(LENDING_VALUE + ONE_NIGHT);
    });
  });

  describe("close-out: an overnight repo not repaid when due", () => {
    /** Harbour repos, the repo rolls at the cut-off; the clock is then left at the cut-off. */
    async function rolled(f: Fixture, cutOff: bigint | number = CUT_OFF): Promise<void> {
      await mined(harbourRepos(f));
      await time.setNextBlockTimestamp(cutOff);
      await mined(f.ledger.facility.rollToDiscountWindow(1n));
    }

    it("falls due at the next weekday's cut-off: Monday's on Tuesday, Friday's (and Saturday's) on Monday", async () => {
      const f = await load();
      const { facility } = f.ledger;
      expect(await facility.overnightDueAt(CUT_OFF)).to.equal(CUT_OFF + DAY);
      expect(await facility.overnightDueAt(FRIDAY_CUT_OFF)).to.equal(BigInt(FRIDAY_CUT_OFF) + 3n * DAY);
      expect(await facility.overnightDueAt(BigInt(FRIDAY_CUT_OFF) + DAY)).to.equal(BigInt(FRIDAY_CUT_OFF) + 3n * DAY);
      expect(await facility.overnightDueAt(BigInt(FRIDAY_CUT_OFF) - DAY), "Thursday's").to.equal(BigInt(FRIDAY_CUT_OFF));
    });

    it("refuses a close-out before the repo is due, and of an intraday repo; nothing moves", async () => {
      const f = await load();
      await mined(harbourRepos(f));
      await expect(f.ledger.facility.closeOut(1n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoWrongStatus").withArgs(1n, STATUS.Intraday);
      await time.setNextBlockTimestamp(CUT_OFF);
      await mined(f.ledger.facility.rollToDiscountWindow(1n));
      const before = await snapshot(f);
      await time.setNextBlockTimestamp(CUT_OFF + DAY - 1n);
      await expect(f.ledger.facility.closeOut(1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoNotDue")
        .withArgs(1n, CUT_OFF + DAY, CUT_OFF + DAY - 1n);
      expect(await snapshot(f)).to.deep.equal(before);
      await expect(f.ledger.facility.closeOut(8n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoUnknown").withArgs(8n);
    });

    it("when due and unpaid, anyone closes it out: the HKMA keeps the paper, the bank the cash, and it can no longer be reversed", async () => {
      const f = await load();
      const p = f.ledger.participants;
      await rolled(f);
      const due = CUT_OFF + DAY;
      await time.setNextBlockTimestamp(due);
      const tx = await f.ledger.facility.connect(p.victoriaBank.signer).closeOut(1n);
      // Repaying at the due time would have cost one night's interest (Monday to Tuesday).
      await expect(tx)
        .to.emit(f.ledger.facility, "RepoClosedOut")
        .withArgs(1n, p.harbourBank.address, f.bond, UNITS, LENDING_VALUE, LENDING_VALUE + ONE_NIGHT, due);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.bond, [f.facility, p.hkma.address, p.harbourBank.address], [-UNITS, UNITS, 0n]);
      await expect(tx).to.changeTokenBalances(ethers, f.ledger.wcbdc, [p.hkma.address, p.harbourBank.address], [0n, 0n]);
      const r = await f.ledger.facility.repoOf(1n);
      expect(r.status).to.equal(STATUS.ClosedOut);
      expect(await f.ledger.facility.custodyOf(f.bond)).to.equal(0n);
      expect(await f.ledger.facility.amountOwed(1n)).to.equal(0n);
      const before = await snapshot(f);
      await expect(reverseAs(f, "harbourBank", 1n, LENDING_VALUE * 2n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoWrongStatus")
        .withArgs(1n, STATUS.ClosedOut);
      await expect(f.ledger.facility.closeOut(1n)).to.be.revertedWithCustomError(f.ledger.facility, "RepoWrongStatus").withArgs(1n, STATUS.ClosedOut);
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it("a Friday repo is not closed out over the weekend: it is due on Monday's cut-off, and repaid on Monday morning", async () => {
      const f = await load();
      await time.increaseTo(FRIDAY);
      await rolled(f, FRIDAY_CUT_OFF);
      await time.setNextBlockTimestamp(MONDAY);
      await expect(f.ledger.facility.closeOut(1n))
        .to.be.revertedWithCustomError(f.ledger.facility, "RepoNotDue")
        .withArgs(1n, BigInt(FRIDAY_CUT_OFF) + 3n * DAY, MONDAY);
      await mined(reverseAs(f, "harbourBank", 1n, LENDING_VALUE + WEEKEND));
      expect((await f.ledger.facility.repoOf(1n)).status).to.equal(STATUS.Reversed);
    });

    it("a bank that is late but not yet closed out may still repay, at the interest of the days it kept the cash", async () => {
      const f = await load();
      await rolled(f);
      await time.increaseTo(NEXT_MORNING + 86_400);
      // Wednesday morning: two nights, 980,000,000 × 500 × 2 / 3,650,000 = 268,493.15… → 268,494.
      await mined(reverseAs(f, "harbourBank", 1n, LENDING_VALUE + 268_494n));
      expect((await f.ledger.facility.repoOf(1n)).status).to.equal(STATUS.Reversed);
    });
  });

  describe("the central bank's list and terms", () => {
    it("only the central bank lists, delists and sets rates and the cut-off", async () => {
      const f = await load();
      const bank = f.ledger.participants.harbourBank;
      const facility = f.ledger.facility.connect(bank.signer);
      const role = await f.ledger.facility.CENTRAL_BANK_ROLE();
      for (const call of [
        facility.listCollateral(f.bond, 1n, 0),
        facility.delistCollateral(f.bond),
        facility.setDiscountWindowRate(0, 0),
        facility.setCutOff(0),
      ]) {
        await expect(call).to.be.revertedWithCustomError(f.ledger.facility, "AccessControlUnauthorizedAccount").withArgs(bank.address, role);
      }
    });

    it("refuses a haircut of 100% or more, a zero price, a contract that is not a token of this ledger, and the wCBDC lent", async () => {
      const f = await load();
      const { facility } = f.ledger;
      await expect(facility.listCollateral(f.bond, FACE, 10_000))
        .to.be.revertedWithCustomError(facility, "CollateralInvalidTerms")
        .withArgs(f.bond, 10_000n, FACE);
      await expect(facility.listCollateral(f.bond, 0n, 100)).to.be.revertedWithCustomError(facility, "CollateralInvalidTerms").withArgs(f.bond, 100n, 0n);
      const registry = await f.ledger.registry.getAddress();
      await expect(facility.listCollateral(registry, FACE, 100)).to.be.revertedWithCustomError(facility, "CollateralNotOnLedger").withArgs(registry);
      const cash = await f.ledger.wcbdc.getAddress();
      await expect(facility.listCollateral(cash, 100n, 0)).to.be.revertedWithCustomError(facility, "CollateralNotOnLedger").withArgs(cash);
      const eoa = f.ledger.participants.harbourBank.address;
      await expect(facility.listCollateral(eoa, FACE, 100)).to.be.revertedWithCustomError(facility, "CollateralNotOnLedger").withArgs(eoa);
    });

    it("lists any permissioned token of the ledger (a deposit token here) and re-prices the bond", async () => {
      const f = await load();
      const { facility } = f.ledger;
      const deposit = await f.ledger.deposits.victoriaBank.getAddress();
      // A deposit states no maturity: it is recorded as never maturing.
      await expect(facility.listCollateral(deposit, 1n, 500)).to.emit(facility, "CollateralListed").withArgs(deposit, 1n, 500n, NEVER);
      expect((await facility.collateralTerms(deposit)).maturesAt).to.equal(NEVER);
      await mined(facility.listCollateral(f.bond, 4_900_000n, 300));
      expect(await facility.lendingValue(f.bond, 100n)).to.equal((100n * 4_900_000n * 9_700n) / 10_000n);
    });

    it("delisting stops new repos but an open repo still reverses", async () => {
      const f = await load();
      const { facility } = f.ledger;
      await mined(harbourRepos(f, 100n, 1_000_000n));
      await expect(facility.delistCollateral(f.bond)).to.emit(facility, "CollateralDelisted").withArgs(f.bond);
      await expect(facility.delistCollateral(f.bond)).to.be.revertedWithCustomError(facility, "CollateralNotEligible").withArgs(f.bond);
      await expect(harbourRepos(f, 100n, 1_000_000n)).to.be.revertedWithCustomError(facility, "CollateralNotEligible").withArgs(f.bond);
      expect(await facility.lendingValue(f.bond, 100n)).to.equal(0n);
      await mined(reverseAs(f, "harbourBank", 1n, 1_000_000n));
      expect(await f.ledger.bond.balanceOf(f.ledger.participants.harbourBank.address)).to.equal(HARBOUR_BONDS);
    });

    it("refuses a rate above 100% and a cut-off that is not a time of day; a new cut-off applies to repos opened after it", async () => {
      const f = await load();
      const { facility } = f.ledger;
      await expect(facility.setDiscountWindowRate(9_000, 1_001)).to.be.revertedWithCustomError(facility, "DiscountWindowInvalidRate").withArgs(9_000n, 1_001n);
      await expect(facility.setCutOff(86_400)).to.be.revertedWithCustomError(facility, "DiscountWindowInvalidCutOff").withArgs(86_400n);
      await expect(facility.setDiscountWindowRate(375, 50)).to.emit(facility, "DiscountWindowRateSet").withArgs(375n, 50n);
      await expect(facility.setCutOff(16 * 3600)).to.emit(facility, "CutOffSet").withArgs(16n * 3600n);
      await mined(harbourRepos(f));
      expect((await facility.repoOf(1n)).cutOffAt).to.equal(CUT_OFF - 5_400n);
      expect(await facility.discountWindowRate()).to.equal(425n);
    });
  });
});
