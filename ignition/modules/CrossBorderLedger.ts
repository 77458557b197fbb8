import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { CROSS_BORDER_PARTICIPANTS, FOREIGN_DEPOSITS, FOREIGN_WCBDCS, jurisdictionBytes2 } from "../../src/domain/cross-border.js";
import { KYC_VALIDITY_SECONDS } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import GreenBondLifecycleModule from "./GreenBondLifecycle.js";

const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The shared multi-currency ledger (mBridge style): the Hong Kong ledger joined by the Bank of
 * Thailand and the Banco Central do Brasil with their wCBDCs (each minted only by its own central
 * bank), a commercial bank with a deposit token in each jurisdiction, and Victoria Bank as HKD/THB/BRL
 * FX dealer. The settlement engine settles every currency, each in its own central-bank money: each
 * foreign bank consents to its deposit line and its own central bank registers it.
 *
 * Standing allowances: each bank's wCBDC allowance to the engine serves only its own deposit line
 * (see Settlement.ts); Victoria Bank's wTHB and wBRL allowances serve only FX quotes it signed, each
 * naming its taker, with a size limit, expiry and single-use nonce (contracts/settlement/FxSettlement.sol).
 */
export default buildModule("CrossBorderLedger", (m) => {
  const hk = m.useModule(GreenBondLifecycleModule);
  const hkma = m.getAccount(0);
  const dealer = m.getAccount(2); // Victoria Bank
  const account = Object.fromEntries(CROSS_BORDER_PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));
  const kycExpiry = m.getParameter("kycExpiry", Math.floor(Date.now() / 1000) + KYC_VALIDITY_SECONDS);

  for (const p of CROSS_BORDER_PARTICIPANTS) {
    m.call(hk.registry, "registerParticipant", [account[p.key], ParticipantKind[p.kind], jurisdictionBytes2(p.jurisdiction), kycExpiry], {
      id: `register_${p.key}`,
      from: hkma,
    });
  }

  const wcbdcs = Object.fromEntries(
    FOREIGN_WCBDCS.map((w) => {
      const cb = account[w.centralBank];
      const token = m.contract("WholesaleCBDC", [w.name, w.symbol, w.currency, w.minorUnits, hk.registry, cb], { id: w.symbol, from: cb });
      m.call(token, "setSettlementContract", [hk.engine, true], { id: `approve_engine_${w.symbol}`, from: cb });
      const registered = m.call(hk.engine, "registerWholesaleCbdc", [token], { id: `engine_register_${w.symbol}`, from: hkma });
      m.call(token, "approve", [hk.engine, MAX_UINT256], { id: `dealer_${w.symbol}_allowance`, from: dealer });
      return [w.currency, { token, registered }];
    }),
  );

  const deposits = Object.fromEntries(
    FOREIGN_DEPOSITS.map((d) => {
      const bank = account[d.bank];
      const { token: money, registered } = wcbdcs[d.currency];
      const deposit = m.contract("TokenizedDeposit", [d.name, d.symbol, d.currency, 2, hk.registry, bank], { id: d.symbol, from: bank });
      for (const customer of d.customers) {
        m.call(deposit, "setCustomer", [account[customer], true], { id: `${d.symbol}_onboard_${customer}`, from: bank });
      }
      const role = m.staticCall(deposit, "SETTLEMENT_ROLE", [], 0, { id: `${d.symbol}_settlement_role`, from: bank });
      m.call(deposit, "grantRole", [role, hk.engine], { id: `${d.symbol}_grant_engine`, from: bank });
      const consent = m.call(hk.engine, "consentToDepositLine", [deposit, true], { id: `${d.symbol}_line_consent`, from: bank });
      const centralBank = account[FOREIGN_WCBDCS.find((w) => w.currency === d.currency)?.centralBank ?? ""];
      if (centralBank === undefined) throw new Error(`no central bank issues ${d.currency} in the cross-border definition`);
      m.call(hk.engine, "registerDepositToken", [deposit, money], {
        id: `engine_register_${d.symbol}`,
        from: centralBank,
        after: [registered, consent],
      });
      m.call(money, "approve", [hk.engine, MAX_UINT256], { id: `${d.bank}_wcbdc_allowance`, from: bank });
      return [d.symbol, deposit];
    }),
  );

  return { ...hk, wTHB: wcbdcs.THB.token, wBRL: wcbdcs.BRL.token, cpTHB: deposits.cpTHB, ipBRL: deposits.ipBRL };
});
