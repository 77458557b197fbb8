import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import CrossBorderLedgerModule from "../../ignition/modules/CrossBorderLedger.js";
import {
  TokenizedDeposit__factory,
  WholesaleCBDC__factory,
  type TokenizedDeposit,
  type WholesaleCBDC,
} from "../../typechain-types/index.js";
import { CROSS_BORDER_PARTICIPANTS, type CrossBorderKey } from "../domain/cross-border.js";
import { deployedAddress, deployLedgerModule, type DeployLedgerOptions, type HongKongLedger, type LedgerConnection } from "./deploy.js";

export interface CrossBorderParticipant {
  readonly key: CrossBorderKey;
  readonly name: string;
  readonly jurisdiction: string;
  readonly signer: HardhatEthersSigner;
  readonly address: string;
}

/** The shared multi-currency ledger: the Hong Kong ledger plus THB and BRL central-bank money and banks. */
export interface CrossBorderLedger extends HongKongLedger {
  readonly foreign: Record<CrossBorderKey, CrossBorderParticipant>;
  /** Connected as the Bank of Thailand. */
  readonly wTHB: WholesaleCBDC;
  /** Connected as the Banco Central do Brasil. */
  readonly wBRL: WholesaleCBDC;
  /** Connected as Chao Phraya Bank. */
  readonly cpTHB: TokenizedDeposit;
  /** Connected as Banco Ipanema. */
  readonly ipBRL: TokenizedDeposit;
}

/**
 * Deploys the shared multi-currency ledger (`CrossBorderLedger` Ignition module).
 * @example const ledger = await deployCrossBorderLedger(await network.create());
 */
export async function deployCrossBorderLedger(
  connection: LedgerConnection,
  options: DeployLedgerOptions = {},
): Promise<CrossBorderLedger> {
  const accountsNeeded = Math.max(...CROSS_BORDER_PARTICIPANTS.map((p) => p.account + 1));
  const { ledger, deployed } = await deployLedgerModule(connection, CrossBorderLedgerModule, { ...options, accountsNeeded });
  const signers = await connection.ethers.getSigners();
  const foreign = Object.fromEntries(
    CROSS_BORDER_PARTICIPANTS.map((p) => [
      p.key,
      { key: p.key, name: p.name, jurisdiction: p.jurisdiction, signer: signers[p.account], address: signers[p.account].address },
    ]),
  ) as Record<CrossBorderKey, CrossBorderParticipant>;
  const address = (name: string): Promise<string> => deployedAddress(deployed, CrossBorderLedgerModule.id, name);
  const wTHB = WholesaleCBDC__factory.connect(await address("wTHB"), foreign.bankOfThailand.signer);
  const wBRL = WholesaleCBDC__factory.connect(await address("wBRL"), foreign.bancoCentral.signer);
  const cpTHB = TokenizedDeposit__factory.connect(await address("cpTHB"), foreign.chaoPhrayaBank.signer);
  const ipBRL = TokenizedDeposit__factory.connect(await address("ipBRL"), foreign.bancoIpanema.signer);
  const hk = ledger.chains[0];
  return {
    ...ledger,
    foreign,
    wTHB,
    wBRL,
    cpTHB,
    ipBRL,
    chains: [
      {
        ...hk,
        name: "shared multi-currency ledger",
        participants: [
          ...hk.participants,
          ...CROSS_BORDER_PARTICIPANTS.map((p) => ({ key: p.key, name: p.name, kind: p.kind, jurisdiction: p.jurisdiction, address: foreign[p.key].address })),
        ],
        tokens: [
          ...hk.tokens.filter((t) => t.kind !== "governmentBond"),
          ...[wTHB, wBRL].map((contract) => ({ kind: "wCBDC" as const, contract, iface: WholesaleCBDC__factory.createInterface() })),
          ...[cpTHB, ipBRL].map((contract) => ({ kind: "tokenizedDeposit" as const, contract, iface: TokenizedDeposit__factory.createInterface() })),
          ...hk.tokens.filter((t) => t.kind === "governmentBond"),
        ],
      },
    ],
  };
}
