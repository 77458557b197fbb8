import { encodeBytes32String, MaxUint256 } from "ethers";

import type { HongKongLedger } from "../chain/deploy.js";
import type { BankKey, ParticipantKey } from "../domain/hong-kong.js";
import { openingDepositCredits, openingWcbdcCredits } from "../chain/opening-balances.js";
import { DEPOSITS, HKD, PARTICIPANTS } from "../domain/hong-kong.js";
import { formatMoney } from "../domain/money.js";
import type { ScenarioContext } from "../runner/context.js";
import type { Step } from "../runner/types.js";
import type { Trade } from "../domain/trade.js";

/** A participant's display name, from the ledger definition. */
export function nameOf(key: ParticipantKey): string {
  return PARTICIPANTS.find((p) => p.key === key)?.name ?? key;
}

/** Which bank each customer banks with, from the ledger definition. */
export function bankOf(customer: ParticipantKey): BankKey {
  const deposit = DEPOSITS.find((d) => d.customers.includes(customer));
  if (deposit === undefined) throw new Error(`${customer} has no bank in the ledger definition`);
  return deposit.bank;
}

/** The opening steps most scenarios share: central-bank money to banks, deposits to customers. */
export function openingSteps(): Step[] {
  return [
    {
      id: "opening-wcbdc",
      title: "HKMA credits Harbour, Victoria and Lion Rock Bank with wholesale CBDC (wHKD)",
      detail: "Central-bank money: only banks (and contracts HKMA approves) may hold it.",
      action: async (ctx) => {
        for (const credit of openingWcbdcCredits(ctx.ledger)) await ctx.send(credit.label, credit.token.mint, credit.to, credit.amount);
      },
    },
    {
      id: "opening-deposits",
      title: "Each bank credits its customers' tokenized deposits (hbHKD, vbHKD, lrHKD)",
      detail: "Commercial-bank money: a bank's deposit token is held only by that bank's own customers.",
      action: async (ctx) => {
        for (const credit of openingDepositCredits(ctx.ledger)) await ctx.send(credit.label, credit.token.mint, credit.to, credit.amount);
      },
    },
  ];
}

/** Authorises the settlement engine to move `who`'s bond and cash (ERC-20 allowances). */
export async function authoriseEngine(ctx: ScenarioContext, who: readonly ParticipantKey[]): Promise<void> {
  const engine = await ctx.ledger.engine.getAddress();
  for (const key of who) {
    const p = ctx.ledger.participants[key];
    await ctx.send(`${p.name} authorises the engine on the bond`, ctx.ledger.bond.connect(p.signer).approve, engine, MaxUint256);
    if (p.kind !== "CommercialBank") {
      const deposit = ctx.ledger.deposits[bankOf(key)];
      await ctx.send(`${p.name} authorises the engine on its deposits`, deposit.connect(p.signer).approve, engine, MaxUint256);
    }
  }
}

/** The cash token a participant pays and is paid in: wCBDC for a bank, its bank's deposit token otherwise. */
export function cashTokenOf(ledger: HongKongLedger, key: ParticipantKey): string {
  const p = ledger.participants[key];
  return p.kind === "CommercialBank" || p.kind === "CentralBank"
    ? (ledger.wcbdc.target as string)
    : (ledger.deposits[bankOf(key)].target as string);
}

/** The terms of a bond trade between two participants, by name. */
export interface BondTradeTerms {
  /** Trade reference (up to 31 ASCII characters), e.g. "DIST-001". */
  readonly ref: string;
  readonly seller: ParticipantKey;
  readonly buyer: ParticipantKey;
  readonly units: bigint;
  /** Price of one unit in HKD minor units. */
  readonly pricePerUnit: bigint;
  /** Unix time from which it may settle. */
  readonly settlementDate: bigint;
  /** Unix time after which it expires unsettled; a week after the settlement date when absent. */
  readonly expiry?: bigint;
}

/**
 * A bond trade between two participants, each paying or paid in its own cash token.
 * @example bondTrade(ledger, { ref: "DIST-001", seller: "harbourBank", buyer: "peakAsset", units: 100n, pricePerUnit: 5_001_000n, settlementDate: await ctx.now() })
 */
