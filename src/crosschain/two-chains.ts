import { createPublicClient, createWalletClient, custom, type Address, type PublicClient, type WalletClient } from "viem";

import HongKongChainHtlcModule from "../../ignition/modules/HongKongChainHtlc.js";
import ThaiChainModule from "../../ignition/modules/ThaiChain.js";
import {
  HashedTimelock__factory,
  ParticipantRegistry__factory,
  WholesaleCBDC__factory,
  type HashedTimelock,
  type ParticipantRegistry,
  type WholesaleCBDC,
} from "../../typechain-types/index.js";
import { CROSS_BORDER_PARTICIPANTS } from "../domain/cross-border.js";
import {
  deployedAddress,
  deployLedgerModule,
  type DeployedContracts,
  type HongKongLedger,
  type LedgerConnection,
} from "../chain/deploy.js";
import { KYC_VALIDITY_SECONDS } from "../domain/hong-kong.js";
import type { ChainSide } from "./coordinator.js";

/** The Thai chain's contracts, connected as the Bank of Thailand. */
export interface ThaiChain {
  readonly connection: LedgerConnection;
  readonly chainId: bigint;
  readonly registry: ParticipantRegistry;
  readonly wTHB: WholesaleCBDC;
  readonly htlc: HashedTimelock;
}

/** The two ledgers of the Jasper–Ubin design, each with its escrow. */
export interface TwoChains {
  readonly hk: HongKongLedger & { readonly htlc: HashedTimelock };
  readonly th: ThaiChain;
  /** Chao Phraya Bank's address (the same key on both chains). */
  readonly chaoPhrayaBank: Address;
  readonly bankOfThailand: Address;
}

/** Deploys the Hong Kong chain (ledger + escrow) and the Thai chain (registry, wTHB, escrow). */
export async function deployTwoChains(hkConnection: LedgerConnection, thConnection: LedgerConnection): Promise<TwoChains> {
  const { ledger, deployed } = await deployLedgerModule(hkConnection, HongKongChainHtlcModule, {
    accountsNeeded: Math.max(...CROSS_BORDER_PARTICIPANTS.map((p) => p.account + 1)),
  });
  const htlcAddress = await deployed.htlc.getAddress();

  const latest = await thConnection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the Thai chain returned no latest block");
  const thSigners = await thConnection.ethers.getSigners();
  const account = (key: string): number => CROSS_BORDER_PARTICIPANTS.find((p) => p.key === key)?.account ?? -1;
  const bot = thSigners[account("bankOfThailand")];
  const th = (await thConnection.ignition.deploy(ThaiChainModule, {
    parameters: { ThaiChain: { kycExpiry: Number(latest.timestamp) + KYC_VALIDITY_SECONDS } },
    deploymentId: thConnection.networkConfig.type === "edr-simulated" ? undefined : `thai-chain-${Date.now()}`,
  })) as DeployedContracts;
  const address = (name: string): Promise<string> => deployedAddress(th, ThaiChainModule.id, name);

  return {
    hk: { ...ledger, htlc: HashedTimelock__factory.connect(htlcAddress, ledger.participants.hkma.signer) },
    th: {
      connection: thConnection,
      chainId: (await thConnection.ethers.provider.getNetwork()).chainId,
      registry: ParticipantRegistry__factory.connect(await address("registry"), bot),
      wTHB: WholesaleCBDC__factory.connect(await address("wTHB"), bot),
      htlc: HashedTimelock__factory.connect(await address("htlc"), bot),
    },
    chaoPhrayaBank: thSigners[account("chaoPhrayaBank")].address as Address,
    bankOfThailand: bot.address as Address,
  };
}

/**
 * The coordinator's view of a chain, through viem over the connection's EIP-1193 provider, so the
 * same code talks to the in-process network or any JSON-RPC node.
 */
export function chainSide(name: string, connection: LedgerConnection, htlc: string, parties: readonly string[]): ChainSide {
  const transport = custom(connection.provider);
  const publicClient: PublicClient = createPublicClient({ transport });
  const wallets = new Map<Address, WalletClient>(
    parties.map((p) => [p as Address, createWalletClient({ account: p as Address, transport })]),
  );
  return { name, publicClient, htlc: htlc as Address, wallets };
}
