import { readFile } from "node:fs/promises";

import { expect } from "chai";
import { artifacts } from "hardhat";
import type { Address, Hex } from "viem";

import {
  decide,
  dealOutcome,
  ENTITLEMENT_MARGIN,
  LOCK_STATE,
  MIN_TIMELOCK,
  type Conduct,
  type Deal,
  type DealOutcome,
  type DealState,
  type Decision,
  type LockView,
  type WaitReason,
} from "../../src/crosschain/coordinator.js";

/**
 * The coordinator's decision over every state two chains can show a deal in, without a chain:
 * `decide` is pure, so each case is a table row. First the rows, one per thing the coordinator can
 * decide; then a sweep over every combination of both locks' states, both clocks, the parties'
 * conduct and the legs' entitlement dates, checking the rules every decision must keep.
 */

const A: Address = "0x00000000000000000000000000000000000000a1";
const B: Address = "0x00000000000000000000000000000000000000b2";
const I_LOCK: Hex = `0x${"11".repeat(32)}`;
const R_LOCK: Hex = `0x${"22".repeat(32)}`;
const SECRET: Hex = `0x${"33".repeat(32)}`;
const T0 = 1_900_000_000n;
const TIMEOUT = 7_200n;
const MARGIN = 3_600n;

const deal: Deal = {
  id: "DVP-TEST-0001",
  initiator: A,
  responder: B,
  initiatorLeg: { token: A, amount: 1n },
  responderLeg: { token: B, amount: 2n },
  initiatorTimeout: TIMEOUT,
  safetyMargin: MARGIN,
};

/** The initiator locked at T0 for two hours; the responder at T0 until one margin earlier. */
const I_END = T0 + TIMEOUT;
const R_END = I_END - MARGIN;

type Closed = "Claimed" | "Refunded";
type State = "Locked" | Closed;

function lockOf(lockId: Hex, timelock: bigint, state: State): LockView {
  switch (state) {
    case "Locked":
      return { lockId, timelock, state };
    case "Claimed":
      return { lockId, timelock, state, preimage: SECRET };
    case "Refunded":
      return { lockId, timelock, state };
  }
}

const initiatorLock = (state: State): LockView => lockOf(I_LOCK, I_END, state);
const responderLock = (state: State): LockView => lockOf(R_LOCK, R_END, state);

interface Row {
  readonly i?: State;
  readonly r?: State;
  /** Initiator's and responder's chain time; T0 unless given. */
  readonly iNow?: bigint;
  readonly rNow?: bigint;
  readonly conduct?: Conduct;
  readonly terms?: Partial<Deal>;
  readonly entitlement?: Pick<DealState, "initiatorLegEntitlementDate" | "responderLegEntitlementDate">;
}

function stateOf(row: Row): DealState {
  return {
    hashlock: `0x${"44".repeat(32)}`,
    initiatorNow: row.iNow ?? T0,
    responderNow: row.rNow ?? T0,
    ...(row.i === undefined ? {} : { initiatorLock: initiatorLock(row.i) }),
    ...(row.r === undefined ? {} : { responderLock: responderLock(row.r) }),
    ...row.entitlement,
  };
}

function decideRow(row: Row): Decision {
  return decide(stateOf(row), { ...deal, ...row.terms }, row.conduct);
}

/** Every combination of the three conduct switches, the default first. */
const CONDUCTS: readonly Conduct[] = [{}, ...[false, true].flatMap((responderLocks) =>
  [false, true].flatMap((initiatorReveals) => [false, true].map((responderClaims) => ({ responderLocks, initiatorReveals, responderClaims }))),
)];

/** Every `WaitReason`, so the sweep can show it reaches each. */
const WAIT_REASONS = [
  "responder-locked-first",
  "initiator-lock-closed",
  "responder-withholds-lock",
  "initiator-withholds-secret",
  "too-late-to-reveal",
  "responder-withholds-claim",
  "initiator-timelock",
  "responder-timelock",
  "ended",
] as const satisfies readonly WaitReason[];

