import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  erc20Abi,
  isAddressEqual,
  keccak256,
  parseEventLogs,
  sha256,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";

import { SandboxError } from "../errors/base.js";

import { HashedTimelock__factory, IGovernmentBond__factory } from "../../typechain-types/index.js";

// ------------------------------------------------------------------------------ the contracts

/** contracts/crosschain/HashedTimelock.sol, from the generated bindings (a const ABI: viem types every call and event from it). */
const HTLC_ABI = HashedTimelock__factory.abi;
/** `IGovernmentBond`, for `nextEntitlementDate` (bonds only; other tokens have no such view). */
const BOND_ABI = IGovernmentBond__factory.abi;

/** `HashedTimelock.LockState`, in the contract's order (a test checks it against the compiled contract). */
export const LOCK_STATE = ["None", "Locked", "Claimed", "Refunded"] as const;
export type LockStateName = (typeof LOCK_STATE)[number];

/** The shortest time a lock must leave its receiver (`HashedTimelock.MIN_TIMELOCK`, 10 minutes; checked by a test). */
export const MIN_TIMELOCK = 600n;
/** How long before a bond's record date or maturity its lock must end (`HashedTimelock.ENTITLEMENT_MARGIN`, a day; checked by a test). */
export const ENTITLEMENT_MARGIN = 86_400n;

// ---------------------------------------------------------------------------------- the deal

/** One ledger as the coordinator sees it: a client to read and watch, the escrow, and the parties' wallets there. */
export interface ChainSide {
  readonly name: string;
  readonly publicClient: PublicClient;
  readonly htlc: Address;
  /** Wallet clients of the parties acting on this chain, by address. */
  readonly wallets: ReadonlyMap<Address, WalletClient>;
}

/** What moves on one chain: `amount` of `token` from its sender to its receiver. */
export interface Leg {
  readonly token: Address;
  readonly amount: bigint;
}

/**
 * A cross-chain DvP or PvP agreed off chain. The initiator knows the secret and locks first, on its
 * chain, the leg it delivers; the responder then locks its leg on the other chain.
 */
export interface Deal {
  /** A unique name both parties agreed, e.g. "DVP-03GB2911-0001"; the secret is derived from it. */
  readonly id: string;
  readonly initiator: Address;
  readonly responder: Address;
  /** Delivered by the initiator to the responder on the initiator's chain. */
  readonly initiatorLeg: Leg;
  /** Delivered by the responder to the initiator on the responder's chain. */
  readonly responderLeg: Leg;
  /** How long the initiator's lock lasts from when it is made (seconds). */
  readonly initiatorTimeout: bigint;
  /**
   * How much earlier the responder's lock must end than the initiator's (seconds). The initiator
   * reveals the secret at the latest when the responder's lock ends; the margin is the time the
   * responder then has to see the secret and claim on the initiator's chain before that lock ends:
   * it must cover watching, submitting, block confirmation and any clock difference between the chains.
   */
  readonly safetyMargin: bigint;
}

/** Behaviour switches, to play failure variants: a party that never acts. */
export interface Conduct {
  readonly responderLocks?: boolean;
  readonly initiatorReveals?: boolean;
  readonly responderClaims?: boolean;
}

/** A party to the deal. */
export type Side = "initiator" | "responder";

/**
 * One party's lock as its escrow shows it. A lock the escrow does not hold (`LockState.None`) is no
 * lock: the read part reports it as absent. A claimed lock carries the preimage its `Claimed` event made public.
 */
export type LockView =
  | { readonly lockId: Hex; readonly timelock: bigint; readonly state: "Locked"; readonly preimage?: undefined }
  | { readonly lockId: Hex; readonly timelock: bigint; readonly state: "Claimed"; readonly preimage: Hex }
  | { readonly lockId: Hex; readonly timelock: bigint; readonly state: "Refunded"; readonly preimage?: undefined };

/** What both chains say about a deal: everything `decide` knows. */
export interface DealState {
  readonly hashlock: Hex;
  readonly initiatorLock?: LockView;
  readonly responderLock?: LockView;
  /** The latest block's time on the initiator's chain. */
  readonly initiatorNow: bigint;
  /** The latest block's time on the responder's chain. */
  readonly responderNow: bigint;
  /**
   * The initiator's leg token's next record date or maturity after `initiatorNow`
   * (`IGovernmentBond.nextEntitlementDate`); absent for a token that has none (money) or once the lock is made.
   */
  readonly initiatorLegEntitlementDate?: bigint;
  /** The same for the responder's leg token on its chain. */
  readonly responderLegEntitlementDate?: bigint;
}

