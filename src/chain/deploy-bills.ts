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
 * infrastructure (the tender takes each bid's cost into custody; the bill holds its redemption
 * funding), both approved to hold wCBDC, the tender appointed to the bill's `ISSUER_ROLE`. The default ledger
 * other scenarios deploy is unchanged; the chain inventory gains the bill (a token) and the tender.
 * @example const ledger = await deployBillLedger(await network.create());
 */
export async function deployBillLedger(connection: LedgerConnection): Promise<BillLedger> {
  const ledger = await deployHongKongLedger(connection);
  const { bill, billTender, billTerms, chain } = await deployBillIssue(ledger);
  return { ...ledger, bill, billTender, billTerms, chains: [chain, ...ledger.chains.slice(1)] };
}

/** What `deployBillIssue` adds to a Hong Kong ledger, and the ledger's home chain inventory with it. */
export interface BillIssue {
  readonly bill: ExchangeFundBill;
  readonly billTerms: BillIssueTerms;
  readonly billTender: BillTender;
  readonly chain: ChainInventory;
}

/**
 * Deploys and wires a 91-day bill (dated from the chain's clock) and a bill tender on `ledger`, as
 * `deployBillLedger` does, and returns them with `ledger.chains[0]` extended by them.
 */
export async function deployBillIssue(ledger: HongKongLedger): Promise<BillIssue> {
  const hkma = ledger.participants.hkma.signer;
  const latest = await ledger.connection.ethers.provider.getBlock("latest");
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
  // The tender holds each bid's cost in custody from the bid until allotment (firm bids).
  await (await ledger.wcbdc.setSettlementContract(await billTender.getAddress(), true)).wait();
  await (await bill.grantRole(await bill.ISSUER_ROLE(), await billTender.getAddress())).wait();

  const [home] = ledger.chains;
  const chain: ChainInventory = {
    ...home,
    tokens: [...home.tokens, { kind: "exchangeFundBill", contract: bill, iface: ExchangeFundBill__factory.createInterface() }],
    contracts: [
      ...home.contracts,
      // The bill holds its redemption funding in wCBDC between funding and maturity: tracked as a holder.
      { key: "bill", name: terms.issueNumber, address: await bill.getAddress(), iface: ExchangeFundBill__factory.createInterface(), holdsTokens: true },
      // The tender holds bids' cost in wCBDC from the bid until allotment, and refunds parked for bidders.
      { key: "billTender", name: "bill tender", address: await billTender.getAddress(), iface: BillTender__factory.createInterface(), holdsTokens: true },
    ],
  };
  return { bill, billTerms: terms, billTender, chain };
}
