import { decodeBytes32String, MaxUint256 } from "ethers";

import type { Directory } from "../chain/directory.js";
import type { AbiArgs, AbiValue, EventFact } from "../chain/facts.js";
import { FAILURE_REASON, isoTradeStatus, REASON_CODE, TRADE_STATUS } from "../domain/trade.js";
import { formatRatio, formatScaledYield, formatYieldBps } from "../domain/exchange-fund-bills.js";
import { formatMoney, formatUnits } from "../domain/money.js";
import { NAV_DECIMALS, UNIT_DECIMALS, formatHktDay } from "../domain/money-market-fund.js";
import { jurisdictionFromBytes2, participantKindName } from "../domain/participants.js";
import { formatTime, isoCode, isoStatusCodes, partyLabel, tokenAmount } from "./words.js";

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

const ZERO = "0x0000000000000000000000000000000000000000";

/** A rate in basis points as a percentage: 500 → "5.00%". */
/** A registry `bytes2` jurisdiction as its ISO 3166-1 code ("0x484b" → "HK"). */
function jurisdictionOf(bytes2: string): string {
  return jurisdictionFromBytes2(bytes2).replace(/\0/g, "") || bytes2;
}

function formatBps(bps: bigint): string {
  return `${bps / 100n}.${String(bps % 100n).padStart(2, "0")}%`;
}

/** Fund units (4 decimals) and a NAV per unit (HKD to 4 decimals). */
const fundUnits = (n: bigint): string => `${formatUnits(n, UNIT_DECIMALS)} units`;
const nav = (n: bigint): string => `HKD ${formatUnits(n, NAV_DECIMALS)}`;
const hms = (seconds: bigint): string => `${String(seconds / 3600n).padStart(2, "0")}:${String((seconds % 3600n) / 60n).padStart(2, "0")} HKT`;

/** What a formatter reads an event with: its arguments, and names and amounts on the event's chain. */
interface Reading {
  /** An argument as text ("" if absent or not text). */
  s(name: string): string;
  /** An integer argument. */
  n(name: string): bigint;
  /** A struct argument. */
  struct(name: string): Reading;
  /** The name of the address in argument `name`. */
  who(name: string): string;
  /** An amount of the token at address `token` on the event's chain. */
  amount(token: string, amount: bigint): string;
  /** Money in the currency of the chain's first wCBDC. */
  money(amount: bigint): string;
  /** The emitting contract's name. */
  readonly emitter: string;
  readonly emitterAddress: string;
  readonly directory: Directory;
  readonly chain: string;
}

function reading(args: AbiArgs, emitter: EventFact["contract"], chain: string, directory: Directory): Reading {
  const text = (v: AbiValue | undefined): string => (typeof v === "string" ? v : typeof v === "boolean" ? String(v) : v === undefined ? "" : JSON.stringify(v));
  const amount = (token: string, value: bigint): string => {
    const info = directory.token(chain, token);
    return info === undefined ? value.toString() : tokenAmount(info, value);
  };
  const home = directory.chain(chain).tokens.find((t) => t.kind === "wCBDC");
  return {
    s: (name) => text(args[name]),
    n: (name) => BigInt(text(args[name]) || "0"),
    struct: (name) => {
      const v = args[name];
      return reading(typeof v === "object" && !Array.isArray(v) ? (v as AbiArgs) : {}, emitter, chain, directory);
    },
    who: (name) => partyLabel(directory.ref(chain, text(args[name]))),
    amount,
    money: (value) => (home === undefined ? value.toString() : formatMoney(value, home.currency, home.decimals)),
    emitter: partyLabel(emitter),
    emitterAddress: emitter.address,
    directory,
    chain,
  };
}

type Formatter = (a: Reading) => string | null;

const statusCodes = (status: bigint, reason: bigint): string => {
  const iso = isoTradeStatus(TRADE_STATUS[Number(status)] ?? "None", FAILURE_REASON[Number(reason)] ?? "None");
  return iso === undefined ? "no record" : isoStatusCodes(iso);
};

