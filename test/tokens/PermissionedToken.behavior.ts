import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import type {
  GovernmentBond,
  ParticipantRegistry,
  TokenizedDeposit,
  WholesaleCBDC,
} from "../../typechain-types/index.js";
import { ethers, networkHelpers } from "../helpers/ledger-fixture.js";

/**
 * The transfer rules every token of the ledger shares (contracts/tokens/extensions/): each balance
 * change — transfer, transferFrom, mint, burn — asks the participant registry about both non-zero
 * sides, honours the token's pause and, where the token has one, its per-token freeze. Each
 * failure reverts with its own custom error and leaves every balance and the supply as they were.
 *
 * The same rules are readable without moving anything: `checkTransfer(from, to, amount)` reverts
 * with exactly the error the transfer would give, and passes whenever the transfer would pass but
 * for the balance (finding 5 of issue #9: a netting batch asks it for every gross leg). A
 * `transferFrom` also asks the registry about the spender (finding 12).
 *
 * In the style of OpenZeppelin's `ERC20.behavior.js`: the suite is written once and run over a
 * table of token kinds (test/tokens/PermissionedTokens.ts), each kind adding the rules of its own.
 */

/** Any of the ledger's permissioned tokens. */
export type PermissionedToken = WholesaleCBDC | TokenizedDeposit | GovernmentBond;

/** One token, as the shared behaviour sees it. Built fresh (from a fixture) for every test. */
export interface PermissionedTokenSubject {
  readonly token: PermissionedToken;
  /** The participant registry the token asks, connected as its registrar. */
  readonly registry: ParticipantRegistry;
  /** Holds the token's mint and burn role. */
  readonly minter: HardhatEthersSigner;
  /** The role `mint` and `burn` require (e.g. `CENTRAL_BANK_ROLE`). */
  readonly minterRole: string;
  /** Holds the token's pause role. */
  readonly pauser: HardhatEthersSigner;
  /** The role `pause` requires. */
  readonly pauserRole: string;
  /**
   * Freezes (`frozen` true) or unfreezes `account` on the token itself, as the token's freezer;
   * absent when the token has no per-token freeze.
   */
  readonly freeze?: (account: string, frozen: boolean) => Promise<ContractTransactionResponse>;
  /** An eligible holder with a balance of at least `amount`; the debited side of every path. */
  readonly sender: HardhatEthersSigner;
  /** Another eligible holder; the credited side of every path, and the spender of `transferFrom`. */
  readonly receiver: HardhatEthersSigner;
  /** The amount every path moves, in the token's smallest unit. */
  readonly amount: bigint;
  /** The registry kind (`ParticipantKind`) a new holder of this token is registered as. */
  readonly holderKind: number;
  /**
   * Does everything the token itself needs before `account` may hold it, except registering it in
   * the registry (e.g. a deposit token's bank onboards it as a customer). A no-op when the registry
   * is all the token asks.
   */
  onboard(account: string): Promise<void>;
}

/** What a token kind supports beyond the common core, known before any fixture runs. */
export interface PermissionedTokenTraits {
  /** The token has its own freeze list (`setFrozen`), besides the registry's. */
  readonly perTokenFreeze: boolean;
  /**
   * `burn` is subject to the shared rules alone. False for a bond, which burns only at maturity:
   * its burn path is covered by its own tests.
   */
  readonly burnAnyTime: boolean;
  /** Rules of this token kind alone (who may hold it, maturity), run over every path like the shared ones. */
  readonly ownRules?: readonly TransferRule[];
}

/** One way of changing balances. */
interface BalancePath {
  readonly name: "transfer" | "transferFrom" | "mint" | "burn";
  /** Whether the path debits `sender` (all but mint). */
  readonly debits: boolean;
  /** Whether the path credits `to` (all but burn). */
  readonly credits: boolean;
  /** Whether a token with `traits` supports the path. */
  supported(traits: PermissionedTokenTraits): boolean;
  /** Whatever must happen before any rule is broken (an allowance). */
  prepare(s: PermissionedTokenSubject): Promise<void>;
  /** Moves `s.amount`: from `s.sender` (when it debits) to `to` (when it credits). */
  run(s: PermissionedTokenSubject, to: string): Promise<ContractTransactionResponse>;
}

