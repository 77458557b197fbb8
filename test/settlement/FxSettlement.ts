import { signFxQuote, settlementDomain, signSettlementOrder } from "../../src/chain/signing.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  MaxUint256,
  TypedDataEncoder,
  ZeroAddress,
  ZeroHash,
  encodeBytes32String,
  id,
  verifyTypedData,
  type ContractTransactionResponse,
} from "ethers";

import { parseMoney } from "../../src/domain/money.js";
import type { CrossBorderKey } from "../../src/domain/cross-border.js";
import { deployCrossBorderLedger, type CrossBorderLedger } from "../../src/chain/deploy-cross-border.js";
import type { ParticipantKey } from "../../src/domain/hong-kong.js";
import { fundOpeningBalances } from "../../src/chain/opening-balances.js";
import {
  FX_QUOTE_TYPES,
  RATE_SCALE,
  convert,
  fxRate,
  type FxQuote,
} from "../../src/domain/fx-quote.js";
import {
  type FailureReasonName,
  type Trade,
} from "../../src/domain/trade.js";
import {
  ERC20Mock__factory,
  TokenizedDeposit__factory,
  WholesaleCBDC__factory,
  type TokenizedDeposit,
} from "../../typechain-types/index.js";
import { connection, networkHelpers } from "../helpers/ledger-fixture.js";
import {
  balancesOf,
  changes,
  legOf,
  mined,
  nextTradeRef,
  reasonOf,
  type Balances,
  type LedgerToken,
  type LegName,
} from "../helpers/settlement-fixture.js";

/**
 * FX payment-versus-payment on the shared multi-currency ledger (contracts/settlement/FxSettlement.sol;
 * DOMAIN.md §5, mBridge style). Victoria Bank, the FX dealer, signs an EIP-712 quote to one client
 * (its `taker`), with a nonce of the dealer's FX-quote nonce space; the taker pays the dealer in one
 * central-bank currency and the dealer pays the beneficiary in another, in one transaction — both
 * payments or neither. Either side may be a bank's customer: a Hong Kong customer's
 * HKD deposits are burned at its bank, which pays the dealer in wHKD; the dealer pays the Thai
 * beneficiary's bank in wTHB, which credits its THB deposits. Each wCBDC's supply never changes.
 */

const { time } = networkHelpers;

/** HKD 1,000,000.00: what a default payment pays, in minor units. */
const HKD_AMOUNT = parseMoney("1,000,000.00", 2);
/** The dealer's HKD/THB quote: THB 4.5612 per HKD. */
const THB_PER_HKD = "4.5612";
/** The dealer's HKD/BRL quote: BRL 0.6931 per HKD. */
const BRL_PER_HKD = "0.6931";
/** The size limit of a default quote: HKD 5,000,000.00. */
const MAX_FROM_AMOUNT = parseMoney("5,000,000.00", 2);
/** How long a default quote is firm. */
const QUOTE_VALIDITY = 5n * 60n;

/** Opening balances of the foreign currencies (major units), on top of `fundOpeningBalances`. */
const OPENING_THB = { chaoPhrayaBank: "2,000,000,000.00", victoriaBank: "1,000,000,000.00", siamRice: "50,000,000.00" };
const OPENING_BRL = { bancoIpanema: "500,000,000.00", victoriaBank: "300,000,000.00", rioCoffee: "20,000,000.00" };

/** Snapshot labels of every token on the shared ledger. */
type FxTokenLabel = "wHKD" | "hbHKD" | "vbHKD" | "lrHKD" | "bond" | "wTHB" | "cpTHB" | "wBRL" | "ipBRL";
/** Snapshot names of every holder: the Hong Kong and foreign participants, and the engine. */
type FxHolder = ParticipantKey | CrossBorderKey | "engine";

interface FxLedger extends CrossBorderLedger {
  readonly engineAddress: string;
  readonly address: Readonly<Record<FxTokenLabel, string>>;
  readonly tokens: Readonly<Record<FxTokenLabel, LedgerToken>>;
  readonly holders: Readonly<Record<FxHolder, string>>;
  /** Victoria Bank, the FX dealer. */
  readonly dealer: HardhatEthersSigner;
  /**
   * Victoria Bank's quote to Peak Asset Management, overridden by `overrides`: wHKD → wTHB at
   * `THB_PER_HKD`, up to `MAX_FROM_AMOUNT`, firm for `QUOTE_VALIDITY` from now (chain time), at the
   * dealer's current FX-quote nonce on key 0.
   */
  makeQuote(overrides?: Partial<FxQuote>): Promise<FxQuote>;
  /** Every balance and supply of every token (see `balancesOf`). */
  snapshot(): Promise<Balances>;
}

/**
 * The fixture: the cross-border ledger, funded. HKMA credits the Hong Kong banks with wHKD and they
 * credit their customers (`fundOpeningBalances`); the Bank of Thailand issues wTHB to Chao Phraya Bank
 * and to the dealer, the Banco Central do Brasil wBRL to Banco Ipanema and to the dealer; the foreign
 * banks credit their customers. Every paying customer approves the engine on its deposit token (the
 * banks' and the dealer's wCBDC allowances were given at deployment).
 */
