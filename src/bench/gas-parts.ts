/**
 * Where the gas of one signed DvP goes, read from the node's opcode trace (`debug_traceTransaction`)
 * rather than estimated: the two token legs, the signature recovery, the two keyed nonces, the trade
 * record, and everything else. `npm run bench` prints these as rows under the signed DvP.
 */
import { AbiCoder, keccak256 } from "ethers";

/** One step of a geth-style struct log (the fields this module reads). */
interface StructLog {
  readonly depth: number;
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly stack?: readonly string[];
}

/** Anything that answers JSON-RPC requests (a Hardhat network connection's provider). */
export interface TraceProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** What identifies the parts in the engine's trace. */
export interface SignedDvPPartsInput {
  /** The `settleSigned` transaction. */
  readonly txHash: string;
  /** Its receipt's `gasUsed`. */
  readonly gasUsed: bigint;
  /** The tokens whose legs the engine calls (asset and cash). */
  readonly tokens: readonly string[];
  /** The trade id (`engine.tradeId(trade)`): its record is `_trades[id]`. */
  readonly tradeId: string;
  /** Each party's nonce owner and key (`NoncesKeyed`: `_nonces[owner][key]`). */
  readonly nonces: readonly { readonly owner: string; readonly key: bigint }[];
}

/** The parts of one signed DvP's gas; `rest` is what is left of `total`, so they add up. */
export interface SignedDvPParts {
  readonly total: bigint;
  /** The calls into the token contracts (both transfers, and the registry calls they make). */
  readonly tokenLegs: bigint;
  /** The `ecrecover` precompile call(s) verifying the counterparty's order. */
  readonly signatureRecovery: bigint;
  /** Reading and advancing the parties' keyed nonces (their storage reads and writes). */
  readonly nonces: bigint;
  /** Reading and writing the once-only trade record (its storage read and write). */
  readonly record: bigint;
  /** The transaction's intrinsic cost: 21,000 and its calldata (16 a non-zero byte, 4 a zero byte). */
  readonly intrinsic: bigint;
  /** The engine's own execution besides the parts above: its checks, EIP-712 hashing, events. */
  readonly rest: bigint;
}

const ECRECOVER = 1n;
/** Mapping slots below this are searched for the record's and the nonces' mapping (the engine's layout). */
const MAX_SLOT = 512;

/** 21,000 plus calldata: 16 gas a non-zero byte, 4 a zero byte (a call, no access list). */
function intrinsicGas(data: string): bigint {
  let gas = 21_000n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

/** Gas of every top-level call (engine frame, depth 1): what the call took, callee included. */
function callCosts(logs: readonly StructLog[]): { to: bigint; gas: number }[] {
  const calls: { to: bigint; gas: number }[] = [];
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    if (l.depth !== 1 || !["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op) || l.stack === undefined) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== 1) j++;
    if (j === logs.length) throw new Error("trace ended inside a call");
    calls.push({ to: BigInt(l.stack[l.stack.length - 2]), gas: l.gas - logs[j].gas });
  }
  return calls;
}

/** Storage gas (SLOAD and SSTORE) of the engine frame, by slot. */
function storageCosts(logs: readonly StructLog[]): Map<bigint, number> {
  const bySlot = new Map<bigint, number>();
  for (const l of logs) {
    if (l.depth !== 1 || (l.op !== "SLOAD" && l.op !== "SSTORE") || l.stack === undefined) continue;
    const slot = BigInt(l.stack[l.stack.length - 1]);
    bySlot.set(slot, (bySlot.get(slot) ?? 0) + l.gasCost);
  }
  return bySlot;
}

const coder = AbiCoder.defaultAbiCoder();
const mappingSlot = (types: string[], values: unknown[]): bigint => BigInt(keccak256(coder.encode(types, values)));

/** The one slot in `touched` that is `mapping[key]` for some mapping at slot < MAX_SLOT (`derive`). */
function findSlot(touched: ReadonlySet<bigint>, derive: (p: number) => bigint, what: string): bigint {
  for (let p = 0; p < MAX_SLOT; p++) {
    const slot = derive(p);
    if (touched.has(slot)) return slot;
  }
  throw new Error(`the trace does not touch ${what}`);
}

/**
 * Splits the gas of one `settleSigned` transaction into its parts, from the opcode trace.
 * @example const parts = await signedDvPParts(connection.provider, { txHash, gasUsed, tokens: [bond, wcbdc], tradeId, nonces });
 */
export async function signedDvPParts(provider: TraceProvider, input: SignedDvPPartsInput): Promise<SignedDvPParts> {
  const trace = (await provider.request({
    method: "debug_traceTransaction",
    params: [input.txHash, { disableMemory: true, disableStorage: true }],
  })) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const calls = callCosts(logs);
  const tokens = new Set(input.tokens.map((t) => BigInt(t)));
  const legs = calls.filter((c) => tokens.has(c.to));
  if (legs.length < 2) throw new Error(`expected the two token legs in the trace, found ${legs.length}`);
  const recoveries = calls.filter((c) => c.to === ECRECOVER);
  if (recoveries.length === 0) throw new Error("expected an ecrecover call in the trace");

  const storage = storageCosts(logs);
  const touched = new Set(storage.keys());
  const recordSlot = findSlot(touched, (p) => mappingSlot(["bytes32", "uint256"], [input.tradeId, p]), "the trade record");
  const nonceSlots = input.nonces.map(({ owner, key }) =>
    findSlot(
      touched,
      (p) => mappingSlot(["uint192", "uint256"], [key, mappingSlot(["address", "uint256"], [owner, p])]),
      `the nonce of ${owner}`,
    ),
  );

  const sum = (xs: readonly number[]): bigint => BigInt(xs.reduce((a, b) => a + b, 0));
  const tokenLegs = sum(legs.map((c) => c.gas));
  const signatureRecovery = sum(recoveries.map((c) => c.gas));
  const nonces = sum(nonceSlots.map((s) => storage.get(s) ?? 0));
  const record = BigInt(storage.get(recordSlot) ?? 0);
  const tx = (await provider.request({ method: "eth_getTransactionByHash", params: [input.txHash] })) as { input: string };
  const intrinsic = intrinsicGas(tx.input);
  return {
    total: input.gasUsed,
    tokenLegs,
    signatureRecovery,
    nonces,
    record,
    intrinsic,
    rest: input.gasUsed - tokenLegs - signatureRecovery - nonces - record - intrinsic,
  };
}
