import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { expect } from "chai";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import {
  DEPOSITS,
  PARTICIPANTS,
  type BankKey,
  type ParticipantKey,
  type ParticipantSpec,
} from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import type { Trade } from "../../src/domain/trade.js";
import { FUND_PARTIES, hktAt, hktDay, nextWeekday, type FundPartyKey } from "../../src/domain/money-market-fund.js";
import {
  loadFund,
  nextAt as fundNextAt,
  publishNav as fundPublishNav,
  redeem as fundRedeem,
  settle as fundSettle,
  subscribe as fundSubscribe,
  type FundFixture,
} from "../helpers/fund-fixture.js";
import { connection, ethers, networkHelpers, loadFundedLedger } from "../helpers/ledger-fixture.js";
import { deployLiquidityLedger, type LiquidityLedger } from "../../src/chain/deploy-liquidity.js";

/**
 * Role matrix: every privileged function of the registry, the tokens, the settlement engine, the
 * tender contract and the paying agent, called by every ledger participant that may not call it
 * (refused with the exact error — `AccessControlUnauthorizedAccount(caller, role)` for a role, the
 * contract's own error for a rule such as "the central bank of that currency" — the state it would
 * change untouched), and by the one that may (let through, the state changed). Every case runs on
 * the funded Hong Kong ledger. The Exchange Fund Bill tender (contracts/settlement/BillTender.sol), on
 * the bill ledger, has its own matrix: test/access/RoleMatrixBills.ts.
 */

const { time } = networkHelpers;

const DAY = 86_400;
const YEAR = 365 * DAY;
const HK = ethers.hexlify(ethers.toUtf8Bytes("HK"));

const ROLES = {
  DEFAULT_ADMIN_ROLE: ethers.ZeroHash,
  REGISTRAR_ROLE: ethers.id("REGISTRAR_ROLE"),
  CENTRAL_BANK_ROLE: ethers.id("CENTRAL_BANK_ROLE"),
  BANK_ROLE: ethers.id("BANK_ROLE"),
  ISSUER_ROLE: ethers.id("ISSUER_ROLE"),
  ISSUER_ADMIN_ROLE: ethers.id("ISSUER_ADMIN_ROLE"),
  SETTLEMENT_ROLE: ethers.id("SETTLEMENT_ROLE"),
  SETTLEMENT_AGENT_ROLE: ethers.id("SETTLEMENT_AGENT_ROLE"),
  ASSET_REGISTRAR_ROLE: ethers.id("ASSET_REGISTRAR_ROLE"),
  PAYING_AGENT_ROLE: ethers.id("PAYING_AGENT_ROLE"),
} as const;
type RoleName = keyof typeof ROLES;

type ContractKey = "registry" | "wcbdc" | BankKey | "bond" | "engine" | "issuance" | "payingAgent";

/**
 * Who may make the call: a participant of the default ledger; for `SETTLEMENT_ROLE`, which no
 * participant holds, a settlement contract's address (account 9) the bank grants it to first; or a
 * contract itself, for functions only it may call on itself (impersonated here).
 */
type Holder = ParticipantKey | "settlementAgent" | "engineItself" | "payingAgentItself";

/** What a case made in its set-up, for its arguments and observations. */
interface Made {
  /** A THB wholesale CBDC, not yet registered with the engine. */
  thbWcbdc?: string;
  /** A trade both banks instructed (due), or whose legs the parties approved. */
  trade?: Trade;
  /** The id of `trade`, as the engine computes it. */
  tradeId?: string;
}

/** What a case's `args`, `given` and `observe` see. */
interface Ctx {
  readonly ledger: HongKongLedger;
  /** Participant addresses by key. */
  readonly at: Record<ParticipantKey, string>;
  /** An address that is not on the ledger (account 9); the settlement agent where a case has one. */
  readonly outsider: string;
  /** Chain time when the case starts. */
  readonly now: number;
  /** Addresses of the ledger's contracts. */
  readonly addr: Record<ContractKey, string>;
  /** Filled in by the case's set-up. */
  readonly made: Made;
}

/** The error a caller without the right gets. */
interface Refusal {
  readonly error: string;
  readonly args: readonly unknown[];
}

/** A check of the contract's own, not an AccessControl role. */
interface Rule {
  /** What the call needs, for the titles, e.g. "the central bank of wHKD". */
  readonly title: string;
  /** The error's name and arguments as a title says them, for `caller`. */
  describe(caller: ParticipantSpec): string;
  /** The exact error `caller` is refused with. */
  refusal(ctx: Ctx, caller: ParticipantKey): Refusal;
}

interface Case {
  readonly contract: ContractKey;
  readonly fn: string;
  readonly args: (ctx: Ctx) => readonly unknown[];
  /** A role of the contract (refused with `AccessControlUnauthorizedAccount(caller, role)`), or a rule of its own. */
  readonly needs: RoleName | Rule;
  readonly holder: Holder;
  /** The state the call changes: unchanged when a caller is refused, changed when the holder calls. */
  readonly observe: (ctx: Ctx) => Promise<unknown>;
  /** Set-up done by the role holders first, so that the holder's call succeeds (e.g. pause before unpause). */
  readonly given?: (ctx: Ctx) => Promise<void>;
}

const CONTRACT_KEYS: readonly ContractKey[] = [
  "registry",
  "wcbdc",
  "harbourBank",
  "victoriaBank",
  "lionRockBank",
  "bond",
  "engine",
  "issuance",
  "payingAgent",
];

function contractOf(ledger: HongKongLedger, key: ContractKey): BaseContract {
  switch (key) {
    case "registry":
      return ledger.registry;
    case "wcbdc":
      return ledger.wcbdc;
    case "bond":
      return ledger.bond;
    case "engine":
      return ledger.engine;
    case "issuance":
      return ledger.issuance;
    case "payingAgent":
      return ledger.payingAgent;
    default:
      return ledger.deposits[key];
  }
}

const LABEL: Record<ContractKey, string> = {
  registry: "ParticipantRegistry",
  wcbdc: "WholesaleCBDC (wHKD)",
  harbourBank: "TokenizedDeposit (hbHKD)",
  victoriaBank: "TokenizedDeposit (vbHKD)",
  lionRockBank: "TokenizedDeposit (lrHKD)",
  bond: "GovernmentBond (green bond)",
  engine: "SettlementEngine",
  issuance: "PrimaryIssuance",
  payingAgent: "BondPayingAgent",
};

const NAME = {
  ...(Object.fromEntries(PARTICIPANTS.map((p) => [p.key, p.name])) as Record<ParticipantKey, string>),
  settlementAgent: "a settlement agent the bank granted it to",
  engineItself: "the engine itself",
  payingAgentItself: "the paying agent itself",
} satisfies Record<Holder, string>;

