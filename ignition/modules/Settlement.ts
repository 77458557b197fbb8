import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { DEPOSITS, KYC_VALIDITY_SECONDS, PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import HongKongLedgerModule from "./HongKongLedger.js";

const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The settlement engine on the Hong Kong ledger, wired the way each institution would consent to it:
 * the registrar registers it as market infrastructure and HKMA approves it to hold wCBDC; HKMA, as
 * registrar of securities (CMU), registers the green bond with its issuer and cash token; each bank
 * grants it the settlement role on its deposit token and consents to its deposit line, which HKMA,
 * as the HKD central bank, then registers.
 *
 * The one standing allowance here is each bank's wHKD allowance to the engine. It is not the bank's
 * consent to any debit — the deposit line is: the engine spends it only when one of the bank's own
 * customers pays through the engine, burning the same amount of the bank's deposit liability in the
 * same transaction (contracts/settlement/SettlementLegs.sol). The bank withdraws it by
 * `consentToDepositLine(token, false)` or by lowering the allowance.
 */
export default buildModule("Settlement", (m) => {
  const ledger = m.useModule(HongKongLedgerModule);
  const account = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));
  const hkma = account.hkma;
  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);

  const engine = m.contract("SettlementEngine", [ledger.wcbdc, ledger.registry, hkma], { from: hkma });
  m.call(ledger.registry, "registerParticipant", [engine, ParticipantKind.Infrastructure, "0x484b", kycExpiry], {
    id: "register_engine",
    from: hkma,
  });
  m.call(ledger.wcbdc, "setSettlementContract", [engine, true], { id: "approve_engine_wHKD", from: hkma });
  m.call(engine, "registerAsset", [ledger.bond, account.government, ledger.wcbdc], { id: "register_green_bond", from: hkma });

  for (const d of DEPOSITS) {
    const deposit = ledger[d.symbol as keyof typeof ledger];
    const bank = account[d.bank];
    const role = m.staticCall(deposit, "SETTLEMENT_ROLE", [], 0, { id: `${d.symbol}_settlement_role`, from: bank });
    m.call(deposit, "grantRole", [role, engine], { id: `${d.symbol}_grant_engine`, from: bank });
    const consent = m.call(engine, "consentToDepositLine", [deposit, true], { id: `${d.symbol}_line_consent`, from: bank });
    m.call(engine, "registerDepositToken", [deposit, ledger.wcbdc], { id: `engine_register_${d.symbol}`, from: hkma, after: [consent] });
    m.call(ledger.wcbdc, "approve", [engine, MAX_UINT256], { id: `${d.bank}_wHKD_allowance`, from: bank });
  }

  return { ...ledger, engine };
});
