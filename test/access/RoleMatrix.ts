import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { expect } from "chai";

import type { HongKongLedger } from "../../src/ledger/deploy.js";
import { DEPOSITS, PARTICIPANTS, type BankKey, type ParticipantKey } from "../../src/ledger/hong-kong.js";
import { ParticipantKind } from "../../src/ledger/participants.js";
import { ethers, networkHelpers, loadFundedLedger } from "../helpers/ledger-fixture.js";

/**
 * Role matrix: every privileged function of the registry and the tokens, called by every ledger
 * participant that lacks the role it needs (refused with `AccessControlUnauthorizedAccount(caller,
 * role)`, the state it would change untouched), and by the role holder (let through, the state
 * changed). Every case runs on the funded Hong Kong ledger.
 */

const { time } = networkHelpers;

const YEAR = 365 * 86_400;
const HK = ethers.hexlify(ethers.toUtf8Bytes("HK"));

const ROLES = {
  DEFAULT_ADMIN_ROLE: ethers.ZeroHash,
  REGISTRAR_ROLE: ethers.id("REGISTRAR_ROLE"),
  CENTRAL_BANK_ROLE: ethers.id("CENTRAL_BANK_ROLE"),
  BANK_ROLE: ethers.id("BANK_ROLE"),
  ISSUER_ROLE: ethers.id("ISSUER_ROLE"),
  SETTLEMENT_ROLE: ethers.id("SETTLEMENT_ROLE"),
} as const;
type RoleName = keyof typeof ROLES;

type ContractKey = "registry" | "wcbdc" | BankKey | "bond";

/**
 * Who holds the role: a participant of the default ledger, or — for `SETTLEMENT_ROLE`, which no
 * participant holds — a settlement contract's address (account 9) the bank grants it to first.
 */
type Holder = ParticipantKey | "settlementAgent";

/** What a case's `args`, `given` and `observe` see. */
interface Ctx {
  readonly ledger: HongKongLedger;
  /** Participant addresses by key. */
  readonly at: Record<ParticipantKey, string>;
  /** An address that is not on the ledger (account 9); the settlement agent where a case has one. */
  readonly outsider: string;
  /** Chain time when the case starts. */
  readonly now: number;
}

interface Case {
  readonly contract: ContractKey;
  readonly fn: string;
  readonly args: (ctx: Ctx) => readonly unknown[];
  readonly role: RoleName;
  readonly holder: Holder;
  /** The state the call changes: unchanged when a caller is refused, changed when the holder calls. */
  readonly observe: (ctx: Ctx) => Promise<unknown>;
  /** Set-up done by the role holders first, so that the holder's call succeeds (e.g. pause before unpause). */
  readonly given?: (ctx: Ctx) => Promise<void>;
}

function contractOf(ledger: HongKongLedger, key: ContractKey): BaseContract {
  switch (key) {
    case "registry":
      return ledger.registry;
    case "wcbdc":
      return ledger.wcbdc;
    case "bond":
      return ledger.bond;
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
};

const NAME = {
  ...(Object.fromEntries(PARTICIPANTS.map((p) => [p.key, p.name])) as Record<ParticipantKey, string>),
  settlementAgent: "a settlement agent the bank granted it to",
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

// ------------------------------------------------------------------------------------- the table

const REGISTRY_CASES: readonly Case[] = [
  {
    contract: "registry",
    fn: "registerParticipant",
    args: (c) => [c.outsider, ParticipantKind.Investor, HK, c.now + YEAR],
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.outsider),
  },
  {
    contract: "registry",
    fn: "removeParticipant",
    args: (c) => [c.at.lantauPension],
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.lantauPension),
  },
  {
    contract: "registry",
    fn: "updateKycExpiry",
    args: (c) => [c.at.peakAsset, c.now + 2 * YEAR],
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.peakAsset),
  },
  {
    contract: "registry",
    fn: "setFrozen",
    args: (c) => [c.at.peakAsset, true],
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => record(c.ledger, c.at.peakAsset),
  },
  {
    contract: "registry",
    fn: "grantRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.outsider],
    role: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.registry.hasRole(ROLES.REGISTRAR_ROLE, c.outsider),
  },
  {
    contract: "registry",
    fn: "revokeRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.at.hkma],
    role: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.registry.hasRole(ROLES.REGISTRAR_ROLE, c.at.hkma),
  },
];

