import { formatDate } from "../src/domain/calendar.js";
import { formatMoney } from "../src/domain/money.js";
import { bondCalendar, couponRateText, DAY_COUNT_LABEL, frequencyText, type BondTermSheet, type CalendarEntry } from "../src/report/bond-calendar.js";
import { el, svg } from "./dom.js";

/**
 * The bond card: the term sheet as the bond's contract states it (ISIN, coupon, day count, dates)
 * and its cash-flow calendar as a strip from issue to maturity, record and coupon dates marked, the
 * dates passed dimmed, the next one highlighted and the chain's clock drawn where it stands.
 */

const KIND_LABEL: Readonly<Record<CalendarEntry["kind"], string>> = { issue: "issue", record: "record date", coupon: "coupon", maturity: "maturity" };

function entryText(e: CalendarEntry, terms: BondTermSheet, minorUnits: number): string {
  const what = e.kind === "record" || e.kind === "coupon" ? `${KIND_LABEL[e.kind]} ${(e.coupon ?? 0) + 1}` : KIND_LABEL[e.kind];
  const pays = e.perUnit === undefined ? "" : ` · ${formatMoney(e.perUnit, terms.currency, minorUnits)} per unit`;
  return `${what} ${formatDate(e.date)}${pays}`;
}

/** The bond card of `terms` with the clock at `now` (unix seconds), `width` pixels wide; amounts in `minorUnits` of its currency. */
export function bondCard(terms: BondTermSheet, now: bigint, width: number, minorUnits: number): HTMLElement {
  const calendar = bondCalendar(terms, now);
  const pad = 12;
  const span = width - 2 * pad;
  const at = (position: number): number => pad + position * span;
  const line = 30;
  const marks = calendar.entries.map((e) => {
    const cx = at(e.position);
    const tall = e.kind === "record" ? 6 : 11;
    return svg(
      "g",
      { class: `mark ${e.kind} ${e.state}`, "data-kind": e.kind, "data-state": e.state, "data-date": e.date.toString() },
      svg("title", {}, entryText(e, terms, minorUnits)),
      e.kind === "maturity"
        ? svg("path", { d: `M${cx},${line - 9} l7,9 l-7,9 l-7,-9 z` })
        : svg("line", { x1: cx, x2: cx, y1: line - tall, y2: line + tall }),
    );
  });
  const clock = at(calendar.clockPosition);
  const strip = svg(
    "svg",
    { viewBox: `0 0 ${width} 58`, width, height: 58, role: "img", "aria-label": "cash-flow calendar" },
    svg("line", { x1: pad, x2: width - pad, y1: line, y2: line, class: "base" }),
    svg("line", { x1: pad, x2: clock, y1: line, y2: line, class: "elapsed" }),
    ...marks,
    svg("g", { class: "clock", "data-clock": now.toString() }, svg("line", { x1: clock, x2: clock, y1: 6, y2: line + 14 }), svg("text", { x: clock, y: 56, "text-anchor": calendar.clockPosition < 0.25 ? "start" : calendar.clockPosition > 0.75 ? "end" : "middle" }, `now ${formatDate(now)}`)),
  );
  const next = calendar.entries.find((e) => e.state === "next");
  return el(
    "div",
    { class: "bond", "data-isin": terms.isin, "data-symbol": terms.symbol },
    el("h2", {}, terms.symbol, " ", el("span", { class: "isin" }, `ISIN ${terms.isin}`)),
    el(
      "p",
      { class: "terms" },
      `${couponRateText(terms.couponRateBps)} ${frequencyText(terms.couponFrequency)} · ${DAY_COUNT_LABEL[terms.dayCount] ?? `day count ${terms.dayCount}`} · ${formatMoney(terms.denomination, terms.currency, minorUnits)} per unit`,
    ),
    el("p", { class: "terms" }, `issued ${formatDate(terms.issueDate)} · matures ${formatDate(terms.maturityDate)}`),
    strip,
    el("p", { class: "next", "data-testid": "next-date" }, calendar.matured ? "matured: redeemed at par" : next === undefined ? "" : `next: ${entryText(next, terms, minorUnits)}`),
  );
}
