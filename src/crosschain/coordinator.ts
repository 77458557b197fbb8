import { keccak256, sha256, type Address, type Hex, type PublicClient, type WalletClient } from "viem";

import { ENTITLEMENT_DATES_ABI, ERC20_APPROVE_ABI, HTLC_ABI, LOCK_STATE, type LockStateName } from "./htlc-abi.js";

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

export interface LockView {
  readonly lockId: Hex;
  readonly timelock: bigint;
  readonly state: LockStateName;
  readonly preimage?: Hex;
}

/** What both chains say about a deal: everything the coordinator knows. */
export interface DealState {
  readonly hashlock: Hex;
  readonly initiatorLock?: LockView;
  readonly responderLock?: LockView;
  readonly initiatorNow: bigint;
  readonly responderNow: bigint;
}

export type ActionName =
  | "initiator locks"
  | "responder locks"
  | "initiator claims (reveals the secret)"
  | "responder claims with the revealed secret"
  | "responder's lock refunded"
  | "initiator's lock refunded";

export interface Action {
  readonly name: ActionName;
  readonly chain: string;
  readonly hash: Hex;
}

/** The outcome the chains show: settled both ways, refunded, or still under way. */
export type DealOutcome = "settled" | "refunded" | "in progress";

/** The responder will not lock: the initiator's lock leaves too little time for the margin. */
export class UnsafeTimelockError extends Error {
  override readonly name = "UnsafeTimelockError";
}

/**
 * A bond leg would sit in escrow over, or within a day of, one of the bond's entitlement dates (a
 * record date or its maturity): the escrow could end up holder of record, or the lock unclaimable.
 * The escrow refuses such a lock too (`LockSpansEntitlementDate`); the coordinator refuses first.
 */
export class LockSpansEntitlementDateError extends Error {
  override readonly name = "LockSpansEntitlementDateError";
  constructor(
    readonly token: Address,
    readonly entitlementDate: bigint,
    readonly timelock: bigint,
  ) {
    super(
      `the lock of ${token} would last until ${timelock}, within a day of the bond's record date or maturity at ${entitlementDate}; lock for a shorter time or after that date`,
    );
  }
}

/** What the chains call for next; `decide` computes it, `HtlcCoordinator.step` carries it out. */
export type Decision =
  | { readonly kind: "wait"; readonly why: string }
  | { readonly kind: "unsafe"; readonly why: string }
  | { readonly kind: "lock"; readonly name: ActionName; readonly side: "initiator" | "responder"; readonly timelock: bigint }
  | { readonly kind: "refund"; readonly name: ActionName; readonly side: "initiator" | "responder"; readonly lockId: Hex }
  | { readonly kind: "claim"; readonly name: "initiator claims (reveals the secret)"; readonly by: "initiator"; readonly lockId: Hex }
  | { readonly kind: "claim"; readonly name: "responder claims with the revealed secret"; readonly by: "responder"; readonly lockId: Hex; readonly preimage: Hex };

/** The shortest time a lock must leave its receiver (HashedTimelock.MIN_TIMELOCK, 10 minutes). */
const MIN_TIMELOCK = 600n;
/** How long before a bond's record date or maturity its lock must end (HashedTimelock.ENTITLEMENT_MARGIN, a day). */
const ENTITLEMENT_MARGIN = 86_400n;

/**
 * The one next action of a deal, from what both chains show — a pure function of the deal's state,
 * the deal's terms and the parties' conduct, so every case is tested without a chain.
 * - nothing locked: the initiator locks for `initiatorTimeout`;
 * - only the initiator's lock: refund it once expired; otherwise the responder locks, ending one
 *   safety margin earlier — or refuses (`unsafe`) if that leaves less than `MIN_TIMELOCK`;
 * - both locked: refund whichever lock has expired (responder's first); otherwise the initiator
 *   claims the responder's lock, revealing the secret;
 * - the responder's lock claimed: the responder claims the initiator's lock with the revealed
 *   secret, unless that lock has expired (then it is refunded);
 * - anything else: wait.
 */
