import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, encodeBytes32String } from "ethers";

import type { FailureReasonName } from "../../src/domain/trade.js";
import { TokenizedDeposit__factory } from "../../typechain-types/index.js";
import {
  changes,
  legOf,
  loadSettlementLedger,
  mined,
  reasonOf,
  type LegName,
  type SettlementLedger,
} from "../helpers/settlement-fixture.js";

/**
 * Customer payments (contracts/settlement/CustomerPayments.sol). Within one bank a payment is a
 * plain deposit transfer. Across banks it is the three moves of DOMAIN.md §2 in one transaction:
 * the payer's bank burns the payer's deposit tokens, pays the payee's bank in wCBDC, and the payee's
 * bank mints its deposit tokens to the payee — so deposit tokens never leave their bank and the
 * amount of central-bank money is unchanged. If any move cannot happen, none does.
 */

/** HKD 1,250,000.00 in minor units. */
const AMOUNT = 125_000_000n;

/** What one `pay` call is made of. */
interface Payment {
  readonly payer: HardhatEthersSigner;
  readonly payerDeposit: string;
  readonly payeeDeposit: string;
  readonly payee: string;
  readonly amount: bigint;
  readonly ref: string;
}

/** Peak Asset Management (Harbour Bank) pays Tsing Yi Insurance (Victoria Bank). */
function crossBankPayment(f: SettlementLedger, overrides: Partial<Payment> = {}): Payment {
  return {
    payer: f.participants.peakAsset.signer,
    payerDeposit: f.depositAddress.harbourBank,
    payeeDeposit: f.depositAddress.victoriaBank,
    payee: f.participants.tsingYiInsurance.address,
    amount: AMOUNT,
    ref: encodeBytes32String("E2E-PAY-0001"),
    ...overrides,
  };
}

function pay(f: SettlementLedger, p: Payment) {
  return f.engine.connect(p.payer).pay(p.payerDeposit, p.payeeDeposit, p.payee, p.amount, p.ref);
}

/** The expected revert: a leg that failed, or another engine error with its arguments. */
type Refusal =
  | { readonly leg: LegName; readonly reason: FailureReasonName; readonly token: string; readonly tokenError: string }
  | { readonly error: string; readonly args: readonly unknown[] };

/** Asserts that `attempt` reverts with `refusal` and moves no balance of the ledger. */
async function expectRefusedUnchanged(
  f: SettlementLedger,
  attempt: () => ReturnType<typeof pay>,
  refusal: Refusal,
): Promise<void> {
  const before = await f.snapshot();
  if ("error" in refusal) {
    await expect(attempt())
      .to.be.revertedWithCustomError(f.engine, refusal.error)
      .withArgs(...refusal.args);
  } else {
    await expect(attempt())
      .to.be.revertedWithCustomError(f.engine, "SettlementLegFailed")
      .withArgs(reasonOf(refusal.reason), legOf(refusal.leg), refusal.token, refusal.tokenError);
  }
  expect(await f.snapshot()).to.deep.equal(before, "a refused payment moved a balance");
}

interface PaymentFailure {
  readonly title: string;
  /** Breaks the rule and returns the payment and the expected refusal. */
  given(f: SettlementLedger): Promise<{ payment: Payment; refusal: Refusal }>;
}