/** `account`'s balance and the token's supply: what mint and burn change. */
async function balanceAndSupply(
  token: { balanceOf(a: string): Promise<bigint>; totalSupply(): Promise<bigint> },
  account: string,
): Promise<bigint[]> {
  return [await token.balanceOf(account), await token.totalSupply()];
}

/** The registry record as a plain tuple. */
async function record(ledger: HongKongLedger, account: string): Promise<[bigint, string, bigint, boolean]> {
  const p = await ledger.registry.participantOf(account);
  return [p.kind, p.jurisdiction, p.kycExpiry, p.frozen];
}

const hkma = (ctx: Ctx): HardhatEthersSigner => ctx.ledger.participants.hkma.signer;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the case's set-up made no ${what}`);
  return value;
}

// ------------------------------------------------------------------------------------- the table

const REGISTRY_CASES: readonly Case[] = [
  {
    contract: "registry",
    fn: "registerParticipant",
    args: (c) => [c.outsider, ParticipantKind.Investor, HK, c.now + YEAR],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.outsider),
  },
  {
    contract: "registry",
    fn: "removeParticipant",
    args: (c) => [c.at.lantauPension],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.lantauPension),
  },
  {
    contract: "registry",
    fn: "updateKycExpiry",
    args: (c) => [c.at.peakAsset, c.now + 2 * YEAR],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.peakAsset),
  },
  {
    contract: "registry",
    fn: "setFrozen",
    args: (c) => [c.at.peakAsset, true],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.peakAsset),
  },
  {
    contract: "registry",
    fn: "grantRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.outsider],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.registry.hasRole(ROLES.REGISTRAR_ROLE, c.outsider),
  },
  {
    contract: "registry",
    fn: "revokeRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.at.hkma],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.registry.hasRole(ROLES.REGISTRAR_ROLE, c.at.hkma),
  },
];

const WCBDC_CASES: readonly Case[] = [
  {
    contract: "wcbdc",
    fn: "mint",
    args: (c) => [c.at.harbourBank, 100_000n],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => balanceAndSupply(c.ledger.wcbdc, c.at.harbourBank),
  },
  {
    contract: "wcbdc",
    fn: "burn",
    args: (c) => [c.at.harbourBank, 100_000n],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => balanceAndSupply(c.ledger.wcbdc, c.at.harbourBank),
  },
  {
    contract: "wcbdc",
    fn: "pause",
    args: () => [],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.paused(),
  },
  {
    contract: "wcbdc",
    fn: "unpause",
    args: () => [],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.paused(),
    given: async (c) => {
      await c.ledger.wcbdc.connect(hkma(c)).pause();
    },
  },
  {
    contract: "wcbdc",
    fn: "setSettlementContract",
    args: (c) => [c.outsider, true],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.isApprovedSettlementContract(c.outsider),
  },
  {
    contract: "wcbdc",
    fn: "grantRole",
    args: (c) => [ROLES.CENTRAL_BANK_ROLE, c.outsider],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.hasRole(ROLES.CENTRAL_BANK_ROLE, c.outsider),
  },
  {
    contract: "wcbdc",
    fn: "revokeRole",
    args: (c) => [ROLES.CENTRAL_BANK_ROLE, c.at.hkma],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.hasRole(ROLES.CENTRAL_BANK_ROLE, c.at.hkma),
  },
];

/** The same ten cases for each bank's deposit token, held by that bank, on its first (funded) customer. */
const DEPOSIT_CASES: readonly Case[] = DEPOSITS.flatMap((d): Case[] => {
  const bank = d.bank;
  const customer = d.customers[0];
  const token = (c: Ctx) => c.ledger.deposits[bank];
  return [
    {
      contract: bank,
      fn: "setCustomer",
      args: (c) => [c.outsider, true],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).isCustomer(c.outsider),
    },
    {
      contract: bank,
      fn: "mint",
      args: (c) => [c.at[customer], 10_000n],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
    },
    {
      contract: bank,
      fn: "burn",
      args: (c) => [c.at[customer], 10_000n],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
    },
    {
      contract: bank,
      fn: "mintForSettlement",
      args: (c) => [c.at[customer], 10_000n],
      needs: "SETTLEMENT_ROLE",
      holder: "settlementAgent",
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
      given: async (c) => {
        await token(c).grantRole(ROLES.SETTLEMENT_ROLE, c.outsider);
      },
    },
    {
      contract: bank,
      fn: "burnForSettlement",
      args: (c) => [c.at[customer], 10_000n],
      needs: "SETTLEMENT_ROLE",
      holder: "settlementAgent",
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
      // The customer consents by approving the settlement agent.
      given: async (c) => {
        await token(c).grantRole(ROLES.SETTLEMENT_ROLE, c.outsider);
        await token(c).connect(c.ledger.participants[customer].signer).approve(c.outsider, 10_000n);
      },
    },
    {
      contract: bank,
      fn: "setFrozen",
      args: (c) => [c.at[customer], true],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).isFrozen(c.at[customer]),
    },
    {
      contract: bank,
      fn: "pause",
      args: () => [],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).paused(),
    },
    {
      contract: bank,
      fn: "unpause",
      args: () => [],
      needs: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).paused(),
      given: async (c) => {
        await token(c).pause();
      },
    },
    {
      contract: bank,
      fn: "grantRole",
      args: (c) => [ROLES.BANK_ROLE, c.outsider],
      needs: "DEFAULT_ADMIN_ROLE",
      holder: bank,
      observe: (c) => token(c).hasRole(ROLES.BANK_ROLE, c.outsider),
    },
    {
      contract: bank,
      fn: "revokeRole",
      args: (c) => [ROLES.BANK_ROLE, c.at[bank]],
      needs: "DEFAULT_ADMIN_ROLE",
      holder: bank,
      observe: (c) => token(c).hasRole(ROLES.BANK_ROLE, c.at[bank]),
    },
  ];
});

const WCBDC_FREEZE_CASES: readonly Case[] = [
  {
    contract: "wcbdc",
    fn: "setFrozen",
    args: (c) => [c.at.harbourBank, true],
    needs: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.isFrozen(c.at.harbourBank),
  },
];

/** The issuer allots 10 units to Peak Asset Management. */
async function allotTenToPeak(c: Ctx): Promise<void> {
  await c.ledger.bond.mint(c.at.peakAsset, 10n);
}

