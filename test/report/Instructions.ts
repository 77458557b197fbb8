import { expect } from "chai";

import type { IsoTradeStatus } from "../../src/domain/trade.js";
import { instructionsOf, refText, type Instruction } from "../../src/report/instructions.js";
import type { StepJson, TransactionJson } from "../../src/report/json.js";

/**
 * `instructionsOf` gathers the trades a run's facts record (`TradeTermsRecorded`, or a signed
 * settlement's own call arguments) with the last step and ISO 20022 codes the facts carry for
 * each; `refText` reads a bytes32 reference as text. Pure: every step here is a hand-built literal.
 */

type MinedJson = Extract<TransactionJson, { readonly status: "success" }>;
type RevertedJson = Extract<TransactionJson, { readonly status: "reverted" }>;
type EventJson = MinedJson["events"][number];
type ObservationJson = StepJson["observations"][number];
/** Decoded arguments as the report carries them (an `AbiArgs`, JSON-shaped). */
type ArgsJson = EventJson["args"];
/** One decoded ABI value as the report carries it. */
type ValueJson = ArgsJson[string];

/** `text` as a bytes32: its ASCII bytes in hex, right-padded with zeros to 32 bytes. */
function bytes32Text(text: string): string {
  return "0x" + Buffer.from(text, "latin1").toString("hex").padEnd(64, "0");
}

/** "DIST-001" as a bytes32, spelled out. */
const DIST_001 = "0x444953542d303031000000000000000000000000000000000000000000000000";
const DVP_002 = bytes32Text("DVP-002");
const SIGNED_003 = bytes32Text("SIGNED-003");

const TRADE_1 = "0x" + "11".repeat(32);
const TRADE_2 = "0x" + "22".repeat(32);
const TRADE_3 = "0x" + "33".repeat(32);

const ENGINE = "0x00000000000000000000000000000000000000E1";
const SELLER = "0x00000000000000000000000000000000000000A1";
const BUYER = "0x00000000000000000000000000000000000000b2";
const OTHER = "0x00000000000000000000000000000000000000c3";
const BOND = "0x00000000000000000000000000000000000000Cc";
const CASH = "0x00000000000000000000000000000000000000Aa";
const SELLER_CASH = "0x00000000000000000000000000000000000000Bb";

const NMAT: IsoTradeStatus = { status: "NMAT", reason: "CMIS" };
const MACH: IsoTradeStatus = { status: "MACH", reason: "FUTU" };
const PENF: IsoTradeStatus = { status: "PENF", reason: "LACK" };
const SETT: IsoTradeStatus = { status: "SETT" };

/** A trade struct as the ABI decoder gives it: integers as decimal strings. */
function trade(tradeRef: string, over: ArgsJson = {}): ArgsJson {
  return {
    tradeRef,
    seller: SELLER,
    buyer: BUYER,
    asset: BOND,
    quantity: "100",
    buyerCash: CASH,
    sellerCash: SELLER_CASH,
    amount: "10250000",
    settlementDate: "1800000000",
    expiry: "1800086400",
    ...over,
  };
}

/** An engine event about trade `tradeId`, with `args` besides the id and, if given, its ISO codes. */
function engineEvent(name: string, tradeId: string, args: ArgsJson = {}, iso?: IsoTradeStatus): EventJson {
  return { contract: { name: "SettlementEngine", address: ENGINE }, name, args: { tradeId, ...args }, ...(iso === undefined ? {} : { iso }) };
}

const recorded = (tradeId: string, terms: ValueJson, iso?: IsoTradeStatus): EventJson => engineEvent("TradeTermsRecorded", tradeId, { trade: terms }, iso);
const instructed = (tradeId: string, party: string, iso?: IsoTradeStatus): EventJson => engineEvent("TradeInstructed", tradeId, { party, isSeller: party === SELLER }, iso);
const matched = (tradeId: string, iso?: IsoTradeStatus): EventJson => engineEvent("TradeMatched", tradeId, {}, iso);
const settled = (tradeId: string, seller: string, iso?: IsoTradeStatus): EventJson =>
  engineEvent("TradeSettled", tradeId, { seller, buyer: BUYER, quantity: "100", amount: "10250000", signed: true }, iso);

/** A mined, successful transaction on `chain` with `events`, calling the engine with `args` if given. */
function mined(events: readonly EventJson[], options: { readonly chain?: string; readonly fn?: string; readonly args?: ArgsJson } = {}): MinedJson {
  return {
    label: "a transaction",
    chain: options.chain ?? "hk",
    from: { name: "Seller", address: SELLER },
    to: { name: "SettlementEngine", address: ENGINE },
    ...(options.fn === undefined ? {} : { function: options.fn }),
    ...(options.args === undefined ? {} : { args: options.args }),
    status: "success",
    hash: "0x" + "ab".repeat(32),
    blockNumber: 9,
    timestamp: 1_800_000_000,
    gasUsed: "180000",
    events: [...events],
  };
}

