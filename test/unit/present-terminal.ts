import { PassThrough } from "node:stream";

import { expect } from "chai";

import { driveFromTerminal, TERMINAL_KEYS, terminalCommandOf } from "../../src/present/terminal-input.js";
import { renderRunEnd, renderStepLine } from "../../src/report/step-line.js";

/** The presenter's terminal: which line asks for what, and the line printed per finished step. */
describe("present: the terminal that started it", () => {
  it("maps Enter to Next, r or run to Run to end, restart to Restart, q or quit to stop (case and spaces ignored)", () => {
    const commands = ["", "   ", "r", "R", " run ", "restart", "Restart ", "q", "quit", "Q"].map(terminalCommandOf);
    expect(commands).to.deep.equal(["next", "next", "run-to-end", "run-to-end", "run-to-end", "restart", "restart", "quit", "quit", "quit"]);
  });

  it("asks for the list of keys on any other line", () => {
    for (const line of ["n", "next", "x", "rr", "restart now", "e"]) expect(terminalCommandOf(line), line).to.equal("keys");
    expect(TERMINAL_KEYS).to.equal("In this terminal: Enter = Next, r (or run) = Run to end, restart = Restart, q = stop");
  });

  it("drives the session line by line from a pipe and stops on q, leaving the rest unread", async () => {
    const calls: string[] = [];
    const session = {
      next: () => void calls.push("next"),
      runToEnd: () => void calls.push("run-to-end"),
      restart: async () => void calls.push("restart"),
    };
    const input = new PassThrough();
    const printed: string[] = [];
    const done = driveFromTerminal(input, session, (line) => printed.push(line));
    input.write("\n\nwhat\nr\nrestart\nq\n\n");
    expect(await done).to.equal("quit");
    expect(calls).to.deep.equal(["next", "next", "run-to-end", "restart"]);
    expect(printed).to.deep.equal([TERMINAL_KEYS]);
  });

  it("ends when the input ends (a pipe closed, or < /dev/null)", async () => {
    const calls: string[] = [];
    const session = { next: () => void calls.push("next"), runToEnd: () => undefined, restart: async () => undefined };
    const input = new PassThrough();
    const done = driveFromTerminal(input, session, () => undefined);
    input.end("\n");
    expect(await done).to.equal("ended");
    expect(calls).to.deep.equal(["next"]);
  });

  it("prints one short line per finished step, and one at the end", () => {
    const step = { index: 2, title: "Harbour Bank buys the bond", status: "ok", expect: "success" } as const;
    expect(renderStepLine(step, 13)).to.equal("Step 3 of 13 ✓ Harbour Bank buys the bond");
    expect(renderStepLine({ ...step, status: "expected-failure", expect: { revert: "SettlementLegFailed" } }, 13)).to.equal(
      "Step 3 of 13 ✓ Harbour Bank buys the bond (refused, as designed)",
    );
    expect(renderStepLine({ ...step, status: "expected-failure", expect: { noBalanceChange: "TradeSettlementFailed" } }, 13)).to.equal(
      "Step 3 of 13 ✓ Harbour Bank buys the bond (recorded on chain as failed, nothing moved, as designed)",
    );
    expect(renderStepLine({ ...step, status: "failed" }, 13, "it was not refused")).to.equal("Step 3 of 13 ✖ Harbour Bank buys the bond: FAILED, it was not refused");
    expect(renderRunEnd(13, true)).to.equal("Finished: all 13 steps ended as designed");
    expect(renderRunEnd(4, false, "step 4 (x) failed: y")).to.equal("Stopped: step 4 (x) failed: y");
  });
});
