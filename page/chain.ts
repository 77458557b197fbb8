import { createPublicClient, getAddress, http, isHex, parseAbi, type Address, type Hex, type PublicClient } from "viem";

import { multicallBalances } from "../src/chain/balance-reads.js";
import { FAILURE_REASON, isoTradeStatus, TRADE_STATUS, type IsoTradeStatus } from "../src/domain/trade.js";
import type { BondTermSheet, CouponTerms } from "../src/report/bond-calendar.js";
import type { FlowParty } from "../src/report/flows.js";
import type { PresentChain } from "../src/present/state.js";

/** Balances read from the chain: `balances.get(key(token, holder))`, in the token's smallest unit. */
export type Balances = ReadonlyMap<string, bigint>;

/** The key of a balance in `Balances`. */
export const balanceKey = (token: string, holder: string): string => `${token.toLowerCase()}:${holder.toLowerCase()}`;

/** `text` as viem's hex type, checked. */
function hex(text: string): Hex {
  if (!isHex(text)) throw new Error(`"${text}" is not a hex string`);
  return text;
}

/** What the page reads of a mined transaction's receipt. */
export interface ReceiptFacts {
  readonly status: "success" | "reverted";
  readonly blockNumber: bigint;
  readonly gasUsed: bigint;
  readonly logCount: number;
}

/** A trade's record on the engine, as the chain has it now. */
export interface TradeRecordFacts {
  readonly status: (typeof TRADE_STATUS)[number];
  readonly reason: (typeof FAILURE_REASON)[number];
  /** Undefined for a trade the engine has no record of. */
  readonly iso?: IsoTradeStatus;
}

/** The latest block of a chain: its number and time (unix seconds). */
export interface BlockFacts {
  readonly number: bigint;
  readonly timestamp: bigint;
}

const BOND_ABI = parseAbi([
  "function isin() view returns (string)",
  "function issueNumber() view returns (string)",
  "function issuer() view returns (address)",
  "function currency() view returns (string)",
  "function denomination() view returns (uint256)",
  "function couponRate() view returns (uint16)",
  "function couponFrequency() view returns (uint8)",
  "function dayCountConvention() view returns (uint8)",
  "function issueDate() view returns (uint64)",
  "function maturityDate() view returns (uint64)",
  "function couponCount() view returns (uint256)",
  "function couponPeriod(uint256 index) view returns (uint64 start, uint64 end)",
  "function couponPerUnit(uint256 index) view returns (uint256)",
  "function recordDate(uint256 index) view returns (uint64)",
  "function redemptionPerUnit() view returns (uint256)",
]);

const DEPOSIT_ABI = parseAbi(["function bank() view returns (address)"]);

const ENGINE_ABI = parseAbi([
  "struct TradeRecord { uint8 status; uint8 reason; bool sellerInstructed; bool buyerInstructed; bool sellerCancelRequested; bool buyerCancelRequested; }",
  "function tradeRecord(bytes32 id) view returns (TradeRecord)",
]);

/** The bond contract's bound on coupon periods (`GovernmentBond.MAX_COUPON_PERIODS`): the page reads the whole schedule. */
const MAX_COUPONS = 120;

/**
 * One chain as the page sees it, through viem: balances of every tracked holder, receipts, trade
 * records, bond term sheets and the latest block. It reads the node itself (through the page
 * server's `/rpc/<chain>`), never the runner's copy. Term sheets and issuers never change after
 * deployment and are read once per reader (a reader lives for one deployment).
 */
export class ChainReader {
  private readonly client: PublicClient;
  private readonly terms = new Map<string, Promise<BondTermSheet>>();
  private issuers: Promise<ReadonlyMap<string, FlowParty>> | undefined;

  constructor(rpcUrl: string) {
    this.client = createPublicClient({ transport: http(rpcUrl, { batch: true }) });
  }

  /** The latest block's number and time. */
  async block(): Promise<BlockFacts> {
    const block = await this.client.getBlock({ blockTag: "latest" });
    return { number: block.number, timestamp: block.timestamp };
  }

