import type { ContractTransaction, ContractTransactionReceipt, ContractTransactionResponse, Provider } from "ethers";

import type { HongKongLedger } from "../chain/deploy.js";
import { decodeCall, decodeError, decodeEvents, revertDataOf, revertedTransactionHash } from "../chain/decode.js";
import type { Directory, DirectoryChain } from "../chain/directory.js";
import type { CallFact, ChainRef, ErrorFact, RevertedTransactionFact, TransactionFact } from "../chain/facts.js";
import { HKD } from "../domain/hong-kong.js";
import { parseMoney } from "../domain/money.js";
import { FAILURE_REASON, isoTradeStatus, TRADE_STATUS, type Trade } from "../domain/trade.js";
import type { NoteValue, Observation } from "./types.js";

/** A transaction mined and reverted; `data` is its revert data, found by replaying it (the node's error had none). */
export class MinedRevertError extends Error {
  override readonly name = "MinedRevertError";
  readonly data: string;
  constructor(label: string, hash: string, data: string, cause: unknown) {
    super(`"${label}" was mined and reverted (${hash})`, { cause });
    this.data = data;
  }
}

/** A `ctx.check` that did not hold. */
export class ScenarioCheckError extends Error {
  override readonly name = "ScenarioCheckError";
}

/** A typed contract method that sends a transaction (e.g. `engine.connect(signer).instruct`). */
export interface SendMethod<A extends unknown[]> {
  (...args: A): Promise<ContractTransactionResponse>;
  populateTransaction(...args: A): Promise<ContractTransaction>;
  staticCall(...args: A): Promise<unknown>;
}

/** The signer a typed method sends from. ethers v6 methods keep their contract as `_contract`. */
function signerOf(method: object): { address: string; provider: unknown } {
  const contract = (method as { readonly _contract?: { readonly runner?: unknown } })._contract;
  const runner = contract?.runner as { readonly address?: unknown; readonly provider?: unknown } | null | undefined;
  if (runner === null || runner === undefined || typeof runner.address !== "string") {
    throw new Error("ctx.send needs a method of a contract connected to a signer, e.g. engine.connect(signer).instruct");
  }
  return { address: runner.address, provider: runner.provider };
}

/** A value for a note: bigints become numbers, strings words; NoteValues pass through. */
export type NoteInput = NoteValue | bigint | number | string;

function noteValue(v: NoteInput): NoteValue {
  if (typeof v === "bigint") return { type: "number", value: v };
  if (typeof v === "number") return { type: "number", value: BigInt(v) };
  if (typeof v === "string") return { type: "text", value: v };
  return v;
}

/**
 * What a step's action works with: the ledger and its directory, a way to send transactions that
 * the runner records as facts, time travel, checks, and notes with typed values. It keeps no
 * wording: the report layer words every fact.
 */
export class ScenarioContext {
  readonly ledger: HongKongLedger;
  readonly directory: Directory;
  private transactions: TransactionFact[] = [];
  private observations: Observation[] = [];

  constructor(ledger: HongKongLedger, directory: Directory) {
    this.ledger = ledger;
    this.directory = directory;
  }

  private chainRef(chain: DirectoryChain): ChainRef {
    return { key: chain.key, name: chain.name, network: chain.network, chainId: chain.chainId };
  }

  private async callFact(
    label: string,
    method: SendMethod<unknown[]>,
    args: unknown[],
  ): Promise<{ call: CallFact; provider: Provider; request: { from: string; to: string; data: string } }> {
    const signer = signerOf(method);
    const chain = this.directory.chainOfProvider(signer.provider) ?? this.directory.home;
    const request = await method.populateTransaction(...args);
    const to = String(request.to);
    const decoded = decodeCall(chain.key, to, request.data, this.directory);
    return {
      call: {
        label,
        chain: this.chainRef(chain),
        from: this.directory.ref(chain.key, signer.address),
        to: this.directory.ref(chain.key, to),
        ...(decoded === undefined ? {} : { function: decoded.function, args: decoded.args }),
      },
      provider: chain.provider,
      request: { from: signer.address, to, data: request.data },
    };
  }