async function fxLedger(): Promise<FxLedger> {
  const ledger = await deployCrossBorderLedger(connection);
  await fundOpeningBalances(ledger);
  const { participants: p, foreign: x, engine, wcbdc, deposits, bond, wTHB, wBRL, cpTHB, ipBRL } = ledger;
  const engineAddress = await engine.getAddress();

  await mined(wTHB.mint(x.chaoPhrayaBank.address, parseMoney(OPENING_THB.chaoPhrayaBank, 2)));
  await mined(wTHB.mint(p.victoriaBank.address, parseMoney(OPENING_THB.victoriaBank, 2)));
  await mined(wBRL.mint(x.bancoIpanema.address, parseMoney(OPENING_BRL.bancoIpanema, 2)));
  await mined(wBRL.mint(p.victoriaBank.address, parseMoney(OPENING_BRL.victoriaBank, 2)));
  await mined(cpTHB.mint(x.siamRice.address, parseMoney(OPENING_THB.siamRice, 2)));
  await mined(ipBRL.mint(x.rioCoffee.address, parseMoney(OPENING_BRL.rioCoffee, 2)));

  const allowances: readonly (readonly [TokenizedDeposit, HardhatEthersSigner])[] = [
    [deposits.harbourBank, p.peakAsset.signer],
    [deposits.harbourBank, p.kowloonDealer.signer],
    [deposits.victoriaBank, p.tsingYiInsurance.signer],
    [cpTHB, x.siamRice.signer],
    [ipBRL, x.rioCoffee.signer],
  ];
  // Unlimited on purpose: the engine treats no allowance as consent — it debits a customer only for a
  // payment that customer itself calls (`settleFx`, `pay`) — so the allowance is only the mechanism.
  for (const [deposit, customer] of allowances) {
    await mined(deposit.connect(customer).approve(engineAddress, MaxUint256));
  }

  const tokens: Record<FxTokenLabel, LedgerToken> = {
    wHKD: wcbdc,
    hbHKD: deposits.harbourBank,
    vbHKD: deposits.victoriaBank,
    lrHKD: deposits.lionRockBank,
    bond,
    wTHB,
    cpTHB,
    wBRL,
    ipBRL,
  };
  const address = Object.fromEntries(
    await Promise.all(Object.entries(tokens).map(async ([label, token]) => [label, await token.getAddress()])),
  ) as Record<FxTokenLabel, string>;
  const holders = {
    ...Object.fromEntries(Object.values(p).map((h) => [h.key, h.address])),
    ...Object.fromEntries(Object.values(x).map((h) => [h.key, h.address])),
    engine: engineAddress,
  } as Record<FxHolder, string>;

  return {
    ...ledger,
    engineAddress,
    address,
    tokens,
    holders,
    dealer: p.victoriaBank.signer,
    async makeQuote(overrides: Partial<FxQuote> = {}): Promise<FxQuote> {
      const now = BigInt(await time.latest());
      return {
        dealer: p.victoriaBank.address,
        taker: p.peakAsset.address,
        fromToken: address.wHKD,
        toToken: address.wTHB,
        rate: fxRate(THB_PER_HKD),
        maxFromAmount: MAX_FROM_AMOUNT,
        expiry: now + QUOTE_VALIDITY,
        nonce: await engine.fxQuoteNonce(p.victoriaBank.address, 0n),
        ...overrides,
      };
    },
    snapshot: () => balancesOf(tokens, holders),
  };
}

const loadFxLedger = (): Promise<FxLedger> => networkHelpers.loadFixture(fxLedger);

/** A bank that can sign: a Hong Kong or a foreign participant. */
interface CrossBorderParticipantLike {
  readonly signer: HardhatEthersSigner;
  readonly address: string;
}

/** One `settleFx` call. */
interface FxPayment {
  readonly payer: HardhatEthersSigner;
  readonly quote: FxQuote;
  readonly signature: string;
  readonly fromAmount: bigint;
  readonly payerCash: string;
  readonly beneficiaryCash: string;
  readonly beneficiary: string;
  readonly ref: string;
}

function settleFx(f: FxLedger, x: FxPayment): Promise<ContractTransactionResponse> {
  return f.engine
    .connect(x.payer)
    .settleFx(x.quote, x.signature, x.fromAmount, x.payerCash, x.beneficiaryCash, x.beneficiary, x.ref);
}

interface PaymentOptions {
  /** Changes to the dealer's default quote, before it is signed (its taker is the payment's payer). */
  readonly quote?: Partial<FxQuote>;
  /** Who signs the quote (default: the dealer). */
  readonly signer?: HardhatEthersSigner;
  /** Changes to the payment, after the quote is signed (e.g. a tampered quote). */
  readonly payment?: Partial<FxPayment>;
}

/**
 * End to end, HKD to THB: Peak Asset Management pays `HKD_AMOUNT` from its Harbour Bank deposits, and
 * Siam Rice Exporters is credited in Chao Phraya Bank deposits at the dealer's quote.
 */
async function thaiExportPayment(f: FxLedger, options: PaymentOptions = {}): Promise<FxPayment> {
  const payer = options.payment?.payer ?? f.participants.peakAsset.signer;
  const quote = await f.makeQuote({ taker: payer.address, ...options.quote });
  return {
    payer,
    quote,
    signature: await signFxQuote(options.signer ?? f.dealer, f.engine, quote),
    fromAmount: HKD_AMOUNT,
    payerCash: f.address.hbHKD,
    beneficiaryCash: f.address.cpTHB,
    beneficiary: f.foreign.siamRice.address,
    ref: encodeBytes32String("FX-HKTH-0001"),
    ...options.payment,
  };
}

/** Bank to bank: Harbour Bank pays wHKD, Chao Phraya Bank receives wTHB at the dealer's quote. */
async function interbankPayment(f: FxLedger, options: PaymentOptions = {}): Promise<FxPayment> {
  return thaiExportPayment(f, {
    ...options,
    payment: {
      payer: f.participants.harbourBank.signer,
      payerCash: f.address.wHKD,
      beneficiaryCash: f.address.wTHB,
      beneficiary: f.foreign.chaoPhrayaBank.address,
      ref: encodeBytes32String("FX-PVP-0001"),
      ...options.payment,
    },
  });
}

/** The expected revert: a leg that failed, or another engine error with its arguments. */
type Refusal =
  | { readonly leg: LegName; readonly reason: FailureReasonName; readonly token: string; readonly tokenError: string }
  | { readonly error: string; readonly args: readonly unknown[] };

/** The dealer's FX-quote nonce and DvP order nonce on `key`. */
async function dealerNonces(f: FxLedger, key = 0n): Promise<{ fx: bigint; dvp: bigint }> {
  const dealer = f.participants.victoriaBank.address;
  return { fx: await f.engine.fxQuoteNonce(dealer, key), dvp: await f.engine["nonces(address,uint192)"](dealer, key) };
}

/**
 * Asserts that `attempt` reverts with `refusal`, moves no balance of any token and consumes no
 * dealer nonce (neither FX-quote nor DvP order nonce, on the quote's key).
 */
async function expectRefusedUnchanged(
  f: FxLedger,
  attempt: () => Promise<unknown>,
  refusal: Refusal,
  key = 0n,
): Promise<void> {
  const noncesBefore = await dealerNonces(f, key);
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
  expect(await f.snapshot()).to.deep.equal(before, "a refused FX payment moved a balance");
  expect(await dealerNonces(f, key)).to.deep.equal(noncesBefore, "a refused quote consumed a nonce");
}

