import { expect } from "chai";
import { sha256, ZeroHash } from "ethers";
import { network } from "hardhat";

import type { LedgerConnection } from "../../src/chain/deploy.js";
import type { EventFact, MinedTransactionFact } from "../../src/chain/facts.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { parseMoney } from "../../src/domain/money.js";
import { balanceIn } from "../../src/runner/balances.js";
import { runScenario, stepById, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import type { NoteValue } from "../../src/runner/types.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { DEALS, type CrossChainLedger } from "../../src/scenarios/cross-chain-dvp.js";
import { convert, fxRate } from "../../src/domain/fx-quote.js";
import { attemptsOf, expectRefusalsRecorded, minedIn, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `cross-chain-dvp` (src/scenarios/cross-chain-dvp.ts) on two in-process networks of its
 * own: the Hong Kong chain ("hk", chain id 31337: the Hong Kong ledger plus a hashed time-locked
 * escrow) and the Thai chain ("th", chain id 31338: its own registry, wTHB and escrow). Chao Phraya
 * Bank initiates every deal (it knows the secret): it locks THB on the Thai chain for two hours;
 * Harbour Bank locks on the Hong Kong chain one hour less. Amounts in minor units (cents / satang);
 * bonds in units. Every assertion reads the run's facts (decoded calls, events, errors,
 * observations), never its wording.
 *
 *   step                         what                                         Hong Kong chain                   Thai chain
 *   opening-wcbdc                HKMA credits the banks (opening wHKD)        wHKD Harbour +1,500,000,000.00,
 *                                                                             Victoria +1,200,000,000.00,
 *                                                                             Lion Rock +800,000,000.00
 *   authorise-engine             Harbour authorises the engine on the bond    —
 *   issue-by-tender              200 units to Harbour at 49,925.00            wHKD Harbour −9,985,000.00,
 *                                                                             HKMA +9,985,000.00; bond Harbour +200
 *   fund-both-chains             Bank of Thailand mints; HKMA mints for PvP   wHKD Harbour +1,000,000.00        wTHB Chao Phraya +500,000,000.00
 *   dvp-initiator-locks          DVP-0001: Chao Phraya locks THB 11,403,000.00                                  wTHB Chao Phraya −, Thai escrow +
 *   dvp-responder-locks          Harbour locks 50 units                       bond Harbour −50, HK escrow +50
 *   dvp-initiator-claims         Chao Phraya claims the bonds (secret out)    bond HK escrow −50, Chao Phraya +50
 *   dvp-responder-claims         Harbour claims the THB                                                         wTHB Thai escrow −, Harbour +11,403,000.00
 *   pvp-initiator-locks-alone    PvP: Chao Phraya locks THB 4,561,200.00                                        wTHB Chao Phraya −, Thai escrow +
 *   pvp-refund-initiator         two hours later: refunded                                                      wTHB Thai escrow −, Chao Phraya +4,561,200.00
 *   lock-too-short               a five-minute lock: TimelockTooShort         nothing (an allowance only)
 *   dvp2-wrong-secret            DVP-0002: both lock 10 units /               bond Harbour −10, HK escrow +10   wTHB Chao Phraya −, Thai escrow +
 *                                THB 2,280,600.00; a wrong secret refused
 *   dvp2-claim-coordinator-dies  Chao Phraya claims the bonds                 bond HK escrow −10, Chao Phraya +10
 *   dvp2-responder-claims-alone  Harbour claims the THB itself                                                  wTHB Thai escrow −, Harbour +2,280,600.00
 *   pvp2-both-lock               PVP-0002: both lock, never revealed          wHKD Harbour −1,000,000.00,       wTHB Chao Phraya −4,561,200.00,
 *                                                                             HK escrow +                       Thai escrow +
 *   pvp2-refund-responder        an hour later Harbour's lock is refunded     wHKD HK escrow −, Harbour +
 *   pvp2-refund-initiator        another hour: Chao Phraya's is refunded                                        wTHB Thai escrow −, Chao Phraya +
 *   lock-over-record-date        a bond lock over the coupon record date:     nothing (an allowance only)
 *                                LockSpansEntitlementDate
 *
 * Harbour Bank never locks its HKD for the first PvP: no wHKD reaches an escrow before PVP-0002.
 */

// ---- the deals ----
const BOND_UNITS = 50n;
const BOND_PRICE_THB = 1_140_300_000n; // THB 11,403,000.00 = 50 units × HKD 50,000.00 = HKD 2,500,000.00 × 4.5612
const PVP_HKD = 100_000_000n; // HKD 1,000,000.00
const PVP_THB = 456_120_000n; // HKD 1,000,000.00 × 4.5612 = THB 4,561,200.00
const DVP2_UNITS = 10n;
const DVP2_THB = 228_060_000n; // THB 11,403,000.00 × 10 / 50 = THB 2,280,600.00 (228,060.00 a unit)
const MINT_WTHB_CHAO_PHRAYA = 50_000_000_000n; // THB 500,000,000.00
const TIMEOUT = 7_200n; // the initiator's lock: two hours
const MARGIN = 3_600n; // the responder's lock ends one hour earlier

// ---- Hong Kong chain: opening wHKD and the issue ----
const OPEN_WHKD_HARBOUR = 150_000_000_000n; // HKD 1,500,000,000.00
const OPEN_WHKD_VICTORIA = 120_000_000_000n; // HKD 1,200,000,000.00
const OPEN_WHKD_LION_ROCK = 80_000_000_000n; // HKD 800,000,000.00
const ISSUED_UNITS = 200n;
const ISSUE_PROCEEDS = 998_500_000n; // 200 × 4,992,500 = HKD 9,985,000.00

// ---- final balances, by hand ----
// Hong Kong chain
// Harbour wHKD: 1,500,000,000.00 − 9,985,000.00 (issue) + 1,000,000.00 (HKMA, for the PvPs; PVP-0002's lock refunded) = 1,491,015,000.00
const FINAL_WHKD_HARBOUR = 149_101_500_000n;
// HKMA wHKD: the issue proceeds, 9,985,000.00
const FINAL_WHKD_HKMA = 998_500_000n;
// Victoria and Lion Rock: untouched
const FINAL_WHKD_VICTORIA = 120_000_000_000n;
const FINAL_WHKD_LION_ROCK = 80_000_000_000n;
// Harbour bond: 200 − 50 (DVP-0001) − 10 (DVP-0002) = 140
const FINAL_BOND_HARBOUR = 140n;
// Chao Phraya bond: 50 + 10 = 60
const FINAL_BOND_CHAO_PHRAYA = 60n;
// Thai chain
// Chao Phraya wTHB: 500,000,000.00 − 11,403,000.00 (DVP-0001) − 4,561,200.00 + 4,561,200.00 (PvP, refunded)
//   − 2,280,600.00 (DVP-0002) − 4,561,200.00 + 4,561,200.00 (PVP-0002, refunded) = 486,316,400.00
const FINAL_WTHB_CHAO_PHRAYA = 48_631_640_000n;
// Chao Phraya wTHB once the PvP is refunded: 500,000,000.00 − 11,403,000.00 = 488,597,000.00 (as before the PvP)
const WTHB_CHAO_PHRAYA_BEFORE_PVP = 48_859_700_000n;
// Harbour wTHB: 11,403,000.00 + 2,280,600.00 = 13,683,600.00
const FINAL_WTHB_HARBOUR = 1_368_360_000n;

// ---- supplies ----
// wHKD: 3,500,000,000.00 opening + 1,000,000.00 for the PvP = 3,501,000,000.00
const WHKD_SUPPLY = 350_100_000_000n;
// Bond: 200 issued, none redeemed
const BOND_SUPPLY = 200n;
// wTHB (Thai chain): the Bank of Thailand's one mint, 500,000,000.00
const WTHB_SUPPLY = 50_000_000_000n;

/** `LockState` in contracts/crosschain/HashedTimelock.sol. */
const LOCKED = 1n;
const CLAIMED = 2n;
const REFUNDED = 3n;
const MIN_TIMELOCK = 600n;

type HkToken = "wHKD" | "hbHKD" | "vbHKD" | "lrHKD" | "bond";
const HK_TOKENS: readonly HkToken[] = ["wHKD", "hbHKD", "vbHKD", "lrHKD", "bond"];
type HkHolder = ParticipantKey | "chaoPhrayaBank" | "hkEscrow" | "engine" | "payingAgent";
type ThHolder = "chaoPhrayaBank" | "harbourBank" | "bankOfThailand" | "thaiEscrow";
interface Erc20View {
  balanceOf(account: string): Promise<bigint>;
  totalSupply(): Promise<bigint>;
}

function hkTokensOf(ledger: CrossChainLedger): Record<HkToken, Erc20View> {
  return {
    wHKD: ledger.wcbdc,
    hbHKD: ledger.deposits.harbourBank,
    vbHKD: ledger.deposits.victoriaBank,
    lrHKD: ledger.deposits.lionRockBank,
    bond: ledger.bond,
  };
}

async function hkHolders(ledger: CrossChainLedger): Promise<[HkHolder, string][]> {
  return [
    ...PARTICIPANTS.map((p): [HkHolder, string] => [p.key, ledger.participants[p.key].address]),
    ["chaoPhrayaBank", ledger.twoChains.chaoPhrayaBank],
    ["hkEscrow", await ledger.twoChains.hk.htlc.getAddress()],
    ["engine", await ledger.engine.getAddress()],
    ["payingAgent", await ledger.payingAgent.getAddress()],
  ];
}

async function thHolders(ledger: CrossChainLedger): Promise<[ThHolder, string][]> {
  return [
    ["chaoPhrayaBank", ledger.twoChains.chaoPhrayaBank],
    ["harbourBank", ledger.participants.harbourBank.address],
    ["bankOfThailand", ledger.twoChains.bankOfThailand],
    ["thaiEscrow", await ledger.twoChains.th.htlc.getAddress()],
  ];
}

/** What a step moved, as "holder token (chain)" → change, the bond as "bond": each leg names the chain it moved on. */
function moved(step: StepResult): Record<string, bigint> {
  return Object.fromEntries(
    step.changes.map((c) => [
      `${c.holder.name ?? c.holder.address} ${c.token.kind === "governmentBond" ? "bond" : c.token.symbol} (${c.token.chain})`,
      c.after - c.before,
    ]),
  );
}




/** Each transaction of the step as [chain, from, function, to, status]. */
function callsOf(step: StepResult): [string, string | undefined, string | undefined, string | undefined, string][] {
  return step.transactions.map((t) => [t.chain.key, t.from.name, t.function, t.to.name, t.status]);
}

/** The values of the step's notes. */
function notesOf(step: StepResult): Readonly<Record<string, NoteValue>>[] {
  return step.observations.flatMap((o) => (o.kind === "note" ? [o.values] : []));
}

/** The step's clock observations as [chain, time]. */
function clocksOf(step: StepResult): [string, bigint][] {
  return step.observations.flatMap((o): [string, bigint][] => (o.kind === "clock" ? [[o.chain, o.time]] : []));
}

/** Every event of the run named `name` emitted by the contract named `contract`, with the step and transaction that emitted it. */
function eventsOf(run: ScenarioRun, contract: string, name: string): { step: string; tx: MinedTransactionFact; event: EventFact }[] {
  return run.steps.flatMap((s) =>
    minedIn(s).flatMap((tx) => tx.events.filter((e) => e.contract.name === contract && e.name === name).map((event) => ({ step: s.id, tx, event }))),
  );
}

/** `value` as a bigint, for a decoded ABI integer (a decimal string). */
function big(value: unknown): bigint {
  if (typeof value !== "string") throw new Error(`expected a decoded integer, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

/** `value` as a string, for a decoded ABI bytes32 or address. */
function str(value: unknown): string {
  if (typeof value !== "string") throw new Error(`expected a decoded string, got ${JSON.stringify(value)}`);
  return value;
}

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** The steps the escrow refuses, in order. */
const REFUSALS = ["lock-too-short", "lock-over-record-date"];

describe("scenario: cross-chain-dvp", function () {
  let hk: LedgerConnection;
  let th: LedgerConnection;
  let ledger: CrossChainLedger;
  let run: ScenarioRun;
  let hkEscrow: string;
  let thaiEscrow: string;

  before(async function () {
    hk = await network.create();
    th = await network.create({ override: { chainId: 31338 } });
    if (scenario.deploy === undefined) throw new Error("cross-chain-dvp deploys its own two chains");
    const thConnection = th;
    ledger = await scenario.deploy(hk, { second: async () => thConnection });
    run = await runScenario(scenario, ledger);
    hkEscrow = await ledger.twoChains.hk.htlc.getAddress();
    thaiEscrow = await ledger.twoChains.th.htlc.getAddress();
  });

  after(async function () {
    await hk.close();
    await th.close();
  });

  it("runs on two chains and deals the amounts the hand figures use", async function () {
    expect((await hk.ethers.provider.getNetwork()).chainId).to.equal(31337n);
    expect(ledger.twoChains.th.chainId).to.equal(31338n);
    expect(DEALS).to.deep.equal({
      bondUnits: BOND_UNITS,
      bondPriceThb: BOND_PRICE_THB,
      pvpHkd: PVP_HKD,
      pvpThb: PVP_THB,
      chaoPhrayaThb: MINT_WTHB_CHAO_PHRAYA,
      initiatorTimeout: TIMEOUT,
      safetyMargin: MARGIN,
    });
    // The prices are the FX scenarios' HKD/THB 4.5612 applied to HKD amounts (a unit is HKD 50,000.00 face).
    expect(convert(BOND_UNITS * 5_000_000n, fxRate("4.5612"))).to.equal(BOND_PRICE_THB);
    expect(convert(PVP_HKD, fxRate("4.5612"))).to.equal(PVP_THB);
    expect((BOND_PRICE_THB * DVP2_UNITS) / BOND_UNITS).to.equal(DVP2_THB);
    expect(parseMoney(OPENING_WCBDC.harbourBank, 2)).to.equal(OPEN_WHKD_HARBOUR);
    expect(parseMoney(OPENING_WCBDC.victoriaBank, 2)).to.equal(OPEN_WHKD_VICTORIA);
    expect(parseMoney(OPENING_WCBDC.lionRockBank, 2)).to.equal(OPEN_WHKD_LION_ROCK);
    expect(ISSUED_UNITS * ISSUE_PRICE).to.equal(ISSUE_PROCEEDS);
    expect(await ledger.twoChains.hk.htlc.MIN_TIMELOCK()).to.equal(MIN_TIMELOCK);
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${JSON.stringify({ problem: s.problem, failure: s.failure })}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(18);
  });

  it("ends each step as designed: only the too-short lock and the lock over the record date are refused", function () {
    expect(run.steps.map((s) => [s.id, s.status])).to.deep.equal([
      ["opening-wcbdc", OK],
      ["authorise-engine", OK],
      ["issue-by-tender", OK],
      ["fund-both-chains", OK], // wTHB to Chao Phraya, wHKD to Harbour
      ["dvp-initiator-locks", OK],
      ["dvp-responder-locks", OK],
      ["dvp-initiator-claims", OK],
      ["dvp-responder-claims", OK],
      ["pvp-initiator-locks-alone", OK],
      ["pvp-refund-initiator", OK],
      ["lock-too-short", REFUSED],
      ["dvp2-wrong-secret", OK], // both lock, a wrong secret refused by a call
      ["dvp2-claim-coordinator-dies", OK],
      ["dvp2-responder-claims-alone", OK], // without a coordinator
      ["pvp2-both-lock", OK], // the initiator never reveals
      ["pvp2-refund-responder", OK],
      ["pvp2-refund-initiator", OK],
      ["lock-over-record-date", REFUSED],
    ]);
  });

  it("refuses the five-minute lock (TimelockTooShort), recording the attempt and moving nothing", function () {
    const step = stepById(run, "lock-too-short");
    const refusal = refusalOf(step);
    expect(refusal.name).to.equal("TimelockTooShort");
    const asked = big(refusal.args.timelock);
    const earliest = big(refusal.args.earliest);
    // asked = the Hong Kong clock the step began at (where pvp-refund-initiator left it) + 300 s.
    const clockBefore = clocksOf(stepById(run, "pvp-refund-initiator")).find(([chain]) => chain === "hk")?.[1];
    expect(asked).to.equal((clockBefore ?? 0n) + 300n);
    // Only the allowance went through; the lock itself was refused.
    const harbour = ledger.participants.harbourBank.address;
    expect(callsOf(step)).to.deep.equal([
      ["hk", "Harbour Bank", "approve", ledger.bondTerms.issueNumber, "success"],
      ["hk", "Harbour Bank", "lock", "HK escrow", "reverted"],
    ]);
    const [approve] = minedIn(step);
    expect(approve?.args).to.deep.equal({ spender: hkEscrow, value: "1" });
    const [attempt] = attemptsOf(step);
    expect(attempt?.args).to.deep.equal({
      receiver: ledger.twoChains.chaoPhrayaBank,
      token: ledger.bond.target,
      amount: "1",
      hashlock: sha256(ZeroHash),
      timelock: asked.toString(),
    });
    expect(attempt).to.deep.include({ via: "estimateGas", from: { name: "Harbour Bank", address: harbour }, to: { name: "HK escrow", address: hkEscrow } });
    expect(attempt?.error).to.deep.equal(refusal);
    expect(step.changes).to.deep.equal([]);
    // earliest = the refused lock's block time + MIN_TIMELOCK (600 s): after the approval's block.
    expect(earliest - MIN_TIMELOCK).to.be.greaterThan(BigInt(approve?.timestamp ?? 0) - 1n);
    expect(earliest - asked).to.be.at.least(MIN_TIMELOCK - 300n + 2n);
    // Nothing of Harbour's is locked: the HK escrow held no bond when the next step began.
    const next = stepById(run, "dvp2-wrong-secret").changes.find((c) => c.token.kind === "governmentBond" && c.holder.address === hkEscrow);
    expect(next?.before).to.equal(0n);
  });

  it("finding 6: refuses a bond lock whose window holds the coupon record date, in the coordinator and in the escrow, moving nothing", async function () {
    const step = stepById(run, "lock-over-record-date");
    const recordDate = await ledger.bond.recordDate(0);
    // The lock would have lasted two hours from half an hour before the record date.
    const lockUntil = recordDate - 1_800n + DEALS.initiatorTimeout;
    expect(refusalOf(step)).to.deep.equal({
      name: "LockSpansEntitlementDate",
      args: { token: ledger.bond.target, date: recordDate.toString(), timelock: lockUntil.toString() },
    });
    // The coordinator refused first, naming the same lock end and record date.
    expect(notesOf(step)).to.deep.equal([{ timelock: { type: "time", time: lockUntil }, date: { type: "time", time: recordDate } }]);
    expect(clocksOf(step).find(([chain]) => chain === "hk")?.[1]).to.equal(recordDate - 1_800n);
    expect(clocksOf(step).map(([chain]) => chain)).to.deep.equal(["hk", "th"]);
    // Only the exact approval for the refused lock went through; no lock, no balance moved.
    expect(callsOf(step)).to.deep.equal([
      ["hk", "Harbour Bank", "approve", ledger.bondTerms.issueNumber, "success"],
      ["hk", "Harbour Bank", "lock", "HK escrow", "reverted"],
    ]);
    expect(minedIn(step)[0]?.args).to.deep.equal({ spender: hkEscrow, value: "10" });
    const [attempt] = attemptsOf(step);
    expect([attempt?.args?.amount, attempt?.args?.timelock]).to.deep.equal(["10", lockUntil.toString()]);
    expect(attempt?.error).to.deep.equal(refusalOf(step));
    expect(step.changes).to.deep.equal([]);
    expect(await ledger.bond.balanceOf(hkEscrow)).to.equal(0n);
  });

  it("refuses a claim with a wrong secret by a call, recorded with its decoded error, and the DvP goes on", function () {
    const step = stepById(run, "dvp2-wrong-secret");
    expect(step.failure).to.equal(undefined);
    expect(callsOf(step)).to.deep.equal([
      ["th", "Chao Phraya Bank", "lock", "Thai escrow", "success"],
      ["hk", "Harbour Bank", "lock", "HK escrow", "success"],
      ["hk", "HKMA", "claim", "HK escrow", "reverted"],
    ]);
    const [hkLock] = eventsOf(run, "HK escrow", "Locked").filter((e) => e.step === step.id);
    const lockId = hkLock?.event.args.lockId;
    expect(lockId).to.match(/^0x[0-9a-f]{64}$/);
    const [attempt] = attemptsOf(step);
    expect(attempt).to.deep.include({ via: "call", args: { lockId, preimage: ZeroHash } });
    expect(attempt?.error).to.deep.equal({ name: "WrongPreimage", args: { lockId } });
  });

  it("moves each leg on its own chain as the narrative says", function () {
    expect(moved(stepById(run, "issue-by-tender")), "issue").to.deep.equal({
      "HKMA wHKD (hk)": ISSUE_PROCEEDS,
      "Harbour Bank wHKD (hk)": -ISSUE_PROCEEDS,
      "Harbour Bank bond (hk)": ISSUED_UNITS,
    });
    expect(moved(stepById(run, "fund-both-chains")), "mints").to.deep.equal({
      "Harbour Bank wHKD (hk)": PVP_HKD,
      "Chao Phraya Bank wTHB (th)": MINT_WTHB_CHAO_PHRAYA,
    });
    expect(moved(stepById(run, "dvp-initiator-locks")), "DVP-0001 initiator locks").to.deep.equal({
      "Chao Phraya Bank wTHB (th)": -BOND_PRICE_THB,
      "Thai escrow wTHB (th)": BOND_PRICE_THB,
    });
    expect(moved(stepById(run, "dvp-responder-locks")), "DVP-0001 responder locks").to.deep.equal({
      "Harbour Bank bond (hk)": -BOND_UNITS,
      "HK escrow bond (hk)": BOND_UNITS,
    });
    expect(moved(stepById(run, "dvp-initiator-claims")), "DVP-0001 initiator claims").to.deep.equal({
      "Chao Phraya Bank bond (hk)": BOND_UNITS,
      "HK escrow bond (hk)": -BOND_UNITS,
    });
    expect(moved(stepById(run, "dvp-responder-claims")), "DVP-0001 responder claims").to.deep.equal({
      "Harbour Bank wTHB (th)": BOND_PRICE_THB,
      "Thai escrow wTHB (th)": -BOND_PRICE_THB,
    });
    expect(moved(stepById(run, "dvp2-wrong-secret")), "DVP-0002 both lock").to.deep.equal({
      "Chao Phraya Bank wTHB (th)": -DVP2_THB,
      "Thai escrow wTHB (th)": DVP2_THB,
      "Harbour Bank bond (hk)": -DVP2_UNITS,
      "HK escrow bond (hk)": DVP2_UNITS,
    });
    expect(moved(stepById(run, "dvp2-claim-coordinator-dies")), "DVP-0002 initiator claims").to.deep.equal({
      "Chao Phraya Bank bond (hk)": DVP2_UNITS,
      "HK escrow bond (hk)": -DVP2_UNITS,
    });
    expect(moved(stepById(run, "dvp2-responder-claims-alone")), "DVP-0002 responder claims").to.deep.equal({
      "Harbour Bank wTHB (th)": DVP2_THB,
      "Thai escrow wTHB (th)": -DVP2_THB,
    });
    expect(stepById(run, "authorise-engine").changes, "authorisation").to.deep.equal([]);
    // Each transaction ran on the chain of its leg: the DvP's THB on the Thai chain, its bonds on the Hong Kong chain.
    expect(
      ["dvp-initiator-locks", "dvp-responder-locks", "dvp-initiator-claims", "dvp-responder-claims"].map((id) => callsOf(stepById(run, id))),
    ).to.deep.equal([
      [["th", "Chao Phraya Bank", "lock", "Thai escrow", "success"]],
      [["hk", "Harbour Bank", "lock", "HK escrow", "success"]],
      [["hk", "Chao Phraya Bank", "claim", "HK escrow", "success"]],
      [["th", "Harbour Bank", "claim", "Thai escrow", "success"]],
    ]);
    // Harbour claims on the Thai chain with the secret Chao Phraya revealed on the Hong Kong chain.
    const [revealed] = eventsOf(run, "HK escrow", "Claimed").filter((e) => e.step === "dvp-initiator-claims");
    const [used] = eventsOf(run, "Thai escrow", "Claimed").filter((e) => e.step === "dvp-responder-claims");
    expect(revealed?.event.args.preimage).to.match(/^0x[0-9a-f]{64}$/);
    expect(used?.event.args.preimage).to.equal(revealed?.event.args.preimage);
    expect(callsOf(stepById(run, "dvp2-responder-claims-alone"))).to.deep.equal([["th", "Harbour Bank", "claim", "Thai escrow", "success"]]);
  });

  it("refunds the PvP Harbour never locked: Chao Phraya's THB is whole again, no HKD moved", function () {
    const [lock, refund] = [stepById(run, "pvp-initiator-locks-alone"), stepById(run, "pvp-refund-initiator")];
    expect(moved(lock)).to.deep.equal({
      "Chao Phraya Bank wTHB (th)": -PVP_THB,
      "Thai escrow wTHB (th)": PVP_THB,
    });
    expect(moved(refund)).to.deep.equal({
      "Chao Phraya Bank wTHB (th)": PVP_THB,
      "Thai escrow wTHB (th)": -PVP_THB,
    });
    const chaoPhraya = (s: StepResult): bigint | undefined =>
      s.changes.find((c) => c.holder.address === ledger.twoChains.chaoPhrayaBank && c.token.chain === "th" && c.token.symbol === "wTHB")?.after;
    // 500,000,000.00 − 11,403,000.00 (DVP-0001) − 4,561,200.00 (locked) = 484,035,800.00, then back to 488,597,000.00
    expect(chaoPhraya(lock)).to.equal(WTHB_CHAO_PHRAYA_BEFORE_PVP - PVP_THB);
    expect(chaoPhraya(refund)).to.equal(WTHB_CHAO_PHRAYA_BEFORE_PVP);
    expect(WTHB_CHAO_PHRAYA_BEFORE_PVP).to.equal(MINT_WTHB_CHAO_PHRAYA - BOND_PRICE_THB);
    expect(callsOf(lock)).to.deep.equal([["th", "Chao Phraya Bank", "lock", "Thai escrow", "success"]]);
    expect(callsOf(refund)).to.deep.equal([["th", "Chao Phraya Bank", "refund", "Thai escrow", "success"]]);
    // Both clocks were moved two hours on before the refund.
    expect(clocksOf(refund).map(([chain]) => chain)).to.deep.equal(["hk", "th"]);
    // The HKD leg never left Harbour Bank: no step between the mint and the second PvP moved any wHKD.
    const ids = run.steps.map((s) => s.id);
    for (const s of run.steps.slice(ids.indexOf("dvp-initiator-locks"), ids.indexOf("pvp2-both-lock"))) {
      expect(s.changes.filter((c) => c.token.symbol === "wHKD"), s.id).to.deep.equal([]);
    }
  });

  it("refunds both locks of the PvP whose initiator never reveals: each bank whole, in the responder-first order", function () {
    const [locks, responderRefund, initiatorRefund] = ["pvp2-both-lock", "pvp2-refund-responder", "pvp2-refund-initiator"].map((id) => stepById(run, id));
    expect(callsOf(locks)).to.deep.equal([
      ["th", "Chao Phraya Bank", "lock", "Thai escrow", "success"],
      ["hk", "Harbour Bank", "lock", "HK escrow", "success"],
    ]);
    expect(moved(locks)).to.deep.equal({
      "Harbour Bank wHKD (hk)": -PVP_HKD,
      "HK escrow wHKD (hk)": PVP_HKD,
      "Chao Phraya Bank wTHB (th)": -PVP_THB,
      "Thai escrow wTHB (th)": PVP_THB,
    });
    expect(callsOf(responderRefund)).to.deep.equal([["hk", "Harbour Bank", "refund", "HK escrow", "success"]]);
    expect(moved(responderRefund)).to.deep.equal({ "Harbour Bank wHKD (hk)": PVP_HKD, "HK escrow wHKD (hk)": -PVP_HKD });
    expect(callsOf(initiatorRefund)).to.deep.equal([["th", "Chao Phraya Bank", "refund", "Thai escrow", "success"]]);
    expect(moved(initiatorRefund)).to.deep.equal({
      "Chao Phraya Bank wTHB (th)": PVP_THB,
      "Thai escrow wTHB (th)": -PVP_THB,
    });
    // Both clocks moved together, from the later chain's last block: an hour past the locks, then
    // another hour past the responder's refund; after each move the two chains read the same time.
    const blockTime = (step: StepResult, chain: string): bigint => BigInt(minedIn(step).filter((t) => t.chain.key === chain).at(-1)?.timestamp ?? 0);
    const clock = (step: StepResult, chain: string): bigint | undefined => clocksOf(step).find(([c]) => c === chain)?.[1];
    const later = (a: bigint, b: bigint): bigint => (a > b ? a : b);
    expect(clock(responderRefund, "hk")).to.equal(later(blockTime(locks, "hk"), blockTime(locks, "th")) + DEALS.initiatorTimeout - DEALS.safetyMargin);
    expect(clock(responderRefund, "th")).to.equal(clock(responderRefund, "hk"));
    expect(clock(initiatorRefund, "hk")).to.equal(later(blockTime(responderRefund, "hk"), clock(responderRefund, "th") ?? 0n) + DEALS.safetyMargin);
    expect(clock(initiatorRefund, "th")).to.equal(clock(initiatorRefund, "hk"));
  });

  it("closes every escrow lock: both DvPs claimed on both chains, the PvPs refunded, time locks an hour apart", async function () {
    const { hk: hkChain, th: thChain } = ledger.twoChains;
    const thLocks = eventsOf(run, "Thai escrow", "Locked");
    const hkLocks = eventsOf(run, "HK escrow", "Locked");
    expect(thLocks.map((l) => [l.step, l.tx.chain.key, l.event.args.amount])).to.deep.equal([
      ["dvp-initiator-locks", "th", BOND_PRICE_THB.toString()],
      ["pvp-initiator-locks-alone", "th", PVP_THB.toString()],
      ["dvp2-wrong-secret", "th", DVP2_THB.toString()],
      ["pvp2-both-lock", "th", PVP_THB.toString()],
    ]);
    expect(hkLocks.map((l) => [l.step, l.tx.chain.key, l.event.args.amount])).to.deep.equal([
      ["dvp-responder-locks", "hk", BOND_UNITS.toString()],
      ["dvp2-wrong-secret", "hk", DVP2_UNITS.toString()],
      ["pvp2-both-lock", "hk", PVP_HKD.toString()],
    ]);
    // How each lock ended, from the events the run recorded, and as the escrows hold it.
    const ended = (escrow: string, lockId: unknown): string =>
      eventsOf(run, escrow, "Claimed").some((e) => e.event.args.lockId === lockId)
        ? "claimed"
        : eventsOf(run, escrow, "Refunded").some((e) => e.event.args.lockId === lockId)
          ? "refunded"
          : "open";
    expect(thLocks.map((l) => ended("Thai escrow", l.event.args.lockId))).to.deep.equal(["claimed", "refunded", "claimed", "refunded"]);
    expect(hkLocks.map((l) => ended("HK escrow", l.event.args.lockId))).to.deep.equal(["claimed", "claimed", "refunded"]);
    const thStates = await Promise.all(thLocks.map(async (l) => (await thChain.htlc.getLock(str(l.event.args.lockId))).state));
    const hkStates = await Promise.all(hkLocks.map(async (l) => (await hkChain.htlc.getLock(str(l.event.args.lockId))).state));
    expect(thStates).to.deep.equal([CLAIMED, REFUNDED, CLAIMED, REFUNDED]);
    expect(hkStates).to.deep.equal([CLAIMED, CLAIMED, REFUNDED]);
    expect([...thStates, ...hkStates]).to.not.include(LOCKED);
    // Each DvP: the same hash lock on both chains, the Hong Kong lock ending one hour before the Thai one.
    for (const [thai, hongKong] of [
      [thLocks[0], hkLocks[0]],
      [thLocks[2], hkLocks[1]],
    ]) {
      expect(hongKong.event.args.hashlock).to.equal(thai.event.args.hashlock);
      expect(big(thai.event.args.timelock) - big(hongKong.event.args.timelock)).to.equal(MARGIN);
      // two hours from the Thai clock the coordinator read just before locking
      expect(big(thai.event.args.timelock)).to.be.lessThan(BigInt(thai.tx.timestamp) + TIMEOUT);
      expect(big(thai.event.args.timelock)).to.be.at.least(BigInt(thai.tx.timestamp) + TIMEOUT - 30n);
    }
    // The responder's step points out both time locks and the hour between them.
    expect(notesOf(stepById(run, "dvp-responder-locks"))).to.deep.equal([
      {
        thai: { type: "time", time: big(thLocks[0].event.args.timelock) },
        hk: { type: "time", time: big(hkLocks[0].event.args.timelock) },
        minutes: { type: "number", value: MARGIN / 60n },
      },
    ]);
  });

  it("leaves the hand-computed balances on the Hong Kong chain: bonds, wHKD, an empty escrow", async function () {
    const tokens = hkTokensOf(ledger);
    const holders = await hkHolders(ledger);
    const expected: Partial<Record<HkToken, Partial<Record<HkHolder, bigint>>>> = {
      wHKD: {
        hkma: FINAL_WHKD_HKMA,
        harbourBank: FINAL_WHKD_HARBOUR,
        victoriaBank: FINAL_WHKD_VICTORIA,
        lionRockBank: FINAL_WHKD_LION_ROCK,
      },
      bond: { harbourBank: FINAL_BOND_HARBOUR, chaoPhrayaBank: FINAL_BOND_CHAO_PHRAYA },
    };
    const sheet: Record<string, Record<string, bigint>> = {};
    const want: Record<string, Record<string, bigint>> = {};
    for (const t of HK_TOKENS) {
      sheet[t] = {};
      want[t] = {};
      for (const [key, address] of holders) {
        sheet[t][key] = await tokens[t].balanceOf(address);
        want[t][key] = expected[t]?.[key] ?? 0n;
      }
    }
    expect(sheet).to.deep.equal(want);
    // The runner's last sheet reads the same on chain "hk".
    const final = (token: { target: unknown }, holder: string): bigint => balanceIn(run.finalBalances, "hk", String(token.target), holder);
    const [harbour, chaoPhraya] = [ledger.participants.harbourBank.address, ledger.twoChains.chaoPhrayaBank];
    expect([final(ledger.wcbdc, harbour), final(ledger.wcbdc, chaoPhraya), final(ledger.wcbdc, hkEscrow)]).to.deep.equal([FINAL_WHKD_HARBOUR, 0n, 0n]);
    expect([final(ledger.bond, harbour), final(ledger.bond, chaoPhraya), final(ledger.bond, hkEscrow)]).to.deep.equal([
      FINAL_BOND_HARBOUR,
      FINAL_BOND_CHAO_PHRAYA,
      0n,
    ]);
  });

  it("leaves the hand-computed wTHB on the Thai chain, and an empty escrow", async function () {
    const wTHB = ledger.twoChains.th.wTHB;
    const sheet: Partial<Record<ThHolder, bigint>> = {};
    for (const [key, address] of await thHolders(ledger)) sheet[key] = await wTHB.balanceOf(address);
    expect(sheet).to.deep.equal({
      chaoPhrayaBank: FINAL_WTHB_CHAO_PHRAYA,
      harbourBank: FINAL_WTHB_HARBOUR,
      bankOfThailand: 0n,
      thaiEscrow: 0n,
    });
    // The runner's last sheet reads the same on chain "th".
    const wthb = await wTHB.getAddress();
    expect(
      [ledger.twoChains.chaoPhrayaBank, ledger.participants.harbourBank.address, thaiEscrow].map((holder) => balanceIn(run.finalBalances, "th", wthb, holder)),
    ).to.deep.equal([FINAL_WTHB_CHAO_PHRAYA, FINAL_WTHB_HARBOUR, 0n]);
    // Chao Phraya paid for 60 units exactly what Harbour received.
    expect(MINT_WTHB_CHAO_PHRAYA - FINAL_WTHB_CHAO_PHRAYA).to.equal(FINAL_WTHB_HARBOUR);
    expect(FINAL_WTHB_HARBOUR).to.equal(BOND_PRICE_THB + DVP2_THB);
  });

  it("conserves wTHB on the Thai chain and the bond (and wHKD) on the Hong Kong chain", async function () {
    expect(await ledger.twoChains.th.wTHB.totalSupply()).to.equal(WTHB_SUPPLY);
    expect(FINAL_WTHB_CHAO_PHRAYA + FINAL_WTHB_HARBOUR).to.equal(WTHB_SUPPLY);
    expect(MINT_WTHB_CHAO_PHRAYA).to.equal(WTHB_SUPPLY);
    expect(await ledger.bond.totalSupply()).to.equal(BOND_SUPPLY);
    expect(FINAL_BOND_HARBOUR + FINAL_BOND_CHAO_PHRAYA).to.equal(BOND_SUPPLY);
    expect(ISSUED_UNITS).to.equal(BOND_SUPPLY);
    expect(await ledger.wcbdc.totalSupply()).to.equal(WHKD_SUPPLY);
    expect(FINAL_WHKD_HKMA + FINAL_WHKD_HARBOUR + FINAL_WHKD_VICTORIA + FINAL_WHKD_LION_ROCK).to.equal(WHKD_SUPPLY);
    expect(OPEN_WHKD_HARBOUR + OPEN_WHKD_VICTORIA + OPEN_WHKD_LION_ROCK + PVP_HKD).to.equal(WHKD_SUPPLY);
    for (const d of [ledger.deposits.harbourBank, ledger.deposits.victoriaBank, ledger.deposits.lionRockBank]) {
      expect(await d.totalSupply()).to.equal(0n);
    }
  });

  it("its JSON report validates against the schema and lists every participant and token once", async function () {
    const doc = reportOf(run);
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.scenario).to.deep.equal({ name: "cross-chain-dvp", description: scenario.description, chainCount: 2 });
    expect(doc.ok).to.equal(true);
    const harbour = ledger.participants.harbourBank.address;
    const { chaoPhrayaBank, bankOfThailand } = ledger.twoChains;
    const wthb = await ledger.twoChains.th.wTHB.getAddress();
    expect(
      doc.chains.map((c) => ({
        key: c.key,
        name: c.name,
        chainId: c.chainId,
        participants: c.participants.map((p) => [p.name, p.address]),
        tokens: c.tokens.map((t) => [t.symbol, t.kind, t.currency, t.address]),
        contracts: c.contracts.map((x) => [x.name, x.address]),
      })),
    ).to.deep.equal([
      {
        key: "hk",
        name: "Hong Kong chain",
        chainId: 31337,
        participants: [...PARTICIPANTS.map((p) => [p.name, ledger.participants[p.key].address]), ["Chao Phraya Bank", chaoPhrayaBank]],
        tokens: [
          ["wHKD", "wCBDC", "HKD", ledger.wcbdc.target],
          ["hbHKD", "tokenizedDeposit", "HKD", ledger.deposits.harbourBank.target],
          ["vbHKD", "tokenizedDeposit", "HKD", ledger.deposits.victoriaBank.target],
          ["lrHKD", "tokenizedDeposit", "HKD", ledger.deposits.lionRockBank.target],
          [ledger.bondTerms.issueNumber, "governmentBond", "HKD", ledger.bond.target],
        ],
        contracts: [
          ["settlement engine", ledger.engine.target],
          ["tender", ledger.issuance.target],
          ["paying agent", ledger.payingAgent.target],
          ["registry", ledger.registry.target],
          ["HK escrow", hkEscrow],
        ],
      },
      {
        key: "th",
        name: "Thai chain",
        chainId: 31338,
        participants: [
          ["Bank of Thailand", bankOfThailand],
          ["Chao Phraya Bank", chaoPhrayaBank],
          ["Harbour Bank", harbour],
        ],
        tokens: [["wTHB", "wCBDC", "THB", wthb]],
        contracts: [["Thai escrow", thaiEscrow]],
      },
    ]);
    // Each transaction names the chain it ran on.
    expect(doc.steps.filter((s) => s.id.startsWith("dvp-")).map((s) => [s.id, s.transactions.map((t) => t.chain)])).to.deep.equal([
      ["dvp-initiator-locks", ["th"]],
      ["dvp-responder-locks", ["hk"]],
      ["dvp-initiator-claims", ["hk"]],
      ["dvp-responder-claims", ["th"]],
    ]);
    // The Thai chain's final balances, as the report lists them.
    expect(doc.finalBalances.filter((b) => b.chain === "th").map((b) => [b.holder.name, b.token.symbol, b.amount])).to.deep.equal([
      ["Chao Phraya Bank", "wTHB", FINAL_WTHB_CHAO_PHRAYA.toString()],
      ["Harbour Bank", "wTHB", FINAL_WTHB_HARBOUR.toString()],
    ]);

    // Expected failures no longer have empty transactions: each refusal's attempt is there, reverted, with its decoded error.
    expectRefusalsRecorded(doc, run, Object.fromEntries(REFUSALS.map((id) => [id, { chain: "hk", via: "estimateGas", function: "lock" }])));
    // The wrong secret, refused to a call in a step that went on, is there too.
    const wrongSecret = (doc.steps.find((s) => s.id === "dvp2-wrong-secret")?.transactions ?? []).flatMap((t) => (t.status === "reverted" ? [t] : []));
    expect(wrongSecret.map((t) => [t.chain, t.function, t.via, t.error?.name])).to.deep.equal([["hk", "claim", "call", "WrongPreimage"]]);
  });
});
