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

import type { HongKongLedger } from "../../src/chain/deploy.js";
import { KYC_VALIDITY_SECONDS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
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
 * leaves the refund: value is never lost. A bond is never locked across one of its entitlement dates
 * (a record date or maturity: finding 6 of issue #9), and the registrar cannot force units out of the
 * escrow (finding 9).
 *
 * Invariant, checked after every test here: the escrow's balance of each token is the sum of the
 * amounts of its `Locked` locks of that token — it never holds value no open lock covers.
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

/** The ledger the running test loaded, for the escrow invariant checked after it. */
let current: HtlcLedger | undefined;

async function loadHtlcLedger(): Promise<HtlcLedger> {
  current = await networkHelpers.loadFixture(htlcLedger);
  return current;
}

/** Per token (wHKD, bond): the escrow's balance, and the sum of the amounts of its `Locked` locks. */
async function escrowCover(f: HtlcLedger): Promise<Record<"wHKD" | "bond", { held: bigint; locked: bigint }>> {
  const locked: Record<string, bigint> = { [f.wcbdcAddress]: 0n, [f.bondAddress]: 0n };
  for (const event of await f.htlc.queryFilter(f.htlc.filters.Locked())) {
    const escrow = await f.htlc.getLock(event.args.lockId);
    if (escrow.state === stateOf("Locked")) locked[escrow.token] = (locked[escrow.token] ?? 0n) + escrow.amount;
  }
  return {
    wHKD: { held: await f.wcbdc.balanceOf(f.htlcAddress), locked: locked[f.wcbdcAddress] },
    bond: { held: await f.bond.balanceOf(f.htlcAddress), locked: locked[f.bondAddress] },
  };
}

/** The invariant: for each token, what the escrow holds is exactly what its open locks cover. */
async function expectEscrowCovered(f: HtlcLedger, when = ""): Promise<void> {
  for (const [token, { held, locked }] of Object.entries(await escrowCover(f))) {
    expect(held).to.equal(
      locked,
      `${token}: the escrow's balance vs. its Locked locks${when === "" ? "" : ` ${when}`}`,
    );
  }
}

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
  beforeEach(function () {
    current = undefined;
  });

  afterEach("invariant: the escrow holds exactly the sum of its Locked locks, per token", async function () {
    if (current !== undefined && this.currentTest?.state === "passed")
      await expectEscrowCovered(current, "after the test");
  });

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
  describe("bond entitlement dates (finding 6)", function () {
    /** The green bond's first record date, last record date and maturity, as the bond states them. */
    async function dates(
      f: HtlcLedger,
    ): Promise<{ record0: bigint; record1: bigint; record5: bigint; maturity: bigint }> {
      return {
        record0: await f.bond.recordDate(0),
        record1: await f.bond.recordDate(1),
        record5: await f.bond.recordDate(5),
        maturity: await f.bond.maturityDate(),
      };
    }

    /** Kowloon Dealer locks `amount` bond units for Peak Asset Management until `timelock`. */
    async function bondLock(f: HtlcLedger, timelock: bigint, amount = 10n): Promise<LockTerms> {
      return lockTerms(f, {
        sender: f.participants.kowloonDealer.signer,
        receiver: f.participants.peakAsset.address,
        token: f.bondAddress,
        amount,
        timelock,
      });
    }

    it("nextEntitlementDate of the green bond is its first record date until then, the next one after it, and maturity after the last", async function () {
      const f = await loadHtlcLedger();
      const { record0, record1, record5, maturity } = await dates(f);
      // Record date = payment date − RECORD_DATE_LAG (one day).
      const [, firstPayment] = await f.bond.couponPeriod(0);
      expect(record0).to.equal(firstPayment - DAY);
      expect(await f.bond.nextEntitlementDate(await chainNow())).to.equal(record0);
      expect(await f.bond.nextEntitlementDate(record0 - 1n)).to.equal(record0);
      expect(await f.bond.nextEntitlementDate(record0)).to.equal(record1);
      expect(await f.bond.nextEntitlementDate(record5)).to.equal(maturity);
      expect(await f.bond.nextEntitlementDate(maturity)).to.equal(2n ** 64n - 1n);
    });

    it("finding 6: refuses a bond lock whose window contains a record date, or ends less than ENTITLEMENT_MARGIN before it (LockSpansEntitlementDate(bond, recordDate, timelock)), moving nothing", async function () {
      const f = await loadHtlcLedger();
      const { record0 } = await dates(f);
      expect(await f.htlc.ENTITLEMENT_MARGIN()).to.equal(DAY);
      await time.increaseTo(record0 - 2n * DAY);
      // Ending after the record date, on it, or less than a day before it (no day left to refund in time).
      for (const timelock of [record0 + DAY, record0 + 1n, record0, record0 - 1n, record0 - DAY + 1n]) {
        const t = await bondLock(f, timelock);
        await expectRevertedUnchanged(f, () => lock(f, t), f.htlc, "LockSpansEntitlementDate", [
          f.bondAddress,
          record0,
          timelock,
        ]);
        expect((await f.htlc.getLock(lockIdOf(f, t))).state).to.equal(stateOf("None"));
      }
    });

    it("finding 6: refuses a bond lock whose window contains maturity (LockSpansEntitlementDate(bond, maturity, timelock)), moving nothing", async function () {
      const f = await loadHtlcLedger();
      const { record5, maturity } = await dates(f);
      // After the last record date, the bond still trades for a day, until maturity.
      await time.increaseTo(record5 + 3_600n);
      expect(await f.bond.nextEntitlementDate(await chainNow())).to.equal(maturity);
      for (const timelock of [maturity, maturity + DAY, maturity - 1n]) {
        const t = await bondLock(f, timelock);
        await expectRevertedUnchanged(f, () => lock(f, t), f.htlc, "LockSpansEntitlementDate", [
          f.bondAddress,
          maturity,
          timelock,
        ]);
      }
    });

    it("finding 6: accepts a bond lock ending a full ENTITLEMENT_MARGIN before the record date; settled by then, the escrow is no holder of record", async function () {
      const f = await loadHtlcLedger();
      const { record0 } = await dates(f);
      await time.increaseTo(record0 - 2n * DAY);
      const before = await f.snapshot();
      const claimed = await bondLock(f, record0 - DAY, 10n);
      const refunded = await bondLock(f, record0 - DAY, 5n);
      await expect(lock(f, claimed)).to.emit(f.htlc, "Locked");
      await expect(lock(f, refunded)).to.emit(f.htlc, "Locked");
      await expectEscrowCovered(f, "with both locks open");

      await mined(f.htlc.claim(lockIdOf(f, claimed), claimed.secret));
      // Refunded within the margin: before the record date.
      await time.setNextBlockTimestamp(record0 - DAY + 3_600n);
      await mined(f.htlc.refund(lockIdOf(f, refunded)));
      expect(changes(before, await f.snapshot())).to.deep.equal({ "bond:kowloonDealer": -10n, "bond:peakAsset": 10n });

      await time.increaseTo(record0 + 1n);
      expect(await f.bond.balanceOfAtRecord(f.htlcAddress, 0)).to.equal(0n);
      expect(await f.bond.balanceOfAtRecord(f.participants.peakAsset.address, 0)).to.equal(10n);
      expect(await f.bond.balanceOfAtRecord(f.participants.kowloonDealer.address, 0)).to.equal(BOND_ALLOTMENT - 10n);
    });

    it("finding 6: accepts a bond lock starting after the record date (ex-coupon), up to before the next one", async function () {
      const f = await loadHtlcLedger();
      const { record0, record1 } = await dates(f);
      await time.increaseTo(record0 + 1n);
      expect(await f.bond.nextEntitlementDate(await chainNow())).to.equal(record1);
      const t = await bondLock(f, (await chainNow()) + DAY);
      const lockId = await locked(f, t);
      expect((await f.htlc.getLock(lockId)).state).to.equal(stateOf("Locked"));
      const longest = await bondLock(f, record1 - DAY, 3n);
      await expect(lock(f, longest)).to.emit(f.htlc, "Locked");
      await expectRevertedUnchanged(
        f,
        () => lock(f, { ...longest, timelock: record1 - DAY + 1n }),
        f.htlc,
        "LockSpansEntitlementDate",
        [f.bondAddress, record1, record1 - DAY + 1n],
      );
      await mined(f.htlc.claim(lockId, t.secret));
    });

    it("finding 6: accepts a wCBDC lock over the same record date and maturity (cash has no entitlement dates)", async function () {
      const f = await loadHtlcLedger();
      const { record0, record5, maturity } = await dates(f);
      await time.increaseTo(record0 - DAY);
      const overRecordDate = await lockTerms(f, { timelock: record0 + DAY });
      const first = await locked(f, overRecordDate);
      await time.increaseTo(record5 + 3_600n);
      const overMaturity = await lockTerms(f, { amount: AMOUNT / 2n, timelock: maturity + DAY });
      const second = await locked(f, overMaturity);
      await expectEscrowCovered(f, "with both wHKD locks open");
      await time.increaseTo(maturity + 1n);
      await mined(f.htlc.claim(second, overMaturity.secret));
      await mined(f.htlc.refund(first));
      expect((await f.htlc.getLock(first)).state).to.equal(stateOf("Refunded"));
      expect((await f.htlc.getLock(second)).state).to.equal(stateOf("Claimed"));
    });

    it("finding 6: a bond lock left open past maturity can still be refunded, and its units redeemed: every lock can end", async function () {
      const f = await loadHtlcLedger();
      const { record5, maturity } = await dates(f);
      await time.increaseTo(record5 - 2n * DAY);
      // The last lock possible before the last record date, and nobody refunds it in time.
      const t = await bondLock(f, record5 - DAY);
      const lockId = await locked(f, t);
      await time.increaseTo(maturity + 1n);
      const before = await f.snapshot();
      // The bond lets infrastructure return units after maturity, so the refund goes through.
      await mined(f.htlc.refund(lockId));
      expect(changes(before, await f.snapshot())).to.deep.equal({ "bond:htlc": -10n, "bond:kowloonDealer": 10n });
      expect((await f.htlc.getLock(lockId)).state).to.equal(stateOf("Refunded"));
      // Anyone else still cannot move a matured bond.
      await expect(
        f.bond.connect(f.participants.kowloonDealer.signer).transfer(f.participants.peakAsset.address, 1n),
      ).to.be.revertedWithCustomError(f.bond, "BondMatured");
    });

    // A lock left unrefunded for longer than the margin past its time lock still holds its units over
    // the next record date (README, Security model): the refunder's to avoid, and what this pins.
    it("finding 6 (residual, stated): a lock refunded only after the record date leaves the escrow holder of record for those units", async function () {
      const f = await loadHtlcLedger();
      const { record0 } = await dates(f);
      await time.increaseTo(record0 - 2n * DAY);
      const t = await bondLock(f, record0 - DAY);
      const lockId = await locked(f, t);
      await time.increaseTo(record0 + 3_600n);
      await mined(f.htlc.refund(lockId));
      expect(await f.bond.balanceOfAtRecord(f.htlcAddress, 0)).to.equal(10n);
    });
  });

  describe("the registrar's forced transfer (finding 9)", function () {
    it("finding 9: a registrar's forcedTransfer out of the escrow reverts BondForcedTransferFromInfrastructure(escrow), and every lock still settles", async function () {
      const f = await loadHtlcLedger();
      const { kowloonDealer, victoriaBank, peakAsset, harbourBank, lantauPension } = f.participants;
      expect((await f.registry.participantOf(f.htlcAddress)).kind).to.equal(BigInt(ParticipantKind.Infrastructure));
      const now = await chainNow();
      const toClaim = await lockTerms(f, {
        sender: kowloonDealer.signer,
        receiver: peakAsset.address,
        token: f.bondAddress,
        amount: 30n,
      });
      const toRefund = await lockTerms(f, {
        sender: victoriaBank.signer,
        receiver: harbourBank.address,
        token: f.bondAddress,
        amount: 20n,
        timelock: now + 2n * DAY,
      });
      const claimId = await locked(f, toClaim);
      const refundId = await locked(f, toRefund);
      expect(await f.bond.balanceOf(f.htlcAddress)).to.equal(50n);

      // A court order against one of the senders cannot be executed on the pooled escrow.
      const registrar = f.bond.connect(f.participants.hkma.signer);
      for (const amount of [1n, 20n, 50n]) {
        await expectRevertedUnchanged(
          f,
          () => registrar.forcedTransfer(f.htlcAddress, lantauPension.address, amount, "HCMP 1234/2026 court order"),
          f.bond,
          "BondForcedTransferFromInfrastructure",
          [f.htlcAddress],
        );
      }
      await expectEscrowCovered(f, "after the refused forced transfers");

      const before = await f.snapshot();
      await mined(f.htlc.claim(claimId, toClaim.secret));
      await time.increaseTo(toRefund.timelock);
      await mined(f.htlc.refund(refundId));
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:htlc": -50n,
        "bond:peakAsset": 30n,
        "bond:victoriaBank": 20n,
      });
      // The order is executed on the holder's own account once its lock has ended.
      await expect(
        registrar.forcedTransfer(victoriaBank.address, lantauPension.address, 20n, "HCMP 1234/2026 court order"),
      ).to.emit(f.bond, "ForcedTransfer");
    });
  });

  describe("a frozen escrow (finding 12)", function () {
    it("finding 12: a frozen escrow no longer receives wCBDC or the bond (ParticipantFrozen); its open locks settle once it is unfrozen", async function () {
      const f = await loadHtlcLedger();
      const open = await lockTerms(f);
      const openId = await locked(f, open);
      await mined(f.registry.setFrozen(f.htlcAddress, true));

      const cash = await lockTerms(f);
      await expectRevertedUnchanged(f, () => lock(f, cash), f.wcbdc, "ParticipantFrozen", [f.htlcAddress]);
      const bonds = await lockTerms(f, {
        sender: f.participants.kowloonDealer.signer,
        token: f.bondAddress,
        amount: 10n,
      });
      await expectRevertedUnchanged(f, () => lock(f, bonds), f.bond, "ParticipantFrozen", [f.htlcAddress]);
      // Nor does it pay out while frozen...
      await expectRevertedUnchanged(
        f,
        () => f.htlc.claim(openId, open.secret),
        f.wcbdc,
        "ParticipantFrozen",
        [f.htlcAddress],
        openId,
      );

      // ...until the registrar lifts the freeze: the open lock is claimed as agreed.
      await mined(f.registry.setFrozen(f.htlcAddress, false));
      const before = await f.snapshot();
      await mined(f.htlc.claim(openId, open.secret));
      expect(changes(before, await f.snapshot())).to.deep.equal({ "wHKD:htlc": -AMOUNT, "wHKD:victoriaBank": AMOUNT });
    });
  });

  describe("invariant: the escrow never holds value no open lock covers", function () {
    it("holds exactly the sum of its Locked locks of each token after every lock, claim and refund of a mixed sequence", async function () {
      const f = await loadHtlcLedger();
      const { harbourBank, victoriaBank, kowloonDealer, peakAsset, lionRockBank } = f.participants;
      const now = await chainNow();
      const steps: LockTerms[] = [
        await lockTerms(f),
        await lockTerms(f, {
          sender: victoriaBank.signer,
          receiver: harbourBank.address,
          amount: 3n * AMOUNT,
          timelock: now + 2n * DAY,
        }),
        await lockTerms(f, {
          sender: kowloonDealer.signer,
          receiver: peakAsset.address,
          token: f.bondAddress,
          amount: 7n,
        }),
        await lockTerms(f, {
          sender: victoriaBank.signer,
          receiver: lionRockBank.address,
          token: f.bondAddress,
          amount: 40n,
          timelock: now + 2n * DAY,
        }),
        await lockTerms(f, { receiver: lionRockBank.address, amount: 1n, timelock: now + 3n * DAY }),
        // An investor cannot receive wCBDC: this one can only be refunded.
        await lockTerms(f, { receiver: peakAsset.address, amount: 2n * AMOUNT, timelock: now + 2n * DAY }),
      ];
      const ids: string[] = [];
      for (const [i, t] of steps.entries()) {
        ids.push(await locked(f, t));
        await expectEscrowCovered(f, `after lock ${i}`);
      }
      const cover = await escrowCover(f);
      expect([cover.wHKD.held, cover.bond.held]).to.deep.equal([AMOUNT + 3n * AMOUNT + 1n + 2n * AMOUNT, 47n]);

      // Claims before the time locks (one refused by the token: nothing moves).
      await mined(f.htlc.claim(ids[0], steps[0].secret));
      await expectEscrowCovered(f, "after claim 0");
      await mined(f.htlc.claim(ids[2], steps[2].secret));
      await expectEscrowCovered(f, "after claim 2");
      await expect(f.htlc.claim(ids[5], steps[5].secret)).to.be.revertedWithCustomError(f.wcbdc, "HolderNotWholesale");
      await expectEscrowCovered(f, "after the refused claim 5");

      // Refunds once the time locks pass; the last claim in time.
      await time.increaseTo(now + 2n * DAY);
      for (const i of [1, 3, 5]) {
        await mined(f.htlc.refund(ids[i]));
        await expectEscrowCovered(f, `after refund ${i}`);
      }
      await mined(f.htlc.claim(ids[4], steps[4].secret));
      await expectEscrowCovered(f, "after claim 4");
      expect(await escrowCover(f)).to.deep.equal({ wHKD: { held: 0n, locked: 0n }, bond: { held: 0n, locked: 0n } });
    });
  });
});