/** A one-transaction signed settlement of `terms`, on `chain`, emitting `events`. */
function signedSettlement(terms: ValueJson, events: readonly EventJson[], chain = "hk"): MinedJson {
  return mined(events, { chain, fn: "settleSigned", args: { trade: terms, sellerNonce: "0", sellerSignature: "0x01", buyerNonce: "0", buyerSignature: "0x02" } });
}

/** A transaction the chain refused. */
function reverted(chain = "hk"): RevertedJson {
  return { label: "a refused transaction", chain, from: { address: SELLER }, to: { address: ENGINE }, status: "reverted", via: "estimateGas", revertData: "0x" };
}

/** A trade-status observation of `tradeId` with `iso`. */
function tradeStatus(tradeId: string, iso: IsoTradeStatus, tradeRef = DIST_001): ObservationJson {
  return { kind: "tradeStatus", tradeRef, tradeId, status: "Failed", reason: "InsufficientCash", iso };
}

/** Step `index` with its transactions and observations. */
function step(index: number, transactions: readonly TransactionJson[], observations: readonly ObservationJson[] = []): StepJson {
  return {
    id: `step-${index}`,
    index,
    title: `Step ${index}`,
    expect: "success",
    status: "ok",
    transactions,
    observations: [...observations],
    balanceChanges: [],
  };
}

/** The instruction for the default `trade(ref)` terms. */
function instruction(tradeId: string, ref: string, firstStep: number, lastStep: number, iso?: IsoTradeStatus, chain = "hk"): Instruction {
  return {
    chain,
    tradeId,
    ref,
    seller: SELLER,
    buyer: BUYER,
    asset: BOND,
    quantity: 100n,
    buyerCash: CASH,
    amount: 10_250_000n,
    firstStep,
    lastStep,
    ...(iso === undefined ? {} : { iso }),
  };
}