const PAY_FAILURES: readonly PaymentFailure[] = [
  {
    title: "the payer lacks the deposit (MONY)",
    async given(f) {
      const held = await f.deposits.harbourBank.balanceOf(f.participants.peakAsset.address);
      const payment = crossBankPayment(f, { amount: held + 1n });
      return {
        payment,
        refusal: {
          reason: "InsufficientCash",
          leg: "Cash",
          token: f.depositAddress.harbourBank,
          tokenError: f.deposits.harbourBank.interface.encodeErrorResult("ERC20InsufficientBalance", [
            payment.payer.address,
            held,
            held + 1n,
          ]),
        },
      };
    },
  },
  {
    title: "the payer did not approve the engine on its deposit",
    async given(f) {
      await mined(f.deposits.harbourBank.connect(f.participants.peakAsset.signer).approve(f.engineAddress, 0n));
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "MissingApproval",
          leg: "Cash",
          token: f.depositAddress.harbourBank,
          tokenError: f.deposits.harbourBank.interface.encodeErrorResult("ERC20InsufficientAllowance", [
            f.engineAddress,
            0n,
            AMOUNT,
          ]),
        },
      };
    },
  },
  {
    title: "the payer's bank lacks wCBDC",
    async given(f) {
      const harbour = f.participants.harbourBank;
      const keep = AMOUNT - 1n;
      const held = await f.wcbdc.balanceOf(harbour.address);
      await mined(f.wcbdc.connect(harbour.signer).transfer(f.participants.lionRockBank.address, held - keep));
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "InsufficientCash",
          leg: "Interbank",
          token: f.wcbdcAddress,
          tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [harbour.address, keep, AMOUNT]),
        },
      };
    },
  },
  {
    title: "the payer's bank withdrew its wCBDC allowance to the engine",
    async given(f) {
      await mined(f.wcbdc.connect(f.participants.harbourBank.signer).approve(f.engineAddress, 0n));
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "MissingApproval",
          leg: "Interbank",
          token: f.wcbdcAddress,
          tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.engineAddress, 0n, AMOUNT]),
        },
      };
    },
  },
  {
    title: "the payee is not a customer of the payee's bank",
    async given(f) {
      // Lantau Pension Fund banks at Lion Rock Bank, not at Victoria Bank.
      const payee = f.participants.lantauPension.address;
      return {
        payment: crossBankPayment(f, { payee }),
        refusal: {
          reason: "NotEligible",
          leg: "Cash",
          token: f.depositAddress.victoriaBank,
          tokenError: f.deposits.victoriaBank.interface.encodeErrorResult("NotCustomerOfBank", [payee]),
        },
      };
    },
  },
  {
    title: "the payee is no longer on the participant registry",
    async given(f) {
      const payee = f.participants.tsingYiInsurance.address;
      await mined(f.registry.removeParticipant(payee));
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "NotEligible",
          leg: "Cash",
          token: f.depositAddress.victoriaBank,
          tokenError: f.deposits.victoriaBank.interface.encodeErrorResult("ParticipantNotRegistered", [payee]),
        },
      };
    },
  },
  {
    title: "the payee is frozen by its bank (BLOC)",
    async given(f) {
      const payee = f.participants.tsingYiInsurance.address;
      await mined(f.deposits.victoriaBank.setFrozen(payee, true));
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "AccountFrozen",
          leg: "Cash",
          token: f.depositAddress.victoriaBank,
          tokenError: f.deposits.victoriaBank.interface.encodeErrorResult("AccountFrozen", [payee]),
        },
      };
    },
  },
  {
    title: "the payer's deposit token is paused",
    async given(f) {
      await mined(f.deposits.harbourBank.pause());
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "Paused",
          leg: "Cash",
          token: f.depositAddress.harbourBank,
          tokenError: f.deposits.harbourBank.interface.encodeErrorResult("EnforcedPause", []),
        },
      };
    },
  },
  {
    title: "the payee's deposit token is paused",
    async given(f) {
      await mined(f.deposits.victoriaBank.pause());
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "Paused",
          leg: "Cash",
          token: f.depositAddress.victoriaBank,
          tokenError: f.deposits.victoriaBank.interface.encodeErrorResult("EnforcedPause", []),
        },
      };
    },
  },
  {
    title: "wCBDC is paused by the central bank",
    async given(f) {
      await mined(f.wcbdc.pause());
      return {
        payment: crossBankPayment(f),
        refusal: {
          reason: "Paused",
          leg: "Interbank",
          token: f.wcbdcAddress,
          tokenError: f.wcbdc.interface.encodeErrorResult("EnforcedPause", []),
        },
      };
    },
  },
  {
    title: "the payee's deposit token is not registered for interbank settlement",
    async given(f) {
      await mined(f.engine.deregisterDepositToken(f.depositAddress.victoriaBank));
      return {
        payment: crossBankPayment(f),
        refusal: { error: "DepositTokenNotRegistered", args: [f.depositAddress.victoriaBank] },
      };
    },
  },
  {
    title: "the payer's deposit token is not registered for interbank settlement",
    async given(f) {
      await mined(f.engine.deregisterDepositToken(f.depositAddress.harbourBank));
      return {
        payment: crossBankPayment(f),
        refusal: { error: "DepositTokenNotRegistered", args: [f.depositAddress.harbourBank] },
      };
    },
  },
  {
    title: "the amount is zero",
    async given(f) {
      return { payment: crossBankPayment(f, { amount: 0n }), refusal: { error: "InvalidTradeTerm", args: ["amount"] } };
    },
  },
];

