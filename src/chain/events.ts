import { decodeBytes32String, MaxUint256, type Log, type LogDescription, type Result } from "ethers";

import { FAILURE_REASON, TRADE_STATUS, iso20022Status } from "../domain/trade.js";
import type { AddressBook } from "./address-book.js";

/** A trade or payment reference as text: the bytes32 string if it is one, else a short hash. */
export function formatRef(ref: string): string {
  try {
    const text = decodeBytes32String(ref);
    if (text.length > 0) return text;
  } catch {
    // not a short string
  }
  return `${ref.slice(0, 10)}…`;
}

function reasonLabel(reason: bigint): string {
  const name = FAILURE_REASON[Number(reason)] ?? "TokenRejected";
  return iso20022Status("Failed", name);
}

const ZERO = "0x0000000000000000000000000000000000000000";

type Formatter = (args: Result, book: AddressBook, emitter: string) => string | null;

const money = (book: AddressBook, token: string, amount: bigint): string => {
  const info = book.token(token);
  return info === undefined ? amount.toString() : book.amount(info, amount);
};

/** How each event reads in a report; `null` hides an event that would only be noise. */
const FORMATTERS: Record<string, Formatter> = {
  Transfer: (a, book, emitter) => {
    const info = book.token(emitter);
    if (info === undefined) return null;
    const what = book.amount(info, a.value as bigint);
    const deposit = info.kind === "tokenized deposit";
    if (a.from === ZERO) return `${what} ${deposit ? "credited" : "issued"} to ${book.label(a.to as string)}`;
    if (a.to === ZERO) return `${what} ${deposit ? "debited (burned)" : "redeemed"} from ${book.label(a.from as string)}`;
    return `${what}: ${book.label(a.from as string)} → ${book.label(a.to as string)}`;
  },
  Approval: (a, book, emitter) =>
    `${book.label(a.owner as string)} authorised ${book.label(a.spender as string)} on ${book.label(emitter)}${
      (a.value as bigint) === MaxUint256 ? "" : ` for ${money(book, emitter, a.value as bigint)}`
    }`,
  TradeTermsRecorded: (a, book) => {
    const t = a.trade as Result;
    return `trade ${formatRef(t.tradeRef as string)}: ${book.label(t.seller as string)} sells ${money(book, t.asset as string, t.quantity as bigint)} to ${book.label(t.buyer as string)} for ${money(book, t.buyerCash as string, t.amount as bigint)}`;
  },
  TradeInstructed: (a, book) => `${book.label(a.party as string)} instructed as ${a.isSeller ? "seller" : "buyer"}`,
  TradeMatched: () => "instructions matched (MACH)",
  TradeSettled: (a, book) =>
    `trade settled (SETT): ${book.label(a.seller as string)} delivered, ${book.label(a.buyer as string)} paid${a.signed ? " — from signed orders" : ""}`,
  TradeSettledInBatch: (a) => `trade ${(a.tradeId as string).slice(0, 10)}… settled in batch #${a.batchId}`,
  TradeSettlementFailed: (a) => `settlement attempt failed, nothing moved: ${reasonLabel(a.reason as bigint)}`,
  TradeCancelled: (a, book) => `trade cancelled (CAND/CANI), completed by ${book.label(a.by as string)}`,
  TradeCancellationRequested: (a, book) =>
    `${book.label(a.by as string)} asked to cancel the matched trade; it stays matched until the counterparty agrees`,
  TradeSkippedInBatch: (a) =>
    `trade ${(a.tradeId as string).slice(0, 10)}… skipped in batch #${a.batchId}: ${iso20022Status(TRADE_STATUS[Number(a.status)] ?? "None", FAILURE_REASON[Number(a.reason)] ?? "None")}`,
  TradeExpiredUnsettled: () => "trade expired unsettled (CAND/CANS)",
  // The event does not name the currency; the wCBDC transfer just before it shows the amount.
  InterbankSettled: (a, book) =>
    `interbank leg: ${book.label(a.payerBank as string)} paid ${book.label(a.payeeBank as string)} in central-bank money`,
  FxSettled: (a, book) =>
    `FX PvP at ${book.label(a.dealer as string)}'s quote: ${book.label(a.payer as string)} → ${book.label(a.beneficiary as string)}, both currencies or neither`,
  // A payment into a customer's bank (coupon, redemption) is told by the events around it.
  PaymentSettled: (a, book) =>
    book.token(a.payerDeposit as string)?.kind === "wCBDC"
      ? null
      : `payment ${formatRef(a.paymentRef as string)} settled: ${book.label(a.payer as string)} → ${book.label(a.payee as string)}, ${book.money(a.amount as bigint)}`,
  BatchSettled: (a) =>
    `netting batch #${a.batchId}: ${a.tradeCount} trades${(a.skipped as bigint) > 0n ? ` (${a.skipped} skipped)` : ""}, ${a.grossTransfers} gross transfers netted to ${a.netTransfers}`,
  TenderOpened: (a, book) => {
    const t = a.terms as Result;
    return `tender ${formatRef(a.tenderRef as string)} opened by ${book.label(a.issuer as string)}: ${t.unitsOffered} units on offer, in lots of ${t.minimumLot}`;
  },
  BidSubmitted: (a, book) =>
    `${book.label(a.bidder as string)} bid for ${a.units} units at up to ${book.money(a.pricePerUnit as bigint)} a unit`,
  BidWithdrawn: (a, book) => `${book.label(a.bidder as string)} withdrew bid ${a.index}`,
  BondAllotted: (a, book) =>
    `${book.label(a.allottee as string)} allotted ${a.units} units for ${book.money(a.amount as bigint)} (its own bid price)`,
  TenderAllotted: (a, book) => {
    const r = a.result as Result;
    return `tender ${formatRef(a.tenderRef as string)} result: applied ${r.unitsApplied} units, allotted ${r.unitsAllotted}, cut-off price ${book.money(r.cutoffPrice as bigint)}, pro rata at the cut-off ${(Number(r.proRataRatio) / 10_000).toFixed(2)}%, average price ${book.money(r.averagePrice as bigint)}, proceeds ${book.money(r.proceeds as bigint)}`;
  },
  TenderCancelled: (a) => `tender ${formatRef(a.tenderRef as string)} cancelled`,
  CouponPaid: (a, book) =>
    `coupon ${Number(a.index) + 1} paid to ${book.label(a.holder as string)} on ${a.units} units of record: ${book.money(a.amount as bigint)} in ${book.label(a.cashAccount as string)}`,
  Redeemed: (a, book) =>
    `${book.label(a.holder as string)} redeemed ${a.units} units for ${book.money(a.amount as bigint)} in ${book.label(a.cashAccount as string)}`,
  PaymentParked: (a, book) => `payment to ${book.label(a.holder as string)} parked for a later claim`,
  StandingInstructionSet: (a, book) =>
    `${book.label(a.holder as string)} will be paid in ${a.depositToken === "0x0000000000000000000000000000000000000000" ? "wCBDC" : book.label(a.depositToken as string)}`,
  ParticipantFreezeUpdated: (a, book) => `registrar ${a.frozen ? "froze" : "unfroze"} ${book.label(a.account as string)}`,
  AccountFreezeUpdated: (a, book, emitter) =>
    `${book.label(emitter)}: ${book.label(a.account as string)} ${a.frozen ? "frozen" : "unfrozen"}`,
  Paused: (_a, book, emitter) => `${book.label(emitter)} paused`,
  Unpaused: (_a, book, emitter) => `${book.label(emitter)} unpaused`,
  NonceInvalidated: (a, book) => `${book.label(a.owner as string)} voided an order nonce`,
  Locked: (a, book, emitter) =>
    `${book.label(emitter)}: ${book.label(a.sender as string)} locked ${money(book, a.token as string, a.amount as bigint)} for ${book.label(a.receiver as string)} under hash ${(a.hashlock as string).slice(0, 10)}… until ${new Date(Number(a.timelock) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`,
  Claimed: (a, book, emitter) => `${book.label(emitter)}: lock claimed, secret ${(a.preimage as string).slice(0, 10)}… now public`,
  Refunded: (_a, book, emitter) => `${book.label(emitter)}: lock refunded to its sender after its time lock`,
  DepositTokenRegistered: () => null,
  DepositLineConsented: () => null,
  AssetRegistered: () => null,
  RoleGranted: () => null,
};

