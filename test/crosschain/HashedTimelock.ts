import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  AbiCoder,
  MaxUint256,
  ZeroAddress,
  hexlify,
  keccak256,
  randomBytes,
  sha256,
  type BaseContract,
  type ContractTransactionResponse,
} from "ethers";

import type { HongKongLedger } from "../../src/ledger/deploy.js";
import { KYC_VALIDITY_SECONDS, type ParticipantKey } from "../../src/ledger/hong-kong.js";
import { ParticipantKind } from "../../src/ledger/participants.js";
import type { HashedTimelock } from "../../typechain-types/index.js";
import { ethers, fundedLedger, networkHelpers } from "../helpers/ledger-fixture.js";
import { DAY, HK, balancesOf, changes, chainNow, mined, type Balances } from "../helpers/settlement-fixture.js";

/**
 * The hashed time-locked escrow (contracts/crosschain/HashedTimelock.sol; DOMAIN.md §5, Jasper–Ubin):
 * a sender locks tokens for a receiver under SHA-256 of a secret and a time lock. Before the time lock,
 * whoever presents the secret pays the receiver — and publishes the secret; from the time lock on,
 * anyone returns the tokens to the sender. Each lock settles once. The escrow is a registered
 * infrastructure participant that HKMA approved to hold wCBDC, so it can hold what it escrows; whether
 * the receiver may hold the token is the token's decision at claim time, and a refused claim still
 * leaves the refund: value is never lost.
 */

const { time } = networkHelpers;

/** `LockState` in HashedTimelock.sol. */
const LOCK_STATE = ["None", "Locked", "Claimed", "Refunded"] as const;
type LockStateName = (typeof LOCK_STATE)[number];
function stateOf(name: LockStateName): bigint {
  return BigInt(LOCK_STATE.indexOf(name));
}

/** HKD 10,000,000.00 of wCBDC: what a default lock escrows. */
const AMOUNT = 1_000_000_000n;
/** Bond units each of Kowloon Dealer and Victoria Bank is allotted. */
const BOND_ALLOTMENT = 100n;

interface HtlcLedger extends HongKongLedger {
  /** The escrow, connected as HKMA (who deployed it; it has no owner). */
  readonly htlc: HashedTimelock;
  readonly htlcAddress: string;
  readonly wcbdcAddress: string;
  readonly bondAddress: string;
  /** An address on no list of the ledger (account 9). */
  readonly outsider: HardhatEthersSigner;
  /** Every wHKD and bond balance and supply: the participants, the outsider and the escrow. */
  snapshot(): Promise<Balances>;
}

/**
 * The fixture: the funded Hong Kong ledger plus the escrow, registered as market infrastructure and
 * approved by HKMA to hold wCBDC; Kowloon Dealer and Victoria Bank hold bond units, and the parties that
 * lock here approved the escrow on what they lock.
 */
async function htlcLedger(): Promise<HtlcLedger> {
  const ledger = await fundedLedger();
  const { participants: p, registry, wcbdc, bond } = ledger;
  const htlc = await ethers.deployContract("HashedTimelock");
  const htlcAddress = await htlc.getAddress();
  await mined(
    registry.registerParticipant(
      htlcAddress,
      ParticipantKind.Infrastructure,
      HK,
      (await chainNow()) + BigInt(KYC_VALIDITY_SECONDS),
    ),
  );
  await mined(wcbdc.setSettlementContract(htlcAddress, true));

  for (const holder of [p.kowloonDealer, p.victoriaBank]) await mined(bond.mint(holder.address, BOND_ALLOTMENT));
  for (const bank of [p.harbourBank, p.victoriaBank])
    await mined(wcbdc.connect(bank.signer).approve(htlcAddress, MaxUint256));
  for (const holder of [p.kowloonDealer, p.victoriaBank])
    await mined(bond.connect(holder.signer).approve(htlcAddress, MaxUint256));

  const outsider = (await ethers.getSigners())[9];
  const holders: Record<ParticipantKey | "outsider" | "htlc", string> = {
    ...(Object.fromEntries(Object.values(p).map((x) => [x.key, x.address])) as Record<ParticipantKey, string>),
    outsider: outsider.address,
    htlc: htlcAddress,
  };
  return {
    ...ledger,
    htlc,
    htlcAddress,
    wcbdcAddress: await wcbdc.getAddress(),
    bondAddress: await bond.getAddress(),
    outsider,
    snapshot: () => balancesOf({ wHKD: wcbdc, bond }, holders),
  };
}