/** How each event reads in a report; `null` hides an event that would only be noise. */
const FORMATTERS: Record<string, Formatter> = {
  Transfer: (a) => {
    const info = a.directory.token(a.chain, a.emitterAddress);
    if (info === undefined) return null;
    const what = tokenAmount(info, a.n("value"));
    const deposit = info.kind === "tokenizedDeposit";
    if (a.s("from") === ZERO) return `${what} ${deposit ? "credited" : "issued"} to ${a.who("to")}`;
    if (a.s("to") === ZERO) return `${what} ${deposit ? "debited (burned)" : "redeemed"} from ${a.who("from")}`;
    return `${what}: ${a.who("from")} → ${a.who("to")}`;
  },
  // A contract approving itself (the fund's dealing contract before it burns a deposit it holds) is mechanics, not consent.
  Approval: (a) =>
    a.s("owner").toLowerCase() === a.s("spender").toLowerCase()
      ? null
      : `${a.who("owner")} authorised ${a.who("spender")} on ${a.emitter}${a.n("value") === MaxUint256 ? "" : ` for ${a.amount(a.emitterAddress, a.n("value"))}`}`,
  TradeTermsRecorded: (a) => {
    const t = a.struct("trade");
    return `trade ${formatRef(t.s("tradeRef"))}: ${t.who("seller")} sells ${a.amount(t.s("asset"), t.n("quantity"))} to ${t.who("buyer")} for ${a.amount(t.s("buyerCash"), t.n("amount"))}`;
  },
  TradeInstructed: (a) => `${a.who("party")} instructed as ${a.s("isSeller") === "true" ? "seller" : "buyer"}`,
  TradeMatched: () => "instructions matched (MACH)",
  TradeSettled: (a) => `trade settled (SETT): ${a.who("seller")} delivered, ${a.who("buyer")} paid${a.s("signed") === "true" ? " — from signed orders" : ""}`,
  TradeSettledInBatch: (a) => `trade ${a.s("tradeId").slice(0, 10)}… settled in batch #${a.s("batchId")}`,
  TradeSettlementFailed: (a) => `settlement attempt failed, nothing moved: ${statusCodes(3n, a.n("reason"))}`,
  TradeCancelled: (a) => `trade cancelled (CAND/CANI), completed by ${a.who("by")}`,
  TradeCancellationRequested: (a) => `${a.who("by")} asked to cancel the matched trade; it stays matched until the counterparty agrees`,
  TradeSkippedInBatch: (a) => `trade ${a.s("tradeId").slice(0, 10)}… skipped in batch #${a.s("batchId")}: ${statusCodes(a.n("status"), a.n("reason"))}`,
  TradeExpiredUnsettled: () => "trade expired unsettled (CAND/CANS)",
  // The event does not name the currency; the wCBDC transfer just before it shows the amount.
  InterbankSettled: (a) => `interbank leg: ${a.who("payerBank")} paid ${a.who("payeeBank")} in central-bank money`,
  FxSettled: (a) => `FX PvP at ${a.who("dealer")}'s quote: ${a.who("payer")} → ${a.who("beneficiary")}, both currencies or neither`,
  // A payment into a customer's bank (coupon, redemption) is told by the events around it.
  PaymentSettled: (a) =>
    a.directory.token(a.chain, a.s("payerDeposit"))?.kind === "wCBDC"
      ? null
      : `payment ${formatRef(a.s("paymentRef"))} settled: ${a.who("payer")} → ${a.who("payee")}, ${a.money(a.n("amount"))}`,
  BatchSettled: (a) =>
    `netting batch #${a.s("batchId")}: ${a.s("tradeCount")} trades${a.n("skipped") > 0n ? ` (${a.s("skipped")} skipped)` : ""}, ${a.s("grossTransfers")} gross transfers netted to ${a.s("netTransfers")}`,
  TenderOpened: (a) => {
    const t = a.struct("terms");
    return `tender ${formatRef(a.s("tenderRef"))} opened by ${a.who("issuer")}: ${t.s("unitsOffered")} units on offer, in lots of ${t.s("minimumLot")}`;
  },
  BidSubmitted: (a) => `${a.who("bidder")} bid for ${a.s("units")} units at up to ${a.money(a.n("pricePerUnit"))} a unit`,
  BidWithdrawn: (a) => `${a.who("bidder")} withdrew bid ${a.s("index")}`,
  BidReclaimed: (a) => `${a.who("bidder")} reclaimed bid ${a.s("index")}, which the issuer did not allot in time`,
  // Firm bids: each bid's cost is held by the tender contract from the bid; what is not allotted comes back.
  BidRefunded: (a) => `tender ${formatRef(a.s("tenderRef"))}: ${a.money(a.n("amount"))} of bid ${a.s("index")}'s cost returned to ${a.who("bidder")}`,
  BidRefundParked: (a) =>
    `tender ${formatRef(a.s("tenderRef"))}: ${a.money(a.n("amount"))} of bid ${a.s("index")}'s cost parked for ${a.who("bidder")} to claim (the cash token refused the refund)`,
  BidRefundClaimed: (a) => `${a.who("bidder")} claimed ${a.money(a.n("amount"))} of parked refunds of tender ${formatRef(a.s("tenderRef"))}`,
  BondAllotted: (a) => `${a.who("allottee")} allotted ${a.s("units")} units for ${a.money(a.n("amount"))} (its own bid price)`,
  TenderAllotted: (a) => {
    const r = a.struct("result");
    return `tender ${formatRef(a.s("tenderRef"))} result: applied ${r.s("unitsApplied")} units, allotted ${r.s("unitsAllotted")}, cut-off price ${a.money(r.n("cutoffPrice"))}, pro rata at the cut-off ${(Number(r.n("proRataRatio")) / 10_000).toFixed(2)}%, average price ${a.money(r.n("averagePrice"))}, proceeds ${a.money(r.n("proceeds"))}`;
  },
  TenderCancelled: (a) => `tender ${formatRef(a.s("tenderRef"))} cancelled`,
  // Exchange Fund Bills (BillTender, ExchangeFundBill): yields in basis points, averages in hundredths of one.
  BillTenderOpened: (a) =>
    `bill tender ${formatRef(a.s("tenderRef"))} opened by ${a.who("centralBank")}: ${a.money(a.struct("terms").n("faceOffered"))} of ${a.who("bill")} on offer`,
  BillBidSubmitted: (a) => `${a.who("bidder")} bid for ${a.money(a.n("face"))} of face at ${formatYieldBps(a.n("yieldBps"))} (${a.money(a.n("pricePerUnit"))} a unit)`,
  BillBidWithdrawn: (a) => `${a.who("bidder")} withdrew bill bid ${a.s("index")}`,
  BillBidReclaimed: (a) => `${a.who("bidder")} reclaimed bill bid ${a.s("index")}, which the central bank did not allot in time`,
  BillBidRejected: (a) => `the central bank rejected bill bid ${a.s("index")} of ${a.who("bidder")}`,
  BillBidRefunded: (a) =>
    `bill tender ${formatRef(a.s("tenderRef"))}: ${a.money(a.n("amount"))} of bill bid ${a.s("index")}'s cost returned to ${a.who("bidder")}`,
  BillBidRefundParked: (a) =>
    `bill tender ${formatRef(a.s("tenderRef"))}: ${a.money(a.n("amount"))} of bill bid ${a.s("index")}'s cost parked for ${a.who("bidder")} to claim (wCBDC refused the refund)`,
  BillBidRefundClaimed: (a) => `${a.who("bidder")} claimed ${a.money(a.n("amount"))} of parked refunds of bill tender ${formatRef(a.s("tenderRef"))}`,
  BillAllotted: (a) =>
    `${a.who("allottee")} allotted ${a.s("units")} units of ${a.who("bill")} at ${formatYieldBps(a.n("yieldBps"))} for ${a.money(a.n("amount"))} (the price at its own yield)`,
  BillTenderAllotted: (a) => {
    const r = a.struct("result");
    return `bill tender ${formatRef(a.s("tenderRef"))} result: applied ${a.money(r.n("amountApplied"))}, allotted ${a.money(r.n("amountAllotted"))}, average yield accepted ${formatScaledYield(r.n("averageYieldAccepted"))}, highest yield accepted ${formatYieldBps(r.n("highestYieldAccepted"))}, pro rata ratio ${formatRatio(r.n("proRataRatio"))}, average tender yield ${formatScaledYield(r.n("averageTenderYield"))}, proceeds ${a.money(r.n("proceeds"))}`;
  },
  BillTenderCancelled: (a) => `bill tender ${formatRef(a.s("tenderRef"))} cancelled`,
  BillRedeemed: (a) => `${a.who("holder")} redeemed ${a.s("units")} units at par for ${a.money(a.n("amount"))}`,
  RedemptionSurplusReturned: (a) =>
    `${a.who("centralBank")} took back ${a.money(a.n("amount"))} of redemption funding above the ${a.money(a.n("liability"))} still owed`,
  RedemptionParked: (a) => `redemption of ${a.who("holder")} (${a.s("units")} units) parked: it keeps its bills until redeemed`,
  CouponPaid: (a) =>
    `coupon ${Number(a.n("index")) + 1} paid to ${a.who("holder")} on ${a.s("units")} units of record: ${a.money(a.n("amount"))} in ${a.who("cashAccount")}`,
  // The HKMA's intraday liquidity facility and the CHATS-style payment queue (contracts/liquidity).
  CollateralListed: (a) => `${a.who("token")} listed as eligible collateral at ${a.money(a.n("pricePerUnit"))} a unit, haircut ${formatBps(a.n("haircutBps"))}`,
  CollateralDelisted: (a) => `${a.who("token")} taken off the eligible-collateral list`,
  IntradayRepoOpened: (a) =>
    `intraday repo #${a.s("repoId")}: ${a.who("bank")} delivered ${a.amount(a.s("collateral"), a.n("units"))} into the HKMA's custody for ${a.money(a.n("principal"))}, to reverse before ${formatTime(a.n("cutOffAt"))}`,
  RepoRolledToDiscountWindow: (a) =>
    `repo #${a.s("repoId")} not reversed by the cut-off: ${a.who("bank")} borrows ${a.money(a.n("principal"))} overnight in the Discount Window at ${formatBps(a.n("rateBps"))}`,
  RepoClosedOut: (a) =>
    `repo #${a.s("repoId")} closed out, unpaid when due at ${formatTime(a.n("dueAt"))}: the HKMA keeps ${a.amount(a.s("collateral"), a.n("units"))}, ${a.who("bank")} keeps the ${a.money(a.n("principal"))} (repaying would have cost ${a.money(a.n("owed"))})`,
  RepoReversed: (a) =>
    `repo #${a.s("repoId")} reversed: ${a.who("bank")} repaid ${a.money(a.n("principal"))}${a.n("interest") > 0n ? ` + ${a.money(a.n("interest"))} interest` : ""} and got back ${a.amount(a.s("collateral"), a.n("units"))}`,
  PaymentInstructionSubmitted: (a) => `${a.who("payer")} instructs payment #${a.s("paymentId")} (${formatRef(a.s("paymentReference"))}) of ${a.money(a.n("amount"))} to ${a.who("payee")}`,
  PaymentInstructionQueued: (a) =>
    `payment #${a.s("paymentId")} waits in ${a.who("payer")}'s queue at position ${a.s("position")}: ${a.money(a.n("available"))} available of ${a.money(a.n("amount"))} (no overdraft)`,
  PaymentInstructionSettled: (a) => `payment #${a.s("paymentId")} settled: ${a.who("payer")} → ${a.who("payee")}, ${a.money(a.n("amount"))}`,
  PaymentInstructionCancelled: (a) => `${a.who("payer")} cancelled queued payment #${a.s("paymentId")}`,
  // The token's own error (tokenError) is the evidence; its classified reason reads as the settlement engine's codes.
  PaymentInstructionRejected: (a) =>
    `payment #${a.s("paymentId")} of ${a.money(a.n("amount"))} to ${a.who("payee")} rejected and taken out of ${a.who("payer")}'s queue, nothing moved: the wCBDC refused the transfer, ${isoCode(REASON_CODE[FAILURE_REASON[Number(a.n("reason"))] ?? "TokenRejected"] || REASON_CODE.TokenRejected)}`,
  Redeemed: (a) => `${a.who("holder")} redeemed ${a.s("units")} units for ${a.money(a.n("amount"))} in ${a.who("cashAccount")}`,
  PaymentParked: (a) => `payment to ${a.who("holder")} parked for a later claim`,
  StandingInstructionSet: (a) => `${a.who("holder")} will be paid in ${a.s("depositToken") === ZERO ? "wCBDC" : a.who("depositToken")}`,
  ParticipantFreezeUpdated: (a) => `registrar ${a.s("frozen") === "true" ? "froze" : "unfroze"} ${a.who("account")}`,
  AccountFreezeUpdated: (a) => `${a.emitter}: ${a.who("account")} ${a.s("frozen") === "true" ? "frozen" : "unfrozen"}`,
  Paused: (a) => `${a.emitter} paused`,
  Unpaused: (a) => `${a.emitter} unpaused`,
  NonceInvalidated: (a) => `${a.who("owner")} voided an order nonce`,
  Locked: (a) =>
    `${a.emitter}: ${a.who("sender")} locked ${a.amount(a.s("token"), a.n("amount"))} for ${a.who("receiver")} under hash ${a.s("hashlock").slice(0, 10)}… until ${formatTime(a.n("timelock"))}`,
  Claimed: (a) => `${a.emitter}: lock claimed, secret ${a.s("preimage").slice(0, 10)}… now public`,
  Refunded: (a) => `${a.emitter}: lock refunded to its sender after its time lock`,
  ParticipantRegistered: (a) =>
    `registrar admitted ${a.who("account")} as ${participantKindName(a.n("kind"))} of ${jurisdictionOf(a.s("jurisdiction"))}, KYC valid until ${formatTime(a.n("kycExpiry"))}`,
  ParticipantRemoved: (a) => `registrar removed ${a.who("account")} from the ledger`,
  KycExpiryUpdated: (a) => `registrar renewed ${a.who("account")}'s KYC until ${formatTime(a.n("kycExpiry"))}`,
  CustomerUpdated: (a) => `${a.emitter}: ${a.who("account")} ${a.s("isCustomer") === "true" ? "onboarded as a customer" : "no longer a customer"}`,
  SettlementContractApprovalUpdated: (a) =>
    `${a.emitter}: ${a.who("settlementContract")} ${a.s("approved") === "true" ? "approved" : "no longer approved"} as a settlement contract`,
  WholesaleCbdcRegistered: (a) => `settlement engine registered ${a.who("wcbdc")} as the ${a.s("currency")} wCBDC`,
  ForcedTransfer: (a) => `${a.emitter}: forced transfer of ${a.s("amount")} units ${a.who("from")} → ${a.who("to")} (${a.s("reason")})`,
  FxQuoteNonceInvalidated: (a) => `${a.who("dealer")} voided its FX quotes up to key nonce ${a.s("keyNonce")}`,
  BidRejected: (a) => `the issuer rejected bid ${a.s("index")} of ${a.who("bidder")}`,
  DiscountWindowRateSet: (a) =>
    `Discount Window rate set: Base Rate ${formatBps(a.n("baseRateBps"))} + ${formatBps(a.n("penaltySpreadBps"))}`,
  RoleRevoked: () => null,
  RoleAdminChanged: () => null,
  EIP712DomainChanged: () => null,
  // The money-market fund (contracts/funds): orders, NAV, DvP settlement, the RTGS bridge.
  SubscriptionPlaced: (a) =>
    `${a.who("investor")} subscribes ${a.money(a.n("cash"))} from its ${a.who("investorCash")} deposit (order #${a.s("orderId")}), dealing ${formatHktDay(Number(a.n("dealingDay")))}, fee ${formatBps(a.n("feeBps"))}; the cash is held in custody until then`,
  RedemptionPlaced: (a) =>
    `${a.who("investor")} redeems ${fundUnits(a.n("units"))} into its ${a.who("investorCash")} deposit (order #${a.s("orderId")}), dealing ${formatHktDay(Number(a.n("dealingDay")))}; the units are held in custody until then`,
  NavPublished: (a) =>
    `NAV for ${formatHktDay(Number(a.n("dealingDay")))} published, signed by ${a.who("administrator")}: ${nav(a.n("navPerUnit"))} a unit, struck ${formatTime(a.n("struckAt"))}, valid until ${formatTime(a.n("validUntil"))}`,
  SubscriptionSettled: (a) =>
    `order #${a.s("orderId")} settled: ${a.who("investor")} paid ${a.money(a.n("cash"))} (fee ${a.money(a.n("fee"))}) and was issued ${fundUnits(a.n("units"))} at ${nav(a.n("navPerUnit"))}`,
  RedemptionSettled: (a) =>
    `order #${a.s("orderId")} settled: ${fundUnits(a.n("units"))} of ${a.who("investor")} cancelled at ${nav(a.n("navPerUnit"))}, ${a.money(a.n("cash"))} paid`,
  FundInterbankSettled: (a) => `interbank leg in wCBDC, on chain: ${a.who("payerBank")} paid ${a.who("payeeBank")} ${a.money(a.n("amount"))}`,
  InterbankEarmarked: (a) =>
    `${a.money(a.n("amount"))} of ${a.who("payer")}'s ${a.who("token")} deposit earmarked for ${a.who("payerBank")}'s RTGS payment to ${a.who("payeeBank")} (order #${a.s("orderId")}); confirmation due by ${formatTime(a.n("deadline"))}`,
  RtgsPaymentConfirmed: (a) =>
    `RTGS operator confirmed payment ${formatRef(a.s("paymentRef"))} of ${a.money(a.n("amount"))} for order #${a.s("orderId")}, settled in CHATS ${formatTime(a.n("settledAt"))}`,
  EarmarkReleased: (a) => `earmark of order #${a.s("orderId")} released: ${a.money(a.n("amount"))} back to ${a.who("payer")}`,
  SurplusReturned: (a) =>
    `paying agent returned ${a.money(a.n("amount"))} of surplus funding to ${a.who("fiscalAgent")} (still owed to holders: ${a.money(a.n("liability"))})`,
  RedeemedUnitsHeld: (a) =>
    `${fundUnits(a.n("units"))} of order #${a.s("orderId")} stay in custody: the register refuses them back to ${a.who("investor")} (frozen or no longer eligible) until it accepts them`,
  HeldUnitsReturned: (a) => `${fundUnits(a.n("units"))} held for order #${a.s("orderId")} returned to ${a.who("investor")}`,
  OrderFailed: (a) => `order #${a.s("orderId")} failed, nothing moved: ${a.n("failure") === 1n ? isoCode("XRTO") : "unknown reason"}`,
  OrderCancelled: (a) => `${a.who("investor")} cancelled order #${a.s("orderId")}, nothing moved`,
  // Both the intraday liquidity facility and the fund's dealing contract have a daily cut-off.
  CutOffSet: (a) => `${a.emitter}: cut-off set to ${hms(a.n("cutOff"))}`,
  SubscriptionFeeSet: (a) => `subscription fee set to ${formatBps(a.n("feeBps"))}`,
  RtgsHoursSet: (a) =>
    `RTGS hours set to ${hms(a.n("opensAt"))}–${hms(a.n("closesAt"))}, confirmation timeout ${a.n("confirmationTimeout") / 60n} minutes`,
  DepositTokenRegistered: () => null,
  DepositLineConsented: () => null,
  AssetRegistered: () => null,
  RoleGranted: () => null,
};

/** One event in words, or null for an event a report leaves out as noise. */
export function describeEvent(event: EventFact, chain: string, directory: Directory): string | null {
  const formatter = FORMATTERS[event.name];
  const a = reading(event.args, event.contract, chain, directory);
  if (formatter === undefined) return `${a.emitter}: ${event.name}(${Object.values(event.args).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")})`;
  return formatter(a);
}

/** The events of a transaction in words, noise left out. */
export function describeEvents(events: readonly EventFact[], chain: string, directory: Directory): string[] {
  return events.map((e) => describeEvent(e, chain, directory)).filter((line): line is string => line !== null);
}
