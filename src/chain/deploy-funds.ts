import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { MaxUint256 } from "ethers";

import type { ChainInventory } from "./inventory.js";

import {
  FundDealing__factory,
  MoneyMarketFundUnits__factory,
  type FundDealing,
  type MoneyMarketFundUnits,
} from "../../typechain-types/index.js";
import type { BankKey } from "../domain/hong-kong.js";
import {
  FUND_PARTIES,
  FUND_PARTIES_IN_REGISTRY,
  FUND_TERMS,
  InterbankMode,
  type FundPartyKey,
  type InterbankModeName,
} from "../domain/money-market-fund.js";
import { ParticipantKind, jurisdictionBytes2 } from "../domain/participants.js";
import { deployHongKongLedger, type DeployLedgerOptions, type HongKongLedger, type LedgerConnection } from "./deploy.js";

/** A fund party: its definition and its account. */
export interface FundParty {
  readonly key: FundPartyKey;
  readonly name: string;
  readonly signer: HardhatEthersSigner;
  readonly address: string;
}

/** One share class of the money-market fund, dealt in one interbank mode. */
export interface FundDeployment {
  readonly mode: InterbankModeName;
  /** The unit register, connected as the transfer agent. */
  readonly units: MoneyMarketFundUnits;
  /** The dealing contract, connected as the fund manager. */
  readonly dealing: FundDealing;
  readonly parties: Record<FundPartyKey, FundParty>;
}

/** The Hong Kong ledger with the fund deployed on it. */
export interface FundLedger extends HongKongLedger {
  readonly fund: FundDeployment;
}

const BANKS: readonly BankKey[] = ["harbourBank", "victoriaBank", "lionRockBank"];

/**
 * Deploys the default Hong Kong ledger, then the money-market fund (`wireFund`) in `mode`.
 * @example const ledger = await deployFundLedger(await network.create(), "Rtgs");
 */
export async function deployFundLedger(
  connection: LedgerConnection,
  mode: InterbankModeName,
  options: DeployLedgerOptions = {},
): Promise<FundLedger> {
  const ledger = await deployHongKongLedger(connection, options);
  const fund = await wireFund(ledger, mode);
  return { ...ledger, fund, chains: [fundChainInventory(ledger.chains[0], [fund]), ...ledger.chains.slice(1)] };
}

/**
 * Deploys one share class of the fund on `ledger` and wires it as its parties would:
 * - the HKMA registers the fund manager and the trustee (the accounts that hold deposits) and the
 *   dealing contract (infrastructure); Victoria Bank, the fund's bank, onboards manager and trustee;
 * - the fund manager deploys the units (`MoneyMarketFundUnits`, transfer agent named) and the
 *   dealing contract (`FundDealing`, with the trustee's Victoria Bank deposit as the fund's cash, the
 *   administrator, and in RTGS mode the RTGS operator), and appoints the three banks distributors;
 * - the transfer agent appoints the dealing contract to `DEALING_ROLE` on the units;
 * - each bank grants the dealing contract `SETTLEMENT_ROLE` on its deposit token, and in
 *   CentralBankMoney mode a wCBDC allowance (as it does for the engine: spent only for its own
 *   customers' payments whose deposits it burns in the same transaction), or in RTGS mode onboards it
 *   as a customer (to hold earmarks).
 * @example const fund = await wireFund(await deployHongKongLedger(connection), "CentralBankMoney");
 */
