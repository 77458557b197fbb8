import type { ChainInventory } from "./inventory.js";

import {
  BillTender__factory,
  ExchangeFundBill__factory,
  type BillTender,
  type ExchangeFundBill,
} from "../../typechain-types/index.js";
import { ninetyOneDayBill, type BillIssueTerms } from "../domain/exchange-fund-bills.js";
import { HKD, KYC_VALIDITY_SECONDS } from "../domain/hong-kong.js";
import { ParticipantKind, jurisdictionBytes2 } from "../domain/participants.js";
import { deployHongKongLedger, type HongKongLedger, type LedgerConnection } from "./deploy.js";

/** The Hong Kong ledger with one Exchange Fund Bill issue and the HKMA's bill tender. */
export interface BillLedger extends HongKongLedger {
  /** The 91-day bill, connected as HKMA (its issuer). */
  readonly bill: ExchangeFundBill;
  readonly billTerms: BillIssueTerms;
  /** The bid-yield tender, connected as HKMA (the central bank). */
  readonly billTender: BillTender;
}

/**
 * Deploys the default Hong Kong ledger, then a 91-day Exchange Fund Bill (issued by the HKMA in
 * wHKD) and the bill tender, wired as a central bank would: both registered as market
 * infrastructure (the tender spends bidders' allowances; the bill holds its redemption funding), the
 * bill approved to hold wCBDC, the tender appointed to the bill's `ISSUER_ROLE`. The default ledger
 * other scenarios deploy is unchanged; the chain inventory gains the bill (a token) and the tender.
 * @example const ledger = await deployBillLedger(await network.create());
 */
export async function deployBillLedger(connection: LedgerConnection): Promise<BillLedger> {
  const ledger = await deployHongKongLedger(connection);
  const hkma = ledger.participants.hkma.signer;
  const latest = await connection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  const now = Number(latest.timestamp);
  const terms = ninetyOneDayBill(now);

  const bill = await new ExchangeFundBill__factory(hkma).deploy(
    {
      issueNumber: terms.issueNumber,
      issueDate: terms.issueDate,
      maturityDate: terms.maturityDate,
      denomination: terms.denomination,
      currency: HKD.code,
      cashToken: await ledger.wcbdc.getAddress(),
    },
    terms.name,
    terms.issueNumber,
    await ledger.registry.getAddress(),
    ledger.participants.hkma.address,
  );
  await bill.waitForDeployment();
  const billTender = await new BillTender__factory(hkma).deploy(await ledger.engine.getAddress());
  await billTender.waitForDeployment();

  const kycExpiry = now + KYC_VALIDITY_SECONDS;
  const hk = jurisdictionBytes2("HK");
  await (await ledger.registry.registerParticipant(await bill.getAddress(), ParticipantKind.Infrastructure, hk, kycExpiry)).wait();
  await (await ledger.registry.registerParticipant(await billTender.getAddress(), ParticipantKind.Infrastructure, hk, kycExpiry)).wait();
  await (await ledger.wcbdc.setSettlementContract(await bill.getAddress(), true)).wait();
  await (await bill.grantRole(await bill.ISSUER_ROLE(), await billTender.getAddress())).wait();

  const [home, ...others] = ledger.chains;
  const chain: ChainInventory = {
    ...home,
    tokens: [...home.tokens, { kind: "exchangeFundBill", contract: bill, iface: ExchangeFundBill__factory.createInterface() }],
    contracts: [
      ...home.contracts,
      { key: "billTender", name: "bill tender", address: await billTender.getAddress(), iface: BillTender__factory.createInterface(), holdsTokens: false },
    ],
  };
  return { ...ledger, bill, billTerms: terms, billTender, chains: [chain, ...others] };
}
