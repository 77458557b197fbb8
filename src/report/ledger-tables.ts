import type { ChainState } from "../chain/ledger-state.js";
import { formatDate } from "../domain/calendar.js";
import { formatMoney } from "../domain/money.js";
import { renderTable } from "./table.js";
import { PARTICIPANT_KIND_LABEL, plainAmount, TOKEN_KIND_LABEL } from "./words.js";

/** The participants, tokens and non-zero balances of one chain, as three terminal tables. */
export function renderChainState(state: ChainState): string {
  const participants = renderTable(
    ["Participant", "Kind", "Jurisdiction", "Address", "KYC valid until", "Eligible"],
    state.participants.map((p) => [p.name, PARTICIPANT_KIND_LABEL[p.kind], p.jurisdiction, p.address, formatDate(p.kycExpiry), p.eligible ? "yes" : "no"]),
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
  );
  const balanceRows = state.participants.flatMap((p) =>
    state.tokens
      .map((t) => ({ t, amount: p.balances.get(t.address.toLowerCase()) ?? 0n }))
      .filter(({ amount }) => amount !== 0n)
      .map(({ t, amount }) => [p.name, t.symbol, plainAmount(t, amount)]),
  );
  const balances = balanceRows.length === 0 ? "(no balances yet)" : renderTable(["Holder", "Token", "Balance"], balanceRows);
  return [
    `Participants — ${state.name} (chain ${state.chainId}, ${formatDate(state.blockTimestamp)})`,
    participants,
    "",
    `Tokens — ${state.name}`,
    tokens,
    "",
    `Balances — ${state.name}`,
    balances,
  ].join("\n");
}

/** Every chain of the ledger, one after the other. */
export function renderLedgerState(chains: readonly ChainState[]): string {
  return chains.map(renderChainState).join("\n\n");
}
