import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";

import { Directory } from "../../src/chain/directory.js";
import type { AbiValue } from "../../src/chain/facts.js";
import { describeEvent } from "../../src/report/event-text.js";
import { loadLedger } from "../helpers/inline-scenario.js";

/**
 * Every event a contract of this project declares (contracts/, mocks aside) reads as words in the
 * report layer (src/report/event-text.ts), or is hidden there on purpose: none falls through to the
 * generic `contract: Name(arg, …)` line. A new contract event without wording fails here, naming it.
 */

interface AbiParam {
  readonly name: string;
  readonly type: string;
  readonly components?: readonly AbiParam[];
}
interface AbiEvent {
  readonly type: string;
  readonly name: string;
  readonly inputs: readonly AbiParam[];
}

const ARTIFACTS = join(import.meta.dirname, "../../artifacts/contracts");

/** Events of every contract artifact under contracts/ except mocks, by event name, with a contract declaring it. */
function declaredEvents(): Map<string, { readonly contract: string; readonly event: AbiEvent }> {
  const events = new Map<string, { readonly contract: string; readonly event: AbiEvent }>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "mocks") walk(path);
      } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const artifact = JSON.parse(readFileSync(path, "utf8")) as { contractName: string; abi: readonly AbiEvent[] };
        for (const item of artifact.abi) {
          if (item.type === "event" && !events.has(item.name)) events.set(item.name, { contract: artifact.contractName, event: item });
        }
      }
    }
  };
  walk(ARTIFACTS);
  return events;
}

/** A plausible decoded value of an ABI type, as the runner's event facts carry it (strings, nested objects). */
function sample(param: AbiParam): AbiValue {
  if (param.type === "tuple") return Object.fromEntries((param.components ?? []).map((c) => [c.name, sample(c)]));
  if (param.type.endsWith("[]")) return [];
  if (param.type === "address") return ZeroAddress;
  if (param.type === "bool") return true;
  if (param.type === "bytes32") return ZeroHash;
  if (param.type.startsWith("bytes")) return "0x";
  if (param.type === "string") return "Q2004";
  return "1";
}

describe("event wording", function () {
  it("every event the contracts declare has its own wording (or is hidden as noise), reading only arguments it has", async function () {
    const ledger = await loadLedger();
    const directory = await Directory.read(ledger.chains);
    const events = declaredEvents();
    expect(events.size, "events found in artifacts/contracts").to.be.greaterThan(40);
    const generic: string[] = [];
    const broken: string[] = [];
    for (const [name, { contract, event }] of events) {
      const args = Object.fromEntries(event.inputs.map((p) => [p.name, sample(p)]));
      const line = describeEvent({ contract: { name: contract, address: ZeroAddress }, name, args }, "hk", directory);
      if (line !== null && line.includes(`${name}(`)) generic.push(`${contract}.${name}`);
      if (line !== null && /undefined|NaN|\[object Object\]/.test(line)) broken.push(`${contract}.${name}: ${line}`);
    }
    expect(generic, "events without wording in src/report/event-text.ts").to.deep.equal([]);
    expect(broken, "wording that reads an argument the event does not have").to.deep.equal([]);
  });
});