// ---------------------------------------------------------------------------------- decide

/** Why there is nothing to do now: a stable code, worded by whoever shows it. */
export type WaitReason =
  /** Only the responder has locked: not a deal this coordinator starts; it never acts on it. */
  | "responder-locked-first"
  /** The initiator's lock was claimed or refunded before the responder locked: nothing to lock against. */
  | "initiator-lock-closed"
  /** The responder does not lock (conduct); the initiator's lock is refunded when it expires. */
  | "responder-withholds-lock"
  /** The initiator does not reveal its secret (conduct); both locks are refunded as they expire. */
  | "initiator-withholds-secret"
  /**
   * The initiator's lock has less than the safety margin left on its chain: a secret revealed now
   * might leave the responder too little time to use it (the chains' clocks differ), so the
   * initiator does not reveal; both locks are refunded as they expire.
   */
  | "too-late-to-reveal"
  /** The responder does not claim with the revealed secret (conduct). */
  | "responder-withholds-claim"
  /** The responder's lock was refunded; the initiator's is refunded when it expires. */
  | "initiator-timelock"
  /** The initiator's lock is closed; the responder's is refunded when it expires. */
  | "responder-timelock"
  /** Both locks are closed (claimed or refunded): nothing is left to do. */
  | "ended";

/** What the chains call for next; `decide` computes it, `HtlcCoordinator.act` carries it out. */
export type Decision =
  | { readonly kind: "wait"; readonly reason: WaitReason }
  /** `by` locks its leg on its own chain until `timelock`. */
  | { readonly kind: "lock"; readonly by: Side; readonly timelock: bigint }
  /** The initiator claims the responder's lock on the responder's chain with its secret, revealing it. */
  | { readonly kind: "claim"; readonly by: "initiator"; readonly lockId: Hex }
  /** The responder claims the initiator's lock on the initiator's chain with the revealed secret. */
  | { readonly kind: "claim"; readonly by: "responder"; readonly lockId: Hex; readonly preimage: Hex }
  /** `by`'s own lock, expired, is returned to it on its own chain. */
  | { readonly kind: "refund"; readonly by: Side; readonly lockId: Hex }
  /** `by` will not lock: the lock would end at `timelock`, not after `earliest` (now + `MIN_TIMELOCK`). */
  | { readonly kind: "unsafe-timelock"; readonly by: Side; readonly timelock: bigint; readonly earliest: bigint }
  /** `by` will not lock: its bond leg would sit in escrow over, or within `ENTITLEMENT_MARGIN` of, an entitlement date. */
  | { readonly kind: "spans-entitlement-date"; readonly by: Side; readonly token: Address; readonly entitlementDate: bigint; readonly timelock: bigint };

/** A lock by `by` until `timelock`, unless it would be too short or hold a bond over an entitlement date. */
function lockOrRefuse(by: Side, timelock: bigint, now: bigint, token: Address, entitlementDate: bigint | undefined): Decision {
  const earliest = now + MIN_TIMELOCK;
  if (timelock <= earliest) return { kind: "unsafe-timelock", by, timelock, earliest };
  if (entitlementDate !== undefined && entitlementDate < timelock + ENTITLEMENT_MARGIN) {
    return { kind: "spans-entitlement-date", by, token, entitlementDate, timelock };
  }
  return { kind: "lock", by, timelock };
}

/**
 * The one next action of a deal, from what both chains show — a pure function of the deal's state,
 * the deal's terms and the parties' conduct, so every case is tested without a chain.
 * - nothing locked: the initiator locks for `initiatorTimeout`;
 * - only the initiator's lock: refund it once expired; otherwise the responder locks, ending one
 *   safety margin earlier;
 * - either lock (responder's first) still locked and expired on its chain: refund it;
 * - both locked: the initiator claims the responder's lock, revealing the secret, while its own
 *   lock has at least the safety margin left;
 * - the responder's lock claimed: the responder claims the initiator's lock with the revealed secret;
 * - anything else: wait, saying why.
 * A lock that would leave less than `MIN_TIMELOCK`, or hold a bond over (or within
 * `ENTITLEMENT_MARGIN` of) its next record date or maturity, is refused instead of made.
 *
 * @example
 * decide({ hashlock, initiatorNow: t, responderNow: t }, deal) // { kind: "lock", by: "initiator", timelock: t + deal.initiatorTimeout }
 */
