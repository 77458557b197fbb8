import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import { network } from "hardhat";

import type { CrossBorderLedger } from "../../src/chain/deploy-cross-border.js";
import type { ErrorFact } from "../../src/chain/facts.js";
import { CROSS_BORDER_PARTICIPANTS, type CrossBorderKey } from "../../src/domain/cross-border.js";
import type { LedgerConnection } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { balanceIn } from "../../src/runner/balances.js";
import { runScenario, stepById, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import type { NoteValue } from "../../src/runner/types.js";
import scenario, { FX } from "../../src/scenarios/cross-border-pvp.js";
import { convert, fxRate } from "../../src/domain/fx-quote.js";
import { moved } from "../helpers/scenario-sheet.js";
import { attemptsOf, expectRefusalsRecorded, minedIn, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `cross-border-pvp` (src/scenarios/cross-border-pvp.ts) on an in-process network of its own:
 * one shared (mBridge-style) ledger carrying HKD, THB and BRL central-bank money and each
 * jurisdiction's bank deposits; Victoria Bank is the FX dealer. Every figure is worked out by hand;
 * every assertion reads the run's facts (decoded errors, events, observations), never its wording.
 * Amounts in minor units (cents / satang / centavos) — all three currencies have two decimals.
 *
 * Rates (minor units of the second currency per minor unit of HKD, × 1e18; settleFx pays
 * floor(fromAmount × rate / 1e18)):
 *   HKD/THB 4.5612 → 4_561_200_000_000_000_000   HKD/BRL 0.7031 → 703_100_000_000_000_000
 *
 *   step                        what                                           moves
 *   central-banks-issue-wcbdc   central banks mint                             wHKD Harbour +1,500,000,000.00;
 *                                                                              wTHB Chao Phraya +500,000,000.00, Victoria +100,000,000.00;
 *                                                                              wBRL Banco Ipanema +50,000,000.00, Victoria +10,000,000.00
 *   banks-credit-deposits       banks credit customers                         hbHKD Peak +120,000,000.00; cpTHB Siam Rice +10,000,000.00;
 *                                                                              ipBRL Rio Coffee +1,000,000.00
 *   pvp-hkd-thb-interbank       FX-0001 Harbour → Chao Phraya,                 wHKD Harbour −10,000,000.00, Victoria +10,000,000.00;
 *                               HKD 10,000,000.00 × 4.5612 = THB 45,612,000.00 wTHB Victoria −45,612,000.00, Chao Phraya +45,612,000.00
 *   quote-reused                the same quote again: FxQuoteNonceUsed         nothing
 *   quote-wrong-taker           Peak takes a quote made to Harbour Bank:       nothing
 *                               FxQuoteNotForCaller
 *   pvp-customer-hk-to-th       FX-0003 Peak → Siam Rice, HKD 2,500,000.00     hbHKD Peak −2,500,000.00 (burned); wHKD Harbour −, Victoria +;
 *                               × 4.5612 = THB 11,403,000.00                   wTHB Victoria −, Chao Phraya +; cpTHB Siam Rice +11,403,000.00 (minted)
 *   pvp-customer-hk-to-br       FX-0004 Peak → Rio Coffee, HKD 1,000,000.00    hbHKD Peak −1,000,000.00 (burned); wHKD Harbour −, Victoria +;
 *                               × 0.7031 = BRL 703,100.00                      wBRL Victoria −, Banco Ipanema +; ipBRL Rio Coffee +703,100.00 (minted)
 *   quote-stale                 stale quote (expiry + 60 s): FxQuoteExpired    nothing
 *   dealer-short-of-thb         HKD 50,000,000.00 × 4.5612 = THB 228,060,000.00 nothing
 *                               against the dealer's THB 42,985,000.00:
 *                               PENF/MONY, ERC20InsufficientBalance
 *   beneficiary-not-customer    Peak → Rio Coffee in cpTHB: XELG,              nothing (Peak's approval for it stays unspent)
 *                               NotCustomerOfBank
 *   wthb-paused                 wTHB paused, Harbour → Chao Phraya refused:    nothing
 *                               XPAU, EnforcedPause
 *   wthb-unpaused               wTHB unpaused                                  nothing
 *
 * Peak approves the engine for each of its payments, exactly (steps 6, 7, 10); quotes name their taker.
 *
 * All three conversions are exact (no rounding down): the amounts are whole multiples of 10,000 minor units.
 */

// ---- rates, as settleFx reads them ----
const RATE_HKD_THB = 4_561_200_000_000_000_000n; // 4.5612 × 1e18 (2 → 2 minor units)
const RATE_HKD_BRL = 703_100_000_000_000_000n; // 0.7031 × 1e18

// ---- what the central banks mint and the banks credit ----
const MINT_WHKD_HARBOUR = 150_000_000_000n; // HKD 1,500,000,000.00
const MINT_WTHB_CHAO_PHRAYA = 50_000_000_000n; // THB 500,000,000.00
const MINT_WTHB_VICTORIA = 10_000_000_000n; // THB 100,000,000.00
const MINT_WBRL_IPANEMA = 5_000_000_000n; // BRL 50,000,000.00
const MINT_WBRL_VICTORIA = 1_000_000_000n; // BRL 10,000,000.00
const CREDIT_PEAK = 12_000_000_000n; // HKD 120,000,000.00 hbHKD
const CREDIT_SIAM_RICE = 1_000_000_000n; // THB 10,000,000.00 cpTHB
const CREDIT_RIO_COFFEE = 100_000_000n; // BRL 1,000,000.00 ipBRL

// ---- the three settled PvPs ----
const FX1_HKD = 1_000_000_000n; // HKD 10,000,000.00
const FX1_THB = 4_561_200_000n; // × 4.5612 = THB 45,612,000.00
const FX3_HKD = 250_000_000n; // HKD 2,500,000.00
const FX3_THB = 1_140_300_000n; // × 4.5612 = THB 11,403,000.00
const FX4_HKD = 100_000_000n; // HKD 1,000,000.00
const FX4_BRL = 70_310_000n; // × 0.7031 = BRL 703,100.00

// ---- the refused dealer-short PvP ----
const SHORT_HKD = 5_000_000_000n; // HKD 50,000,000.00 (the quote's maximum)
const SHORT_THB = 22_806_000_000n; // × 4.5612 = THB 228,060,000.00

// ---- final balances, by hand ----
// Harbour wHKD: 1,500,000,000.00 − 10,000,000.00 (FX-0001) − 2,500,000.00 (FX-0003 for Peak) − 1,000,000.00 (FX-0004 for Peak)
//   = 1,486,500,000.00
const FINAL_WHKD_HARBOUR = 148_650_000_000n;
// Victoria wHKD: 0 + 10,000,000.00 + 2,500,000.00 + 1,000,000.00 = 13,500,000.00
const FINAL_WHKD_VICTORIA = 1_350_000_000n;
// Peak hbHKD: 120,000,000.00 − 2,500,000.00 − 1,000,000.00 = 116,500,000.00
const FINAL_HBHKD_PEAK = 11_650_000_000n;
// Victoria wTHB: 100,000,000.00 − 45,612,000.00 − 11,403,000.00 = 42,985,000.00
const FINAL_WTHB_VICTORIA = 4_298_500_000n;
// Chao Phraya wTHB: 500,000,000.00 + 45,612,000.00 + 11,403,000.00 = 557,015,000.00
const FINAL_WTHB_CHAO_PHRAYA = 55_701_500_000n;
// Siam Rice cpTHB: 10,000,000.00 + 11,403,000.00 = 21,403,000.00
const FINAL_CPTHB_SIAM_RICE = 2_140_300_000n;
// Victoria wBRL: 10,000,000.00 − 703,100.00 = 9,296,900.00
const FINAL_WBRL_VICTORIA = 929_690_000n;
// Banco Ipanema wBRL: 50,000,000.00 + 703,100.00 = 50,703,100.00
const FINAL_WBRL_IPANEMA = 5_070_310_000n;
// Rio Coffee ipBRL: 1,000,000.00 + 703,100.00 = 1,703,100.00
const FINAL_IPBRL_RIO_COFFEE = 170_310_000n;

// ---- supplies ----
// wCBDC: exactly what each central bank minted (FX moves central-bank money, never creates it)
const WHKD_SUPPLY = 150_000_000_000n; // HKD 1,500,000,000.00
const WTHB_SUPPLY = 60_000_000_000n; // THB 500,000,000.00 + 100,000,000.00 = 600,000,000.00
const WBRL_SUPPLY = 6_000_000_000n; // BRL 50,000,000.00 + 10,000,000.00 = 60,000,000.00
// Deposits: credits − burns (payer side) + mints (beneficiary side of an FX)
const HBHKD_SUPPLY = 11_650_000_000n; // 120,000,000.00 − 2,500,000.00 − 1,000,000.00 = 116,500,000.00
const CPTHB_SUPPLY = 2_140_300_000n; // 10,000,000.00 + 11,403,000.00 = 21,403,000.00
const IPBRL_SUPPLY = 170_310_000n; // 1,000,000.00 + 703,100.00 = 1,703,100.00

// ---- the dealer's FX-quote nonces (their own space): key 7 in the upper 192 bits, sequence in the lower 64 ----
const NONCE_KEY = 7n;
const NONCE_OF_FX1 = 129_127_208_515_966_861_312n; // 7 × 2^64 + 0: FX-0001's quote
const NONCE_AFTER_FX1 = 129_127_208_515_966_861_313n; // 7 × 2^64 + 1: FX-0001 consumed sequence 0
const NONCE_AT_END = 129_127_208_515_966_861_315n; // 7 × 2^64 + 3: FX-0001, FX-0003, FX-0004 settled

type TokenKey = "wHKD" | "hbHKD" | "vbHKD" | "lrHKD" | "wTHB" | "cpTHB" | "wBRL" | "ipBRL" | "bond";
const TOKEN_KEYS: readonly TokenKey[] = ["wHKD", "hbHKD", "vbHKD", "lrHKD", "wTHB", "cpTHB", "wBRL", "ipBRL", "bond"];
type HolderKey = ParticipantKey | CrossBorderKey | "engine" | "payingAgent";
type Sheet = Record<TokenKey, Record<string, bigint>>;
interface Erc20View {
  balanceOf(account: string): Promise<bigint>;
  totalSupply(): Promise<bigint>;
}

function tokensOf(ledger: CrossBorderLedger): Record<TokenKey, Erc20View> {
  return {
    wHKD: ledger.wcbdc,
    hbHKD: ledger.deposits.harbourBank,
    vbHKD: ledger.deposits.victoriaBank,
    lrHKD: ledger.deposits.lionRockBank,
    wTHB: ledger.wTHB,
    cpTHB: ledger.cpTHB,
    wBRL: ledger.wBRL,
    ipBRL: ledger.ipBRL,
    bond: ledger.bond,
  };
}

async function holdersOf(ledger: CrossBorderLedger): Promise<[HolderKey, string][]> {
  return [
    ...PARTICIPANTS.map((p): [HolderKey, string] => [p.key, ledger.participants[p.key].address]),
    ...CROSS_BORDER_PARTICIPANTS.map((p): [HolderKey, string] => [p.key, ledger.foreign[p.key].address]),
    ["engine", await ledger.engine.getAddress()],
    ["payingAgent", await ledger.payingAgent.getAddress()],
  ];
}

/** Every participant, Hong Kong and foreign, and the engine and paying agent, in every token, read from the chain. */
async function chainSheet(ledger: CrossBorderLedger): Promise<Sheet> {
  const tokens = tokensOf(ledger);
  const holders = await holdersOf(ledger);
  const sheet = {} as Sheet;
  for (const t of TOKEN_KEYS) {
    sheet[t] = {};
    for (const [key, address] of holders) sheet[t][key] = await tokens[t].balanceOf(address);
  }
  return sheet;
}

/** The expected sheet: the given balances, zero for everyone else (engine and paying agent included). */
async function expectedSheet(ledger: CrossBorderLedger, nonZero: Record<TokenKey, Partial<Record<HolderKey, bigint>>>): Promise<Sheet> {
  const holders = await holdersOf(ledger);
  const sheet = {} as Sheet;
  for (const t of TOKEN_KEYS) {
    sheet[t] = {};
    for (const [key] of holders) sheet[t][key] = nonZero[t][key] ?? 0n;
  }
  return sheet;
}




/** Each transaction of the step as [from, function, to, status]. */
function callsOf(step: StepResult): [string | undefined, string | undefined, string | undefined, string][] {
  return step.transactions.map((t) => [t.from.name, t.function, t.to.name, t.status]);
}

/** The values of the step's notes (the dealer's quotes, here). */
function notesOf(step: StepResult): Readonly<Record<string, NoteValue>>[] {
  return step.observations.flatMap((o) => (o.kind === "note" ? [o.values] : []));
}

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** The refused PvPs, in order. */
const REFUSALS = ["quote-reused", "quote-wrong-taker", "quote-stale", "dealer-short-of-thb", "beneficiary-not-customer", "wthb-paused"];
/** `FailureReason` (contracts/settlement/Trade.sol) as `SettlementLegFailed` carries it, and the cash leg (`Leg` 1). */
const INSUFFICIENT_CASH = "2";
const NOT_ELIGIBLE = "4";
const PAUSED = "6";
const CASH_LEG = "1";
/** Every quote Victoria Bank gives covers up to HKD 50,000,000.00. */
const QUOTE_MAX: NoteValue = { type: "money", amount: 5_000_000_000n, currency: "HKD", decimals: 2 };

describe("scenario: cross-border-pvp", function () {
  let connection: LedgerConnection;
  let ledger: CrossBorderLedger;
  let run: ScenarioRun;
  let engine: string;

  before(async function () {
    connection = await network.create();
    if (scenario.deploy === undefined) throw new Error("cross-border-pvp deploys its own ledger");
    ledger = await scenario.deploy(connection, {
      second: () => {
        throw new Error("single ledger");
      },
    });
    run = await runScenario(scenario, ledger);
    engine = await ledger.engine.getAddress();
  });

  after(async function () {
    await connection.close();
  });

  /** A `SettlementLegFailed` on the cash leg as the run decodes it. */
  function cashLegFailed(reason: string, code: ErrorFact["reason"], token: { name: string; address: string }, error: string, values: readonly unknown[], args: Record<string, string>): ErrorFact {
    return {
      name: "SettlementLegFailed",
      args: { reason, leg: CASH_LEG, token: token.address, tokenError: ledger.cpTHB.interface.encodeErrorResult(error, values) },
      leg: "cash",
      token,
      ...(code === undefined ? {} : { reason: code }),
      tokenError: { name: error, args },
    };
  }

  /** What a quote note of Victoria Bank's shows: to which currency, at which rate, to whom, until when, with which nonce. */
  function quoted(to: "THB" | "BRL", taker: "harbourBank" | "peakAsset", nonce: bigint, expiry: bigint): Readonly<Record<string, NoteValue>> {
    return {
      to: { type: "text", value: to },
      rate: { type: "text", value: to === "THB" ? "4.5612" : "0.7031" },
      taker: { type: "text", value: ledger.participants[taker].name },
      max: QUOTE_MAX,
      expiry: { type: "time", time: expiry },
      nonce: { type: "number", value: nonce },
    };
  }

  it("quotes the rates and amounts the hand figures use", function () {
    expect(fxRate(FX.hkdThb)).to.equal(RATE_HKD_THB);
    expect(fxRate(FX.hkdBrl)).to.equal(RATE_HKD_BRL);
    expect(FX).to.deep.equal({
      hkdThb: "4.5612",
      hkdBrl: "0.7031",
      bankToBank: FX1_HKD,
      customerToCustomer: FX3_HKD,
      hkdToBrl: FX4_HKD,
      dealerThb: MINT_WTHB_VICTORIA,
      dealerBrl: MINT_WBRL_VICTORIA,
      chaoPhrayaThb: MINT_WTHB_CHAO_PHRAYA,
      bancoIpanemaBrl: MINT_WBRL_IPANEMA,
      siamRiceThb: CREDIT_SIAM_RICE,
      rioCoffeeBrl: CREDIT_RIO_COFFEE,
    });
    // floor(from × rate / 1e18), as settleFx computes it, agrees with the hand figures (none rounds).
    expect(convert(FX1_HKD, RATE_HKD_THB)).to.equal(FX1_THB);
    expect(convert(FX3_HKD, RATE_HKD_THB)).to.equal(FX3_THB);
    expect(convert(FX4_HKD, RATE_HKD_BRL)).to.equal(FX4_BRL);
    expect(convert(SHORT_HKD, RATE_HKD_THB)).to.equal(SHORT_THB);
    expect((FX1_HKD * RATE_HKD_THB) % 10n ** 18n).to.equal(0n);
    expect((FX3_HKD * RATE_HKD_THB) % 10n ** 18n).to.equal(0n);
    expect((FX4_HKD * RATE_HKD_BRL) % 10n ** 18n).to.equal(0n);
    expect(NONCE_OF_FX1).to.equal(NONCE_KEY << 64n);
    expect(NONCE_AFTER_FX1).to.equal((NONCE_KEY << 64n) + 1n);
    expect(NONCE_AT_END).to.equal((NONCE_KEY << 64n) + 3n);
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${JSON.stringify({ problem: s.problem, failure: s.failure })}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(12);
  });

  it("ends each step as designed: six refusals, everything else settles", function () {
    expect(run.steps.map((s) => [s.id, s.status])).to.deep.equal([
      ["central-banks-issue-wcbdc", OK],
      ["banks-credit-deposits", OK],
      ["pvp-hkd-thb-interbank", OK], // FX-0001 bank to bank
      ["quote-reused", REFUSED], // the used quote again
      ["quote-wrong-taker", REFUSED], // a quote taken by a client it was not made to
      ["pvp-customer-hk-to-th", OK], // FX-0003 customer to customer
      ["pvp-customer-hk-to-br", OK], // FX-0004 HKD → BRL
      ["quote-stale", REFUSED],
      ["dealer-short-of-thb", REFUSED],
      ["beneficiary-not-customer", REFUSED],
      ["wthb-paused", REFUSED],
      ["wthb-unpaused", OK],
    ]);
  });

  it("refuses a used quote (FxQuoteNonceUsed) and a quote taken by another client (FxQuoteNotForCaller)", function () {
    const P = ledger.participants;
    // The quote's nonce was sequence 0 of key 7; FX-0001 used it, so the dealer's current one is sequence 1.
    expect(refusalOf(stepById(run, "quote-reused"))).to.deep.equal({
      name: "FxQuoteNonceUsed",
      args: { dealer: P.victoriaBank.address, nonce: NONCE_OF_FX1.toString(), expected: NONCE_AFTER_FX1.toString() },
    });
    expect(refusalOf(stepById(run, "quote-wrong-taker"))).to.deep.equal({
      name: "FxQuoteNotForCaller",
      args: { caller: P.peakAsset.address, taker: P.harbourBank.address },
    });
    // FX-0001's quote carried that nonce; the quote Peak took was made to Harbour Bank, with the dealer's next one.
    const [fx1] = notesOf(stepById(run, "pvp-hkd-thb-interbank"));
    expect(fx1?.nonce).to.deep.equal({ type: "number", value: NONCE_OF_FX1 });
    const [notTaker] = notesOf(stepById(run, "quote-wrong-taker"));
    expect([notTaker?.taker, notTaker?.nonce]).to.deep.equal([
      { type: "text", value: "Harbour Bank" },
      { type: "number", value: NONCE_AFTER_FX1 },
    ]);
  });

  it("refuses the stale quote at its expiry, ten minutes after FX-0004 settled (FxQuoteExpired)", function () {
    const step = stepById(run, "quote-stale");
    // The quote was given at the time of FX-0004's block, valid 600 s; the clock then went to expiry + 60 s.
    const [fx4] = minedIn(stepById(run, "pvp-customer-hk-to-br")).filter((t) => t.function === "settleFx");
    if (fx4 === undefined) throw new Error("pvp-customer-hk-to-br: no settleFx mined");
    const expiry = BigInt(fx4.timestamp) + 600n;
    expect(refusalOf(step)).to.deep.equal({ name: "FxQuoteExpired", args: { expiry: expiry.toString() } });
    expect(step.observations.map((o) => o.kind)).to.deep.equal(["note", "clock"]);
    expect(notesOf(step)).to.deep.equal([quoted("THB", "harbourBank", NONCE_AT_END, expiry)]);
    expect(step.observations[1]).to.deep.equal({ kind: "clock", chain: "hk", time: expiry + 60n });
    // Nothing but the refused attempts was sent until Peak's approval in beneficiary-not-customer, mined after that clock move.
    for (const id of ["quote-stale", "dealer-short-of-thb"]) expect(minedIn(stepById(run, id)), id).to.deep.equal([]);
    const [approval] = minedIn(stepById(run, "beneficiary-not-customer"));
    expect(BigInt(approval?.timestamp ?? 0)).to.be.greaterThanOrEqual(expiry + 60n);
  });

  it("refuses the PvP the dealer is short for on the cash leg: THB 228,060,000.00 owed, THB 42,985,000.00 held (PENF/MONY)", function () {
    const victoria = ledger.participants.victoriaBank.address;
    expect(refusalOf(stepById(run, "dealer-short-of-thb"))).to.deep.equal(
      cashLegFailed(INSUFFICIENT_CASH, "MONY", { name: "wTHB", address: ledger.wTHB.target as string }, "ERC20InsufficientBalance", [victoria, FINAL_WTHB_VICTORIA, SHORT_THB], {
        sender: victoria,
        balance: FINAL_WTHB_VICTORIA.toString(),
        needed: SHORT_THB.toString(),
      }),
    );
  });

  it("refuses crediting a non-customer (XELG, NotCustomerOfBank) and paying into paused wTHB (XPAU, EnforcedPause), on the cash leg", async function () {
    const rio = ledger.foreign.rioCoffee.address;
    expect(refusalOf(stepById(run, "beneficiary-not-customer"))).to.deep.equal(
      cashLegFailed(NOT_ELIGIBLE, "XELG", { name: "cpTHB", address: ledger.cpTHB.target as string }, "NotCustomerOfBank", [rio], { account: rio }),
    );
    expect(refusalOf(stepById(run, "wthb-paused"))).to.deep.equal(
      cashLegFailed(PAUSED, "XPAU", { name: "wTHB", address: ledger.wTHB.target as string }, "EnforcedPause", [], {}),
    );
    expect(await ledger.wTHB.paused()).to.equal(false);
  });

  it("records each refused PvP as a reverted settleFx attempt, with its payer, payment reference and decoded error, moving nothing", function () {
    const P = ledger.participants;
    const attempted: Record<string, [string, string]> = {
      "quote-reused": [P.harbourBank.address, "FX-0002"],
      "quote-wrong-taker": [P.peakAsset.address, "FX-0002A"],
      "quote-stale": [P.harbourBank.address, "FX-0005"],
      "dealer-short-of-thb": [P.harbourBank.address, "FX-0006"],
      "beneficiary-not-customer": [P.peakAsset.address, "FX-0007"],
      "wthb-paused": [P.harbourBank.address, "FX-0008"],
    };
    expect(Object.keys(attempted)).to.deep.equal(REFUSALS);
    for (const id of REFUSALS) {
      const step = stepById(run, id);
      const [payer, paymentRef] = attempted[id];
      const attempts = attemptsOf(step);
      expect(attempts, id).to.have.length(1);
      expect(attempts[0], id).to.deep.include({
        status: "reverted",
        via: "estimateGas", // refused while its gas was estimated: nothing mined
        chain: { key: "hk", name: "shared multi-currency ledger", network: "default", chainId: 31337 },
        from: { name: payer === P.harbourBank.address ? "Harbour Bank" : "Peak Asset Management", address: payer },
        to: { name: "settlement engine", address: engine },
        function: "settleFx",
        revertData: step.failure?.kind === "refusal" ? step.failure.revertData : "no refusal",
      });
      expect(attempts[0].args?.paymentRef, id).to.equal(encodeBytes32String(paymentRef));
      expect(attempts[0].error, id).to.deep.equal(refusalOf(step));
      expect(step.transactions.at(-1), id).to.equal(attempts[0]);
      expect(step.changes, id).to.deep.equal([]);
    }
    // Besides the refused settlement, the non-customer step sent only Peak's approval for it, the paused step only the pause.
    const refused = (who: string): [string, string, string, string] => [who, "settleFx", "settlement engine", "reverted"];
    for (const id of ["quote-reused", "quote-stale", "dealer-short-of-thb"]) expect(callsOf(stepById(run, id)), id).to.deep.equal([refused("Harbour Bank")]);
    expect(callsOf(stepById(run, "quote-wrong-taker"))).to.deep.equal([refused("Peak Asset Management")]);
    expect(callsOf(stepById(run, "beneficiary-not-customer"))).to.deep.equal([
      ["Peak Asset Management", "approve", "hbHKD", "success"],
      refused("Peak Asset Management"),
    ]);
    expect(callsOf(stepById(run, "wthb-paused"))).to.deep.equal([
      ["Bank of Thailand", "pause", "wTHB", "success"],
      refused("Harbour Bank"),
    ]);
  });

  it("moves each PvP's legs as the cash-leg rules say, both currencies in one transaction", function () {
    expect(moved(stepById(run, "central-banks-issue-wcbdc")), "mints").to.deep.equal({
      "Harbour Bank wHKD": MINT_WHKD_HARBOUR,
      "Victoria Bank wTHB": MINT_WTHB_VICTORIA,
      "Chao Phraya Bank wTHB": MINT_WTHB_CHAO_PHRAYA,
      "Victoria Bank wBRL": MINT_WBRL_VICTORIA,
      "Banco Ipanema wBRL": MINT_WBRL_IPANEMA,
    });
    expect(moved(stepById(run, "banks-credit-deposits")), "credits").to.deep.equal({
      "Peak Asset Management hbHKD": CREDIT_PEAK,
      "Siam Rice Exporters cpTHB": CREDIT_SIAM_RICE,
      "Rio Coffee Traders ipBRL": CREDIT_RIO_COFFEE,
    });
    // FX-0001: wCBDC against wCBDC, no deposits.
    expect(moved(stepById(run, "pvp-hkd-thb-interbank")), "FX-0001").to.deep.equal({
      "Harbour Bank wHKD": -FX1_HKD,
      "Victoria Bank wHKD": FX1_HKD,
      "Victoria Bank wTHB": -FX1_THB,
      "Chao Phraya Bank wTHB": FX1_THB,
    });
    // FX-0003: Harbour burns Peak's hbHKD and pays the dealer in wHKD; the dealer pays Chao Phraya in wTHB,
    // which credits Siam Rice in cpTHB.
    expect(moved(stepById(run, "pvp-customer-hk-to-th")), "FX-0003").to.deep.equal({
      "Harbour Bank wHKD": -FX3_HKD,
      "Victoria Bank wHKD": FX3_HKD,
      "Peak Asset Management hbHKD": -FX3_HKD,
      "Victoria Bank wTHB": -FX3_THB,
      "Chao Phraya Bank wTHB": FX3_THB,
      "Siam Rice Exporters cpTHB": FX3_THB,
    });
    // FX-0004: the same into BRL through Banco Ipanema.
    expect(moved(stepById(run, "pvp-customer-hk-to-br")), "FX-0004").to.deep.equal({
      "Harbour Bank wHKD": -FX4_HKD,
      "Victoria Bank wHKD": FX4_HKD,
      "Peak Asset Management hbHKD": -FX4_HKD,
      "Victoria Bank wBRL": -FX4_BRL,
      "Banco Ipanema wBRL": FX4_BRL,
      "Rio Coffee Traders ipBRL": FX4_BRL,
    });
    expect(stepById(run, "wthb-unpaused").changes, "unpause").to.deep.equal([]);
    expect(callsOf(stepById(run, "pvp-hkd-thb-interbank"))).to.deep.equal([["Harbour Bank", "settleFx", "settlement engine", "success"]]);
    // A customer's PvP: its exact approval for that payment, then the settlement.
    for (const [id, amount] of [
      ["pvp-customer-hk-to-th", FX3_HKD],
      ["pvp-customer-hk-to-br", FX4_HKD],
    ] as const) {
      const step = stepById(run, id);
      expect(callsOf(step), id).to.deep.equal([
        ["Peak Asset Management", "approve", "hbHKD", "success"],
        ["Peak Asset Management", "settleFx", "settlement engine", "success"],
      ]);
      expect(step.transactions[0].args, id).to.deep.equal({ spender: engine, value: amount.toString() });
    }
  });

  it("quotes each PvP to its taker with the dealer's next nonce: consumed only by a settled PvP", function () {
    const quotes = run.steps.flatMap((s) => notesOf(s).map((values) => [s.id, values.taker, values.to, values.nonce]));
    const text = (value: string): NoteValue => ({ type: "text", value });
    const nonce = (sequence: bigint): NoteValue => ({ type: "number", value: (NONCE_KEY << 64n) + sequence });
    expect(quotes).to.deep.equal([
      ["pvp-hkd-thb-interbank", text("Harbour Bank"), text("THB"), nonce(0n)],
      ["quote-wrong-taker", text("Harbour Bank"), text("THB"), nonce(1n)],
      ["pvp-customer-hk-to-th", text("Peak Asset Management"), text("THB"), nonce(1n)],
      ["pvp-customer-hk-to-br", text("Peak Asset Management"), text("BRL"), nonce(2n)],
      ["quote-stale", text("Harbour Bank"), text("THB"), nonce(3n)],
      ["dealer-short-of-thb", text("Harbour Bank"), text("THB"), nonce(3n)],
      ["beneficiary-not-customer", text("Peak Asset Management"), text("THB"), nonce(3n)],
      ["wthb-paused", text("Harbour Bank"), text("THB"), nonce(3n)],
    ]);
    for (const s of run.steps) for (const values of notesOf(s)) expect(values.max, s.id).to.deep.equal(QUOTE_MAX);
  });

  it("emits one FxSettled per settled PvP with the hand-computed amounts, and uses up the dealer's quotes", async function () {
    const settled = run.steps.flatMap((s) => minedIn(s).flatMap((t) => t.events.filter((e) => e.name === "FxSettled").map((event) => ({ id: s.id, event }))));
    const P = ledger.participants;
    const F = ledger.foreign;
    expect(
      settled.map(({ id, event }) => {
        // The quote's EIP-712 digest identifies it; the other arguments are the hand figures.
        const { quoteDigest, ...args } = event.args;
        expect(quoteDigest, id).to.match(/^0x[0-9a-f]{64}$/);
        return [id, event.contract, args];
      }),
    ).to.deep.equal([
      [
        "pvp-hkd-thb-interbank",
        { name: "settlement engine", address: engine },
        { dealer: P.victoriaBank.address, payer: P.harbourBank.address, beneficiary: F.chaoPhrayaBank.address, fromAmount: FX1_HKD.toString(), toAmount: FX1_THB.toString(), paymentRef: encodeBytes32String("FX-0001") },
      ],
      [
        "pvp-customer-hk-to-th",
        { name: "settlement engine", address: engine },
        { dealer: P.victoriaBank.address, payer: P.peakAsset.address, beneficiary: F.siamRice.address, fromAmount: FX3_HKD.toString(), toAmount: FX3_THB.toString(), paymentRef: encodeBytes32String("FX-0003") },
      ],
      [
        "pvp-customer-hk-to-br",
        { name: "settlement engine", address: engine },
        { dealer: P.victoriaBank.address, payer: P.peakAsset.address, beneficiary: F.rioCoffee.address, fromAmount: FX4_HKD.toString(), toAmount: FX4_BRL.toString(), paymentRef: encodeBytes32String("FX-0004") },
      ],
    ]);
    expect(await ledger.engine.fxQuoteNonce(P.victoriaBank.address, NONCE_KEY)).to.equal(NONCE_AT_END);
    // FX quotes have their own nonce space: the dealer's DvP order nonces were never touched.
    expect(await ledger.engine["nonces(address,uint192)"](P.victoriaBank.address, NONCE_KEY)).to.equal(NONCE_KEY << 64n);
  });

  it("leaves every participant with the hand-computed balances in every currency", async function () {
    const expected = await expectedSheet(ledger, {
      wHKD: { harbourBank: FINAL_WHKD_HARBOUR, victoriaBank: FINAL_WHKD_VICTORIA },
      hbHKD: { peakAsset: FINAL_HBHKD_PEAK },
      vbHKD: {},
      lrHKD: {},
      wTHB: { victoriaBank: FINAL_WTHB_VICTORIA, chaoPhrayaBank: FINAL_WTHB_CHAO_PHRAYA },
      cpTHB: { siamRice: FINAL_CPTHB_SIAM_RICE },
      wBRL: { victoriaBank: FINAL_WBRL_VICTORIA, bancoIpanema: FINAL_WBRL_IPANEMA },
      ipBRL: { rioCoffee: FINAL_IPBRL_RIO_COFFEE },
      bond: {},
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);

    // The runner's last sheet (the shared ledger is chain "hk") reads the same for the seven parties.
    const P = ledger.participants;
    const F = ledger.foreign;
    const parties: [string, string][] = [
      ["Harbour Bank", P.harbourBank.address],
      ["Victoria Bank", P.victoriaBank.address],
      ["Chao Phraya Bank", F.chaoPhrayaBank.address],
      ["Banco Ipanema", F.bancoIpanema.address],
      ["Peak Asset Management", P.peakAsset.address],
      ["Siam Rice Exporters", F.siamRice.address],
      ["Rio Coffee Traders", F.rioCoffee.address],
    ];
    const runnerSheet = Object.fromEntries(
      parties.map(([name, address]) => [
        name,
        [ledger.wcbdc, ledger.deposits.harbourBank, ledger.wTHB, ledger.cpTHB, ledger.wBRL, ledger.ipBRL].map((t) =>
          balanceIn(run.finalBalances, "hk", t.target as string, address),
        ),
      ]),
    );
    // Columns: wHKD, hbHKD, wTHB, cpTHB, wBRL, ipBRL.
    expect(runnerSheet).to.deep.equal({
      "Harbour Bank": [FINAL_WHKD_HARBOUR, 0n, 0n, 0n, 0n, 0n],
      "Victoria Bank": [FINAL_WHKD_VICTORIA, 0n, FINAL_WTHB_VICTORIA, 0n, FINAL_WBRL_VICTORIA, 0n],
      "Chao Phraya Bank": [0n, 0n, FINAL_WTHB_CHAO_PHRAYA, 0n, 0n, 0n],
      "Banco Ipanema": [0n, 0n, 0n, 0n, FINAL_WBRL_IPANEMA, 0n],
      "Peak Asset Management": [0n, FINAL_HBHKD_PEAK, 0n, 0n, 0n, 0n],
      "Siam Rice Exporters": [0n, 0n, 0n, FINAL_CPTHB_SIAM_RICE, 0n, 0n],
      "Rio Coffee Traders": [0n, 0n, 0n, 0n, 0n, FINAL_IPBRL_RIO_COFFEE],
    });
  });

  it("conserves money: each wCBDC's supply is what its central bank minted, deposits = credits − burns + FX mints", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WHKD_SUPPLY);
    expect(FINAL_WHKD_HARBOUR + FINAL_WHKD_VICTORIA).to.equal(WHKD_SUPPLY);
    expect(MINT_WHKD_HARBOUR).to.equal(WHKD_SUPPLY);
    expect(await tokens.wTHB.totalSupply()).to.equal(WTHB_SUPPLY);
    expect(FINAL_WTHB_VICTORIA + FINAL_WTHB_CHAO_PHRAYA).to.equal(WTHB_SUPPLY);
    expect(MINT_WTHB_CHAO_PHRAYA + MINT_WTHB_VICTORIA).to.equal(WTHB_SUPPLY);
    expect(await tokens.wBRL.totalSupply()).to.equal(WBRL_SUPPLY);
    expect(FINAL_WBRL_VICTORIA + FINAL_WBRL_IPANEMA).to.equal(WBRL_SUPPLY);
    expect(MINT_WBRL_IPANEMA + MINT_WBRL_VICTORIA).to.equal(WBRL_SUPPLY);

    expect(await tokens.hbHKD.totalSupply()).to.equal(HBHKD_SUPPLY);
    expect(CREDIT_PEAK - FX3_HKD - FX4_HKD).to.equal(HBHKD_SUPPLY);
    expect(await tokens.cpTHB.totalSupply()).to.equal(CPTHB_SUPPLY);
    expect(CREDIT_SIAM_RICE + FX3_THB).to.equal(CPTHB_SUPPLY);
    expect(await tokens.ipBRL.totalSupply()).to.equal(IPBRL_SUPPLY);
    expect(CREDIT_RIO_COFFEE + FX4_BRL).to.equal(IPBRL_SUPPLY);
    expect(await tokens.vbHKD.totalSupply()).to.equal(0n);
    expect(await tokens.lrHKD.totalSupply()).to.equal(0n);
    expect(await tokens.bond.totalSupply()).to.equal(0n);

    // The dealer's position: HKD in = THB and BRL out at its own rates.
    expect(FINAL_WHKD_VICTORIA).to.equal(FX1_HKD + FX3_HKD + FX4_HKD);
    expect(MINT_WTHB_VICTORIA - FINAL_WTHB_VICTORIA).to.equal(convert(FX1_HKD + FX3_HKD, RATE_HKD_THB));
    expect(MINT_WBRL_VICTORIA - FINAL_WBRL_VICTORIA).to.equal(convert(FX4_HKD, RATE_HKD_BRL));
    // A bank's wCBDC moved with its customers' deposits: Harbour paid out what Peak's hbHKD lost (plus its own FX-0001);
    // Chao Phraya and Banco Ipanema received what Siam Rice's and Rio Coffee's deposits gained (plus FX-0001's THB).
    expect(MINT_WHKD_HARBOUR - FINAL_WHKD_HARBOUR).to.equal(FX1_HKD + (CREDIT_PEAK - FINAL_HBHKD_PEAK));
    expect(FINAL_WTHB_CHAO_PHRAYA - MINT_WTHB_CHAO_PHRAYA).to.equal(FX1_THB + (FINAL_CPTHB_SIAM_RICE - CREDIT_SIAM_RICE));
    expect(FINAL_WBRL_IPANEMA - MINT_WBRL_IPANEMA).to.equal(FINAL_IPBRL_RIO_COFFEE - CREDIT_RIO_COFFEE);
  });

  it("leaves nothing with the settlement engine", async function () {
    const tokens = tokensOf(ledger);
    for (const t of TOKEN_KEYS) expect(await tokens[t].balanceOf(engine), t).to.equal(0n);
  });

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const doc = reportOf(run);
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.scenario).to.deep.equal({ name: "cross-border-pvp", description: scenario.description, chainCount: 1 });
    expect(doc.ok).to.equal(true);
    expect(doc.chains.map((c) => ({ key: c.key, name: c.name, chainId: c.chainId }))).to.deep.equal([
      { key: "hk", name: "shared multi-currency ledger", chainId: 31337 },
    ]);
    // The Hong Kong participants, then the six foreign ones.
    expect(doc.chains[0].participants.map((p) => [p.name, p.jurisdiction, p.address])).to.deep.equal([
      ...PARTICIPANTS.map((p) => [p.name, "HK", ledger.participants[p.key].address]),
      ...CROSS_BORDER_PARTICIPANTS.map((p) => [p.name, p.jurisdiction, ledger.foreign[p.key].address]),
    ]);
    expect(CROSS_BORDER_PARTICIPANTS.map((p) => p.name)).to.deep.equal([
      "Bank of Thailand",
      "Banco Central do Brasil",
      "Chao Phraya Bank",
      "Banco Ipanema",
      "Siam Rice Exporters",
      "Rio Coffee Traders",
    ]);
    expect(doc.chains[0].tokens.map((t) => [t.symbol, t.kind, t.currency, t.address])).to.deep.equal([
      ["wHKD", "wCBDC", "HKD", ledger.wcbdc.target],
      ["hbHKD", "tokenizedDeposit", "HKD", ledger.deposits.harbourBank.target],
      ["vbHKD", "tokenizedDeposit", "HKD", ledger.deposits.victoriaBank.target],
      ["lrHKD", "tokenizedDeposit", "HKD", ledger.deposits.lionRockBank.target],
      ["wTHB", "wCBDC", "THB", ledger.wTHB.target],
      ["wBRL", "wCBDC", "BRL", ledger.wBRL.target],
      ["cpTHB", "tokenizedDeposit", "THB", ledger.cpTHB.target],
      ["ipBRL", "tokenizedDeposit", "BRL", ledger.ipBRL.target],
      [ledger.bondTerms.issueNumber, "governmentBond", "HKD", ledger.bond.target],
    ]);
    expect(doc.steps.map((s) => s.id)).to.deep.equal(run.steps.map((s) => s.id));

    // Expected failures no longer have empty transactions: each refusal's attempt is there, reverted, with its decoded error.
    expectRefusalsRecorded(doc, run, Object.fromEntries(REFUSALS.map((id) => [id, { chain: "hk", via: "estimateGas", function: "settleFx" }])));
  });
});