const PATHS: readonly BalancePath[] = [
  {
    name: "transfer",
    debits: true,
    credits: true,
    supported: () => true,
    prepare: async () => {},
    run: (s, to) => s.token.connect(s.sender).transfer(to, s.amount),
  },
  {
    name: "transferFrom",
    debits: true,
    credits: true,
    supported: () => true,
    prepare: async (s) => {
      await (await s.token.connect(s.sender).approve(s.receiver.address, s.amount)).wait();
    },
    run: (s, to) => s.token.connect(s.receiver).transferFrom(s.sender.address, to, s.amount),
  },
  {
    name: "mint",
    debits: false,
    credits: true,
    supported: () => true,
    prepare: async () => {},
    run: (s, to) => s.token.connect(s.minter).mint(to, s.amount),
  },
  {
    name: "burn",
    debits: true,
    credits: false,
    supported: (traits) => traits.burnAnyTime,
    prepare: async () => {},
    run: (s) => s.token.connect(s.minter).burn(s.sender.address, s.amount),
  },
];

/** What breaking a rule leaves: where the path should send, and the error it must revert with. */
export interface Broken {
  readonly to: string;
  readonly error: string;
  readonly args: readonly unknown[];
}

/** One transfer rule, and how to break it on one side of a balance change. */
export interface TransferRule {
  readonly title: string;
  /** Which side of the path the rule is broken on. */
  readonly side: "sender" | "receiver" | "either";
  supported(traits: PermissionedTokenTraits): boolean;
  breakRule(s: PermissionedTokenSubject): Promise<Broken>;
}

async function latestTimestamp(): Promise<number> {
  return networkHelpers.time.latest();
}

/** Shortens `account`'s KYC to a near time and moves the clock to it; returns the expiry. */
async function expireKyc(s: PermissionedTokenSubject, account: string): Promise<bigint> {
  // Pin the update's block time: after a fixture snapshot is restored, the simulator's clock can run
  // ahead of the latest block, and an expiry 100 s after that block would already be in the past.
  const now = await latestTimestamp();
  const expiry = now + 100;
  await networkHelpers.time.setNextBlockTimestamp(now + 1);
  await (await s.registry.updateKycExpiry(account, expiry)).wait();
  await networkHelpers.time.increaseTo(expiry);
  return BigInt(expiry);
}

function freezeOf(
  s: PermissionedTokenSubject,
): (account: string, frozen: boolean) => Promise<ContractTransactionResponse> {
  if (s.freeze === undefined) throw new Error("the subject of a token with per-token freeze must give `freeze`");
  return s.freeze;
}

const RULES: readonly TransferRule[] = [
  {
    title: "the sender is no longer registered (removed from the registry)",
    side: "sender",
    supported: () => true,
    breakRule: async (s) => {
      await (await s.registry.removeParticipant(s.sender.address)).wait();
      return { to: s.receiver.address, error: "ParticipantNotRegistered", args: [s.sender.address] };
    },
  },
  {
    title: "the receiver was never registered (though otherwise onboarded)",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      const stranger = ethers.Wallet.createRandom().address;
      await s.onboard(stranger);
      return { to: stranger, error: "ParticipantNotRegistered", args: [stranger] };
    },
  },
  {
    title: "the receiver was removed from the registry",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      await (await s.registry.removeParticipant(s.receiver.address)).wait();
      return { to: s.receiver.address, error: "ParticipantNotRegistered", args: [s.receiver.address] };
    },
  },
  {
    title: "the sender is frozen in the registry",
    side: "sender",
    supported: () => true,
    breakRule: async (s) => {
      await (await s.registry.setFrozen(s.sender.address, true)).wait();
      return { to: s.receiver.address, error: "ParticipantFrozen", args: [s.sender.address] };
    },
  },
  {
    title: "the receiver is frozen in the registry",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      await (await s.registry.setFrozen(s.receiver.address, true)).wait();
      return { to: s.receiver.address, error: "ParticipantFrozen", args: [s.receiver.address] };
    },
  },
  {
    title: "the sender's KYC has expired",
    side: "sender",
    supported: () => true,
    breakRule: async (s) => {
      const expiry = await expireKyc(s, s.sender.address);
      return { to: s.receiver.address, error: "ParticipantKycExpired", args: [s.sender.address, expiry] };
    },
  },
  {
    title: "the receiver's KYC has expired",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      const expiry = await expireKyc(s, s.receiver.address);
      return { to: s.receiver.address, error: "ParticipantKycExpired", args: [s.receiver.address, expiry] };
    },
  },
  {
    title: "the token is paused",
    side: "either",
    supported: () => true,
    breakRule: async (s) => {
      await (await s.token.connect(s.pauser).pause()).wait();
      return { to: s.receiver.address, error: "EnforcedPause", args: [] };
    },
  },
  {
    title: "the sender is frozen on the token",
    side: "sender",
    supported: (traits) => traits.perTokenFreeze,
    breakRule: async (s) => {
      await (await freezeOf(s)(s.sender.address, true)).wait();
      return { to: s.receiver.address, error: "AccountFrozen", args: [s.sender.address] };
    },
  },
  {
    title: "the receiver is frozen on the token",
    side: "receiver",
    supported: (traits) => traits.perTokenFreeze,
    breakRule: async (s) => {
      await (await freezeOf(s)(s.receiver.address, true)).wait();
      return { to: s.receiver.address, error: "AccountFrozen", args: [s.receiver.address] };
    },
  },
];