interface FxFailure {
  readonly title: string;
  /** Breaks the rule; returns the payment to attempt and the expected refusal. */
  given(f: FxLedger): Promise<{ payment: FxPayment; refusal: Refusal }>;
}

const THB_AMOUNT = convert(HKD_AMOUNT, fxRate(THB_PER_HKD)); // THB 4,561,200.00

const FX_FAILURES: readonly FxFailure[] = [
  {
    title: "the quote is stale (past its expiry)",
    async given(f) {
      const payment = await thaiExportPayment(f);
      await time.increaseTo(payment.quote.expiry + 1n);
      return { payment, refusal: { error: "FxQuoteExpired", args: [payment.quote.expiry] } };
    },
  },
  {
    title: "the same signed quote is used a second time",
    async given(f) {
      const payment = await thaiExportPayment(f);
      await mined(settleFx(f, payment));
      // The dealer's FX-quote nonce on key 0 moved from 0 to 1 with the first use.
      return {
        payment,
        refusal: { error: "FxQuoteNonceUsed", args: [f.participants.victoriaBank.address, 0n, 1n] },
      };
    },
  },
  {
    title: "the amount exceeds the quote's size",
    async given(f) {
      const payment = await thaiExportPayment(f, { payment: { fromAmount: MAX_FROM_AMOUNT + 1n } });
      return { payment, refusal: { error: "FxAmountOutOfRange", args: [MAX_FROM_AMOUNT + 1n, MAX_FROM_AMOUNT] } };
    },
  },
  {
    title: "the amount is zero",
    async given(f) {
      const payment = await thaiExportPayment(f, { payment: { fromAmount: 0n } });
      return { payment, refusal: { error: "FxAmountOutOfRange", args: [0n, MAX_FROM_AMOUNT] } };
    },
  },
  {
    title: "the amount converts to nothing (HKD 0.01 at BRL 0.6931 is BRL 0.006931)",
    async given(f) {
      const payment = await thaiExportPayment(f, {
        quote: { toToken: f.address.wBRL, rate: fxRate(BRL_PER_HKD) },
        payment: { fromAmount: 1n, beneficiaryCash: f.address.ipBRL, beneficiary: f.foreign.rioCoffee.address },
      });
      return { payment, refusal: { error: "FxAmountOutOfRange", args: [1n, MAX_FROM_AMOUNT] } };
    },
  },
  {
    title: "the quote was signed by someone other than its dealer",
    async given(f) {
      const payment = await thaiExportPayment(f, { signer: f.participants.harbourBank.signer });
      return { payment, refusal: { error: "FxQuoteInvalidSignature", args: [f.participants.victoriaBank.address] } };
    },
  },
  {
    title: "the quote was tampered with after signing (a better rate)",
    async given(f) {
      const signed = await thaiExportPayment(f);
      const payment = { ...signed, quote: { ...signed.quote, rate: fxRate("4.6000") } };
      return { payment, refusal: { error: "FxQuoteInvalidSignature", args: [f.participants.victoriaBank.address] } };
    },
  },
  {
    title: "the quote was signed for another dealer's name (dealer field changed)",
    async given(f) {
      const signed = await thaiExportPayment(f);
      const lionRock = f.participants.lionRockBank.address;
      const payment = { ...signed, quote: { ...signed.quote, dealer: lionRock } };
      return { payment, refusal: { error: "FxQuoteInvalidSignature", args: [lionRock] } };
    },
  },
  {
    title: "the quote exchanges a currency for itself",
    async given(f) {
      const payment = await thaiExportPayment(f, {
        quote: { toToken: f.address.wHKD, rate: RATE_SCALE },
        payment: { beneficiaryCash: f.address.vbHKD, beneficiary: f.participants.tsingYiInsurance.address },
      });
      return { payment, refusal: { error: "FxQuoteInvalidTokens", args: [f.address.wHKD, f.address.wHKD] } };
    },
  },
  {
    title: "the dealer is short of THB (MONY)",
    async given(f) {
      const victoria = f.participants.victoriaBank;
      const keep = THB_AMOUNT - 1n;
      const held = await f.wTHB.balanceOf(victoria.address);
      await mined(f.wTHB.connect(victoria.signer).transfer(f.foreign.chaoPhrayaBank.address, held - keep));
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "InsufficientCash",
          leg: "Interbank",
          token: f.address.wTHB,
          tokenError: f.wTHB.interface.encodeErrorResult("ERC20InsufficientBalance", [
            victoria.address,
            keep,
            THB_AMOUNT,
          ]),
        },
      };
    },
  },
  {
    title: "the dealer withdrew its wTHB allowance to the engine",
    async given(f) {
      await mined(f.wTHB.connect(f.dealer).approve(f.engineAddress, 0n));
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "MissingApproval",
          leg: "Interbank",
          token: f.address.wTHB,
          tokenError: f.wTHB.interface.encodeErrorResult("ERC20InsufficientAllowance", [
            f.engineAddress,
            0n,
            THB_AMOUNT,
          ]),
        },
      };
    },
  },
  {
    title: "the payer lacks the HKD deposits (MONY)",
    async given(f) {
      const peak = f.participants.peakAsset.address;
      const held = await f.deposits.harbourBank.balanceOf(peak);
      return {
        payment: await thaiExportPayment(f, {
          quote: { maxFromAmount: held + 1n },
          payment: { fromAmount: held + 1n },
        }),
        refusal: {
          reason: "InsufficientCash",
          leg: "Cash",
          token: f.address.hbHKD,
          tokenError: f.deposits.harbourBank.interface.encodeErrorResult("ERC20InsufficientBalance", [
            peak,
            held,
            held + 1n,
          ]),
        },
      };
    },
  },
  {
    // The registry's freeze is classified as a blocked account (ISO 20022 BLOC), like every freeze.
    title: "the beneficiary is frozen in the registry (BLOC)",
    async given(f) {
      const siamRice = f.foreign.siamRice.address;
      await mined(f.registry.setFrozen(siamRice, true));
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "AccountFrozen",
          leg: "Cash",
          token: f.address.cpTHB,
          tokenError: f.cpTHB.interface.encodeErrorResult("ParticipantFrozen", [siamRice]),
        },
      };
    },
  },
  {
    title: "the beneficiary is no longer on the participant registry",
    async given(f) {
      const siamRice = f.foreign.siamRice.address;
      await mined(f.registry.removeParticipant(siamRice));
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "NotEligible",
          leg: "Cash",
          token: f.address.cpTHB,
          tokenError: f.cpTHB.interface.encodeErrorResult("ParticipantNotRegistered", [siamRice]),
        },
      };
    },
  },
  {
    title: "the beneficiary is not a customer of Chao Phraya Bank",
    async given(f) {
      // Rio Coffee Traders banks at Banco Ipanema, not at Chao Phraya Bank.
      const rioCoffee = f.foreign.rioCoffee.address;
      return {
        payment: await thaiExportPayment(f, { payment: { beneficiary: rioCoffee } }),
        refusal: {
          reason: "NotEligible",
          leg: "Cash",
          token: f.address.cpTHB,
          tokenError: f.cpTHB.interface.encodeErrorResult("NotCustomerOfBank", [rioCoffee]),
        },
      };
    },
  },
  {
    title: "wHKD is paused by HKMA",
    async given(f) {
      await mined(f.wcbdc.pause());
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "Paused",
          leg: "Interbank",
          token: f.address.wHKD,
          tokenError: f.wcbdc.interface.encodeErrorResult("EnforcedPause", []),
        },
      };
    },
  },
  {
    title: "wTHB is paused by the Bank of Thailand",
    async given(f) {
      await mined(f.wTHB.pause());
      return {
        payment: await thaiExportPayment(f),
        refusal: {
          reason: "Paused",
          leg: "Interbank",
          token: f.address.wTHB,
          tokenError: f.wTHB.interface.encodeErrorResult("EnforcedPause", []),
        },
      };
    },
  },
  {
    title: "the payer's cash is in the wrong currency (THB deposits against a quote from HKD)",
    async given(f) {
      const payment = await thaiExportPayment(f, {
        payment: { payer: f.foreign.siamRice.signer, payerCash: f.address.cpTHB },
      });
      return { payment, refusal: { error: "CashCurrencyMismatch", args: [f.address.cpTHB, f.address.wHKD] } };
    },
  },
  {
    title: "the beneficiary's cash is in the wrong currency (BRL deposits against a quote to THB)",
    async given(f) {
      const payment = await thaiExportPayment(f, {
        payment: { beneficiaryCash: f.address.ipBRL, beneficiary: f.foreign.rioCoffee.address },
      });
      return { payment, refusal: { error: "CashCurrencyMismatch", args: [f.address.wTHB, f.address.ipBRL] } };
    },
  },
  {
    title: "the beneficiary's cash token is not money the engine settles (the bond)",
    async given(f) {
      const payment = await thaiExportPayment(f, { payment: { beneficiaryCash: f.address.bond } });
      return { payment, refusal: { error: "DepositTokenNotRegistered", args: [f.address.bond] } };
    },
  },
];