export function decide(s: DealState, deal: Deal, conduct: Conduct = {}): Decision {
  const i = s.initiatorLock;
  const r = s.responderLock;
  const refundInitiator = (lockId: Hex): Decision => ({ kind: "refund", name: "initiator's lock refunded", side: "initiator", lockId });

  if (i === undefined) {
    if (r !== undefined) return { kind: "wait", why: "the responder locked first: not a deal this coordinator starts" };
    return { kind: "lock", name: "initiator locks", side: "initiator", timelock: s.initiatorNow + deal.initiatorTimeout };
  }
  if (r === undefined) {
    if (i.state !== "Locked") return { kind: "wait", why: `the initiator's lock is ${i.state}` };
    if (s.initiatorNow >= i.timelock) return refundInitiator(i.lockId);
    if (conduct.responderLocks === false) return { kind: "wait", why: "the responder does not lock" };
    const timelock = i.timelock - deal.safetyMargin;
    if (timelock <= s.responderNow + MIN_TIMELOCK) {
      return { kind: "unsafe", why: `the initiator's lock ends too soon for a ${deal.safetyMargin}s safety margin; the responder will not lock` };
    }
    return { kind: "lock", name: "responder locks", side: "responder", timelock };
  }
  if (r.state === "Locked") {
    if (s.responderNow >= r.timelock) return { kind: "refund", name: "responder's lock refunded", side: "responder", lockId: r.lockId };
    if (i.state === "Locked" && s.initiatorNow >= i.timelock) return refundInitiator(i.lockId);
    // Reveal only while the responder can still use the secret on the initiator's chain (the
    // chains' clocks may differ by more than the margin); otherwise both sides are refunded.
    if (i.state !== "Locked") return { kind: "wait", why: `the initiator's lock is ${i.state}` };
    if (conduct.initiatorReveals === false) return { kind: "wait", why: "the initiator does not reveal its secret" };
    return { kind: "claim", name: "initiator claims (reveals the secret)", by: "initiator", lockId: r.lockId };
  }
  if (i.state === "Locked") {
    if (s.initiatorNow >= i.timelock) return refundInitiator(i.lockId);
    if (r.state === "Claimed" && r.preimage !== undefined && conduct.responderClaims !== false) {
      return { kind: "claim", name: "responder claims with the revealed secret", by: "responder", lockId: i.lockId, preimage: r.preimage };
    }
  }
  return { kind: "wait", why: "nothing to do now" };
}

