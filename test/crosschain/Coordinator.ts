import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers/types";
import { expect } from "chai";
import { network } from "hardhat";
import { BaseError, createPublicClient, custom, getAddress, isHex, keccak256, sha256, stringToBytes, type Address, type Hex } from "viem";

import {
  ENTITLEMENT_MARGIN,
  HtlcCoordinator,
  LOCK_STATE,
  LockSpansEntitlementDateError,
  MIN_TIMELOCK,
  UnsafeTimelockError,
  type Action,
  type ActionName,
  type ChainSide,
  type Conduct,
  type Deal,
  type DealState,
  type LockView,
} from "../../src/crosschain/coordinator.js";
import { chainSide, deployTwoChains, RECEIPT_POLLING_MS, type TwoChains } from "../../src/crosschain/two-chains.js";
import { CROSS_BORDER_PARTICIPANTS } from "../../src/domain/cross-border.js";
import type { LedgerConnection } from "../../src/chain/deploy.js";
import type { HashedTimelock } from "../../typechain-types/index.js";

/**
 * The Jasper–Ubin design on two in-process chains: the Hong Kong chain (the Hong Kong ledger with a
 * hashed time-locked escrow; Chao Phraya Bank admitted as a foreign commercial bank) and the Thai
 * chain (its own registry, THB wCBDC and escrow; Harbour Bank admitted as a foreign bank). The
 * stateless `HtlcCoordinator` drives a deal across both: the initiator, who knows the secret, locks
 * first with the longer time lock; the responder locks on the other chain with a time lock that ends
 * `safetyMargin` earlier; the initiator claims (revealing the secret) and the responder claims with it.
 *
 * Each test starts both chains from the same snapshot: Harbour Bank holds 100 green-bond units and
 * HKD 10,000,000.00 wHKD on the Hong Kong chain; Chao Phraya Bank holds THB 10,000,000.00 wTHB on the
 * Thai chain. FX at HKD/THB 4.5612 (the rate the sandbox's FX scenarios quote).
 */

const hk = await network.create();
const th = await network.create({ override: { chainId: 31338 } });

const HK_CHAIN = "Hong Kong chain";
const TH_CHAIN = "Thai chain";

/** Opening balances. */
const OPENING = {
  harbourBonds: 100n,
  harbourWhkd: 1_000_000_000n, // HKD 10,000,000.00
  chaoPhrayaWthb: 1_000_000_000n, // THB 10,000,000.00
} as const;

/** DvP: Chao Phraya Bank buys 10 green-bond units (HKD 500,000.00 face) for THB 2,280,600.00. */
const DVP = { units: 10n, thb: 228_060_000n } as const;
/** PvP: Harbour Bank sells HKD 1,000,000.00 to Chao Phraya Bank for THB 4,561,200.00. */
const PVP = { hkd: 100_000_000n, thb: 456_120_000n } as const;

/** Two hours for the initiator, the responder's lock one hour shorter. */
const TIMEOUT = 7_200n;
const MARGIN = 3_600n;

const SETTLED: readonly ActionName[] = [
  "initiator locks",
  "responder locks",
  "initiator claims (reveals the secret)",
  "responder claims with the revealed secret",
];

interface Pair {
  readonly chains: TwoChains;
  readonly harbour: Address;
  readonly chaoPhraya: Address;
  /** The same two keys, as ethers signers on each chain. */
  readonly signers: {
    readonly hk: { readonly harbour: HardhatEthersSigner; readonly chaoPhraya: HardhatEthersSigner };
    readonly th: { readonly harbour: HardhatEthersSigner; readonly chaoPhraya: HardhatEthersSigner };
  };
  readonly tokens: { readonly bond: Address; readonly wHKD: Address; readonly wTHB: Address };
  readonly escrows: { readonly hk: Address; readonly th: Address };
}

const CHAO_PHRAYA_ACCOUNT = CROSS_BORDER_PARTICIPANTS.find((p) => p.key === "chaoPhrayaBank")?.account ?? -1;

async function deployPair(): Promise<Pair> {
  const chains = await deployTwoChains(hk, th);
  const p = chains.hk.participants;
  const [hkSigners, thSigners] = await Promise.all([hk.ethers.getSigners(), th.ethers.getSigners()]);
  const harbour = getAddress(p.harbourBank.address);
  const chaoPhraya = chains.chaoPhrayaBank;
  expect(hkSigners[CHAO_PHRAYA_ACCOUNT].address).to.equal(chaoPhraya);
  expect(thSigners[p.harbourBank.account].address).to.equal(harbour);

  await (await chains.hk.bond.mint(harbour, OPENING.harbourBonds)).wait();
  await (await chains.hk.wcbdc.mint(harbour, OPENING.harbourWhkd)).wait();
  await (await chains.th.wTHB.mint(chaoPhraya, OPENING.chaoPhrayaWthb)).wait();

  return {
    chains,
    harbour,
    chaoPhraya,
    signers: {
      hk: { harbour: p.harbourBank.signer, chaoPhraya: hkSigners[CHAO_PHRAYA_ACCOUNT] },
      th: { harbour: thSigners[p.harbourBank.account], chaoPhraya: thSigners[CHAO_PHRAYA_ACCOUNT] },
    },
    tokens: {
      bond: getAddress(await chains.hk.bond.getAddress()),
      wHKD: getAddress(await chains.hk.wcbdc.getAddress()),
      wTHB: getAddress(await chains.th.wTHB.getAddress()),
    },
    escrows: {
      hk: getAddress(await chains.hk.htlc.getAddress()),
      th: getAddress(await chains.th.htlc.getAddress()),
    },
  };
}

let deployed: { readonly pair: Pair; readonly snapshots: readonly SnapshotRestorer[] } | undefined;

/** Deploys and funds both chains once, then restores both to that point for every test. */
async function loadPair(): Promise<Pair> {
  if (deployed === undefined) {
    const pair = await deployPair();
    deployed = { pair, snapshots: [await hk.networkHelpers.takeSnapshot(), await th.networkHelpers.takeSnapshot()] };
    return pair;
  }
  for (const snapshot of deployed.snapshots) await snapshot.restore();
  return deployed.pair;
}

// ------------------------------------------------------------------------------------- helpers