export function decide(s: DealState, deal: Deal, conduct: Conduct = {}): Decision {
  const i = s.initiatorLock;
  const r = s.responderLock;
  const wait = (reason: WaitReason): Decision => ({ kind: "wait", reason });

  if (i === undefined) {
    if (r !== undefined) return wait("responder-locked-first");
    return lockOrRefuse("initiator", s.initiatorNow + deal.initiatorTimeout, s.initiatorNow, deal.initiatorLeg.token, s.initiatorLegEntitlementDate);
  }
  const initiatorExpired = i.state === "Locked" && s.initiatorNow >= i.timelock;
  if (r === undefined) {
    if (i.state !== "Locked") return wait("initiator-lock-closed");
    if (initiatorExpired) return { kind: "refund", by: "initiator", lockId: i.lockId };
    if (conduct.responderLocks === false) return wait("responder-withholds-lock");
    return lockOrRefuse("responder", i.timelock - deal.safetyMargin, s.responderNow, deal.responderLeg.token, s.responderLegEntitlementDate);
  }
  if (r.state === "Locked" && s.responderNow >= r.timelock) return { kind: "refund", by: "responder", lockId: r.lockId };
  if (initiatorExpired) return { kind: "refund", by: "initiator", lockId: i.lockId };
  if (r.state === "Locked") {
    if (i.state !== "Locked") return wait("responder-timelock");
    if (conduct.initiatorReveals === false) return wait("initiator-withholds-secret");
    if (i.timelock - s.initiatorNow < deal.safetyMargin) return wait("too-late-to-reveal");
    return { kind: "claim", by: "initiator", lockId: r.lockId };
  }
  if (i.state !== "Locked") return wait("ended");
  if (r.state === "Refunded") return wait("initiator-timelock");
  if (conduct.responderClaims === false) return wait("responder-withholds-claim");
  return { kind: "claim", by: "responder", lockId: i.lockId, preimage: r.preimage };
}

/**
 * The outcome the chains show: settled both ways; refunded (every lock made returned); one-sided
 * (both locks closed, one claimed and one refunded: one party has both legs — what the safety margin
 * exists to prevent); or still under way.
 */
export type DealOutcome = "settled" | "refunded" | "one-sided" | "in progress";

/** What the chains show a deal has come to (pure). */
export function dealOutcome(state: Pick<DealState, "initiatorLock" | "responderLock">): DealOutcome {
  const i = state.initiatorLock?.state;
  const r = state.responderLock?.state;
  if (i === "Claimed" && r === "Claimed") return "settled";
  if (i === "Refunded" && (r === undefined || r === "Refunded")) return "refunded";
  if ((i === "Claimed" && r === "Refunded") || (i === "Refunded" && r === "Claimed")) return "one-sided";
  return "in progress";
}

// ---------------------------------------------------------------------------------- errors

const AT = (t: bigint): string => `unix time ${t}`;

/** A party will not lock: the lock would leave its receiver less than the escrow's `MIN_TIMELOCK`. */
export class UnsafeTimelockError extends SandboxError {
  override name = "UnsafeTimelockError";
  constructor(
    readonly by: Side,
    readonly timelock: bigint,
    readonly earliest: bigint,
    readonly safetyMargin: bigint,
  ) {
    super(
      by === "responder"
        ? `the responder will not lock: its lock would end at ${AT(timelock)} (the initiator's lock less the ${safetyMargin}s safety margin), not after ${AT(earliest)} (now plus the escrow's ${MIN_TIMELOCK}s minimum); agree a longer initiator timeout or a shorter safety margin`
        : `the initiator will not lock: its lock would end at ${AT(timelock)}, not after ${AT(earliest)} (now plus the escrow's ${MIN_TIMELOCK}s minimum); agree an initiator timeout longer than ${MIN_TIMELOCK}s`,
    );
  }
}

/**
 * A bond leg would sit in escrow over, or within a day of, one of the bond's entitlement dates (a
 * record date or its maturity): the escrow could end up holder of record, or the lock unclaimable.
 * The escrow refuses such a lock too (`LockSpansEntitlementDate`); the coordinator refuses first.
 */
