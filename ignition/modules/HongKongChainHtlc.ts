import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { CROSS_BORDER_PARTICIPANTS, jurisdictionBytes2 } from "../../src/domain/cross-border.js";
import { KYC_VALIDITY_SECONDS } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import GreenBondLifecycleModule from "./GreenBondLifecycle.js";

/**
 * The Hong Kong chain of the two-ledger design (Jasper–Ubin): the Hong Kong ledger with a hashed
 * time-locked escrow, and Chao Phraya Bank admitted as a foreign bank so it can receive the bond
 * and HKD central-bank money.
 */
export default buildModule("HongKongChainHtlc", (m) => {
  const hk = m.useModule(GreenBondLifecycleModule);
  const hkma = m.getAccount(0);
  const chaoPhraya = CROSS_BORDER_PARTICIPANTS.find((p) => p.key === "chaoPhrayaBank");
  if (chaoPhraya === undefined) throw new Error("Chao Phraya Bank is missing from the cross-border definition");
  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);

  const htlc = m.contract("HashedTimelock", [], { from: hkma });
  m.call(hk.registry, "registerParticipant", [htlc, ParticipantKind.Infrastructure, jurisdictionBytes2("HK"), kycExpiry], {
    id: "register_htlc",
    from: hkma,
  });
  m.call(hk.wcbdc, "setSettlementContract", [htlc, true], { id: "approve_htlc_wHKD", from: hkma });
  m.call(
    hk.registry,
    "registerParticipant",
    [m.getAccount(chaoPhraya.account), ParticipantKind.CommercialBank, jurisdictionBytes2("TH"), kycExpiry],
    { id: "register_chaoPhrayaBank", from: hkma },
  );
  return { ...hk, htlc };
});