/** Fresh viem views of both chains, as a newly started coordinator process would make them. */
function sides(f: Pair): { readonly hk: ChainSide; readonly th: ChainSide } {
  const parties = [f.harbour, f.chaoPhraya];
  return {
    hk: chainSide(HK_CHAIN, hk, f.escrows.hk, parties),
    th: chainSide(TH_CHAIN, th, f.escrows.th, parties),
  };
}

/** DvP: Chao Phraya Bank (initiator, Thai chain) pays wTHB; Harbour Bank (responder, HK chain) delivers the bond. */
function dvpDeal(f: Pair, terms: Partial<Pick<Deal, "initiatorTimeout" | "safetyMargin">> = {}): Deal {
  return {
    id: "DVP-03GB2911-0001",
    initiator: f.chaoPhraya,
    responder: f.harbour,
    initiatorLeg: { token: f.tokens.wTHB, amount: DVP.thb },
    responderLeg: { token: f.tokens.bond, amount: DVP.units },
    initiatorTimeout: terms.initiatorTimeout ?? TIMEOUT,
    safetyMargin: terms.safetyMargin ?? MARGIN,
  };
}

/** A new coordinator of the DvP (the initiator's chain is the Thai chain), on fresh chain views. */
function dvpCoordinator(f: Pair, conduct: Conduct = {}, deal: Deal = dvpDeal(f)): HtlcCoordinator {
  const s = sides(f);
  return new HtlcCoordinator(deal, s.th, s.hk, conduct);
}

/** PvP: Harbour Bank (initiator, HK chain) delivers wHKD; Chao Phraya Bank (responder, Thai chain) pays wTHB. */
function pvpDeal(f: Pair): Deal {
  return {
    id: "PVP-HKDTHB-0001",
    initiator: f.harbour,
    responder: f.chaoPhraya,
    initiatorLeg: { token: f.tokens.wHKD, amount: PVP.hkd },
    responderLeg: { token: f.tokens.wTHB, amount: PVP.thb },
    initiatorTimeout: TIMEOUT,
    safetyMargin: MARGIN,
  };
}

function pvpCoordinator(f: Pair, conduct: Conduct = {}): HtlcCoordinator {
  const s = sides(f);
  return new HtlcCoordinator(pvpDeal(f), s.hk, s.th, conduct);
}

/** One token on one chain: who holds it among the deal's parties and the escrow, and its supply. */
interface Book {
  readonly harbour: bigint;
  readonly chaoPhraya: bigint;
  readonly escrow: bigint;
  readonly supply: bigint;
}

interface Books {
  readonly hk: Book;
  readonly th: Book;
}

interface Erc20View {
  balanceOf(account: string): Promise<bigint>;
  totalSupply(): Promise<bigint>;
}

async function bookOf(f: Pair, token: Erc20View, escrow: Address): Promise<Book> {
  const [harbour, chaoPhraya, held, supply] = await Promise.all([
    token.balanceOf(f.harbour),
    token.balanceOf(f.chaoPhraya),
    token.balanceOf(escrow),
    token.totalSupply(),
  ]);
  return { harbour, chaoPhraya, escrow: held, supply };
}

/** The deal's token on each chain: the bond (DvP) or wHKD (PvP) on the HK chain, wTHB on the Thai chain. */
async function books(f: Pair, hkToken: "bond" | "wHKD"): Promise<Books> {
  const token: Erc20View = hkToken === "bond" ? f.chains.hk.bond : f.chains.hk.wcbdc;
  return { hk: await bookOf(f, token, f.escrows.hk), th: await bookOf(f, f.chains.th.wTHB, f.escrows.th) };
}

const OPENING_DVP: Books = {
  hk: { harbour: OPENING.harbourBonds, chaoPhraya: 0n, escrow: 0n, supply: OPENING.harbourBonds },
  th: { harbour: 0n, chaoPhraya: OPENING.chaoPhrayaWthb, escrow: 0n, supply: OPENING.chaoPhrayaWthb },
};
const SETTLED_DVP: Books = {
  hk: { harbour: OPENING.harbourBonds - DVP.units, chaoPhraya: DVP.units, escrow: 0n, supply: OPENING.harbourBonds },
  th: { harbour: DVP.thb, chaoPhraya: OPENING.chaoPhrayaWthb - DVP.thb, escrow: 0n, supply: OPENING.chaoPhrayaWthb },
};
const OPENING_PVP: Books = {
  hk: { harbour: OPENING.harbourWhkd, chaoPhraya: 0n, escrow: 0n, supply: OPENING.harbourWhkd },
  th: OPENING_DVP.th,
};
const SETTLED_PVP: Books = {
  hk: { harbour: OPENING.harbourWhkd - PVP.hkd, chaoPhraya: PVP.hkd, escrow: 0n, supply: OPENING.harbourWhkd },
  th: { harbour: PVP.thb, chaoPhraya: OPENING.chaoPhrayaWthb - PVP.thb, escrow: 0n, supply: OPENING.chaoPhrayaWthb },
};

/**
 * Value conservation on each chain: the parties and the escrow together hold what they held before,
 * which is the whole supply (nothing created, destroyed or leaked to a third account); at the end of
 * a deal the escrow holds nothing.
 */
function expectConserved(before: Books, after: Books, options: { ended: boolean } = { ended: true }): void {
  for (const chain of ["hk", "th"] as const) {
    const sum = (b: Book): bigint => b.harbour + b.chaoPhraya + b.escrow;
    expect(sum(after[chain]), `${chain}: parties + escrow`).to.equal(sum(before[chain]));
    expect(after[chain].supply, `${chain}: supply`).to.equal(before[chain].supply);
    expect(sum(after[chain]), `${chain}: parties + escrow = supply`).to.equal(after[chain].supply);
    if (options.ended) expect(after[chain].escrow, `${chain}: escrow at the end`).to.equal(0n);
  }
}

function names(actions: readonly (Action | undefined)[]): (ActionName | undefined)[] {
  return actions.map((a) => a?.name);
}

function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

async function locks(co: HtlcCoordinator): Promise<{ state: DealState; initiator: LockView; responder: LockView }> {
  const state = await co.state();
  return {
    state,
    initiator: defined(state.initiatorLock, "the initiator's lock"),
    responder: defined(state.responderLock, "the responder's lock"),
  };
}

/** Moves `connection`'s clock to `timestamp` (a block is mined there), unless it is already past it. */
async function travelTo(connection: LedgerConnection, timestamp: bigint): Promise<void> {
  const now = BigInt(await connection.networkHelpers.time.latest());
  if (timestamp > now) await connection.networkHelpers.time.increaseTo(timestamp);
}

