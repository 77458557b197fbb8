import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import { fundChainInventory, wireFund, type FundDeployment } from "../../src/chain/deploy-funds.js";
import { deployHongKongLedger, type HongKongLedger } from "../../src/chain/deploy.js";
import { fundOpeningBalances } from "../../src/chain/opening-balances.js";
import { signNav, signRtgsConfirmation } from "../../src/chain/fund-signing.js";
import type { BankKey, ParticipantKey } from "../../src/domain/hong-kong.js";
import { FUND_DEFAULTS, hktAt, hktDay, isWeekday, type RtgsConfirmation } from "../../src/domain/money-market-fund.js";
import { connection, ethers, networkHelpers } from "./ledger-fixture.js";

export { ethers, networkHelpers };

export const { time } = networkHelpers;
export const HOUR = 3600;

/** The Hong Kong ledger with the fund deployed twice: one share class per interbank mode. */
export interface FundFixture extends HongKongLedger {
  /** Interbank leg in wCBDC on chain. */
  readonly cbm: FundDeployment;
  /** Interbank leg through RTGS, earmarked on chain. */
  readonly rtgs: FundDeployment;
}

/** The trustee's opening fund cash at Victoria Bank: HKD 500,000,000.00. */
export const OPENING_FUND_CASH = 500_000_000_00n;

export async function fundFixture(): Promise<FundFixture> {
  const ledger = await deployHongKongLedger(connection);
  await fundOpeningBalances(ledger);
  const cbm = await wireFund(ledger, "CentralBankMoney");
  const rtgs = await wireFund(ledger, "Rtgs");
  await (await ledger.deposits.victoriaBank.mint(cbm.parties.trustee.address, OPENING_FUND_CASH)).wait();
  return { ...ledger, cbm, rtgs, chains: [fundChainInventory(ledger.chains[0], [cbm, rtgs])] };
}

export const loadFund = (): Promise<FundFixture> => networkHelpers.loadFixture(fundFixture);

/** The fund fixture at 10:00 HKT of the next weekday (before the cut-off), with that dealing day. */
export async function morning(): Promise<FundFixture & { day: number }> {
  const f = await loadFund();
  const at = await nextAt(10 * HOUR);
  await time.increaseTo(at);
  return { ...f, day: hktDay(at) };
}

export async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

/** The next weekday (or any day with `weekday` false) at `seconds` after HKT midnight, strictly after now. */
export async function nextAt(seconds: number, weekday = true, after?: number): Promise<number> {
  const now = after ?? (await time.latest());
  let day = hktDay(now);
  for (;;) {
    const at = hktAt(day, seconds);
    if (at > now + 1 && (!weekday || isWeekday(day))) return at;
    day += 1;
  }
}

/** The next Friday at `seconds` HKT. */
export async function nextFridayAt(seconds: number): Promise<number> {
  const now = await time.latest();
  let day = hktDay(now);
  for (;;) {
    const at = hktAt(day, seconds);
    if (at > now + 1 && (day + 4) % 7 === 5) return at;
    day += 1;
  }
}

export const FUND_CASH_KEYS = ["harbourBank", "victoriaBank", "lionRockBank"] as const satisfies readonly BankKey[];

/** Approves exactly `cash` and subscribes; returns the order id. */
export async function subscribe(f: FundFixture, fund: FundDeployment, investor: ParticipantKey, bank: BankKey, cash: bigint): Promise<bigint> {
  const signer = f.participants[investor].signer;
  await mined(f.deposits[bank].connect(signer).approve(fund.dealing.target, cash));
  await mined(fund.dealing.connect(signer).subscribe(f.deposits[bank].target, cash));
  return fund.dealing.lastOrderId();
}

/** Redeems `units` into the investor's deposit at `bank`; returns the order id. */
export async function redeem(f: FundFixture, fund: FundDeployment, investor: ParticipantKey, bank: BankKey, units: bigint): Promise<bigint> {
  await mined(fund.dealing.connect(f.participants[investor].signer).redeem(f.deposits[bank].target, units));
  return fund.dealing.lastOrderId();
}