export class LockSpansEntitlementDateError extends SandboxError {
  override name = "LockSpansEntitlementDateError";
  constructor(
    readonly token: Address,
    readonly entitlementDate: bigint,
    readonly timelock: bigint,
  ) {
    super(
      `the lock of ${token} would last until ${AT(timelock)}, within a day of the bond's record date or maturity at ${AT(entitlementDate)}; lock for a shorter time or after that date`,
    );
  }
}

/** The escrow reports a `LockState` this coordinator does not know: its bindings are older than the contract. */
export class UnknownLockStateError extends SandboxError {
  override name = "UnknownLockStateError";
  constructor(
    readonly chain: string,
    readonly lockId: Hex,
    readonly state: number,
  ) {
    super(`the escrow on ${chain} reports state ${state} for lock ${lockId}, which this coordinator does not know; rebuild the bindings (npx hardhat build)`);
  }
}

/** A transaction the coordinator sent was mined but reverted. */
export class CoordinatorTransactionRevertedError extends SandboxError {
  override name = "CoordinatorTransactionRevertedError";
  constructor(
    readonly chain: string,
    readonly hash: Hex,
  ) {
    super(`transaction ${hash} on ${chain} reverted; read both chains again (a restarted coordinator does) and retry`);
  }
}

// --------------------------------------------------------------------------- the coordinator

/** A transaction the coordinator sent. */
export type ActionKind = "lock" | "claim" | "refund";

/** Legacy labels of the actions (kept for callers that print them; word `kind` and `by` instead). */
export type ActionName =
  | "initiator locks"
  | "responder locks"
  | "initiator claims (reveals the secret)"
  | "responder claims with the revealed secret"
  | "responder's lock refunded"
  | "initiator's lock refunded";

const ACTION_NAMES: Readonly<Record<ActionKind, Readonly<Record<Side, ActionName>>>> = {
  lock: { initiator: "initiator locks", responder: "responder locks" },
  claim: { initiator: "initiator claims (reveals the secret)", responder: "responder claims with the revealed secret" },
  refund: { initiator: "initiator's lock refunded", responder: "responder's lock refunded" },
};

/** What one coordinator step did: the transaction `by` sent on `chain`, and the lock it was about. */
export interface Action {
  readonly kind: ActionKind;
  readonly by: Side;
  /** @deprecated a label; word `kind` and `by` in the report instead. */
  readonly name: ActionName;
  /** The chain's name (`ChainSide.name`). */
  readonly chain: string;
  readonly hash: Hex;
  /** The lock made (read from the transaction's `Locked` event), claimed or refunded. */
  readonly lockId: Hex;
}

/** A call that reverted (the view is missing) or returned nothing (no contract there), as opposed to a transport failure. */
function isMissingView(error: unknown): boolean {
  return error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError) !== null;
}

/**
 * Drives a hashed time-lock DvP/PvP across two chains. It keeps no state of its own: every `step`
 * reads both chains (`state`), decides the one next action from what they show (`decide`), and
 * takes it (`act`), so it can be stopped and restarted at any point and never acts twice (the
 * escrows refuse a second claim or refund anyway). The secret is re-derived on demand from the
 * initiator's signature over the deal id, so nothing needs storing.
 *
 * @example
 * const coordinator = new HtlcCoordinator(deal, thaiChain, hongKongChain);
 * const actions = await coordinator.run(); // lock, lock, claim, claim
 * dealOutcome(await coordinator.state()); // "settled"
 */
export class HtlcCoordinator {
  constructor(
    readonly deal: Deal,
    readonly initiatorChain: ChainSide,
    readonly responderChain: ChainSide,
    readonly conduct: Conduct = {},
  ) {}

  /** The secret: SHA-256 preimage, from the initiator's (deterministic) signature over the deal id. */
  async secret(): Promise<Hex> {
    const wallet = this.wallet(this.initiatorChain, this.deal.initiator);
    const signature = await wallet.signMessage({ account: this.deal.initiator, message: `HTLC secret for deal ${this.deal.id}` });
    return keccak256(signature);
  }

  async hashlock(): Promise<Hex> {
    return sha256(await this.secret());
  }

