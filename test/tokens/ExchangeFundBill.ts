import { expect } from "chai";

import type { BillLedger } from "../../src/chain/deploy-bills.js";
import { BILL_DENOMINATION, billPrice, issueNumberFitsTenor } from "../../src/domain/exchange-fund-bills.js";
import { ExchangeFundBill__factory } from "../../typechain-types/index.js";
import { billBook, changes, ethers, loadBillLedger, mined, networkHelpers } from "../helpers/bill-fixture.js";

/**
 * The Exchange Fund Bill token (contracts/tokens/ExchangeFundBill.sol): one 91-day issue `Q…` of the
 * HKMA, units of HK$50,000 face, issued only under the central bank's role, permissioned like the
 * other ledger tokens, redeemed at par in wCBDC at maturity from the funding the HKMA puts in the
 * bill contract; a holder that cannot be paid is parked, not blocking the others.
 */

const { time } = networkHelpers;
const DAY_S = 86_400;

async function load(): Promise<BillLedger & { billAddress: string; wcbdcAddress: string }> {
  const f = await loadBillLedger();
  return { ...f, billAddress: await f.bill.getAddress(), wcbdcAddress: await f.wcbdc.getAddress() };
}

/** The HKMA issues `units` to each bank and funds the redemption. */
async function issued(f: BillLedger, units: bigint): Promise<void> {
  for (const bank of ["harbourBank", "victoriaBank", "lionRockBank"] as const) {
    await mined(f.bill.mint(f.participants[bank].address, units));
  }
  await mined(f.wcbdc.mint(await f.bill.getAddress(), await f.bill.redemptionLiability()));
}

