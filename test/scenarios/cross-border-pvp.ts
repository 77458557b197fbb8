import { expect } from "chai";
import { decodeBytes32String, type LogDescription } from "ethers";
import { network } from "hardhat";

import type { CrossBorderLedger } from "../../src/chain/deploy-cross-border.js";
import { CROSS_BORDER_PARTICIPANTS, type CrossBorderKey } from "../../src/domain/cross-border.js";
import type { LedgerConnection } from "../../src/chain/deploy.js";
import { PARTICIPANTS, type ParticipantKey } from "../../src/domain/hong-kong.js";
import { runScenario, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import scenario, { FX } from "../../src/scenarios/cross-border-pvp.js";
import { convert, fxRate } from "../../src/domain/fx-quote.js";

/**
 * Scenario `cross-border-pvp` (src/scenarios/cross-border-pvp.ts) on an in-process network of its own:
 * one shared (mBridge-style) ledger carrying HKD, THB and BRL central-bank money and each
 * jurisdiction's bank deposits; Victoria Bank is the FX dealer. Every figure is worked out by hand.
 * Amounts in minor units (cents / satang / centavos) — all three currencies have two decimals.
 *
 * Rates (minor units of the second currency per minor unit of HKD, × 1e18; settleFx pays
 * floor(fromAmount × rate / 1e18)):
 *   HKD/THB 4.5612 → 4_561_200_000_000_000_000   HKD/BRL 0.7031 → 703_100_000_000_000_000
 *
 *   step  what                                                       moves
 *    1    central banks mint                                         wHKD Harbour +1,500,000,000.00;
 *                                                                    wTHB Chao Phraya +500,000,000.00, Victoria +100,000,000.00;
 *                                                                    wBRL Banco Ipanema +50,000,000.00, Victoria +10,000,000.00
 *    2    banks credit customers                                     hbHKD Peak +120,000,000.00; cpTHB Siam Rice +10,000,000.00;
 *                                                                    ipBRL Rio Coffee +1,000,000.00
 *    3    FX-0001 Harbour → Chao Phraya, HKD 10,000,000.00           wHKD Harbour −10,000,000.00, Victoria +10,000,000.00;
 *         × 4.5612 = THB 45,612,000.00                               wTHB Victoria −45,612,000.00, Chao Phraya +45,612,000.00
 *    4    the same quote again: FxQuoteNonceUsed                     nothing
 *    5    Peak takes a quote made to Harbour Bank: FxQuoteNotForCaller nothing
 *    6    FX-0003 Peak → Siam Rice, HKD 2,500,000.00                 hbHKD Peak −2,500,000.00 (burned); wHKD Harbour −, Victoria +;
 *         × 4.5612 = THB 11,403,000.00                               wTHB Victoria −, Chao Phraya +; cpTHB Siam Rice +11,403,000.00 (minted)
 *    7    FX-0004 Peak → Rio Coffee, HKD 1,000,000.00                hbHKD Peak −1,000,000.00 (burned); wHKD Harbour −, Victoria +;
 *         × 0.7031 = BRL 703,100.00                                  wBRL Victoria −, Banco Ipanema +; ipBRL Rio Coffee +703,100.00 (minted)
 *    8    stale quote (expiry + 60 s): FxQuoteExpired                nothing
 *    9    HKD 50,000,000.00 × 4.5612 = THB 228,060,000.00 against    nothing
 *         the dealer's THB 42,985,000.00: ERC20InsufficientBalance
 *   10    Peak → Rio Coffee in cpTHB: NotCustomerOfBank              nothing (Peak's approval for it stays unspent)
 *   11    wTHB paused, Harbour → Chao Phraya refused: EnforcedPause  nothing
 *   12    wTHB unpaused                                              nothing
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

/** What a step moved, as "holder token" → change. */
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

describe("scenario: cross-border-pvp", function () {
  let connection: LedgerConnection;
  let ledger: CrossBorderLedger;
  let run: ScenarioRun;

  before(async function () {
    connection = await network.create();
    if (scenario.deploy === undefined) throw new Error("cross-border-pvp deploys its own ledger");
    ledger = await scenario.deploy(connection, {
      second: () => {
        throw new Error("single ledger");
      },
    });
    run = await runScenario(scenario, ledger);
  });

  after(async function () {
    await connection.close();
  });

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
    expect(run.ok, run.steps.map((s) => `${s.index + 1} ${s.status} ${s.reason ?? ""}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(12);
  });

  it("ends each step as designed: six refusals, everything else settles", function () {
    expect(run.steps.map((s) => s.status)).to.deep.equal([
      OK, // 1 central banks mint
      OK, // 2 banks credit customers
      OK, // 3 FX-0001 bank to bank
      REFUSED, // 4 the used quote again
      REFUSED, // 5 a quote taken by a client it was not made to
      OK, // 6 FX-0003 customer to customer
      OK, // 7 FX-0004 HKD → BRL
      REFUSED, // 8 stale quote
      REFUSED, // 9 dealer short of THB
      REFUSED, // 10 beneficiary not Chao Phraya's customer
      REFUSED, // 11 wTHB paused
      OK, // 12 wTHB unpaused
    ]);
  });

  it("refuses the six PvPs for the reasons the narrative gives, moving nothing", async function () {
    const [reused, notTaker, stale, short, nonCustomer, paused] = [3, 4, 7, 8, 9, 10].map((i) => run.steps[i]);
    // The quote's nonce was sequence 0 of key 7; FX-0001 used it, so the dealer's current one is sequence 1.
    expect(reused.reason).to.equal(`FxQuoteNonceUsed(Victoria Bank, ${NONCE_OF_FX1}, ${NONCE_AFTER_FX1})`);
    expect(notTaker.reason).to.equal(`FxQuoteNotForCaller(Peak Asset Management, Harbour Bank)`);
    // The dealer holds THB 42,985,000.00 after FX-0001 and FX-0003; it would owe THB 228,060,000.00.
    expect(short.reason).to.equal(
      `PENF/MONY on the cash leg: wTHB refused with ERC20InsufficientBalance(Victoria Bank, ${FINAL_WTHB_VICTORIA}, ${SHORT_THB})`,
    );
    expect(nonCustomer.reason).to.equal(
      "PENF/party not eligible on the cash leg: cpTHB refused with NotCustomerOfBank(Rio Coffee Traders)",
    );
    expect(paused.reason).to.equal("PENF/token paused on the cash leg: wTHB refused with EnforcedPause()");

    // The stale quote: given at the time of step 6's last block, valid 600 s; the clock went to expiry + 60 s.
    const match = /^FxQuoteExpired\((\d+)\)$/.exec(stale.reason ?? "");
    expect(match, stale.reason).to.not.equal(null);
    const expiry = BigInt(match?.[1] ?? "0");
    const provider = connection.ethers.provider;
    const fx4 = await provider.getTransactionReceipt(run.steps[6].transactions[1].hash);
    const fx4Block = fx4 === null ? null : await provider.getBlock(fx4.blockNumber);
    expect(fx4Block).to.not.equal(null);
    expect(expiry).to.equal(BigInt(fx4Block?.timestamp ?? 0) + 600n);
    // Steps 8–9 mined nothing but the clock move, step 10 only Peak's approval; the block of that
    // approval is the one just before the pause, and it came after the clock moved to expiry + 60.
    const pause = await provider.getTransactionReceipt(paused.transactions[0].hash);
    const beforePause = pause === null ? null : await provider.getBlock(pause.blockNumber - 1);
    expect(beforePause).to.not.equal(null);
    expect(BigInt(beforePause?.timestamp ?? 0)).to.be.greaterThanOrEqual(expiry + 60n);

    for (const step of [reused, notTaker, stale, short, nonCustomer, paused]) {
      expect(step.changes, step.title).to.deep.equal([]);
    }
    // No refused step sent a settlement; the non-customer step sent only Peak's approval for it, the
    // paused step (and kept) only the pause.
    for (const step of [reused, notTaker, stale, short]) expect(step.transactions, step.title).to.deep.equal([]);
    expect(nonCustomer.transactions.map((t) => t.label)).to.deep.equal(["Peak authorises this payment on hbHKD"]);
    expect(paused.transactions.map((t) => t.label)).to.deep.equal(["Bank of Thailand pauses wTHB"]);
    expect(await ledger.wTHB.paused()).to.equal(false);
  });

  it("moves each PvP's legs as the cash-leg rules say, both currencies in one transaction", function () {
    expect(moved(run.steps[0]), "mints").to.deep.equal({
      "Harbour Bank wHKD": MINT_WHKD_HARBOUR,
      "Victoria Bank wTHB": MINT_WTHB_VICTORIA,
      "Chao Phraya Bank wTHB": MINT_WTHB_CHAO_PHRAYA,
      "Victoria Bank wBRL": MINT_WBRL_VICTORIA,
      "Banco Ipanema wBRL": MINT_WBRL_IPANEMA,
    });
    expect(moved(run.steps[1]), "credits").to.deep.equal({
      "Peak Asset Management hbHKD": CREDIT_PEAK,
      "Siam Rice Exporters cpTHB": CREDIT_SIAM_RICE,
      "Rio Coffee Traders ipBRL": CREDIT_RIO_COFFEE,
    });
    // FX-0001: wCBDC against wCBDC, no deposits.
    expect(moved(run.steps[2]), "FX-0001").to.deep.equal({
      "Harbour Bank wHKD": -FX1_HKD,
      "Victoria Bank wHKD": FX1_HKD,
      "Victoria Bank wTHB": -FX1_THB,
      "Chao Phraya Bank wTHB": FX1_THB,
    });
    // FX-0003: Harbour burns Peak's hbHKD and pays the dealer in wHKD; the dealer pays Chao Phraya in wTHB,
    // which credits Siam Rice in cpTHB.
    expect(moved(run.steps[5]), "FX-0003").to.deep.equal({
      "Harbour Bank wHKD": -FX3_HKD,
      "Victoria Bank wHKD": FX3_HKD,
      "Peak Asset Management hbHKD": -FX3_HKD,
      "Victoria Bank wTHB": -FX3_THB,
      "Chao Phraya Bank wTHB": FX3_THB,
      "Siam Rice Exporters cpTHB": FX3_THB,
    });
    // FX-0004: the same into BRL through Banco Ipanema.
    expect(moved(run.steps[6]), "FX-0004").to.deep.equal({
      "Harbour Bank wHKD": -FX4_HKD,
      "Victoria Bank wHKD": FX4_HKD,
      "Peak Asset Management hbHKD": -FX4_HKD,
      "Victoria Bank wBRL": -FX4_BRL,
      "Banco Ipanema wBRL": FX4_BRL,
      "Rio Coffee Traders ipBRL": FX4_BRL,
    });
    expect(run.steps[11].changes, "unpause").to.deep.equal([]);
    expect(run.steps[2].transactions, run.steps[2].title).to.have.length(1);
    // A customer's PvP: its exact approval for that payment, then the settlement.
    for (const i of [5, 6]) {
      expect(run.steps[i].transactions.map((t) => t.label), run.steps[i].title).to.deep.equal([
        "Peak authorises this payment on hbHKD",
        i === 5 ? "settleFx() customer to customer" : "settleFx() HKD deposits → BRL deposits",
      ]);
    }
  });

  it("emits one FxSettled per settled PvP with the hand-computed amounts, and uses up the dealer's quotes", async function () {
    const engine = (await ledger.engine.getAddress()).toLowerCase();
    const events: LogDescription[] = [];
    for (const step of run.steps) {
      for (const tx of step.transactions) {
        const receipt = await connection.ethers.provider.getTransactionReceipt(tx.hash);
        if (receipt === null) throw new Error(`no receipt for ${tx.label}`);
        for (const log of receipt.logs) {
          if (log.address.toLowerCase() !== engine) continue;
          const parsed = ledger.engine.interface.parseLog({ topics: [...log.topics], data: log.data });
          if (parsed !== null && parsed.name === "FxSettled") events.push(parsed);
        }
      }
    }
    const P = ledger.participants;
    const F = ledger.foreign;
    expect(
      events.map((e) => [
        e.args.dealer as string,
        e.args.payer as string,
        e.args.beneficiary as string,
        e.args.fromAmount as bigint,
        e.args.toAmount as bigint,
        decodeBytes32String(e.args.paymentRef as string),
      ]),
    ).to.deep.equal([
      [P.victoriaBank.address, P.harbourBank.address, F.chaoPhrayaBank.address, FX1_HKD, FX1_THB, "FX-0001"],
      [P.victoriaBank.address, P.peakAsset.address, F.siamRice.address, FX3_HKD, FX3_THB, "FX-0003"],
      [P.victoriaBank.address, P.peakAsset.address, F.rioCoffee.address, FX4_HKD, FX4_BRL, "FX-0004"],
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

    // The runner's last sheet (keyed by token address on the shared ledger) reads the same for the seven parties.
    const P = ledger.participants;
    const F = ledger.foreign;
    const row = (token: { target: unknown }): Readonly<Record<string, bigint>> => run.finalBalances[token.target as string];
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
        [ledger.wcbdc, ledger.deposits.harbourBank, ledger.wTHB, ledger.cpTHB, ledger.wBRL, ledger.ipBRL].map((t) => row(t)[address]),
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
    const engine = await ledger.engine.getAddress();
    const tokens = tokensOf(ledger);
    for (const t of TOKEN_KEYS) expect(await tokens[t].balanceOf(engine), t).to.equal(0n);
  });
});
