import { formatMoney, formatUnits } from "../src/domain/money.js";
import type { IsoTradeStatus } from "../src/domain/trade.js";
import type { Instruction } from "../src/report/instructions.js";
import { isoStatusCodes, isoStatusText } from "../src/report/words.js";
import type { PresentChain } from "../src/present/state.js";
import type { TradeRecordFacts } from "./chain.js";
import { el } from "./dom.js";

/** Rows shown; the others are counted in the heading. */
const MAX_ROWS = 5;

/** A trade's ISO 20022 codes as the page shows them: the chain's record when read, else the last the facts carry. */
function isoOf(instruction: Instruction, record: TradeRecordFacts | undefined): IsoTradeStatus | undefined {
  return record?.iso ?? instruction.iso;
}

/**
 * The settlement instructions table: each trade's reference, parties, asset and cash, and its
 * matching and settlement status with the reason code, as the engine's record on the chain has them
 * now. Trades the last step touched come first and are highlighted; the heading counts trades by status.
 */
export function instructionsTable(instructions: readonly Instruction[], records: ReadonlyMap<string, TradeRecordFacts>, chain: PresentChain, currentStep: number): HTMLElement {
  const name = (address: string): string => chain.participants.find((p) => p.address.toLowerCase() === address.toLowerCase())?.name ?? `${address.slice(0, 6)}…`;
  const token = (address: string): PresentChain["tokens"][number] | undefined => chain.tokens.find((t) => t.address.toLowerCase() === address.toLowerCase());
  const ordered = [...instructions].sort((a, b) => (b.lastStep === currentStep ? 1 : 0) - (a.lastStep === currentStep ? 1 : 0) || b.lastStep - a.lastStep || a.firstStep - b.firstStep);
  const counts = new Map<string, number>();
  for (const i of instructions) {
    const code = isoOf(i, records.get(i.tradeId))?.status ?? "none";
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  const summary = [...counts].map(([code, n]) => `${n} ${code}`).join(" · ");
  const rows = ordered.slice(0, MAX_ROWS).map((i) => {
    const iso = isoOf(i, records.get(i.tradeId));
    const asset = token(i.asset);
    const cash = token(i.buyerCash);
    return el(
      "tr",
      { "data-trade-id": i.tradeId, "data-status": iso?.status ?? "", "data-reason": iso?.reason ?? "", class: i.lastStep === currentStep ? "touched" : "" },
      el("td", { class: "ref" }, i.ref),
      el("td", {}, `${name(i.seller)} → ${name(i.buyer)}`, el("small", {}, `${formatUnits(i.quantity, 0)} ${asset?.symbol ?? "units"} for ${cash === undefined ? i.amount.toString() : formatMoney(i.amount, cash.currency, cash.decimals)}`)),
      el("td", { class: `status ${iso?.status ?? ""}`, title: iso === undefined ? "no record" : isoStatusText(iso) }, iso === undefined ? "—" : isoStatusCodes(iso)),
    );
  });
  return el(
    "div",
    { class: "instructions-card" },
    el("h2", {}, "Settlement instructions", " ", el("small", {}, `${instructions.length} · ${summary}`)),
    el("table", {}, el("tbody", {}, ...rows)),
    instructions.length > MAX_ROWS ? el("p", { class: "quiet more" }, `+${instructions.length - MAX_ROWS} older`) : null,
  );
}