const loadHtlcLedger = (): Promise<HtlcLedger> => networkHelpers.loadFixture(htlcLedger);

/** What one `lock` call is made of, and the secret behind its hash lock. */
interface LockTerms {
  readonly sender: HardhatEthersSigner;
  readonly receiver: string;
  readonly token: string;
  readonly amount: bigint;
  readonly secret: string;
  readonly hashlock: string;
  readonly timelock: bigint;
}

/** A fresh 32-byte secret and its SHA-256 hash lock. */
function newSecret(): { secret: string; hashlock: string } {
  const secret = hexlify(randomBytes(32));
  return { secret, hashlock: sha256(secret) };
}

/**
 * Harbour Bank locks `AMOUNT` of wHKD for Victoria Bank under a fresh secret, until one day from now
 * (chain time); `overrides` change any term.
 */
async function lockTerms(f: HtlcLedger, overrides: Partial<LockTerms> = {}): Promise<LockTerms> {
  return {
    sender: f.participants.harbourBank.signer,
    receiver: f.participants.victoriaBank.address,
    token: f.wcbdcAddress,
    amount: AMOUNT,
    ...newSecret(),
    timelock: (await chainNow()) + DAY,
    ...overrides,
  };
}

function lock(f: HtlcLedger, t: LockTerms): Promise<ContractTransactionResponse> {
  return f.htlc.connect(t.sender).lock(t.receiver, t.token, t.amount, t.hashlock, t.timelock);
}

/** The lock id, computed here as the contract documents it. */
function lockIdOf(f: HtlcLedger, t: LockTerms): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "address", "address", "address", "uint256", "bytes32", "uint64"],
      [f.chainId, f.htlcAddress, t.sender.address, t.receiver, t.token, t.amount, t.hashlock, t.timelock],
    ),
  );
}

/** Locks `t` and returns its id. */
async function locked(f: HtlcLedger, t: LockTerms): Promise<string> {
  await mined(lock(f, t));
  return lockIdOf(f, t);
}

/** Asserts that `attempt` reverts with `contract`'s `error(args)` and moves no balance and no lock state. */
async function expectRevertedUnchanged(
  f: HtlcLedger,
  attempt: () => Promise<unknown>,
  contract: BaseContract,
  error: string,
  args: readonly unknown[],
  lockId?: string,
): Promise<void> {
  const before = await f.snapshot();
  const stateBefore = lockId === undefined ? undefined : (await f.htlc.getLock(lockId)).state;
  await expect(attempt())
    .to.be.revertedWithCustomError(contract, error)
    .withArgs(...args);
  expect(await f.snapshot()).to.deep.equal(before, "a refused call moved a balance");
  if (lockId !== undefined) expect((await f.htlc.getLock(lockId)).state).to.equal(stateBefore);
}