/** Deploys, as `deployer`, a tokenized deposit in `currency` that names `bank` as its issuing bank. */
async function deployDeposit(
  f: SettlementLedger,
  deployer: HardhatEthersSigner,
  bank: string,
  currency: string,
): Promise<string> {
  const token = await new TokenizedDeposit__factory(deployer).deploy(
    `Deposit (${currency})`,
    `d${currency}`,
    currency,
    2,
    await f.registry.getAddress(),
    bank,
  );
  return token.getAddress();
}

describe("CustomerPayments (settlement engine)", function () {
  describe("pay", function () {
    it("pays a customer of the same bank by a plain deposit transfer", async function () {
      const f = await loadSettlementLedger();
      const payment = crossBankPayment(f, {
        payer: f.participants.kowloonDealer.signer,
        payeeDeposit: f.depositAddress.harbourBank,
        payee: f.participants.peakAsset.address,
      });

      const before = await f.snapshot();
      const tx = pay(f, payment);
      await expect(tx)
        .to.emit(f.engine, "PaymentSettled")
        .withArgs(
          payment.ref,
          payment.payer.address,
          payment.payee,
          f.depositAddress.harbourBank,
          f.depositAddress.harbourBank,
          AMOUNT,
        );
      await expect(tx).not.to.emit(f.engine, "InterbankSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "hbHKD:kowloonDealer": -AMOUNT,
        "hbHKD:peakAsset": AMOUNT,
      });
    });

    it("pays a customer of another bank: burn at the payer's bank, wCBDC between the banks, mint at the payee's", async function () {
      const f = await loadSettlementLedger();
      const payment = crossBankPayment(f);
      const wcbdcSupply = await f.wcbdc.totalSupply();

      const before = await f.snapshot();
      const tx = pay(f, payment);
      await expect(tx)
        .to.emit(f.engine, "PaymentSettled")
        .withArgs(
          payment.ref,
          payment.payer.address,
          payment.payee,
          f.depositAddress.harbourBank,
          f.depositAddress.victoriaBank,
          AMOUNT,
        );
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(payment.ref, f.participants.harbourBank.address, f.participants.victoriaBank.address, AMOUNT);
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "hbHKD:peakAsset": -AMOUNT,
        "hbHKD:supply": -AMOUNT,
        "wHKD:harbourBank": -AMOUNT,
        "wHKD:victoriaBank": AMOUNT,
        "vbHKD:tsingYiInsurance": AMOUNT,
        "vbHKD:supply": AMOUNT,
      });
      expect(await f.wcbdc.totalSupply()).to.equal(wcbdcSupply);
      // The deposit tokens stayed at their banks; the engine holds nothing afterwards.
      expect(await f.deposits.victoriaBank.balanceOf(f.participants.peakAsset.address)).to.equal(0n);
      expect(await f.wcbdc.balanceOf(f.engineAddress)).to.equal(0n);
    });

    for (const c of PAY_FAILURES) {
      it(`refuses a payment when ${c.title}, moving nothing`, async function () {
        const f = await loadSettlementLedger();
        const { payment, refusal } = await c.given(f);
        await expectRefusedUnchanged(f, () => pay(f, payment), refusal);
      });
    }
  });

  describe("payToCustomer", function () {
    it("pays another bank's customer from the caller's wCBDC, credited in that bank's deposit", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const beneficiary = f.participants.tsingYiInsurance.address;
      const ref = encodeBytes32String("COUPON-0001");

      const before = await f.snapshot();
      const tx = f.engine
        .connect(harbour.signer)
        .payToCustomer(f.depositAddress.victoriaBank, beneficiary, AMOUNT, ref);
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(ref, harbour.address, f.participants.victoriaBank.address, AMOUNT);
      await expect(tx)
        .to.emit(f.engine, "PaymentSettled")
        .withArgs(ref, harbour.address, beneficiary, f.wcbdcAddress, f.depositAddress.victoriaBank, AMOUNT);
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "wHKD:harbourBank": -AMOUNT,
        "wHKD:victoriaBank": AMOUNT,
        "vbHKD:tsingYiInsurance": AMOUNT,
        "vbHKD:supply": AMOUNT,
      });
    });

    it("refuses an unregistered deposit token and a zero amount, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank.signer;
      const beneficiary = f.participants.tsingYiInsurance.address;
      const ref = encodeBytes32String("COUPON-0002");
      await mined(f.engine.deregisterDepositToken(f.depositAddress.victoriaBank));
      await expectRefusedUnchanged(
        f,
        () => f.engine.connect(harbour).payToCustomer(f.depositAddress.victoriaBank, beneficiary, AMOUNT, ref),
        { error: "DepositTokenNotRegistered", args: [f.depositAddress.victoriaBank] },
      );
      await expectRefusedUnchanged(
        f,
        () => f.engine.connect(harbour).payToCustomer(f.depositAddress.lionRockBank, beneficiary, 0n, ref),
        { error: "InvalidTradeTerm", args: ["amount"] },
      );
    });

    it("refuses a beneficiary who is not a customer of the bank, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const peak = f.participants.peakAsset.address;
      await expectRefusedUnchanged(
        f,
        () =>
          f.engine
            .connect(f.participants.harbourBank.signer)
            .payToCustomer(f.depositAddress.victoriaBank, peak, AMOUNT, encodeBytes32String("COUPON-0003")),
        {
          reason: "NotEligible",
          leg: "Cash",
          token: f.depositAddress.victoriaBank,
          tokenError: f.deposits.victoriaBank.interface.encodeErrorResult("NotCustomerOfBank", [peak]),
        },
      );
    });

    it("refuses a caller without a wCBDC allowance or without the wCBDC, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const beneficiary = f.participants.tsingYiInsurance.address;
      const ref = encodeBytes32String("COUPON-0004");
      // A customer holds no wCBDC and never approved the engine on it.
      await expectRefusedUnchanged(
        f,
        () =>
          f.engine
            .connect(f.participants.peakAsset.signer)
            .payToCustomer(f.depositAddress.victoriaBank, beneficiary, AMOUNT, ref),
        {
          reason: "MissingApproval",
          leg: "Interbank",
          token: f.wcbdcAddress,
          tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.engineAddress, 0n, AMOUNT]),
        },
      );
      const lionRock = f.participants.lionRockBank;
      const held = await f.wcbdc.balanceOf(lionRock.address);
      await expectRefusedUnchanged(
        f,
        () =>
          f.engine.connect(lionRock.signer).payToCustomer(f.depositAddress.victoriaBank, beneficiary, held + 1n, ref),
        {
          reason: "InsufficientCash",
          leg: "Interbank",
          token: f.wcbdcAddress,
          tokenError: f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [
            lionRock.address,
            held,
            held + 1n,
          ]),
        },
      );
    });
  });

  describe("registering deposit tokens for interbank settlement", function () {
    it("knows each bank's deposit token as wired at deployment", async function () {
      const f = await loadSettlementLedger();
      for (const bank of ["harbourBank", "victoriaBank", "lionRockBank"] as const) {
        expect(await f.engine.bankOf(f.depositAddress[bank])).to.equal(f.participants[bank].address);
      }
      expect(await f.engine.bankOf(f.wcbdcAddress)).to.equal(ZeroAddress);
    });

    it("lets the central bank deregister and, the bank's consent standing, register again, with events", async function () {
      const f = await loadSettlementLedger();
      const vb = f.depositAddress.victoriaBank;
      const victoria = f.participants.victoriaBank.address;
      expect(await f.engine.depositLineConsentOf(vb)).to.equal(victoria);
      await expect(f.engine.deregisterDepositToken(vb))
        .to.emit(f.engine, "DepositTokenRegistered")
        .withArgs(vb, victoria, false);
      expect(await f.engine.bankOf(vb)).to.equal(ZeroAddress);
      expect(await f.engine.wcbdcOf(vb)).to.equal(ZeroAddress);
      await expect(f.engine.deregisterDepositToken(vb))
        .to.be.revertedWithCustomError(f.engine, "DepositTokenNotRegistered")
        .withArgs(vb);
      await expect(f.engine.registerDepositToken(vb, f.wcbdcAddress))
        .to.emit(f.engine, "DepositTokenRegistered")
        .withArgs(vb, victoria, true);
      expect(await f.engine.bankOf(vb)).to.equal(victoria);
      expect(await f.engine.wcbdcOf(vb)).to.equal(f.wcbdcAddress);
    });

    it("registers a new HKD deposit token under the bank that issues it, once the bank consented", async function () {
      const f = await loadSettlementLedger();
      const lionRock = f.participants.lionRockBank;
      const address = await deployDeposit(f, lionRock.signer, lionRock.address, "HKD");
      await expect(f.engine.connect(lionRock.signer).consentToDepositLine(address, true))
        .to.emit(f.engine, "DepositLineConsented")
        .withArgs(address, lionRock.address, true);
      expect(await f.engine.depositLineConsentOf(address)).to.equal(lionRock.address);
      await expect(f.engine.registerDepositToken(address, f.wcbdcAddress))
        .to.emit(f.engine, "DepositTokenRegistered")
        .withArgs(address, lionRock.address, true);
      expect(await f.engine.bankOf(address)).to.equal(lionRock.address);
      expect(await f.engine.wcbdcOf(address)).to.equal(f.wcbdcAddress);
    });

    it("refuses a deposit token in another currency (DepositCurrencyMismatch)", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      const address = await deployDeposit(f, harbour.signer, harbour.address, "USD");
      await mined(f.engine.connect(harbour.signer).consentToDepositLine(address, true));
      await expect(f.engine.registerDepositToken(address, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.engine, "DepositCurrencyMismatch")
        .withArgs(address);
      expect(await f.engine.bankOf(address)).to.equal(ZeroAddress);
    });

    it("lets only the currency's central bank register or deregister a line (NotCentralBankOf)", async function () {
      const f = await loadSettlementLedger();
      const vb = f.depositAddress.victoriaBank;
      for (const caller of [f.participants.victoriaBank.signer, f.participants.harbourBank.signer, f.outsider]) {
        await expect(f.engine.connect(caller).registerDepositToken(vb, f.wcbdcAddress))
          .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
          .withArgs(caller.address, f.wcbdcAddress);
        await expect(f.engine.connect(caller).deregisterDepositToken(vb))
          .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
          .withArgs(caller.address, f.wcbdcAddress);
      }
      expect(await f.engine.bankOf(vb)).to.equal(f.participants.victoriaBank.address);
    });

    it("refuses a line in money that is not registered central-bank money (CashTokenNotRegistered)", async function () {
      const f = await loadSettlementLedger();
      const vb = f.depositAddress.victoriaBank;
      // Another bank's deposit token is not central-bank money.
      await expect(f.engine.registerDepositToken(vb, f.depositAddress.harbourBank))
        .to.be.revertedWithCustomError(f.engine, "CashTokenNotRegistered")
        .withArgs(f.depositAddress.harbourBank);
      expect(await f.engine.wcbdcOf(vb)).to.equal(f.wcbdcAddress);
    });
  });

  describe("deposit lines need the bank's consent and the central bank (issue #9, finding 7)", function () {
    it("finding 7: a deposit token whose bank() names Harbour Bank cannot be registered without Harbour Bank's own consent (DepositLineNotConsented)", async function () {
      const f = await loadSettlementLedger();
      const harbour = f.participants.harbourBank;
      // Anyone can deploy a token that names Harbour Bank as its bank.
      const fake = await deployDeposit(f, f.outsider, harbour.address, "HKD");
      await expect(f.engine.registerDepositToken(fake, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.engine, "DepositLineNotConsented")
        .withArgs(fake);
      expect(await f.engine.bankOf(fake)).to.equal(ZeroAddress);

      // Without a line, paying out of it cannot make Harbour Bank pay anyone in wCBDC.
      const before = await f.snapshot();
      await expect(
        f.engine
          .connect(f.outsider)
          .pay(fake, f.depositAddress.victoriaBank, f.participants.tsingYiInsurance.address, AMOUNT, ZeroHash),
      )
        .to.be.revertedWithCustomError(f.engine, "DepositTokenNotRegistered")
        .withArgs(fake);
      expect(await f.snapshot()).to.deep.equal(before);
    });

    it("finding 7: the engine admin who is not the currency's central bank cannot register a line (NotCentralBankOf)", async function () {
      const f = await loadSettlementLedger();
      const lionRock = f.participants.lionRockBank;
      const address = await deployDeposit(f, lionRock.signer, lionRock.address, "HKD");
      await mined(f.engine.connect(lionRock.signer).consentToDepositLine(address, true));
      // A second engine admin, who holds no CENTRAL_BANK_ROLE on wHKD.
      const admin = f.outsider;
      await mined(f.engine.grantRole(await f.engine.DEFAULT_ADMIN_ROLE(), admin.address));
      expect(await f.wcbdc.hasRole(await f.wcbdc.CENTRAL_BANK_ROLE(), admin.address)).to.equal(false);

      await expect(f.engine.connect(admin).registerDepositToken(address, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(admin.address, f.wcbdcAddress);
      await expect(f.engine.connect(admin).deregisterDepositToken(f.depositAddress.harbourBank))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(admin.address, f.wcbdcAddress);
      expect(await f.engine.bankOf(address)).to.equal(ZeroAddress);
      expect(await f.engine.bankOf(f.depositAddress.harbourBank)).to.equal(f.participants.harbourBank.address);
    });

    it("finding 7: only a registered commercial bank can consent, and only to its own token (NotCommercialBank, NotDepositTokenBank)", async function () {
      const f = await loadSettlementLedger();
      const hb = f.depositAddress.harbourBank;
      const harbour = f.participants.harbourBank.address;
      // A dealer, an investor and the central bank are no commercial banks.
      for (const who of [f.participants.kowloonDealer, f.participants.peakAsset, f.participants.hkma]) {
        await expect(f.engine.connect(who.signer).consentToDepositLine(hb, true))
          .to.be.revertedWithCustomError(f.engine, "NotCommercialBank")
          .withArgs(who.address);
      }
      // A token naming a dealer as its bank cannot be consented to by the dealer either.
      const dealer = f.participants.kowloonDealer;
      const dealerToken = await deployDeposit(f, dealer.signer, dealer.address, "HKD");
      await expect(f.engine.connect(dealer.signer).consentToDepositLine(dealerToken, true))
        .to.be.revertedWithCustomError(f.engine, "NotCommercialBank")
        .withArgs(dealer.address);
      // An address on no list is refused by the registry.
      await expect(f.engine.connect(f.outsider).consentToDepositLine(hb, true))
        .to.be.revertedWithCustomError(f.registry, "ParticipantNotRegistered")
        .withArgs(f.outsider.address);
      // A bank cannot consent (or withdraw consent) for another bank's token.
      const victoria = f.participants.victoriaBank;
      for (const consent of [true, false]) {
        await expect(f.engine.connect(victoria.signer).consentToDepositLine(hb, consent))
          .to.be.revertedWithCustomError(f.engine, "NotDepositTokenBank")
          .withArgs(victoria.address, hb);
      }
      // A bank frozen in the registry cannot consent.
      await mined(f.registry.setFrozen(harbour, true));
      await expect(f.engine.connect(f.participants.harbourBank.signer).consentToDepositLine(hb, true))
        .to.be.revertedWithCustomError(f.registry, "ParticipantFrozen")
        .withArgs(harbour);
      expect(await f.engine.depositLineConsentOf(hb)).to.equal(harbour);
      expect(await f.engine.bankOf(hb)).to.equal(harbour);
    });

    it("finding 7: withdrawing consent closes the line at once, and the central bank cannot reopen it alone", async function () {
      const f = await loadSettlementLedger();
      const vb = f.depositAddress.victoriaBank;
      const victoria = f.participants.victoriaBank;
      const tx = f.engine.connect(victoria.signer).consentToDepositLine(vb, false);
      await expect(tx).to.emit(f.engine, "DepositLineConsented").withArgs(vb, victoria.address, false);
      await expect(tx).to.emit(f.engine, "DepositTokenRegistered").withArgs(vb, victoria.address, false);
      expect(await f.engine.bankOf(vb)).to.equal(ZeroAddress);
      expect(await f.engine.depositLineConsentOf(vb)).to.equal(ZeroAddress);

      // A payment to a Victoria Bank customer can no longer make Victoria Bank's line move.
      await expectRefusedUnchanged(f, () => pay(f, crossBankPayment(f)), {
        error: "DepositTokenNotRegistered",
        args: [vb],
      });
      await expect(f.engine.registerDepositToken(vb, f.wcbdcAddress))
        .to.be.revertedWithCustomError(f.engine, "DepositLineNotConsented")
        .withArgs(vb);
    });
  });
});
