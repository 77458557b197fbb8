import { existsSync } from "node:fs";

/** Where Debian's Chromium is (`apt-get install chromium`); `CHROMIUM_PATH`, when set, names the one binary to use. */
export function chromiumPath(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  const candidates = given !== undefined && given !== "" ? [given] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path) => existsSync(path));
}

/** The one line a run without Chromium prints (and, under CI=true, fails with). */
export const NO_CHROMIUM =
  "browser tests need Debian's Chromium: install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary)";
