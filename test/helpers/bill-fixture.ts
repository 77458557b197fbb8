import { encodeBytes32String, type ContractTransactionReceipt, type ContractTransactionResponse } from "ethers";

import { deployBillLedger, type BillLedger } from "../../src/chain/deploy-bills.js";
import { fundOpeningBalances } from "../../src/chain/opening-balances.js";
import { BILL_DENOMINATION, billPrice } from "../../src/domain/exchange-fund-bills.js";
import type { BankKey, ParticipantKey } from "../../src/domain/hong-kong.js";
import { connection, ethers, networkHelpers } from "./ledger-fixture.js";

export { ethers, networkHelpers };

export const DAY = 86_400n;
export const BILL_TENDER_REF = encodeBytes32String("Q-TENDER-001");

/** The Hong Kong ledger with the bill and its tender, and the opening balances (banks hold wCBDC). */
export async function fundedBillLedger(): Promise<BillLedger> {
  const ledger = await deployBillLedger(connection);
  await fundOpeningBalances(ledger);
  return ledger;
}

export const loadBillLedger = (): Promise<BillLedger> => networkHelpers.loadFixture(fundedBillLedger);

export async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

/**
 * `bank` raises its wCBDC allowance to the bill tender by what the bid costs (`units` × the price its
 * yield implies for the bill's tenor) and bids for `units` units of face at `yieldBps`.
 */
export async function billBid(
  f: BillLedger,
  bank: BankKey,
  units: bigint,
  yieldBps: bigint,
  ref: string = BILL_TENDER_REF,
  tenorDays: number = f.billTerms.tenorDays,
): Promise<ContractTransactionReceipt> {
  const p = f.participants[bank];
  const tenderAddress = await f.billTender.getAddress();
  const cost = units * billPrice(BILL_DENOMINATION, yieldBps, tenorDays);
  const allowance = await f.wcbdc.allowance(p.address, tenderAddress);
  await mined(f.wcbdc.connect(p.signer).approve(tenderAddress, allowance + cost));
  return mined(f.billTender.connect(p.signer).submitBid(ref, units * BILL_DENOMINATION, yieldBps));
}

/** Every wCBDC and bill balance the bill's life could touch, and both supplies. */
export async function billBook(f: BillLedger, extra: readonly (readonly [string, string])[] = []): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  const accounts: (readonly [string, string])[] = [
    ...(Object.keys(f.participants) as ParticipantKey[]).map((k) => [k, f.participants[k].address] as const),
    ["bill", await f.bill.getAddress()],
    ["billTender", await f.billTender.getAddress()],
    ...extra,
  ];
  for (const [name, address] of accounts) {
    out[`wHKD:${name}`] = await f.wcbdc.balanceOf(address);
    out[`bill:${name}`] = await f.bill.balanceOf(address);
  }
  out["wHKD:supply"] = await f.wcbdc.totalSupply();
  out["bill:supply"] = await f.bill.totalSupply();
  return out;
}

/** `after − before`, leaving out what did not move. */
export function changes(before: Record<string, bigint>, after: Record<string, bigint>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const key of Object.keys(after)) {
    const delta = after[key] - (before[key] ?? 0n);
    if (delta !== 0n) out[key] = delta;
  }
  return out;
}