const BOND_CASES: readonly Case[] = [
  {
    contract: "bond",
    fn: "mint",
    args: (c) => [c.at.peakAsset, 10n],
    needs: "ISSUER_ROLE",
    holder: "government",
    observe: (c) => balanceAndSupply(c.ledger.bond, c.at.peakAsset),
  },
  {
    contract: "bond",
    fn: "burn",
    args: (c) => [c.at.peakAsset, 10n],
    needs: "ISSUER_ROLE",
    holder: "government",
    observe: (c) => balanceAndSupply(c.ledger.bond, c.at.peakAsset),
    // Redemption burns need maturity: allot, then travel to the maturity date.
    given: async (c) => {
      await allotTenToPeak(c);
      await time.increaseTo(await c.ledger.bond.maturityDate());
    },
  },
  {
    contract: "bond",
    fn: "setFrozen",
    args: (c) => [c.at.peakAsset, true],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.isFrozen(c.at.peakAsset),
  },
  {
    contract: "bond",
    fn: "pause",
    args: () => [],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.paused(),
  },
  {
    contract: "bond",
    fn: "unpause",
    args: () => [],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.paused(),
    given: async (c) => {
      await c.ledger.bond.connect(hkma(c)).pause();
    },
  },
  {
    contract: "bond",
    fn: "forcedTransfer",
    args: (c) => [c.at.peakAsset, c.at.tsingYiInsurance, 4n, "HCMP 1234/2026 court order"],
    needs: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: async (c) => [
      await c.ledger.bond.balanceOf(c.at.peakAsset),
      await c.ledger.bond.balanceOf(c.at.tsingYiInsurance),
    ],
    given: allotTenToPeak,
  },
  {
    contract: "bond",
    fn: "grantRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.outsider],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.hasRole(ROLES.REGISTRAR_ROLE, c.outsider),
  },
  {
    contract: "bond",
    fn: "revokeRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.at.hkma],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.hasRole(ROLES.REGISTRAR_ROLE, c.at.hkma),
  },
  // The issuer, not the registrar, appoints its issuing and paying agents: ISSUER_ROLE is administered
  // by ISSUER_ADMIN_ROLE, which only the issuer holds, so an agent cannot appoint another (finding 14).
  {
    contract: "bond",
    fn: "grantRole",
    args: (c) => [ROLES.ISSUER_ROLE, c.outsider],
    needs: "ISSUER_ADMIN_ROLE",
    holder: "government",
    observe: (c) => c.ledger.bond.hasRole(ROLES.ISSUER_ROLE, c.outsider),
  },
  {
    contract: "bond",
    fn: "revokeRole",
    args: (c) => [ROLES.ISSUER_ROLE, c.at.government],
    needs: "ISSUER_ADMIN_ROLE",
    holder: "government",
    observe: (c) => c.ledger.bond.hasRole(ROLES.ISSUER_ROLE, c.at.government),
  },
  {
    contract: "bond",
    fn: "grantRole",
    args: (c) => [ROLES.ISSUER_ADMIN_ROLE, c.outsider],
    needs: "ISSUER_ADMIN_ROLE",
    holder: "government",
    observe: (c) => c.ledger.bond.hasRole(ROLES.ISSUER_ADMIN_ROLE, c.outsider),
  },
];

// ------------------------------------------------------------------------ rules of the contracts' own

function kindOf(key: ParticipantKey): ParticipantSpec["kind"] {
  const spec = PARTICIPANTS.find((p) => p.key === key);
  if (spec === undefined) throw new Error(`no participant ${key}`);
  return spec.kind;
}

/** Deposit lines in HKD are registered and removed by HKMA, the holder of CENTRAL_BANK_ROLE on wHKD. */
const CENTRAL_BANK_OF_WHKD: Rule = {
  title: "CENTRAL_BANK_ROLE on wHKD",
  describe: (caller) => `NotCentralBankOf(${caller.name}, wHKD)`,
  refusal: (c, caller) => ({ error: "NotCentralBankOf", args: [c.at[caller], c.addr.wcbdc] }),
};

/** Only hbHKD's own bank, an eligible commercial bank, consents to (or withdraws) its deposit line. */
const BANK_OF_HBHKD: Rule = {
  title: "hbHKD's own bank, a registered commercial bank",
  describe: (caller) =>
    caller.kind === "CommercialBank"
      ? `NotDepositTokenBank(${caller.name}, hbHKD)`
      : `NotCommercialBank(${caller.name})`,
  refusal: (c, caller) =>
    kindOf(caller) === "CommercialBank"
      ? { error: "NotDepositTokenBank", args: [c.at[caller], c.addr.harbourBank] }
      : { error: "NotCommercialBank", args: [c.at[caller]] },
};

/** `executeTrade` is the engine's own call, so that a failed settlement rolls back whole. */
const ENGINE_ITSELF: Rule = {
  title: "the engine itself",
  describe: () => "OnlySelf()",
  refusal: () => ({ error: "OnlySelf", args: [] }),
};

/** Tenders of the green bond are opened, allotted and cancelled by its registered issuer alone. */
const REGISTERED_ISSUER: Rule = {
  title: "the green bond's issuer as registered with the engine",
  describe: (caller) => `NotBondIssuer(${caller.name}, green bond)`,
  refusal: (c, caller) => ({ error: "NotBondIssuer", args: [c.at[caller], c.addr.bond] }),
};

/** One holder's coupon or redemption, as a unit that rolls back whole: the paying agent's own call. */
const PAYING_AGENT_ITSELF: Rule = {
  title: "the paying agent itself",
  describe: (caller) => `AccessControlUnauthorizedAccount(${caller.name}, PAYING_AGENT_ROLE)`,
  refusal: (c, caller) => ({
    error: "AccessControlUnauthorizedAccount",
    args: [c.at[caller], ROLES.PAYING_AGENT_ROLE],
  }),
};

// --------------------------------------------------------------------------- settlement engine

/** Clean price of one unit at 99.50: HKD 49,750.00. */
const PRICE = 4_975_000n;
const UNITS = 10n;

/** Harbour Bank holds 10 green-bond units and has approved the engine to deliver them. */
async function harbourHoldsBonds(c: Ctx): Promise<void> {
  await c.ledger.bond.mint(c.at.harbourBank, UNITS);
  await c.ledger.bond.connect(c.ledger.participants.harbourBank.signer).approve(c.addr.engine, UNITS);
}

/** Harbour Bank sells the 10 units to Victoria Bank against wHKD (the banks' wHKD allowances are Ignition's). */
function bankTrade(c: Ctx, settlementDate: number): Trade {
  return {
    tradeRef: ethers.encodeBytes32String("RM-TRD-0001"),
    seller: c.at.harbourBank,
    buyer: c.at.victoriaBank,
    asset: c.addr.bond,
    quantity: UNITS,
    buyerCash: c.addr.wcbdc,
    sellerCash: c.addr.wcbdc,
    amount: UNITS * PRICE,
    settlementDate: BigInt(settlementDate),
    expiry: BigInt(settlementDate + DAY),
  };
}

/** The two banks' bond and wHKD balances: what settling `bankTrade` changes. */
async function bankLegs(c: Ctx): Promise<bigint[]> {
  const { bond, wcbdc } = c.ledger;
  return [
    await bond.balanceOf(c.at.harbourBank),
    await bond.balanceOf(c.at.victoriaBank),
    await wcbdc.balanceOf(c.at.harbourBank),
    await wcbdc.balanceOf(c.at.victoriaBank),
  ];
}

