import { signSettlementOrder } from "../../src/chain/signing.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { MaxUint256, TypedDataEncoder, encodeBytes32String, type ContractTransactionResponse } from "ethers";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import type { BankKey, ParticipantKey } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import {
  FAILURE_REASON,
  SETTLEMENT_ORDER_TYPES,
  TRADE_STATUS,
  type FailureReasonName,
  type Trade,
  type TradeStatusName,
} from "../../src/domain/trade.js";
import type { GovernmentBond, SettlementEngine, TokenizedDeposit, WholesaleCBDC } from "../../typechain-types/index.js";
import { ethers, fundedLedger, networkHelpers } from "./ledger-fixture.js";

/**
 * The funded Hong Kong ledger made ready for settlement tests: the HKSAR Government has issued
 * green-bond units to a dealer and two banks, and every party that trades has given the settlement
 * engine an allowance on the bond and on its cash token (the mechanism by which the engine moves a
 * leg; the consent to a debit is the party's own instruction, signature or call). Builders for
 * trades and signed orders, and a balance snapshot over every token and holder, so a test can
 * assert the exact movements of a settlement — and that a failed one moved nothing.
 */

/** Bond units the issuer allots to each initial holder (Kowloon Dealer, Harbour Bank, Victoria Bank). */
export const BOND_ALLOTMENT = 1_000n;
/** Clean price of one unit (HK$50,000 face) at 99.50: HKD 49,750.00, in minor units. */
export const PRICE_PER_UNIT = 4_975_000n;
/** Units a default trade delivers. */
export const DEFAULT_QUANTITY = 10n;
/** One day in seconds, as the engine's `uint64` times. */
export const DAY = 86_400n;
/** One year in seconds. */
export const YEAR = 365n * DAY;
/** "HK" as the registry's `bytes2` jurisdiction. */
export const HK = "0x484b";

/** `Leg` in contracts/settlement/Trade.sol. */
export const LEG = ["Asset", "Cash", "Interbank"] as const;
export type LegName = (typeof LEG)[number];

/** The on-chain number of a trade status (`TradeStatus`). */
export function statusOf(name: TradeStatusName): bigint {
  return BigInt(TRADE_STATUS.indexOf(name));
}

/** The on-chain number of a failure reason (`FailureReason`). */
export function reasonOf(name: FailureReasonName): bigint {
  return BigInt(FAILURE_REASON.indexOf(name));
}

/** The on-chain number of a settlement leg (`Leg`). */
export function legOf(name: LegName): bigint {
  return BigInt(LEG.indexOf(name));
}

/** A trade's id as the engine computes it: the EIP-712 struct hash of `Trade`. */
export function tradeIdOf(trade: Trade): string {
  return TypedDataEncoder.hashStruct("Trade", { Trade: SETTLEMENT_ORDER_TYPES.Trade }, trade);
}

/** The trade as the positional tuple an event carries (for `withArgs`). */
export function tradeTuple(trade: Trade): readonly unknown[] {
  return [
    trade.tradeRef,
    trade.seller,
    trade.buyer,
    trade.asset,
    trade.quantity,
    trade.buyerCash,
    trade.sellerCash,
    trade.amount,
    trade.settlementDate,
    trade.expiry,
  ];
}

/** Waits for `tx` to be mined, for set-up steps whose events do not matter. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

/** Any token of the ledger. */
export type LedgerToken = WholesaleCBDC | TokenizedDeposit | GovernmentBond;

/** Token labels used in balance snapshots. */
export type TokenLabel = "wHKD" | "hbHKD" | "vbHKD" | "lrHKD" | "bond";

/**
 * Balances keyed `"<token>:<holder>"` (e.g. `"bond:kowloonDealer"`), plus each token's total
 * supply under `"<token>:supply"`.
 */
export type Balances = Record<string, bigint>;

/**
 * Reads the balance of every account in every token, and each token's total supply.
 * @example const before = await balancesOf({ bond }, { seller: seller.address });
 */
export async function balancesOf(
  tokens: Readonly<Partial<Record<string, LedgerToken>>>,
  accounts: Readonly<Record<string, string>>,
): Promise<Balances> {
  const out: Balances = {};
  for (const [label, token] of Object.entries(tokens)) {
    if (token === undefined) continue;
    for (const [name, address] of Object.entries(accounts)) {
      out[`${label}:${name}`] = await token.balanceOf(address);
    }
    out[`${label}:supply`] = await token.totalSupply();
  }
  return out;
}