describe("ExchangeFundBill", function () {
  describe("terms", function () {
    it("states its terms and prices one unit by the sandbox formula", async function () {
      const f = await load();
      expect(await f.bill.issueNumber()).to.equal(f.billTerms.issueNumber);
      expect(f.billTerms.issueNumber).to.match(/^Q\d{4}$/);
      expect(await f.bill.tenorDays()).to.equal(91n);
      expect(await f.bill.issueDate()).to.equal(BigInt(f.billTerms.issueDate));
      expect(await f.bill.maturityDate()).to.equal(BigInt(f.billTerms.maturityDate));
      expect(await f.bill.denomination()).to.equal(BILL_DENOMINATION);
      expect(await f.bill.decimals()).to.equal(0n);
      expect(await f.bill.currency()).to.equal("HKD");
      expect(await f.bill.cashToken()).to.equal(f.wcbdcAddress);
      expect(await f.bill.centralBank()).to.equal(f.participants.hkma.address);
      for (const y of [0n, 1n, 345n, 350n, 999n, 10_000n]) {
        expect(await f.bill.priceAtYield(y)).to.equal(billPrice(BILL_DENOMINATION, y, 91));
      }
      expect(await f.bill.priceAtYield(350n)).to.equal(4_956_747n); // 5,000,000 × 3,650,000 / 3,681,850, rounded down
      expect(await f.bill.priceAtYield(0n)).to.equal(BILL_DENOMINATION);
    });

    it("refuses an issue number whose letter does not give the tenor, a bad format, or other unusable terms", async function () {
      const f = await load();
      const factory = new ExchangeFundBill__factory(f.participants.hkma.signer);
      const registry = await f.registry.getAddress();
      const base = {
        issueNumber: "Q2612",
        issueDate: f.billTerms.issueDate,
        maturityDate: f.billTerms.issueDate + 91 * DAY_S,
        denomination: BILL_DENOMINATION,
        currency: "HKD",
        cashToken: f.wcbdcAddress,
      };
      const deploy = (over: Partial<typeof base>, centralBank = f.participants.hkma.address) =>
        factory.deploy({ ...base, ...over }, "x", "x", registry, centralBank);
      const numbers: [string, number][] = [
        ["H2612", 91],
        ["Q2612", 182],
        ["Y2612", 182],
        ["M2612", 91],
        ["X2612", 91],
        ["Q26A2", 91],
        ["Q261", 91],
      ];
      for (const [issueNumber, days] of numbers) {
        expect(issueNumberFitsTenor(issueNumber, days)).to.equal(false);
        await expect(deploy({ issueNumber, maturityDate: base.issueDate + days * DAY_S }))
          .to.be.revertedWithCustomError(factory, "BillInvalidIssueNumber")
          .withArgs(issueNumber, BigInt(days));
      }
      for (const [issueNumber, days] of [["H2612", 182], ["Y2612", 364], ["M2612", 28]] as const) {
        expect(issueNumberFitsTenor(issueNumber, days)).to.equal(true);
        await deploy({ issueNumber, maturityDate: base.issueDate + days * DAY_S });
      }
      await expect(deploy({}, f.participants.government.address))
        .to.be.revertedWithCustomError(factory, "BillIssuerNotCentralBank")
        .withArgs(f.participants.government.address, f.wcbdcAddress);
      await expect(deploy({ currency: "USD" })).to.be.revertedWithCustomError(factory, "BillInvalidTerm").withArgs("cashToken");
      await expect(deploy({ denomination: 0n })).to.be.revertedWithCustomError(factory, "BillInvalidTerm").withArgs("denomination");
      await expect(deploy({ maturityDate: base.issueDate + 91 * DAY_S + 1 }))
        .to.be.revertedWithCustomError(factory, "BillInvalidTerm")
        .withArgs("maturityDate");
      await expect(deploy({ maturityDate: base.issueDate })).to.be.revertedWithCustomError(factory, "BillInvalidTerm").withArgs("maturityDate");
    });
  });

  describe("issuance and transfers", function () {
    it("only the central bank and the agents it appoints issue", async function () {
      const f = await load();
      const role = await f.bill.ISSUER_ROLE();
      const gov = f.participants.government;
      await expect(f.bill.connect(gov.signer).mint(gov.address, 10n))
        .to.be.revertedWithCustomError(f.bill, "AccessControlUnauthorizedAccount")
        .withArgs(gov.address, role);
      // The tender (an appointed agent) cannot appoint another.
      expect(await f.bill.hasRole(role, await f.billTender.getAddress())).to.equal(true);
      expect(await f.bill.getRoleAdmin(role)).to.equal(await f.bill.CENTRAL_BANK_ROLE());
      await expect(f.bill.mint(f.participants.harbourBank.address, 10n))
        .to.emit(f.bill, "Transfer")
        .withArgs(ethers.ZeroAddress, f.participants.harbourBank.address, 10n);
    });

    it("is permissioned: holders eligible and unfrozen, not while paused, not at or after maturity", async function () {
      const f = await load();
      await issued(f, 100n);
      const [outsider] = (await ethers.getSigners()).slice(15);
      const harbour = f.participants.harbourBank;
      await expect(f.bill.connect(harbour.signer).transfer(outsider.address, 1n))
        .to.be.revertedWithCustomError(f.bill, "ParticipantNotRegistered")
        .withArgs(outsider.address);
      await mined(f.bill.setFrozen(harbour.address, true));
      await expect(f.bill.connect(harbour.signer).transfer(f.participants.victoriaBank.address, 1n))
        .to.be.revertedWithCustomError(f.bill, "AccountFrozen")
        .withArgs(harbour.address);
      await mined(f.bill.setFrozen(harbour.address, false));
      await mined(f.bill.pause());
      await expect(f.bill.connect(harbour.signer).transfer(f.participants.victoriaBank.address, 1n)).to.be.revertedWithCustomError(
        f.bill,
        "EnforcedPause",
      );
      await mined(f.bill.unpause());
      await mined(f.bill.connect(harbour.signer).transfer(f.participants.victoriaBank.address, 1n));
      await time.increaseTo(f.billTerms.maturityDate);
      await expect(f.bill.connect(harbour.signer).transfer(f.participants.victoriaBank.address, 1n))
        .to.be.revertedWithCustomError(f.bill, "BillMatured")
        .withArgs(BigInt(f.billTerms.maturityDate));
      await expect(f.bill.mint(harbour.address, 1n))
        .to.be.revertedWithCustomError(f.bill, "BillMatured")
        .withArgs(BigInt(f.billTerms.maturityDate));
    });
  });

  describe("redemption at par", function () {
    it("refuses redemption before maturity; nothing moves", async function () {
      const f = await load();
      await issued(f, 100n);
      const before = await billBook(f);
      await expect(f.bill.connect(f.participants.harbourBank.signer).redeem())
        .to.be.revertedWithCustomError(f.bill, "BillNotMatured")
        .withArgs(BigInt(f.billTerms.maturityDate));
      await expect(f.bill.redeemHolders([f.participants.harbourBank.address]))
        .to.be.revertedWithCustomError(f.bill, "BillNotMatured")
        .withArgs(BigInt(f.billTerms.maturityDate));
      expect(changes(before, await billBook(f))).to.deep.equal({});
    });

    it("a holder redeems itself at maturity: its bills burned, par paid in wCBDC", async function () {
      const f = await load();
      await issued(f, 100n);
      await time.increaseTo(f.billTerms.maturityDate);
      const harbour = f.participants.harbourBank;
      const before = await billBook(f);
      await expect(f.bill.connect(harbour.signer).redeem())
        .to.emit(f.bill, "BillRedeemed")
        .withArgs(harbour.address, 100n, 100n * BILL_DENOMINATION);
      expect(changes(before, await billBook(f))).to.deep.equal({
        "bill:harbourBank": -100n,
        "bill:supply": -100n,
        "wHKD:harbourBank": 100n * BILL_DENOMINATION,
        "wHKD:bill": -100n * BILL_DENOMINATION,
      });
      await expect(f.bill.connect(harbour.signer).redeem())
        .to.be.revertedWithCustomError(f.bill, "BillNothingToRedeem")
        .withArgs(harbour.address);
    });

    it("the central bank redeems a page; a frozen holder is parked and keeps its bills, the others are paid", async function () {
      const f = await load();
      await issued(f, 100n);
      await time.increaseTo(f.billTerms.maturityDate);
      const [harbour, victoria, lionRock] = [f.participants.harbourBank, f.participants.victoriaBank, f.participants.lionRockBank];
      await mined(f.bill.setFrozen(victoria.address, true));
      const before = await billBook(f);
      const tx = f.bill.redeemHolders([harbour.address, victoria.address, lionRock.address, f.participants.kowloonDealer.address]);
      await expect(tx).to.emit(f.bill, "RedemptionParked").withArgs(victoria.address, 100n, (r: string) => r.length > 2);
      await expect(tx).to.emit(f.bill, "BillRedeemed").withArgs(harbour.address, 100n, 100n * BILL_DENOMINATION);
      await expect(tx).to.emit(f.bill, "BillRedeemed").withArgs(lionRock.address, 100n, 100n * BILL_DENOMINATION);
      expect(changes(before, await billBook(f))).to.deep.equal({
        "bill:harbourBank": -100n,
        "bill:lionRockBank": -100n,
        "bill:supply": -200n,
        "wHKD:harbourBank": 100n * BILL_DENOMINATION,
        "wHKD:lionRockBank": 100n * BILL_DENOMINATION,
        "wHKD:bill": -200n * BILL_DENOMINATION,
      });
      // Unfrozen, Victoria Bank is redeemed later from the funding left for it.
      await mined(f.bill.setFrozen(victoria.address, false));
      await mined(f.bill.redeemHolders([victoria.address]));
      expect(await f.bill.totalSupply()).to.equal(0n);
      expect(await f.wcbdc.balanceOf(f.billAddress)).to.equal(0n);
    });

    it("an underfunded redemption parks the holder it cannot pay; the holder's own redeem reverts with nothing moved", async function () {
      const f = await load();
      for (const bank of ["harbourBank", "victoriaBank"] as const) await mined(f.bill.mint(f.participants[bank].address, 100n));
      await mined(f.wcbdc.mint(f.billAddress, 100n * BILL_DENOMINATION)); // only half
      await time.increaseTo(f.billTerms.maturityDate);
      const tx = f.bill.redeemHolders([f.participants.harbourBank.address, f.participants.victoriaBank.address]);
      await expect(tx).to.emit(f.bill, "BillRedeemed").withArgs(f.participants.harbourBank.address, 100n, 100n * BILL_DENOMINATION);
      await expect(tx).to.emit(f.bill, "RedemptionParked").withArgs(f.participants.victoriaBank.address, 100n, (r: string) => r.length > 2);
      const before = await billBook(f);
      await expect(f.bill.connect(f.participants.victoriaBank.signer).redeem()).to.be.revertedWithCustomError(
        f.wcbdc,
        "ERC20InsufficientBalance",
      );
      expect(changes(before, await billBook(f))).to.deep.equal({});
    });

    it("the HKMA takes back only funding above what redemption still owes: over-funding before maturity, what is left after", async function () {
      const f = await load();
      const hkma = f.participants.hkma.address;
      await issued(f, 100n); // funded exactly: 300 units
      expect(await f.bill.redemptionShortfall()).to.equal(0n);
      await expect(f.bill.returnSurplus()).to.be.revertedWithCustomError(f.bill, "BillNoSurplus").withArgs(300n * BILL_DENOMINATION, 300n * BILL_DENOMINATION);
      await mined(f.bill.mint(f.participants.harbourBank.address, 10n)); // issued, not yet funded
      expect(await f.bill.redemptionShortfall()).to.equal(10n * BILL_DENOMINATION);
      await mined(f.wcbdc.mint(f.billAddress, 25n * BILL_DENOMINATION)); // funded 15 units too many
      expect(await f.bill.redemptionShortfall()).to.equal(0n);
      const tx = f.bill.returnSurplus();
      await expect(tx).to.emit(f.bill, "RedemptionSurplusReturned").withArgs(hkma, 15n * BILL_DENOMINATION, 310n * BILL_DENOMINATION);
      await expect(tx).to.changeTokenBalances(ethers, f.wcbdc, [f.billAddress, hkma], [-15n * BILL_DENOMINATION, 15n * BILL_DENOMINATION]);
      expect(await f.wcbdc.balanceOf(f.billAddress)).to.equal(await f.bill.redemptionLiability());
      // A parked holder's funding stays; once all are redeemed nothing is left to return.
      await time.increaseTo(f.billTerms.maturityDate);
      await mined(f.bill.setFrozen(f.participants.victoriaBank.address, true));
      const holders = (["harbourBank", "victoriaBank", "lionRockBank"] as const).map((b) => f.participants[b].address);
      await mined(f.bill.redeemHolders(holders));
      await expect(f.bill.returnSurplus()).to.be.revertedWithCustomError(f.bill, "BillNoSurplus").withArgs(100n * BILL_DENOMINATION, 100n * BILL_DENOMINATION);
      const harbour = f.participants.harbourBank;
      await expect(f.bill.connect(harbour.signer).returnSurplus())
        .to.be.revertedWithCustomError(f.bill, "AccessControlUnauthorizedAccount")
        .withArgs(harbour.address, await f.bill.CENTRAL_BANK_ROLE());
    });

    it("pages are bounded, paged redemption is the central bank's, the one-holder unit only the bill's", async function () {
      const f = await load();
      await issued(f, 10n);
      await time.increaseTo(f.billTerms.maturityDate);
      await expect(f.bill.redeemHolders([])).to.be.revertedWithCustomError(f.bill, "BillPageSizeOutOfRange").withArgs(0n, 50n);
      const many = Array.from({ length: 51 }, () => f.participants.harbourBank.address);
      await expect(f.bill.redeemHolders(many)).to.be.revertedWithCustomError(f.bill, "BillPageSizeOutOfRange").withArgs(51n, 50n);
      const harbour = f.participants.harbourBank;
      await expect(f.bill.connect(harbour.signer).redeemHolders([harbour.address]))
        .to.be.revertedWithCustomError(f.bill, "AccessControlUnauthorizedAccount")
        .withArgs(harbour.address, await f.bill.CENTRAL_BANK_ROLE());
      await expect(f.bill.connect(harbour.signer).redeemOnBehalf(f.participants.victoriaBank.address))
        .to.be.revertedWithCustomError(f.bill, "BillOnlySelf")
        .withArgs(harbour.address);
      expect(await f.bill.redemptionLiability()).to.equal(30n * BILL_DENOMINATION);
    });
  });
});
