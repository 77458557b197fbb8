import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import type { PresentState } from "../../src/present/state.js";
import { ROOT, TSX } from "./cli.js";

/** A running `npm run present -- …` (its child process), the page's URL, and its state on request. */
export interface Presenter {
  readonly url: string;
  state(): Promise<PresentState>;
  stop(): Promise<void>;
}

/** Starts `scripts/present.ts` with `args` under tsx, as `npm run present` does, and waits for the URL it prints. */
export function startPresenter(args: readonly string[]): Promise<Presenter> {
  const child: ChildProcess = spawn(process.execPath, [TSX, path.join("scripts", "present.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`present ${args.join(" ")} exited (${code}) before printing its URL\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const url = /^Open (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
      if (url === undefined) return;
      child.removeAllListeners("exit");
      resolve({
        url,
        async state() {
          const response = await fetch(new URL("api/state", url));
          return (await response.json()) as PresentState;
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