function applies(rule: TransferRule, path: BalancePath): boolean {
  if (rule.side === "sender") return path.debits;
  if (rule.side === "receiver") return path.credits;
  return true;
}

/** The `from` and `to` a path hands the token's rules: zero for the side a mint or burn does not have. */
function sidesOf(path: BalancePath, s: PermissionedTokenSubject, to: string): { from: string; to: string } {
  return {
    from: path.debits ? s.sender.address : ethers.ZeroAddress,
    to: path.credits ? to : ethers.ZeroAddress,
  };
}

/**
 * A new account with gas money, registered in the registry as `kind` (unless `kind` is undefined)
 * with KYC until `kycExpiry` (a year from now by default).
 */
export async function newAccount(
  registry: ParticipantRegistry,
  kind: number | undefined,
  kycExpiry?: number,
): Promise<HardhatEthersSigner> {
  const wallet = ethers.Wallet.createRandom().address;
  await networkHelpers.setBalance(wallet, 10n ** 18n);
  if (kind !== undefined) {
    const expiry = kycExpiry ?? (await latestTimestamp()) + 365 * 86_400;
    await (await registry.registerParticipant(wallet, kind, "0x484b", expiry)).wait();
  }
  return ethers.getImpersonatedSigner(wallet);
}

/** `ParticipantKind.Infrastructure`: what a settlement contract spending holders' allowances is. */
const INFRASTRUCTURE = 6;

/**
 * Finding 12: a `transferFrom` asks the registry about the spender too, so an allowance lets only
 * an eligible participant (e.g. the registered settlement engine) move a holder's tokens.
 */
function describeSpender(getSubject: () => Promise<PermissionedTokenSubject>): void {
  describe("the spender", function () {
    /** `spender` holds the sender's allowance and moves `amount` to the receiver. */
    async function spend(
      s: PermissionedTokenSubject,
      spender: HardhatEthersSigner,
    ): Promise<ContractTransactionResponse> {
      return s.token.connect(spender).transferFrom(s.sender.address, s.receiver.address, s.amount);
    }
    async function approve(s: PermissionedTokenSubject, spender: string): Promise<void> {
      await (await s.token.connect(s.sender).approve(spender, s.amount)).wait();
    }

    it("finding 12: an unregistered ERC-20 spender cannot transferFrom (ParticipantNotRegistered(spender)), moving nothing", async function () {
      const s = await getSubject();
      const spender = await newAccount(s.registry, undefined);
      await approve(s, spender.address);
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address, spender.address],
        () => spend(s, spender),
        "ParticipantNotRegistered",
        [spender.address],
      );
      expect(await s.token.allowance(s.sender.address, spender.address)).to.equal(s.amount);
    });

    it("finding 12: a spender frozen in the registry cannot transferFrom (ParticipantFrozen(spender)), moving nothing", async function () {
      const s = await getSubject();
      const spender = await newAccount(s.registry, INFRASTRUCTURE);
      await approve(s, spender.address);
      await (await s.registry.setFrozen(spender.address, true)).wait();
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address, spender.address],
        () => spend(s, spender),
        "ParticipantFrozen",
        [spender.address],
      );
      // Unfrozen, the same allowance works.
      await (await s.registry.setFrozen(spender.address, false)).wait();
      await expect(spend(s, spender)).to.changeTokenBalances(
        ethers,
        s.token,
        [s.sender, s.receiver],
        [-s.amount, s.amount],
      );
    });

    it("finding 12: a spender removed from the registry, or whose KYC lapsed, cannot transferFrom", async function () {
      const s = await getSubject();
      const removed = await newAccount(s.registry, INFRASTRUCTURE);
      await approve(s, removed.address);
      await (await s.registry.removeParticipant(removed.address)).wait();
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address, removed.address],
        () => spend(s, removed),
        "ParticipantNotRegistered",
        [removed.address],
      );

      const expiry = (await latestTimestamp()) + 100;
      const lapsed = await newAccount(s.registry, INFRASTRUCTURE, expiry);
      await approve(s, lapsed.address);
      await networkHelpers.time.increaseTo(expiry);
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address, lapsed.address],
        () => spend(s, lapsed),
        "ParticipantKycExpired",
        [lapsed.address, BigInt(expiry)],
      );
    });

    it("lets a registered, eligible spender that is neither side (a settlement contract) move the allowance", async function () {
      const s = await getSubject();
      const spender = await newAccount(s.registry, INFRASTRUCTURE);
      await approve(s, spender.address);
      const tx = spend(s, spender);
      await expect(tx).to.emit(s.token, "Transfer").withArgs(s.sender.address, s.receiver.address, s.amount);
      await expect(tx).to.changeTokenBalances(
        ethers,
        s.token,
        [s.sender, s.receiver, spender],
        [-s.amount, s.amount, 0n],
      );
      expect(await s.token.allowance(s.sender.address, spender.address)).to.equal(0n);
    });
  });
}