  /** What the chains show the deal has come to (`dealOutcome`). */
  static outcome(state: DealState): DealOutcome {
    return dealOutcome(state);
  }

  /** Takes the one next action the chains call for, or returns undefined when there is none now: read, decide, act. */
  async step(): Promise<Action | undefined> {
    const s = await this.state();
    return this.act(decide(s, this.deal, this.conduct), s.hashlock);
  }

  /** Steps until nothing more can be done now; returns the actions taken. */
  async run(): Promise<Action[]> {
    const actions: Action[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const action = await this.step();
      if (action === undefined) break;
      actions.push(action);
    }
    return actions;
  }

  // ------------------------------------------------------------------------------- read

  /** Reads the deal's state from both chains; sends nothing. */
  async state(): Promise<DealState> {
    const hashlock = await this.hashlock();
    const { deal } = this;
    const [initiator, responder] = await Promise.all([
      this.readSide(this.initiatorChain, deal.initiator, deal.responder, deal.initiatorLeg, hashlock),
      this.readSide(this.responderChain, deal.responder, deal.initiator, deal.responderLeg, hashlock),
    ]);
    return {
      hashlock,
      initiatorNow: initiator.now,
      responderNow: responder.now,
      ...(initiator.lock === undefined ? {} : { initiatorLock: initiator.lock }),
      ...(responder.lock === undefined ? {} : { responderLock: responder.lock }),
      ...(initiator.entitlementDate === undefined ? {} : { initiatorLegEntitlementDate: initiator.entitlementDate }),
      ...(responder.entitlementDate === undefined ? {} : { responderLegEntitlementDate: responder.entitlementDate }),
    };
  }

  /** One party's side of the deal on its chain: the chain's time, its lock, and (while it has none) its leg's next entitlement date. */
  private async readSide(
    chain: ChainSide,
    sender: Address,
    receiver: Address,
    leg: Leg,
    hashlock: Hex,
  ): Promise<{ now: bigint; lock?: LockView; entitlementDate?: bigint }> {
    const [now, lock] = await Promise.all([this.now(chain), this.findLock(chain, sender, receiver, leg, hashlock)]);
    if (lock !== undefined) return { now, lock };
    return { now, entitlementDate: await this.nextEntitlementDate(chain, leg.token, now) };
  }

  private async now(chain: ChainSide): Promise<bigint> {
    return (await chain.publicClient.getBlock({ blockTag: "latest" })).timestamp;
  }

  /** The lock `sender` made for `receiver` of `leg` under `hashlock`, found by its `Locked` event. */
  private async findLock(chain: ChainSide, sender: Address, receiver: Address, leg: Leg, hashlock: Hex): Promise<LockView | undefined> {
    const { publicClient, htlc } = chain;
    const logs = await publicClient.getContractEvents({ address: htlc, abi: HTLC_ABI, eventName: "Locked", args: { sender, receiver }, fromBlock: 0n, strict: true });
    const match = logs.find((l) => l.args.hashlock === hashlock && isAddressEqual(l.args.token, leg.token) && l.args.amount === leg.amount);
    if (match === undefined) return undefined;
    const { lockId } = match.args;
    const lock = await publicClient.readContract({ address: htlc, abi: HTLC_ABI, functionName: "getLock", args: [lockId] });
    const state = LOCK_STATE[lock.state];
    if (state === undefined) throw new UnknownLockStateError(chain.name, lockId, lock.state);
    switch (state) {
      case "None":
        return undefined;
      case "Locked":
      case "Refunded":
        return { lockId, timelock: lock.timelock, state };
      case "Claimed": {
        const claimed = await publicClient.getContractEvents({ address: htlc, abi: HTLC_ABI, eventName: "Claimed", args: { lockId }, fromBlock: 0n, strict: true });
        const preimage = claimed[0]?.args.preimage;
        if (preimage === undefined) throw new Error(`lock ${lockId} on ${chain.name} is claimed but its Claimed event is missing; is the node's log index complete?`);
        return { lockId, timelock: lock.timelock, state, preimage };
      }
    }
  }

  /** The token's next entitlement date after `now`, if it is a bond (a token without the view has none, as the escrow itself treats it). */
  private async nextEntitlementDate(chain: ChainSide, token: Address, now: bigint): Promise<bigint | undefined> {
    try {
      return await chain.publicClient.readContract({ address: token, abi: BOND_ABI, functionName: "nextEntitlementDate", args: [now] });
    } catch (error) {
      if (isMissingView(error)) return undefined;
      throw error;
    }
  }

