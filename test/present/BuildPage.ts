import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PAGES_KEPT, pruneBuiltPages } from "../../src/present/build-page.js";

/** The presenter page cache keeps the latest builds only (src/present/build-page.ts). */
describe("presenter page cache", function () {
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "page-cache-"));
  });
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  /** A built page `name`, last modified `ageSeconds` ago. */
  async function built(name: string, ageSeconds: number): Promise<void> {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "index.html"), "<!doctype html>");
    const at = new Date(Date.now() - ageSeconds * 1000);
    await utimes(join(dir, name), at, at);
  }

  it(`keeps the ${PAGES_KEPT} latest builds and removes the older ones`, async function () {
    for (const [name, age] of [["aaaa", 50], ["bbbb", 40], ["cccc", 30], ["dddd", 20], ["eeee", 10]] as const) await built(name, age);
    expect(await pruneBuiltPages(dir)).to.have.members(["aaaa", "bbbb"]);
    expect((await readdir(dir)).sort()).to.deep.equal(["cccc", "dddd", "eeee"]);
  });

  it("leaves a build still in progress, and does nothing with few builds or no cache", async function () {
    await built("building-x1", 100);
    await built("old1", 90);
    await built("new1", 1);
    expect(await pruneBuiltPages(dir, 1)).to.deep.equal(["old1"]);
    expect(existsSync(join(dir, "building-x1"))).to.equal(true);
    expect(await pruneBuiltPages(dir, 5)).to.deep.equal([]);
    expect(await pruneBuiltPages(join(dir, "absent"))).to.deep.equal([]);
  });
});