const WCBDC_CASES: readonly Case[] = [
  {
    contract: "wcbdc",
    fn: "mint",
    args: (c) => [c.at.harbourBank, 100_000n],
    role: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => balanceAndSupply(c.ledger.wcbdc, c.at.harbourBank),
  },
  {
    contract: "wcbdc",
    fn: "burn",
    args: (c) => [c.at.harbourBank, 100_000n],
    role: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => balanceAndSupply(c.ledger.wcbdc, c.at.harbourBank),
  },
  {
    contract: "wcbdc",
    fn: "pause",
    args: () => [],
    role: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.paused(),
  },
  {
    contract: "wcbdc",
    fn: "unpause",
    args: () => [],
    role: "CENTRAL_BANK_ROLE",
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
    role: "CENTRAL_BANK_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.isApprovedSettlementContract(c.outsider),
  },
  {
    contract: "wcbdc",
    fn: "grantRole",
    args: (c) => [ROLES.CENTRAL_BANK_ROLE, c.outsider],
    role: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.wcbdc.hasRole(ROLES.CENTRAL_BANK_ROLE, c.outsider),
  },
  {
    contract: "wcbdc",
    fn: "revokeRole",
    args: (c) => [ROLES.CENTRAL_BANK_ROLE, c.at.hkma],
    role: "DEFAULT_ADMIN_ROLE",
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
      role: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).isCustomer(c.outsider),
    },
    {
      contract: bank,
      fn: "mint",
      args: (c) => [c.at[customer], 10_000n],
      role: "BANK_ROLE",
      holder: bank,
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
    },
    {
      contract: bank,
      fn: "burn",
      args: (c) => [c.at[customer], 10_000n],
      role: "BANK_ROLE",
      holder: bank,
      observe: (c) => balanceAndSupply(token(c), c.at[customer]),
    },
    {
      contract: bank,
      fn: "mintForSettlement",
      args: (c) => [c.at[customer], 10_000n],
      role: "SETTLEMENT_ROLE",
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
      role: "SETTLEMENT_ROLE",
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
      role: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).isFrozen(c.at[customer]),
    },
    {
      contract: bank,
      fn: "pause",
      args: () => [],
      role: "BANK_ROLE",
      holder: bank,
      observe: (c) => token(c).paused(),
    },
    {
      contract: bank,
      fn: "unpause",
      args: () => [],
      role: "BANK_ROLE",
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
      role: "DEFAULT_ADMIN_ROLE",
      holder: bank,
      observe: (c) => token(c).hasRole(ROLES.BANK_ROLE, c.outsider),
    },
    {
      contract: bank,
      fn: "revokeRole",
      args: (c) => [ROLES.BANK_ROLE, c.at[bank]],
      role: "DEFAULT_ADMIN_ROLE",
      holder: bank,
      observe: (c) => token(c).hasRole(ROLES.BANK_ROLE, c.at[bank]),
    },
  ];
});

/** The issuer allots 10 units to Peak Asset Management. */
async function allotTenToPeak(c: Ctx): Promise<void> {
  await c.ledger.bond.mint(c.at.peakAsset, 10n);
}

