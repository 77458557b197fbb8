import { expect } from "chai";

import { hexlify, toBeHex, zeroPadValue } from "ethers";

import { encodeMatchSignedBatch, encodeSettleBatch, encodeSettleSigned, type SignedTradeArgs } from "../../src/bench/day/chain.js";
import { MAX_DAY_TRADES, parseDaySizes } from "../../src/bench/day/cli.js";
import { DAY_SHAPE, chunks, expectedChanges, generateDay, mulberry32 } from "../../src/bench/day/generate.js";
import type { PhaseResult } from "../../src/bench/day/phases.js";
import { SettlementEngine__factory } from "../../typechain-types/index.js";
import { balanceLine, compareBalances, flatnessLine, formatDayTables, gasPerTrade, SHARED_SIGNING, type DayResult } from "../../src/bench/day/table.js";

/** The pure parts of `npm run bench -- --day N` (src/bench/day/): no chain. */

const phaseOf = (name: string, ms: number, transactions: number, gasUsed: bigint): PhaseResult => ({ name, ms, transactions, gasUsed });

function dayResult(trades: number, nettedGas: bigint, equal = true): DayResult {
  return {
    trades,
    netted: {
      phases: [phaseOf("sign", 1_000, 0, 0n), phaseOf("submit & match", 500, 10, nettedGas / 2n), phaseOf("net & settle", 500, 10, nettedGas / 2n)],
      peakRss: 512 * 2 ** 20,
    },
    // The gross run settles the orders the netted run signed: the same signing, counted in both totals.
    gross: { phases: [phaseOf(SHARED_SIGNING, 1_000, 0, 0n), phaseOf("settle gross", 3_000, trades, 174_000n * BigInt(trades))], peakRss: 600 * 2 ** 20 },
    balances: { equal, positions: 100, differences: equal ? [] : ["participant 0, token 0: netted 1, gross 2"] },
  };
}