describe("HashedTimelock", function () {
  describe("lock", function () {
    it("escrows the sender's tokens under the hash and time lock (Locked, getLock, lockIdOf)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = lockIdOf(f, t);
      const harbour = f.participants.harbourBank.address;
      expect(await f.htlc.lockIdOf(harbour, t.receiver, t.token, t.amount, t.hashlock, t.timelock)).to.equal(lockId);
      expect(
        await f.htlc.connect(t.sender).lock.staticCall(t.receiver, t.token, t.amount, t.hashlock, t.timelock),
      ).to.equal(lockId);
      expect((await f.htlc.getLock(lockId)).state).to.equal(stateOf("None"));

      const before = await f.snapshot();
      await expect(lock(f, t))
        .to.emit(f.htlc, "Locked")
        .withArgs(lockId, harbour, t.receiver, t.token, t.amount, t.hashlock, t.timelock);
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wHKD:harbourBank": -AMOUNT, "wHKD:htlc": AMOUNT });
      const escrow = await f.htlc.getLock(lockId);
      expect({
        sender: escrow.sender,
        receiver: escrow.receiver,
        token: escrow.token,
        amount: escrow.amount,
        hashlock: escrow.hashlock,
        timelock: escrow.timelock,
        state: escrow.state,
      }).to.deep.equal({
        sender: harbour,
        receiver: t.receiver,
        token: t.token,
        amount: t.amount,
        hashlock: t.hashlock,
        timelock: t.timelock,
        state: stateOf("Locked"),
      });
    });

    it("binds the id to every term: changing any one gives another lock", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const variants: readonly Partial<LockTerms>[] = [
        { sender: f.participants.victoriaBank.signer },
        { receiver: f.participants.lionRockBank.address },
        { token: f.bondAddress },
        { amount: AMOUNT + 1n },
        { hashlock: newSecret().hashlock },
        { timelock: t.timelock + 1n },
      ];
      const ids = new Set([lockIdOf(f, t), ...variants.map((v) => lockIdOf(f, { ...t, ...v }))]);
      expect(ids.size).to.equal(variants.length + 1);
      for (const v of variants) {
        const u = { ...t, ...v };
        expect(await f.htlc.lockIdOf(u.sender.address, u.receiver, u.token, u.amount, u.hashlock, u.timelock)).to.equal(
          lockIdOf(f, u),
        );
      }
    });

    it("refuses a time lock shorter than MIN_TIMELOCK (TimelockTooShort) and accepts exactly MIN_TIMELOCK", async function () {
      const f = await loadHtlcLedger();
      const min = await f.htlc.MIN_TIMELOCK();
      expect(min).to.equal(600n);
      const at = (await chainNow()) + 100n;

      await time.setNextBlockTimestamp(at);
      const short = await lockTerms(f, { timelock: at + min - 1n });
      await expectRevertedUnchanged(f, () => lock(f, short), f.htlc, "TimelockTooShort", [short.timelock, at + min]);
      // A time lock already in the past is refused the same way.
      await time.setNextBlockTimestamp(at + 1n);
      const past = await lockTerms(f, { timelock: at - 1n });
      await expectRevertedUnchanged(f, () => lock(f, past), f.htlc, "TimelockTooShort", [past.timelock, at + 1n + min]);

      const now = at + 2n;
      await time.setNextBlockTimestamp(now);
      const exact = await lockTerms(f, { timelock: now + min });
      await expect(lock(f, exact)).to.emit(f.htlc, "Locked");
    });

    it("refuses a duplicate of a lock, open or settled (LockAlreadyExists)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      await expectRevertedUnchanged(f, () => lock(f, t), f.htlc, "LockAlreadyExists", [lockId], lockId);

      await mined(f.htlc.claim(lockId, t.secret));
      await expectRevertedUnchanged(f, () => lock(f, t), f.htlc, "LockAlreadyExists", [lockId], lockId);
      // The same payment with a new secret is a new lock.
      await expect(lock(f, { ...t, ...newSecret() })).to.emit(f.htlc, "Locked");
    });

    it("refuses a zero amount, receiver or token (InvalidLockTerms)", async function () {
      const f = await loadHtlcLedger();
      for (const bad of [{ amount: 0n }, { receiver: ZeroAddress }, { token: ZeroAddress }]) {
        const t = await lockTerms(f, bad);
        await expectRevertedUnchanged(f, () => lock(f, t), f.htlc, "InvalidLockTerms", []);
        expect((await f.htlc.getLock(lockIdOf(f, t))).state).to.equal(stateOf("None"));
      }
    });

    it("takes only what the sender approved and holds", async function () {
      const f = await loadHtlcLedger();
      const lionRock = f.participants.lionRockBank.signer;
      const t = await lockTerms(f, { sender: lionRock });
      await expectRevertedUnchanged(f, () => lock(f, t), f.wcbdc, "ERC20InsufficientAllowance", [
        f.htlcAddress,
        0n,
        AMOUNT,
      ]);

      const harbour = f.participants.harbourBank.address;
      const held = await f.wcbdc.balanceOf(harbour);
      const tooMuch = await lockTerms(f, { amount: held + 1n });
      await expectRevertedUnchanged(f, () => lock(f, tooMuch), f.wcbdc, "ERC20InsufficientBalance", [
        harbour,
        held,
        held + 1n,
      ]);
    });

    it("cannot escrow wCBDC unless HKMA approved the escrow to hold it (HolderNotWholesale)", async function () {
      const f = await loadHtlcLedger();
      const other = await ethers.deployContract("HashedTimelock");
      const otherAddress = await other.getAddress();
      await mined(
        f.registry.registerParticipant(
          otherAddress,
          ParticipantKind.Infrastructure,
          HK,
          (await chainNow()) + DAY * 365n,
        ),
      );
      const harbour = f.participants.harbourBank.signer;
      await mined(f.wcbdc.connect(harbour).approve(otherAddress, MaxUint256));
      const t = await lockTerms(f);
      await expectRevertedUnchanged(
        f,
        () => other.connect(harbour).lock(t.receiver, t.token, t.amount, t.hashlock, t.timelock),
        f.wcbdc,
        "HolderNotWholesale",
        [otherAddress, ParticipantKind.Infrastructure],
      );
    });
  });

  describe("claim", function () {
    it("pays the receiver when anyone presents the preimage before the time lock; Claimed publishes it", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);

      const before = await f.snapshot();
      // Anyone may carry the secret, even an address on no list of the ledger.
      await expect(f.htlc.connect(f.outsider).claim(lockId, t.secret))
        .to.emit(f.htlc, "Claimed")
        .withArgs(lockId, t.secret);
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wHKD:htlc": -AMOUNT, "wHKD:victoriaBank": AMOUNT });
      expect((await f.htlc.getLock(lockId)).state).to.equal(stateOf("Claimed"));
    });

    it("refuses a wrong preimage (WrongPreimage)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      // A random guess; the hash lock itself; the secret under another hash function.
      for (const guess of [newSecret().secret, t.hashlock]) {
        await expectRevertedUnchanged(f, () => f.htlc.claim(lockId, guess), f.htlc, "WrongPreimage", [lockId], lockId);
      }
      const keccakLocked = await lockTerms(f, { hashlock: keccak256(t.secret) });
      const keccakId = await locked(f, keccakLocked);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(keccakId, t.secret),
        f.htlc,
        "WrongPreimage",
        [keccakId],
        keccakId,
      );
    });

    it("refuses a claim at or after the time lock (LockExpired)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);

      await time.setNextBlockTimestamp(t.timelock);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.htlc,
        "LockExpired",
        [lockId, t.timelock],
        lockId,
      );
      await time.increaseTo(t.timelock + DAY);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.htlc,
        "LockExpired",
        [lockId, t.timelock],
        lockId,
      );
    });

    it("still claims in the last second before the time lock", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      await time.setNextBlockTimestamp(t.timelock - 1n);
      await expect(f.htlc.claim(lockId, t.secret)).to.emit(f.htlc, "Claimed").withArgs(lockId, t.secret);
    });
  });

  describe("refund", function () {
    it("refuses a refund before the time lock (LockNotExpired)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.refund(lockId),
        f.htlc,
        "LockNotExpired",
        [lockId, t.timelock],
        lockId,
      );
      await time.setNextBlockTimestamp(t.timelock - 1n);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.refund(lockId),
        f.htlc,
        "LockNotExpired",
        [lockId, t.timelock],
        lockId,
      );
    });

    it("repays the sender from the time lock on, whoever calls (Refunded)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);

      await time.setNextBlockTimestamp(t.timelock);
      const before = await f.snapshot();
      await expect(f.htlc.connect(f.outsider).refund(lockId)).to.emit(f.htlc, "Refunded").withArgs(lockId);
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wHKD:htlc": -AMOUNT, "wHKD:harbourBank": AMOUNT });
      expect((await f.htlc.getLock(lockId)).state).to.equal(stateOf("Refunded"));
    });
  });

  describe("each lock settles once", function () {
    it("refuses a second claim, and a refund after the claim (LockInWrongState Claimed)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      await mined(f.htlc.claim(lockId, t.secret));

      const claimed = [lockId, stateOf("Claimed")];
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.htlc,
        "LockInWrongState",
        claimed,
        lockId,
      );
      await time.increaseTo(t.timelock);
      await expectRevertedUnchanged(f, () => f.htlc.refund(lockId), f.htlc, "LockInWrongState", claimed, lockId);
    });

    it("refuses a claim after the refund, and a second refund (LockInWrongState Refunded)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = await locked(f, t);
      await time.increaseTo(t.timelock);
      await mined(f.htlc.refund(lockId));

      const refunded = [lockId, stateOf("Refunded")];
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.htlc,
        "LockInWrongState",
        refunded,
        lockId,
      );
      await expectRevertedUnchanged(f, () => f.htlc.refund(lockId), f.htlc, "LockInWrongState", refunded, lockId);
    });

    it("refuses to claim or refund a lock that does not exist (LockInWrongState None)", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f);
      const lockId = lockIdOf(f, t);
      const none = [lockId, stateOf("None")];
      await expectRevertedUnchanged(f, () => f.htlc.claim(lockId, t.secret), f.htlc, "LockInWrongState", none);
      await expectRevertedUnchanged(f, () => f.htlc.refund(lockId), f.htlc, "LockInWrongState", none);
    });
  });

  describe("the tokens' own rules", function () {
    it("escrows the green bond for an eligible investor, who receives it on claim", async function () {
      const f = await loadHtlcLedger();
      const t = await lockTerms(f, {
        sender: f.participants.kowloonDealer.signer,
        receiver: f.participants.peakAsset.address,
        token: f.bondAddress,
        amount: 10n,
      });
      const before = await f.snapshot();
      const lockId = await locked(f, t);
      expect(changes(before, await f.snapshot())).to.deep.equal({ "bond:kowloonDealer": -10n, "bond:htlc": 10n });
      await expect(f.htlc.claim(lockId, t.secret)).to.emit(f.htlc, "Claimed");
      expect(changes(before, await f.snapshot())).to.deep.equal({ "bond:kowloonDealer": -10n, "bond:peakAsset": 10n });
    });

    it("locks wHKD for an investor (not wholesale): the claim is refused by wHKD, and the refund still returns it", async function () {
      const f = await loadHtlcLedger();
      const peak = f.participants.peakAsset.address;
      const t = await lockTerms(f, { receiver: peak });
      // The escrow itself may hold wCBDC, so the lock succeeds.
      const before = await f.snapshot();
      const lockId = await locked(f, t);
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wHKD:harbourBank": -AMOUNT, "wHKD:htlc": AMOUNT });

      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.wcbdc,
        "HolderNotWholesale",
        [peak, ParticipantKind.Investor],
        lockId,
      );
      await time.increaseTo(t.timelock);
      await expect(f.htlc.refund(lockId)).to.emit(f.htlc, "Refunded").withArgs(lockId);
      expect(await f.snapshot()).to.deep.equal(before, "the refund did not restore the sender");
    });

    it("locks the bond for an address not on the registry: the claim is refused by the bond, and the refund still returns it", async function () {
      const f = await loadHtlcLedger();
      const outsider = f.outsider.address;
      const t = await lockTerms(f, {
        sender: f.participants.kowloonDealer.signer,
        receiver: outsider,
        token: f.bondAddress,
        amount: 10n,
      });
      const before = await f.snapshot();
      const lockId = await locked(f, t);
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(lockId, t.secret),
        f.bond,
        "ParticipantNotRegistered",
        [outsider],
        lockId,
      );
      await time.increaseTo(t.timelock);
      await mined(f.htlc.refund(lockId));
      expect(await f.snapshot()).to.deep.equal(before, "the refund did not restore the sender");
    });
  });

  describe("two locks under one hash (a DvP in Jasper–Ubin style)", function () {
    it("lets the counterparty claim with the secret the initiator revealed, the initiator's lock ending later", async function () {
      const f = await loadHtlcLedger();
      const harbour = f.participants.harbourBank;
      const victoria = f.participants.victoriaBank;
      const now = await chainNow();
      // Harbour Bank (buyer) knows the secret and locks the cash first, with the longer time lock...
      const cash = await lockTerms(f, { timelock: now + 2n * DAY });
      // ...Victoria Bank (seller) locks 20 bond units for Harbour Bank under the same hash, ending a day earlier.
      const bonds = await lockTerms(f, {
        sender: victoria.signer,
        receiver: harbour.address,
        token: f.bondAddress,
        amount: 20n,
        secret: "0x",
        hashlock: cash.hashlock,
        timelock: now + DAY,
      });
      const before = await f.snapshot();
      const cashId = await locked(f, cash);
      const bondId = await locked(f, bonds);

      // Harbour Bank claims the bonds, which publishes the secret...
      const receipt = await (await f.htlc.connect(harbour.signer).claim(bondId, cash.secret)).wait();
      if (receipt === null) throw new Error("the claim was not mined");
      const revealed = receipt.logs
        .map((log) => f.htlc.interface.parseLog(log))
        .find((event) => event?.name === "Claimed");
      if (revealed === null || revealed === undefined) throw new Error("no Claimed event");
      // ...which Victoria Bank reads from the ledger and uses to claim the cash.
      await mined(f.htlc.connect(victoria.signer).claim(cashId, revealed.args.preimage as string));

      expect(changes(before, await f.snapshot())).to.deep.equal({
        "wHKD:harbourBank": -AMOUNT,
        "wHKD:victoriaBank": AMOUNT,
        "bond:victoriaBank": -20n,
        "bond:harbourBank": 20n,
      });
    });
  });
});
