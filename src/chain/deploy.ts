import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { LedgerConnection } from "./connection.js";
import type { ChainInventory } from "./inventory.js";

import GreenBondLifecycleModule from "../../ignition/modules/GreenBondLifecycle.js";
import {
  BondPayingAgent__factory,
  GovernmentBond__factory,
  ParticipantRegistry__factory,
  PrimaryIssuance__factory,
  SettlementEngine__factory,
  TokenizedDeposit__factory,
  WholesaleCBDC__factory,
  type BondPayingAgent,
  type GovernmentBond,
  type ParticipantRegistry,
  type PrimaryIssuance,
  type SettlementEngine,
  type TokenizedDeposit,
  type WholesaleCBDC,
} from "../../typechain-types/index.js";
import {
  DEPOSITS,
  KYC_VALIDITY_SECONDS,
  PARTICIPANTS,
  greenBondTerms,
  type BankKey,
  type GreenBondTerms,
  type ParticipantKey,
  type ParticipantSpec,
} from "../domain/hong-kong.js";

export type { LedgerConnection };

export interface LedgerParticipant extends ParticipantSpec {
  readonly signer: HardhatEthersSigner;
  readonly address: string;
}

/** The deployed default Hong Kong ledger, with typed bindings connected to each role's signer. */
export interface HongKongLedger {
  readonly connection: LedgerConnection;
  readonly chainId: bigint;
  readonly participants: Record<ParticipantKey, LedgerParticipant>;
  /** Connected as HKMA (registrar). */
  readonly registry: ParticipantRegistry;
  /** Connected as HKMA (central bank). */
  readonly wcbdc: WholesaleCBDC;
  /** Connected as each issuing bank. */
  readonly deposits: Record<BankKey, TokenizedDeposit>;
  /** Connected as the HKSAR Government (issuer). */
  readonly bond: GovernmentBond;
  readonly bondTerms: GreenBondTerms;
  /** The settlement engine, connected as HKMA (operator and settlement agent). */
  readonly engine: SettlementEngine;
  /** Primary issuance by tender (the Government's issuing agent), connected as the HKSAR Government. */
  readonly issuance: PrimaryIssuance;
  /** The green bond's paying agent, connected as HKMA (fiscal agent). */
  readonly payingAgent: BondPayingAgent;
  /**
   * What is on the ledger, chain by chain (one entry for a single-chain ledger): participants,
   * tokens and contracts. Reports, balance tables and the JSON report read only this.
   */
  readonly chains: readonly ChainInventory[];
}

export interface DeployLedgerOptions {
  /**
   * Ignition deployment id on networks that keep a journal (not the in-process one). Defaults to a
   * fresh id per call, so every run deploys a fresh ledger.
   */
  readonly deploymentId?: string;
}

/** What an Ignition deployment returned: contract futures by name, each with an address. */
export type DeployedContracts = Readonly<Record<string, { getAddress(): Promise<string> }>>;

/** The address of contract `name` deployed by module `moduleId`, or a clear error if it has none. */
export async function deployedAddress(deployed: DeployedContracts, moduleId: string, name: string): Promise<string> {
  const contract = deployed[name];
  if (contract === undefined) throw new Error(`the ${moduleId} module deployed no contract "${name}"`);
  return contract.getAddress();
}

/** How often Ignition polls an automining node for its next block (its default, 1 s, suits a chain with block times). */
const AUTOMINE_POLLING_MS = 50;

/**
 * Ignition's deploy config for `connection`: on a node that mines each transaction at once (the
 * in-process network, `hardhat node`, anvil), poll every 50 ms instead of every second. Ignition
 * waits for a new block between its batches of transactions; at 1 s a poll, a ledger took seconds
 * of waiting on a local node. Any other network keeps Ignition's defaults.
 */
export async function ignitionDeployConfig(connection: LedgerConnection): Promise<{ blockPollingInterval?: number }> {
  if (connection.networkConfig.type === "edr-simulated") return { blockPollingInterval: AUTOMINE_POLLING_MS };
  for (const method of ["hardhat_getAutomine", "anvil_getAutomine"]) {
    try {
      if ((await connection.provider.request({ method })) === true) return { blockPollingInterval: AUTOMINE_POLLING_MS };
    } catch {
      // Not this kind of node: try the next name, then keep the defaults.
    }
  }
  return {};
}

/** A module that contains the Hong Kong ledger (its results include the ledger's contracts). */
type LedgerModule = Parameters<LedgerConnection["ignition"]["deploy"]>[0];

/**
 * Deploys the default Hong Kong ledger, its settlement engine and the green bond's paying agent
 * through the `GreenBondLifecycle` Ignition module (which uses `Settlement` and `HongKongLedger`),
 * with term dates taken from the chain's clock (so it also works after time travel).
 * @example const ledger = await deployHongKongLedger(await network.create());
 */
export async function deployHongKongLedger(
  connection: LedgerConnection,
  options: DeployLedgerOptions = {},
): Promise<HongKongLedger> {
  return (await deployLedgerModule(connection, GreenBondLifecycleModule, options)).ledger;
}