/** One event as data: the emitting contract's name and address, the event's name and its arguments as strings (amounts in minor units). */
export interface DecodedEvent {
  readonly contract: string;
  readonly address: string;
  readonly name: string;
  readonly args: Readonly<Record<string, string>>;
}

/** `log` parsed with the interface of the book's contract at its address, or null. */
function parseLog(log: Log, book: AddressBook): { label: string; parsed: LogDescription } | null {
  const contract = book.contracts.find((c) => c.address.toLowerCase() === log.address.toLowerCase());
  if (contract === undefined) return null;
  try {
    const parsed = contract.iface.parseLog({ topics: [...log.topics], data: log.data });
    return parsed === null ? null : { label: contract.label, parsed };
  } catch {
    return null;
  }
}

/** The events of `logs` the book's contracts emitted, as data. */
export function decodeLogs(logs: readonly Log[], book: AddressBook): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  for (const log of logs) {
    const hit = parseLog(log, book);
    if (hit === null) continue;
    const args: Record<string, string> = {};
    hit.parsed.fragment.inputs.forEach((input, i) => {
      args[input.name] = String(hit.parsed.args[i]);
    });
    events.push({ contract: hit.label, address: log.address, name: hit.parsed.name, args });
  }
  return events;
}

/** The events of `logs`, decoded with the book's interfaces, in words. */
export function describeLogs(logs: readonly Log[], book: AddressBook): string[] {
  const lines: string[] = [];
  for (const log of logs) {
    const hit = parseLog(log, book);
    if (hit === null) continue;
    const parsed = hit.parsed;
    const formatter = FORMATTERS[parsed.name];
    const line =
      formatter === undefined
        ? `${hit.label}: ${parsed.name}(${parsed.args.map((v) => String(v)).join(", ")})`
        : formatter(parsed.args, book, log.address);
    if (line !== null) lines.push(line);
  }
  return lines;
}
