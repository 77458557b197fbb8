import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { parseMoney } from "../../src/domain/money.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import type { AbiValue, ErrorFact, EventFact, MinedTransactionFact } from "../../src/chain/facts.js";
import { PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { OPENING_DEPOSITS, OPENING_WCBDC } from "../../src/chain/opening-balances.js";
import { runScenario, stepById, type ScenarioRun, type StepResult, type StepStatus } from "../../src/runner/run.js";
import { ISSUE_PRICE } from "../../src/scenarios/steps.js";
import scenario, { PRICE } from "../../src/scenarios/dvp-atomicity.js";
import type { Trade } from "../../src/domain/trade.js";
import { connection } from "../helpers/ledger-fixture.js";
import { tokensOf, chainSheet, expectedSheet, moved } from "../helpers/scenario-sheet.js";
import { attemptsOf, expectRefusalsRecorded, observed, refusalOf, reportOf } from "../helpers/step-facts.js";

/**
 * Scenario `dvp-atomicity` (src/scenarios/dvp-atomicity.ts) on the in-process network: every refused
 * or failed settlement moves nothing, and the final balances are the opening balances plus the only
 * two things that settle — the issue and the baseline trade. Amounts in HKD minor units (cents).
 * Every assertion reads the run's facts (decoded errors, events, observations), never its wording.
 *
 * Opening balances (src/chain/opening-balances.ts):
 *   wHKD   Harbour 1,500,000,000.00   Victoria 1,200,000,000.00   Lion Rock 800,000,000.00
 *   hbHKD  Kowloon Dealer 250,000,000.00   Peak 120,000,000.00
 *   vbHKD  HKSAR Government 500,000,000.00   Tsing Yi 180,000,000.00
 *   lrHKD  Lantau 150,000,000.00
 *
 *   step                     what                                                   moves
 *   issue-by-tender          3,000 units to Harbour, 1,000 to Victoria at 49,925.00  Harbour wHKD −149,775,000.00, Victoria −49,925,000.00,
 *                                                                                   HKMA +199,700,000.00; bonds +3,000 / +1,000
 *   baseline-dvp             ATOM-000 Harbour → Kowloon 100 units at 50,010.00       Kowloon hbHKD −5,001,000.00 (burned: its own bank, no wHKD);
 *                                                                                   bond Harbour −100, Kowloon +100
 *   insufficient-cash        MONY: Peak buys 2,500 × 50,010.00 = 125,025,000.00,     refused, nothing
 *                            holds 120,000,000.00
 *   insufficient-securities  LACK: Kowloon sells 150, holds 100                      refused, nothing
 *   shortfall-via-matching   same through instructions: recorded Failed (PENF/LACK)  nothing
 *   kyc-lapsed               Lantau's KYC lapses, its purchase refused (XELG)        nothing
 *   account-frozen           Kowloon frozen on the bond, its sale refused (BLOC)     nothing
 *   bond-paused              bond paused, sale refused (XPAU)                        nothing
 *   t1-trade-matched,        T+1 trade matched, expires unsettled (CAND/CANS)        nothing
 *   expired-unsettled
 *   instruct-expired         instructing an expired trade refused (TradeExpired)     nothing
 */

// ---- opening balances ----
const OPEN_WCBDC_HARBOUR = 150_000_000_000n; // 1,500,000,000.00
const OPEN_WCBDC_VICTORIA = 120_000_000_000n; // 1,200,000,000.00
const OPEN_WCBDC_LION_ROCK = 80_000_000_000n; // 800,000,000.00
const OPEN_KOWLOON = 25_000_000_000n; // 250,000,000.00
const OPEN_PEAK = 12_000_000_000n; // 120,000,000.00
const OPEN_GOVERNMENT = 50_000_000_000n; // 500,000,000.00
const OPEN_TSING_YI = 18_000_000_000n; // 180,000,000.00
const OPEN_LANTAU = 15_000_000_000n; // 150,000,000.00

// ---- what settles ----
const ISSUE_HARBOUR = 14_977_500_000n; // 3,000 × 4,992,500 = 149,775,000.00
const ISSUE_VICTORIA = 4_992_500_000n; // 1,000 × 4,992,500 = 49,925,000.00
const BASELINE = 500_100_000n; // 100 × 5,001,000 = 5,001,000.00
// The refused MONY trade: 2,500 × 5,001,000 = 12,502,500,000 (125,025,000.00) against Peak's 12,000,000,000.
const MONY_AMOUNT = 12_502_500_000n;

// ---- final balances, by hand ----
// HKMA wHKD: 149,775,000.00 + 49,925,000.00 = 199,700,000.00
const FINAL_WCBDC_HKMA = 19_970_000_000n;
// Harbour wHKD: 1,500,000,000.00 − 149,775,000.00 = 1,350,225,000.00 (the baseline is a burn of Kowloon's hbHKD)
const FINAL_WCBDC_HARBOUR = 135_022_500_000n;
// Victoria wHKD: 1,200,000,000.00 − 49,925,000.00 = 1,150,075,000.00
const FINAL_WCBDC_VICTORIA = 115_007_500_000n;
// Lion Rock wHKD: untouched 800,000,000.00
const FINAL_WCBDC_LION_ROCK = 80_000_000_000n;
// Kowloon hbHKD: 250,000,000.00 − 5,001,000.00 = 244,999,000.00
const FINAL_KOWLOON = 24_499_900_000n;
// Everyone else's deposits untouched: Peak 120,000,000.00, Government 500,000,000.00,
// Tsing Yi 180,000,000.00, Lantau 150,000,000.00.
// Bond: Harbour 3,000 − 100 = 2,900; Victoria 1,000; Kowloon 100. Total 4,000.
const BOND = { harbourBank: 2_900n, victoriaBank: 1_000n, kowloonDealer: 100n };
const BOND_SUPPLY = 4_000n;

// ---- supplies ----
// wHKD: 3,500,000,000.00 minted at opening, nothing since
const WCBDC_SUPPLY = 350_000_000_000n;
// hbHKD: 370,000,000.00 − 5,001,000.00 burned = 364,999,000.00
const HB_SUPPLY = 36_499_900_000n;
const VB_SUPPLY = 68_000_000_000n; // 680,000,000.00
const LR_SUPPLY = 15_000_000_000n; // 150,000,000.00
// All deposits: 1,200,000,000.00 − 5,001,000.00 = 1,194,999,000.00
const DEPOSIT_SUPPLY = 119_499_900_000n;

/** `FailureReason` (contracts/settlement/Trade.sol) and `Leg` (ISettlementEngine.sol) as the decoded arguments carry them. */
const INSUFFICIENT_SECURITIES = "1";
const INSUFFICIENT_CASH = "2";
const NOT_ELIGIBLE = "4";
const ACCOUNT_FROZEN = "5";
const PAUSED = "6";
const ASSET_LEG = "0";
const CASH_LEG = "1";
/** `TradeStatus` in contracts/settlement/Trade.sol, as the engine returns it. */
const FAILED = 3n;
const EXPIRED = 6n;

const OK: StepStatus = "ok";
const REFUSED: StepStatus = "expected-failure";
/** The steps the chain refuses (a decoded custom error), in order. */
const REFUSALS = ["insufficient-cash", "insufficient-securities", "kyc-lapsed", "account-frozen", "bond-paused", "instruct-expired"];
/** The steps that complete but are recorded on chain as failed or expired, moving nothing. */
const RECORDED_FAILURES = ["shortfall-via-matching", "expired-unsettled"];



/** The events named `name` that the step's mined transactions emitted. */
function eventsOf(step: StepResult, name: string): EventFact[] {
  return step.transactions
    .filter((t): t is MinedTransactionFact => t.status === "success")
    .flatMap((t) => t.events)
    .filter((e) => e.name === name);
}


/** Each transaction of the step as [from, function, to, status]. */
function callsOf(step: StepResult): [string | undefined, string | undefined, string | undefined, string][] {
  return step.transactions.map((t) => [t.from.name, t.function, t.to.name, t.status]);
}

function isStruct(value: AbiValue | undefined): value is { readonly [name: string]: AbiValue } {
  return typeof value === "object" && !Array.isArray(value);
}

/** The trade id and terms of a `TradeTermsRecorded` event. */
function tradeOf(event: EventFact | undefined): { id: string; trade: Trade } {
  const id = event?.args.tradeId;
  const terms = event?.args.trade;
  if (event?.name !== "TradeTermsRecorded" || typeof id !== "string" || !isStruct(terms)) {
    throw new Error(`expected a TradeTermsRecorded event, got ${JSON.stringify(event)}`);
  }
  const text = (field: keyof Trade): string => {
    const value = terms[field];
    if (typeof value !== "string") throw new Error(`TradeTermsRecorded: trade.${field} is ${JSON.stringify(value)}`);
    return value;
  };
  return {
    id,
    trade: {
      tradeRef: text("tradeRef"),
      seller: text("seller"),
      buyer: text("buyer"),
      asset: text("asset"),
      quantity: BigInt(text("quantity")),
      buyerCash: text("buyerCash"),
      sellerCash: text("sellerCash"),
      amount: BigInt(text("amount")),
      settlementDate: BigInt(text("settlementDate")),
      expiry: BigInt(text("expiry")),
    },
  };
}

describe("scenario: dvp-atomicity", function () {
  let ledger: HongKongLedger;
  let run: ScenarioRun;
  let bond: { name: string; address: string };
  let engine: string;

  before(async function () {
    ledger = await deployHongKongLedger(connection);
    run = await runScenario(scenario, ledger);
    bond = { name: await ledger.bond.symbol(), address: await ledger.bond.getAddress() };
    engine = await ledger.engine.getAddress();
  });

  /** A `SettlementLegFailed` as the run decodes it: the raw arguments, and the leg, token, reason code and token error. */
  function legFailed(o: {
    reason: string;
    code: ErrorFact["reason"];
    leg: "0" | "1";
    token: { name: string; address: string };
    error: string;
    values: readonly unknown[];
    args: Record<string, string>;
  }): ErrorFact {
    // Token errors are declared on the tokens and the registry; each interface encodes the ones it declares.
    const iface = o.error === "ParticipantKycExpired" ? ledger.registry.interface : ledger.bond.interface;
    return {
      name: "SettlementLegFailed",
      args: { reason: o.reason, leg: o.leg, token: o.token.address, tokenError: iface.encodeErrorResult(o.error, o.values) },
      leg: o.leg === ASSET_LEG ? "asset" : "cash",
      token: o.token,
      ...(o.code === undefined ? {} : { reason: o.code }),
      tokenError: { name: o.error, args: o.args },
    };
  }

  it("starts from the opening balances and prices the hand figures use", function () {
    expect(parseMoney(OPENING_WCBDC.harbourBank, 2)).to.equal(OPEN_WCBDC_HARBOUR);
    expect(parseMoney(OPENING_WCBDC.victoriaBank, 2)).to.equal(OPEN_WCBDC_VICTORIA);
    expect(parseMoney(OPENING_WCBDC.lionRockBank, 2)).to.equal(OPEN_WCBDC_LION_ROCK);
    expect(parseMoney(OPENING_DEPOSITS.kowloonDealer ?? "", 2)).to.equal(OPEN_KOWLOON);
    expect(parseMoney(OPENING_DEPOSITS.peakAsset ?? "", 2)).to.equal(OPEN_PEAK);
    expect(parseMoney(OPENING_DEPOSITS.government ?? "", 2)).to.equal(OPEN_GOVERNMENT);
    expect(parseMoney(OPENING_DEPOSITS.tsingYiInsurance ?? "", 2)).to.equal(OPEN_TSING_YI);
    expect(parseMoney(OPENING_DEPOSITS.lantauPension ?? "", 2)).to.equal(OPEN_LANTAU);
    expect(ISSUE_PRICE).to.equal(4_992_500n);
    expect(PRICE).to.equal(5_001_000n);
  });

  it("runs every step to the end", function () {
    expect(run.ok, run.steps.map((s) => `${s.id} ${s.status} ${JSON.stringify({ problem: s.problem, failure: s.failure })}`).join("\n")).to.equal(true);
    expect(run.steps).to.have.length(17);
  });

  it("ends each step as designed: eight refused or failed steps, everything else settles", function () {
    expect(run.steps.map((s) => [s.id, s.status])).to.deep.equal([
      ["opening-wcbdc", OK],
      ["opening-deposits", OK],
      ["authorise-engine", OK],
      ["issue-by-tender", OK],
      ["baseline-dvp", OK],
      ["insufficient-cash", REFUSED],
      ["insufficient-securities", REFUSED],
      ["shortfall-via-matching", REFUSED], // recorded Failed, no balance change
      ["kyc-lapsed", REFUSED],
      ["kyc-renewed", OK],
      ["account-frozen", REFUSED],
      ["account-unfrozen", OK],
      ["bond-paused", REFUSED],
      ["bond-unpaused", OK],
      ["t1-trade-matched", OK],
      ["expired-unsettled", REFUSED], // recorded Expired, no balance change
      ["instruct-expired", REFUSED],
    ]);
  });

  it("refuses insufficient cash on the cash leg: Peak's hbHKD, 125,025,000.00 needed against 120,000,000.00 held (PENF/MONY)", function () {
    const peak = ledger.participants.peakAsset.address;
    expect(refusalOf(stepById(run, "insufficient-cash"))).to.deep.equal(
      legFailed({
        reason: INSUFFICIENT_CASH,
        code: "MONY",
        leg: CASH_LEG,
        token: { name: "hbHKD", address: ledger.deposits.harbourBank.target as string },
        error: "ERC20InsufficientBalance",
        values: [peak, OPEN_PEAK, MONY_AMOUNT],
        args: { sender: peak, balance: OPEN_PEAK.toString(), needed: MONY_AMOUNT.toString() },
      }),
    );
  });

  it("refuses insufficient securities on the asset leg: Kowloon Dealer holds 100 units, sells 150 (PENF/LACK)", function () {
    const kowloon = ledger.participants.kowloonDealer.address;
    expect(refusalOf(stepById(run, "insufficient-securities"))).to.deep.equal(
      legFailed({
        reason: INSUFFICIENT_SECURITIES,
        code: "LACK",
        leg: ASSET_LEG,
        token: bond,
        error: "ERC20InsufficientBalance",
        values: [kowloon, 100n, 150n],
        args: { sender: kowloon, balance: "100", needed: "150" },
      }),
    );
  });

  it("refuses the buyer whose KYC lapsed, at the expiry the registrar set a minute ahead (XELG, ParticipantKycExpired)", function () {
    const step = stepById(run, "kyc-lapsed");
    const lantau = ledger.participants.lantauPension.address;
    const [shorten] = step.transactions;
    if (shorten?.status !== "success") throw new Error("kyc-lapsed: the registrar's update should have been mined first");
    expect(shorten.args?.account).to.equal(lantau);
    const lapse = shorten.args?.kycExpiry;
    if (typeof lapse !== "string") throw new Error(`kyc-lapsed: updateKycExpiry recorded no kycExpiry (${JSON.stringify(shorten.args)})`);
    // The update was mined at a set time, one second after the step began; the KYC lapses 59 s after that.
    expect(BigInt(lapse)).to.equal(BigInt(shorten.timestamp) + 59n);
    expect(refusalOf(step)).to.deep.equal(
      legFailed({
        reason: NOT_ELIGIBLE,
        code: "XELG",
        leg: ASSET_LEG,
        token: bond,
        error: "ParticipantKycExpired",
        values: [lantau, BigInt(lapse)],
        args: { account: lantau, kycExpiry: lapse },
      }),
    );
    // The clock was moved one second past the lapse before the settlement was tried.
    expect(observed(step, "clock")).to.deep.equal([{ kind: "clock", chain: "hk", time: BigInt(lapse) + 1n }]);
  });

  it("refuses the frozen seller (BLOC, AccountFrozen) and the sale of a paused bond (XPAU, EnforcedPause) on the asset leg", function () {
    const kowloon = ledger.participants.kowloonDealer.address;
    expect(refusalOf(stepById(run, "account-frozen"))).to.deep.equal(
      legFailed({
        reason: ACCOUNT_FROZEN,
        code: "BLOC",
        leg: ASSET_LEG,
        token: bond,
        error: "AccountFrozen",
        values: [kowloon],
        args: { account: kowloon },
      }),
    );
    expect(refusalOf(stepById(run, "bond-paused"))).to.deep.equal(
      legFailed({ reason: PAUSED, code: "XPAU", leg: ASSET_LEG, token: bond, error: "EnforcedPause", values: [], args: {} }),
    );
  });

  it("records each refused settlement as a reverted attempt, with who called what and the decoded error", function () {
    const P = ledger.participants;
    const submitter: Record<string, { name: string; address: string }> = {
      "insufficient-cash": { name: "Harbour Bank", address: P.harbourBank.address },
      "insufficient-securities": { name: "Kowloon Dealer", address: P.kowloonDealer.address },
      "kyc-lapsed": { name: "Kowloon Dealer", address: P.kowloonDealer.address },
      "account-frozen": { name: "Kowloon Dealer", address: P.kowloonDealer.address },
      "bond-paused": { name: "Kowloon Dealer", address: P.kowloonDealer.address },
      "instruct-expired": { name: "Kowloon Dealer", address: P.kowloonDealer.address },
    };
    expect(Object.keys(submitter)).to.deep.equal(REFUSALS);
    for (const id of REFUSALS) {
      const step = stepById(run, id);
      const attempts = attemptsOf(step);
      expect(attempts, id).to.have.length(1);
      const failure = step.failure?.kind === "refusal" ? step.failure : undefined;
      expect(attempts[0], id).to.deep.include({
        status: "reverted",
        via: "estimateGas", // refused while its gas was estimated: nothing mined
        chain: { key: "hk", name: "Hong Kong ledger", network: "default", chainId: 31337 },
        from: submitter[id],
        to: { name: "settlement engine", address: engine },
        function: id === "instruct-expired" ? "instruct" : "settleSigned",
        revertData: failure?.revertData,
      });
      expect(attempts[0].error, id).to.deep.equal(refusalOf(step));
      // The attempt is the step's last transaction: its set-up went through, the settlement was refused.
      expect(step.transactions.at(-1), id).to.equal(attempts[0]);
    }
  });

  it("moves no balance in any of the eight failure steps; only each failure's set-up was mined", function () {
    for (const id of [...REFUSALS, ...RECORDED_FAILURES]) {
      expect(stepById(run, id).status, id).to.equal(REFUSED);
      expect(stepById(run, id).changes, id).to.deep.equal([]);
    }
    const settleSigned = (who: string): [string, string, string, string] => [who, "settleSigned", "settlement engine", "reverted"];
    expect(callsOf(stepById(run, "insufficient-cash"))).to.deep.equal([settleSigned("Harbour Bank")]);
    expect(callsOf(stepById(run, "insufficient-securities"))).to.deep.equal([settleSigned("Kowloon Dealer")]);
    expect(callsOf(stepById(run, "kyc-lapsed"))).to.deep.equal([
      ["HKMA", "updateKycExpiry", "registry", "success"],
      settleSigned("Kowloon Dealer"),
    ]);
    expect(callsOf(stepById(run, "account-frozen"))).to.deep.equal([
      ["HKMA", "setFrozen", bond.name, "success"],
      settleSigned("Kowloon Dealer"),
    ]);
    expect(callsOf(stepById(run, "bond-paused"))).to.deep.equal([
      ["HKMA", "pause", bond.name, "success"],
      settleSigned("Kowloon Dealer"),
    ]);
    expect(callsOf(stepById(run, "instruct-expired"))).to.deep.equal([["Kowloon Dealer", "instruct", "settlement engine", "reverted"]]);
  });

  it("records the instruction-path shortfall on chain as Failed, insufficient securities (PENF/LACK)", async function () {
    const step = stepById(run, "shortfall-via-matching");
    expect(callsOf(step)).to.deep.equal([
      ["Kowloon Dealer", "instruct", "settlement engine", "success"],
      ["Tsing Yi Insurance", "instruct", "settlement engine", "success"],
    ]);
    const { id, trade } = tradeOf(eventsOf(step, "TradeTermsRecorded")[0]);
    expect(trade.quantity).to.equal(150n);
    expect(trade.seller).to.equal(ledger.participants.kowloonDealer.address);
    const kowloon = ledger.participants.kowloonDealer.address;
    expect(eventsOf(step, "TradeSettlementFailed")).to.deep.equal([
      {
        contract: { name: "settlement engine", address: engine },
        name: "TradeSettlementFailed",
        args: {
          tradeId: id,
          reason: INSUFFICIENT_SECURITIES,
          // The engine records the leg's failure as it would have reverted: SettlementLegFailed(1, asset, bond, the token's error).
          tokenError: ledger.engine.interface.encodeErrorResult("SettlementLegFailed", [
            1n,
            0n,
            bond.address,
            ledger.bond.interface.encodeErrorResult("ERC20InsufficientBalance", [kowloon, 100n, 150n]),
          ]),
        },
        // …and the same as facts: the ISO 20022 status and reason, and the decoded error of the leg.
        iso: { status: "PENF", reason: "LACK" },
        error: {
          name: "SettlementLegFailed",
          args: {
            reason: INSUFFICIENT_SECURITIES,
            leg: "0",
            token: bond.address,
            tokenError: ledger.bond.interface.encodeErrorResult("ERC20InsufficientBalance", [kowloon, 100n, 150n]),
          },
          leg: "asset",
          token: { name: bond.name, address: bond.address },
          reason: "LACK",
          tokenError: { name: "ERC20InsufficientBalance", args: { sender: kowloon, balance: "100", needed: "150" } },
        },
      },
    ]);
    expect(observed(step, "tradeStatus")).to.deep.equal([
      {
        kind: "tradeStatus",
        tradeRef: encodeBytes32String("ATOM-003"),
        tradeId: id,
        status: "Failed",
        reason: "InsufficientSecurities",
        iso: { status: "PENF", reason: "LACK" },
      },
    ]);
    const record = await ledger.engine.tradeRecord(id);
    expect(record.status).to.equal(FAILED);
    expect(record.reason).to.equal(BigInt(INSUFFICIENT_SECURITIES));
  });

  it("records the unsettled T+1 trade Expired (CAND/CANS), and refuses instructing it again past its expiry", async function () {
    const { id, trade } = tradeOf(eventsOf(stepById(run, "t1-trade-matched"), "TradeTermsRecorded")[0]);
    // Expires an hour after its settlement date, a day after it was matched.
    expect(trade.expiry - trade.settlementDate).to.equal(3_600n);
    expect(trade.tradeRef).to.equal(encodeBytes32String("ATOM-EXP"));

    const expired = stepById(run, "expired-unsettled");
    expect(callsOf(expired)).to.deep.equal([["HKMA", "settle", "settlement engine", "success"]]);
    expect(eventsOf(expired, "TradeExpiredUnsettled")).to.deep.equal([
      { contract: { name: "settlement engine", address: engine }, name: "TradeExpiredUnsettled", args: { tradeId: id }, iso: { status: "CAND", reason: "CANS" } },
    ]);
    expect(expired.observations).to.deep.equal([
      { kind: "clock", chain: "hk", time: trade.expiry + 1n },
      { kind: "tradeStatus", tradeRef: trade.tradeRef, tradeId: id, status: "Expired", reason: "Expired", iso: { status: "CAND", reason: "CANS" } },
    ]);
    expect((await ledger.engine.tradeRecord(id)).status).to.equal(EXPIRED);

    const again = { ...trade, tradeRef: encodeBytes32String("ATOM-EXP-2") };
    const againId = await ledger.engine.tradeId(again);
    const instruct = stepById(run, "instruct-expired");
    expect(refusalOf(instruct)).to.deep.equal({ name: "TradeExpired", args: { tradeId: againId, expiry: trade.expiry.toString() } });
    // The refused attempt carries the trade it instructed: the expired one under a new reference.
    const [attempt] = attemptsOf(instruct);
    const instructed = attempt?.args?.trade;
    expect(isStruct(instructed) ? instructed.tradeRef : undefined).to.equal(again.tradeRef);
    expect(isStruct(instructed) ? instructed.expiry : undefined).to.equal(trade.expiry.toString());
  });

  it("settles only the issue and the baseline trade", function () {
    expect(moved(stepById(run, "issue-by-tender")), "issue").to.deep.equal({
      "HKMA wHKD": ISSUE_HARBOUR + ISSUE_VICTORIA,
      "Harbour Bank wHKD": -ISSUE_HARBOUR,
      "Victoria Bank wHKD": -ISSUE_VICTORIA,
      "Harbour Bank bond": 3_000n,
      "Victoria Bank bond": 1_000n,
    });
    // Kowloon pays its own bank in its deposits: burned, no wHKD moves.
    expect(moved(stepById(run, "baseline-dvp")), "baseline").to.deep.equal({
      "Kowloon Dealer hbHKD": -BASELINE,
      "Harbour Bank bond": -100n,
      "Kowloon Dealer bond": 100n,
    });
    for (const id of ["authorise-engine", "kyc-renewed", "account-unfrozen", "bond-unpaused", "t1-trade-matched"]) {
      expect(stepById(run, id).changes, id).to.deep.equal([]);
    }
  });

  it("leaves every participant with the hand-computed balances in every token", async function () {
    const expected = expectedSheet({
      wHKD: {
        hkma: FINAL_WCBDC_HKMA,
        harbourBank: FINAL_WCBDC_HARBOUR,
        victoriaBank: FINAL_WCBDC_VICTORIA,
        lionRockBank: FINAL_WCBDC_LION_ROCK,
      },
      hbHKD: { kowloonDealer: FINAL_KOWLOON, peakAsset: OPEN_PEAK },
      vbHKD: { government: OPEN_GOVERNMENT, tsingYiInsurance: OPEN_TSING_YI },
      lrHKD: { lantauPension: OPEN_LANTAU },
      bond: BOND,
    });
    expect(await chainSheet(ledger)).to.deep.equal(expected);
    // The set-up of each failure was undone.
    expect(await ledger.bond.paused()).to.equal(false);
    expect(await ledger.bond.isFrozen(ledger.participants.kowloonDealer.address)).to.equal(false);
    expect(await ledger.registry.isEligible(ledger.participants.lantauPension.address)).to.equal(true);
  });

  it("conserves money and bonds: supplies equal opening + mints − burns", async function () {
    const tokens = tokensOf(ledger);
    expect(await tokens.wHKD.totalSupply()).to.equal(WCBDC_SUPPLY);
    expect(FINAL_WCBDC_HKMA + FINAL_WCBDC_HARBOUR + FINAL_WCBDC_VICTORIA + FINAL_WCBDC_LION_ROCK).to.equal(WCBDC_SUPPLY);
    expect(await tokens.hbHKD.totalSupply()).to.equal(HB_SUPPLY);
    expect(await tokens.vbHKD.totalSupply()).to.equal(VB_SUPPLY);
    expect(await tokens.lrHKD.totalSupply()).to.equal(LR_SUPPLY);
    expect(HB_SUPPLY + VB_SUPPLY + LR_SUPPLY).to.equal(DEPOSIT_SUPPLY);
    expect(await tokens.bond.totalSupply()).to.equal(BOND_SUPPLY);
  });

  it("its JSON report validates against the schema and lists every participant and token once", function () {
    const doc = reportOf(run);
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.scenario).to.deep.equal({ name: "dvp-atomicity", description: scenario.description, chainCount: 1 });
    expect(doc.ok).to.equal(true);
    expect(doc.chains.map((c) => ({ key: c.key, name: c.name, chainId: c.chainId }))).to.deep.equal([
      { key: "hk", name: "Hong Kong ledger", chainId: 31337 },
    ]);
    expect(doc.chains[0].participants.map((p) => [p.name, p.address])).to.deep.equal(
      PARTICIPANTS.map((p) => [p.name, ledger.participants[p.key].address]),
    );
    expect(doc.chains[0].tokens.map((t) => [t.symbol, t.kind, t.address])).to.deep.equal([
      ["wHKD", "wCBDC", ledger.wcbdc.target],
      ["hbHKD", "tokenizedDeposit", ledger.deposits.harbourBank.target],
      ["vbHKD", "tokenizedDeposit", ledger.deposits.victoriaBank.target],
      ["lrHKD", "tokenizedDeposit", ledger.deposits.lionRockBank.target],
      [bond.name, "governmentBond", bond.address],
    ]);
    expect(doc.steps.map((s) => s.id)).to.deep.equal(run.steps.map((s) => s.id));

    // Expected failures no longer have empty transactions: each refusal's attempt is there, reverted, with its decoded error.
    expectRefusalsRecorded(doc, run, Object.fromEntries(REFUSALS.map((id) => [id, { chain: "hk", via: "estimateGas", function: (id === "instruct-expired" ? "instruct" : "settleSigned") }])));
    // The recorded failures carry their on-chain events: the shortfall's TradeSettlementFailed has reason 1, InsufficientSecurities.
    const engineEvents = (id: string): [string, unknown][] =>
      (doc.steps.find((s) => s.id === id)?.transactions ?? []).flatMap((t) =>
        t.status === "success" ? t.events.filter((e) => e.contract.name === "settlement engine").map((e): [string, unknown] => [e.name, e.args.reason]) : [],
      );
    expect(engineEvents("shortfall-via-matching")).to.deep.equal([
      ["TradeTermsRecorded", undefined],
      ["TradeInstructed", undefined],
      ["TradeInstructed", undefined],
      ["TradeMatched", undefined],
      ["TradeSettlementFailed", INSUFFICIENT_SECURITIES],
    ]);
    expect(engineEvents("expired-unsettled")).to.deep.equal([["TradeExpiredUnsettled", undefined]]);
  });
});
