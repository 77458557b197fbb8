import { partiesOf, type Flow } from "../src/report/flows.js";
import { formatMoney, formatUnits } from "../src/domain/money.js";
import { isMoney } from "../src/report/words.js";
import { el, svg } from "./dom.js";

/**
 * The flow picture of a step: the parties in a row, and for each flow an arrow from payer to payee,
 * coloured by tier (central-bank money, tokenized deposits, securities) and labelled with the
 * amount; flows to the right arc above the row, flows to the left below it, so a DvP reads as the
 * asset going one way and the cash the other. A mint is drawn dashed from the issuer, a burn dashed
 * back to it.
 */

/** At most this many arrows in one picture; the rest are counted in a line under it. */
const MAX_ARROWS = 8;
const NODE_H = 46;
const LINE = 14;

/** The tier of a token kind, as the page's colours and legend name it: the two kinds of money, and securities. */
export function tierOf(kind: string): "cbdc" | "deposit" | "bond" {
  return kind === "wCBDC" ? "cbdc" : kind === "tokenizedDeposit" ? "deposit" : "bond";
}

/** The legend of the tiers a picture uses. */
const TIER_LABEL = { cbdc: "central-bank money (wCBDC)", deposit: "tokenized deposits", bond: "securities" } as const;

/** A name broken into at most two lines of about `width` characters. */
function nameLines(name: string, width: number): string[] {
  const words = name.split(" ");
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + " " + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= 2) return lines;
  return [lines[0], `${lines.slice(1).join(" ").slice(0, width - 1)}…`];
}

/** The amount a flow carries, as its label says it: "HKD 4,000,800.00 vbHKD", "80 units 03GB2912". */
function flowLabel(flow: Flow): string {
  const amount = isMoney(flow.token.kind) ? formatMoney(flow.amount, flow.token.currency, flow.token.decimals) : `${formatUnits(flow.amount, flow.token.decimals)} ${flow.amount === 10n ** BigInt(flow.token.decimals) ? "unit" : "units"}`;
  const verb = flow.kind === "mint" ? (flow.token.kind === "tokenizedDeposit" ? "credits " : "issues ") : flow.kind === "burn" ? (flow.token.kind === "tokenizedDeposit" ? "debits " : "redeems ") : "";
  return `${verb}${amount} ${flow.token.symbol}${flow.count > 1 ? ` (×${flow.count})` : ""}`;
}

/** Up to this many parties the picture draws arcs between them in a row; more, and each flow gets a row of its own (four parties' arcs crowd their labels). */
const MAX_ARC_PARTIES = 3;
const ROW_H = 26;

/**
 * The picture of `flows` (one chain's flows in a step), `width` pixels wide and at most `height`
 * high, with its caption; every arrow carries `data-flow` attributes a test can read.
 */
export function flowPicture(flows: readonly Flow[], width: number, height: number, caption: string | undefined): HTMLElement {
  const rows = partiesOf(flows.slice(0, MAX_ARROWS)).length > MAX_ARC_PARTIES;
  // Rows: as many flows as fit the height (a row for the count of the others, if any).
  const rowCapacity = Math.max(1, Math.floor((height - 4) / ROW_H));
  const shown = rows ? byToken(flows).slice(0, flows.length <= rowCapacity ? rowCapacity : rowCapacity - 1) : flows.slice(0, MAX_ARROWS);
  const picture = rows ? flowRows(shown, width) : flowArcs(shown, width, height);
  const tiers = [...new Set(shown.map((f) => tierOf(f.token.kind)))];
  return el(
    "figure",
    { class: "flows" },
    picture,
    el(
      "figcaption",
      {},
      caption === undefined ? null : el("strong", {}, caption, " "),
      ...tiers.map((t) => el("span", { class: `key ${t}` }, TIER_LABEL[t])),
      flows.length > shown.length ? el("span", { class: "more" }, `+${flows.length - shown.length} more flows (see the transactions)`) : null,
    ),
  );
}

/** `flows` taking turns by token (the first flow of each token, then the second …), so a cut list still shows every token that moved. */
function byToken(flows: readonly Flow[]): Flow[] {
  const queues = new Map<string, Flow[]>();
  for (const flow of flows) {
    const key = flow.token.address.toLowerCase();
    queues.set(key, [...(queues.get(key) ?? []), flow]);
  }
  const out: Flow[] = [];
  for (let round = 0; out.length < flows.length; round++) for (const queue of queues.values()) if (round < queue.length) out.push(queue[round]);
  return out;
}

/** The attributes every drawn flow carries. */
function flowAttrs(flow: Flow): Record<string, string> {
  return { class: `flow ${tierOf(flow.token.kind)} ${flow.kind}`, "data-flow": flow.kind, "data-token": flow.token.symbol, "data-from": flow.from.name, "data-to": flow.to.name, "data-amount": flow.amount.toString() };
}