const BOND_CASES: readonly Case[] = [
  {
    contract: "bond",
    fn: "mint",
    args: (c) => [c.at.peakAsset, 10n],
    role: "ISSUER_ROLE",
    holder: "government",
    observe: (c) => balanceAndSupply(c.ledger.bond, c.at.peakAsset),
  },
  {
    contract: "bond",
    fn: "burn",
    args: (c) => [c.at.peakAsset, 10n],
    role: "ISSUER_ROLE",
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
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.isFrozen(c.at.peakAsset),
  },
  {
    contract: "bond",
    fn: "pause",
    args: () => [],
    role: "REGISTRAR_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.paused(),
  },
  {
    contract: "bond",
    fn: "unpause",
    args: () => [],
    role: "REGISTRAR_ROLE",
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
    role: "REGISTRAR_ROLE",
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
    role: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.hasRole(ROLES.REGISTRAR_ROLE, c.outsider),
  },
  {
    contract: "bond",
    fn: "revokeRole",
    args: (c) => [ROLES.REGISTRAR_ROLE, c.at.hkma],
    role: "DEFAULT_ADMIN_ROLE",
    holder: "hkma",
    observe: (c) => c.ledger.bond.hasRole(ROLES.REGISTRAR_ROLE, c.at.hkma),
  },
  // The issuer, not the registrar, appoints its issuing and paying agents: ISSUER_ROLE administers itself.
  {
    contract: "bond",
    fn: "grantRole",
    args: (c) => [ROLES.ISSUER_ROLE, c.outsider],
    role: "ISSUER_ROLE",
    holder: "government",
    observe: (c) => c.ledger.bond.hasRole(ROLES.ISSUER_ROLE, c.outsider),
  },
  {
    contract: "bond",
    fn: "revokeRole",
    args: (c) => [ROLES.ISSUER_ROLE, c.at.government],
    role: "ISSUER_ROLE",
    holder: "government",
    observe: (c) => c.ledger.bond.hasRole(ROLES.ISSUER_ROLE, c.at.government),
  },
];

const CASES: readonly Case[] = [...REGISTRY_CASES, ...WCBDC_CASES, ...DEPOSIT_CASES, ...BOND_CASES];

// ------------------------------------------------------------------------------------ the runner

/** The funded ledger, with the case's set-up done; `now` is read before the set-up. */
async function arrange(c: Case): Promise<Ctx> {
  const ledger = await loadFundedLedger();
  const at = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, ledger.participants[p.key].address])) as Record<
    ParticipantKey,
    string
  >;
  const signers = await ethers.getSigners();
  const ctx: Ctx = { ledger, at, outsider: signers[PARTICIPANTS.length].address, now: await time.latest() };
  await c.given?.(ctx);
  return ctx;
}

/** Sends `c.fn(c.args)` to the case's contract as `caller`. */
async function send(c: Case, ctx: Ctx, caller: Holder): Promise<ContractTransactionResponse> {
  const signer =
    caller === "settlementAgent" ? await ethers.getSigner(ctx.outsider) : ctx.ledger.participants[caller].signer;
  return contractOf(ctx.ledger, c.contract).connect(signer).getFunction(c.fn).send(...c.args(ctx));
}

describe("Role matrix", function () {
  describe("the table matches the deployed ledger", function () {
    it("each role id in the table is the contract's own constant", async function () {
      const ledger = await loadFundedLedger();
      for (const c of CASES) {
        const onChain: unknown = await contractOf(ledger, c.contract).getFunction(c.role).staticCall();
        expect(onChain).to.equal(ROLES[c.role], `${LABEL[c.contract]}.${c.role}`);
      }
    });

    const pairs = [...new Map(CASES.map((c) => [`${c.contract}/${c.role}`, c])).values()];
    for (const c of pairs) {
      const who = c.holder === "settlementAgent" ? "no participant" : `${NAME[c.holder]} and no other participant`;
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
    describe(`${LABEL[c.contract]}.${c.fn} — needs ${c.role} (${NAME[c.holder]})`, function () {
      for (const caller of PARTICIPANTS.filter((p) => p.key !== c.holder)) {
        it(`refuses ${caller.name}: AccessControlUnauthorizedAccount(${caller.name}, ${c.role})`, async function () {
          const ctx = await arrange(c);
          const contract = contractOf(ctx.ledger, c.contract);
          const before = await c.observe(ctx);
          await expect(send(c, ctx, caller.key))
            .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
            .withArgs(ctx.at[caller.key], ROLES[c.role]);
          expect(await c.observe(ctx)).to.deep.equal(before);
        });
      }

      it(`lets ${NAME[c.holder]} through, and the call takes effect`, async function () {
        const ctx = await arrange(c);
        const contract = contractOf(ctx.ledger, c.contract);
        const before = await c.observe(ctx);
        await expect(send(c, ctx, c.holder)).to.not.be.revertedWithCustomError(
          contract,
          "AccessControlUnauthorizedAccount",
        );
        expect(await c.observe(ctx)).to.not.deep.equal(before);
      });
    });
  }
});
