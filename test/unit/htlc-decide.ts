import { expect } from "chai";
import type { Hex } from "viem";

import { decide, type Deal, type DealState, type LockView } from "../../src/crosschain/coordinator.js";

/**
 * The coordinator's decision over every state two chains can show a deal in, without a chain:
 * `decide` is pure, so each case is a table row.
 */

const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";
const I_LOCK = `0x${"11".repeat(32)}` as Hex;
const R_LOCK = `0x${"22".repeat(32)}` as Hex;
const SECRET = `0x${"33".repeat(32)}` as Hex;
const T0 = 1_900_000_000n;

const deal: Deal = {
  id: "DVP-TEST-0001",
  initiator: A,
  responder: B,
  initiatorLeg: { token: A, amount: 1n },
  responderLeg: { token: B, amount: 2n },
  initiatorTimeout: 7_200n,
  safetyMargin: 3_600n,
};

const lock = (lockId: Hex, timelock: bigint, state: LockView["state"], preimage?: Hex): LockView => ({
  lockId,
  timelock,
  state,
  ...(preimage === undefined ? {} : { preimage }),
});

const state = (over: Partial<DealState> = {}): DealState => ({
  hashlock: `0x${"44".repeat(32)}`,
  initiatorNow: T0,
  responderNow: T0,
  ...over,
});

const initiatorLocked = lock(I_LOCK, T0 + 7_200n, "Locked");
const responderLocked = lock(R_LOCK, T0 + 3_600n, "Locked");

describe("decide (HTLC coordinator, read → decide → act)", function () {
  it("nothing locked: the initiator locks for its timeout", function () {
    expect(decide(state(), deal)).to.deep.equal({ kind: "lock", name: "initiator locks", side: "initiator", timelock: T0 + 7_200n });
  });

  it("only a responder lock: not ours to start, wait", function () {
    expect(decide(state({ responderLock: responderLocked }), deal).kind).to.equal("wait");
  });

  it("the initiator locked: the responder locks one safety margin earlier", function () {
    expect(decide(state({ initiatorLock: initiatorLocked }), deal)).to.deep.equal({
      kind: "lock",
      name: "responder locks",
      side: "responder",
      timelock: T0 + 3_600n,
    });
  });

  it("the initiator locked but too little time is left for the margin: unsafe, the responder will not lock", function () {
    const late = state({ initiatorLock: initiatorLocked, responderNow: T0 + 3_000n }); // 3,600 − 3,000 = 600 s ≤ MIN_TIMELOCK
    const d = decide(late, deal);
    expect(d.kind).to.equal("unsafe");
    // One second more and it is safe.
    expect(decide(state({ initiatorLock: initiatorLocked, responderNow: T0 + 2_999n }), deal).kind).to.equal("lock");
  });

  it("the initiator locked, the responder never locks: wait, then refund the initiator once its lock expires", function () {
    expect(decide(state({ initiatorLock: initiatorLocked }), deal, { responderLocks: false }).kind).to.equal("wait");
    expect(decide(state({ initiatorLock: initiatorLocked, initiatorNow: T0 + 7_200n }), deal, { responderLocks: false })).to.deep.equal({
      kind: "refund",
      name: "initiator's lock refunded",
      side: "initiator",
      lockId: I_LOCK,
    });
  });

  it("an initiator lock already claimed or refunded with no responder lock: wait", function () {
    expect(decide(state({ initiatorLock: lock(I_LOCK, T0, "Refunded") }), deal).kind).to.equal("wait");
  });

  it("both locked: the initiator claims the responder's lock, revealing the secret", function () {
    expect(decide(state({ initiatorLock: initiatorLocked, responderLock: responderLocked }), deal)).to.deep.equal({
      kind: "claim",
      name: "initiator claims (reveals the secret)",
      by: "initiator",
      lockId: R_LOCK,
    });
  });

  it("both locked, the initiator never reveals: wait, then refund the responder first, then the initiator", function () {
    const both = { initiatorLock: initiatorLocked, responderLock: responderLocked };
    expect(decide(state(both), deal, { initiatorReveals: false }).kind).to.equal("wait");
    expect(decide(state({ ...both, initiatorNow: T0 + 3_600n, responderNow: T0 + 3_600n }), deal, { initiatorReveals: false })).to.include({
      kind: "refund",
      side: "responder",
      lockId: R_LOCK,
    });
    const responderRefunded = { initiatorLock: initiatorLocked, responderLock: lock(R_LOCK, T0 + 3_600n, "Refunded") };
    expect(decide(state({ ...responderRefunded, initiatorNow: T0 + 7_200n, responderNow: T0 + 7_200n }), deal)).to.include({
      kind: "refund",
      side: "initiator",
      lockId: I_LOCK,
    });
  });

  it("both locked, clocks apart: the initiator's lock has expired on its chain though the responder's has not: refund the initiator, never reveal", function () {
    const d = decide(state({ initiatorLock: initiatorLocked, responderLock: responderLocked, initiatorNow: T0 + 7_200n }), deal);
    expect(d).to.include({ kind: "refund", side: "initiator" });
  });

  it("the responder's lock claimed: the responder claims the initiator's lock with the revealed secret", function () {
    const claimed = { initiatorLock: initiatorLocked, responderLock: lock(R_LOCK, T0 + 3_600n, "Claimed", SECRET) };
    expect(decide(state(claimed), deal)).to.deep.equal({
      kind: "claim",
      name: "responder claims with the revealed secret",
      by: "responder",
      lockId: I_LOCK,
      preimage: SECRET,
    });
    expect(decide(state(claimed), deal, { responderClaims: false }).kind).to.equal("wait");
    // Too late on the initiator's chain: the initiator's lock is refunded instead.
    expect(decide(state({ ...claimed, initiatorNow: T0 + 7_200n }), deal)).to.include({ kind: "refund", side: "initiator" });
  });

  it("both claimed, or both refunded: nothing left to do", function () {
    expect(
      decide(state({ initiatorLock: lock(I_LOCK, T0, "Claimed"), responderLock: lock(R_LOCK, T0, "Claimed", SECRET) }), deal).kind,
    ).to.equal("wait");
    expect(decide(state({ initiatorLock: lock(I_LOCK, T0, "Refunded"), responderLock: lock(R_LOCK, T0, "Refunded") }), deal).kind).to.equal("wait");
  });
});
