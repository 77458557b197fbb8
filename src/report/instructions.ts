import type { AbiValue } from "../chain/facts.js";
import type { IsoTradeStatus } from "../domain/trade.js";
import type { StepJson } from "./json.js";

/**
 * The settlement instructions a run has produced so far, from its facts: every trade whose terms the
 * engine recorded (`TradeTermsRecorded`), with its parties, asset, cash and the last ISO 20022 codes
 * the facts carry for it (trade events and trade-status observations). A live view overlays the
 * engine's record read from the chain; this file only gathers what the runner recorded.
 */

/** One trade as its instructions state it. */
export interface Instruction {
  readonly chain: string;
  readonly tradeId: string;
  /** The trade reference as text (a bytes32 string), or the shortened hex when it is not text. */
  readonly ref: string;
  readonly seller: string;
  readonly buyer: string;
  readonly asset: string;
  readonly quantity: bigint;
  readonly buyerCash: string;
  readonly amount: bigint;
  /** The step in which the engine recorded the terms, and the last step whose facts mention the trade. */
  readonly firstStep: number;
  readonly lastStep: number;
  /** The latest ISO 20022 codes the facts carry (an event's or an observation's), if any. */
  readonly iso?: IsoTradeStatus;
}

/** A bytes32 reference as text: the string it encodes, or `0x12345678…` when it encodes none. */
export function refText(ref: string): string {
  const digits = ref.startsWith("0x") ? ref.slice(2) : ref;
  if (digits.length !== 64 || !/^[0-9a-fA-F]+$/.test(digits)) return ref;
  const bytes = Uint8Array.from(digits.match(/../g) ?? [], (b) => parseInt(b, 16));
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const printable = end > 0 && bytes.slice(0, end).every((b) => b >= 0x20 && b < 0x7f);
  return printable ? new TextDecoder().decode(bytes.slice(0, end)) : `${ref.slice(0, 10)}…`;
}

const text = (v: AbiValue | undefined): string => (typeof v === "string" ? v : "");
const field = (struct: AbiValue | undefined, name: string): string =>
  struct !== undefined && typeof struct === "object" && !Array.isArray(struct) ? text((struct as { readonly [k: string]: AbiValue })[name]) : "";

/**
 * The instructions of `steps` on chain `chain`, in the order the engine first recorded or settled them.
 * @example instructionsOf(state.steps.map((s) => s.step), "hk")
 */
export function instructionsOf(steps: readonly StepJson[], chain: string): Instruction[] {
  const byId = new Map<string, { -readonly [K in keyof Instruction]: Instruction[K] }>();
  for (const step of steps) {
    for (const tx of step.transactions) {
      if (tx.status !== "success" || tx.chain !== chain) continue;
      for (const event of tx.events) {
        const id = text(event.args.tradeId);
        if (id === "") continue;
        // The terms: as the engine recorded them, or for a one-transaction signed settlement (no
        // record event), from the call's own `trade` argument.
        const terms = event.name === "TradeTermsRecorded" ? event.args.trade : event.name === "TradeSettled" ? tx.args?.trade : undefined;
        if (terms !== undefined && !byId.has(id) && (event.name === "TradeTermsRecorded" || field(terms, "seller").toLowerCase() === text(event.args.seller).toLowerCase())) {
          byId.set(id, {
            chain,
            tradeId: id,
            ref: refText(field(terms, "tradeRef")),
            seller: field(terms, "seller"),
            buyer: field(terms, "buyer"),
            asset: field(terms, "asset"),
            quantity: BigInt(field(terms, "quantity") || "0"),
            buyerCash: field(terms, "buyerCash"),
            amount: BigInt(field(terms, "amount") || "0"),
            firstStep: step.index,
            lastStep: step.index,
          });
        }
        const known = byId.get(id);
        if (known === undefined) continue;
        known.lastStep = step.index;
        if (event.iso !== undefined) known.iso = event.iso;
      }
    }
    for (const o of step.observations) {
      if (o.kind !== "tradeStatus") continue;
      const known = byId.get(o.tradeId);
      if (known === undefined) continue;
      known.lastStep = step.index;
      known.iso = o.iso;
    }
  }
  return [...byId.values()];
}
