import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "vite";

/** The page's sources (Vite's root): index.html, its TypeScript and CSS. */
export const PAGE_ROOT = fileURLToPath(new URL("../../page/", import.meta.url));

/**
 * Builds the presenter page with Vite into a fresh temporary folder and returns it: one bundle of
 * the page's TypeScript (viem included) and CSS, nothing loaded from elsewhere. Each presentation
 * builds its own, so two at once never share a folder.
 * @example const pageDir = await buildPage();
 */
export async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "sandbox-present-"));
  await build({
    root: PAGE_ROOT,
    configFile: false,
    logLevel: "warn",
    base: "./",
    build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2_000 },
  });
  return outDir;
}
