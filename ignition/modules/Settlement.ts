import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { DEPOSITS, KYC_VALIDITY_SECONDS, PARTICIPANTS } from "../../src/ledger/hong-kong.js";
import { ParticipantKind } from "../../src/ledger/participants.js";
import HongKongLedgerModule from "./HongKongLedger.js";

const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The settlement engine on the Hong Kong ledger, wired the way each institution would consent to it:
 * the registrar registers it as market infrastructure, HKMA approves it to hold wCBDC and registers
 * each bank's deposit token for interbank settlement, and each bank grants it the settlement role
 * on its deposit token and a standing wCBDC allowance for the interbank leg.
 */
export default buildModule("Settlement", (m) => {
  const ledger = m.useModule(HongKongLedgerModule);
  const account = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));
  const hkma = account.hkma;
  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);

  const engine = m.contract("SettlementEngine", [ledger.wcbdc, hkma], { from: hkma });
  m.call(ledger.registry, "registerParticipant", [engine, ParticipantKind.Infrastructure, "0x484b", kycExpiry], {
    id: "register_engine",
    from: hkma,
  });
  m.call(ledger.wcbdc, "setSettlementContract", [engine, true], { id: "approve_engine_wHKD", from: hkma });

  for (const d of DEPOSITS) {
    const deposit = ledger[d.symbol as keyof typeof ledger];
    const bank = account[d.bank];
    const role = m.staticCall(deposit, "SETTLEMENT_ROLE", [], 0, { id: `${d.symbol}_settlement_role`, from: bank });
    m.call(deposit, "grantRole", [role, engine], { id: `${d.symbol}_grant_engine`, from: bank });
    m.call(engine, "registerDepositToken", [deposit], { id: `engine_register_${d.symbol}`, from: hkma });
    m.call(ledger.wcbdc, "approve", [engine, MAX_UINT256], { id: `${d.bank}_wHKD_allowance`, from: bank });
  }

  return { ...ledger, engine };
});
