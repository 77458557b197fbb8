import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The page's sources (Vite's root): index.html, its TypeScript and CSS. */
export const PAGE_ROOT = fileURLToPath(new URL("../../page/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Where built pages are kept, one folder per version of their inputs (`hardhat clean` removes them with the rest of cache/). */
export const PAGE_CACHE = join(ROOT, "cache", "present-page");

/** How many built pages the cache keeps: the one just built and the latest others (a presentation still running may use one). */
export const PAGES_KEPT = 3;

/**
 * Removes every built page in `cacheDir` but the `keep` most recently built (by modification
 * time), leaving half-done builds (`building-*`) to the build that owns them. Returns what it removed.
 */
export async function pruneBuiltPages(cacheDir: string, keep: number = PAGES_KEPT): Promise<string[]> {
  if (!existsSync(cacheDir)) return [];
  const built = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("building-"))
    .map((entry) => ({ name: entry.name, at: statSync(join(cacheDir, entry.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const old = built.slice(keep).map((entry) => entry.name);
  for (const name of old) await rm(join(cacheDir, name), { recursive: true, force: true });
  return old;
}

/** Every file under `dir`, sorted, as paths relative to the project root. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/**
 * A hash of everything the bundle is built from: the page, the `src/` modules it imports (all of
 * `src/`, to be safe), and the installed packages (Vite, viem) as the lock files name them.
 */
export function pageInputsHash(): string {
  const hash = createHash("sha256");
  const inputs = [...filesUnder(PAGE_ROOT), ...filesUnder(join(ROOT, "src")), join(ROOT, "package-lock.json"), join(ROOT, "node_modules", ".package-lock.json")];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The presenter page built with Vite: one bundle of the page's TypeScript (viem included) and CSS,
 * nothing loaded from elsewhere. Built once per version of its inputs into
 * `cache/present-page/<hash>/` and reused by every later presentation (the build costs a second or
 * more of CPU); a build goes to a fresh folder first and is renamed into place, so two
 * presentations starting at once never see half a page. The folder is only read. After a build,
 * all but the `PAGES_KEPT` latest builds are removed.
 * @example const pageDir = await buildPage();
 */
export async function buildPage(): Promise<string> {
  const pageDir = join(PAGE_CACHE, pageInputsHash());
  if (existsSync(join(pageDir, "index.html"))) return pageDir;
  await mkdir(PAGE_CACHE, { recursive: true });
  const outDir = await mkdtemp(join(PAGE_CACHE, "building-"));
  const { build } = await import("vite");
  await build({
    root: PAGE_ROOT,
    configFile: false,
    logLevel: "warn",
    base: "./",
    build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2_000 },
  });
  try {
    await rename(outDir, pageDir);
  } catch (error) {
    // Another presentation renamed its build into place first: use that one.
    await rm(outDir, { recursive: true, force: true });
    if (!existsSync(join(pageDir, "index.html"))) throw error;
  }
  await pruneBuiltPages(PAGE_CACHE);
  return pageDir;
}