async function assetLineOf(c: Ctx): Promise<string[]> {
  const line = await c.ledger.engine.assetLine(c.addr.bond);
  return [line.issuer, line.cashToken];
}

async function hbHkdLine(c: Ctx): Promise<string[]> {
  const { engine } = c.ledger;
  return [
    await engine.depositLineConsentOf(c.addr.harbourBank),
    await engine.bankOf(c.addr.harbourBank),
    await engine.wcbdcOf(c.addr.harbourBank),
  ];
}

const ENGINE_CASES: readonly Case[] = [
  {
    contract: "engine",
    fn: "registerWholesaleCbdc",
    args: (c) => [need(c.made.thbWcbdc, "THB wCBDC")],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.engine.wcbdcOfCurrency("THB"),
    given: async (c) => {
      const wthb = await ethers.deployContract("WholesaleCBDC", [
        "Bank of Thailand Wholesale CBDC (THB)",
        "wTHB",
        "THB",
        2,
        c.addr.registry,
        c.outsider,
      ]);
      c.made.thbWcbdc = await wthb.getAddress();
    },
  },
  {
    contract: "engine",
    fn: "registerAsset",
    args: (c) => [c.addr.bond, c.at.government, c.addr.wcbdc],
    needs: "ASSET_REGISTRAR_ROLE",
    holder: "hkma",
    observe: assetLineOf,
    given: async (c) => {
      await c.ledger.engine.deregisterAsset(c.addr.bond);
    },
  },
  {
    contract: "engine",
    fn: "deregisterAsset",
    args: (c) => [c.addr.bond],
    needs: "ASSET_REGISTRAR_ROLE",
    holder: "hkma",
    observe: assetLineOf,
  },
  {
    contract: "engine",
    fn: "registerDepositToken",
    args: (c) => [c.addr.harbourBank, c.addr.wcbdc],
    needs: CENTRAL_BANK_OF_WHKD,
    holder: "hkma",
    observe: hbHkdLine,
    // The line is closed; Harbour Bank's consent stays, so HKMA may register it again.
    given: async (c) => {
      await c.ledger.engine.deregisterDepositToken(c.addr.harbourBank);
    },
  },
  {
    contract: "engine",
    fn: "deregisterDepositToken",
    args: (c) => [c.addr.harbourBank],
    needs: CENTRAL_BANK_OF_WHKD,
    holder: "hkma",
    observe: hbHkdLine,
  },
  {
    contract: "engine",
    fn: "consentToDepositLine",
    args: (c) => [c.addr.harbourBank, false],
    needs: BANK_OF_HBHKD,
    holder: "harbourBank",
    observe: hbHkdLine,
  },
  {
    contract: "engine",
    fn: "pause",
    args: () => [],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.engine.paused(),
  },
  {
    contract: "engine",
    fn: "unpause",
    args: () => [],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.engine.paused(),
    given: async (c) => {
      await c.ledger.engine.pause();
    },
  },
  {
    contract: "engine",
    fn: "settleBatch",
    args: (c) => [[need(c.made.trade, "trade")]],
    needs: "SETTLEMENT_AGENT_ROLE",
    holder: "hkma",
    observe: async (c) => [await c.ledger.engine.batchCount(), ...(await bankLegs(c))],
    // Both banks instruct a T+1 trade, which matches; then its settlement date comes.
    given: async (c) => {
      await harbourHoldsBonds(c);
      const trade = bankTrade(c, c.now + DAY);
      const { harbourBank, victoriaBank } = c.ledger.participants;
      await c.ledger.engine.connect(harbourBank.signer).instruct(trade);
      await c.ledger.engine.connect(victoriaBank.signer).instruct(trade);
      await time.increaseTo(trade.settlementDate);
      c.made.trade = trade;
    },
  },
  {
    contract: "engine",
    fn: "executeTrade",
    args: (c) => [need(c.made.trade, "trade"), need(c.made.tradeId, "trade id")],
    needs: ENGINE_ITSELF,
    holder: "engineItself",
    observe: bankLegs,
    given: async (c) => {
      await harbourHoldsBonds(c);
      const trade = bankTrade(c, c.now);
      c.made.trade = trade;
      c.made.tradeId = await c.ledger.engine.tradeId(trade);
    },
  },
  {
    contract: "engine",
    fn: "grantRole",
    args: (c) => [ROLES.SETTLEMENT_AGENT_ROLE, c.outsider],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.engine.hasRole(ROLES.SETTLEMENT_AGENT_ROLE, c.outsider),
  },
  {
    contract: "engine",
    fn: "revokeRole",
    args: (c) => [ROLES.ASSET_REGISTRAR_ROLE, c.at.hkma],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.engine.hasRole(ROLES.ASSET_REGISTRAR_ROLE, c.at.hkma),
  },
];

// ---------------------------------------------------------------------------- primary issuance

const TENDER_REF = ethers.encodeBytes32String("RM-TENDER-0001");

function tenderTerms(c: Ctx) {
  return {
    bond: c.addr.bond,
    unitsOffered: 100n,
    minimumLot: 1n,
    closesAt: BigInt(c.now + 3_600),
    proceedsAccount: c.at.hkma,
  };
}

/** The Government opens the tender (the issuance binding is connected as the Government). */
async function tenderOpen(c: Ctx): Promise<void> {
  await c.ledger.issuance.openTender(TENDER_REF, tenderTerms(c));
}

/** The tender is open and Harbour Bank bid for 10 units at 99.50 (and approved the payment): bid 0. */
async function tenderWithBid(c: Ctx): Promise<void> {
  await tenderOpen(c);
  const { closesAt } = tenderTerms(c);
  const harbour = c.ledger.participants.harbourBank.signer;
  await c.ledger.wcbdc.connect(harbour).approve(c.addr.issuance, UNITS * PRICE);
  await c.ledger.issuance.connect(harbour).submitBid(TENDER_REF, UNITS, PRICE, closesAt + BigInt(DAY));
}

/** As `tenderWithBid`, and the tender has closed. */
async function tenderClosedWithBid(c: Ctx): Promise<void> {
  await tenderWithBid(c);
  await time.increaseTo(tenderTerms(c).closesAt);
}

/**
 * As `tenderWithBid`; the issuer rejected bid 0 while the HKMA had Harbour Bank frozen on wHKD, so its
 * refund was parked; the HKMA has unfrozen it since: Harbour Bank may claim it.
 */
async function tenderRefundParked(c: Ctx): Promise<void> {
  await tenderWithBid(c);
  await c.ledger.wcbdc.connect(hkma(c)).setFrozen(c.at.harbourBank, true);
  await c.ledger.issuance.rejectBid(TENDER_REF, 0n);
  await c.ledger.wcbdc.connect(hkma(c)).setFrozen(c.at.harbourBank, false);
  expect(await c.ledger.issuance.refundOf(TENDER_REF, c.at.harbourBank)).to.equal(UNITS * PRICE, "the refund was parked");
}