/**
 * Drives a hashed time-lock DvP/PvP across two chains. It keeps no state of its own: every `step`
 * reads both chains, decides the one next action from what they show (`decide`), and takes it, so it can be
 * stopped and restarted at any point and never acts twice (the escrows refuse a second claim or
 * refund anyway). The secret is re-derived on demand from the initiator's signature over the deal
 * id, so nothing needs storing.
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

  /** Reads the deal's state from both chains. */
  async state(): Promise<DealState> {
    const hashlock = await this.hashlock();
    const [initiatorLock, responderLock, initiatorNow, responderNow] = await Promise.all([
      this.findLock(this.initiatorChain, this.deal.initiator, this.deal.responder, this.deal.initiatorLeg, hashlock),
      this.findLock(this.responderChain, this.deal.responder, this.deal.initiator, this.deal.responderLeg, hashlock),
      this.now(this.initiatorChain),
      this.now(this.responderChain),
    ]);
    return { hashlock, initiatorLock, responderLock, initiatorNow, responderNow };
  }

  /** What the chains show the deal has come to. */
  static outcome(state: DealState): DealOutcome {
    const i = state.initiatorLock?.state;
    const r = state.responderLock?.state;
    if (i === "Claimed" && r === "Claimed") return "settled";
    if (i === "Refunded" && (r === undefined || r === "Refunded")) return "refunded";
    return "in progress";
  }

  /**
   * Takes the one next action the chains call for, or returns undefined when there is none now:
   * read both chains, `decide`, act.
   */
  async step(): Promise<Action | undefined> {
    const s = await this.state();
    const decision = decide(s, this.deal, this.conduct);
    const { deal } = this;
    switch (decision.kind) {
      case "wait":
        return undefined;
      case "unsafe":
        throw new UnsafeTimelockError(decision.why);
      case "lock":
        return decision.side === "initiator"
          ? this.lock(decision.name, this.initiatorChain, deal.initiator, deal.responder, deal.initiatorLeg, s.hashlock, decision.timelock)
          : this.lock(decision.name, this.responderChain, deal.responder, deal.initiator, deal.responderLeg, s.hashlock, decision.timelock);
      case "refund":
        return decision.side === "initiator"
          ? this.refund(decision.name, this.initiatorChain, deal.initiator, decision.lockId)
          : this.refund(decision.name, this.responderChain, deal.responder, decision.lockId);
      case "claim":
        // The initiator claims the responder's lock with its secret; the responder claims the
        // initiator's lock with the secret the initiator revealed.
        return decision.by === "initiator"
          ? this.claim(decision.name, this.responderChain, deal.initiator, decision.lockId, await this.secret())
          : this.claim(decision.name, this.initiatorChain, deal.responder, decision.lockId, decision.preimage);
    }
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

  private wallet(chain: ChainSide, party: Address): WalletClient {
    const wallet = chain.wallets.get(party);
    if (wallet === undefined) throw new Error(`no wallet for ${party} on ${chain.name}`);
    return wallet;
  }

  private async now(chain: ChainSide): Promise<bigint> {
    return (await chain.publicClient.getBlock({ blockTag: "latest" })).timestamp;
  }

  private async findLock(chain: ChainSide, sender: Address, receiver: Address, leg: Leg, hashlock: Hex): Promise<LockView | undefined> {
    const logs = await chain.publicClient.getContractEvents({
      address: chain.htlc,
      abi: HTLC_ABI,
      eventName: "Locked",
      args: { sender, receiver },
      fromBlock: 0n,
    });
    const match = logs.find((l) => l.args.hashlock === hashlock && l.args.token === leg.token && l.args.amount === leg.amount);
    if (match === undefined || match.args.lockId === undefined) return undefined;
    const lockId = match.args.lockId;
    const lock = await chain.publicClient.readContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "getLock", args: [lockId] });
    const state = LOCK_STATE[lock.state] ?? "None";
    let preimage: Hex | undefined;
    if (state === "Claimed") {
      const claimed = await chain.publicClient.getContractEvents({ address: chain.htlc, abi: HTLC_ABI, eventName: "Claimed", args: { lockId }, fromBlock: 0n });
      preimage = claimed[0]?.args.preimage;
    }
    return { lockId, timelock: lock.timelock, state, preimage };
  }

  /** The token's next entitlement date after `now`, if it is a bond (a token without the view has none). */
  private async nextEntitlementDate(chain: ChainSide, token: Address, now: bigint): Promise<bigint | undefined> {
    try {
      return await chain.publicClient.readContract({ address: token, abi: ENTITLEMENT_DATES_ABI, functionName: "nextEntitlementDate", args: [now] });
    } catch {
      return undefined;
    }
  }

  private async lock(name: ActionName, chain: ChainSide, sender: Address, receiver: Address, leg: Leg, hashlock: Hex, timelock: bigint): Promise<Action> {
    const entitlement = await this.nextEntitlementDate(chain, leg.token, await this.now(chain));
    if (entitlement !== undefined && entitlement < timelock + ENTITLEMENT_MARGIN) {
      throw new LockSpansEntitlementDateError(leg.token, entitlement, timelock);
    }
    const wallet = this.wallet(chain, sender);
    // Consent for this lock only: approve exactly the amount the escrow takes in the next transaction.
    await this.send(chain, wallet.writeContract({ address: leg.token, abi: ERC20_APPROVE_ABI, functionName: "approve", args: [chain.htlc, leg.amount], account: sender, chain: null }));
    const hash = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "lock", args: [receiver, leg.token, leg.amount, hashlock, timelock], account: sender, chain: null }));
    return { name, chain: chain.name, hash };
  }

  private async claim(name: ActionName, chain: ChainSide, by: Address, lockId: Hex, preimage: Hex): Promise<Action> {
    const wallet = this.wallet(chain, by);
    const hash = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "claim", args: [lockId, preimage], account: by, chain: null }));
    return { name, chain: chain.name, hash };
  }

  private async refund(name: ActionName, chain: ChainSide, by: Address, lockId: Hex): Promise<Action> {
    const wallet = this.wallet(chain, by);
    const hash = await this.send(chain, wallet.writeContract({ address: chain.htlc, abi: HTLC_ABI, functionName: "refund", args: [lockId], account: by, chain: null }));
    return { name, chain: chain.name, hash };
  }

  /** Waits for a sent transaction and fails loudly if it reverted. */
  private async send(chain: ChainSide, sent: Promise<Hex>): Promise<Hex> {
    const hash = await sent;
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} on ${chain.name} reverted`);
    return hash;
  }
}
