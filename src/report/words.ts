import type { Directory } from "../chain/directory.js";
import type { AbiValue, PartyRef, TokenRef } from "../chain/facts.js";
import type { TokenKind } from "../chain/inventory.js";
import { formatMoney, formatUnits } from "../domain/money.js";
import type { ParticipantKindName } from "../domain/participants.js";
import type { IsoTradeStatus } from "../domain/trade.js";
import type { NoteValue } from "../runner/types.js";

/** How reports name a token kind. */
export const TOKEN_KIND_LABEL: Record<TokenKind, string> = {
  wCBDC: "wCBDC",
  tokenizedDeposit: "tokenized deposit",
  governmentBond: "government bond",
  exchangeFundBill: "Exchange Fund Bill",
  fundUnits: "money-market fund units",
};

/** How reports name a participant kind. */
export const PARTICIPANT_KIND_LABEL: Record<ParticipantKindName, string> = {
  CentralBank: "central bank",
  CommercialBank: "commercial bank",
  Dealer: "dealer",
  Investor: "investor",
  Issuer: "issuer",
  Infrastructure: "market infrastructure",
};

/** What each ISO 20022 status and reason code means, as a report adds it in brackets. */
const ISO_MEANING: Record<string, string> = {
  NMAT: "unmatched",
  MACH: "matched",
  PENF: "pending, failing",
  SETT: "settled",
  CAND: "cancelled",
  CMIS: "awaiting the counterparty's instruction",
  FUTU: "awaiting the settlement date",
  CANI: "at the parties' request",
  CANS: "by the system, expired unsettled",
  LACK: "insufficient securities",
  MONY: "insufficient money",
  BLOC: "account blocked",
  XAPP: "no authorisation (allowance)",
  XELG: "party not eligible",
  XPAU: "token paused",
  XREJ: "token rejected",
  XMAT: "asset matured",
  XRTO: "RTGS confirmation timed out",
};

/** A code with its meaning: "LACK (insufficient securities)". */
export function isoCode(code: string): string {
  const meaning = ISO_MEANING[code];
  return meaning === undefined ? code : `${code} (${meaning})`;
}

/** "PENF/LACK", "MACH/FUTU", "SETT". */
export function isoStatusCodes(iso: IsoTradeStatus): string {
  return iso.reason === undefined ? iso.status : `${iso.status}/${iso.reason}`;
}

/** "PENF/LACK (pending, failing: insufficient securities)". */
export function isoStatusText(iso: IsoTradeStatus): string {
  const meanings = [iso.status, ...(iso.reason === undefined ? [] : [iso.reason])].map((c) => ISO_MEANING[c] ?? c);
  return `${isoStatusCodes(iso)} (${meanings.join(": ")})`;
}

/** A party's name, or a short hex form. */
export function partyLabel(ref: PartyRef): string {
  if (ref.name !== undefined) return ref.name;
  if (/^0x0{40}$/i.test(ref.address)) return "nobody";
  return `${ref.address.slice(0, 6)}…${ref.address.slice(-4)}`;
}

/** Whether a token kind is money (central-bank money or a deposit); any other kind is a security, counted in whole units. */
export function isMoney(kind: string): boolean {
  return kind === "wCBDC" || kind === "tokenizedDeposit";
}

/** An amount of `token` as people read it: "HKD 1,000.00 hbHKD", "600 units of 03GB2911". */
export function tokenAmount(token: Pick<TokenRef, "kind" | "symbol" | "currency" | "decimals">, amount: bigint): string {
  // Securities count in units at the token's own decimals: 0 for bonds and bills, 4 for fund units.
  if (!isMoney(token.kind)) return `${formatUnits(amount, token.decimals)} ${amount === 10n ** BigInt(token.decimals) ? "unit" : "units"} of ${token.symbol}`;
  return `${formatMoney(amount, token.currency, token.decimals)} ${token.symbol}`;
}

/** The same without the token's name, for tables with a token column: "HKD 1,000.00", "600 units". */
export function plainAmount(token: Pick<TokenRef, "kind" | "currency" | "decimals">, amount: bigint): string {
  if (!isMoney(token.kind)) return `${formatUnits(amount, token.decimals)} ${amount === 10n ** BigInt(token.decimals) ? "unit" : "units"}`;
  return formatMoney(amount, token.currency, token.decimals);
}

/** A token's symbol, with its chain's name when the ledger has more than one chain: "wTHB (Thai chain)". */
export function tokenLabel(token: Pick<TokenRef, "chain" | "symbol">, directory: Directory): string {
  return directory.chains.length > 1 && token.chain !== directory.home.key ? `${token.symbol} (${directory.chain(token.chain).name})` : token.symbol;
}

/** "13 Jan 2030 14:05 UTC" */
export function formatTime(unixSeconds: bigint | number): string {
  return `${new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A note's value as text. */
export function noteValueText(v: NoteValue): string {
  switch (v.type) {
    case "money":
      return formatMoney(v.amount, v.currency, v.decimals);
    case "units":
      return `${formatUnits(v.units, 0)} ${v.units === 1n ? "unit" : "units"}`;
    case "time":
      return formatTime(v.time);
    case "number":
      return v.value.toString();
    case "text":
      return v.value;
  }
}

/** `text` with each `{name}` replaced by its value's words. */
export function fillNote(text: string, values: Readonly<Record<string, NoteValue>>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = values[name];
    return v === undefined ? m : noteValueText(v);
  });
}

/** An ABI value as short text: a struct or list as JSON-like text. */
export function abiText(value: AbiValue | undefined): string {
  if (value === undefined) return "?";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