/** One row per flow: payer, an arrow, payee, and the amount. */
function flowRows(flows: readonly Flow[], width: number): SVGElement {
  const nameW = Math.min(170, width * 0.22);
  const arrowW = Math.min(120, width * 0.15);
  const rows = flows.map((flow, n) => {
    const y = n * ROW_H + ROW_H / 2 + 2;
    const tier = tierOf(flow.token.kind);
    const x1 = nameW + 8;
    const x2 = x1 + arrowW;
    const fit = (name: string): string => (name.length * 7.4 > nameW ? `${name.slice(0, Math.max(4, Math.floor(nameW / 7.4) - 1))}…` : name);
    return svg(
      "g",
      flowAttrs(flow),
      svg("title", {}, `${flow.from.name} → ${flow.to.name}: ${flowLabel(flow)}`),
      svg("text", { x: nameW, y: y + 5, "text-anchor": "end", class: "name" }, fit(flow.from.name)),
      svg("path", { d: `M${x1},${y} L${x2},${y}`, class: "arc", "marker-end": `url(#head-${tier})` }),
      svg("text", { x: x2 + 10, y: y + 5, class: "name" }, fit(flow.to.name)),
      svg("text", { x: x2 + 18 + nameW, y: y + 5, class: "label" }, flowLabel(flow)),
    );
  });
  const height = flows.length * ROW_H + 4;
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "who paid or delivered what to whom" }, svg("defs", {}, ...markers()), ...rows);
}

function markers(): SVGElement[] {
  return (["cbdc", "deposit", "bond"] as const).map((tier) =>
    svg("marker", { id: `head-${tier}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 13, markerHeight: 13, orient: "auto-start-reverse" }, svg("path", { d: "M0,0 L10,5 L0,10 z", class: `head ${tier}` })),
  );
}

/** The parties in a row; flows to the right arc above it, flows to the left below. */
function flowArcs(shown: readonly Flow[], width: number, height: number): SVGElement {
  const parties = partiesOf(shown);
  const slot = width / Math.max(parties.length, 1);
  const nodeW = Math.min(170, slot - 14);
  const mid = height / 2;
  const x = (i: number): number => slot * (i + 0.5);
  const index = (address: string, name: string): number => parties.findIndex((p) => p.address.toLowerCase() === address.toLowerCase() && p.name === name);

  // Arcs in one direction stack by span, the shortest innermost, so labels do not sit on each other.
  const arcs = shown.map((flow, n) => ({ flow, n, a: index(flow.from.address, flow.from.name), b: index(flow.to.address, flow.to.name) }));
  const room = mid - NODE_H / 2 - 13;
  const levels = new Map<number, number>();
  for (const dir of [1, -1]) {
    const side = arcs.filter((arc) => Math.sign(arc.b - arc.a) === dir).sort((p, q) => Math.abs(p.b - p.a) - Math.abs(q.b - q.a));
    side.forEach((arc, level) => levels.set(arc.n, side.length <= 1 ? 1 : 0.45 + (0.55 * level) / (side.length - 1)));
  }
  const arrows = arcs.map(({ flow, n, a, b }) => {
    const tier = tierOf(flow.token.kind);
    const above = b > a;
    const x1 = x(a) + (above ? 10 : -10);
    const x2 = x(b) + (above ? -10 : 10);
    const y0 = above ? mid - NODE_H / 2 : mid + NODE_H / 2;
    // The curve's apex is half its control point's height: twice the room at the outermost level.
    const lift = 2 * room * (levels.get(n) ?? 1);
    const cy = above ? y0 - lift : y0 + lift;
    const apexY = (y0 + cy) / 2;
    const label = flowLabel(flow);
    const labelW = label.length * 7.4 + 12;
    const cx = (x1 + x2) / 2;
    return svg(
      "g",
      flowAttrs(flow),
      svg("path", { d: `M${x1},${y0} Q${cx},${cy} ${x2},${y0}`, class: "arc", "marker-end": `url(#head-${tier})` }),
      svg("rect", { x: cx - labelW / 2, y: apexY - 10, width: labelW, height: 20, rx: 4, class: "label-bg" }),
      svg("text", { x: cx, y: apexY + 5, "text-anchor": "middle", class: "label" }, label),
    );
  });
  const boxes = parties.map((p, i) => {
    const lines = nameLines(p.name, Math.max(8, Math.floor(nodeW / 8)));
    return svg(
      "g",
      { class: "party", "data-party": p.name },
      svg("rect", { x: x(i) - nodeW / 2, y: mid - NODE_H / 2, width: nodeW, height: NODE_H, rx: 8 }),
      ...lines.map((line, k) => svg("text", { x: x(i), y: mid + 5 + (k - (lines.length - 1) / 2) * (LINE + 2), "text-anchor": "middle" }, line)),
    );
  });
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "who paid or delivered what to whom" }, svg("defs", {}, ...markers()), ...arrows, ...boxes);
}