  /**
   * Sends `method(...args)`, waits for it and records it under `label` (the definition's words):
   * chain, from, to, function and arguments, block, gas and decoded events. A refused attempt is
   * recorded too, with its decoded error, and the error is rethrown for the runner to judge.
   * @example await ctx.send("Harbour Bank instructs (seller)", engine.connect(harbour).instruct, trade);
   */
  async send<A extends unknown[]>(label: string, method: SendMethod<A>, ...args: A): Promise<ContractTransactionReceipt> {
    const { call, provider, request } = await this.callFact(label, method as unknown as SendMethod<unknown[]>, args);
    let receipt: ContractTransactionReceipt | null;
    try {
      receipt = await (await method(...args)).wait();
    } catch (error) {
      const hash = revertedTransactionHash(error);
      const data = revertDataOf(error);
      // A mined revert carries no revert data (anvil): replay it, and rethrow with that data, so the step is judged on the decoded error.
      const replayed = hash !== undefined && (data === undefined || data === "0x") ? await this.replayedRevertData(hash, request, provider) : undefined;
      this.recordRefusal(call, replayed ?? data, hash, hash === undefined ? "estimateGas" : "transaction");
      if (replayed !== undefined && hash !== undefined) throw new MinedRevertError(label, hash, replayed, error);
      throw error;
    }
    if (receipt === null) throw new Error(`no receipt for "${label}"`);
    const block = await provider.getBlock(receipt.blockNumber);
    this.transactions.push({
      ...call,
      status: "success",
      hash: receipt.hash,
      blockNumber: receipt.blockNumber,
      timestamp: block?.timestamp ?? 0,
      gasUsed: receipt.gasUsed,
      events: decodeEvents(receipt.logs, call.chain.key, this.directory),
    });
    return receipt;
  }

  /**
   * Asks the chain, by `eth_call`, whether `method(...args)` would be refused, and records the
   * refusal; returns the decoded error, or undefined (and records nothing) if the call would succeed.
   * @example const refused = await ctx.attempt("claim with a wrong secret", htlc.connect(s).claim, lockId, ZeroHash);
   */
  async attempt<A extends unknown[]>(label: string, method: SendMethod<A>, ...args: A): Promise<ErrorFact | undefined> {
    const { call } = await this.callFact(label, method as unknown as SendMethod<unknown[]>, args);
    try {
      await method.staticCall(...args);
      return undefined;
    } catch (error) {
      const fact = this.recordRefusal(call, revertDataOf(error), undefined, "call");
      if (fact === undefined) throw error;
      return fact.error;
    }
  }

