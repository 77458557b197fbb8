import { createInterface } from "node:readline";

import type { PresentSession } from "./session.js";

/** What a line typed in the presenter's terminal asks for. */
export type TerminalCommand = "next" | "run-to-end" | "restart" | "quit" | "keys";

/** The one line that lists what the terminal takes (printed at the start and for any line it does not know). */
export const TERMINAL_KEYS = "In this terminal: Enter = Next, r (or run) = Run to end, restart = Restart, q = stop";

/** Printed once the terminal's input has ended (or there is none), so the presenter knows how the server stops. */
export const INPUT_ENDED = "The terminal's input has ended: step from the page; Ctrl-C stops the server";

/**
 * The command of one line of the presenter's terminal (case and surrounding spaces ignored): an
 * empty line (Enter) is Next, `r` or `run` Run to end, `restart` Restart, `q` (or `quit`) stop;
 * anything else asks for the list of keys.
 * @example terminalCommandOf("") // "next"
 */
export function terminalCommandOf(line: string): TerminalCommand {
  switch (line.trim().toLowerCase()) {
    case "":
      return "next";
    case "r":
    case "run":
      return "run-to-end";
    case "restart":
      return "restart";
    case "q":
    case "quit":
      return "quit";
    default:
      return "keys";
  }
}

/**
 * Reads the presenter's terminal line by line (a TTY or a pipe) and drives `session`: Next, Run to
 * end and Restart as the page's buttons do (Next while no step waits is ignored, as on the page),
 * the list of keys on `out` for a line it does not know. Resolves "quit" on `q`, "ended" once the
 * input ends, is closed or cannot be read.
 * @example if ((await driveFromTerminal(process.stdin, session, say)) === "quit") return 0;
 */
export async function driveFromTerminal(
  input: NodeJS.ReadableStream,
  session: Pick<PresentSession, "next" | "runToEnd" | "restart">,
  out: (line: string) => void,
): Promise<"quit" | "ended"> {
  const rl = createInterface({ input, terminal: false });
  try {
    for await (const line of rl) {
      const command = terminalCommandOf(line);
      if (command === "quit") return "quit";
      if (command === "next") session.next();
      else if (command === "run-to-end") session.runToEnd();
      else if (command === "restart") void session.restart();
      else out(TERMINAL_KEYS);
    }
  } catch {
    // Input that cannot be read (e.g. a closed descriptor) is input that has ended.
  } finally {
    rl.close();
  }
  return "ended";
}
