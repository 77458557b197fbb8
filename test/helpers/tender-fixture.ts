import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String } from "ethers";

import { DAY, chainNow, mined, type SettlementLedger } from "./settlement-fixture.js";

/**
 * Tenders of the green bond on the settlement fixture (test/helpers/settlement-fixture.ts), shared by
 * the security reviews (test/security/Attacks.ts, test/security/TenderCustodyAttacks.ts): the
 * Government (the bond's registered issuer; `ledger.issuance` is connected as it) opens a tender,
 * and each bank approves the tender contract for exactly what its bid costs and bids.
 */

/** An open tender: its reference, its close and the tender contract's address. */
export interface TenderSetup {
  readonly ref: string;
  readonly closesAt: bigint;
  readonly issuanceAddress: string;
}

let tenderSequence = 0;

/** A fresh bytes32 tender reference with `prefix`, e.g. `ATK-TENDER-3`. */
export function nextTenderRef(prefix: string): string {
  tenderSequence += 1;
  return encodeBytes32String(`${prefix}-${tenderSequence}`);
}

/** The Government opens a tender of `units` green-bond units in lots of `lot`, closing in a day, proceeds to HKMA. */
export async function openTender(f: SettlementLedger, units = 100n, lot = 1n, prefix = "ATK-TENDER"): Promise<TenderSetup> {
  const ref = nextTenderRef(prefix);
  const closesAt = (await chainNow()) + DAY;
  await mined(
    f.issuance.openTender(ref, {
      bond: f.bondAddress,
      unitsOffered: units,
      minimumLot: lot,
      closesAt,
      proceedsAccount: f.participants.hkma.address,
    }),
  );
  return { ref, closesAt, issuanceAddress: await f.issuance.getAddress() };
}

/**
 * `bidder` approves the tender contract for exactly what the bid can cost (units × price), and bids;
 * the bid stands until a day after the close unless `validUntil` says otherwise.
 */
export async function bid(
  f: SettlementLedger,
  t: TenderSetup,
  bidder: HardhatEthersSigner,
  units: bigint,
  price: bigint,
  validUntil: bigint = t.closesAt + DAY,
): Promise<void> {
  const allowance = await f.wcbdc.allowance(bidder.address, t.issuanceAddress);
  await mined(f.wcbdc.connect(bidder).approve(t.issuanceAddress, allowance + units * price));
  await mined(f.issuance.connect(bidder).submitBid(t.ref, units, price, validUntil));
}
