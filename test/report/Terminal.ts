import { expect } from "chai";
import { stripVTControlCharacters } from "node:util";

import { encodeBytes32String } from "ethers";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import { readLedgerState, type ChainState } from "../../src/chain/ledger-state.js";
import { asksForEvents } from "../../src/cli/step-mode.js";
import { renderLedgerState } from "../../src/report/ledger-tables.js";
import { colorWanted, createStyle, plainStyle, shortHex, styleFor, terminalWidth, visibleWidth, wrapLine, type Style } from "../../src/report/style.js";
import { renderTable } from "../../src/report/table.js";
import { renderObservations, renderStepEvents, renderStepPreview, renderStepResult, renderSummary } from "../../src/report/terminal.js";
import { stepById, type ScenarioRun } from "../../src/runner/run.js";
import type { Observation, Step } from "../../src/runner/types.js";
import { creditHarbour, loadLedger, runInline, strangerMints, UNAUTHORIZED } from "../helpers/inline-scenario.js";

/**
 * The terminal's colour and width, as pure functions of the facts and a `Style`: colour decided from
 * the environment and whether the stream is a terminal, every line fitted to the width (measured
 * without colour codes), presenter mode's compact step. The CLI's use of them: test/cli/ScenarioCli.ts.
 */

const ESC = "\u001b[";

/** The lines of `text` longer than `width` columns, colour codes left out. */
const tooLong = (text: string, width: number): string[] => text.split("\n").filter((line) => visibleWidth(line) > width);

const STYLES: readonly Style[] = [80, 120].flatMap((width) => [createStyle({ color: false, width }), createStyle({ color: true, width })]);
const label = (style: Style): string => `${style.width} columns, ${style.color ? "colour" : "no colour"}`;

