import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { PARTICIPANTS } from "../../src/ledger/hong-kong.js";
import SettlementModule from "./Settlement.js";

/**
 * The green bond's issuing and paying agents: the HKSAR Government (issuer) lets the settlement
 * engine mint at primary issuance and the paying agent burn at redemption; HKMA, as fiscal agent,
 * runs the paying agent and approves it to hold wCBDC for coupons and redemption.
 */
export default buildModule("GreenBondLifecycle", (m) => {
  const settlement = m.useModule(SettlementModule);
  const account = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));

  const payingAgent = m.contract("BondPayingAgent", [settlement.bond, settlement.engine, account.hkma], {
    from: account.hkma,
  });
  m.call(settlement.wcbdc, "setSettlementContract", [payingAgent, true], {
    id: "approve_payingAgent_wHKD",
    from: account.hkma,
  });
  const issuerRole = m.staticCall(settlement.bond, "ISSUER_ROLE", [], 0, { from: account.government });
  m.call(settlement.bond, "grantRole", [issuerRole, settlement.engine], {
    id: "issuer_appoints_engine",
    from: account.government,
  });
  m.call(settlement.bond, "grantRole", [issuerRole, payingAgent], {
    id: "issuer_appoints_payingAgent",
    from: account.government,
  });

  return { ...settlement, payingAgent };
});
