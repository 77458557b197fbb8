import { createInterface } from "node:readline";

/**
 * Presenter pacing: `waitForEnter()` resolves on the next line of standard input. When input is
 * piped, each line advances one step; once input ends (or if there is none), it never waits, so
 * a run without a terminal cannot hang.
 */
export function createStepPacer(input: NodeJS.ReadableStream = process.stdin): {
  waitForEnter(): Promise<void>;
  close(): void;
} {
  const lines: string[] = [];
  const waiting: (() => void)[] = [];
  let ended = false;
  const rl = createInterface({ input, terminal: false });
  rl.on("line", (line) => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else lines.push(line);
  });
  rl.on("close", () => {
    ended = true;
    for (const next of waiting.splice(0)) next();
  });
  return {
    waitForEnter() {
      if (lines.length > 0) {
        lines.shift();
        return Promise.resolve();
      }
      if (ended) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    close() {
      rl.close();
    },
  };
}
