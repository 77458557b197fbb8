import type { Signer } from "ethers";

import type { FundDealing } from "../../typechain-types/index.js";
import { signRtgsConfirmation } from "../chain/fund-signing.js";
import { OrderStatus, type RtgsConfirmation } from "../domain/money-market-fund.js";

/**
 * The RTGS operator simulator: it stands for CHATS in the fund's RTGS mode. It keeps no state of its
 * own — every decision is read from the chain (the dealing contract's `InterbankEarmarked` events,
 * `orderOf`, `earmarkOf`, `isRtgsOpen`) — so it can be stopped anywhere and started again. For each
 * earmark still waiting it decides one thing:
 * - RTGS open now, the payment is one CHATS settles, the deadline not passed: **confirm** it (the
 *   off-chain payment settled now), signing a confirmation with a payment reference derived from the
 *   order (`CHATS-<order>`), so a restarted operator signs the same reference and can never confirm
 *   one payment twice;
 * - the deadline passed: **release** the earmark (anyone may; the operator tidies up);
 * - otherwise **wait** (RTGS closed: a weekend, a night, or before 09:00 HKT).
 * `withhold` names payments CHATS does not settle (e.g. the payer bank short of liquidity there):
 * they wait until their deadline and are released.
 */

/** One waiting earmark and what the operator does about it now. */
export type RtgsDecision =
  | { readonly kind: "confirm"; readonly orderId: bigint; readonly confirmation: RtgsConfirmation; readonly signature: string }
  | { readonly kind: "release"; readonly orderId: bigint; readonly deadline: bigint }
  | { readonly kind: "wait"; readonly orderId: bigint; readonly deadline: bigint; readonly rtgsOpen: boolean };

export interface RtgsOperatorOptions {
  /** The dealing contract in RTGS mode. */
  readonly dealing: FundDealing;
  /** The RTGS operator's signing account. */
  readonly operator: Signer;
  /** Payments CHATS does not settle: left to time out. */
  readonly withhold?: (orderId: bigint) => boolean;
}

/** The RTGS payment reference of order `orderId`'s interbank payment, as a bytes32 string. */
export function rtgsPaymentRef(orderId: bigint): string {
  const text = `CHATS-${orderId.toString().padStart(8, "0")}`;
  return `0x${Buffer.from(text, "ascii").toString("hex").padEnd(64, "0")}`;
}

/**
 * Reads every earmark still waiting and decides, for the chain's time now, what to do with each.
 * @example for (const d of await rtgsDecisions({ dealing, operator })) if (d.kind === "confirm") await dealing.confirmRtgs(d.orderId, d.confirmation, d.signature);
 */
export async function rtgsDecisions(options: RtgsOperatorOptions): Promise<RtgsDecision[]> {
  const { dealing, operator } = options;
  const provider = dealing.runner?.provider;
  if (provider === undefined || provider === null) throw new Error("the dealing contract is not connected to a provider");
  const latest = await provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  const now = BigInt(latest.timestamp);
  const logs = await dealing.queryFilter(dealing.filters.InterbankEarmarked(), 0, "latest");
  const decisions: RtgsDecision[] = [];
  for (const orderId of new Set(logs.map((log) => log.args.orderId))) {
    const order = await dealing.orderOf(orderId);
    if (order.status !== BigInt(OrderStatus.AwaitingRtgs)) continue;
    const earmark = await dealing.earmarkOf(orderId);
    // The next block is at least a second later: a confirmation mined then must still be in time.
    if (now + 1n > earmark.deadline) {
      decisions.push({ kind: "release", orderId, deadline: earmark.deadline });
      continue;
    }
    const rtgsOpen = await dealing.isRtgsOpen(now);
    if (!rtgsOpen || (options.withhold?.(orderId) ?? false)) {
      decisions.push({ kind: "wait", orderId, deadline: earmark.deadline, rtgsOpen });
      continue;
    }
    const confirmation: RtgsConfirmation = {
      orderId,
      paymentRef: rtgsPaymentRef(orderId),
      payerBank: earmark.payerBank,
      payeeBank: earmark.payeeBank,
      amount: earmark.amount,
      settledAt: Number(now),
    };
    decisions.push({ kind: "confirm", orderId, confirmation, signature: await signRtgsConfirmation(operator, dealing, confirmation) });
  }
  return decisions;
}

/**
 * One pass of the operator: decides (`rtgsDecisions`) and sends each confirmation and release.
 * Returns what it decided. Run it again at any time: it starts from the chain.
 * @example const done = await runRtgsOperator({ dealing: fund.dealing, operator: fund.parties.rtgsOperator.signer });
 */
export async function runRtgsOperator(options: RtgsOperatorOptions): Promise<RtgsDecision[]> {
  const decisions = await rtgsDecisions(options);
  const dealing = options.dealing.connect(options.operator);
  for (const d of decisions) {
    if (d.kind === "confirm") await (await dealing.confirmRtgs(d.orderId, d.confirmation, d.signature)).wait();
    if (d.kind === "release") await (await dealing.releaseEarmark(d.orderId)).wait();
  }
  return decisions;
}
