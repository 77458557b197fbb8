import { ZeroAddress, type Interface } from "ethers";

import type { HongKongLedger } from "./deploy.js";
import { formatMoney, formatUnits } from "../domain/money.js";
import {
  BondPayingAgent__factory,
  GovernmentBond__factory,
  PrimaryIssuance__factory,
  ParticipantRegistry__factory,
  SettlementEngine__factory,
  TokenizedDeposit__factory,
  WholesaleCBDC__factory,
} from "../../typechain-types/index.js";

/** A token as reports show it. */
export interface TokenInfo {
  /** Unique across chains: the address, prefixed with the chain's name for a token on another chain. */
  readonly key: string;
  readonly address: string;
  /** The symbol, with the chain's name for a token on another chain, e.g. "wTHB (Thai chain)". */
  readonly symbol: string;
  readonly kind: "wCBDC" | "tokenized deposit" | "government bond";
  readonly currency: string;
  readonly decimals: number;
  /** Reads a holder's balance on the token's own chain. */
  readonly balanceOf: (account: string) => Promise<bigint>;
}

/** What the book needs of a token contract (every ledger token has it). */
export interface TokenContract {
  getAddress(): Promise<string>;
  symbol(): Promise<string>;
  currency(): Promise<string>;
  decimals(): Promise<bigint>;
  balanceOf(account: string): Promise<bigint>;
}

/** A token on another chain of a cross-chain scenario, and the escrow contracts there. */
export interface OtherChainTokens {
  readonly chain: string;
  readonly wcbdcs: readonly TokenContract[];
  readonly contracts: readonly { readonly address: string; readonly label: string; readonly iface: Interface }[];
}

/** A contract whose events and errors reports decode. */
export interface KnownContract {
  readonly address: string;
  readonly label: string;
  readonly iface: Interface;
}

/**
 * Names for every address on the ledger (participants, tokens, engine, paying agent) and the
 * interfaces to decode their events and errors, so reports speak in names, not hex.
 */
export class AddressBook {
  readonly tokens: readonly TokenInfo[];
  readonly contracts: readonly KnownContract[];
  /** Holders whose balances reports track: participants first, then market infrastructure. */
  readonly holders: readonly { readonly address: string; readonly label: string }[];
  private readonly labels = new Map<string, string>();
  private readonly tokenByAddress = new Map<string, TokenInfo>();

  private constructor(
    tokens: TokenInfo[],
    contracts: KnownContract[],
    holders: { address: string; label: string }[],
  ) {
    this.tokens = tokens;
    this.contracts = contracts;
    this.holders = holders;
    for (const h of holders) this.labels.set(h.address.toLowerCase(), h.label);
    for (const c of contracts) this.labels.set(c.address.toLowerCase(), c.label);
    for (const t of tokens) this.tokenByAddress.set(t.address.toLowerCase(), t);
  }

  /** Reads token metadata from the chain(s) and builds the book for `ledger`. */
  static async of(ledger: HongKongLedger): Promise<AddressBook> {
    const extra = ledger.extraMoney ?? { wcbdcs: [], deposits: [] };
    const wcbdcIface = WholesaleCBDC__factory.createInterface();
    const depositIface = TokenizedDeposit__factory.createInterface();
    const sources: { contract: TokenContract; kind: TokenInfo["kind"]; iface: Interface; chain?: string }[] = [
      ...[ledger.wcbdc, ...extra.wcbdcs].map((contract) => ({ contract, kind: "wCBDC" as const, iface: wcbdcIface })),
      ...[...Object.values(ledger.deposits), ...extra.deposits].map((contract) => ({
        contract,
        kind: "tokenized deposit" as const,
        iface: depositIface,
      })),
      ...(ledger.otherChain?.wcbdcs ?? []).map((contract) => ({
        contract,
        kind: "wCBDC" as const,
        iface: wcbdcIface,
        chain: ledger.otherChain?.chain,
      })),
    ];
    const tokens: TokenInfo[] = [];
    const contracts: KnownContract[] = [...(ledger.otherChain?.contracts ?? [])];
    for (const { contract, kind, iface, chain } of sources) {
      const address = await contract.getAddress();
      const symbol = chain === undefined ? await contract.symbol() : `${await contract.symbol()} (${chain})`;
      tokens.push({
        key: chain === undefined ? address : `${chain}:${address}`,
        address,
        symbol,
        kind,
        currency: await contract.currency(),
        decimals: Number(await contract.decimals()),
        balanceOf: (account) => contract.balanceOf(account),
      });
      contracts.push({ address, label: symbol, iface });
    }
    const bondAddress = await ledger.bond.getAddress();
    const bondSymbol = await ledger.bond.symbol();
    tokens.push({
      key: bondAddress,
      address: bondAddress,
      symbol: bondSymbol,
      kind: "government bond",
      currency: await ledger.bond.currency(),
      decimals: 0,
      balanceOf: (account) => ledger.bond.balanceOf(account),
    });
    contracts.push({ address: bondAddress, label: bondSymbol, iface: GovernmentBond__factory.createInterface() });

    const engine = await ledger.engine.getAddress();
    const payingAgent = await ledger.payingAgent.getAddress();
    const issuance = await ledger.issuance.getAddress();
    contracts.push(
      { address: engine, label: "settlement engine", iface: SettlementEngine__factory.createInterface() },
      { address: issuance, label: "tender", iface: PrimaryIssuance__factory.createInterface() },
      { address: payingAgent, label: "paying agent", iface: BondPayingAgent__factory.createInterface() },
      { address: await ledger.registry.getAddress(), label: "registry", iface: ParticipantRegistry__factory.createInterface() },
    );
    const holders = [
      ...Object.values(ledger.participants).map((p) => ({ address: p.address, label: p.name })),
      ...(ledger.extraHolders ?? []),
      { address: engine, label: "settlement engine" },
      { address: payingAgent, label: "paying agent" },
      { address: issuance, label: "tender" },
    ];
    return new AddressBook(tokens, contracts, holders);
  }

  /** A person-readable name for `address` (a short hex form if unknown). */
  label(address: string): string {
    if (address === ZeroAddress) return "nobody";
    return this.labels.get(address.toLowerCase()) ?? `${address.slice(0, 6)}…${address.slice(-4)}`;
  }

  /** Adds a name, e.g. for an account a scenario creates. */
  name(address: string, label: string): void {
    this.labels.set(address.toLowerCase(), label);
  }

  token(address: string): TokenInfo | undefined {
    return this.tokenByAddress.get(address.toLowerCase());
  }

  /** An amount of `token` as people read it: "HKD 1,000.00 hbHKD", "600 units of 03GB2911". */
  amount(token: TokenInfo, amount: bigint): string {
    if (token.kind === "government bond") return `${formatUnits(amount, 0)} units of ${token.symbol}`;
    return `${formatMoney(amount, token.currency, token.decimals)} ${token.kind === "wCBDC" ? "wCBDC" : token.symbol}`;
  }

  /** The same without the token's name, for tables with a token column: "HKD 1,000.00", "600 units". */
  amountPlain(token: TokenInfo, amount: bigint): string {
    if (token.kind === "government bond") return `${formatUnits(amount, 0)} units`;
    return formatMoney(amount, token.currency, token.decimals);
  }

  /** Money in the currency of the ledger's wCBDC, e.g. "HKD 1,053.76". */
  money(amount: bigint): string {
    return this.amountPlain(this.tokens[0], amount);
  }
}