/**
 * Deploys `module` — the Hong Kong ledger or a module built on it — and binds the Hong Kong ledger's
 * contracts to typed bindings. Every module parameter named `kycExpiry` gets the chain-time value.
 */
export async function deployLedgerModule(
  connection: LedgerConnection,
  module: LedgerModule,
  options: DeployLedgerOptions & { readonly accountsNeeded?: number } = {},
): Promise<{ ledger: HongKongLedger; deployed: DeployedContracts }> {
  const { ethers } = connection;
  const latest = await ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  const now = Number(latest.timestamp);
  const terms = greenBondTerms(now);
  const chainId = (await ethers.provider.getNetwork()).chainId;

  const signers = await ethers.getSigners();
  const needed = Math.max(options.accountsNeeded ?? 0, ...PARTICIPANTS.map((p) => p.account + 1));
  if (signers.length < needed) {
    throw new Error(
      `network "${connection.networkName}" has ${signers.length} accounts; the ledger needs ${needed}`,
    );
  }

  const kycExpiry = now + KYC_VALIDITY_SECONDS;
  const deployed = (await connection.ignition.deploy(module, {
    config: await ignitionDeployConfig(connection),
    parameters: {
      Settlement: { kycExpiry },
      GreenBondLifecycle: { kycExpiry },
      CrossBorderLedger: { kycExpiry },
      HongKongLedger: {
        kycExpiry,
        bondIsin: terms.isin,
        bondIssueNumber: terms.issueNumber,
        bondName: terms.name,
        bondIssueDate: terms.issueDate,
        bondCouponDates: [...terms.couponDates],
      },
    },
    deploymentId:
      connection.networkConfig.type === "edr-simulated"
        ? undefined
        : (options.deploymentId ?? `${module.id}-${chainId}-${Date.now()}`),
  })) as DeployedContracts;
  const addressOf = (name: string): Promise<string> => deployedAddress(deployed, module.id, name);

  const participants = Object.fromEntries(
    PARTICIPANTS.map((p) => {
      const signer = signers[p.account];
      return [p.key, { ...p, signer, address: signer.address }];
    }),
  ) as Record<ParticipantKey, LedgerParticipant>;

  const deposits = Object.fromEntries(
    await Promise.all(
      DEPOSITS.map(async (d) => [
        d.bank,
        TokenizedDeposit__factory.connect(await addressOf(d.symbol), participants[d.bank].signer),
      ]),
    ),
  ) as Record<BankKey, TokenizedDeposit>;

  const core: LedgerCore = {
    connection,
    chainId,
    participants,
    registry: ParticipantRegistry__factory.connect(await addressOf("registry"), participants.hkma.signer),
    wcbdc: WholesaleCBDC__factory.connect(await addressOf("wcbdc"), participants.hkma.signer),
    deposits,
    bond: GovernmentBond__factory.connect(await addressOf("bond"), participants.government.signer),
    bondTerms: terms,
    engine: SettlementEngine__factory.connect(await addressOf("engine"), participants.hkma.signer),
    issuance: PrimaryIssuance__factory.connect(await addressOf("issuance"), participants.government.signer),
    payingAgent: BondPayingAgent__factory.connect(await addressOf("payingAgent"), participants.hkma.signer),
  };
  return { ledger: { ...core, chains: [hongKongChainInventory(core)] }, deployed };
}

/** The ledger's contracts, before its inventory is listed. */
export type LedgerCore = Omit<HongKongLedger, "chains">;

/** What the Hong Kong ledger holds: its participants, wHKD, the three deposit tokens, the green bond, and the engine, tender and paying agent. */
export function hongKongChainInventory(ledger: LedgerCore, name = "Hong Kong ledger"): ChainInventory {
  return {
    key: "hk",
    name,
    connection: ledger.connection,
    registry: ledger.registry,
    participants: Object.values(ledger.participants).map((p) => ({
      key: p.key,
      name: p.name,
      kind: p.kind,
      jurisdiction: p.jurisdiction,
      address: p.address,
    })),
    tokens: [
      { kind: "wCBDC", contract: ledger.wcbdc, iface: WholesaleCBDC__factory.createInterface() },
      ...Object.values(ledger.deposits).map((contract) => ({
        kind: "tokenizedDeposit" as const,
        contract,
        iface: TokenizedDeposit__factory.createInterface(),
      })),
      { kind: "governmentBond", contract: ledger.bond, iface: GovernmentBond__factory.createInterface(), isin: ledger.bondTerms.isin },
    ],
    contracts: [
      { key: "engine", name: "settlement engine", address: ledger.engine.target as string, iface: SettlementEngine__factory.createInterface(), holdsTokens: true },
      { key: "issuance", name: "tender", address: ledger.issuance.target as string, iface: PrimaryIssuance__factory.createInterface(), holdsTokens: true },
      { key: "payingAgent", name: "paying agent", address: ledger.payingAgent.target as string, iface: BondPayingAgent__factory.createInterface(), holdsTokens: true },
      { key: "registry", name: "registry", address: ledger.registry.target as string, iface: ParticipantRegistry__factory.createInterface(), holdsTokens: false },
    ],
  };
}