/** As `tenderClosedWithBid`, and the allotment window has passed with no allotment: Harbour Bank may reclaim its bid. */
async function tenderUnallottedInTime(c: Ctx): Promise<void> {
  await tenderClosedWithBid(c);
  const { closesAt } = tenderTerms(c);
  await time.increaseTo(closesAt + (await c.ledger.issuance.ALLOTMENT_WINDOW()));
}

/** Harbour Bank's bid 0: withdrawn (or reclaimed), rejected, and Harbour's wHKD, which its custody returns to. */
async function bidState(c: Ctx): Promise<unknown[]> {
  const [b] = await c.ledger.issuance.bidsOf(TENDER_REF);
  return [b.withdrawn, b.rejected, await c.ledger.wcbdc.balanceOf(c.at.harbourBank)];
}

/** Only a bid's own bidder takes it back: `NotBidder(caller, tender, index)`. */
const BIDDER_OF_BID_0: Rule = {
  title: "the bid's own bidder (Harbour Bank's bid 0)",
  describe: (caller) => `NotBidder(${caller.name}, the tender, bid 0)`,
  refusal: (c, caller) => ({ error: "NotBidder", args: [c.at[caller], TENDER_REF, 0n] }),
};

/** Harbour Bank's parked refund, its wHKD and the tender contract's custody. */
async function refundState(c: Ctx): Promise<bigint[]> {
  return [
    await c.ledger.issuance.refundOf(TENDER_REF, c.at.harbourBank),
    await c.ledger.wcbdc.balanceOf(c.at.harbourBank),
    await c.ledger.wcbdc.balanceOf(c.addr.issuance),
  ];
}

/** A parked refund is paid only to the bidder it was parked for: no one else is owed it, `BidRefundNotOwed(tender, caller)`. */
const OWED_REFUND: Rule = {
  title: "the bidder its refund was parked for",
  describe: (caller) => `BidRefundNotOwed(the tender, ${caller.name})`,
  refusal: (c, caller) => ({ error: "BidRefundNotOwed", args: [TENDER_REF, c.at[caller]] }),
};

async function tenderState(c: Ctx): Promise<unknown[]> {
  return [
    (await c.ledger.issuance.tenderOf(TENDER_REF)).state,
    await c.ledger.bond.balanceOf(c.at.harbourBank),
    await c.ledger.wcbdc.balanceOf(c.at.hkma),
  ];
}

const ISSUANCE_CASES: readonly Case[] = [
  {
    contract: "issuance",
    fn: "openTender",
    args: (c) => [TENDER_REF, tenderTerms(c)],
    needs: REGISTERED_ISSUER,
    holder: "government",
    observe: tenderState,
  },
  {
    contract: "issuance",
    fn: "allotTender",
    args: () => [TENDER_REF],
    needs: REGISTERED_ISSUER,
    holder: "government",
    observe: tenderState,
    given: tenderClosedWithBid,
  },
  {
    contract: "issuance",
    fn: "cancelTender",
    args: () => [TENDER_REF],
    needs: REGISTERED_ISSUER,
    holder: "government",
    observe: tenderState,
    given: tenderOpen,
  },
  {
    contract: "issuance",
    fn: "rejectBid",
    args: () => [TENDER_REF, 0n],
    needs: REGISTERED_ISSUER,
    holder: "government",
    observe: bidState,
    given: tenderClosedWithBid,
  },
  {
    contract: "issuance",
    fn: "reclaimBid",
    args: () => [TENDER_REF, 0n],
    needs: BIDDER_OF_BID_0,
    holder: "harbourBank",
    observe: bidState,
    given: tenderUnallottedInTime,
  },
  {
    contract: "issuance",
    fn: "withdrawBid",
    args: () => [TENDER_REF, 0n],
    needs: BIDDER_OF_BID_0,
    holder: "harbourBank",
    observe: bidState,
    given: tenderWithBid,
  },
  {
    contract: "issuance",
    fn: "claimRefund",
    args: () => [TENDER_REF],
    needs: OWED_REFUND,
    holder: "harbourBank",
    observe: refundState,
    given: tenderRefundParked,
  },
];

// -------------------------------------------------------------------------------- paying agent

/** Harbour Bank holds 10 units of record; the agent is funded with the coupon; its payment date has come. */
async function firstCouponDue(c: Ctx): Promise<void> {
  const { bond, wcbdc } = c.ledger;
  await bond.mint(c.at.harbourBank, UNITS);
  await wcbdc.mint(c.addr.payingAgent, await bond.couponOn(0, UNITS));
  const [, paymentDate] = await bond.couponPeriod(0);
  await time.increaseTo(paymentDate);
}

/** Harbour Bank holds 10 units; the agent is funded with their face value; the bond has matured. */
async function redemptionDue(c: Ctx): Promise<void> {
  const { bond, wcbdc } = c.ledger;
  await bond.mint(c.at.harbourBank, UNITS);
  await wcbdc.mint(c.addr.payingAgent, UNITS * (await bond.redemptionPerUnit()));
  await time.increaseTo(await bond.maturityDate());
}

async function couponState(c: Ctx): Promise<unknown[]> {
  return [await c.ledger.payingAgent.couponPaid(0, c.at.harbourBank), await c.ledger.wcbdc.balanceOf(c.at.harbourBank)];
}

async function redemptionState(c: Ctx): Promise<bigint[]> {
  return [await c.ledger.bond.balanceOf(c.at.harbourBank), await c.ledger.wcbdc.balanceOf(c.at.harbourBank)];
}

const PAYING_AGENT_CASES: readonly Case[] = [
  {
    contract: "payingAgent",
    fn: "payCoupons",
    args: (c) => [0n, [c.at.harbourBank]],
    needs: "PAYING_AGENT_ROLE",
    holder: "hkma",
    observe: couponState,
    given: firstCouponDue,
  },
  {
    contract: "payingAgent",
    fn: "redeemHolders",
    args: (c) => [[c.at.harbourBank]],
    needs: "PAYING_AGENT_ROLE",
    holder: "hkma",
    observe: redemptionState,
    given: redemptionDue,
  },
  {
    contract: "payingAgent",
    fn: "payCouponOnBehalf",
    args: (c) => [0n, c.at.harbourBank],
    needs: PAYING_AGENT_ITSELF,
    holder: "payingAgentItself",
    observe: couponState,
    given: firstCouponDue,
  },
  {
    contract: "payingAgent",
    fn: "redeemOnBehalf",
    args: (c) => [c.at.harbourBank],
    needs: PAYING_AGENT_ITSELF,
    holder: "payingAgentItself",
    observe: redemptionState,
    given: redemptionDue,
  },
  {
    contract: "payingAgent",
    fn: "grantRole",
    args: (c) => [ROLES.PAYING_AGENT_ROLE, c.outsider],
    needs: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.payingAgent.hasRole(ROLES.PAYING_AGENT_ROLE, c.outsider),
  },
];