  // -------------------------------------------------------------------------------- act

  /**
   * Carries out `decision`, and only that: sends its transactions (or throws the refusal it is);
   * returns undefined for `wait`. `hashlock` is the deal's, for a lock.
   */
  async act(decision: Decision, hashlock: Hex): Promise<Action | undefined> {
    const { deal } = this;
    switch (decision.kind) {
      case "wait":
        return undefined;
      case "unsafe-timelock":
        throw new UnsafeTimelockError(decision.by, decision.timelock, decision.earliest, deal.safetyMargin);
      case "spans-entitlement-date":
        throw new LockSpansEntitlementDateError(decision.token, decision.entitlementDate, decision.timelock);
      case "lock":
        return decision.by === "initiator"
          ? this.lock("initiator", this.initiatorChain, deal.initiator, deal.responder, deal.initiatorLeg, hashlock, decision.timelock)
          : this.lock("responder", this.responderChain, deal.responder, deal.initiator, deal.responderLeg, hashlock, decision.timelock);
      case "refund":
        return decision.by === "initiator"
          ? this.refund("initiator", this.initiatorChain, deal.initiator, decision.lockId)
          : this.refund("responder", this.responderChain, deal.responder, decision.lockId);
      case "claim":
        // The initiator claims the responder's lock with its secret; the responder claims the
        // initiator's lock with the secret the initiator revealed.
        return decision.by === "initiator"
          ? this.claim("initiator", this.responderChain, deal.initiator, decision.lockId, await this.secret())
          : this.claim("responder", this.initiatorChain, deal.responder, decision.lockId, decision.preimage);
    }
  }

  private wallet(chain: ChainSide, party: Address): WalletClient {
    const wallet = chain.wallets.get(party);
    if (wallet === undefined) throw new Error(`no wallet for ${party} on ${chain.name}; pass the party's address to chainSide`);
    return wallet;
  }

  private async lock(by: Side, chain: ChainSide, sender: Address, receiver: Address, leg: Leg, hashlock: Hex, timelock: bigint): Promise<Action> {
    const wallet = this.wallet(chain, sender);
    // Consent for this lock only: approve exactly the amount the escrow takes in the next transaction.
    await this.send(chain, wallet.writeContract({ address: leg.token, abi: erc20Abi, functionName: "approve", args: [chain.htlc, leg.amount], account: sender, chain: null }));
    const receipt = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "lock", args: [receiver, leg.token, leg.amount, hashlock, timelock], account: sender, chain: null }));
    const locked = parseEventLogs({ abi: HTLC_ABI, eventName: "Locked", logs: receipt.logs }).filter((l) => isAddressEqual(l.address, chain.htlc));
    const lockId = locked[0]?.args.lockId;
    if (locked.length !== 1 || lockId === undefined) {
      throw new Error(`the lock transaction ${receipt.transactionHash} on ${chain.name} emitted ${locked.length} Locked events from the escrow, not one`);
    }
    return this.action("lock", by, chain, receipt, lockId);
  }

  private async claim(by: Side, chain: ChainSide, sender: Address, lockId: Hex, preimage: Hex): Promise<Action> {
    const wallet = this.wallet(chain, sender);
    const receipt = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "claim", args: [lockId, preimage], account: sender, chain: null }));
    return this.action("claim", by, chain, receipt, lockId);
  }

  private async refund(by: Side, chain: ChainSide, sender: Address, lockId: Hex): Promise<Action> {
    const wallet = this.wallet(chain, sender);
    const receipt = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "refund", args: [lockId], account: sender, chain: null }));
    return this.action("refund", by, chain, receipt, lockId);
  }

  private action(kind: ActionKind, by: Side, chain: ChainSide, receipt: TransactionReceipt, lockId: Hex): Action {
    return { kind, by, name: ACTION_NAMES[kind][by], chain: chain.name, hash: receipt.transactionHash, lockId };
  }

  /** Waits for a sent transaction; throws if it reverted. */
  private async send(chain: ChainSide, sent: Promise<Hex>): Promise<TransactionReceipt> {
    const hash = await sent;
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new CoordinatorTransactionRevertedError(chain.name, hash);
    return receipt;
  }
}