  /** The latest block number (cheap: what the page polls to notice transactions sent by others). */
  blockNumber(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  /**
   * Every holder's balance of every token of `chain`, at the latest block, in a few `eth_call`s
   * (`multicallBalances`, as the runner reads them).
   */
  async balances(chain: PresentChain): Promise<Balances> {
    const amounts = await multicallBalances(
      this.client,
      chain.tokens.map((t) => t.address),
      chain.holders.map((h) => h.address),
    );
    return new Map(chain.tokens.flatMap((t, i) => chain.holders.map((h, k) => [balanceKey(t.address, h.address), amounts[i][k]] as const)));
  }

  /** The receipt of each hash, as the chain has it. */
  async receipts(hashes: readonly string[]): Promise<ReadonlyMap<string, ReceiptFacts>> {
    const entries = await Promise.all(
      hashes.map(async (hash) => {
        const r = await this.client.getTransactionReceipt({ hash: hex(hash) });
        return [hash, { status: r.status, blockNumber: r.blockNumber, gasUsed: r.gasUsed, logCount: r.logs.length }] as const;
      }),
    );
    return new Map(entries);
  }

  /** The engine's record of each trade id now, with its ISO 20022 codes. */
  async tradeRecords(engine: string, ids: readonly string[]): Promise<ReadonlyMap<string, TradeRecordFacts>> {
    const entries = await Promise.all(
      ids.map(async (id) => {
        const record = await this.client.readContract({ address: getAddress(engine), abi: ENGINE_ABI, functionName: "tradeRecord", args: [hex(id)] });
        const status = TRADE_STATUS[record.status] ?? "None";
        const reason = FAILURE_REASON[record.reason] ?? "None";
        const iso = isoTradeStatus(status, reason);
        return [id, iso === undefined ? { status, reason } : { status, reason, iso }] as const;
      }),
    );
    return new Map(entries);
  }

  /** The term sheet of the bond at `address`, as its contract states it. */
  bondTerms(address: string, symbol: string): Promise<BondTermSheet> {
    const key = address.toLowerCase();
    let terms = this.terms.get(key);
    if (terms === undefined) {
      terms = this.readBondTerms(getAddress(address), symbol);
      this.terms.set(key, terms);
    }
    return terms;
  }

  private async readBondTerms(address: Address, symbol: string): Promise<BondTermSheet> {
    const read = { address, abi: BOND_ABI } as const;
    const [isin, issueNumber, currency, denomination, couponRateBps, couponFrequency, dayCount, issueDate, maturityDate, couponCount, redemptionPerUnit] = await Promise.all([
      this.client.readContract({ ...read, functionName: "isin" }),
      this.client.readContract({ ...read, functionName: "issueNumber" }),
      this.client.readContract({ ...read, functionName: "currency" }),
      this.client.readContract({ ...read, functionName: "denomination" }),
      this.client.readContract({ ...read, functionName: "couponRate" }),
      this.client.readContract({ ...read, functionName: "couponFrequency" }),
      this.client.readContract({ ...read, functionName: "dayCountConvention" }),
      this.client.readContract({ ...read, functionName: "issueDate" }),
      this.client.readContract({ ...read, functionName: "maturityDate" }),
      this.client.readContract({ ...read, functionName: "couponCount" }),
      this.client.readContract({ ...read, functionName: "redemptionPerUnit" }),
    ]);
    const count = Math.min(Number(couponCount), MAX_COUPONS);
    const coupons = await Promise.all(
      Array.from({ length: count }, async (_, index): Promise<CouponTerms> => {
        const i = BigInt(index);
        const [recordDate, [, end], perUnit] = await Promise.all([
          this.client.readContract({ ...read, functionName: "recordDate", args: [i] }),
          this.client.readContract({ ...read, functionName: "couponPeriod", args: [i] }),
          this.client.readContract({ ...read, functionName: "couponPerUnit", args: [i] }),
        ]);
        return { index, recordDate, paymentDate: end, perUnit };
      }),
    );
    return { address, symbol, isin, issueNumber, currency, denomination, couponRateBps, couponFrequency, dayCount, issueDate, maturityDate, coupons, redemptionPerUnit };
  }

  /**
   * Who issues each token of `chain` (by lower-case address): a deposit's bank and a bond's issuer,
   * as their contracts say; wCBDC, the chain's central bank. Named from the chain's participants.
   */
  issuersOf(chain: PresentChain): Promise<ReadonlyMap<string, FlowParty>> {
    this.issuers ??= this.readIssuers(chain);
    return this.issuers;
  }

  private async readIssuers(chain: PresentChain): Promise<ReadonlyMap<string, FlowParty>> {
    const named = (address: string): FlowParty => ({ name: chain.participants.find((p) => p.address.toLowerCase() === address.toLowerCase())?.name ?? address, address });
    const centralBank = chain.participants.find((p) => p.kind === "CentralBank");
    const entries = await Promise.all(
      chain.tokens.map(async (token): Promise<readonly [string, FlowParty] | undefined> => {
        const address = getAddress(token.address);
        if (token.kind === "tokenizedDeposit") return [token.address.toLowerCase(), named(await this.client.readContract({ address, abi: DEPOSIT_ABI, functionName: "bank" }))];
        if (token.kind === "governmentBond") return [token.address.toLowerCase(), named(await this.client.readContract({ address, abi: BOND_ABI, functionName: "issuer" }))];
        return centralBank === undefined ? undefined : [token.address.toLowerCase(), named(centralBank.address)];
      }),
    );
    return new Map(entries.filter((e) => e !== undefined));
  }
}