const CASES: readonly Case[] = [
  ...REGISTRY_CASES,
  ...WCBDC_CASES,
  ...WCBDC_FREEZE_CASES,
  ...DEPOSIT_CASES,
  ...BOND_CASES,
  ...ENGINE_CASES,
  ...ISSUANCE_CASES,
  ...PAYING_AGENT_CASES,
];

// ------------------------------------------------------------------------------------ the runner

/** The role a case needs, or undefined for a rule of the contract's own. */
function roleOf(c: Case): RoleName | undefined {
  return typeof c.needs === "string" ? c.needs : undefined;
}

function needsTitle(c: Case): string {
  return typeof c.needs === "string" ? c.needs : c.needs.title;
}

function refusalTitle(c: Case, caller: ParticipantSpec): string {
  return typeof c.needs === "string"
    ? `AccessControlUnauthorizedAccount(${caller.name}, ${c.needs})`
    : c.needs.describe(caller);
}

function refusalOf(c: Case, ctx: Ctx, caller: ParticipantKey): Refusal {
  if (typeof c.needs === "string") {
    return { error: "AccessControlUnauthorizedAccount", args: [ctx.at[caller], ROLES[c.needs]] };
  }
  return c.needs.refusal(ctx, caller);
}

/** The funded ledger, with the case's set-up done; `now` is read before the set-up. */
async function arrange(c: Case): Promise<Ctx> {
  const ledger = await loadFundedLedger();
  const at = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, ledger.participants[p.key].address])) as Record<
    ParticipantKey,
    string
  >;
  const addr = Object.fromEntries(
    await Promise.all(CONTRACT_KEYS.map(async (k) => [k, await contractOf(ledger, k).getAddress()])),
  ) as Record<ContractKey, string>;
  const signers = await ethers.getSigners();
  const ctx: Ctx = {
    ledger,
    at,
    outsider: signers[PARTICIPANTS.length].address,
    now: await time.latest(),
    addr,
    made: {},
  };
  await c.given?.(ctx);
  return ctx;
}

/** A contract's own address as a signer (impersonated, with gas money). */
async function itself(address: string): Promise<HardhatEthersSigner> {
  await networkHelpers.setBalance(address, 10n ** 18n);
  return ethers.getImpersonatedSigner(address);
}

async function signerOf(ctx: Ctx, caller: Holder): Promise<HardhatEthersSigner> {
  switch (caller) {
    case "settlementAgent":
      return ethers.getSigner(ctx.outsider);
    case "engineItself":
      return itself(ctx.addr.engine);
    case "payingAgentItself":
      return itself(ctx.addr.payingAgent);
    default:
      return ctx.ledger.participants[caller].signer;
  }
}

/** Sends `c.fn(c.args)` to the case's contract as `caller`. */
async function send(c: Case, ctx: Ctx, caller: Holder): Promise<ContractTransactionResponse> {
  const signer = await signerOf(ctx, caller);
  return contractOf(ctx.ledger, c.contract)
    .connect(signer)
    .getFunction(c.fn)
    .send(...c.args(ctx));
}

const ROLE_CASES = CASES.flatMap((c) => {
  const role = roleOf(c);
  return role === undefined ? [] : [{ ...c, role }];
});

describe("Role matrix", function () {
  describe("the table matches the deployed ledger", function () {
    it("each role id in the table is the contract's own constant", async function () {
      const ledger = await loadFundedLedger();
      for (const c of ROLE_CASES) {
        const onChain: unknown = await contractOf(ledger, c.contract).getFunction(c.role).staticCall();
        expect(onChain).to.equal(ROLES[c.role], `${LABEL[c.contract]}.${c.role}`);
      }
    });

    const pairs = [...new Map(ROLE_CASES.map((c) => [`${c.contract}/${c.role}`, c])).values()];
    for (const c of pairs) {
      const who = PARTICIPANTS.some((p) => p.key === c.holder)
        ? `${NAME[c.holder]} and no other participant`
        : "no participant";
      it(`${LABEL[c.contract]}: ${c.role} is held by ${who}`, async function () {
        const ledger = await loadFundedLedger();
        const contract = contractOf(ledger, c.contract);
        for (const p of PARTICIPANTS) {
          const holds: unknown = await contract
            .getFunction("hasRole")
            .staticCall(ROLES[c.role], ledger.participants[p.key].address);
          expect(holds).to.equal(p.key === c.holder, p.name);
        }
      });
    }
  });

  for (const c of CASES) {
    describe(`${LABEL[c.contract]}.${c.fn} — needs ${needsTitle(c)} (${NAME[c.holder]})`, function () {
      for (const caller of PARTICIPANTS.filter((p) => p.key !== c.holder)) {
        it(`refuses ${caller.name}: ${refusalTitle(c, caller)}`, async function () {
          const ctx = await arrange(c);
          const contract = contractOf(ctx.ledger, c.contract);
          const { error, args } = refusalOf(c, ctx, caller.key);
          const before = await c.observe(ctx);
          await expect(send(c, ctx, caller.key))
            .to.be.revertedWithCustomError(contract, error)
            .withArgs(...args);
          expect(await c.observe(ctx)).to.deep.equal(before);
        });
      }

      it(`lets ${NAME[c.holder]} through, and the call takes effect`, async function () {
        const ctx = await arrange(c);
        const before = await c.observe(ctx);
        const receipt = await (await send(c, ctx, c.holder)).wait();
        expect(receipt?.status).to.equal(1);
        expect(await c.observe(ctx)).to.not.deep.equal(before);
      });
    });
  }
});

// ------------------------------------------------------------------------- the fund's roles (issue 12)

/**
 * The money-market fund's privileged functions (contracts/funds/), on the fund fixture (both
 * deployments, test/helpers/fund-fixture.ts): each refused, with its exact error and its state
 * untouched, to every participant of the ledger and every other fund party, and let through for
 * the one that holds the role — the transfer agent keeps the register, the fund manager sets fee,
 * cut-off and appointments, the RTGS operator its hours and signers, the trustee its own role; a
 * subscription is settled only by the transfer agent, a redemption only by the trustee.
 */
type FundHolder = FundPartyKey | "dealingItself";
interface FundCase {
  readonly label: string;
  readonly target: (f: FundFixture) => BaseContract;
  readonly fn: string;
  readonly args: (f: FundFixture, made: { orderId?: bigint }) => readonly unknown[];
  readonly role: string | { readonly rule: "FundNotAuthorisedToSettle" };
  readonly holder: FundHolder;
  readonly observe: (f: FundFixture, made: { orderId?: bigint }) => Promise<unknown>;
  readonly given?: (f: FundFixture, made: { orderId?: bigint }) => Promise<void>;
}