describe("bench day (pure parts)", function () {
  describe("generateDay", function () {
    it("is the same day from the same seed, and another from another seed", function () {
      expect(generateDay(500, 42)).to.deep.equal(generateDay(500, 42));
      expect(generateDay(500, 42)).not.to.deep.equal(generateDay(500, 43));
      // A longer day starts with the shorter one: each count is a prefix of the same stream.
      expect(generateDay(1_000, 42).slice(0, 500)).to.deep.equal(generateDay(500, 42));
    });

    it("pins the default day's first trade (a changed generator changes every published figure)", function () {
      // mulberry32's published first output for seed 1 (0.6270739405881613 × 2^32).
      expect(mulberry32(1)()).to.equal(2_693_262_067);
      expect(generateDay(1)).to.deep.equal([{ index: 0, seller: 16, buyer: 3, bond: 0, cash: 0, quantity: 50n, amount: 249_550_000n }]);
    });

    it("trades between two different participants, within the shape, at 1–50 units and 98.00–102.00", function () {
      const trades = generateDay(5_000);
      for (const t of trades) {
        expect(t.seller).to.not.equal(t.buyer);
        expect(t.seller).to.be.within(0, DAY_SHAPE.participants - 1);
        expect(t.buyer).to.be.within(0, DAY_SHAPE.participants - 1);
        expect(t.bond).to.be.within(0, DAY_SHAPE.bonds - 1);
        expect(t.cash).to.be.within(0, DAY_SHAPE.cashTokens - 1);
        expect(Number(t.quantity)).to.be.within(1, 50);
        expect(Number(t.amount / t.quantity)).to.be.within(4_900_000, 5_100_000);
        expect(t.amount % t.quantity).to.equal(0n);
      }
      // Every participant, bond and cash token is used.
      expect(new Set(trades.map((t) => t.seller)).size).to.equal(DAY_SHAPE.participants);
      expect(new Set(trades.map((t) => t.bond)).size).to.equal(DAY_SHAPE.bonds);
      expect(new Set(trades.map((t) => t.cash)).size).to.equal(DAY_SHAPE.cashTokens);
    });

    it("refuses a negative or fractional count and a degenerate shape", function () {
      expect(() => generateDay(-1)).to.throw(RangeError);
      expect(() => generateDay(1.5)).to.throw(RangeError);
      expect(() => generateDay(1, 1, { participants: 1, bonds: 1, cashTokens: 1 })).to.throw(RangeError);
    });
  });

  describe("expectedChanges", function () {
    it("moves each trade's bond one way and its cash the other, summing to zero per token", function () {
      const shape = { participants: 3, bonds: 1, cashTokens: 1 };
      const changes = expectedChanges(
        [
          { index: 0, seller: 0, buyer: 1, bond: 0, cash: 0, quantity: 2n, amount: 10n },
          { index: 1, seller: 1, buyer: 2, bond: 0, cash: 0, quantity: 1n, amount: 6n },
        ],
        shape,
      );
      expect(changes).to.deep.equal([
        [-2n, 10n],
        [1n, -4n],
        [1n, -6n],
      ]);
      const day = expectedChanges(generateDay(2_000));
      for (let token = 0; token < DAY_SHAPE.bonds + DAY_SHAPE.cashTokens; token++) {
        expect(day.reduce((sum, row) => sum + row[token], 0n)).to.equal(0n);
      }
    });
  });

  describe("chunks", function () {
    it("splits into consecutive chunks of at most the size, and refuses a size below 1", function () {
      expect(chunks([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(chunks([], 100)).to.deep.equal([]);
      expect(() => chunks([1], 0)).to.throw(RangeError);
    });
  });

  describe("compareBalances", function () {
    it("is equal for identical tables with an empty engine", function () {
      const check = compareBalances([[1n, 2n], [3n, 4n]], [[1n, 2n], [3n, 4n]], [0n, 0n], [0n, 0n]);
      expect(check).to.deep.equal({ equal: true, positions: 4, differences: [] });
    });

    it("names each differing position, a missing one, and a balance left with the engine", function () {
      const check = compareBalances([[1n, 2n], [3n]], [[1n, 5n], [3n, 4n]], [0n, 7n], [0n, 0n]);
      expect(check.equal).to.equal(false);
      expect(check.differences).to.deep.equal([
        "participant 0, token 1: netted 2, gross 5",
        "participant 1, token 1: netted missing, gross 4",
        "the engine still holds 7 of token 1 after the netted day",
      ]);
    });
  });

  describe("tables", function () {
    it("prints a row per run with each phase, and the ratios and targets per day", function () {
      const text = formatDayTables([dayResult(1_000, 100_000_000n)]);
      const lines = text.split("\n");
      expect(lines[0]).to.equal(
        "| Trades | Run | Sign orders | Submit & match | Net & settle | Settle gross | Total wall | Transactions | Gas / trade | Peak RSS |",
      );
      expect(lines[2]).to.equal(
        "| 1,000 | netted | 1.00 s | 0.50 s (50,000 gas/trade) | 0.50 s (50,000 gas/trade) |  | 2.00 s | 20 | 100,000 | 512 MiB |",
      );
      expect(lines[3]).to.equal("| 1,000 | gross | 1.00 s (the same orders) |  |  | 3.00 s (174,000 gas/trade) | 4.00 s | 1,000 | 174,000 | 600 MiB |");
      expect(lines[7]).to.equal("| 1,000 | 0.50 | 0.33 | 0.57 | yes | **no** (100,000) | yes |");
      // A gross run that had to sign again (another domain) shows its own signing, and it counts the same way.
      const resigned = dayResult(1_000, 100_000_000n);
      const own = { ...resigned, gross: { ...resigned.gross, phases: [phaseOf("sign", 2_000, 0, 0n), ...resigned.gross.phases.slice(1)] } };
      const ownLines = formatDayTables([own]).split("\n");
      expect(ownLines[3]).to.equal("| 1,000 | gross | 2.00 s |  |  | 3.00 s (174,000 gas/trade) | 5.00 s | 1,000 | 174,000 | 600 MiB |");
      expect(ownLines[7]).to.equal("| 1,000 | 0.40 | 0.33 | 0.57 | yes | **no** (100,000) | yes |");
    });

    it("says when a target is met, and words the balance check and the flatness of the cost", function () {
      const cheap = dayResult(10_000, 240_000_000n);
      expect(formatDayTables([cheap]).split("\n").at(-1)).to.equal("| 10,000 | 0.50 | 0.33 | 0.14 | yes | yes (24,000) | yes |");
      expect(gasPerTrade(cheap.netted, 10_000)).to.equal(24_000n);
      expect(balanceLine(cheap)).to.equal(
        "10,000 trades: every balance after the netted day equals the balance after the gross day (100 positions, and the engine holds nothing after either).",
      );
      expect(balanceLine(dayResult(5, 5n, false))).to.equal(
        "5 trades: balances differ after the netted and the gross day: participant 0, token 0: netted 1, gross 2.",
      );
      expect(flatnessLine([dayResult(1_000, 100_000_000n), dayResult(10_000, 1_020_000_000n)])).to.equal(
        "Netted gas per trade: 100,000 at 1,000, 102,000 at 10,000 trades — spread 2.0% (flat, within 5%).",
      );
      expect(flatnessLine([dayResult(1_000, 100_000_000n), dayResult(10_000, 2_000_000_000n)])).to.contain("**not flat**");
      expect(flatnessLine([cheap])).to.equal("");
    });
  });

  describe("parseDaySizes", function () {
    it("reads comma-separated counts, and a bare --day as 10,000", function () {
      expect(parseDaySizes("1000,10000,50000")).to.deep.equal([1_000, 10_000, 50_000]);
      expect(parseDaySizes(" 10_000 ")).to.deep.equal([10_000]);
      expect(parseDaySizes("")).to.deep.equal([10_000]);
    });

    it("refuses a count that is not a whole number from 1 to the maximum", function () {
      for (const bad of ["0", "-5", "1.5", "abc", String(MAX_DAY_TRADES + 1), "1000,,2000"]) {
        expect(() => parseDaySizes(bad), bad).to.throw(RangeError);
      }
    });
  });

  describe("calldata encoded by hand", function () {
    const iface = SettlementEngine__factory.createInterface();
    const address = (n: number): string => zeroPadValue(toBeHex(0xabc000 + n), 20);
    const signature = (n: number): string => hexlify(new Uint8Array(65).map((_, i) => (n * 31 + i * 7 + 1) % 256));
    const signed: SignedTradeArgs[] = [0, 1, 2].map((i) => ({
      trade: {
        tradeRef: zeroPadValue(toBeHex(i + 1), 32),
        seller: address(1 + i),
        buyer: address(2 + i),
        asset: address(3),
        quantity: BigInt(5 + i),
        buyerCash: address(4),
        sellerCash: address(4),
        amount: 249_550_000n * BigInt(i + 1),
        settlementDate: 1_800_000_000n,
        expiry: 1_800_604_800n,
      },
      sellerNonce: BigInt(i),
      sellerSignature: signature(2 * i),
      buyerNonce: (7n << 64n) | BigInt(i),
      buyerSignature: signature(2 * i + 1),
    }));

    it("is ethers' own ABI encoding of settleSigned, matchSignedBatch and settleBatch", function () {
      const s = signed[1];
      expect(encodeSettleSigned(iface.getFunction("settleSigned").selector, s)).to.equal(
        iface.encodeFunctionData("settleSigned", [s.trade, s.sellerNonce, s.sellerSignature, s.buyerNonce, s.buyerSignature]),
      );
      expect(encodeMatchSignedBatch(iface.getFunction("matchSignedBatch").selector, signed)).to.equal(
        iface.encodeFunctionData("matchSignedBatch", [signed]),
      );
      expect(encodeSettleBatch(iface.getFunction("settleBatch").selector, signed.map((x) => x.trade))).to.equal(
        iface.encodeFunctionData("settleBatch", [signed.map((x) => x.trade)]),
      );
    });
  });
});
