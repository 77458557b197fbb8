import type { ChainState } from "../chain/ledger-state.js";
import { formatDate } from "../domain/calendar.js";
import { formatMoney } from "../domain/money.js";
import { wrapLine, type Style } from "./style.js";
import { renderTable, type Reduction } from "./table.js";
import { PARTICIPANT_KIND_LABEL, plainAmount, TOKEN_KIND_LABEL } from "./words.js";

/**
 * How the end-of-run tables fit a narrow terminal: addresses first become 0x1234…abcd, then the
 * columns another column already says (a token's currency is in its supply) or that matter least
 * go, then long names are cut with "…".
 */
const PARTICIPANT_REDUCTIONS: readonly Reduction[] = [
  { shorten: "Address" },
  { drop: "Eligible" },
  { drop: "Kind" },
  { truncate: "Participant", min: 14 },
];
const TOKEN_REDUCTIONS: readonly Reduction[] = [
  { shorten: "Address" },
  { drop: "Currency" },
  { drop: "Kind" },
  { truncate: "Name", min: 12 },
  { drop: "ISIN" },
];
const BALANCE_REDUCTIONS: readonly Reduction[] = [{ truncate: "Holder", min: 14 }];

/** The participants, tokens and non-zero balances of one chain, as three terminal tables fitted to `style.width`. */
export function renderChainState(state: ChainState, style: Style): string {
  const participants = renderTable(
    ["Participant", "Kind", "Jurisdiction", "Address", "KYC valid until", "Eligible"],
    state.participants.map((p) => [p.name, PARTICIPANT_KIND_LABEL[p.kind], p.jurisdiction, p.address, p.registered ? formatDate(p.kycExpiry) : "not registered", p.eligible ? "yes" : "no"]),
    { style, reductions: PARTICIPANT_REDUCTIONS },
  );
  const tokens = renderTable(
    ["Token", "Name", "Kind", "Currency", "ISIN", "Total supply", "Address"],
    state.tokens.map((t) => [
      t.symbol,
      t.name,
      TOKEN_KIND_LABEL[t.kind],
      t.currency,
      t.isin ?? "",
      t.denomination === undefined ? plainAmount(t, t.totalSupply) : `${plainAmount(t, t.totalSupply)} × ${formatMoney(t.denomination, t.currency, 2)}`,
      t.address,
    ]),
    { style, reductions: TOKEN_REDUCTIONS },
  );
  const balanceRows = state.participants.flatMap((p) =>
    state.tokens
      .map((t) => ({ t, amount: p.balances.get(t.address.toLowerCase()) ?? 0n }))
      .filter(({ amount }) => amount !== 0n)
      .map(({ t, amount }) => [p.name, t.symbol, plainAmount(t, amount)]),
  );
  const balances =
    balanceRows.length === 0 ? "(no balances yet)" : renderTable(["Holder", "Token", "Balance"], balanceRows, { style, reductions: BALANCE_REDUCTIONS });
  const title = (text: string): string => wrapLine(text, style.width).map((line) => style.paint("heading", line)).join("\n");
  return [
    title(`Participants — ${state.name} (chain ${state.chainId}, ${formatDate(state.blockTimestamp)})`),
    participants,
    "",
    title(`Tokens — ${state.name}`),
    tokens,
    "",
    title(`Balances — ${state.name}`),
    balances,
  ].join("\n");
}

/** Every chain of the ledger, one after the other. */
export function renderLedgerState(chains: readonly ChainState[], style: Style): string {
  return chains.map((state) => renderChainState(state, style)).join("\n\n");
}