/** The entries that differ between two snapshots, as `after − before`; moves of zero are left out. */
export function changes(before: Balances, after: Balances): Balances {
  const out: Balances = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[key] ?? 0n) - (before[key] ?? 0n);
    if (delta !== 0n) out[key] = delta;
  }
  return out;
}

/** Holder names in snapshots: every participant, and the engine itself. */
export type HolderName = ParticipantKey | "engine";

export interface SettlementLedger extends HongKongLedger {
  /** An address on no list of the ledger (account 9). */
  readonly outsider: HardhatEthersSigner;
  readonly engineAddress: string;
  readonly bondAddress: string;
  readonly wcbdcAddress: string;
  readonly depositAddress: Readonly<Record<BankKey, string>>;
  /** Every token of the ledger, by snapshot label. */
  readonly tokens: Readonly<Record<TokenLabel, LedgerToken>>;
  /** Every participant and the engine, by snapshot name. */
  readonly holders: Readonly<Record<HolderName, string>>;
  /**
   * A trade with sensible defaults, overridden by `overrides`: Kowloon Dealer sells
   * `DEFAULT_QUANTITY` bond units to Peak Asset Management at `PRICE_PER_UNIT`, both paying in Harbour
   * Bank deposits, due now (chain time) and expiring in one day, with a fresh `tradeRef`.
   */
  makeTrade(overrides?: Partial<Trade>): Promise<Trade>;
  /** Every balance and supply of every token of the ledger (see `balancesOf`). */
  snapshot(): Promise<Balances>;
}

let tradeSequence = 0;

/** A fresh trade reference, e.g. `HK-TRD-0007`. */
export function nextTradeRef(): string {
  tradeSequence += 1;
  return encodeBytes32String(`HK-TRD-${String(tradeSequence).padStart(4, "0")}`);
}