const CLOSED: readonly Closed[] = ["Claimed", "Refunded"];
const STATES: readonly State[] = ["Locked", ...CLOSED];

describe("decide (HTLC coordinator, read → decide → act)", function () {
  describe("nothing locked", function () {
    it("the initiator locks for its timeout", function () {
      expect(decideRow({})).to.deep.equal({ kind: "lock", by: "initiator", timelock: T0 + TIMEOUT });
    });

    it("an initiator timeout of MIN_TIMELOCK or less: unsafe, the initiator will not lock; one second more is enough", function () {
      expect(decideRow({ terms: { initiatorTimeout: MIN_TIMELOCK } })).to.deep.equal({
        kind: "unsafe-timelock",
        by: "initiator",
        timelock: T0 + MIN_TIMELOCK,
        earliest: T0 + MIN_TIMELOCK,
      });
      expect(decideRow({ terms: { initiatorTimeout: MIN_TIMELOCK + 1n } })).to.deep.equal({ kind: "lock", by: "initiator", timelock: T0 + MIN_TIMELOCK + 1n });
    });

    it("the initiator's bond leg would end within ENTITLEMENT_MARGIN of its next record date: refused; exactly the margin before is fine", function () {
      const timelock = T0 + TIMEOUT;
      expect(decideRow({ entitlement: { initiatorLegEntitlementDate: timelock + ENTITLEMENT_MARGIN - 1n } })).to.deep.equal({
        kind: "spans-entitlement-date",
        by: "initiator",
        token: deal.initiatorLeg.token,
        entitlementDate: timelock + ENTITLEMENT_MARGIN - 1n,
        timelock,
      });
      // A date inside the lock window itself, too.
      expect(decideRow({ entitlement: { initiatorLegEntitlementDate: T0 + 1n } }).kind).to.equal("spans-entitlement-date");
      expect(decideRow({ entitlement: { initiatorLegEntitlementDate: timelock + ENTITLEMENT_MARGIN } })).to.deep.equal({ kind: "lock", by: "initiator", timelock });
    });

    it("the responder's leg's entitlement date does not stop the initiator's lock", function () {
      expect(decideRow({ entitlement: { responderLegEntitlementDate: T0 + 1n } })).to.deep.equal({ kind: "lock", by: "initiator", timelock: T0 + TIMEOUT });
    });

    for (const r of STATES) {
      it(`only a responder lock (${r}): not ours to start, wait`, function () {
        expect(decideRow({ r })).to.deep.equal({ kind: "wait", reason: "responder-locked-first" });
        expect(decideRow({ r, iNow: I_END, rNow: I_END })).to.deep.equal({ kind: "wait", reason: "responder-locked-first" });
      });
    }
  });

  describe("only the initiator's lock", function () {
    it("the responder locks one safety margin earlier", function () {
      expect(decideRow({ i: "Locked" })).to.deep.equal({ kind: "lock", by: "responder", timelock: R_END });
    });

    it("too little time left for the margin on the responder's chain: unsafe, the responder will not lock; one second earlier it does", function () {
      // R_END − (T0 + 3,000) = 600 s = MIN_TIMELOCK: not enough.
      expect(decideRow({ i: "Locked", rNow: T0 + 3_000n })).to.deep.equal({
        kind: "unsafe-timelock",
        by: "responder",
        timelock: R_END,
        earliest: T0 + 3_000n + MIN_TIMELOCK,
      });
      expect(decideRow({ i: "Locked", rNow: T0 + 2_999n })).to.deep.equal({ kind: "lock", by: "responder", timelock: R_END });
    });

    it("an initiator timeout no longer than margin + MIN_TIMELOCK: unsafe at once", function () {
      for (const initiatorTimeout of [MARGIN - 600n, MARGIN, MARGIN + MIN_TIMELOCK]) {
        const i = lockOf(I_LOCK, T0 + initiatorTimeout, "Locked");
        const d = decide({ ...stateOf({}), initiatorLock: i }, { ...deal, initiatorTimeout });
        expect(d, `timeout ${initiatorTimeout}`).to.deep.include({ kind: "unsafe-timelock", by: "responder" });
      }
    });

    it("the responder's bond leg would end within ENTITLEMENT_MARGIN of its next record date: refused; exactly the margin before is fine", function () {
      expect(decideRow({ i: "Locked", entitlement: { responderLegEntitlementDate: R_END + ENTITLEMENT_MARGIN - 1n } })).to.deep.equal({
        kind: "spans-entitlement-date",
        by: "responder",
        token: deal.responderLeg.token,
        entitlementDate: R_END + ENTITLEMENT_MARGIN - 1n,
        timelock: R_END,
      });
      expect(decideRow({ i: "Locked", entitlement: { responderLegEntitlementDate: R_END + ENTITLEMENT_MARGIN } })).to.deep.equal({
        kind: "lock",
        by: "responder",
        timelock: R_END,
      });
    });

    it("too short and over a record date: the MIN_TIMELOCK refusal comes first", function () {
      expect(decideRow({ i: "Locked", rNow: T0 + 3_000n, entitlement: { responderLegEntitlementDate: T0 + 1n } }).kind).to.equal("unsafe-timelock");
    });

    it("the responder never locks: wait, then refund the initiator once its lock expires on its chain", function () {
      const conduct = { responderLocks: false };
      expect(decideRow({ i: "Locked", conduct })).to.deep.equal({ kind: "wait", reason: "responder-withholds-lock" });
      expect(decideRow({ i: "Locked", conduct, iNow: I_END - 1n })).to.deep.equal({ kind: "wait", reason: "responder-withholds-lock" });
      expect(decideRow({ i: "Locked", conduct, iNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
    });

    it("the initiator's lock expired before the responder locked: refund it, even with a willing responder", function () {
      expect(decideRow({ i: "Locked", iNow: I_END, rNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
      // Expired on the initiator's chain only (clocks apart): still refunded, never locked against.
      expect(decideRow({ i: "Locked", iNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
    });

    for (const i of CLOSED) {
      it(`the initiator's lock ${i} with no responder lock: wait, nothing to lock against`, function () {
        expect(decideRow({ i })).to.deep.equal({ kind: "wait", reason: "initiator-lock-closed" });
        expect(decideRow({ i, iNow: I_END + 1n, rNow: I_END + 1n })).to.deep.equal({ kind: "wait", reason: "initiator-lock-closed" });
      });
    }
  });

  describe("both locked", function () {
    it("the initiator claims the responder's lock, revealing the secret", function () {
      expect(decideRow({ i: "Locked", r: "Locked" })).to.deep.equal({ kind: "claim", by: "initiator", lockId: R_LOCK });
    });

    it("up to the last second of the responder's lock, with clocks agreeing", function () {
      expect(decideRow({ i: "Locked", r: "Locked", iNow: R_END - 1n, rNow: R_END - 1n })).to.deep.equal({ kind: "claim", by: "initiator", lockId: R_LOCK });
    });

    it("the initiator never reveals: wait, then refund the responder at its time lock", function () {
      const conduct = { initiatorReveals: false };
      expect(decideRow({ i: "Locked", r: "Locked", conduct })).to.deep.equal({ kind: "wait", reason: "initiator-withholds-secret" });
      expect(decideRow({ i: "Locked", r: "Locked", conduct, iNow: R_END, rNow: R_END })).to.deep.equal({ kind: "refund", by: "responder", lockId: R_LOCK });
    });

    it("the responder's lock expired: refunded, and the secret is not revealed", function () {
      expect(decideRow({ i: "Locked", r: "Locked", iNow: R_END, rNow: R_END })).to.deep.equal({ kind: "refund", by: "responder", lockId: R_LOCK });
      // Expired on the responder's chain only (its clock ahead).
      expect(decideRow({ i: "Locked", r: "Locked", rNow: R_END })).to.deep.equal({ kind: "refund", by: "responder", lockId: R_LOCK });
    });

    it("both expired: the responder's lock is refunded first", function () {
      expect(decideRow({ i: "Locked", r: "Locked", iNow: I_END, rNow: I_END })).to.deep.equal({ kind: "refund", by: "responder", lockId: R_LOCK });
    });

    it("clocks apart: the initiator's lock has expired on its chain though the responder's has not: refund the initiator, never reveal", function () {
      expect(decideRow({ i: "Locked", r: "Locked", iNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
    });

    it("clocks apart: the initiator's lock has less than the margin left on its chain: wait, do not reveal; exactly the margin is enough", function () {
      expect(decideRow({ i: "Locked", r: "Locked", iNow: I_END - MARGIN + 1n })).to.deep.equal({ kind: "wait", reason: "too-late-to-reveal" });
      expect(decideRow({ i: "Locked", r: "Locked", iNow: I_END - MARGIN })).to.deep.equal({ kind: "claim", by: "initiator", lockId: R_LOCK });
    });
  });

  describe("the responder's lock claimed: the secret is public", function () {
    it("the responder claims the initiator's lock with the revealed secret", function () {
      expect(decideRow({ i: "Locked", r: "Claimed" })).to.deep.equal({ kind: "claim", by: "responder", lockId: I_LOCK, preimage: SECRET });
    });

    it("inside the safety margin, up to the initiator's lock's last second", function () {
      expect(decideRow({ i: "Locked", r: "Claimed", iNow: I_END - 1n, rNow: I_END - 1n })).to.deep.equal({
        kind: "claim",
        by: "responder",
        lockId: I_LOCK,
        preimage: SECRET,
      });
    });

    it("the responder never claims: wait", function () {
      expect(decideRow({ i: "Locked", r: "Claimed", conduct: { responderClaims: false } })).to.deep.equal({ kind: "wait", reason: "responder-withholds-claim" });
    });

    it("too late on the initiator's chain: the initiator's lock is refunded instead", function () {
      expect(decideRow({ i: "Locked", r: "Claimed", iNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
    });
  });

  describe("one lock closed, the other still locked", function () {
    it("the responder's lock refunded: wait for the initiator's to expire, then refund it", function () {
      expect(decideRow({ i: "Locked", r: "Refunded", iNow: R_END, rNow: R_END })).to.deep.equal({ kind: "wait", reason: "initiator-timelock" });
      expect(decideRow({ i: "Locked", r: "Refunded", iNow: I_END, rNow: I_END })).to.deep.equal({ kind: "refund", by: "initiator", lockId: I_LOCK });
    });

    for (const i of CLOSED) {
      it(`the initiator's lock ${i}: wait for the responder's to expire, then refund it`, function () {
        expect(decideRow({ i, r: "Locked" })).to.deep.equal({ kind: "wait", reason: "responder-timelock" });
        expect(decideRow({ i, r: "Locked", iNow: R_END, rNow: R_END })).to.deep.equal({ kind: "refund", by: "responder", lockId: R_LOCK });
      });
    }
  });

  describe("both locks closed", function () {
    for (const i of CLOSED) {
      for (const r of CLOSED) {
        it(`initiator's ${i}, responder's ${r}: nothing left to do, whatever the time and conduct`, function () {
          for (const [iNow, rNow] of [[T0, T0], [R_END, R_END], [I_END, I_END], [I_END, T0]] as const) {
            for (const conduct of CONDUCTS) {
              expect(decideRow({ i, r, iNow, rNow, conduct })).to.deep.equal({ kind: "wait", reason: "ended" });
            }
          }
        });
      }
    }
  });

  describe("every combination keeps the rules", function () {
    /** Each lock absent or in each state; clocks around each time lock; every conduct; legs with and without a near entitlement date. */
    const times = [T0, R_END - 600n, R_END - 1n, R_END, I_END - MARGIN + 1n, I_END - 1n, I_END, I_END + 86_400n];
    const entitlements = [{}, { initiatorLegEntitlementDate: T0 + 1n, responderLegEntitlementDate: T0 + 1n }];
    const rows: Row[] = [];
    for (const i of [undefined, ...STATES]) {
      for (const r of [undefined, ...STATES]) {
        for (const iNow of times) {
          for (const rNow of times) {
            for (const conduct of CONDUCTS) {
              for (const entitlement of entitlements) {
                rows.push({ i, r, iNow, rNow, conduct, entitlement });
                // An initiator timeout the escrow would refuse matters only before anything is locked.
                if (i === undefined) rows.push({ i, r, iNow, rNow, conduct, entitlement, terms: { initiatorTimeout: MIN_TIMELOCK } });
              }
            }
          }
        }
      }
    }

    it(`over ${rows.length} states: every action is allowed by the escrow and by the parties, and no lock is left to expire unrefunded`, function () {
      const seen = new Set<string>();
      for (const row of rows) {
        const s = stateOf(row);
        const terms = { ...deal, ...row.terms };
        const d = decide(s, terms, row.conduct);
        seen.add(d.kind === "wait" ? `wait:${d.reason}` : `${d.kind}:${d.by}`);
        const why = JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? `${v - T0}` : v));
        const i = s.initiatorLock;
        const r = s.responderLock;
        const conduct = row.conduct ?? {};
        switch (d.kind) {
          case "lock":
            if (d.by === "initiator") {
              expect(i, why).to.equal(undefined);
              expect(r, why).to.equal(undefined);
              expect(d.timelock, why).to.equal(s.initiatorNow + terms.initiatorTimeout);
            } else {
              expect(i?.state, why).to.equal("Locked");
              expect(r, why).to.equal(undefined);
              expect(conduct.responderLocks, why).to.not.equal(false);
              expect(s.initiatorNow, why).to.be.lessThan(i?.timelock ?? 0n);
              expect(d.timelock, why).to.equal((i?.timelock ?? 0n) - MARGIN);
            }
            // The escrow would accept it: long enough, and no entitlement date within reach.
            expect(d.timelock, why).to.be.greaterThan((d.by === "initiator" ? s.initiatorNow : s.responderNow) + MIN_TIMELOCK);
            expect(row.entitlement, why).to.deep.equal({});
            break;
          case "claim":
            if (d.by === "initiator") {
              // Reveals only against a live responder lock, with its own lock live for at least the margin.
              expect([i?.state, r?.state], why).to.deep.equal(["Locked", "Locked"]);
              expect(d.lockId, why).to.equal(R_LOCK);
              expect(s.responderNow, why).to.be.lessThan(R_END);
              expect(I_END - s.initiatorNow, why).to.be.at.least(MARGIN);
              expect(conduct.initiatorReveals, why).to.not.equal(false);
            } else {
              expect([i?.state, r?.state], why).to.deep.equal(["Locked", "Claimed"]);
              expect([d.lockId, d.preimage], why).to.deep.equal([I_LOCK, SECRET]);
              expect(s.initiatorNow, why).to.be.lessThan(I_END);
              expect(conduct.responderClaims, why).to.not.equal(false);
            }
            break;
          case "refund": {
            // Only a party's own lock, still locked, expired on its own chain.
            const own = d.by === "initiator" ? i : r;
            const now = d.by === "initiator" ? s.initiatorNow : s.responderNow;
            expect(own?.state, why).to.equal("Locked");
            expect(d.lockId, why).to.equal(own?.lockId);
            expect(now, why).to.be.at.least(own?.timelock ?? 0n);
            break;
          }
          case "unsafe-timelock":
            expect(d.timelock, why).to.be.at.most(d.earliest);
            break;
          case "spans-entitlement-date":
            expect(d.entitlementDate, why).to.be.lessThan(d.timelock + ENTITLEMENT_MARGIN);
            break;
          case "wait":
            // Nothing expired is left locked while the coordinator waits — except a responder's
            // lock it never made (responder-locked-first), which is not its deal.
            if (d.reason !== "responder-locked-first") {
              expect(i?.state === "Locked" && s.initiatorNow >= i.timelock, why).to.equal(false);
              expect(r?.state === "Locked" && s.responderNow >= r.timelock, why).to.equal(false);
            }
            break;
        }
        // Both closed: always the end.
        if (i !== undefined && r !== undefined && i.state !== "Locked" && r.state !== "Locked") {
          expect(d, why).to.deep.equal({ kind: "wait", reason: "ended" });
        }
      }
      // The sweep reaches every decision there is.
      expect([...seen].sort()).to.deep.equal(
        [
          ...["lock", "claim", "refund", "unsafe-timelock", "spans-entitlement-date"].flatMap((k) => [`${k}:initiator`, `${k}:responder`]),
          ...WAIT_REASONS.map((r) => `wait:${r}`),
        ].sort(),
      );
    });

    it("is a pure function: the same state gives the same decision and is left unchanged", function () {
      for (const row of rows.filter((_, n) => n % 97 === 0)) {
        const s = stateOf(row);
        const copy = structuredClone(s);
        expect(decideRow(row)).to.deep.equal(decideRow(structuredClone(row)));
        decide(s, { ...deal, ...row.terms }, row.conduct);
        expect(s).to.deep.equal(copy);
      }
    });
  });
});

describe("dealOutcome", function () {
  const cases: readonly [State | undefined, State | undefined, DealOutcome][] = [
    [undefined, undefined, "in progress"],
    ["Locked", undefined, "in progress"],
    ["Claimed", undefined, "in progress"],
    ["Refunded", undefined, "refunded"],
    [undefined, "Locked", "in progress"],
    [undefined, "Claimed", "in progress"],
    [undefined, "Refunded", "in progress"],
    ["Locked", "Locked", "in progress"],
    ["Locked", "Claimed", "in progress"],
    ["Locked", "Refunded", "in progress"],
    ["Claimed", "Locked", "in progress"],
    ["Refunded", "Locked", "in progress"],
    ["Claimed", "Claimed", "settled"],
    ["Refunded", "Refunded", "refunded"],
    ["Claimed", "Refunded", "one-sided"],
    ["Refunded", "Claimed", "one-sided"],
  ];
  for (const [i, r, outcome] of cases) {
    it(`initiator's lock ${i ?? "absent"}, responder's ${r ?? "absent"}: ${outcome}`, function () {
      expect(dealOutcome(stateOf({ i, r }))).to.equal(outcome);
    });
  }
});

/** Whether `x` is a JSON object (a node of the compiler's AST). */
function isRecord(x: unknown): x is Readonly<Record<string, unknown>> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Every AST node under `node` (itself included) with `nodeType` and `name`. */
function* astNodes(node: unknown): Generator<Readonly<Record<string, unknown>>> {
  if (Array.isArray(node)) {
    for (const child of node) yield* astNodes(child);
  } else if (isRecord(node)) {
    yield node;
    for (const value of Object.values(node)) yield* astNodes(value);
  }
}

describe("LOCK_STATE matches the compiled HashedTimelock", function () {
  it("names LockState's members in the contract's order", async function () {
    const artifact = await artifacts.readArtifact("HashedTimelock");
    const buildInfoId = await artifacts.getBuildInfoId("HashedTimelock");
    if (buildInfoId === undefined) throw new Error("HashedTimelock has no build info; run npx hardhat build");
    const outputPath = await artifacts.getBuildInfoOutputPath(buildInfoId);
    if (outputPath === undefined) throw new Error(`build info ${buildInfoId} has no output; run npx hardhat build`);
    const output: unknown = JSON.parse(await readFile(outputPath, "utf8"));
    const sources = isRecord(output) && isRecord(output.output) && isRecord(output.output.sources) ? output.output.sources : {};
    const source = sources[artifact.inputSourceName ?? ""];
    const contract = [...astNodes(isRecord(source) ? source.ast : undefined)].find(
      (n) => n.nodeType === "ContractDefinition" && n.name === "HashedTimelock",
    );
    const lockState = [...astNodes(contract)].find((n) => n.nodeType === "EnumDefinition" && n.name === "LockState");
    const members = Array.isArray(lockState?.members) ? lockState.members.map((m: unknown) => (isRecord(m) ? m.name : undefined)) : [];
    expect(members).to.deep.equal([...LOCK_STATE]);
  });
});