  /**
   * The revert data of transaction `hash`, mined and reverted without any in the node's error (anvil
   * mines a reverting transaction sent with its own gas limit; a receipt has no revert data): the
   * same call replayed by `eth_call` on the state before its block; undefined if that does not revert with data.
   */
  private async replayedRevertData(hash: string, request: { from: string; to: string; data: string }, provider: Provider): Promise<string | undefined> {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt === null) return undefined;
    try {
      await provider.call({ ...request, blockTag: receipt.blockNumber - 1 });
      return undefined;
    } catch (replay) {
      const replayed = revertDataOf(replay);
      return replayed === undefined || replayed === "0x" ? undefined : replayed;
    }
  }

  /** Records a refused attempt (nothing when the error was no refusal: no revert data and no mined transaction). */
  private recordRefusal(
    call: CallFact,
    revertData: string | undefined,
    hash: string | undefined,
    via: RevertedTransactionFact["via"],
  ): RevertedTransactionFact | undefined {
    if (revertData === undefined && hash === undefined) return undefined;
    const decoded = revertData === undefined ? undefined : decodeError(revertData, this.directory, call.chain.key);
    const fact: RevertedTransactionFact = {
      ...call,
      status: "reverted",
      via,
      ...(hash === undefined ? {} : { hash }),
      revertData: revertData ?? "0x",
      ...(decoded === undefined ? {} : { error: decoded }),
    };
    this.transactions.push(fact);
    return fact;
  }

  /**
   * Records a transaction sent by other means (e.g. the cross-chain coordinator's viem clients),
   * reading it and its receipt from `provider` (the chain it was sent on).
   */
  async record(label: string, hash: string, provider: Provider): Promise<void> {
    const chain = this.directory.chainOfProvider(provider) ?? this.directory.home;
    const [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
    if (tx === null || receipt === null) throw new Error(`no receipt for "${label}" (${hash})`);
    const to = tx.to ?? receipt.contractAddress ?? "";
    const decoded = decodeCall(chain.key, to, tx.data, this.directory);
    const block = await provider.getBlock(receipt.blockNumber);
    this.transactions.push({
      label,
      chain: this.chainRef(chain),
      from: this.directory.ref(chain.key, tx.from),
      to: this.directory.ref(chain.key, to),
      ...(decoded === undefined ? {} : { function: decoded.function, args: decoded.args }),
      status: "success",
      hash,
      blockNumber: receipt.blockNumber,
      timestamp: block?.timestamp ?? 0,
      gasUsed: receipt.gasUsed,
      events: decodeEvents(receipt.logs, chain.key, this.directory),
    });
  }

  /** The latest block's time (unix seconds) on the home chain. */
  async now(): Promise<bigint> {
    const block = await this.ledger.connection.ethers.provider.getBlock("latest");
    if (block === null) throw new Error("the network returned no latest block");
    return BigInt(block.timestamp);
  }

  /** Moves the home chain's clock forward to `time` (no-op if already past) and records the new time. */
  async travelTo(time: bigint | number): Promise<void> {
    if (BigInt(time) > (await this.now())) await this.ledger.connection.networkHelpers.time.increaseTo(time);
    this.observations.push({ kind: "clock", chain: this.directory.home.key, time: await this.now() });
  }

  /** Records the clock of chain `chain` (after the scenario moved it by other means). */
  async clock(chain: string): Promise<void> {
    const block = await this.directory.chain(chain).provider.getBlock("latest");
    this.observations.push({ kind: "clock", chain, time: BigInt(block?.timestamp ?? 0) });
  }

  /** Reads `trade`'s record on the engine and records its status, reason and their ISO 20022 codes. */
  async observeTrade(trade: Trade): Promise<Observation & { kind: "tradeStatus" }> {
    const tradeId = await this.ledger.engine.tradeId(trade);
    const record = await this.ledger.engine.tradeRecord(tradeId);
    const status = TRADE_STATUS[Number(record.status)] ?? "None";
    const reason = FAILURE_REASON[Number(record.reason)] ?? "None";
    const iso = isoTradeStatus(status, reason) ?? { status: "NMAT" as const };
    const observation = { kind: "tradeStatus" as const, tradeRef: trade.tradeRef, tradeId, status, reason, iso };
    this.observations.push(observation);
    return observation;
  }

  /** Fails the step with `message` unless `condition` holds. */
  check(condition: boolean, message: string): void {
    if (!condition) throw new ScenarioCheckError(message);
  }

  /**
   * Points out a figure: `text` with `{name}` placeholders the report fills from `values`.
   * @example ctx.note("Lion Rock Bank now holds {balance} of wCBDC", { balance: ctx.money(balance) });
   */
  note(text: string, values: Readonly<Record<string, NoteInput>> = {}): void {
    const typed: Record<string, NoteValue> = {};
    for (const [k, v] of Object.entries(values)) typed[k] = noteValue(v);
    this.observations.push({ kind: "note", text, values: typed });
  }

  /** HKD major units → minor units: `hkd("50,000.00")` = 5000000n. */
  hkd(major: string): bigint {
    return parseMoney(major, HKD.minorUnits);
  }

  /** An HKD amount in minor units, for a note. */
  money(amount: bigint): NoteValue {
    return { type: "money", amount, currency: HKD.code, decimals: HKD.minorUnits };
  }

  /** Bond units, for a note. */
  units(units: bigint): NoteValue {
    return { type: "units", units };
  }

  /** A unix time, for a note. */
  time(time: bigint | number): NoteValue {
    return { type: "time", time: BigInt(time) };
  }

  /** Takes what the current step sent and observed, leaving the context empty for the next one. */
  takeStepRecord(): { transactions: TransactionFact[]; observations: Observation[] } {
    const record = { transactions: this.transactions, observations: this.observations };
    this.transactions = [];
    this.observations = [];
    return record;
  }
}