export function bondTrade(ledger: HongKongLedger, terms: BondTradeTerms): Trade {
  return {
    tradeRef: encodeBytes32String(terms.ref),
    seller: ledger.participants[terms.seller].address,
    buyer: ledger.participants[terms.buyer].address,
    asset: ledger.bond.target as string,
    quantity: terms.units,
    buyerCash: cashTokenOf(ledger, terms.buyer),
    sellerCash: cashTokenOf(ledger, terms.seller),
    amount: terms.units * terms.pricePerUnit,
    settlementDate: terms.settlementDate,
    expiry: terms.expiry ?? terms.settlementDate + 7n * 86_400n,
  };
}

/** An HKD amount in words for a label: "HKD 1,000.00". */
export function hkdText(amount: bigint): string {
  return formatMoney(amount, HKD.code, HKD.minorUnits);
}

/** HKMA, as the Government's fiscal agent, pays `amount` into the paying agent: from the issue proceeds it holds, topped up from the Government's account. */
export async function fundPayingAgent(ctx: ScenarioContext, amount: bigint, what: string): Promise<void> {
  const agent = await ctx.ledger.payingAgent.getAddress();
  const held = await ctx.ledger.wcbdc.balanceOf(ctx.ledger.participants.hkma.address);
  const fromProceeds = held < amount ? held : amount;
  if (fromProceeds > 0n) {
    await ctx.send(`HKMA pays ${hkdText(fromProceeds)} for ${what} into the paying agent`, ctx.ledger.wcbdc.transfer, agent, fromProceeds);
  }
  if (amount > fromProceeds) {
    await ctx.send(
      `HKMA credits ${hkdText(amount - fromProceeds)} from the Government's account`,
      ctx.ledger.wcbdc.mint, agent, amount - fromProceeds,
    );
  }
}

/** Issue price used across scenarios: 99.85% of the HK$50,000 face value of a unit. */
export const ISSUE_PRICE = 4_992_500n;

/** Units a bid or allotment of the green bond must be a multiple of: one HK$50,000 unit (the programme's tender lot). */
export const TENDER_LOT = 1n;

/**
 * A step in which the Government issues the green bond by tender on its issue date: it opens a tender
 * for the units given, each bank approves the tender for exactly its bid's cost and bids for its units
 * at the issue price (its own consent to pay that: the bid takes the cost into the tender's custody, a
 * firm bid), and on the issue date the Government allots and every allotment settles DvP against wCBDC
 * from that custody.
 */
export function issueStep(allotments: Readonly<Partial<Record<BankKey, bigint>>>): Step {
  const list = Object.entries(allotments) as [BankKey, bigint][];
  return {
    id: "issue-by-tender",
    title: `Issue date: HKSAR Government allots the green bond by tender to ${list.map(([b, u]) => `${nameOf(b)} (${u} units)`).join(", ")} at HKD 49,925.00 a unit, DvP against wCBDC`,
    action: async (ctx) => {
      const { issuance, bond, bondTerms, participants: P } = ctx.ledger;
      const tenderRef = encodeBytes32String(`TENDER-${bondTerms.issueNumber}`);
      const offered = list.reduce((sum, [, units]) => sum + units, 0n);
      await ctx.send(
        "openTender() — the Government offers the issue",
        issuance.connect(P.government.signer).openTender, tenderRef, {
          bond: bond.target as string,
          unitsOffered: offered,
          minimumLot: TENDER_LOT,
          closesAt: BigInt(bondTerms.issueDate),
          proceedsAccount: P.hkma.address,
        },
      );
      const issuanceAddress = await issuance.getAddress();
      for (const [bank, units] of list) {
        const bidder = P[bank].signer;
        await ctx.send(`${nameOf(bank)} authorises the tender for its bid`, ctx.ledger.wcbdc.connect(bidder).approve, issuanceAddress, units * ISSUE_PRICE);
        await ctx.send(
          `${nameOf(bank)} bids for ${units} units at HKD 49,925.00`,
          issuance.connect(bidder).submitBid, tenderRef, units, ISSUE_PRICE, BigInt(bondTerms.issueDate) + 86_400n,
        );
      }
      await ctx.travelTo(bondTerms.issueDate);
      await ctx.send("allotTender() — allotment and DvP settlement", issuance.connect(P.government.signer).allotTender, tenderRef);
      ctx.check((await bond.totalSupply()) >= offered, `${offered} units should be outstanding`);
    },
  };
}