/** The administrator's NAV for `dealingDay`, struck at `struckAt` (default: the cut-off) and valid for 12 hours. */
export async function publishNav(
  fund: FundDeployment,
  dealingDay: number,
  navPerUnit: bigint,
  options: { struckAt?: number; validUntil?: number; signer?: HardhatEthersSigner } = {},
): Promise<ContractTransactionReceipt> {
  const struckAt = options.struckAt ?? hktAt(dealingDay, FUND_DEFAULTS.cutOffSeconds);
  const nav = { fund: fund.units.target as string, dealingDay, navPerUnit, struckAt, validUntil: options.validUntil ?? struckAt + 12 * HOUR };
  const signature = await signNav(options.signer ?? fund.parties.fundAdministrator.signer, fund.dealing, nav);
  return mined(fund.dealing.publishNav(nav, signature));
}

/** Settles `orderId`: the transfer agent for a subscription; for a redemption the trustee, approving exactly its payment. */
export async function settle(fund: FundDeployment, orderId: bigint, f: FundFixture): Promise<ContractTransactionReceipt> {
  const order = await fund.dealing.orderOf(orderId);
  if (order.kind === 1n) return mined(fund.dealing.connect(fund.parties.transferAgent.signer).settle(orderId));
  const nav = (await fund.dealing.navOf(order.dealingDay)).navPerUnit;
  const [, , cash] = await fund.dealing.quote(0n, 0n, order.units, nav);
  const trustee = fund.parties.trustee.signer;
  await mined(f.deposits.victoriaBank.connect(trustee).approve(fund.dealing.target, cash));
  return mined(fund.dealing.connect(trustee).settle(orderId));
}

/** The RTGS operator's confirmation of order `orderId`'s earmark, settled at `settledAt` (default: now). */
export async function confirmation(fund: FundDeployment, orderId: bigint, paymentRef: string, settledAt?: number): Promise<{ conf: RtgsConfirmation; signature: string }> {
  const earmark = await fund.dealing.earmarkOf(orderId);
  const conf: RtgsConfirmation = {
    orderId,
    paymentRef,
    payerBank: earmark.payerBank,
    payeeBank: earmark.payeeBank,
    amount: earmark.amount,
    settledAt: settledAt ?? (await time.latest()),
  };
  return { conf, signature: await signRtgsConfirmation(fund.parties.rtgsOperator.signer, fund.dealing, conf) };
}

/** Every deposit, wCBDC and unit balance a dealing could touch, and the supplies. */
export async function fundBook(f: FundFixture): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  const holders: (readonly [string, string])[] = [
    ...(Object.keys(f.participants) as ParticipantKey[]).map((k) => [k, f.participants[k].address] as const),
    ["trustee", f.cbm.parties.trustee.address],
    ["fundManager", f.cbm.parties.fundManager.address],
    ["dealingCbm", f.cbm.dealing.target as string],
    ["dealingRtgs", f.rtgs.dealing.target as string],
  ];
  const tokens: (readonly [string, { balanceOf(a: string): Promise<bigint>; totalSupply(): Promise<bigint> }])[] = [
    ["wHKD", f.wcbdc],
    ["hbHKD", f.deposits.harbourBank],
    ["vbHKD", f.deposits.victoriaBank],
    ["lrHKD", f.deposits.lionRockBank],
    ["unitsCbm", f.cbm.units],
    ["unitsRtgs", f.rtgs.units],
  ];
  for (const [symbol, token] of tokens) {
    for (const [name, address] of holders) {
      const balance = await token.balanceOf(address);
      if (balance !== 0n) out[`${symbol}:${name}`] = balance;
    }
    out[`${symbol}:supply`] = await token.totalSupply();
  }
  return out;
}

/** `after − before`, leaving out what did not move. */
export function changes(before: Record<string, bigint>, after: Record<string, bigint>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[key] ?? 0n) - (before[key] ?? 0n);
    if (delta !== 0n) out[key] = delta;
  }
  return out;
}
