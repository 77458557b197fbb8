import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { CROSS_BORDER_PARTICIPANTS, FOREIGN_WCBDCS, jurisdictionBytes2 } from "../../src/domain/cross-border.js";
import { KYC_VALIDITY_SECONDS, PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";

/**
 * The Thai chain of the two-ledger design: its own participant registry kept by the Bank of
 * Thailand, THB wholesale CBDC, a hashed time-locked escrow, Chao Phraya Bank, and Harbour Bank
 * admitted as a foreign bank so it can be paid in THB central-bank money.
 */
export default buildModule("ThaiChain", (m) => {
  const spec = (key: string) => {
    const p = CROSS_BORDER_PARTICIPANTS.find((x) => x.key === key);
    if (p === undefined) throw new Error(`${key} is missing from the cross-border definition`);
    return p;
  };
  const harbour = PARTICIPANTS.find((p) => p.key === "harbourBank");
  if (harbour === undefined) throw new Error("Harbour Bank is missing from the Hong Kong definition");
  const bot = m.getAccount(spec("bankOfThailand").account);
  const chaoPhraya = m.getAccount(spec("chaoPhrayaBank").account);
  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);
  const th = jurisdictionBytes2("TH");

  const registry = m.contract("ParticipantRegistry", [bot], { from: bot });
  const register = (id: string, account: ReturnType<typeof m.getAccount> | typeof htlc, kind: number, jurisdiction: string) =>
    m.call(registry, "registerParticipant", [account, kind, jurisdiction, kycExpiry], { id, from: bot });
  const thb = FOREIGN_WCBDCS[0];
  const wTHB = m.contract("WholesaleCBDC", [thb.name, thb.symbol, thb.currency, thb.minorUnits, registry, bot], { id: "wTHB", from: bot });
  const htlc = m.contract("HashedTimelock", [], { from: bot });
  register("register_bankOfThailand", bot, ParticipantKind.CentralBank, th);
  register("register_chaoPhrayaBank", chaoPhraya, ParticipantKind.CommercialBank, th);
  register("register_harbourBank", m.getAccount(harbour.account), ParticipantKind.CommercialBank, jurisdictionBytes2("HK"));
  register("register_htlc", htlc, ParticipantKind.Infrastructure, th);
  m.call(wTHB, "setSettlementContract", [htlc, true], { id: "approve_htlc_wTHB", from: bot });
  return { registry, wTHB, htlc };
});
