import { expect } from "chai";
import { network } from "hardhat";

import type { LedgerConnection } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { parseMoney } from "../../src/domain/money.js";
import { runScenario, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { DEALS, type CrossChainLedger } from "../../src/scenarios/cross-chain-dvp.js";
import { convert, fxRate } from "../../src/domain/fx-quote.js";

/**
 * Scenario `cross-chain-dvp` (src/scenarios/cross-chain-dvp.ts) on two in-process networks of its
 * own: the Hong Kong chain (chain id 31337: the Hong Kong ledger plus a hashed time-locked escrow)
 * and the Thai chain (chain id 31338: its own registry, wTHB and escrow). Chao Phraya Bank initiates
 * every deal (it knows the secret): it locks THB on the Thai chain for two hours; Harbour Bank locks
 * on the Hong Kong chain one hour less. Amounts in minor units (cents / satang); bonds in units.
 *
 *   step  what                                                    Hong Kong chain                   Thai chain
 *    1    HKMA credits the banks (opening wHKD)                   wHKD Harbour +1,500,000,000.00,
 *                                                                 Victoria +1,200,000,000.00,
 *                                                                 Lion Rock +800,000,000.00
 *    2    Harbour authorises the engine on the bond               —
 *    3    issue 200 units to Harbour at 49,925.00                 wHKD Harbour −9,985,000.00,
 *                                                                 HKMA +9,985,000.00; bond Harbour +200
 *    4    Bank of Thailand mints; HKMA mints for the PvP          wHKD Harbour +1,000,000.00        wTHB Chao Phraya +500,000,000.00
 *    5    DVP-0001: Chao Phraya locks THB 11,403,000.00                                             wTHB Chao Phraya −, Thai escrow +
 *    6    Harbour locks 50 units                                  bond Harbour −50, HK escrow +50
 *    7    Chao Phraya claims the bonds (secret revealed)          bond HK escrow −50, Chao Phraya +50
 *    8    Harbour claims the THB                                                                    wTHB Thai escrow −, Harbour +11,403,000.00
 *    9    PvP: Chao Phraya locks THB 4,561,200.00                                                   wTHB Chao Phraya −, Thai escrow +
 *   10    two hours later: refunded                                                                 wTHB Thai escrow −, Chao Phraya +4,561,200.00
 *   11    a five-minute lock: TimelockTooShort                    nothing (an allowance only)
 *   12    DVP-0002: both lock 10 units / THB 2,280,600.00         bond Harbour −10, HK escrow +10   wTHB Chao Phraya −, Thai escrow +
 *   13    Chao Phraya claims the bonds                            bond HK escrow −10, Chao Phraya +10
 *   14    Harbour claims the THB itself                                                             wTHB Thai escrow −, Harbour +2,280,600.00
 *
 * Harbour Bank never locks its HKD for the PvP: no wHKD ever reaches an escrow.
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
// Harbour wHKD: 1,500,000,000.00 − 9,985,000.00 (issue) + 1,000,000.00 (HKMA, for the PvP it never locks) = 1,491,015,000.00
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
//   − 2,280,600.00 (DVP-0002) = 486,316,400.00
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
    ["chaoPhrayaBank", ledger.chains.chaoPhrayaBank],
    ["hkEscrow", await ledger.chains.hk.htlc.getAddress()],
    ["engine", await ledger.engine.getAddress()],
    ["payingAgent", await ledger.payingAgent.getAddress()],
  ];
}

async function thHolders(ledger: CrossChainLedger): Promise<[ThHolder, string][]> {
  return [
    ["chaoPhrayaBank", ledger.chains.chaoPhrayaBank],
    ["harbourBank", ledger.participants.harbourBank.address],
    ["bankOfThailand", ledger.chains.bankOfThailand],
    ["thaiEscrow", await ledger.chains.th.htlc.getAddress()],
  ];
}

/** What a step moved, as "holder token" → change (Thai-chain tokens read "wTHB (Thai chain)"). */
function moved(run: ScenarioRun, step: StepResult): Record<string, bigint> {
  return Object.fromEntries(
    step.changes.map((c) => [
      `${run.book.label(c.holder)} ${c.token.kind === "government bond" ? "bond" : c.token.symbol}`,
      c.after - c.before,
    ]),
  );
}

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";

describe("scenario: cross-chain-dvp", function () {
  let hk: LedgerConnection;
  let th: LedgerConnection;
  let ledger: CrossChainLedger;
  let run: ScenarioRun;

  before(async function () {
    hk = await network.create();
    th = await network.create({ override: { chainId: 31338 } });
    if (scenario.deploy === undefined) throw new Error("cross-chain-dvp deploys its own two chains");
    const thConnection = th;
    ledger = await scenario.deploy(hk, { second: async () => thConnection });
    run = await runScenario(scenario, ledger);
  });

  after(async function () {
    await hk.close();
    await th.close();
  });

  it("runs on two chains and deals the amounts the hand figures use", async function () {
    expect((await hk.ethers.provider.getNetwork()).chainId).to.equal(31337n);
    expect(ledger.chains.th.chainId).to.equal(31338n);
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
    expect(await ledger.chains.hk.htlc.MIN_TIMELOCK()).to.equal(MIN_TIMELOCK);
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.index + 1} ${s.status} ${s.reason ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(18);
  });

  it("ends each step as designed: only the too-short lock and the lock over the record date are refused", function () {
    expect(run.steps.map((s) => s.status)).to.deep.equal([
      OK, // 1 opening wHKD
      OK, // 2 Harbour authorises the engine
      OK, // 3 issue
      OK, // 4 wTHB to Chao Phraya, wHKD to Harbour
      OK, // 5 DVP-0001 initiator locks
      OK, // 6 responder locks
      OK, // 7 initiator claims
      OK, // 8 responder claims
      OK, // 9 PvP initiator locks
      OK, // 10 PvP refunded
      REFUSED, // 11 five-minute lock
      OK, // 12 DVP-0002 both lock, wrong secret refused
      OK, // 13 initiator claims
      OK, // 14 responder claims without a coordinator
      OK, // 15 PVP-0002 both lock, the initiator never reveals
      OK, // 16 responder's lock refunded
      OK, // 17 initiator's lock refunded
      REFUSED, // 18 a bond lock over the record date
    ]);
  });

  it("refuses the five-minute lock (TimelockTooShort), moving nothing", async function () {
    const step = run.steps[10];
    const match = /^TimelockTooShort\((\d+), (\d+)\)$/.exec(step.reason ?? "");
    expect(match, step.reason).to.not.equal(null);
    const asked = BigInt(match?.[1] ?? "0");
    const earliest = BigInt(match?.[2] ?? "0");
    // Only the allowance went through; the lock itself was refused.
    expect(step.transactions.map((t) => t.label)).to.deep.equal(["Harbour Bank approves the escrow for this lock"]);
    expect(step.changes).to.deep.equal([]);
    // asked = the clock before the step + 300 s; earliest = the lock's block time + MIN_TIMELOCK (600 s).
    const provider = hk.ethers.provider;
    const approve = await provider.getTransactionReceipt(step.transactions[0].hash);
    if (approve === null) throw new Error("no receipt for the approval");
    const before = await provider.getBlock(approve.blockNumber - 1);
    const approved = await provider.getBlock(approve.blockNumber);
    if (before === null || approved === null) throw new Error("missing Hong Kong chain blocks");
    expect(asked).to.equal(BigInt(before.timestamp) + 300n);
    expect(earliest - MIN_TIMELOCK).to.be.greaterThan(BigInt(approved.timestamp) - 1n);
    expect(earliest - asked).to.be.at.least(MIN_TIMELOCK - 300n + 2n);
    // Nothing of Harbour's is locked: the HK escrow holds no bond after the step.
    const afterStep = run.steps[11].changes.find((c) => c.token.kind === "government bond" && c.holder === ledger.chains.hk.htlc.target);
    expect(afterStep?.before).to.equal(0n);
  });

  it("finding 6: refuses a bond lock whose window holds the coupon record date, in the coordinator and in the escrow, moving nothing", async function () {
    const step = run.steps[17];
    const recordDate = await ledger.bond.recordDate(0);
    const match = /^LockSpansEntitlementDate\((\S+), (\d+), (\d+)\)$/.exec(step.reason ?? "");
    expect(match, step.reason).to.not.equal(null);
    expect(match?.[1]).to.equal(ledger.bondTerms.issueNumber); // the bond, by its symbol
    expect(BigInt(match?.[2] ?? "0")).to.equal(recordDate);
    // The lock would have lasted two hours from half an hour before the record date.
    expect(BigInt(match?.[3] ?? "0")).to.equal(recordDate - 1_800n + DEALS.initiatorTimeout);
    expect(step.notes.some((n) => n.startsWith("coordinator: the lock of") && n.includes(`record date or maturity at ${recordDate}`))).to.equal(true);
    // Only the exact approval for the refused lock went through; no lock, no balance moved.
    expect(step.transactions.map((t) => t.label)).to.deep.equal(["Harbour Bank approves the escrow for this lock"]);
    expect(step.changes).to.deep.equal([]);
    expect(await ledger.bond.balanceOf(ledger.chains.hk.htlc.target as string)).to.equal(0n);
  });

  it("moves each leg on its own chain as the narrative says", function () {
    expect(moved(run.steps[2]), "issue").to.deep.equal({
      "HKMA wHKD": ISSUE_PROCEEDS,
      "Harbour Bank wHKD": -ISSUE_PROCEEDS,
      "Harbour Bank bond": ISSUED_UNITS,
    });
    expect(moved(run.steps[3]), "mints").to.deep.equal({
      "Harbour Bank wHKD": PVP_HKD,
      "Chao Phraya Bank wTHB (Thai chain)": MINT_WTHB_CHAO_PHRAYA,
    });
    expect(moved(run.steps[4]), "DVP-0001 initiator locks").to.deep.equal({
      "Chao Phraya Bank wTHB (Thai chain)": -BOND_PRICE_THB,
      "Thai escrow wTHB (Thai chain)": BOND_PRICE_THB,
    });
    expect(moved(run.steps[5]), "DVP-0001 responder locks").to.deep.equal({
      "Harbour Bank bond": -BOND_UNITS,
      "HK escrow bond": BOND_UNITS,
    });
    expect(moved(run.steps[6]), "DVP-0001 initiator claims").to.deep.equal({
      "Chao Phraya Bank bond": BOND_UNITS,
      "HK escrow bond": -BOND_UNITS,
    });
    expect(moved(run.steps[7]), "DVP-0001 responder claims").to.deep.equal({
      "Harbour Bank wTHB (Thai chain)": BOND_PRICE_THB,
      "Thai escrow wTHB (Thai chain)": -BOND_PRICE_THB,
    });
    expect(moved(run.steps[11]), "DVP-0002 both lock").to.deep.equal({
      "Chao Phraya Bank wTHB (Thai chain)": -DVP2_THB,
      "Thai escrow wTHB (Thai chain)": DVP2_THB,
      "Harbour Bank bond": -DVP2_UNITS,
      "HK escrow bond": DVP2_UNITS,
    });
    expect(moved(run.steps[12]), "DVP-0002 initiator claims").to.deep.equal({
      "Chao Phraya Bank bond": DVP2_UNITS,
      "HK escrow bond": -DVP2_UNITS,
    });
    expect(moved(run.steps[13]), "DVP-0002 responder claims").to.deep.equal({
      "Harbour Bank wTHB (Thai chain)": DVP2_THB,
      "Thai escrow wTHB (Thai chain)": -DVP2_THB,
    });
    expect(run.steps[1].changes, "authorisation").to.deep.equal([]);
  });

  it("refunds the PvP Harbour never locked: Chao Phraya's THB is whole again, no HKD moved", function () {
    const [lock, refund] = [run.steps[8], run.steps[9]];
    expect(moved(lock)).to.deep.equal({
      "Chao Phraya Bank wTHB (Thai chain)": -PVP_THB,
      "Thai escrow wTHB (Thai chain)": PVP_THB,
    });
    expect(moved(refund)).to.deep.equal({
      "Chao Phraya Bank wTHB (Thai chain)": PVP_THB,
      "Thai escrow wTHB (Thai chain)": -PVP_THB,
    });
    const chaoPhraya = (s: StepResult): bigint | undefined =>
      s.changes.find((c) => c.holder === ledger.chains.chaoPhrayaBank && c.token.symbol === "wTHB (Thai chain)")?.after;
    // 500,000,000.00 − 11,403,000.00 (DVP-0001) − 4,561,200.00 (locked) = 484,035,800.00, then back to 488,597,000.00
    expect(chaoPhraya(lock)).to.equal(WTHB_CHAO_PHRAYA_BEFORE_PVP - PVP_THB);
    expect(chaoPhraya(refund)).to.equal(WTHB_CHAO_PHRAYA_BEFORE_PVP);
    expect(WTHB_CHAO_PHRAYA_BEFORE_PVP).to.equal(MINT_WTHB_CHAO_PHRAYA - BOND_PRICE_THB);
    expect(lock.transactions.map((t) => t.label)).to.deep.equal(["initiator locks"]);
    expect(refund.transactions.map((t) => t.label)).to.deep.equal(["initiator's lock refunded"]);
    // The HKD leg never left Harbour Bank: no step between the mint and the second PvP moved any wHKD.
    for (const s of run.steps.slice(4, 14)) {
      expect(s.changes.filter((c) => c.token.symbol === "wHKD"), s.title).to.deep.equal([]);
    }
  });

  it("refunds both locks of the PvP whose initiator never reveals: each bank whole, in the responder-first order", function () {
    const [locks, responderRefund, initiatorRefund] = [run.steps[14], run.steps[15], run.steps[16]];
    expect(locks.transactions.map((t) => t.label)).to.deep.equal(["initiator locks", "responder locks"]);
    expect(moved(locks)).to.deep.equal({
      "Harbour Bank wHKD": -PVP_HKD,
      "HK escrow wHKD": PVP_HKD,
      "Chao Phraya Bank wTHB (Thai chain)": -PVP_THB,
      "Thai escrow wTHB (Thai chain)": PVP_THB,
    });
    expect(responderRefund.transactions.map((t) => t.label)).to.deep.equal(["responder's lock refunded"]);
    expect(moved(responderRefund)).to.deep.equal({ "Harbour Bank wHKD": PVP_HKD, "HK escrow wHKD": -PVP_HKD });
    expect(initiatorRefund.transactions.map((t) => t.label)).to.deep.equal(["initiator's lock refunded"]);
    expect(moved(initiatorRefund)).to.deep.equal({
      "Chao Phraya Bank wTHB (Thai chain)": PVP_THB,
      "Thai escrow wTHB (Thai chain)": -PVP_THB,
    });
  });

  it("closes every escrow lock: both DvPs claimed on both chains, the PvPs refunded, time locks an hour apart", async function () {
    const { hk: hkChain, th: thChain } = ledger.chains;
    const thLocks = await thChain.htlc.queryFilter(thChain.htlc.filters.Locked());
    const hkLocks = await hkChain.htlc.queryFilter(hkChain.htlc.filters.Locked());
    expect(thLocks.map((e) => e.args.amount)).to.deep.equal([BOND_PRICE_THB, PVP_THB, DVP2_THB, PVP_THB]);
    expect(hkLocks.map((e) => e.args.amount)).to.deep.equal([BOND_UNITS, DVP2_UNITS, PVP_HKD]);
    const thStates = await Promise.all(thLocks.map(async (e) => (await thChain.htlc.getLock(e.args.lockId)).state));
    const hkStates = await Promise.all(hkLocks.map(async (e) => (await hkChain.htlc.getLock(e.args.lockId)).state));
    expect(thStates).to.deep.equal([CLAIMED, REFUNDED, CLAIMED, REFUNDED]);
    expect(hkStates).to.deep.equal([CLAIMED, CLAIMED, REFUNDED]);
    expect([...thStates, ...hkStates]).to.not.include(LOCKED);
    // Each DvP: the same hash lock on both chains, the Hong Kong lock ending one hour before the Thai one.
    for (const [thai, hongKong] of [
      [thLocks[0], hkLocks[0]],
      [thLocks[2], hkLocks[1]],
    ]) {
      expect(hongKong.args.hashlock).to.equal(thai.args.hashlock);
      expect(thai.args.timelock - hongKong.args.timelock).to.equal(MARGIN);
      const block = await th.ethers.provider.getBlock(thai.blockNumber);
      if (block === null) throw new Error("missing Thai chain block");
      // two hours from the Thai clock the coordinator read just before locking
      expect(thai.args.timelock).to.be.lessThan(BigInt(block.timestamp) + TIMEOUT);
      expect(thai.args.timelock).to.be.at.least(BigInt(block.timestamp) + TIMEOUT - 30n);
    }
    expect(run.steps[5].notes.some((n) => n.endsWith(`— ${MARGIN / 60n} minutes apart`))).to.equal(true);
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
    // The runner's last sheet reads the same (keyed by token address on the Hong Kong chain).
    const wHKD = run.finalBalances[ledger.wcbdc.target as string];
    const bond = run.finalBalances[ledger.bond.target as string];
    const hkEscrow = await ledger.chains.hk.htlc.getAddress();
    expect([wHKD[ledger.participants.harbourBank.address], wHKD[ledger.chains.chaoPhrayaBank], wHKD[hkEscrow]]).to.deep.equal([
      FINAL_WHKD_HARBOUR,
      0n,
      0n,
    ]);
    expect([bond[ledger.participants.harbourBank.address], bond[ledger.chains.chaoPhrayaBank], bond[hkEscrow]]).to.deep.equal([
      FINAL_BOND_HARBOUR,
      FINAL_BOND_CHAO_PHRAYA,
      0n,
    ]);
  });

  it("leaves the hand-computed wTHB on the Thai chain, and an empty escrow", async function () {
    const wTHB = ledger.chains.th.wTHB;
    const sheet: Partial<Record<ThHolder, bigint>> = {};
    for (const [key, address] of await thHolders(ledger)) sheet[key] = await wTHB.balanceOf(address);
    expect(sheet).to.deep.equal({
      chaoPhrayaBank: FINAL_WTHB_CHAO_PHRAYA,
      harbourBank: FINAL_WTHB_HARBOUR,
      bankOfThailand: 0n,
      thaiEscrow: 0n,
    });
    const row = run.finalBalances[`Thai chain:${await wTHB.getAddress()}`];
    const thaiEscrow = await ledger.chains.th.htlc.getAddress();
    expect([row[ledger.chains.chaoPhrayaBank], row[ledger.participants.harbourBank.address], row[thaiEscrow]]).to.deep.equal([
      FINAL_WTHB_CHAO_PHRAYA,
      FINAL_WTHB_HARBOUR,
      0n,
    ]);
    // Chao Phraya paid for 60 units exactly what Harbour received.
    expect(MINT_WTHB_CHAO_PHRAYA - FINAL_WTHB_CHAO_PHRAYA).to.equal(FINAL_WTHB_HARBOUR);
    expect(FINAL_WTHB_HARBOUR).to.equal(BOND_PRICE_THB + DVP2_THB);
  });

  it("conserves wTHB on the Thai chain and the bond (and wHKD) on the Hong Kong chain", async function () {
    expect(await ledger.chains.th.wTHB.totalSupply()).to.equal(WTHB_SUPPLY);
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
});
