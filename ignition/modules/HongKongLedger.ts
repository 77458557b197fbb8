import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import {
  DEPOSITS,
  HKD,
  KYC_VALIDITY_SECONDS,
  PARTICIPANTS,
  WCBDC_SPEC,
  greenBondTerms,
} from "../../src/domain/hong-kong.js";
import { jurisdictionBytes2, ParticipantKind } from "../../src/domain/participants.js";

/**
 * The default Hong Kong ledger: the participant registry with every participant registered, the
 * HKD wholesale CBDC, one HKD tokenized deposit per commercial bank with its customer book, and
 * the HKSAR Government's green bond. No balances: scenarios fund what they need.
 *
 * Parameters (all optional; defaults are computed from the wall clock, so pass chain-time values
 * when the chain has travelled in time — `src/ledger/deploy.ts` does):
 * `kycExpiry`, `bondIsin`, `bondIssueNumber`, `bondName`, `bondIssueDate`, `bondCouponDates`.
 */
export default buildModule("HongKongLedger", (m) => {
  const now = Math.floor(Date.now() / 1000);
  const defaults = greenBondTerms(now);

  const account = Object.fromEntries(PARTICIPANTS.map((p) => [p.key, m.getAccount(p.account)]));
  const hkma = account.hkma;
  const kycExpiry = m.getParameter("kycExpiry", now + KYC_VALIDITY_SECONDS);

  const registry = m.contract("ParticipantRegistry", [hkma], { from: hkma });
  for (const p of PARTICIPANTS) {
    m.call(
      registry,
      "registerParticipant",
      [account[p.key], ParticipantKind[p.kind], jurisdictionBytes2(p.jurisdiction), kycExpiry],
      { id: `register_${p.key}`, from: hkma },
    );
  }

  const wcbdc = m.contract(
    "WholesaleCBDC",
    [WCBDC_SPEC.name, WCBDC_SPEC.symbol, HKD.code, HKD.minorUnits, registry, hkma],
    { id: WCBDC_SPEC.symbol, from: hkma },
  );

  const deposits = Object.fromEntries(
    DEPOSITS.map((d) => {
      const bank = account[d.bank];
      const deposit = m.contract(
        "TokenizedDeposit",
        [d.name, d.symbol, HKD.code, HKD.minorUnits, registry, bank],
        { id: d.symbol, from: bank },
      );
      for (const customer of d.customers) {
        m.call(deposit, "setCustomer", [account[customer], true], { id: `${d.symbol}_onboard_${customer}`, from: bank });
      }
      return [d.symbol, deposit];
    }),
  );

  const bondName = m.getParameter("bondName", defaults.name);
  const bond = m.contract(
    "GovernmentBond",
    [
      {
        isin: m.getParameter("bondIsin", defaults.isin),
        issueNumber: m.getParameter("bondIssueNumber", defaults.issueNumber),
        currency: defaults.currency,
        cashToken: wcbdc,
        denomination: defaults.denomination,
        couponRateBps: defaults.couponRateBps,
        couponFrequency: defaults.couponFrequency,
        dayCount: defaults.dayCount,
        issueDate: m.getParameter("bondIssueDate", defaults.issueDate),
        couponDates: m.getParameter("bondCouponDates", [...defaults.couponDates]),
      },
      bondName,
      m.getParameter("bondIssueNumber", defaults.issueNumber),
      registry,
      account.government,
      hkma,
    ],
    { id: "GreenBond", from: hkma },
  );

  return { registry, wcbdc, bond, ...deposits };
});
