import type { Directory } from "../chain/directory.js";
import type { TransactionFact } from "../chain/facts.js";
import { balanceIn } from "../runner/balances.js";
import type { ScenarioRun } from "../runner/run.js";
import type { StepResult } from "../runner/types.js";

/**
 * The `--json` document's version. Additive changes (a new optional field, a new event or
 * observation kind) keep it; a change that removes, renames or retypes a field bumps it. The schema
 * is src/report/scenario-report.schema.json.
 */
export const SCHEMA_VERSION = 1;

/** `T` as JSON carries it: bigints as decimal strings, recursively. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Jsonified<U>[]
      : T extends ReadonlyMap<unknown, unknown>
        ? never
        : { [K in keyof T]: Jsonified<T[K]> };

/** `value` with every bigint as a decimal string. */
export function jsonify<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Jsonified<T>;
}

/** `Omit` over each member of a union (plain `Omit` keeps only the keys every member shares). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A transaction in the report: its chain by key (the chains are listed once at the top). */
export type TransactionJson = Jsonified<OmitEach<TransactionFact, "chain">> & { readonly chain: string };

/** A step in the report. */
export type StepJson = Jsonified<Omit<StepResult, "transactions" | "changes">> & {
  readonly transactions: readonly TransactionJson[];
  readonly balanceChanges: Jsonified<StepResult["changes"]>;
};

/** The `--json` document (see the schema for every field). */
export interface ScenarioReportJson {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly scenario: { readonly name: string; readonly description: string; readonly chainCount: number };
  readonly ok: boolean;
  readonly chains: readonly {
    readonly key: string;
    readonly name: string;
    readonly network: string;
    readonly chainId: number;
    readonly participants: readonly { readonly key: string; readonly name: string; readonly kind: string; readonly jurisdiction: string; readonly address: string }[];
    readonly tokens: readonly {
      readonly symbol: string;
      readonly name: string;
      readonly kind: string;
      readonly address: string;
      readonly currency: string;
      readonly decimals: number;
      readonly isin?: string;
    }[];
    readonly contracts: readonly { readonly key: string; readonly name: string; readonly address: string }[];
  }[];
  readonly steps: readonly StepJson[];
  /** Non-zero balances at the end, chain by chain, in the token's smallest unit. */
  readonly finalBalances: readonly {
    readonly chain: string;
    readonly holder: { readonly name: string; readonly address: string };
    readonly token: { readonly symbol: string; readonly address: string };
    readonly amount: string;
  }[];
}

function chainsOf(directory: Directory): ScenarioReportJson["chains"] {
  return directory.chains.map((c) => ({
    key: c.key,
    name: c.name,
    network: c.network,
    chainId: c.chainId,
    participants: c.participants.map((p) => ({ key: p.key, name: p.name, kind: p.kind, jurisdiction: p.jurisdiction, address: p.address })),
    tokens: c.tokens.map((t) => ({
      symbol: t.symbol,
      name: t.name,
      kind: t.kind,
      address: t.address,
      currency: t.currency,
      decimals: t.decimals,
      ...(t.isin === undefined ? {} : { isin: t.isin }),
    })),
    contracts: c.contracts.map((x) => ({ key: x.key, name: x.name, address: x.address })),
  }));
}

function stepJson(step: StepResult): StepJson {
  const { transactions, changes, ...rest } = step;
  return {
    ...jsonify(rest),
    transactions: transactions.map(({ chain, ...tx }) => ({ ...jsonify(tx), chain: chain.key })),
    balanceChanges: jsonify(changes),
  };
}

/** Builds the `--json` document of a run: facts only, every amount a string of minor units. */
export function toScenarioJson(run: ScenarioRun): ScenarioReportJson {
  const finalBalances = run.directory.chains.flatMap((chain) =>
    chain.holders.flatMap((holder) =>
      chain.tokens
        .map((token) => ({ token, amount: balanceIn(run.finalBalances, chain.key, token.address, holder.address) }))
        .filter(({ amount }) => amount !== 0n)
        .map(({ token, amount }) => ({
          chain: chain.key,
          holder,
          token: { symbol: token.symbol, address: token.address },
          amount: amount.toString(),
        })),
    ),
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    scenario: { name: run.scenario.name, description: run.scenario.description, chainCount: run.scenario.chainCount ?? 1 },
    ok: run.ok,
    chains: chainsOf(run.directory),
    steps: run.steps.map(stepJson),
    finalBalances,
  };
}
