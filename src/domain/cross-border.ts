import type { ParticipantDefinition } from "./participants.js";

/**
 * The cross-border extension of the sandbox: the Bank of Thailand and the Banco Central do Brasil
 * with their wholesale CBDCs, one commercial bank and one customer in each jurisdiction. On the
 * shared (mBridge-style) ledger they join the Hong Kong ledger; on the separate-ledger design the
 * Thai institutions run their own chain. Fictional commercial names; central banks by role.
 */
export type CrossBorderParticipantSpec = ParticipantDefinition<CrossBorderKey>;

export const CROSS_BORDER_PARTICIPANTS = [
  { key: "bankOfThailand", name: "Bank of Thailand", kind: "CentralBank", jurisdiction: "TH", account: 9 },
  { key: "bancoCentral", name: "Banco Central do Brasil", kind: "CentralBank", jurisdiction: "BR", account: 10 },
  { key: "chaoPhrayaBank", name: "Chao Phraya Bank", kind: "CommercialBank", jurisdiction: "TH", account: 11 },
  { key: "bancoIpanema", name: "Banco Ipanema", kind: "CommercialBank", jurisdiction: "BR", account: 12 },
  { key: "siamRice", name: "Siam Rice Exporters", kind: "Investor", jurisdiction: "TH", account: 13 },
  { key: "rioCoffee", name: "Rio Coffee Traders", kind: "Investor", jurisdiction: "BR", account: 14 },
] as const satisfies readonly ParticipantDefinition[];

export type CrossBorderKey = (typeof CROSS_BORDER_PARTICIPANTS)[number]["key"];

/** A foreign central bank's wholesale CBDC (ISO 4217 code, minor units) and its issuer. */
export const FOREIGN_WCBDCS = [
  { centralBank: "bankOfThailand", name: "Bank of Thailand Wholesale CBDC (THB)", symbol: "wTHB", currency: "THB", minorUnits: 2 },
  { centralBank: "bancoCentral", name: "Banco Central do Brasil Wholesale CBDC (BRL)", symbol: "wBRL", currency: "BRL", minorUnits: 2 },
] as const;

/** Each foreign bank's deposit token, in its own currency, and its customer. */
export const FOREIGN_DEPOSITS = [
  { bank: "chaoPhrayaBank", name: "Chao Phraya Bank THB Deposit", symbol: "cpTHB", currency: "THB", customers: ["siamRice"] },
  { bank: "bancoIpanema", name: "Banco Ipanema BRL Deposit", symbol: "ipBRL", currency: "BRL", customers: ["rioCoffee"] },
] as const;

export { jurisdictionBytes2 } from "./participants.js";
