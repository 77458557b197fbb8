import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { createPublicClient, createWalletClient, custom, getAddress, type Address, type PublicClient, type WalletClient } from "viem";

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
import { CROSS_BORDER_PARTICIPANTS, type CrossBorderKey } from "../domain/cross-border.js";
import { KYC_VALIDITY_SECONDS } from "../domain/hong-kong.js";
import { deployedAddress, deployLedgerModule, ignitionDeployConfig, type HongKongLedger, type LedgerConnection } from "../chain/deploy.js";
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

/** Accounts each chain needs: every cross-border participant's index, plus one. */
const ACCOUNTS_NEEDED = Math.max(...CROSS_BORDER_PARTICIPANTS.map((p) => p.account + 1));

/** The signer of cross-border participant `key` among `signers`, or a clear error if the node has too few accounts. */
function signerOf(signers: readonly HardhatEthersSigner[], key: CrossBorderKey, chain: string): HardhatEthersSigner {
  const spec = CROSS_BORDER_PARTICIPANTS.find((p) => p.key === key);
  if (spec === undefined) throw new Error(`${key} is missing from the cross-border definition`);
  const signer = signers[spec.account];
  if (signer === undefined) {
    throw new Error(`the ${chain} has ${signers.length} accounts; the two-chain design needs ${ACCOUNTS_NEEDED} (e.g. anvil --accounts 20)`);
  }
  return signer;
}

/** Deploys the Hong Kong chain (ledger + escrow) and the Thai chain (registry, wTHB, escrow). */
export async function deployTwoChains(hkConnection: LedgerConnection, thConnection: LedgerConnection): Promise<TwoChains> {
  const { ledger, deployed } = await deployLedgerModule(hkConnection, HongKongChainHtlcModule, { accountsNeeded: ACCOUNTS_NEEDED });
  const hkHtlc = await deployedAddress(deployed, HongKongChainHtlcModule.id, "htlc");

  const latest = await thConnection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the Thai chain returned no latest block");
  const thSigners = await thConnection.ethers.getSigners();
  const bot = signerOf(thSigners, "bankOfThailand", "Thai chain");
  const chaoPhraya = signerOf(thSigners, "chaoPhrayaBank", "Thai chain");
  const th = await thConnection.ignition.deploy(ThaiChainModule, {
    config: await ignitionDeployConfig(thConnection),
    parameters: { ThaiChain: { kycExpiry: Number(latest.timestamp) + KYC_VALIDITY_SECONDS } },
    deploymentId: thConnection.networkConfig.type === "edr-simulated" ? undefined : `thai-chain-${Date.now()}`,
  });

  return {
    hk: { ...ledger, htlc: HashedTimelock__factory.connect(hkHtlc, ledger.participants.hkma.signer) },
    th: {
      connection: thConnection,
      chainId: (await thConnection.ethers.provider.getNetwork()).chainId,
      registry: ParticipantRegistry__factory.connect(await th.registry.getAddress(), bot),
      wTHB: WholesaleCBDC__factory.connect(await th.wTHB.getAddress(), bot),
      htlc: HashedTimelock__factory.connect(await th.htlc.getAddress(), bot),
    },
    chaoPhrayaBank: getAddress(chaoPhraya.address),
    bankOfThailand: getAddress(bot.address),
  };
}

/**
 * How often the coordinator asks a node for a sent transaction's receipt, in milliseconds. viem's
 * default is 4 s (half a public chain's block time); a local node mines a transaction at once but
 * may answer "no receipt yet" for some tens of milliseconds (anvil does, once its chain holds a few
 * hundred blocks), and each such miss then cost four seconds of idle waiting: 36 s of a
 * cross-chain-dvp run on an anvil that had run the other scenarios. Hardhat's ethers provider polls
 * every 50 ms on its own network and 500 ms elsewhere; 100 ms keeps a local node's wait short and a
 * remote node's load small (one small request a tenth of a second while a transaction is pending).
 */
export const RECEIPT_POLLING_MS = 100;

/**
 * The coordinator's view of a chain, through viem over the connection's EIP-1193 provider, so the
 * same code talks to the in-process network or any JSON-RPC node. Addresses are checked (viem's
 * `getAddress` throws on a malformed one).
 *
 * @example
 * const thai = chainSide("Thai chain", thConnection, await chains.th.htlc.getAddress(), [chaoPhraya, harbour]);
 */
export function chainSide(name: string, connection: LedgerConnection, htlc: string, parties: readonly string[]): ChainSide {
  // No retries by viem: it retries an "internal error" (-32603) three times, 150 + 300 + 600 ms,
  // and a call the contract refuses without data is one (e.g. reading nextEntitlementDate of a
  // token that has none, once per lock): ~1 s of waiting for the same answer. Hardhat's provider
  // under it already handles its transport; a node that fails, fails at once.
  const transport = custom(connection.provider, { retryCount: 0 });
  const pollingInterval = RECEIPT_POLLING_MS;
  const publicClient: PublicClient = createPublicClient({ transport, pollingInterval });
  const wallets = new Map<Address, WalletClient>(
    parties.map((p) => {
      const account = getAddress(p);
      return [account, createWalletClient({ account, transport, pollingInterval })];
    }),
  );
  return { name, publicClient, htlc: getAddress(htlc), wallets };
}