export async function wireFund(ledger: HongKongLedger, mode: InterbankModeName): Promise<FundDeployment> {
  const { ethers } = ledger.connection;
  const signers = await ethers.getSigners();
  const needed = Math.max(...FUND_PARTIES.map((p) => p.account + 1));
  if (signers.length < needed) {
    throw new Error(`network "${ledger.connection.networkName}" has ${signers.length} accounts; the fund needs ${needed}`);
  }
  const parties = Object.fromEntries(
    FUND_PARTIES.map((p) => [p.key, { key: p.key, name: p.name, signer: signers[p.account], address: signers[p.account].address }]),
  ) as Record<FundPartyKey, FundParty>;

  const hkma = ledger.participants.hkma;
  const kyc = await ledger.registry.participantOf(hkma.address);
  const hk = jurisdictionBytes2("HK");
  const fundBank = ledger.deposits[FUND_TERMS.fundBank];
  for (const key of FUND_PARTIES_IN_REGISTRY) {
    const party = parties[key];
    if ((await ledger.registry.participantOf(party.address)).kind === 0n) {
      await (await ledger.registry.registerParticipant(party.address, ParticipantKind.Investor, hk, kyc.kycExpiry)).wait();
    }
    await (await fundBank.setCustomer(party.address, true)).wait();
  }

  const manager = parties.fundManager.signer;
  const units = await new MoneyMarketFundUnits__factory(manager).deploy(
    FUND_TERMS.name,
    mode === "Rtgs" ? `${FUND_TERMS.symbol}-R` : FUND_TERMS.symbol,
    FUND_TERMS.shareClass,
    FUND_TERMS.currency,
    ledger.registry.target,
    parties.fundManager.address,
    parties.transferAgent.address,
  );
  await units.waitForDeployment();
  const dealing = await new FundDealing__factory(manager).deploy({
    units: units.target,
    engine: ledger.engine.target,
    fundCash: fundBank.target,
    trustee: parties.trustee.address,
    fundManager: parties.fundManager.address,
    transferAgent: parties.transferAgent.address,
    administrator: parties.fundAdministrator.address,
    rtgsOperator: mode === "Rtgs" ? parties.rtgsOperator.address : "0x0000000000000000000000000000000000000000",
    mode: InterbankMode[mode],
    subscriptionFeeBps: FUND_TERMS.subscriptionFeeBps,
  });
  await dealing.waitForDeployment();

  await (await ledger.registry.registerParticipant(dealing.target, ParticipantKind.Infrastructure, hk, kyc.kycExpiry)).wait();
  const asAgent = units.connect(parties.transferAgent.signer);
  await (await asAgent.grantRole(await units.DEALING_ROLE(), dealing.target)).wait();
  const distributor = await dealing.DISTRIBUTOR_ROLE();
  for (const bank of BANKS) {
    await (await dealing.grantRole(distributor, ledger.participants[bank].address)).wait();
    const deposit = ledger.deposits[bank];
    await (await deposit.grantRole(await deposit.SETTLEMENT_ROLE(), dealing.target)).wait();
    // Every bank onboards the dealing contract as a customer: it holds subscriptions' cash from the
    // order on, and in RTGS mode the earmarks.
    await (await deposit.setCustomer(dealing.target, true)).wait();
    if (mode === "CentralBankMoney") {
      await (await ledger.wcbdc.connect(ledger.participants[bank].signer).approve(dealing.target, MaxUint256)).wait();
    }
  }
  return { mode, units: asAgent, dealing, parties };
}

/** `home` with each fund's units (a token), its dealing contract and the fund's parties added. */
export function fundChainInventory(home: ChainInventory, funds: readonly FundDeployment[]): ChainInventory {
  const [first] = funds;
  const partyList = first === undefined ? [] : FUND_PARTIES.map((p) => ({ key: p.key, name: p.name, kind: p.kind, jurisdiction: p.jurisdiction, address: first.parties[p.key].address }));
  return {
    ...home,
    participants: [...home.participants, ...partyList.filter((p) => !home.participants.some((q) => q.address === p.address))],
    tokens: [
      ...home.tokens,
      ...funds.map((f) => ({ kind: "fundUnits" as const, contract: f.units, iface: MoneyMarketFundUnits__factory.createInterface() })),
    ],
    contracts: [
      ...home.contracts,
      ...funds.map((f) => ({
        key: f.mode === "Rtgs" ? "fundDealingRtgs" : "fundDealing",
        name: f.mode === "Rtgs" ? "fund dealing (RTGS)" : "fund dealing (wCBDC)",
        address: f.dealing.target as string,
        iface: FundDealing__factory.createInterface(),
        // Holds subscriptions' cash and redeemed units in custody and, in RTGS mode, earmarks: tracked as a holder.
        holdsTokens: true,
      })),
    ],
  };
}

/** The Hong Kong ledger with the fund deployed once per interbank mode, side by side (scenario `mmf-dealing`). */
export interface TwoModeFundLedger extends HongKongLedger {
  /** The share class dealt with the interbank leg in wCBDC (`HSMMF-A`). */
  readonly cbm: FundDeployment;
  /** The same class dealt through the RTGS bridge (`HSMMF-A-R`). */
  readonly rtgs: FundDeployment;
  /** The chain's time when it was deployed. */
  readonly deployedAt: number;
}

/**
 * Deploys the default Hong Kong ledger and the fund twice on it, one deployment per interbank mode
 * (`wireFund`), with the same parties, so a scenario can show the two modes side by side.
 * @example const ledger = await deployTwoModeFundLedger(await network.create());
 */
export async function deployTwoModeFundLedger(connection: LedgerConnection, options: DeployLedgerOptions = {}): Promise<TwoModeFundLedger> {
  const ledger = await deployHongKongLedger(connection, options);
  const cbm = await wireFund(ledger, "CentralBankMoney");
  const rtgs = await wireFund(ledger, "Rtgs");
  const latest = await ledger.connection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  return { ...ledger, cbm, rtgs, deployedAt: latest.timestamp, chains: [fundChainInventory(ledger.chains[0], [cbm, rtgs]), ...ledger.chains.slice(1)] };
}
