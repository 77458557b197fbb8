import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { KYC_VALIDITY_SECONDS, PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { jurisdictionBytes2, ParticipantKind } from "../../src/domain/participants.js";
import SettlementModule from "./Settlement.js";

/**
 * The green bond's issuing and paying agents: the HKSAR Government (issuer) lets its tender contract
 * (`PrimaryIssuance`, which follows the settlement engine's asset register and pause) mint at primary
 * issuance and the paying agent burn at redemption; both are registered as market infrastructure; HKMA, as fiscal agent,
 * runs the paying agent, registers it as market infrastructure and approves it to hold wCBDC for
 * coupons and redemption; HKMA, as the HKD central bank, also approves the tender contract to hold
 * wCBDC, since a bid's cost is held in its custody from the bid until allotment. The Government keeps `ISSUER_ADMIN_ROLE`: neither agent can appoint another.
 */
export default buildModule("GreenBondLifecycle", (m) => {
  const settlement = m.useModule(SettlementModule);
  const account = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));

  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);
  const payingAgent = m.contract("BondPayingAgent", [settlement.bond, settlement.engine, account.hkma], {
    from: account.hkma,
  });
  m.call(settlement.registry, "registerParticipant", [payingAgent, ParticipantKind.Infrastructure, jurisdictionBytes2("HK"), kycExpiry], {
    id: "register_payingAgent",
    from: account.hkma,
  });
  const issuance = m.contract("PrimaryIssuance", [settlement.engine], { from: account.hkma });
  m.call(settlement.registry, "registerParticipant", [issuance, ParticipantKind.Infrastructure, jurisdictionBytes2("HK"), kycExpiry], {
    id: "register_issuance",
    from: account.hkma,
  });
  m.call(settlement.wcbdc, "setSettlementContract", [payingAgent, true], {
    id: "approve_payingAgent_wHKD",
    from: account.hkma,
  });
  m.call(settlement.wcbdc, "setSettlementContract", [issuance, true], {
    id: "approve_issuance_wHKD",
    from: account.hkma,
  });
  const issuerRole = m.staticCall(settlement.bond, "ISSUER_ROLE", [], 0, { from: account.government });
  m.call(settlement.bond, "grantRole", [issuerRole, issuance], {
    id: "issuer_appoints_issuance",
    from: account.government,
  });
  m.call(settlement.bond, "grantRole", [issuerRole, payingAgent], {
    id: "issuer_appoints_payingAgent",
    from: account.government,
  });

  return { ...settlement, issuance, payingAgent };
});