/** The error `promise` rejects with (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** The error `promise` rejects with, which must be a `type` (fails otherwise). */
async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await rejection(promise);
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

/** keccak-256 of a UTF-8 text (ethers' `id`). */
function keccakOfText(text: string): Hex {
  return keccak256(stringToBytes(text));
}

/** `value` checked to be hex (ethers' bindings type bytes32 as string). */
function hex(value: string): Hex {
  if (!isHex(value)) throw new Error(`expected hex, got ${value}`);
  return value;
}

/** The escrow's raw `LockState` number for `lockId`, as its name in `LOCK_STATE`. */
async function rawState(htlc: HashedTimelock, lockId: string): Promise<string | undefined> {
  return LOCK_STATE[Number((await htlc.getLock(lockId)).state)];
}

/** `Locked` events on `htlc` sent by `sender`. */
async function lockedBy(htlc: HashedTimelock, sender: Address): Promise<number> {
  return (await htlc.queryFilter(htlc.filters.Locked(undefined, sender))).length;
}

// --------------------------------------------------------------------------------------- tests

describe("HtlcCoordinator (cross-chain HTLC settlement, two in-process chains)", function () {
  this.timeout(120_000);

  it("runs two separate chains: the Hong Kong chain (31337) and the Thai chain (31338)", async function () {
    const f = await loadPair();
    expect(f.chains.hk.chainId).to.equal(31337n);
    expect(f.chains.th.chainId).to.equal(31338n);
    expect(await books(f, "bond")).to.deep.equal(OPENING_DVP);
    expect(await books(f, "wHKD")).to.deep.equal(OPENING_PVP);
    // The coordinator's copies of the escrow's constants.
    for (const htlc of [f.chains.hk.htlc, f.chains.th.htlc]) {
      expect(await htlc.MIN_TIMELOCK()).to.equal(MIN_TIMELOCK);
      expect(await htlc.ENTITLEMENT_MARGIN()).to.equal(ENTITLEMENT_MARGIN);
    }
  });

  it("reads each leg's next entitlement date: the bond's record date; none for wCBDC (no such view)", async function () {
    const f = await loadPair();
    const dvp = await dvpCoordinator(f).state();
    const now = BigInt(await hk.networkHelpers.time.latest());
    expect(dvp.responderLegEntitlementDate).to.equal(await f.chains.hk.bond.nextEntitlementDate(now));
    expect(dvp.responderLegEntitlementDate).to.equal(await f.chains.hk.bond.recordDate(0));
    expect(dvp).to.not.have.property("initiatorLegEntitlementDate");
    const pvp = await pvpCoordinator(f).state();
    expect(pvp).to.not.have.property("initiatorLegEntitlementDate");
    expect(pvp).to.not.have.property("responderLegEntitlementDate");
    // Once the lock is made, its date is no longer read.
    await dvpCoordinator(f).run();
    expect(await dvpCoordinator(f).state()).to.not.have.property("responderLegEntitlementDate");
  });

  it("a failing node is not taken for a token without entitlement dates: the read fails", async function () {
    const f = await loadPair();
    class Dropped extends Error {}
    const s = sides(f);
    // The Hong Kong chain's node drops every eth_call (the entitlement-date read); everything else goes through.
    const flaky: ChainSide = {
      ...s.hk,
      publicClient: createPublicClient({
        transport: custom({
          request: async (args: Parameters<typeof hk.provider.request>[0]) => {
            if (args.method === "eth_call") throw new Dropped("connection reset");
            return (await hk.provider.request(args)) as unknown;
          },
        }),
      }),
    };
    const error = await rejectionOf(new HtlcCoordinator(dvpDeal(f), s.th, flaky).state(), BaseError);
    expect(error.walk((e) => e instanceof Dropped)).to.be.instanceOf(Dropped);
  });

  it("a node with no receipt yet just after the send (anvil while it mines) is asked again within RECEIPT_POLLING_MS, not viem's 4 s", async function () {
    const f = await loadPair();
    // The Hong Kong chain's node answers "no receipt" to the first lookup of every transaction, as
    // anvil does for some tens of milliseconds once its chain holds a few hundred blocks.
    const lookups = new Map<string, number>();
    const lagging: LedgerConnection = {
      ...hk,
      provider: {
        ...hk.provider,
        request: async (args: Parameters<typeof hk.provider.request>[0]) => {
          if (args.method === "eth_getTransactionReceipt" && Array.isArray(args.params)) {
            const hash = String(args.params[0]);
            const seen = (lookups.get(hash) ?? 0) + 1;
            lookups.set(hash, seen);
            if (seen === 1) return null;
          }
          return (await hk.provider.request(args)) as unknown;
        },
      },
    };
    const parties = [f.harbour, f.chaoPhraya];
    const hkSide = chainSide(HK_CHAIN, lagging, f.escrows.hk, parties);
    // What the run waits between two lookups: the clients' interval (viem's default, 4,000 ms, cost
    // cross-chain-dvp 36 s of idle waiting on such an anvil).
    expect(RECEIPT_POLLING_MS).to.be.at.most(500);
    expect(hkSide.publicClient.pollingInterval).to.equal(RECEIPT_POLLING_MS);
    for (const wallet of hkSide.wallets.values()) expect(wallet.pollingInterval).to.equal(RECEIPT_POLLING_MS);

    expect(names(await new HtlcCoordinator(dvpDeal(f), sides(f).th, hkSide).run())).to.deep.equal(SETTLED);
    // All three Hong Kong transactions (the responder's approval and lock, the initiator's claim) were
    // missed once and found on a later lookup.
    expect(lookups.size).to.equal(3);
    for (const [hash, seen] of lookups) expect(seen, hash).to.be.at.least(2);
    expect(await books(f, "bond")).to.deep.equal(SETTLED_DVP);
  });

  it("the escrow's LockState numbers are LOCK_STATE's order: None, Locked, Claimed, Refunded", async function () {
    const f = await loadPair();
    expect(await rawState(f.chains.th.htlc, keccakOfText("no such lock"))).to.equal("None");
    const dvp = dvpCoordinator(f);
    const lock = await dvp.step();
    const lockId = defined(lock, "the initiator's lock").lockId;
    expect(await rawState(f.chains.th.htlc, lockId)).to.equal("Locked");
    await dvp.run();
    expect(await rawState(f.chains.th.htlc, lockId)).to.equal("Claimed");

    const pvp = pvpCoordinator(f, { responderLocks: false });
    const pvpLock = defined((await pvp.run())[0], "the PvP initiator's lock");
    const { initiatorLock } = await pvp.state();
    await travelTo(hk, defined(initiatorLock, "the PvP initiator's lock").timelock);
    expect((await pvp.run()).map((a) => a.kind)).to.deep.equal(["refund"]);
    expect(await rawState(f.chains.hk.htlc, pvpLock.lockId)).to.equal("Refunded");
  });

  describe("happy paths", function () {
    it("DvP: the bond on the Hong Kong chain against THB wCBDC on the Thai chain", async function () {
      const f = await loadPair();
      const before = await books(f, "bond");
      const co = dvpCoordinator(f);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("in progress");

      const actions = await co.run();
      expect(actions.map((a) => [a.name, a.chain])).to.deep.equal([
        ["initiator locks", TH_CHAIN],
        ["responder locks", HK_CHAIN],
        ["initiator claims (reveals the secret)", HK_CHAIN],
        ["responder claims with the revealed secret", TH_CHAIN],
      ]);
      expect(actions.map((a) => [a.kind, a.by])).to.deep.equal([
        ["lock", "initiator"],
        ["lock", "responder"],
        ["claim", "initiator"],
        ["claim", "responder"],
      ]);
      expect(new Set(actions.map((a) => a.hash)).size).to.equal(4);

      const { state, initiator, responder } = await locks(co);
      // Each action names the lock it made (from its Locked event) or opened.
      expect(actions.map((a) => a.lockId)).to.deep.equal([initiator.lockId, responder.lockId, responder.lockId, initiator.lockId]);
      expect(HtlcCoordinator.outcome(state)).to.equal("settled");
      expect([initiator.state, responder.state]).to.deep.equal(["Claimed", "Claimed"]);
      // Both locks were claimed with the one secret, public on both chains now.
      expect(initiator.preimage).to.equal(await co.secret());
      expect(responder.preimage).to.equal(await co.secret());
      expect(sha256(await co.secret())).to.equal(state.hashlock);

      const after = await books(f, "bond");
      expect(after).to.deep.equal(SETTLED_DVP);
      expectConserved(before, after);

      // Nothing left to do, for this coordinator or any other.
      expect(await co.step()).to.equal(undefined);
      expect(await dvpCoordinator(f).run()).to.deep.equal([]);
    });

    it("PvP: HKD wCBDC on the Hong Kong chain against THB wCBDC on the Thai chain", async function () {
      const f = await loadPair();
      expect(await f.chains.hk.registry.isEligible(f.chaoPhraya)).to.equal(true);
      const before = await books(f, "wHKD");

      const co = pvpCoordinator(f);
      const actions = await co.run();
      expect(actions.map((a) => [a.name, a.chain])).to.deep.equal([
        ["initiator locks", HK_CHAIN],
        ["responder locks", TH_CHAIN],
        ["initiator claims (reveals the secret)", TH_CHAIN],
        ["responder claims with the revealed secret", HK_CHAIN],
      ]);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("settled");

      const after = await books(f, "wHKD");
      expect(after).to.deep.equal(SETTLED_PVP);
      expectConserved(before, after);
      // The bond is untouched by the PvP.
      expect((await books(f, "bond")).hk).to.deep.equal(OPENING_DVP.hk);
    });

    it("respects the safety margin: the responder's lock ends exactly safetyMargin before the initiator's", async function () {
      const f = await loadPair();
      const co = dvpCoordinator(f);
      const [first, second] = [await co.step(), await co.step()];
      expect(names([first, second])).to.deep.equal(["initiator locks", "responder locks"]);

      const { state, initiator, responder } = await locks(co);
      const onThai = await f.chains.th.htlc.getLock(initiator.lockId);
      const onHk = await f.chains.hk.htlc.getLock(responder.lockId);
      expect(onThai.timelock).to.equal(initiator.timelock);
      expect(onHk.timelock).to.equal(responder.timelock);
      expect(onThai.timelock - onHk.timelock).to.equal(MARGIN);

      // The initiator's lock lasts `initiatorTimeout` from when it was made.
      const lockTx = await th.ethers.provider.getTransactionReceipt(defined(first, "the first action").hash);
      const lockBlock = await th.ethers.provider.getBlock(
        defined(lockTx ?? undefined, "the lock's receipt").blockNumber,
      );
      const lockedAt = BigInt(defined(lockBlock ?? undefined, "the lock's block").timestamp);
      expect(onThai.timelock - TIMEOUT).to.be.lte(lockedAt);
      expect(onThai.timelock - TIMEOUT).to.be.gte(lockedAt - 60n);

      // The same hash lock and the agreed terms on both chains.
      expect([onThai.sender, onThai.receiver, onThai.token, onThai.amount, onThai.hashlock]).to.deep.equal([
        f.chaoPhraya,
        f.harbour,
        f.tokens.wTHB,
        DVP.thb,
        state.hashlock,
      ]);
      expect([onHk.sender, onHk.receiver, onHk.token, onHk.amount, onHk.hashlock]).to.deep.equal([
        f.harbour,
        f.chaoPhraya,
        f.tokens.bond,
        DVP.units,
        state.hashlock,
      ]);

      // Mid-deal the escrows hold both legs; nothing is lost.
      const mid = await books(f, "bond");
      expect([mid.hk.escrow, mid.th.escrow]).to.deep.equal([DVP.units, DVP.thb]);
      expectConserved(OPENING_DVP, mid, { ended: false });
    });
  });

  describe("consent for one lock only (finding 3)", function () {
    it("the coordinator's approval to the escrow is exactly the leg amount (not unlimited), spent by the lock", async function () {
      const f = await loadPair();
      const { bond } = f.chains.hk;
      const { wTHB } = f.chains.th;
      const co = dvpCoordinator(f);
      expect(names([await co.step()])).to.deep.equal(["initiator locks"]);
      // The initiator's one approval on the Thai chain: the wTHB leg, and the lock spent all of it.
      const thApprovals = await wTHB.queryFilter(wTHB.filters.Approval(f.chaoPhraya, f.escrows.th));
      expect(thApprovals.map((e) => e.args.value)).to.deep.equal([DVP.thb]);
      expect(await wTHB.allowance(f.chaoPhraya, f.escrows.th)).to.equal(0n);

      expect(names([await co.step()])).to.deep.equal(["responder locks"]);
      const hkApprovals = await bond.queryFilter(bond.filters.Approval(f.harbour, f.escrows.hk));
      expect(hkApprovals.map((e) => e.args.value)).to.deep.equal([DVP.units]);
      expect(await bond.allowance(f.harbour, f.escrows.hk)).to.equal(0n);

      expect(names(await co.run())).to.deep.equal(SETTLED.slice(2));
      // No further approvals; no allowance left standing on either chain.
      expect(await wTHB.queryFilter(wTHB.filters.Approval(f.chaoPhraya, f.escrows.th))).to.have.length(1);
      expect(await bond.queryFilter(bond.filters.Approval(f.harbour, f.escrows.hk))).to.have.length(1);
      expect(await books(f, "bond")).to.deep.equal(SETTLED_DVP);
    });

    it("the PvP's wHKD approval is exactly the HKD leg", async function () {
      const f = await loadPair();
      const { wcbdc } = f.chains.hk;
      expect(names(await pvpCoordinator(f).run())).to.deep.equal(SETTLED);
      const approvals = await wcbdc.queryFilter(wcbdc.filters.Approval(f.harbour, f.escrows.hk));
      expect(approvals.map((e) => e.args.value)).to.deep.equal([PVP.hkd]);
      expect(await wcbdc.allowance(f.harbour, f.escrows.hk)).to.equal(0n);
    });
  });

  describe("a bond leg over the bond's record date (finding 6)", function () {
    /** Both chains' clocks moved to `timestamp`. */
    async function bothAt(timestamp: bigint): Promise<void> {
      await travelTo(hk, timestamp);
      await travelTo(th, timestamp);
    }

    /** Harbour Bank's transaction count and the latest block on each chain: unchanged if nothing was sent. */
    async function activity(f: Pair): Promise<bigint[]> {
      return [
        BigInt(await hk.ethers.provider.getTransactionCount(f.harbour)),
        BigInt(await hk.ethers.provider.getBlockNumber()),
        BigInt(await th.ethers.provider.getTransactionCount(f.chaoPhraya)),
        BigInt(await th.ethers.provider.getBlockNumber()),
      ];
    }

    it("finding 6: the responder's bond lock would span the record date: LockSpansEntitlementDateError, no approval and no lock sent; the initiator is refunded", async function () {
      const f = await loadPair();
      const { bond } = f.chains.hk;
      const recordDate = await bond.recordDate(0);
      expect(await bond.nextEntitlementDate(BigInt(await hk.networkHelpers.time.latest()))).to.equal(recordDate);
      // Half an hour before the record date: the initiator's two-hour lock is fine (it is wTHB)...
      await bothAt(recordDate - 1_800n);
      const co = dvpCoordinator(f);
      expect(names([await co.step()])).to.deep.equal(["initiator locks"]);
      const initiator = defined((await co.state()).initiatorLock, "the initiator's lock");

      // ...but the bond's lock, an hour shorter, would still end after the record date.
      const hkBefore = await activity(f);
      const spans = await rejectionOf(co.step(), LockSpansEntitlementDateError);
      const timelock = initiator.timelock - MARGIN;
      expect([spans.token, spans.entitlementDate, spans.timelock]).to.deep.equal([f.tokens.bond, recordDate, timelock]);
      expect(spans.name).to.equal("LockSpansEntitlementDateError");
      expect(spans.message).to.equal(
        `the lock of ${f.tokens.bond} would last until unix time ${timelock}, within a day of the bond's record date or maturity at unix time ${recordDate}; lock for a shorter time or after that date`,
      );
      // The escrow would have refused it with the same facts (asked by a call, not a transaction).
      await expect(
        f.chains.hk.htlc
          .connect(f.signers.hk.harbour)
          .lock.staticCall(f.chaoPhraya, f.tokens.bond, DVP.units, (await co.state()).hashlock, timelock),
      )
        .to.be.revertedWithCustomError(f.chains.hk.htlc, "LockSpansEntitlementDate")
        .withArgs(f.tokens.bond, recordDate, timelock);

      // The coordinator sent nothing for the bond leg: no approval, no lock, no transaction at all.
      expect(await activity(f)).to.deep.equal(hkBefore, "a transaction was sent");
      expect(await bond.queryFilter(bond.filters.Approval(f.harbour, f.escrows.hk))).to.have.length(0);
      expect(await bond.allowance(f.harbour, f.escrows.hk)).to.equal(0n);
      expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(0);
      // A restarted coordinator refuses the same way.
      expect(await rejection(dvpCoordinator(f).run())).to.be.instanceOf(LockSpansEntitlementDateError);
      expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(0);

      // The initiator's wTHB comes back at its time lock; the bond never left Harbour Bank.
      await bothAt(initiator.timelock);
      expect(names(await dvpCoordinator(f).run())).to.deep.equal(["initiator's lock refunded"]);
      const after = await books(f, "bond");
      expect(after).to.deep.equal(OPENING_DVP);
      expectConserved(OPENING_DVP, after);
    });

    it("finding 6: the initiator's own bond lock would span the record date: LockSpansEntitlementDateError before any transaction on either chain", async function () {
      const f = await loadPair();
      const recordDate = await f.chains.hk.bond.recordDate(0);
      // An hour more than ENTITLEMENT_MARGIN (a day) before the record date: a two-hour lock would end
      // within the margin; a 50-minute one ends a full day before it.
      await bothAt(recordDate - 86_400n - 3_600n);
      // Harbour Bank initiates, delivering the bond on the Hong Kong chain for wTHB on the Thai chain.
      const deal: Deal = {
        id: "DVP-03GB2911-0002",
        initiator: f.harbour,
        responder: f.chaoPhraya,
        initiatorLeg: { token: f.tokens.bond, amount: DVP.units },
        responderLeg: { token: f.tokens.wTHB, amount: DVP.thb },
        initiatorTimeout: TIMEOUT,
        safetyMargin: MARGIN,
      };
      const s = sides(f);
      const co = new HtlcCoordinator(deal, s.hk, s.th);
      const before = await activity(f);
      const error = await rejectionOf(co.step(), LockSpansEntitlementDateError);
      expect([error.token, error.entitlementDate]).to.deep.equal([f.tokens.bond, recordDate]);
      expect(await activity(f)).to.deep.equal(before, "a transaction was sent");
      expect(
        await f.chains.hk.bond.queryFilter(f.chains.hk.bond.filters.Approval(f.harbour, f.escrows.hk)),
      ).to.have.length(0);
      expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(0);
      expect((await co.state()).initiatorLock).to.equal(undefined);
      expect(await books(f, "bond")).to.deep.equal(OPENING_DVP);

      // With a timeout that ends a full margin before the record date, the same deal settles.
      const short = new HtlcCoordinator({ ...deal, initiatorTimeout: 3_000n, safetyMargin: 1_200n }, s.hk, s.th);
      expect(names(await short.run())).to.deep.equal(SETTLED);
      expect(await f.chains.hk.bond.balanceOf(f.chaoPhraya)).to.equal(DVP.units);
    });
  });

  describe("restart at any point: a new coordinator reads both chains and finishes, never acting twice", function () {
    for (let k = 0; k <= 4; k++) {
      it(`after ${k} step${k === 1 ? "" : "s"}, a new coordinator takes exactly the remaining ${4 - k} action${k === 3 ? "" : "s"}`, async function () {
        const f = await loadPair();
        const before = await books(f, "bond");
        const first = dvpCoordinator(f);
        const done: Action[] = [];
        for (let i = 0; i < k; i++) done.push(defined(await first.step(), `action ${i + 1}`));
        expect(names(done)).to.deep.equal(SETTLED.slice(0, k));
        // The first coordinator is thrown away; a new one, on new chain views, has only the deal.

        const second = dvpCoordinator(f);
        const rest = await second.run();
        expect(names(rest)).to.deep.equal(SETTLED.slice(k));
        expect(new Set([...done, ...rest].map((a) => a.hash)).size).to.equal(4);

        expect(HtlcCoordinator.outcome(await second.state())).to.equal("settled");
        const after = await books(f, "bond");
        expect(after).to.deep.equal(SETTLED_DVP);
        expectConserved(before, after);
        expect(await dvpCoordinator(f).run()).to.deep.equal([]);
      });
    }

    it("killed between its approval and its lock: a new coordinator locks once and settles", async function () {
      const f = await loadPair();
      // What the first coordinator did before it died: the initiator's approval of the Thai escrow.
      await (await f.chains.th.wTHB.connect(f.signers.th.chaoPhraya).approve(f.escrows.th, DVP.thb)).wait();
      expect(await lockedBy(f.chains.th.htlc, f.chaoPhraya)).to.equal(0);

      expect(names(await dvpCoordinator(f).run())).to.deep.equal(SETTLED);
      expect(await lockedBy(f.chains.th.htlc, f.chaoPhraya)).to.equal(1);
      expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(1);
      expect(await books(f, "bond")).to.deep.equal(SETTLED_DVP);
    });
  });

  describe("failure variants", function () {
    it("the responder never locks: after the initiator's timeout the initiator is refunded", async function () {
      const f = await loadPair();
      const before = await books(f, "bond");
      const co = dvpCoordinator(f, { responderLocks: false });
      expect(names(await co.run())).to.deep.equal(["initiator locks"]);
      expect(await co.step()).to.equal(undefined);
      const initiator = defined((await co.state()).initiatorLock, "the initiator's lock");
      expect((await co.state()).responderLock).to.equal(undefined);

      // Just before the time lock: nothing to do yet.
      await travelTo(th, initiator.timelock - 60n);
      expect(await co.step()).to.equal(undefined);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("in progress");

      await travelTo(th, initiator.timelock);
      const refund = await co.step();
      expect([refund?.name, refund?.chain]).to.deep.equal(["initiator's lock refunded", TH_CHAIN]);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("refunded");
      expect((await co.state()).initiatorLock?.state).to.equal("Refunded");

      const after = await books(f, "bond");
      expect(after).to.deep.equal(OPENING_DVP);
      expectConserved(before, after);
      // A willing responder arriving late does not lock against a refunded lock.
      expect(await dvpCoordinator(f).run()).to.deep.equal([]);
      expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(0);
    });

    it("the initiator never reveals: the responder is refunded at its timeout, the initiator at its own", async function () {
      const f = await loadPair();
      const before = await books(f, "bond");
      const co = dvpCoordinator(f, { initiatorReveals: false });
      expect(names(await co.run())).to.deep.equal(["initiator locks", "responder locks"]);
      expect(await co.step()).to.equal(undefined);
      const { initiator, responder } = await locks(co);

      // The responder's lock ends first: both clocks move there.
      await travelTo(th, responder.timelock);
      await travelTo(hk, responder.timelock);
      const first = await co.step();
      expect([first?.name, first?.chain]).to.deep.equal(["responder's lock refunded", HK_CHAIN]);
      // The initiator's lock still runs: nothing more to do, and no one can claim the refunded lock.
      expect(await co.step()).to.equal(undefined);
      expect(await dvpCoordinator(f).run()).to.deep.equal([]);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("in progress");
      const mid = await books(f, "bond");
      expect(mid.hk).to.deep.equal(OPENING_DVP.hk);
      expect(mid.th.escrow).to.equal(DVP.thb);
      expectConserved(before, mid, { ended: false });

      await travelTo(th, initiator.timelock);
      await travelTo(hk, initiator.timelock);
      const second = await co.step();
      expect([second?.name, second?.chain]).to.deep.equal(["initiator's lock refunded", TH_CHAIN]);
      expect(await co.step()).to.equal(undefined);

      const end = await locks(co);
      expect(HtlcCoordinator.outcome(end.state)).to.equal("refunded");
      expect([end.initiator.state, end.responder.state]).to.deep.equal(["Refunded", "Refunded"]);
      const after = await books(f, "bond");
      expect(after).to.deep.equal(OPENING_DVP);
      expectConserved(before, after);
    });

    it("the initiator's chain clock ahead by more than the margin: no reveal the responder could not use; both refunded", async function () {
      const f = await loadPair();
      const before = await books(f, "bond");
      const co = dvpCoordinator(f);
      expect(names([await co.step(), await co.step()])).to.deep.equal(SETTLED.slice(0, 2));
      const { responder, initiator } = await locks(co);

      // The Thai chain's clock has passed the initiator's lock; the Hong Kong chain's has not reached the responder's.
      await travelTo(th, initiator.timelock);
      await travelTo(hk, responder.timelock - 600n);
      const actions = await co.run();
      expect(actions.map((a) => [a.name, a.chain])).to.deep.equal([["initiator's lock refunded", TH_CHAIN]]);
      expect((await co.state()).responderLock?.state).to.equal("Locked");
      expect(await f.chains.hk.htlc.queryFilter(f.chains.hk.htlc.filters.Claimed())).to.have.length(0);

      await travelTo(hk, responder.timelock);
      expect(names(await dvpCoordinator(f).run())).to.deep.equal(["responder's lock refunded"]);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("refunded");
      const after = await books(f, "bond");
      expect(after).to.deep.equal(OPENING_DVP);
      expectConserved(before, after);
    });

    it("the initiator's chain clock ahead by less than the margin: the initiator's lock has less than the margin left, so no reveal; both refunded", async function () {
      const f = await loadPair();
      const co = dvpCoordinator(f);
      expect(names([await co.step(), await co.step()])).to.deep.equal(SETTLED.slice(0, 2));
      const { responder, initiator } = await locks(co);

      // Half a margin left on the Thai chain; the Hong Kong chain's responder lock has ten minutes to run.
      await travelTo(th, initiator.timelock - MARGIN / 2n);
      await travelTo(hk, responder.timelock - 600n);
      expect(await co.run()).to.deep.equal([]);
      expect(await f.chains.hk.htlc.queryFilter(f.chains.hk.htlc.filters.Claimed())).to.have.length(0);

      await travelTo(hk, responder.timelock);
      await travelTo(th, initiator.timelock);
      expect(names(await dvpCoordinator(f).run())).to.deep.equal(["responder's lock refunded", "initiator's lock refunded"]);
      expect(HtlcCoordinator.outcome(await co.state())).to.equal("refunded");
      const after = await books(f, "bond");
      expect(after).to.deep.equal(OPENING_DVP);
      expectConserved(OPENING_DVP, after);
    });

    it("an initiator timeout of MIN_TIMELOCK: the initiator refuses to lock (UnsafeTimelockError) and sends nothing", async function () {
      const f = await loadPair();
      const deal = dvpDeal(f, { initiatorTimeout: MIN_TIMELOCK });
      const thNow = BigInt(await th.networkHelpers.time.latest());
      const nonce = await th.ethers.provider.getTransactionCount(f.chaoPhraya);
      const error = await rejectionOf(dvpCoordinator(f, {}, deal).step(), UnsafeTimelockError);
      expect([error.by, error.timelock, error.earliest]).to.deep.equal(["initiator", thNow + MIN_TIMELOCK, thNow + MIN_TIMELOCK]);
      expect(error.message).to.equal(
        `the initiator will not lock: its lock would end at unix time ${thNow + MIN_TIMELOCK}, not after unix time ${thNow + MIN_TIMELOCK} (now plus the escrow's 600s minimum); agree an initiator timeout longer than 600s`,
      );
      expect(await th.ethers.provider.getTransactionCount(f.chaoPhraya)).to.equal(nonce);
      expect(await f.chains.th.wTHB.allowance(f.chaoPhraya, f.escrows.th)).to.equal(0n);
    });

    it("a wrong preimage is rejected; the right one then settles", async function () {
      const f = await loadPair();
      const before = await books(f, "bond");
      const co = dvpCoordinator(f, { initiatorReveals: false });
      await co.run();
      const { responder } = await locks(co);
      const htlc = f.chains.hk.htlc.connect(f.signers.hk.chaoPhraya);

      const wrong = keccakOfText("not the secret");
      await expect(htlc.claim(responder.lockId, wrong))
        .to.be.revertedWithCustomError(htlc, "WrongPreimage")
        .withArgs(responder.lockId);
      // Nor does the hash lock itself open the lock.
      const hashlock = (await co.state()).hashlock;
      await expect(htlc.claim(responder.lockId, hashlock))
        .to.be.revertedWithCustomError(htlc, "WrongPreimage")
        .withArgs(responder.lockId);
      expect((await co.state()).responderLock?.state).to.equal("Locked");
      expect(await books(f, "bond")).to.deep.equal({
        hk: { ...OPENING_DVP.hk, harbour: OPENING.harbourBonds - DVP.units, escrow: DVP.units },
        th: { ...OPENING_DVP.th, chaoPhraya: OPENING.chaoPhrayaWthb - DVP.thb, escrow: DVP.thb },
      });

      expect(names(await dvpCoordinator(f).run())).to.deep.equal(SETTLED.slice(2));
      const after = await books(f, "bond");
      expect(after).to.deep.equal(SETTLED_DVP);
      expectConserved(before, after);
    });

    it("a lock whose time lock ends before now + MIN_TIMELOCK is rejected", async function () {
      const f = await loadPair();
      const htlc = f.chains.th.htlc.connect(f.signers.th.chaoPhraya);
      await (await f.chains.th.wTHB.connect(f.signers.th.chaoPhraya).approve(f.escrows.th, DVP.thb)).wait();
      const hashlock = sha256(keccakOfText("a secret"));
      const at = BigInt(await th.networkHelpers.time.latest()) + 100n;

      await th.networkHelpers.time.setNextBlockTimestamp(at);
      await expect(htlc.lock(f.harbour, f.tokens.wTHB, DVP.thb, hashlock, at + 599n))
        .to.be.revertedWithCustomError(htlc, "TimelockTooShort")
        .withArgs(at + 599n, at + 600n);
      await expect(htlc.lock(f.harbour, f.tokens.wTHB, DVP.thb, hashlock, at - 1n)).to.be.revertedWithCustomError(
        htlc,
        "TimelockTooShort",
      );
      expect(await lockedBy(f.chains.th.htlc, f.chaoPhraya)).to.equal(0);

      // Exactly MIN_TIMELOCK is enough.
      await th.networkHelpers.time.setNextBlockTimestamp(at);
      await expect(htlc.lock(f.harbour, f.tokens.wTHB, DVP.thb, hashlock, at + 600n)).to.emit(htlc, "Locked");
      expect((await books(f, "bond")).th.escrow).to.equal(DVP.thb);
    });

    for (const { timeout, why } of [
      { timeout: 3_000n, why: "shorter than the safety margin" },
      { timeout: MARGIN, why: "equal to the safety margin" },
      { timeout: MARGIN + 300n, why: "longer than the margin by less than MIN_TIMELOCK" },
    ]) {
      it(`an initiator timeout ${why}: the responder refuses to lock (UnsafeTimelockError); the initiator refunds at its timeout`, async function () {
        const f = await loadPair();
        const before = await books(f, "bond");
        const deal = dvpDeal(f, { initiatorTimeout: timeout });
        const co = dvpCoordinator(f, {}, deal);

        expect((await co.step())?.name).to.equal("initiator locks");
        const locked = defined((await co.state()).initiatorLock, "the initiator's lock");
        // The Hong Kong chain's clock at least at the Thai lock's time: after a fixture restore it can lag by
        // minutes, and the responder judges "now" by its own chain's latest block.
        await travelTo(hk, locked.timelock - timeout);
        const hkNow = BigInt(await hk.networkHelpers.time.latest());
        const error = await rejectionOf(co.step(), UnsafeTimelockError);
        const timelock = locked.timelock - MARGIN;
        expect([error.by, error.timelock, error.earliest, error.safetyMargin]).to.deep.equal(["responder", timelock, hkNow + MIN_TIMELOCK, MARGIN]);
        expect(error.message).to.equal(
          `the responder will not lock: its lock would end at unix time ${timelock} (the initiator's lock less the 3600s safety margin), not after unix time ${hkNow + MIN_TIMELOCK} (now plus the escrow's 600s minimum); agree a longer initiator timeout or a shorter safety margin`,
        );
        // A restarted coordinator refuses just the same; the responder has locked nothing.
        expect(await rejection(dvpCoordinator(f, {}, deal).run())).to.be.instanceOf(UnsafeTimelockError);
        expect(await lockedBy(f.chains.hk.htlc, f.harbour)).to.equal(0);
        expect((await co.state()).responderLock).to.equal(undefined);
        expect((await books(f, "bond")).hk).to.deep.equal(OPENING_DVP.hk);

        const initiator = defined((await co.state()).initiatorLock, "the initiator's lock");
        await travelTo(th, initiator.timelock);
        await travelTo(hk, initiator.timelock);
        const refund = await co.step();
        expect([refund?.name, refund?.chain]).to.deep.equal(["initiator's lock refunded", TH_CHAIN]);
        expect(await co.run()).to.deep.equal([]);
        expect(HtlcCoordinator.outcome(await co.state())).to.equal("refunded");

        const after = await books(f, "bond");
        expect(after).to.deep.equal(OPENING_DVP);
        expectConserved(before, after);
      });
    }

    describe("the coordinator killed between the two claims", function () {
      /** Runs the deal until the initiator has claimed on the responder's chain, revealing the secret. */
      async function revealed(f: Pair): Promise<void> {
        const co = dvpCoordinator(f);
        const done = [await co.step(), await co.step(), await co.step()];
        expect(names(done)).to.deep.equal(SETTLED.slice(0, 3));
        const mid = await books(f, "bond");
        expect(mid.hk).to.deep.equal(SETTLED_DVP.hk);
        expect(mid.th.escrow).to.equal(DVP.thb);
        expectConserved(OPENING_DVP, mid, { ended: false });
      }

      it("the responder claims by itself with ethers, with the secret read from the Claimed event", async function () {
        const f = await loadPair();
        await revealed(f);

        // Harbour Bank, with no coordinator: the secret is public on the Hong Kong chain...
        const hkHtlc = f.chains.hk.htlc;
        const ourLock = (await hkHtlc.queryFilter(hkHtlc.filters.Locked(undefined, f.harbour, f.chaoPhraya))).map(
          (e) => e.args,
        );
        expect(ourLock).to.have.length(1);
        const claimed = await hkHtlc.queryFilter(hkHtlc.filters.Claimed(ourLock[0].lockId));
        expect(claimed).to.have.length(1);
        const preimage = hex(claimed[0].args.preimage);
        expect(sha256(preimage)).to.equal(ourLock[0].hashlock);

        // ... and opens Chao Phraya Bank's lock on the Thai chain, the one under the same hash lock.
        const thHtlc = f.chains.th.htlc.connect(f.signers.th.harbour);
        const theirs = (await thHtlc.queryFilter(thHtlc.filters.Locked(undefined, f.chaoPhraya, f.harbour))).filter(
          (e) => e.args.hashlock === ourLock[0].hashlock,
        );
        expect(theirs).to.have.length(1);
        await expect(thHtlc.claim(theirs[0].args.lockId, preimage))
          .to.emit(thHtlc, "Claimed")
          .withArgs(theirs[0].args.lockId, preimage);

        const co = dvpCoordinator(f);
        expect(HtlcCoordinator.outcome(await co.state())).to.equal("settled");
        expect(await co.run()).to.deep.equal([]);
        const after = await books(f, "bond");
        expect(after).to.deep.equal(SETTLED_DVP);
        expectConserved(OPENING_DVP, after);
      });

      it("a fresh coordinator finishes it with the responder's claim alone", async function () {
        const f = await loadPair();
        await revealed(f);
        const co = dvpCoordinator(f);
        const rest = await co.run();
        expect(rest.map((a) => [a.name, a.chain])).to.deep.equal([
          ["responder claims with the revealed secret", TH_CHAIN],
        ]);
        expect(HtlcCoordinator.outcome(await co.state())).to.equal("settled");
        const after = await books(f, "bond");
        expect(after).to.deep.equal(SETTLED_DVP);
        expectConserved(OPENING_DVP, after);
      });

      it("the secret revealed at the last moment still leaves the responder the safety margin to claim", async function () {
        const f = await loadPair();
        const co = dvpCoordinator(f, { responderClaims: false });
        expect(names([await co.step(), await co.step()])).to.deep.equal(SETTLED.slice(0, 2));
        const { initiator, responder } = await locks(co);

        // The initiator claims just before the responder's lock ends...
        await travelTo(hk, responder.timelock - 30n);
        await travelTo(th, responder.timelock - 30n);
        expect(names(await co.run())).to.deep.equal(["initiator claims (reveals the secret)"]);

        // ... and the responder, having missed its own lock's end, still claims inside the margin.
        await travelTo(hk, initiator.timelock - 60n);
        await travelTo(th, initiator.timelock - 60n);
        expect(names(await dvpCoordinator(f).run())).to.deep.equal(["responder claims with the revealed secret"]);
        expect(HtlcCoordinator.outcome(await co.state())).to.equal("settled");
        const after = await books(f, "bond");
        expect(after).to.deep.equal(SETTLED_DVP);
        expectConserved(OPENING_DVP, after);
      });
    });
  });
});
