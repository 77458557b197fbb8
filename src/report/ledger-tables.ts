import { formatDate } from "../domain/calendar.js";
import { PARTICIPANT_KIND_LABEL } from "../domain/participants.js";
import { formatMoney, formatUnits } from "../domain/money.js";
import { renderTable } from "./table.js";
import type { LedgerState, TokenState } from "../chain/ledger-state.js";

/** A token amount as people read it: money in major units with its ISO code, bonds in units. */
export function formatTokenAmount(token: TokenState, amount: bigint): string {
  if (token.kind === "government bond") return `${formatUnits(amount, 0)} units`;
  return formatMoney(amount, token.currency, token.decimals);
}

/** The participants, tokens and non-zero balances of a ledger, as three terminal tables. */
export function renderLedgerState(state: LedgerState): string {
  const participants = renderTable(
    ["Participant", "Kind", "Jurisdiction", "Address", "KYC valid until", "Eligible"],
    state.participants.map((p) => [
      p.name,
      PARTICIPANT_KIND_LABEL[p.kind],
      p.jurisdiction,
      p.address,
      formatDate(p.kycExpiry),
      p.eligible ? "yes" : "no",
    ]),
  );
  const tokens = renderTable(
    ["Token", "Name", "Kind", "Currency", "Total supply", "Address"],
    state.tokens.map((t) => [
      t.symbol,
      t.name,
      t.kind,
      t.currency,
      t.denomination === undefined
        ? formatTokenAmount(t, t.totalSupply)
        : `${formatTokenAmount(t, t.totalSupply)} × ${formatMoney(t.denomination, t.currency, 2)}`,
      t.address,
    ]),
  );
  const balanceRows = state.participants.flatMap((p) =>
    state.tokens
      .filter((t) => (p.balances[t.symbol] ?? 0n) !== 0n)
      .map((t) => [p.name, t.symbol, formatTokenAmount(t, p.balances[t.symbol])]),
  );
  const balances =
    balanceRows.length === 0 ? "(no balances yet)" : renderTable(["Holder", "Token", "Balance"], balanceRows);
  return [
    `Participants (chain ${state.chainId}, ${formatDate(state.blockTimestamp)})`,
    participants,
    "",
    "Tokens",
    tokens,
    "",
    "Balances",
    balances,
  ].join("\n");
}