describe("terminal: colour and width", function () {
  describe("colour: decided once from the environment and whether stdout is a terminal", function () {
    it("colours a terminal, not a pipe", function () {
      expect(colorWanted({}, true)).to.equal(true);
      expect(colorWanted({}, false)).to.equal(false);
    });

    it("NO_COLOR (or NODE_DISABLE_COLORS) with any non-empty value turns it off; an empty one does not", function () {
      expect(colorWanted({ NO_COLOR: "1" }, true)).to.equal(false);
      expect(colorWanted({ NO_COLOR: "no" }, true)).to.equal(false);
      expect(colorWanted({ NODE_DISABLE_COLORS: "1" }, true)).to.equal(false);
      expect(colorWanted({ NO_COLOR: "" }, true)).to.equal(true);
      expect(colorWanted({ TERM: "dumb" }, true)).to.equal(false);
    });

    it("FORCE_COLOR colours even a pipe, and decides over NO_COLOR; FORCE_COLOR=0 or false means none", function () {
      expect(colorWanted({ FORCE_COLOR: "1" }, false)).to.equal(true);
      expect(colorWanted({ FORCE_COLOR: "" }, false)).to.equal(true);
      expect(colorWanted({ FORCE_COLOR: "3", NO_COLOR: "1" }, false)).to.equal(true);
      expect(colorWanted({ FORCE_COLOR: "0" }, true)).to.equal(false);
      expect(colorWanted({ FORCE_COLOR: "false" }, true)).to.equal(false);
    });

    it("--json never colours, not even with FORCE_COLOR; a style without colour adds no codes", function () {
      expect(styleFor({ isTTY: true, columns: 90 }, { FORCE_COLOR: "1" }, true).color).to.equal(false);
      expect(styleFor({ isTTY: true, columns: 90 }, {}, false).color).to.equal(true);
      expect(createStyle({ color: false, width: 80 }).paint("ok", "✔")).to.equal("✔");
      expect(createStyle({ color: true, width: 80 }).paint("ok", "✔")).to.equal(`${ESC}32m✔${ESC}39m`);
    });
  });

  describe("width", function () {
    it("is the terminal's columns, else COLUMNS, else 100; never under 40", function () {
      expect(terminalWidth(132, { COLUMNS: "80" })).to.equal(132);
      expect(terminalWidth(undefined, { COLUMNS: "80" })).to.equal(80);
      expect(terminalWidth(undefined, { COLUMNS: "wide" })).to.equal(100);
      expect(terminalWidth(undefined, {})).to.equal(100);
      expect(terminalWidth(undefined, { COLUMNS: "20" })).to.equal(40);
      expect(styleFor({ isTTY: false, columns: 132 }, { COLUMNS: "90" }, false).width).to.equal(90);
    });

    it("wraps prose at spaces with a hanging indent, keeping the line's own spacing", function () {
      expect(wrapLine("  the ledger's clock now reads 03 Dec 2029 and nothing else moved", 30)).to.deep.equal([
        "  the ledger's clock now reads",
        "    03 Dec 2029 and nothing",
        "    else moved",
      ]);
      expect(wrapLine("Step 5/13  Issue date: HKSAR Government allots the bond", 30, 11)).to.deep.equal([
        "Step 5/13  Issue date: HKSAR",
        "           Government allots",
        "           the bond",
      ]);
      expect(wrapLine("  tx 0x12…  short  (gas 1)", 80)).to.deep.equal(["  tx 0x12…  short  (gas 1)"]);
      // Words joined by KEEP_TOGETHER (a no-break space) move to the next line together.
      expect(wrapLine("  aaa bbb\u00a0ccc", 11)).to.deep.equal(["  aaa", "    bbb ccc"]);
      expect(wrapLine("  aaa bbb ccc", 11)).to.deep.equal(["  aaa bbb", "    ccc"]);
    });

    it("shortens addresses and hashes only where a line would overflow, and cuts a word longer than a line", function () {
      const address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
      expect(shortHex(address)).to.equal("0xf39F…2266");
      expect(wrapLine(`  holder ${address}`, 60)).to.deep.equal([`  holder ${address}`]);
      expect(wrapLine(`  holder ${address} froze`, 40)).to.deep.equal(["  holder 0xf39F…2266 froze"]);
      expect(wrapLine("  abcdefghijklmnopqrstuvwxyz", 12)).to.deep.equal(["  abcdefghij", "    klmnopqr", "    stuvwxyz"]);
    });

    it("measures width without colour codes", function () {
      const style = createStyle({ color: true, width: 20 });
      const painted = `  ${style.paint("ok", "✔ done")} and more words here`;
      expect(visibleWidth(painted)).to.equal(stripVTControlCharacters(painted).length);
      const lines = wrapLine(painted, 20);
      expect(lines.map(stripVTControlCharacters)).to.deep.equal(["  ✔ done and more", "    words here"]);
    });

    it("a table too wide gives up columns in the order it names: short addresses, then dropped columns, then cut names", function () {
      const rows = [["Peak Asset Management", "investor", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "HKD 1,000.00"]];
      const header = ["Holder", "Kind", "Address", "Balance"];
      const reductions = [{ shorten: "Address" }, { drop: "Kind" }, { truncate: "Holder", min: 10 }] as const;
      const at = (width: number): string[] => renderTable(header, rows, { style: plainStyle(width), reductions }).split("\n");
      expect(at(120)[2]).to.equal("Peak Asset Management  investor  0x976EA74026E726554dB657fA54763abd0C3a0aa9  HKD 1,000.00");
      expect(at(60)[2]).to.equal("Peak Asset Management  investor  0x976E…0aa9  HKD 1,000.00");
      expect(at(50)[2]).to.equal("Peak Asset Management  0x976E…0aa9  HKD 1,000.00");
      expect(at(45)).to.deep.equal(["Holder              Address      Balance", "──────────────────  ───────────  ────────────", "Peak Asset Manage…  0x976E…0aa9  HKD 1,000.00"]);
      expect(at(40)[2]).to.equal("Peak Asset M…  0x976E…0aa9  HKD 1,000.00");
      // Past its last reduction, a line is cut at the width.
      expect(at(30).map(visibleWidth)).to.deep.equal([30, 30, 29]);
      expect(at(30)[2]).to.equal("Peak Asse…  0x976E…0aa9  HKD…");
    });
  });

  describe("observations", function () {
    this.timeout(60_000);
    const trade = (ref: string, status: "Matched" | "Settled"): Observation => ({
      kind: "tradeStatus",
      tradeRef: encodeBytes32String(ref),
      tradeId: `0x${"1".repeat(64)}`,
      status,
      reason: "None",
      iso: status === "Matched" ? { status: "MACH", reason: "FUTU" } : { status: "SETT" },
    });

    it("folds a run of three or more trades in the same state into one line, and keeps shorter runs and other observations as they are", async function () {
      const { run } = await runInline(await loadLedger(), [creditHarbour]);
      const observations: Observation[] = [
        ...["NB-001", "NB-002", "NB-003", "NB-004"].map((r) => trade(r, "Matched")),
        trade("NB-005", "Settled"),
        trade("NB-006", "Settled"),
        { kind: "note", text: "a note", values: {} },
      ];
      expect(renderObservations(observations, run.directory)).to.deep.equal([
        "4 trades on chain: MACH/FUTU (matched: awaiting the settlement date) — NB-001 … NB-004",
        "trade NB-005 on chain: SETT (settled) — engine status Settled",
        "trade NB-006 on chain: SETT (settled) — engine status Settled",
        "a note",
      ]);
    });
  });

  describe("steps and the closing tables, at 80 and 120 columns, with and without colour", function () {
    this.timeout(60_000);

    let ledger: HongKongLedger;
    let run: ScenarioRun;
    let chains: ChainState[];
    /** Ten mints and a dozen notes under a 170-character title: a step too long for one screen in full. */
    const longStep: Step = {
      id: "long",
      title: `HKMA credits Harbour, Victoria and Lion Rock Bank with wholesale CBDC (wHKD) ten times over, in amounts that differ, so that the title is far longer than any terminal line`,
      detail: "A step with many transactions: in presenter mode its events wait until asked for, so the title stays on a 50-row screen.",
      action: async (ctx) => {
        const banks = [ctx.ledger.participants.harbourBank, ctx.ledger.participants.victoriaBank, ctx.ledger.participants.lionRockBank];
        for (let i = 0; i < 10; i++) {
          const bank = banks[i % banks.length];
          await ctx.send(`mint ${i + 1}.00 wHKD to ${bank.name} for a presenter who wants a very long label`, ctx.ledger.wcbdc.mint, bank.address, BigInt(i + 1) * 100n);
        }
        for (let i = 0; i < 12; i++) ctx.note(`figure {n} of twelve, a sentence long enough to wrap on an eighty-column terminal, as notes are`, { n: { type: "number", value: BigInt(i + 1) } });
      },
    };

    before(async function () {
      ledger = await loadLedger();
      ({ run } = await runInline(ledger, [creditHarbour, strangerMints(UNAUTHORIZED), longStep]));
      chains = await readLedgerState(run.directory);
    });

    for (const style of STYLES) {
      it(`no line is wider than the terminal (${label(style)})`, function () {
        const texts = [
          renderStepPreview(longStep, 2, 3, style),
          ...run.steps.flatMap((s) => [renderStepResult(s, run.directory, style), renderStepResult(s, run.directory, style, "hidden"), renderStepEvents(s, run.directory, 3, style)]),
          renderSummary(run, style),
          renderLedgerState(chains, style),
        ];
        for (const text of texts) expect(tooLong(text, style.width), text).to.deep.equal([]);
      });
    }

    it("colour changes nothing but the codes: the same text with them left out", function () {
      for (const width of [80, 120]) {
        const plain = plainStyle(width);
        const colour = createStyle({ color: true, width });
        for (const step of run.steps) {
          const painted = renderStepResult(step, run.directory, colour);
          expect(painted).to.include(ESC);
          expect(stripVTControlCharacters(painted)).to.equal(renderStepResult(step, run.directory, plain));
        }
        expect(stripVTControlCharacters(renderLedgerState(chains, colour))).to.equal(renderLedgerState(chains, plain));
        expect(stripVTControlCharacters(renderSummary(run, colour))).to.equal(renderSummary(run, plain));
      }
    });

    it("verdicts in their colours: done green, an expected refusal yellow; the heading bold; a balance that rose green and bold", function () {
      const colour = createStyle({ color: true, width: 120 });
      const done = renderStepResult(stepById(run, "credit-harbour"), run.directory, colour).split("\n");
      expect(done[0]).to.equal(`  ${ESC}32m✔ done${ESC}39m`);
      expect(done[done.length - 1]).to.include(`${ESC}1m${ESC}32mHKD 1,000.00${ESC}39m${ESC}22m`);
      expect(renderStepResult(stepById(run, "stranger-mints"), run.directory, colour).split("\n")[0]).to.match(new RegExp(`^${ESC.replace("[", "\\[")}33m {2}✔ refused as expected: `));
      expect(renderStepPreview(longStep, 2, 3, colour).split("\n")[1]).to.match(new RegExp(`^${ESC.replace("[", "\\[")}1mStep 3/3 {2}HKMA credits`));
    });

    it("a long title wraps under itself; the end-of-run tables at 80 columns show addresses in short form", function () {
      const style = plainStyle(80);
      const preview = renderStepPreview(longStep, 2, 3, style).split("\n");
      expect(preview[1]).to.match(/^Step 3\/3 {2}HKMA credits/);
      expect(preview[2]).to.match(/^ {10}\S/);
      const tables = renderLedgerState(chains, style);
      const harbour = ledger.participants.harbourBank.address;
      expect(tables).to.include(shortHex(harbour));
      expect(tables).to.not.include(harbour);
      expect(renderLedgerState(chains, plainStyle(200))).to.include(harbour);
      expect(tables.split("\n")[1]).to.match(/^Participant +Jurisdiction +Address +KYC valid until$/);
    });

    it("presenter mode: a long step shows its transactions without events, then how to see them, and fits a 50-row screen", function () {
      const step = stepById(run, "long");
      const style = plainStyle(80);
      const compact = renderStepResult(step, run.directory, style, "hidden").split("\n");
      const full = renderStepResult(step, run.directory, style).split("\n");
      expect(full.filter((l) => l.startsWith("     • "))).to.have.length(10);
      expect(compact.filter((l) => l.startsWith("     • "))).to.deep.equal([]);
      expect(compact.filter((l) => /^ {2}tx 0x[0-9a-f]{8}… /.test(l))).to.have.length(6);
      expect(compact).to.include("  … and 4 more transactions (gas " + compact.find((l) => l.startsWith("  … and 4 more"))?.slice(33));
      expect(compact.join("\n")).to.include("\n  10 events and 4 more observations not shown: [e] [Enter] lists them (or run\n    with --verbose)\n");
      const preview = renderStepPreview(longStep, 2, 3, style).split("\n");
      expect(preview.length + 1 + compact.length + 1).to.be.at.most(49);
      const listed = renderStepEvents(step, run.directory, 3, style).split("\n");
      expect(listed[1]).to.match(/^Events of step 3\/3 {2}HKMA credits/);
      expect(listed.filter((l) => l.startsWith("     • "))).to.have.length(10);
      expect(listed.filter((l) => l.startsWith("  figure "))).to.have.length(12);
    });

    it('the pacer takes "e" or "v" (any case) as a request for the events, anything else as going on', function () {
      for (const line of ["e", "v", "E", " e "]) expect(asksForEvents(line), line).to.equal(true);
      for (const line of ["", "events", "n", "q"]) expect(asksForEvents(line), line).to.equal(false);
    });
  });
});