/** The chain's latest block time. */
export async function chainNow(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/**
 * The fixture: `fundedLedger()`, then the bond allotments and every party's consent to the engine.
 * Use it through `loadSettlementLedger()` so that each test starts from the same state.
 */
export async function settlementLedger(): Promise<SettlementLedger> {
  const ledger = await fundedLedger();
  const { participants: p, bond, deposits, wcbdc, engine } = ledger;
  const engineAddress = await engine.getAddress();

  // Primary allotment by the issuer.
  for (const holder of [p.kowloonDealer, p.harbourBank, p.victoriaBank]) {
    await mined(bond.mint(holder.address, BOND_ALLOTMENT));
  }

  // Allowances to the engine. They are unlimited on purpose, and that is safe: the engine treats no
  // allowance as consent to a debit — it debits an account only for a settlement that account
  // instructed, signed or called itself (contracts/settlement/SettlementLegs.sol) — so a test that
  // withdraws one (LEG_FAILURES) shows the mechanism failing, not a consent being refused.
  // Every party that may deliver the bond...
  for (const party of [
    p.kowloonDealer,
    p.peakAsset,
    p.tsingYiInsurance,
    p.lantauPension,
    p.harbourBank,
    p.victoriaBank,
    p.lionRockBank,
  ]) {
    await mined(bond.connect(party.signer).approve(engineAddress, MaxUint256));
  }
  // ...and every customer on its bank's deposit token. The banks' wCBDC allowances were given when
  // the engine was deployed (ignition/modules/Settlement.ts).
  const customerOf: readonly [BankKey, ParticipantKey][] = [
    ["harbourBank", "kowloonDealer"],
    ["harbourBank", "peakAsset"],
    ["victoriaBank", "tsingYiInsurance"],
    ["victoriaBank", "government"],
    ["lionRockBank", "lantauPension"],
  ];
  for (const [bank, customer] of customerOf) {
    await mined(deposits[bank].connect(p[customer].signer).approve(engineAddress, MaxUint256));
  }

  const bondAddress = await bond.getAddress();
  const wcbdcAddress = await wcbdc.getAddress();
  const depositAddress: Record<BankKey, string> = {
    harbourBank: await deposits.harbourBank.getAddress(),
    victoriaBank: await deposits.victoriaBank.getAddress(),
    lionRockBank: await deposits.lionRockBank.getAddress(),
  };
  const tokens: Record<TokenLabel, LedgerToken> = {
    wHKD: wcbdc,
    hbHKD: deposits.harbourBank,
    vbHKD: deposits.victoriaBank,
    lrHKD: deposits.lionRockBank,
    bond,
  };
  const holders = {
    ...Object.fromEntries(Object.values(p).map((x) => [x.key, x.address])),
    engine: engineAddress,
  } as Record<HolderName, string>;
  const signers = await ethers.getSigners();

  return {
    ...ledger,
    outsider: signers[9],
    engineAddress,
    bondAddress,
    wcbdcAddress,
    depositAddress,
    tokens,
    holders,
    async makeTrade(overrides: Partial<Trade> = {}): Promise<Trade> {
      const now = await chainNow();
      return {
        tradeRef: nextTradeRef(),
        seller: p.kowloonDealer.address,
        buyer: p.peakAsset.address,
        asset: bondAddress,
        quantity: DEFAULT_QUANTITY,
        buyerCash: depositAddress.harbourBank,
        sellerCash: depositAddress.harbourBank,
        amount: DEFAULT_QUANTITY * PRICE_PER_UNIT,
        settlementDate: now,
        expiry: now + DAY,
        ...overrides,
      };
    },
    snapshot: () => balancesOf(tokens, holders),
  };
}

export const loadSettlementLedger = (): Promise<SettlementLedger> => networkHelpers.loadFixture(settlementLedger);

/** Moves the chain's clock to `timestamp` unless it is already there or past it. */
export async function reach(timestamp: bigint): Promise<void> {
  if ((await chainNow()) < timestamp) await networkHelpers.time.increaseTo(timestamp);
}

/** The signer of the trade's seller and buyer on the ledger. */
export function partiesOf(
  f: SettlementLedger,
  trade: Trade,
): { seller: HardhatEthersSigner; buyer: HardhatEthersSigner } {
  const signerOf = (address: string): HardhatEthersSigner => {
    const party = Object.values(f.participants).find((p) => p.address === address);
    if (party === undefined) throw new Error(`${address} is not a participant of the ledger`);
    return party.signer;
  };
  return { seller: signerOf(trade.seller), buyer: signerOf(trade.buyer) };
}

/** Both sides instruct `trade`, seller first (a due trade then settles in the buyer's instruction). */
export async function instructBoth(f: SettlementLedger, trade: Trade): Promise<void> {
  const { seller, buyer } = partiesOf(f, trade);
  await mined(f.engine.connect(seller).instruct(trade));
  await mined(f.engine.connect(buyer).instruct(trade));
}

/** The engine's stored status and reason of `trade`, as names. */
export async function recordOf(
  f: SettlementLedger,
  trade: Trade,
): Promise<{ status: TradeStatusName; reason: FailureReasonName }> {
  const record = await f.engine.tradeRecord(tradeIdOf(trade));
  return { status: TRADE_STATUS[Number(record.status)], reason: FAILURE_REASON[Number(record.reason)] };
}

// ---------------------------------------------------------------------------------------------
// Signed orders (contracts/settlement/SignedSettlement.sol)
// ---------------------------------------------------------------------------------------------

/** A keyed nonce: the key in the upper 192 bits, the sequence in the lower 64 (ERC-4337 style). */
export function keyNonce(key: bigint, sequence: bigint): bigint {
  return (key << 64n) | sequence;
}

/** Both parties' signed orders for one trade, as `settleSigned` takes them. */
export interface SignedOrders {
  readonly sellerNonce: bigint;
  readonly sellerSignature: string;
  readonly buyerNonce: bigint;
  readonly buyerSignature: string;
}

export interface SignOptions {
  /** Keys of the parties' nonce streams (default 0); the nonce is each signer's current one on its key. */
  readonly sellerKey?: bigint;
  readonly buyerKey?: bigint;
  /** Explicit nonces instead of the current ones. */
  readonly sellerNonce?: bigint;
  readonly buyerNonce?: bigint;
  /** Who signs in each party's place (default: the party itself). */
  readonly sellerSigner?: HardhatEthersSigner;
  readonly buyerSigner?: HardhatEthersSigner;
  /** The engine whose domain is signed (default: the ledger's). */
  readonly engine?: SettlementEngine;
}

/** Has both parties sign their orders for `trade`, each with its current DvP order nonce. */
export async function signOrders(f: SettlementLedger, trade: Trade, options: SignOptions = {}): Promise<SignedOrders> {
  const parties = partiesOf(f, trade);
  const engine = options.engine ?? f.engine;
  const sellerNonce =
    options.sellerNonce ?? (await f.engine["nonces(address,uint192)"](trade.seller, options.sellerKey ?? 0n));
  const buyerNonce =
    options.buyerNonce ?? (await f.engine["nonces(address,uint192)"](trade.buyer, options.buyerKey ?? 0n));
  return {
    sellerNonce,
    sellerSignature: await signSettlementOrder(options.sellerSigner ?? parties.seller, engine, trade, sellerNonce),
    buyerNonce,
    buyerSignature: await signSettlementOrder(options.buyerSigner ?? parties.buyer, engine, trade, buyerNonce),
  };
}

/** Submits `trade` with `orders` to the ledger's engine as `submitter`. */
export function submitSigned(
  f: SettlementLedger,
  submitter: HardhatEthersSigner,
  trade: Trade,
  orders: SignedOrders,
): Promise<ContractTransactionResponse> {
  return f.engine
    .connect(submitter)
    .settleSigned(trade, orders.sellerNonce, orders.sellerSignature, orders.buyerNonce, orders.buyerSignature);
}

/**
 * What a settled single-cash-token trade moves: the bond one way, the cash the other (by default
 * Harbour Bank deposits, as in a default trade; `"wHKD"` for a trade between banks).
 */
export function dvpMoves(f: SettlementLedger, trade: Trade, cash: TokenLabel = "hbHKD"): Balances {
  const name = (address: string): string => {
    const entry = Object.entries(f.holders).find(([, a]) => a === address);
    if (entry === undefined) throw new Error(`${address} is not a holder of the ledger`);
    return entry[0];
  };
  return {
    [`bond:${name(trade.seller)}`]: -trade.quantity,
    [`bond:${name(trade.buyer)}`]: trade.quantity,
    [`${cash}:${name(trade.buyer)}`]: -trade.amount,
    [`${cash}:${name(trade.seller)}`]: trade.amount,
  };
}

// ---------------------------------------------------------------------------------------------
// Why a due default trade (Kowloon Dealer sells to Peak Asset, both at Harbour Bank) cannot settle,
// one case per rule a token enforces; shared by the instruction-matching and the signed-settlement
// suites. `breakRule` runs after the trade is built and before any settlement attempt; it returns
// the token that refuses and the revert data it refuses with. `fix` undoes the cause, after which
// the same trade must settle.
// ---------------------------------------------------------------------------------------------

/** The token that refused a leg, and its own revert data. */
export interface Refusal {
  readonly token: string;
  readonly tokenError: string;
}

export interface LegFailureCase {
  readonly title: string;
  readonly reason: FailureReasonName;
  readonly leg: LegName;
  readonly overrides?: (f: SettlementLedger) => Promise<Partial<Trade>>;
  breakRule(f: SettlementLedger, trade: Trade): Promise<Refusal>;
  fix(f: SettlementLedger, trade: Trade): Promise<void>;
}

export const LEG_FAILURES: readonly LegFailureCase[] = [
  {
    title: "the seller lacks the securities (LACK)",
    reason: "InsufficientSecurities",
    leg: "Asset",
    overrides: async () => ({ quantity: BOND_ALLOTMENT + 1n }),
    async breakRule(f, trade) {
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ERC20InsufficientBalance", [
          trade.seller,
          BOND_ALLOTMENT,
          trade.quantity,
        ]),
      };
    },
    async fix(f, trade) {
      await mined(f.bond.mint(trade.seller, 1n));
    },
  },
  {
    title: "the buyer lacks the cash (MONY)",
    reason: "InsufficientCash",
    leg: "Cash",
    overrides: async (f) => ({
      amount: (await f.deposits.harbourBank.balanceOf(f.participants.peakAsset.address)) + 1n,
    }),
    async breakRule(f, trade) {
      return {
        token: f.depositAddress.harbourBank,
        tokenError: f.deposits.harbourBank.interface.encodeErrorResult("ERC20InsufficientBalance", [
          trade.buyer,
          trade.amount - 1n,
          trade.amount,
        ]),
      };
    },
    async fix(f, trade) {
      await mined(f.deposits.harbourBank.mint(trade.buyer, 1n));
    },
  },
  {
    title: "the seller withdrew its bond allowance to the engine",
    reason: "MissingApproval",
    leg: "Asset",
    async breakRule(f, trade) {
      await mined(f.bond.connect(f.participants.kowloonDealer.signer).approve(f.engineAddress, 0n));
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ERC20InsufficientAllowance", [
          f.engineAddress,
          0n,
          trade.quantity,
        ]),
      };
    },
    async fix(f) {
      await mined(f.bond.connect(f.participants.kowloonDealer.signer).approve(f.engineAddress, MaxUint256));
    },
  },
  {
    title: "the buyer withdrew its deposit allowance to the engine",
    reason: "MissingApproval",
    leg: "Cash",
    async breakRule(f, trade) {
      await mined(f.deposits.harbourBank.connect(f.participants.peakAsset.signer).approve(f.engineAddress, 0n));
      return {
        token: f.depositAddress.harbourBank,
        tokenError: f.deposits.harbourBank.interface.encodeErrorResult("ERC20InsufficientAllowance", [
          f.engineAddress,
          0n,
          trade.amount,
        ]),
      };
    },
    async fix(f) {
      await mined(f.deposits.harbourBank.connect(f.participants.peakAsset.signer).approve(f.engineAddress, MaxUint256));
    },
  },
  {
    title: "the buyer was removed from the participant registry",
    reason: "NotEligible",
    leg: "Asset",
    async breakRule(f, trade) {
      await mined(f.registry.removeParticipant(trade.buyer));
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ParticipantNotRegistered", [trade.buyer]),
      };
    },
    async fix(f, trade) {
      await mined(f.registry.registerParticipant(trade.buyer, ParticipantKind.Investor, HK, (await chainNow()) + YEAR));
    },
  },
  {
    title: "the buyer's KYC lapsed",
    reason: "NotEligible",
    leg: "Asset",
    async breakRule(f, trade) {
      // Pin the block time: after a snapshot is restored, the simulator's clock can run ahead.
      const now = await chainNow();
      const kycExpiry = now + 100n;
      await networkHelpers.time.setNextBlockTimestamp(now + 1n);
      await mined(f.registry.updateKycExpiry(trade.buyer, kycExpiry));
      await networkHelpers.time.increaseTo(kycExpiry);
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ParticipantKycExpired", [trade.buyer, kycExpiry]),
      };
    },
    async fix(f, trade) {
      await mined(f.registry.updateKycExpiry(trade.buyer, (await chainNow()) + YEAR));
    },
  },
  {
    title: "the seller is no longer a customer of its bank (cannot be credited deposits)",
    reason: "NotEligible",
    leg: "Cash",
    async breakRule(f, trade) {
      await mined(f.deposits.harbourBank.setCustomer(trade.seller, false));
      return {
        token: f.depositAddress.harbourBank,
        tokenError: f.deposits.harbourBank.interface.encodeErrorResult("NotCustomerOfBank", [trade.seller]),
      };
    },
    async fix(f, trade) {
      await mined(f.deposits.harbourBank.setCustomer(trade.seller, true));
    },
  },
  {
    title: "the seller is frozen in the registry (BLOC)",
    reason: "AccountFrozen",
    leg: "Asset",
    async breakRule(f, trade) {
      await mined(f.registry.setFrozen(trade.seller, true));
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("ParticipantFrozen", [trade.seller]),
      };
    },
    async fix(f, trade) {
      await mined(f.registry.setFrozen(trade.seller, false));
    },
  },
  {
    title: "the buyer is frozen on the bond by the registrar (BLOC)",
    reason: "AccountFrozen",
    leg: "Asset",
    async breakRule(f, trade) {
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(trade.buyer, true));
      return {
        token: f.bondAddress,
        tokenError: f.bond.interface.encodeErrorResult("AccountFrozen", [trade.buyer]),
      };
    },
    async fix(f, trade) {
      await mined(f.bond.connect(f.participants.hkma.signer).setFrozen(trade.buyer, false));
    },
  },
  {
    title: "the buyer is frozen on its deposit by its bank (BLOC)",
    reason: "AccountFrozen",
    leg: "Cash",
    async breakRule(f, trade) {
      await mined(f.deposits.harbourBank.setFrozen(trade.buyer, true));
      return {
        token: f.depositAddress.harbourBank,
        tokenError: f.deposits.harbourBank.interface.encodeErrorResult("AccountFrozen", [trade.buyer]),
      };
    },
    async fix(f, trade) {
      await mined(f.deposits.harbourBank.setFrozen(trade.buyer, false));
    },
  },
  {
    title: "the bond is paused by the registrar",
    reason: "Paused",
    leg: "Asset",
    async breakRule(f) {
      await mined(f.bond.connect(f.participants.hkma.signer).pause());
      return { token: f.bondAddress, tokenError: f.bond.interface.encodeErrorResult("EnforcedPause", []) };
    },
    async fix(f) {
      await mined(f.bond.connect(f.participants.hkma.signer).unpause());
    },
  },
  {
    title: "the deposit token is paused by its bank",
    reason: "Paused",
    leg: "Cash",
    async breakRule(f) {
      await mined(f.deposits.harbourBank.pause());
      return {
        token: f.depositAddress.harbourBank,
        tokenError: f.deposits.harbourBank.interface.encodeErrorResult("EnforcedPause", []),
      };
    },
    async fix(f) {
      await mined(f.deposits.harbourBank.unpause());
    },
  },
];
