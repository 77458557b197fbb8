import type { ContractTransactionReceipt, ContractTransactionResponse, Provider } from "ethers";

import { formatDate } from "../domain/calendar.js";
import type { HongKongLedger } from "../chain/deploy.js";
import { HKD } from "../domain/hong-kong.js";
import { formatMoney, parseMoney } from "../domain/money.js";
import type { AddressBook } from "../chain/address-book.js";
import { decodeLogs, describeLogs, type DecodedEvent } from "../chain/events.js";

/** A transaction a step sent, with its gas, its decoded events, and the same events in words. */
export interface SentTransaction {
  readonly label: string;
  readonly hash: string;
  readonly gasUsed: bigint;
  readonly decoded: readonly DecodedEvent[];
  readonly events: readonly string[];
}

/** A `ctx.check` that did not hold. */
export class ScenarioCheckError extends Error {
  override readonly name = "ScenarioCheckError";
}

/**
 * What a step's action works with: the ledger, a way to send transactions that the report records,
 * time travel, checks, and formatting in the ledger's currency.
 */
export class ScenarioContext {
  readonly ledger: HongKongLedger;
  readonly book: AddressBook;
  private sent: SentTransaction[] = [];
  private lines: string[] = [];

  constructor(ledger: HongKongLedger, book: AddressBook) {
    this.ledger = ledger;
    this.book = book;
  }

  /** Sends a transaction, waits for it, and records its gas and decoded events under `label`. */
  async send(label: string, tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    const receipt = await (await tx).wait();
    if (receipt === null) throw new Error(`no receipt for "${label}"`);
    this.sent.push({
      label,
      hash: receipt.hash,
      gasUsed: receipt.gasUsed,
      decoded: decodeLogs(receipt.logs, this.book),
      events: describeLogs(receipt.logs, this.book),
    });
    return receipt;
  }

  /**
   * Records a transaction sent by other means (e.g. the cross-chain coordinator's viem clients),
   * reading its receipt from `provider` (the chain it was sent on).
   */
  async record(label: string, hash: string, provider: Provider): Promise<void> {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt === null) throw new Error(`no receipt for "${label}" (${hash})`);
    this.sent.push({ label, hash, gasUsed: receipt.gasUsed, decoded: decodeLogs(receipt.logs, this.book), events: describeLogs(receipt.logs, this.book) });
  }

  /** The latest block's time (unix seconds). */
  async now(): Promise<bigint> {
    const block = await this.ledger.connection.ethers.provider.getBlock("latest");
    if (block === null) throw new Error("the network returned no latest block");
    return BigInt(block.timestamp);
  }

  /** Moves the chain's clock forward to `time` (no-op if already past) and notes the new date. */
  async travelTo(time: bigint | number): Promise<void> {
    if (BigInt(time) > (await this.now())) await this.ledger.connection.networkHelpers.time.increaseTo(time);
    this.note(`the ledger's clock now reads ${formatDate(await this.now())}`);
  }

  /** Fails the step with `message` unless `condition` holds. */
  check(condition: boolean, message: string): void {
    if (!condition) throw new ScenarioCheckError(message);
  }

  /** Adds a line to the step's output (a figure, a status, an explanation). */
  note(line: string): void {
    this.lines.push(line);
  }

  /** HKD major units → minor units: `hkd("50,000.00")` = 5000000n. */
  hkd(major: string): bigint {
    return parseMoney(major, HKD.minorUnits);
  }

  /** Minor units → "HKD 50,000.00". */
  money(amount: bigint): string {
    return formatMoney(amount, HKD.code, HKD.minorUnits);
  }

  /** Takes what the current step sent and noted, leaving the context empty for the next one. */
  takeStepRecord(): { transactions: SentTransaction[]; notes: string[] } {
    const record = { transactions: this.sent, notes: this.lines };
    this.sent = [];
    this.lines = [];
    return record;
  }
}