describe("report instructions", function () {
  describe("refText", function () {
    it("builds the test's bytes32 the way the chain encodes a short string", function () {
      expect(bytes32Text("DIST-001")).to.equal(DIST_001);
      expect(DIST_001).to.have.length(66);
    });

    it("reads a bytes32 that encodes text as the text", function () {
      expect(refText(DIST_001)).to.equal("DIST-001");
      expect(refText(bytes32Text("SIGNED-003"))).to.equal("SIGNED-003");
      expect(refText(DIST_001.toUpperCase().replace("0X", "0x"))).to.equal("DIST-001");
    });

    it("reads text without the 0x prefix", function () {
      expect(refText(DIST_001.slice(2))).to.equal("DIST-001");
    });

    it("reads text filling all 32 bytes, and text with spaces and punctuation", function () {
      expect(refText(bytes32Text("A".repeat(32)))).to.equal("A".repeat(32));
      expect(refText(bytes32Text("HK GB 2029 ~!"))).to.equal("HK GB 2029 ~!");
    });

    it("shortens a bytes32 that encodes no text to its first four bytes", function () {
      expect(refText("0x" + "ff".repeat(32))).to.equal("0xffffffff…");
      expect(refText(TRADE_1)).to.equal("0x11111111…");
      // All zeros: no text at all.
      expect(refText("0x" + "00".repeat(32))).to.equal("0x00000000…");
      // A zero byte inside the text, a leading zero byte, a control character, a byte above ASCII.
      expect(refText(bytes32Text("AB\0CD"))).to.equal("0x41420043…");
      expect(refText("0x00" + "41".repeat(31))).to.equal("0x00414141…");
      expect(refText(bytes32Text("DIST\n001"))).to.equal("0x44495354…");
      expect(refText(bytes32Text("DIST\x7f001"))).to.equal("0x44495354…");
      expect(refText(bytes32Text("caf\u00e9"))).to.equal("0x636166e9…");
    });

    it("returns anything that is not a bytes32 unchanged", function () {
      expect(refText("")).to.equal("");
      expect(refText("0x")).to.equal("0x");
      expect(refText("DIST-001")).to.equal("DIST-001");
      expect(refText("0x444953542d303031")).to.equal("0x444953542d303031");
      // 31 and 33 bytes.
      expect(refText(DIST_001.slice(0, -2))).to.equal(DIST_001.slice(0, -2));
      expect(refText(DIST_001 + "00")).to.equal(DIST_001 + "00");
      // 64 characters that are not all hex digits.
      const notHex = "0x" + "zz" + "00".repeat(31);
      expect(refText(notHex)).to.equal(notHex);
    });
  });

  describe("instructionsOf", function () {
    it("creates an instruction from TradeTermsRecorded, with the reference as text", function () {
      const steps = [step(0, []), step(1, [mined([recorded(TRADE_1, trade(DIST_001))])])];
      const instructions = instructionsOf(steps, "hk");
      expect(instructions).to.deep.equal([instruction(TRADE_1, "DIST-001", 1, 1)]);
      expect(instructions[0]).to.not.have.property("iso");
    });

    it("takes the ISO codes of the record event and of the events after it in the same transaction", function () {
      expect(instructionsOf([step(0, [mined([recorded(TRADE_1, trade(DIST_001), NMAT)])])], "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 0, NMAT)]);
      const steps = [step(0, [mined([recorded(TRADE_1, trade(DIST_001)), instructed(TRADE_1, SELLER, NMAT)])])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 0, NMAT)]);
    });

    it("reads quantity and amount exactly beyond the range of a double", function () {
      const terms = trade(DIST_001, { quantity: "9007199254740993", amount: "1000000000000000000000001" });
      const [only] = instructionsOf([step(0, [mined([recorded(TRADE_1, terms)])])], "hk");
      expect(only.quantity).to.equal(9_007_199_254_740_993n);
      expect(only.amount).to.equal(1_000_000_000_000_000_000_000_001n);
    });

    it("reads missing terms as empty text and zero", function () {
      const terms: ValueJson = { tradeRef: DIST_001 };
      expect(instructionsOf([step(0, [mined([recorded(TRADE_1, terms)])])], "hk")).to.deep.equal([
        { chain: "hk", tradeId: TRADE_1, ref: "DIST-001", seller: "", buyer: "", asset: "", quantity: 0n, buyerCash: "", amount: 0n, firstStep: 0, lastStep: 0 },
      ]);
    });

    it("shortens a reference that is not text", function () {
      const [only] = instructionsOf([step(0, [mined([recorded(TRADE_1, trade("0x" + "9a".repeat(32)))])])], "hk");
      expect(only.ref).to.equal("0x9a9a9a9a…");
    });

    it("creates an instruction from a signed settlement whose call carries the terms and whose seller matches", function () {
      const steps = [step(0, []), step(1, []), step(2, [signedSettlement(trade(SIGNED_003), [settled(TRADE_3, SELLER, SETT)])])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_3, "SIGNED-003", 2, 2, SETT)]);
    });

    it("matches the signed settlement's seller whatever the case of the address", function () {
      const steps = [step(0, [signedSettlement(trade(SIGNED_003, { seller: SELLER.toLowerCase() }), [settled(TRADE_3, SELLER, SETT)])])];
      const instructions = instructionsOf(steps, "hk");
      expect(instructions).to.have.length(1);
      expect(instructions[0].seller).to.equal(SELLER.toLowerCase());
      expect(instructions[0].firstStep).to.equal(0);
    });

    it("creates nothing from a TradeSettled whose call's seller is another party", function () {
      const steps = [step(0, [signedSettlement(trade(SIGNED_003, { seller: OTHER }), [settled(TRADE_3, SELLER, SETT)])])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([]);
    });

    it("creates nothing from a TradeSettled whose call carries no terms", function () {
      const noArgs = mined([settled(TRADE_3, SELLER, SETT)]);
      const noTrade = mined([settled(TRADE_3, SELLER, SETT)], { fn: "settleBatch", args: { trades: [trade(SIGNED_003)] } });
      expect(instructionsOf([step(0, [noArgs, noTrade])], "hk")).to.deep.equal([]);
    });

    it("creates nothing from other trade events of a trade whose terms were never recorded, even if the call carries terms", function () {
      const call = { fn: "instruct", args: { trade: trade(DIST_001) } };
      const steps = [step(0, [mined([instructed(TRADE_1, SELLER, NMAT), matched(TRADE_1, MACH), engineEvent("TradeSettlementFailed", TRADE_1, { reason: "2" }, PENF)], call)])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([]);
    });

    it("creates nothing from events without a trade id", function () {
      const transfer: EventJson = { contract: { address: BOND }, name: "Transfer", args: { from: SELLER, to: BUYER, value: "100" } };
      const listId: EventJson = { contract: { address: ENGINE }, name: "TradeTermsRecorded", args: { tradeId: [TRADE_1], trade: trade(DIST_001) } };
      expect(instructionsOf([step(0, [mined([transfer, listId, engineEvent("TradeTermsRecorded", "", { trade: trade(DIST_001) })])])], "hk")).to.deep.equal([]);
    });

    it("moves lastStep and the ISO codes with each later event of the trade", function () {
      const steps = [
        step(0, [mined([recorded(TRADE_1, trade(DIST_001)), instructed(TRADE_1, SELLER, NMAT)])]),
        step(1, [mined([instructed(TRADE_1, BUYER), matched(TRADE_1, MACH)])]),
      ];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 1, MACH)]);

      const failed = [...steps, step(2, [mined([engineEvent("TradeSettlementFailed", TRADE_1, { reason: "2", tokenError: "0x" }, PENF)])])];
      expect(instructionsOf(failed, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 2, PENF)]);
    });

    it("keeps the last ISO codes when a later event of the trade carries none", function () {
      const steps = [step(0, [mined([recorded(TRADE_1, trade(DIST_001), NMAT)])]), step(3, [mined([engineEvent("TradeCancellationRequested", TRADE_1, { by: SELLER })])])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 3, NMAT)]);
    });

    it("keeps a recorded trade's terms when a later settlement's call carries others", function () {
      const steps = [
        step(0, [mined([recorded(TRADE_1, trade(DIST_001))])]),
        step(1, [signedSettlement(trade(SIGNED_003, { quantity: "1", amount: "1" }), [settled(TRADE_1, SELLER, SETT)])]),
        step(2, [mined([recorded(TRADE_1, trade(DVP_002, { quantity: "2" }))])]),
      ];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 2, SETT)]);
    });

    it("moves lastStep and the ISO codes with tradeStatus observations, in the recording step and later", function () {
      const inRecordingStep = [step(4, [mined([recorded(TRADE_1, trade(DIST_001), NMAT)])], [tradeStatus(TRADE_1, MACH)])];
      expect(instructionsOf(inRecordingStep, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 4, 4, MACH)]);

      const later = [...inRecordingStep, step(5, []), step(6, [], [{ kind: "clock", chain: "hk", time: "1800000000" }, tradeStatus(TRADE_1, PENF)])];
      expect(instructionsOf(later, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 4, 6, PENF)]);
    });

    it("lets an observation after an event in the same step have the last word", function () {
      const steps = [step(0, [mined([recorded(TRADE_1, trade(DIST_001))])]), step(1, [mined([matched(TRADE_1, MACH)])], [tradeStatus(TRADE_1, PENF)])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 1, PENF)]);
    });

    it("ignores observations of trades not yet recorded, and of unknown trades", function () {
      const steps = [
        step(0, [], [tradeStatus(TRADE_1, PENF)]),
        step(1, [mined([recorded(TRADE_1, trade(DIST_001))])], [tradeStatus(TRADE_2, SETT)]),
        step(2, [], [{ kind: "note", text: "Seller holds {units}", values: { units: { type: "units", units: "100" } } }]),
      ];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_1, "DIST-001", 1, 1)]);
    });

    it("ignores other chains' transactions", function () {
      const steps = [
        step(0, [mined([recorded(TRADE_1, trade(DIST_001))], { chain: "sg" }), mined([recorded(TRADE_2, trade(DVP_002))])]),
        step(1, [mined([matched(TRADE_2, MACH)], { chain: "sg" })]),
        step(2, [signedSettlement(trade(SIGNED_003), [settled(TRADE_3, SELLER, SETT)], "sg")]),
      ];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_2, "DVP-002", 0, 0)]);
      expect(instructionsOf(steps, "sg")).to.deep.equal([instruction(TRADE_1, "DIST-001", 0, 0, undefined, "sg"), instruction(TRADE_3, "SIGNED-003", 2, 2, SETT, "sg")]);
      expect(instructionsOf(steps, "eu")).to.deep.equal([]);
    });

    it("ignores reverted transactions, even one that somehow carries events", function () {
      const withEvents = { ...reverted(), events: [recorded(TRADE_1, trade(DIST_001))] };
      const laterWithEvents = { ...reverted(), events: [matched(TRADE_2, MACH)] };
      const steps = [step(0, [reverted(), withEvents]), step(1, [mined([recorded(TRADE_2, trade(DVP_002))])]), step(2, [laterWithEvents])];
      expect(instructionsOf(steps, "hk")).to.deep.equal([instruction(TRADE_2, "DVP-002", 1, 1)]);
    });

    it("lists trades in the order they were first recorded or settled", function () {
      const steps = [
        step(0, [mined([recorded(TRADE_2, trade(DVP_002))])]),
        step(1, [signedSettlement(trade(SIGNED_003), [settled(TRADE_3, SELLER, SETT)])]),
        step(2, [mined([matched(TRADE_2, MACH), recorded(TRADE_1, trade(DIST_001))])]),
      ];
      expect(instructionsOf(steps, "hk")).to.deep.equal([
        instruction(TRADE_2, "DVP-002", 0, 2, MACH),
        instruction(TRADE_3, "SIGNED-003", 1, 1, SETT),
        instruction(TRADE_1, "DIST-001", 2, 2),
      ]);
    });

    it("has no instructions for no steps", function () {
      expect(instructionsOf([], "hk")).to.deep.equal([]);
      expect(instructionsOf([step(0, [])], "hk")).to.deep.equal([]);
    });
  });
});