const FUND_ROLES = {
  TRANSFER_AGENT_ROLE: ethers.id("TRANSFER_AGENT_ROLE"),
  DEALING_ROLE: ethers.id("DEALING_ROLE"),
  FUND_MANAGER_ROLE: ethers.id("FUND_MANAGER_ROLE"),
  TRUSTEE_ROLE: ethers.id("TRUSTEE_ROLE"),
  RTGS_OPERATOR_ROLE: ethers.id("RTGS_OPERATOR_ROLE"),
  DISTRIBUTOR_ROLE: ethers.id("DISTRIBUTOR_ROLE"),
  FUND_ADMINISTRATOR_ROLE: ethers.id("FUND_ADMINISTRATOR_ROLE"),
} as const;

const OUTSIDER_INDEX = 15;
async function fundOutsider(): Promise<string> {
  return (await ethers.getSigners())[OUTSIDER_INDEX].address;
}
const hasFundRole = (target: (f: FundFixture) => BaseContract, role: string) => async (f: FundFixture): Promise<unknown> =>
  target(f).getFunction("hasRole").staticCall(role, await fundOutsider());

/** Peak's subscription (or Lantau's redemption) placed this morning, the day's NAV published after the cut-off. */
async function dealtOrder(f: FundFixture, made: { orderId?: bigint }, kind: "subscription" | "redemption"): Promise<void> {
  const morning = await fundNextAt(10 * 3_600);
  await time.increaseTo(morning);
  const day = hktDay(morning);
  if (kind === "subscription") {
    made.orderId = await fundSubscribe(f, f.cbm, "peakAsset", "harbourBank", 1_000_000_00n);
  } else {
    const sub = await fundSubscribe(f, f.cbm, "lantauPension", "lionRockBank", 1_000_000_00n);
    await time.increaseTo(hktAt(day, 13 * 3_600));
    await fundPublishNav(f.cbm, day, 100_000n);
    await fundSettle(f.cbm, sub, f);
    const next = nextWeekday(day);
    await time.increaseTo(hktAt(next, 10 * 3_600));
    made.orderId = await fundRedeem(f, f.cbm, "lantauPension", "lionRockBank", 10_000n);
    await time.increaseTo(hktAt(next, 13 * 3_600));
    await fundPublishNav(f.cbm, next, 100_000n);
    const trustee = f.cbm.parties.trustee.signer;
    await (await f.deposits.victoriaBank.connect(trustee).approve(f.cbm.dealing.target, 10_000_000n)).wait();
    return;
  }
  await time.increaseTo(hktAt(day, 13 * 3_600));
  await fundPublishNav(f.cbm, day, 100_000n);
}

const units = (f: FundFixture): BaseContract => f.cbm.units;
const dealing = (f: FundFixture): BaseContract => f.cbm.dealing;
const rtgsDealing = (f: FundFixture): BaseContract => f.rtgs.dealing;
const orderStatus = (f: FundFixture, made: { orderId?: bigint }): Promise<unknown> => f.cbm.dealing.orderOf(need(made.orderId, "order")).then((o) => o.status);

const FUND_CASES: readonly FundCase[] = [
  { label: "MoneyMarketFundUnits.setFrozen", target: units, fn: "setFrozen", args: (f) => [f.participants.peakAsset.address, true], role: "TRANSFER_AGENT_ROLE", holder: "transferAgent", observe: (f) => f.cbm.units.isFrozen(f.participants.peakAsset.address) },
  { label: "MoneyMarketFundUnits.pause", target: units, fn: "pause", args: () => [], role: "TRANSFER_AGENT_ROLE", holder: "transferAgent", observe: (f) => f.cbm.units.paused() },
  { label: "MoneyMarketFundUnits.grantRole(DEALING_ROLE)", target: units, fn: "grantRole", args: () => [FUND_ROLES.DEALING_ROLE, OUTSIDER_PLACEHOLDER], role: "TRANSFER_AGENT_ROLE", holder: "transferAgent", observe: hasFundRole(units, FUND_ROLES.DEALING_ROLE) },
  { label: "MoneyMarketFundUnits.mintForDealing", target: units, fn: "mintForDealing", args: (f) => [f.participants.peakAsset.address, 1n], role: "DEALING_ROLE", holder: "dealingItself", observe: (f) => f.cbm.units.totalSupply() },
  { label: "FundDealing.setCutOff", target: dealing, fn: "setCutOff", args: () => [11 * 3_600], role: "FUND_MANAGER_ROLE", holder: "fundManager", observe: (f) => f.cbm.dealing.cutOff() },
  { label: "FundDealing.setSubscriptionFee", target: dealing, fn: "setSubscriptionFee", args: () => [25], role: "FUND_MANAGER_ROLE", holder: "fundManager", observe: (f) => f.cbm.dealing.subscriptionFeeBps() },
  { label: "FundDealing.grantRole(DISTRIBUTOR_ROLE)", target: dealing, fn: "grantRole", args: () => [FUND_ROLES.DISTRIBUTOR_ROLE, OUTSIDER_PLACEHOLDER], role: "FUND_MANAGER_ROLE", holder: "fundManager", observe: hasFundRole(dealing, FUND_ROLES.DISTRIBUTOR_ROLE) },
  { label: "FundDealing.grantRole(FUND_ADMINISTRATOR_ROLE)", target: dealing, fn: "grantRole", args: () => [FUND_ROLES.FUND_ADMINISTRATOR_ROLE, OUTSIDER_PLACEHOLDER], role: "FUND_MANAGER_ROLE", holder: "fundManager", observe: hasFundRole(dealing, FUND_ROLES.FUND_ADMINISTRATOR_ROLE) },
  { label: "FundDealing.grantRole(TRUSTEE_ROLE)", target: dealing, fn: "grantRole", args: () => [FUND_ROLES.TRUSTEE_ROLE, OUTSIDER_PLACEHOLDER], role: "TRUSTEE_ROLE", holder: "trustee", observe: hasFundRole(dealing, FUND_ROLES.TRUSTEE_ROLE) },
  { label: "FundDealing (RTGS).setRtgsHours", target: rtgsDealing, fn: "setRtgsHours", args: () => [8 * 3_600, 18 * 3_600, 3_600], role: "RTGS_OPERATOR_ROLE", holder: "rtgsOperator", observe: (f) => f.rtgs.dealing.rtgsHours() },
  { label: "FundDealing (RTGS).grantRole(RTGS_OPERATOR_ROLE)", target: rtgsDealing, fn: "grantRole", args: () => [FUND_ROLES.RTGS_OPERATOR_ROLE, OUTSIDER_PLACEHOLDER], role: "RTGS_OPERATOR_ROLE", holder: "rtgsOperator", observe: hasFundRole(rtgsDealing, FUND_ROLES.RTGS_OPERATOR_ROLE) },
  { label: "FundDealing.settle (a subscription)", target: dealing, fn: "settle", args: (_f, m) => [need(m.orderId, "order")], role: { rule: "FundNotAuthorisedToSettle" }, holder: "transferAgent", observe: orderStatus, given: (f, m) => dealtOrder(f, m, "subscription") },
  { label: "FundDealing.settle (a redemption)", target: dealing, fn: "settle", args: (_f, m) => [need(m.orderId, "order")], role: { rule: "FundNotAuthorisedToSettle" }, holder: "trustee", observe: orderStatus, given: (f, m) => dealtOrder(f, m, "redemption") },
];