/** Balances of `accounts` and the total supply, read now. */
async function ledgerState(token: PermissionedToken, accounts: readonly string[]): Promise<bigint[]> {
  const balances = await Promise.all(accounts.map((a) => token.balanceOf(a)));
  return [...balances, await token.totalSupply()];
}

/**
 * Asserts that `attempt` reverts with `error(args)` and changes no balance of `accounts` and not
 * the total supply.
 */
export async function expectRejectedUnchanged(
  token: PermissionedToken,
  accounts: readonly string[],
  attempt: () => Promise<ContractTransactionResponse>,
  error: string,
  args: readonly unknown[],
): Promise<void> {
  const before = await ledgerState(token, accounts);
  await expect(attempt())
    .to.be.revertedWithCustomError(token, error)
    .withArgs(...args);
  expect(await ledgerState(token, accounts)).to.deep.equal(before, "balances or supply changed on a failed attempt");
}

/**
 * The shared transfer rules, run for every balance path the token supports.
 * @param getSubject builds the token and its actors; called once per test, after a fixture load.
 * @param traits what the token supports beyond the common core.
 */
export function shouldBehaveLikePermissionedToken(
  getSubject: () => Promise<PermissionedTokenSubject>,
  traits: PermissionedTokenTraits,
): void {
  const rules = [...RULES, ...(traits.ownRules ?? [])];
  for (const path of PATHS) {
    if (!path.supported(traits)) continue;
    describe(path.name, function () {
      for (const rule of rules) {
        if (!rule.supported(traits) || !applies(rule, path)) continue;
        it(`reverts when ${rule.title}, moving nothing`, async function () {
          const s = await getSubject();
          await path.prepare(s);
          const broken = await rule.breakRule(s);
          await expectRejectedUnchanged(
            s.token,
            [s.sender.address, s.receiver.address, broken.to],
            () => path.run(s, broken.to),
            broken.error,
            broken.args,
          );
        });

        it(`finding 5 support: checkTransfer reverts with the error ${path.name} gives when ${rule.title}`, async function () {
          const s = await getSubject();
          await path.prepare(s);
          const broken = await rule.breakRule(s);
          const { from, to } = sidesOf(path, s, broken.to);
          await expect(s.token.checkTransfer(from, to, s.amount))
            .to.be.revertedWithCustomError(s.token, broken.error)
            .withArgs(...broken.args);
          // ...and the path itself, asked the same question, gives the same answer.
          await expectRejectedUnchanged(
            s.token,
            [s.sender.address, s.receiver.address, broken.to],
            () => path.run(s, broken.to),
            broken.error,
            broken.args,
          );
        });
      }

      it("finding 5 support: checkTransfer passes when every rule holds, whatever the balance", async function () {
        const s = await getSubject();
        await path.prepare(s);
        const { from, to } = sidesOf(path, s, s.receiver.address);
        const beyond = (await s.token.balanceOf(s.sender.address)) + 1n;
        // A view: it returns without reverting for the amount moved and for more than the sender holds.
        await s.token.checkTransfer(from, to, s.amount);
        await s.token.checkTransfer(from, to, beyond);
        await s.token.checkTransfer(from, to, ethers.MaxUint256);
        if (path.name === "transfer") {
          // The balance is the one rule it leaves to the transfer.
          await expectRejectedUnchanged(
            s.token,
            [s.sender.address, s.receiver.address],
            () => s.token.connect(s.sender).transfer(s.receiver.address, beyond),
            "ERC20InsufficientBalance",
            [s.sender.address, beyond - 1n, beyond],
          );
        }
        await expect(path.run(s, s.receiver.address)).to.emit(s.token, "Transfer");
      });

      if (path.name === "transferFrom") describeSpender(getSubject);

      it("moves the amount and emits Transfer when every rule holds", async function () {
        const s = await getSubject();
        await path.prepare(s);
        const from = path.debits ? s.sender.address : ethers.ZeroAddress;
        const to = path.credits ? s.receiver.address : ethers.ZeroAddress;
        const supplyBefore = await s.token.totalSupply();

        const tx = path.run(s, s.receiver.address);
        await expect(tx).to.emit(s.token, "Transfer").withArgs(from, to, s.amount);
        await expect(tx).to.changeTokenBalances(
          ethers,
          s.token,
          [s.sender, s.receiver],
          [path.debits ? -s.amount : 0n, path.credits ? s.amount : 0n],
        );

        const minted = path.debits ? 0n : s.amount;
        const burned = path.credits ? 0n : s.amount;
        expect(await s.token.totalSupply()).to.equal(supplyBefore + minted - burned);
        if (path.name === "transferFrom") {
          expect(await s.token.allowance(s.sender.address, s.receiver.address)).to.equal(0n);
        }
      });

      it("works again once the token is unpaused", async function () {
        const s = await getSubject();
        await path.prepare(s);
        await (await s.token.connect(s.pauser).pause()).wait();
        await (await s.token.connect(s.pauser).unpause()).wait();
        await expect(path.run(s, s.receiver.address)).to.emit(s.token, "Transfer");
      });

      if (traits.perTokenFreeze) {
        it("works again once the sides are unfrozen on the token", async function () {
          const s = await getSubject();
          await path.prepare(s);
          const freeze = freezeOf(s);
          for (const account of [s.sender.address, s.receiver.address]) {
            await (await freeze(account, true)).wait();
            await (await freeze(account, false)).wait();
          }
          await expect(path.run(s, s.receiver.address)).to.emit(s.token, "Transfer");
        });
      }

      if (path.credits) {
        it("credits a new participant once registered and onboarded", async function () {
          const s = await getSubject();
          await path.prepare(s);
          const newcomer = ethers.Wallet.createRandom().address;
          const kycExpiry = (await latestTimestamp()) + 365 * 86_400;
          await (await s.registry.registerParticipant(newcomer, s.holderKind, "0x484b", kycExpiry)).wait();
          await s.onboard(newcomer);
          await expect(path.run(s, newcomer)).to.changeTokenBalance(ethers, s.token, newcomer, s.amount);
        });
      }
    });
  }

  describe("roles", function () {
    it("lets only the minter mint", async function () {
      const s = await getSubject();
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address],
        () => s.token.connect(s.sender).mint(s.receiver.address, s.amount),
        "AccessControlUnauthorizedAccount",
        [s.sender.address, s.minterRole],
      );
    });

    it("lets only the minter burn", async function () {
      const s = await getSubject();
      await expectRejectedUnchanged(
        s.token,
        [s.sender.address, s.receiver.address],
        () => s.token.connect(s.receiver).burn(s.sender.address, s.amount),
        "AccessControlUnauthorizedAccount",
        [s.receiver.address, s.minterRole],
      );
    });

    it("lets only the pauser pause", async function () {
      const s = await getSubject();
      await expect(s.token.connect(s.sender).pause())
        .to.be.revertedWithCustomError(s.token, "AccessControlUnauthorizedAccount")
        .withArgs(s.sender.address, s.pauserRole);
      expect(await s.token.paused()).to.equal(false);
    });
  });
}
