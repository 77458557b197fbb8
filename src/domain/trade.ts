/** A DvP trade as the engine takes it (see contracts/settlement/Trade.sol). */
export interface Trade {
  readonly tradeRef: string;
  readonly seller: string;
  readonly buyer: string;
  readonly asset: string;
  readonly quantity: bigint;
  readonly buyerCash: string;
  readonly sellerCash: string;
  readonly amount: bigint;
  readonly settlementDate: bigint;
  readonly expiry: bigint;
}

/** The EIP-712 types of a party's signed order, as in `SignedSettlement.SETTLEMENT_ORDER_TYPEHASH`. */
export const SETTLEMENT_ORDER_TYPES = {
  SettlementOrder: [
    { name: "trade", type: "Trade" },
    { name: "nonce", type: "uint256" },
  ],
  Trade: [
    { name: "tradeRef", type: "bytes32" },
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "asset", type: "address" },
    { name: "quantity", type: "uint256" },
    { name: "buyerCash", type: "address" },
    { name: "sellerCash", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "settlementDate", type: "uint64" },
    { name: "expiry", type: "uint64" },
  ],
};

/** Trade statuses, in the order of `TradeStatus` in Trade.sol, with their ISO 20022 reading. */
export const TRADE_STATUS = ["None", "Pending", "Matched", "Failed", "Settled", "Cancelled", "Expired"] as const;
export type TradeStatusName = (typeof TRADE_STATUS)[number];

/** Failure reasons, in the order of `FailureReason` in Trade.sol. */
export const FAILURE_REASON = [
  "None",
  "InsufficientSecurities",
  "InsufficientCash",
  "MissingApproval",
  "NotEligible",
  "AccountFrozen",
  "Paused",
  "Expired",
  "TokenRejected",
  "Matured",
] as const;
export type FailureReasonName = (typeof FAILURE_REASON)[number];

/**
 * The four-letter reason code of each failure reason: ISO 20022 where it has one (LACK insufficient
 * securities, MONY insufficient money, BLOC account blocked, CANS cancelled by the system); where it
 * has none, the sandbox's own code, starting with X so it can never be mistaken for an ISO one:
 * XAPP no authorisation (allowance), XELG party not eligible, XPAU token paused, XREJ token
 * rejected, XMAT asset matured.
 */
export const REASON_CODE = {
  None: "",
  InsufficientSecurities: "LACK",
  InsufficientCash: "MONY",
  MissingApproval: "XAPP",
  NotEligible: "XELG",
  AccountFrozen: "BLOC",
  Paused: "XPAU",
  Expired: "CANS",
  TokenRejected: "XREJ",
  Matured: "XMAT",
} as const satisfies Record<FailureReasonName, string>;
export type ReasonCode = Exclude<(typeof REASON_CODE)[FailureReasonName], "">;

/** The legs of a settlement, in the order of `Leg` in SettlementEngine.sol's `SettlementLegFailed`. */
export const SETTLEMENT_LEGS = ["asset", "cash", "interbank"] as const;
export type SettlementLeg = (typeof SETTLEMENT_LEGS)[number];

/**
 * A trade's state as ISO 20022 codes (sese.024 status advice): `status` the matching or settlement
 * status (NMAT unmatched, MACH matched, PENF pending/failing, SETT settled, CAND cancelled), `reason`
 * its reason code where there is one (CMIS counterparty missing, FUTU awaiting the settlement date,
 * CANI cancelled by the instructing parties, CANS cancelled by the system, and the failure reasons of
 * `REASON_CODE`).
 */
export interface IsoTradeStatus {
  readonly status: "NMAT" | "MACH" | "PENF" | "SETT" | "CAND";
  readonly reason?: ReasonCode | "CMIS" | "FUTU" | "CANI";
}

/** The ISO 20022 codes of an engine status and failure reason; undefined for a trade the engine has no record of. */
export function isoTradeStatus(status: TradeStatusName, reason: FailureReasonName): IsoTradeStatus | undefined {
  switch (status) {
    case "Pending":
      return { status: "NMAT", reason: "CMIS" };
    case "Matched":
      return { status: "MACH", reason: "FUTU" };
    case "Failed": {
      const code = REASON_CODE[reason];
      return code === "" ? { status: "PENF" } : { status: "PENF", reason: code };
    }
    case "Settled":
      return { status: "SETT" };
    case "Cancelled":
      return { status: "CAND", reason: "CANI" };
    case "Expired":
      return { status: "CAND", reason: "CANS" };
    case "None":
      return undefined;
  }
}