/** Stands for the outsider's address in `args` (resolved when the case runs). */
const OUTSIDER_PLACEHOLDER = "outsider";

async function fundSigner(f: FundFixture, who: FundHolder | ParticipantKey): Promise<HardhatEthersSigner> {
  if (who === "dealingItself") {
    await networkHelpers.setBalance(f.cbm.dealing.target as string, 10n ** 18n);
    return ethers.getImpersonatedSigner(f.cbm.dealing.target as string);
  }
  if (who in f.cbm.parties) return f.cbm.parties[who as FundPartyKey].signer;
  return f.participants[who as ParticipantKey].signer;
}

async function fundSend(c: FundCase, f: FundFixture, made: { orderId?: bigint }, who: FundHolder | ParticipantKey): Promise<ContractTransactionResponse> {
  const outsider = await fundOutsider();
  const args = c.args(f, made).map((a) => (a === OUTSIDER_PLACEHOLDER ? outsider : a));
  return c.target(f).connect(await fundSigner(f, who)).getFunction(c.fn).send(...args);
}

const FUND_CALLERS: readonly (FundPartyKey | ParticipantKey)[] = [...PARTICIPANTS.map((p) => p.key), ...FUND_PARTIES.map((p) => p.key)];
const fundCallerName = (k: FundPartyKey | ParticipantKey | "dealingItself"): string =>
  k === "dealingItself" ? "the dealing contract itself" : (FUND_PARTIES.find((p) => p.key === k)?.name ?? NAME[k as ParticipantKey]);

describe("Role matrix — the money-market fund", function () {
  for (const c of FUND_CASES) {
    const needs = typeof c.role === "string" ? c.role : `${fundCallerName(c.holder)} (${c.role.rule})`;
    describe(`${c.label} — needs ${needs} (${fundCallerName(c.holder)})`, function () {
      for (const caller of FUND_CALLERS.filter((k) => k !== c.holder)) {
        it(`refuses ${fundCallerName(caller)}`, async function () {
          const f = await loadFund();
          const made: { orderId?: bigint } = {};
          await c.given?.(f, made);
          const before = await c.observe(f, made);
          const signer = await fundSigner(f, caller);
          const refusal =
            typeof c.role === "string"
              ? expect(fundSend(c, f, made, caller)).to.be.revertedWithCustomError(c.target(f), "AccessControlUnauthorizedAccount").withArgs(signer.address, FUND_ROLES[c.role as keyof typeof FUND_ROLES])
              : expect(fundSend(c, f, made, caller)).to.be.revertedWithCustomError(c.target(f), c.role.rule).withArgs(signer.address, need(made.orderId, "order"));
          await refusal;
          expect(await c.observe(f, made)).to.deep.equal(before);
        });
      }
      it(`lets ${fundCallerName(c.holder)} through, and the call takes effect`, async function () {
        const f = await loadFund();
        const made: { orderId?: bigint } = {};
        await c.given?.(f, made);
        const before = await c.observe(f, made);
        const receipt = await (await fundSend(c, f, made, c.holder)).wait();
        expect(receipt?.status).to.equal(1);
        expect(await c.observe(f, made)).to.not.deep.equal(before);
      });
    });
  }
});

// ----------------------------------------------------------- the HKMA's intraday liquidity facility (issue 13)

/**
 * The intraday liquidity facility's privileged functions (contracts/liquidity/), on the liquidity
 * ledger (src/chain/deploy-liquidity.ts): each refused to every participant but the HKMA, with
 * `AccessControlUnauthorizedAccount(caller, CENTRAL_BANK_ROLE)` and the terms it would change
 * untouched, and let through for the HKMA, the terms changed. (The payment queue has no privileged
 * function: each payer acts on its own payments, tested in test/liquidity/PaymentQueue.ts.)
 */
const liquidityLedger = (): Promise<LiquidityLedger> => deployLiquidityLedger(connection);
const loadLiquidity = (): Promise<LiquidityLedger> => networkHelpers.loadFixture(liquidityLedger);

interface LiquidityCase {
  readonly fn: "listCollateral" | "delistCollateral" | "setDiscountWindowRate" | "setCutOff";
  readonly args: (l: LiquidityLedger) => Promise<readonly unknown[]>;
  readonly observe: (l: LiquidityLedger) => Promise<unknown>;
}

const bondTerms = async (l: LiquidityLedger): Promise<unknown> => {
  const t = await l.facility.collateralTerms(await l.bond.getAddress());
  return [t.listed, t.haircutBps, t.pricePerUnit];
};

const LIQUIDITY_CASES: readonly LiquidityCase[] = [
  { fn: "listCollateral", args: async (l) => [await l.bond.getAddress(), 4_900_000n, 500], observe: bondTerms },
  { fn: "delistCollateral", args: async (l) => [await l.bond.getAddress()], observe: bondTerms },
  { fn: "setDiscountWindowRate", args: async () => [350, 150], observe: async (l) => [await l.facility.baseRate(), await l.facility.penaltySpread()] },
  { fn: "setCutOff", args: async () => [16 * 3_600], observe: (l) => l.facility.cutOff() },
];

describe("Role matrix — the HKMA's intraday liquidity facility", function () {
  for (const c of LIQUIDITY_CASES) {
    describe(`IntradayLiquidityFacility.${c.fn} — needs CENTRAL_BANK_ROLE (${NAME.hkma})`, function () {
      for (const caller of PARTICIPANTS.filter((p) => p.key !== "hkma")) {
        it(`refuses ${caller.name}`, async function () {
          const l = await loadLiquidity();
          const before = await c.observe(l);
          const signer = l.participants[caller.key].signer;
          await expect(l.facility.connect(signer).getFunction(c.fn).send(...(await c.args(l))))
            .to.be.revertedWithCustomError(l.facility, "AccessControlUnauthorizedAccount")
            .withArgs(signer.address, ROLES.CENTRAL_BANK_ROLE);
          expect(await c.observe(l)).to.deep.equal(before);
        });
      }
      it(`lets ${NAME.hkma} through, and the call takes effect`, async function () {
        const l = await loadLiquidity();
        const before = await c.observe(l);
        const receipt = await (await l.facility.connect(l.participants.hkma.signer).getFunction(c.fn).send(...(await c.args(l)))).wait();
        expect(receipt?.status).to.equal(1);
        expect(await c.observe(l)).to.not.deep.equal(before);
      });
    });
  }
});
