import { expect } from "chai";
import { MaxUint256, encodeBytes32String, type ContractTransactionResponse } from "ethers";
import type { SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers/types";

import type { HongKongLedger } from "../../src/ledger/deploy.js";
import type { ParticipantKey } from "../../src/ledger/hong-kong.js";
import { FAILURE_REASON, type FailureReasonName } from "../../src/settlement/trade.js";
import type { PrimaryIssuance } from "../../typechain-types/settlement/SettlementEngine.js";
import { fundedLedger, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * Primary issuance by DvP (contracts/settlement/PrimaryIssuance.sol, part of the settlement engine):
 * after the tender, the HKSAR Government allots the green bond to the banks against central-bank
 * money at the issue price. Every allottee pays units × price in wCBDC to HKMA (the issuer's
 * account at the central bank) and receives its units in the same transaction — or nobody does.
 *
 * The funded ledger (src/ledger/opening-balances.ts) gives the banks, in wCBDC:
 *   Harbour Bank   HKD 1,500,000,000.00 = 150,000,000,000 minor units
 *   Victoria Bank  HKD 1,200,000,000.00 = 120,000,000,000
 *   Lion Rock Bank HKD   800,000,000.00 =  80,000,000,000
 * and HKMA holds none. Each bank gave the engine a standing wCBDC allowance when the engine was
 * deployed (ignition/modules/Settlement.ts); the tests below rely on it and one withdraws it.
 */

const { time } = networkHelpers;

/** Issue price of one unit (face HK$50,000.00 = 5,000,000): 99.85% → HKD 49,925.00. */
const PRICE = 4_992_500n;
const TENDER_REF = encodeBytes32String("03GB-TENDER-001");

// The tender's allotment, and what each allottee pays (units × 4,992,500):
//   Harbour Bank    200 units → 998,500,000  (HKD  9,985,000.00)
//   Victoria Bank   120 units → 599,100,000  (HKD  5,991,000.00)
//   Lion Rock Bank   80 units → 399,400,000  (HKD  3,994,000.00)
//   total           400 units → 1,997,000,000 (HKD 19,970,000.00) to HKMA
const HARBOUR_UNITS = 200n;
const VICTORIA_UNITS = 120n;
const LION_ROCK_UNITS = 80n;
const HARBOUR_PAYS = 998_500_000n;
const VICTORIA_PAYS = 599_100_000n;
const LION_ROCK_PAYS = 399_400_000n;
const TOTAL_UNITS = 400n;
const PROCEEDS = 1_997_000_000n;

const OPENING_WCBDC = {
  harbourBank: 150_000_000_000n,
  victoriaBank: 120_000_000_000n,
  lionRockBank: 80_000_000_000n,
} as const;

/** `Leg` in contracts/settlement/Trade.sol. */
const LEG = { Asset: 0n, Cash: 1n, Interbank: 2n } as const;

function reasonOf(name: FailureReasonName): bigint {
  return BigInt(FAILURE_REASON.indexOf(name));
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

interface TenderLedger extends HongKongLedger {
  readonly bondAddress: string;
  readonly wcbdcAddress: string;
  readonly engineAddress: string;
  readonly agentAddress: string;
  /** The default allotment of the table above. */
  readonly allotments: PrimaryIssuance.AllotmentStruct[];
}

/** The funded ledger on the bond's issue date, the day the tender settles. */
async function tenderDay(): Promise<TenderLedger> {
  const ledger = await fundedLedger();
  await time.increaseTo(ledger.bondTerms.issueDate);
  const p = ledger.participants;
  return {
    ...ledger,
    bondAddress: await ledger.bond.getAddress(),
    wcbdcAddress: await ledger.wcbdc.getAddress(),
    engineAddress: await ledger.engine.getAddress(),
    agentAddress: await ledger.payingAgent.getAddress(),
    allotments: [
      { allottee: p.harbourBank.address, units: HARBOUR_UNITS },
      { allottee: p.victoriaBank.address, units: VICTORIA_UNITS },
      { allottee: p.lionRockBank.address, units: LION_ROCK_UNITS },
    ],
  };
}
const loadTenderDay = (): Promise<TenderLedger> => networkHelpers.loadFixture(tenderDay);

/** Every wCBDC and bond balance that an issuance could touch, and both supplies. */
async function book(f: TenderLedger): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const key of Object.keys(f.participants) as ParticipantKey[]) {
    const address = f.participants[key].address;
    out[`wHKD:${key}`] = await f.wcbdc.balanceOf(address);
    out[`bond:${key}`] = await f.bond.balanceOf(address);
  }
  for (const [name, address] of [
    ["engine", f.engineAddress],
    ["payingAgent", f.agentAddress],
  ] as const) {
    out[`wHKD:${name}`] = await f.wcbdc.balanceOf(address);
    out[`bond:${name}`] = await f.bond.balanceOf(address);
  }
  out["wHKD:supply"] = await f.wcbdc.totalSupply();
  out["bond:supply"] = await f.bond.totalSupply();
  return out;
}

/** Issues the default tender as the HKSAR Government. */
function issueTender(
  f: TenderLedger,
  allotments: PrimaryIssuance.AllotmentStruct[] = f.allotments,
  price: bigint = PRICE,
): Promise<ContractTransactionResponse> {
  return f.engine
    .connect(f.participants.government.signer)
    .issue(f.bondAddress, price, f.participants.hkma.address, allotments, TENDER_REF);
}

/**
 * Asserts that `attempt` reverts with `SettlementLegFailed(reason, leg, token, tokenError)` and
 * that no wCBDC moved and no bond unit was minted.
 */
async function expectLegFailureMovingNothing(
  f: TenderLedger,
  attempt: () => Promise<ContractTransactionResponse>,
  expected: { reason: FailureReasonName; leg: bigint; token: string; tokenError: string },
): Promise<void> {
  const before = await book(f);
  await expect(attempt())
    .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
    .withArgs(reasonOf(expected.reason), expected.leg, expected.token, expected.tokenError);
  expect(await book(f)).to.deep.equal(before);
}

describe("PrimaryIssuance (bond allotment by DvP)", function () {
  // The tests travel in time; leave the chain's clock where the previous suite left it.
  let chainBefore: SnapshotRestorer;
  before(async function () {
    chainBefore = await networkHelpers.takeSnapshot();
  });
  after(async function () {
    await chainBefore.restore();
  });

  describe("a tender that settles", function () {
    it("starts from the wiring the allotment relies on", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      expect(await f.bond.hasRole(await f.bond.ISSUER_ROLE(), f.engineAddress)).to.equal(true);
      for (const bank of [p.harbourBank, p.victoriaBank, p.lionRockBank]) {
        expect(await f.wcbdc.allowance(bank.address, f.engineAddress)).to.equal(MaxUint256, bank.name);
      }
      expect(await f.wcbdc.balanceOf(p.hkma.address)).to.equal(0n);
      expect(await f.bond.totalSupply()).to.equal(0n);
      expect(await f.engine.MAX_ALLOTTEES()).to.equal(50n);
    });

    it("pays units × price from every allottee to HKMA and mints each its units", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      const before = await book(f);

      const tx = issueTender(f);
      await expect(tx)
        .to.emit(f.engine, "BondAllotted")
        .withArgs(f.bondAddress, TENDER_REF, p.harbourBank.address, HARBOUR_UNITS, HARBOUR_PAYS);
      await expect(tx)
        .to.emit(f.engine, "BondAllotted")
        .withArgs(f.bondAddress, TENDER_REF, p.victoriaBank.address, VICTORIA_UNITS, VICTORIA_PAYS);
      await expect(tx)
        .to.emit(f.engine, "BondAllotted")
        .withArgs(f.bondAddress, TENDER_REF, p.lionRockBank.address, LION_ROCK_UNITS, LION_ROCK_PAYS);
      await expect(tx)
        .to.emit(f.engine, "BondIssued")
        .withArgs(f.bondAddress, TENDER_REF, TOTAL_UNITS, PROCEEDS, p.hkma.address);

      const after = await book(f);
      expect(after).to.deep.equal({
        ...before,
        // 150,000,000,000 − 998,500,000 = 149,001,500,000
        "wHKD:harbourBank": 149_001_500_000n,
        // 120,000,000,000 − 599,100,000 = 119,400,900,000
        "wHKD:victoriaBank": 119_400_900_000n,
        // 80,000,000,000 − 399,400,000 = 79,600,600,000
        "wHKD:lionRockBank": 79_600_600_000n,
        "wHKD:hkma": PROCEEDS,
        "bond:harbourBank": HARBOUR_UNITS,
        "bond:victoriaBank": VICTORIA_UNITS,
        "bond:lionRockBank": LION_ROCK_UNITS,
        "bond:supply": TOTAL_UNITS,
      });
      // Money moved between accounts; none was created.
      expect(after["wHKD:supply"]).to.equal(before["wHKD:supply"]);
      expect(await f.wcbdc.balanceOf(f.engineAddress)).to.equal(0n);
    });

    it("adds a second tender (a re-opening) to the outstanding amount", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      await mined(issueTender(f));
      // Re-opening: Victoria Bank takes 30 more units at 99.60 (4,980,000): 30 × 4,980,000 = 149,400,000.
      const tx = f.engine
        .connect(p.government.signer)
        .issue(
          f.bondAddress,
          4_980_000n,
          p.hkma.address,
          [{ allottee: p.victoriaBank.address, units: 30n }],
          encodeBytes32String("03GB-TENDER-002"),
        );
      await expect(tx)
        .to.emit(f.engine, "BondIssued")
        .withArgs(f.bondAddress, encodeBytes32String("03GB-TENDER-002"), 30n, 149_400_000n, p.hkma.address);
      expect(await f.bond.totalSupply()).to.equal(430n); // 400 + 30
      expect(await f.bond.balanceOf(p.victoriaBank.address)).to.equal(150n); // 120 + 30
      // 1,997,000,000 + 149,400,000 = 2,146,400,000
      expect(await f.wcbdc.balanceOf(p.hkma.address)).to.equal(2_146_400_000n);
      // 120,000,000,000 − 599,100,000 − 149,400,000 = 119,251,500,000
      expect(await f.wcbdc.balanceOf(p.victoriaBank.address)).to.equal(119_251_500_000n);
    });

    it("accepts exactly MAX_ALLOTTEES allotments, an allottee listed twice paying for each line", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      const banks = [p.harbourBank, p.victoriaBank, p.lionRockBank];
      // 50 lines of 1 unit, round robin: Harbour gets lines 0,3,…,48 (17), Victoria 1,4,…,49 (17),
      // Lion Rock 2,5,…,47 (16).
      const allotments = Array.from({ length: 50 }, (_, i) => ({ allottee: banks[i % 3].address, units: 1n }));
      await expect(issueTender(f, allotments))
        .to.emit(f.engine, "BondIssued")
        .withArgs(f.bondAddress, TENDER_REF, 50n, 249_625_000n, p.hkma.address); // 50 × 4,992,500
      expect(await f.bond.balanceOf(p.harbourBank.address)).to.equal(17n);
      expect(await f.bond.balanceOf(p.victoriaBank.address)).to.equal(17n);
      expect(await f.bond.balanceOf(p.lionRockBank.address)).to.equal(16n);
      // 17 × 4,992,500 = 84,872,500
      expect(await f.wcbdc.balanceOf(p.harbourBank.address)).to.equal(150_000_000_000n - 84_872_500n);
      // 16 × 4,992,500 = 79,880,000
      expect(await f.wcbdc.balanceOf(p.lionRockBank.address)).to.equal(80_000_000_000n - 79_880_000n);
    });
  });

  describe("a tender that cannot settle moves and mints nothing", function () {
    it("rejects a caller who is not the bond's issuer (NotBondIssuer)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      for (const caller of [p.hkma, p.harbourBank]) {
        const before = await book(f);
        await expect(
          f.engine.connect(caller.signer).issue(f.bondAddress, PRICE, caller.address, f.allotments, TENDER_REF),
        )
          .to.be.revertedWithCustomError(f.engine, "NotBondIssuer")
          .withArgs(caller.address, f.bondAddress);
        expect(await book(f)).to.deep.equal(before, caller.name);
      }
    });

    it("rejects no allotment and more than 50 (AllotmentCountOutOfRange)", async function () {
      const f = await loadTenderDay();
      const before = await book(f);
      await expect(issueTender(f, []))
        .to.be.revertedWithCustomError(f.engine, "AllotmentCountOutOfRange")
        .withArgs(0n, 50n);
      const fiftyOne = Array.from({ length: 51 }, () => ({
        allottee: f.participants.harbourBank.address,
        units: 1n,
      }));
      await expect(issueTender(f, fiftyOne))
        .to.be.revertedWithCustomError(f.engine, "AllotmentCountOutOfRange")
        .withArgs(51n, 50n);
      expect(await book(f)).to.deep.equal(before);
    });

    it("rejects a zero price and an allotment of zero units (InvalidTradeTerm)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      const before = await book(f);
      await expect(issueTender(f, f.allotments, 0n))
        .to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm")
        .withArgs("price");
      // The zero line comes second: Harbour Bank's line, already paid and minted, is rolled back.
      await expect(
        issueTender(f, [
          { allottee: p.harbourBank.address, units: HARBOUR_UNITS },
          { allottee: p.victoriaBank.address, units: 0n },
        ]),
      )
        .to.be.revertedWithCustomError(f.engine, "InvalidTradeTerm")
        .withArgs("units");
      expect(await book(f)).to.deep.equal(before);
    });

    it("fails the whole allotment when one allottee is short of wCBDC (MONY), though the others could pay", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      // Lion Rock Bank bids for 20,000 units: 20,000 × 4,992,500 = 99,850,000,000 > its 80,000,000,000.
      const allotments = [
        { allottee: p.harbourBank.address, units: HARBOUR_UNITS },
        { allottee: p.victoriaBank.address, units: VICTORIA_UNITS },
        { allottee: p.lionRockBank.address, units: 20_000n },
      ];
      await expectLegFailureMovingNothing(f, () => issueTender(f, allotments), {
        reason: "InsufficientCash",
        leg: LEG.Cash,
        token: f.wcbdcAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [
          p.lionRockBank.address,
          OPENING_WCBDC.lionRockBank,
          99_850_000_000n,
        ]),
      });
    });

    it("fails when an allottee withdrew its wCBDC allowance to the engine (MissingApproval)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      await mined(f.wcbdc.connect(p.victoriaBank.signer).approve(f.engineAddress, 0n));
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "MissingApproval",
        leg: LEG.Cash,
        token: f.wcbdcAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [
          f.engineAddress,
          0n,
          VICTORIA_PAYS,
        ]),
      });
    });

    it("fails when an allottee was removed from the participant registry (NotEligible)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      await mined(f.registry.removeParticipant(p.lionRockBank.address));
      // wCBDC refuses first: the cash leg moves before the bond is minted.
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "NotEligible",
        leg: LEG.Cash,
        token: f.wcbdcAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ParticipantNotRegistered", [p.lionRockBank.address]),
      });
    });

    it("fails when an allottee holds wCBDC but is not on the bond's register (NotEligible, asset leg)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      // The paying agent is a settlement contract HKMA approved to hold wCBDC (with a standing
      // allowance to the engine), but it is no participant and so may not hold the bond.
      await mined(f.wcbdc.mint(f.agentAddress, LION_ROCK_PAYS));
      const allotments = [
        { allottee: p.harbourBank.address, units: HARBOUR_UNITS },
        { allottee: f.agentAddress, units: LION_ROCK_UNITS },
      ];
      await expectLegFailureMovingNothing(f, () => issueTender(f, allotments), {
        reason: "NotEligible",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ParticipantNotRegistered", [f.agentAddress]),
      });
    });

    it("fails when an allottee is frozen in the registry (BLOC, cash leg)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      await mined(f.registry.setFrozen(p.victoriaBank.address, true));
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "AccountFrozen",
        leg: LEG.Cash,
        token: f.wcbdcAddress,
        tokenError: f.wcbdc.interface.encodeErrorResult("ParticipantFrozen", [p.victoriaBank.address]),
      });
    });

    it("fails when an allottee is frozen on the bond, after its own payment would have gone through (BLOC, asset leg)", async function () {
      const f = await loadTenderDay();
      const p = f.participants;
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.lionRockBank.address, true));
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "AccountFrozen",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("AccountFrozen", [p.lionRockBank.address]),
      });
    });

    it("fails while the registrar has paused the bond (Paused)", async function () {
      const f = await loadTenderDay();
      await mined(f.bond.connect(f.participants.hkma.signer).pause());
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "Paused",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("EnforcedPause", []),
      });
    });

    it("fails when the issuer has revoked the engine's ISSUER_ROLE (TokenRejected, with the AccessControl error)", async function () {
      const f = await loadTenderDay();
      const issuerRole = await f.bond.ISSUER_ROLE();
      await mined(f.bond.revokeRole(issuerRole, f.engineAddress)); // `bond` is connected as the government
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "TokenRejected",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("AccessControlUnauthorizedAccount", [
          f.engineAddress,
          issuerRole,
        ]),
      });
    });

    it("fails from the maturity date on (BondMatured)", async function () {
      const f = await loadTenderDay();
      const maturity = await f.bond.maturityDate();
      await time.increaseTo(maturity);
      await expectLegFailureMovingNothing(f, () => issueTender(f), {
        reason: "TokenRejected",
        leg: LEG.Asset,
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("BondMatured", [maturity]),
      });
    });
  });
});