describe("FxSettlement (settlement engine)", function () {
  describe("fx-quote.ts", function () {
    it("turns a decimal rate into the 1e18 fixed point exactly, without floating point", function () {
      expect(fxRate("4.5612")).to.equal(4_561_200_000_000_000_000n);
      expect(fxRate("0.6931")).to.equal(693_100_000_000_000_000n);
      expect(fxRate("7")).to.equal(7n * RATE_SCALE);
      // 18 decimals survive exactly (a float would keep about 16 significant digits).
      expect(fxRate("4.561234567891234567")).to.equal(4_561_234_567_891_234_567n);
      expect(fxRate("123456789.123456789123456789")).to.equal(123_456_789_123_456_789_123_456_789n);
      // Different minor units: JPY 19.85 per HKD is 0.1985 yen per cent.
      expect(fxRate("19.85", { from: 2, to: 0 })).to.equal(198_500_000_000_000_000n);
      expect(fxRate("0.0504", { from: 0, to: 2 })).to.equal(5_040_000_000_000_000_000n);
    });

    it("refuses what it cannot represent exactly", function () {
      for (const bad of ["", "4.", ".5", "-4.5", "4,5612", "1e3", "4.5.6", "0", "0.000"]) {
        expect(() => fxRate(bad), bad).to.throw();
      }
      expect(() => fxRate("1.0000000000000000001")).to.throw(/precision/);
      expect(() => fxRate("1.5", { from: 2.5, to: 2 })).to.throw(/minor units/);
    });

    it("converts as the contract does: floor(amount × rate / 1e18)", function () {
      expect(convert(HKD_AMOUNT, fxRate(THB_PER_HKD))).to.equal(parseMoney("4,561,200.00", 2));
      expect(convert(333n, fxRate(THB_PER_HKD))).to.equal(1518n); // 15.188796 rounds down
      expect(convert(1n, fxRate(BRL_PER_HKD))).to.equal(0n);
      expect(() => convert(-1n, RATE_SCALE)).to.throw();
    });

    it("signs the EIP-712 type FX_QUOTE_TYPEHASH names, in the engine's domain", async function () {
      const f = await loadFxLedger();
      const encoded = TypedDataEncoder.from(FX_QUOTE_TYPES).encodeType("FxQuote");
      expect(id(encoded)).to.equal(await f.engine.FX_QUOTE_TYPEHASH());
      expect(await f.engine.RATE_SCALE()).to.equal(RATE_SCALE);

      const quote = await f.makeQuote({ nonce: (5n << 64n) | 3n });
      const domain = await settlementDomain(f.engine);
      expect(await f.engine.fxQuoteDigest(quote)).to.equal(TypedDataEncoder.hash(domain, FX_QUOTE_TYPES, quote));
      const signature = await signFxQuote(f.dealer, f.engine, quote);
      expect(verifyTypedData(domain, FX_QUOTE_TYPES, quote, signature)).to.equal(f.participants.victoriaBank.address);
    });
  });

  describe("settleFx", function () {
    it("settles bank-to-bank PvP: Harbour Bank pays wHKD, Chao Phraya Bank receives wTHB at the quote", async function () {
      const f = await loadFxLedger();
      const payment = await interbankPayment(f);
      const harbour = f.participants.harbourBank.address;
      const victoria = f.participants.victoriaBank.address;
      // HKD 1,000,000.00 × 4.5612 = THB 4,561,200.00 exactly.
      const thb = parseMoney("4,561,200.00", 2);
      const digest = await f.engine.fxQuoteDigest(payment.quote);
      const supplies = { wHKD: await f.wcbdc.totalSupply(), wTHB: await f.wTHB.totalSupply() };

      expect(
        await f.engine
          .connect(payment.payer)
          .settleFx.staticCall(
            payment.quote,
            payment.signature,
            payment.fromAmount,
            payment.payerCash,
            payment.beneficiaryCash,
            payment.beneficiary,
            payment.ref,
          ),
      ).to.equal(thb);
      const before = await f.snapshot();
      const tx = settleFx(f, payment);
      await expect(tx)
        .to.emit(f.engine, "FxSettled")
        .withArgs(digest, victoria, harbour, f.foreign.chaoPhrayaBank.address, HKD_AMOUNT, thb, payment.ref);
      // Both sides pay in central-bank money directly: no deposit bank sits in between.
      await expect(tx).not.to.emit(f.engine, "InterbankSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "wHKD:harbourBank": -HKD_AMOUNT,
        "wHKD:victoriaBank": HKD_AMOUNT,
        "wTHB:victoriaBank": -thb,
        "wTHB:chaoPhrayaBank": thb,
      });
      expect({ wHKD: await f.wcbdc.totalSupply(), wTHB: await f.wTHB.totalSupply() }).to.deep.equal(supplies);
      // The quote used the dealer's FX-quote nonce; its DvP order nonce is untouched.
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 0n });
    });

    it("settles end to end: Peak Asset's HKD deposits become Siam Rice's THB deposits in one transaction", async function () {
      const f = await loadFxLedger();
      const payment = await thaiExportPayment(f);
      const harbour = f.participants.harbourBank.address;
      const victoria = f.participants.victoriaBank.address;
      const chaoPhraya = f.foreign.chaoPhrayaBank.address;
      const thb = parseMoney("4,561,200.00", 2);

      const before = await f.snapshot();
      const tx = settleFx(f, payment);
      await expect(tx)
        .to.emit(f.engine, "FxSettled")
        .withArgs(
          await f.engine.fxQuoteDigest(payment.quote),
          victoria,
          f.participants.peakAsset.address,
          f.foreign.siamRice.address,
          HKD_AMOUNT,
          thb,
          payment.ref,
        );
      // Harbour Bank pays the dealer in wHKD; the dealer pays Chao Phraya Bank in wTHB.
      await expect(tx).to.emit(f.engine, "InterbankSettled").withArgs(payment.ref, harbour, victoria, HKD_AMOUNT);
      await expect(tx).to.emit(f.engine, "InterbankSettled").withArgs(payment.ref, victoria, chaoPhraya, thb);
      expect(changes(before, await f.snapshot())).to.deep.equal({
        // Peak Asset's HKD deposits are burned at Harbour Bank...
        "hbHKD:peakAsset": -HKD_AMOUNT,
        "hbHKD:supply": -HKD_AMOUNT,
        // ...which pays the dealer in HKD central-bank money...
        "wHKD:harbourBank": -HKD_AMOUNT,
        "wHKD:victoriaBank": HKD_AMOUNT,
        // ...the dealer pays Chao Phraya Bank in THB central-bank money...
        "wTHB:victoriaBank": -thb,
        "wTHB:chaoPhrayaBank": thb,
        // ...which credits Siam Rice Exporters' THB deposits. No wCBDC supply moved.
        "cpTHB:siamRice": thb,
        "cpTHB:supply": thb,
      });
      // Deposit tokens never left their banks, and the engine keeps nothing.
      expect(await f.cpTHB.balanceOf(f.participants.peakAsset.address)).to.equal(0n);
      for (const token of Object.values(f.tokens)) expect(await token.balanceOf(f.engineAddress)).to.equal(0n);
    });

    it("settles HKD to BRL: Tsing Yi Insurance (a customer of the dealer) pays Rio Coffee Traders in BRL deposits", async function () {
      const f = await loadFxLedger();
      const quote = await f.makeQuote({
        taker: f.participants.tsingYiInsurance.address,
        toToken: f.address.wBRL,
        rate: fxRate(BRL_PER_HKD),
      });
      const hkd = parseMoney("250,000.00", 2);
      // HKD 250,000.00 × 0.6931 = BRL 173,275.00 exactly.
      const brl = parseMoney("173,275.00", 2);
      expect(convert(hkd, quote.rate)).to.equal(brl);
      const payment: FxPayment = {
        payer: f.participants.tsingYiInsurance.signer,
        quote,
        signature: await signFxQuote(f.dealer, f.engine, quote),
        fromAmount: hkd,
        payerCash: f.address.vbHKD,
        beneficiaryCash: f.address.ipBRL,
        beneficiary: f.foreign.rioCoffee.address,
        ref: encodeBytes32String("FX-HKBR-0001"),
      };
      const victoria = f.participants.victoriaBank.address;

      const before = await f.snapshot();
      const tx = settleFx(f, payment);
      await expect(tx)
        .to.emit(f.engine, "FxSettled")
        .withArgs(
          await f.engine.fxQuoteDigest(quote),
          victoria,
          payment.payer.address,
          payment.beneficiary,
          hkd,
          brl,
          payment.ref,
        );
      // The payer banks at the dealer, so the HKD side is a debit at Victoria Bank and no wHKD moves;
      // only the BRL side crosses banks.
      await expect(tx)
        .to.emit(f.engine, "InterbankSettled")
        .withArgs(payment.ref, victoria, f.foreign.bancoIpanema.address, brl);
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "vbHKD:tsingYiInsurance": -hkd,
        "vbHKD:supply": -hkd,
        "wBRL:victoriaBank": -brl,
        "wBRL:bancoIpanema": brl,
        "ipBRL:rioCoffee": brl,
        "ipBRL:supply": brl,
      });
    });

    it("rounds the beneficiary's amount down: less than one minor unit short of the exact rate", async function () {
      const f = await loadFxLedger();
      const rate = fxRate("4.561234567891234567");
      const hkd = 100_000_001n; // HKD 1,000,000.01
      // By hand: 100,000,001 × 4.561234567891234567
      //        = 456,123,456.7891234567 + 4.561234567891234567
      //        = 456,123,461.350358024591234567 satang, exactly;
      // floor → 456,123,461 satang = THB 4,561,234.61, i.e. 0.350358… satang below the exact amount.
      const thb = 456_123_461n;
      expect(convert(hkd, rate)).to.equal(thb);
      const exact = hkd * rate; // in satang × 1e18
      expect(exact - thb * RATE_SCALE).to.equal(350_358_024_591_234_567n);
      expect(exact - thb * RATE_SCALE < RATE_SCALE).to.equal(true);

      const payment = await interbankPayment(f, { quote: { rate }, payment: { fromAmount: hkd } });
      const before = await f.snapshot();
      await expect(settleFx(f, payment))
        .to.emit(f.engine, "FxSettled")
        .withArgs(
          await f.engine.fxQuoteDigest(payment.quote),
          f.participants.victoriaBank.address,
          f.participants.harbourBank.address,
          f.foreign.chaoPhrayaBank.address,
          hkd,
          thb,
          payment.ref,
        );
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "wHKD:harbourBank": -hkd,
        "wHKD:victoriaBank": hkd,
        "wTHB:victoriaBank": -thb,
        "wTHB:chaoPhrayaBank": thb,
      });
    });

    it("settles a quote up to and including its expiry second, and for exactly its size", async function () {
      const f = await loadFxLedger();
      const payment = await thaiExportPayment(f, { payment: { fromAmount: MAX_FROM_AMOUNT } });
      await time.setNextBlockTimestamp(payment.quote.expiry);
      const thb = convert(MAX_FROM_AMOUNT, payment.quote.rate);
      await expect(settleFx(f, payment)).to.emit(f.engine, "FxSettled");
      expect(await f.cpTHB.balanceOf(f.foreign.siamRice.address)).to.equal(parseMoney(OPENING_THB.siamRice, 2) + thb);
    });

    it("settles quotes on separate nonce keys in any order, each once", async function () {
      const f = await loadFxLedger();
      const victoria = f.participants.victoriaBank.address;
      const key = (k: bigint): bigint => k << 64n;
      const first = await interbankPayment(f, { quote: { nonce: await f.engine.fxQuoteNonce(victoria, 1n) } });
      const second = await interbankPayment(f, { quote: { nonce: await f.engine.fxQuoteNonce(victoria, 2n) } });
      expect(first.quote.nonce).to.equal(key(1n));
      expect(second.quote.nonce).to.equal(key(2n));

      await mined(settleFx(f, second));
      await mined(settleFx(f, first));
      expect(await f.engine.fxQuoteNonce(victoria, 1n)).to.equal(key(1n) | 1n);
      expect(await f.engine.fxQuoteNonce(victoria, 2n)).to.equal(key(2n) | 1n);
      await expectRefusedUnchanged(
        f,
        () => settleFx(f, first),
        { error: "FxQuoteNonceUsed", args: [victoria, key(1n), key(1n) | 1n] },
        1n,
      );
    });

    for (const c of FX_FAILURES) {
      it(`refuses an FX payment when ${c.title}, moving nothing`, async function () {
        const f = await loadFxLedger();
        const { payment, refusal } = await c.given(f);
        await expectRefusedUnchanged(f, () => settleFx(f, payment), refusal);
      });
    }

    it("refuses a quote whose tokens are not registered central-bank money (FxQuoteInvalidTokens)", async function () {
      const f = await loadFxLedger();
      const peak = f.participants.peakAsset.signer;
      const mock = await new ERC20Mock__factory(peak).deploy("Not Money", "NOPE");
      const mockAddress = await mock.getAddress();
      await mined(mock.mint(peak.address, HKD_AMOUNT));
      await mined(mock.approve(f.engineAddress, MaxUint256));
      const payment = await interbankPayment(f, {
        quote: { fromToken: mockAddress },
        payment: { payer: peak, payerCash: mockAddress },
      });
      await expectRefusedUnchanged(f, () => settleFx(f, payment), {
        error: "FxQuoteInvalidTokens",
        args: [mockAddress, f.address.wTHB],
      });
    });
  });

  describe("FX-quote nonces", function () {
    it("lets the dealer withdraw a quote by voiding its FX-quote nonce (FxQuoteNonceInvalidated), leaving its DvP nonces alone", async function () {
      const f = await loadFxLedger();
      const victoria = f.participants.victoriaBank.address;
      const payment = await interbankPayment(f);
      await expect(f.engine.connect(f.dealer).invalidateFxQuoteNonce(0n))
        .to.emit(f.engine, "FxQuoteNonceInvalidated")
        .withArgs(victoria, 0n);
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 0n });
      await expectRefusedUnchanged(f, () => settleFx(f, payment), {
        error: "FxQuoteNonceUsed",
        args: [victoria, 0n, 1n],
      });

      // Voiding a DvP order nonce does not withdraw a quote.
      await mined(f.engine.connect(f.dealer).invalidateNonce(0n));
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 1n });
      const next = await interbankPayment(f);
      expect(next.quote.nonce).to.equal(1n);
      await expect(settleFx(f, next)).to.emit(f.engine, "FxSettled");
      expect(await dealerNonces(f)).to.deep.equal({ fx: 2n, dvp: 1n });
    });
  });

  describe("quotes name their taker and have their own nonces (issue #9, finding 8)", function () {
    it("finding 8: an FX quote made to one taker cannot be used by a stranger (FxQuoteNotForCaller); the stranger's HK$0.01 attempt leaves the quote usable by its taker", async function () {
      const f = await loadFxLedger();
      const peak = f.participants.peakAsset;
      const stranger = f.participants.kowloonDealer; // a Harbour Bank customer who approved the engine too
      const payment = await thaiExportPayment(f);
      expect(payment.quote.taker).to.equal(peak.address);

      const dust: FxPayment = { ...payment, payer: stranger.signer, fromAmount: 1n };
      await expectRefusedUnchanged(f, () => settleFx(f, dust), {
        error: "FxQuoteNotForCaller",
        args: [stranger.address, peak.address],
      });
      // Naming itself as the taker breaks the dealer's signature.
      const renamed: FxPayment = { ...dust, quote: { ...payment.quote, taker: stranger.address } };
      await expectRefusedUnchanged(f, () => settleFx(f, renamed), {
        error: "FxQuoteInvalidSignature",
        args: [f.participants.victoriaBank.address],
      });

      // The taker still settles the quote, in full.
      const before = await f.snapshot();
      await expect(settleFx(f, payment))
        .to.emit(f.engine, "FxSettled")
        .withArgs(
          await f.engine.fxQuoteDigest(payment.quote),
          f.participants.victoriaBank.address,
          peak.address,
          f.foreign.siamRice.address,
          HKD_AMOUNT,
          THB_AMOUNT,
          payment.ref,
        );
      const moved = changes(before, await f.snapshot());
      expect([moved["hbHKD:peakAsset"], moved["cpTHB:siamRice"]]).to.deep.equal([-HKD_AMOUNT, THB_AMOUNT]);
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 0n });
    });

    it("finding 8: using an FX quote does not consume the dealer's DvP order nonce and vice versa (both settle)", async function () {
      const f = await loadFxLedger();
      const victoria = f.participants.victoriaBank;
      const harbour = f.participants.harbourBank;
      const hkma = f.participants.hkma.signer;
      // Victoria Bank also sells green bonds to Harbour Bank against wHKD, from signed orders.
      await mined(f.bond.mint(victoria.address, 100n));
      await mined(f.bond.connect(victoria.signer).approve(f.engineAddress, MaxUint256));
      const bondTrade = async (quantity: bigint): Promise<Trade> => {
        const now = BigInt(await time.latest());
        return {
          tradeRef: nextTradeRef(),
          seller: victoria.address,
          buyer: harbour.address,
          asset: f.address.bond,
          quantity,
          buyerCash: f.address.wHKD,
          sellerCash: f.address.wHKD,
          amount: quantity * 4_975_000n,
          settlementDate: now,
          expiry: now + 86_400n,
        };
      };
      /** Both banks sign `trade` with their current DvP order nonces on key 0; HKMA submits. */
      const settleDvp = async (trade: Trade): Promise<ContractTransactionResponse> => {
        const sellerNonce = await f.engine["nonces(address,uint192)"](victoria.address, 0n);
        const buyerNonce = await f.engine["nonces(address,uint192)"](harbour.address, 0n);
        return f.engine
          .connect(hkma)
          .settleSigned(
            trade,
            sellerNonce,
            await signSettlementOrder(victoria.signer, f.engine, trade, sellerNonce),
            buyerNonce,
            await signSettlementOrder(harbour.signer, f.engine, trade, buyerNonce),
          );
      };
      const fxMoves: Balances = {
        "wHKD:harbourBank": -HKD_AMOUNT,
        "wHKD:victoriaBank": HKD_AMOUNT,
        "wTHB:victoriaBank": -THB_AMOUNT,
        "wTHB:chaoPhrayaBank": THB_AMOUNT,
      };
      const dvpMoves = (t: Trade): Balances => ({
        "bond:victoriaBank": -t.quantity,
        "bond:harbourBank": t.quantity,
        "wHKD:harbourBank": -t.amount,
        "wHKD:victoriaBank": t.amount,
      });

      // Both the quote and the order carry "nonce 0 on key 0", each in its own space.
      const quote = await interbankPayment(f);
      const first = await bondTrade(10n);
      expect(quote.quote.nonce).to.equal(0n);
      expect(await f.engine["nonces(address,uint192)"](victoria.address, 0n)).to.equal(0n);

      let before = await f.snapshot();
      await expect(settleFx(f, quote)).to.emit(f.engine, "FxSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(fxMoves);
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 0n });

      before = await f.snapshot();
      await expect(settleDvp(first)).to.emit(f.engine, "TradeSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(first));
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 1n });

      // And the other way round: an order first, then a quote.
      const second = await bondTrade(5n);
      before = await f.snapshot();
      await expect(settleDvp(second)).to.emit(f.engine, "TradeSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(second));
      expect(await dealerNonces(f)).to.deep.equal({ fx: 1n, dvp: 2n });

      const nextQuote = await interbankPayment(f);
      expect(nextQuote.quote.nonce).to.equal(1n);
      before = await f.snapshot();
      await expect(settleFx(f, nextQuote)).to.emit(f.engine, "FxSettled");
      expect(changes(before, await f.snapshot())).to.deep.equal(fxMoves);
      expect(await dealerNonces(f)).to.deep.equal({ fx: 2n, dvp: 2n });
    });
  });

  describe("central-bank money of several currencies on one ledger", function () {
    it("knows each currency's wCBDC, registered at deployment", async function () {
      const f = await loadFxLedger();
      expect(await f.engine.wcbdcOfCurrency("HKD")).to.equal(f.address.wHKD);
      expect(await f.engine.wcbdcOfCurrency("THB")).to.equal(f.address.wTHB);
      expect(await f.engine.wcbdcOfCurrency("BRL")).to.equal(f.address.wBRL);
      expect(await f.engine.wcbdcOfCurrency("USD")).to.equal(ZeroAddress);
      expect(await f.engine.wcbdcOf(f.address.cpTHB)).to.equal(f.address.wTHB);
      expect(await f.engine.wcbdcOf(f.address.ipBRL)).to.equal(f.address.wBRL);
      expect(await f.engine.bankOf(f.address.cpTHB)).to.equal(f.foreign.chaoPhrayaBank.address);
    });

    it("lets the admin register another currency's wCBDC, with an event", async function () {
      const f = await loadFxLedger();
      const hkma = f.participants.hkma;
      const wCNY = await new WholesaleCBDC__factory(hkma.signer).deploy(
        "Wholesale CBDC (CNY)",
        "wCNY",
        "CNY",
        2,
        await f.registry.getAddress(),
        hkma.address,
      );
      const address = await wCNY.getAddress();
      await expect(f.engine.registerWholesaleCbdc(address))
        .to.emit(f.engine, "WholesaleCbdcRegistered")
        .withArgs(address, "CNY");
      expect(await f.engine.wcbdcOfCurrency("CNY")).to.equal(address);
    });

    it("lets only the admin register a wCBDC (AccessControlUnauthorizedAccount)", async function () {
      const f = await loadFxLedger();
      const bot = f.foreign.bankOfThailand;
      const wTHB2 = await new WholesaleCBDC__factory(bot.signer).deploy(
        "Bank of Thailand Wholesale CBDC (THB) II",
        "wTHB2",
        "THB",
        2,
        await f.registry.getAddress(),
        bot.address,
      );
      const address = await wTHB2.getAddress();
      for (const caller of [bot.signer, f.participants.victoriaBank.signer, f.foreign.chaoPhrayaBank.signer]) {
        await expect(f.engine.connect(caller).registerWholesaleCbdc(address))
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ZeroHash);
      }
      expect(await f.engine.wcbdcOfCurrency("THB")).to.equal(f.address.wTHB);
    });

    it("refuses a second wCBDC of a currency already registered (WholesaleCbdcAlreadyRegistered)", async function () {
      const f = await loadFxLedger();
      const bot = f.foreign.bankOfThailand;
      const wTHB2 = await new WholesaleCBDC__factory(bot.signer).deploy(
        "Bank of Thailand Wholesale CBDC (THB) II",
        "wTHB2",
        "THB",
        2,
        await f.registry.getAddress(),
        bot.address,
      );
      const address = await wTHB2.getAddress();
      await expect(f.engine.registerWholesaleCbdc(address))
        .to.be.revertedWithCustomError(f.engine, "WholesaleCbdcAlreadyRegistered")
        .withArgs(address);
      // Registering the same token again is refused the same way.
      await expect(f.engine.registerWholesaleCbdc(f.address.wTHB))
        .to.be.revertedWithCustomError(f.engine, "WholesaleCbdcAlreadyRegistered")
        .withArgs(f.address.wTHB);
      expect(await f.engine.wcbdcOfCurrency("THB")).to.equal(f.address.wTHB);
    });

    it("finding 7: the Bank of Thailand cannot register an HKD line, nor HKMA a THB line (NotCentralBankOf / DepositCurrencyMismatch)", async function () {
      const f = await loadFxLedger();
      const hkma = f.participants.hkma;
      const bot = f.foreign.bankOfThailand;
      const harbour = f.participants.harbourBank;
      const chaoPhraya = f.foreign.chaoPhrayaBank;
      const registry = await f.registry.getAddress();
      const deploy = async (bank: CrossBorderParticipantLike, currency: string): Promise<string> => {
        const token = await new TokenizedDeposit__factory(bank.signer).deploy(
          `${currency} Term Deposit`,
          `t${currency}`,
          currency,
          2,
          registry,
          bank.address,
        );
        const address = await token.getAddress();
        await mined(f.engine.connect(bank.signer).consentToDepositLine(address, true));
        return address;
      };
      const newHkd = await deploy(harbour, "HKD");
      const newThb = await deploy(chaoPhraya, "THB");

      // The Bank of Thailand, on a consented HKD line: not wHKD's central bank, and wTHB is not HKD.
      await expect(f.engine.connect(bot.signer).registerDepositToken(newHkd, f.address.wHKD))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(bot.address, f.address.wHKD);
      await expect(f.engine.connect(bot.signer).registerDepositToken(newHkd, f.address.wTHB))
        .to.be.revertedWithCustomError(f.engine, "DepositCurrencyMismatch")
        .withArgs(newHkd);
      // HKMA, on a consented THB line: the mirror image.
      await expect(f.engine.connect(hkma.signer).registerDepositToken(newThb, f.address.wTHB))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(hkma.address, f.address.wTHB);
      await expect(f.engine.connect(hkma.signer).registerDepositToken(newThb, f.address.wHKD))
        .to.be.revertedWithCustomError(f.engine, "DepositCurrencyMismatch")
        .withArgs(newThb);
      // Nor can either re-point or close the other's existing lines.
      await expect(f.engine.connect(bot.signer).registerDepositToken(f.address.hbHKD, f.address.wTHB))
        .to.be.revertedWithCustomError(f.engine, "DepositCurrencyMismatch")
        .withArgs(f.address.hbHKD);
      await expect(f.engine.connect(bot.signer).deregisterDepositToken(f.address.hbHKD))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(bot.address, f.address.wHKD);
      await expect(f.engine.connect(hkma.signer).deregisterDepositToken(f.address.cpTHB))
        .to.be.revertedWithCustomError(f.engine, "NotCentralBankOf")
        .withArgs(hkma.address, f.address.wTHB);
      for (const token of [newHkd, newThb]) expect(await f.engine.bankOf(token)).to.equal(ZeroAddress);
      expect(await f.engine.wcbdcOf(f.address.hbHKD)).to.equal(f.address.wHKD);
      expect(await f.engine.wcbdcOf(f.address.cpTHB)).to.equal(f.address.wTHB);

      // Each currency's own central bank registers its lines.
      await expect(f.engine.connect(hkma.signer).registerDepositToken(newHkd, f.address.wHKD))
        .to.emit(f.engine, "DepositTokenRegistered")
        .withArgs(newHkd, harbour.address, true);
      await expect(f.engine.connect(bot.signer).registerDepositToken(newThb, f.address.wTHB))
        .to.emit(f.engine, "DepositTokenRegistered")
        .withArgs(newThb, chaoPhraya.address, true);
      expect(await f.engine.wcbdcOf(newHkd)).to.equal(f.address.wHKD);
      expect(await f.engine.wcbdcOf(newThb)).to.equal(f.address.wTHB);
    });

    it("lets each central bank mint only its own wCBDC", async function () {
      const f = await loadFxLedger();
      const hkma = f.participants.hkma;
      const bot = f.foreign.bankOfThailand;
      const chaoPhraya = f.foreign.chaoPhrayaBank.address;
      const role = await f.wTHB.CENTRAL_BANK_ROLE();
      const before = await f.snapshot();

      await expect(f.wTHB.connect(hkma.signer).mint(chaoPhraya, 1n))
        .to.be.revertedWithCustomError(f.wTHB, "AccessControlUnauthorizedAccount")
        .withArgs(hkma.address, role);
      await expect(f.wBRL.connect(bot.signer).mint(chaoPhraya, 1n))
        .to.be.revertedWithCustomError(f.wBRL, "AccessControlUnauthorizedAccount")
        .withArgs(bot.address, role);
      await expect(f.wcbdc.connect(bot.signer).mint(f.participants.harbourBank.address, 1n))
        .to.be.revertedWithCustomError(f.wcbdc, "AccessControlUnauthorizedAccount")
        .withArgs(bot.address, role);
      expect(await f.snapshot()).to.deep.equal(before);

      await mined(f.wTHB.mint(chaoPhraya, 1n));
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wTHB:chaoPhrayaBank": 1n, "wTHB:supply": 1n });
    });
  });
});
