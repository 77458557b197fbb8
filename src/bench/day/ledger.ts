/**
 * The ledger a bench day trades on: the default Hong Kong ledger (`deployHongKongLedger`) joined by
 * twenty trading banks, two more government bonds and a second central bank's wCBDC (wCNY), each
 * registered with the engine as a central bank or registrar would register it. Every bank opens
 * with the same holdings of every bond and cash token and gives the engine an allowance on each —
 * the mechanism by which the engine moves a leg, never the consent: each trade settles only under
 * both parties' own signed orders for it.
 */
import { HDNodeWallet, Mnemonic } from "ethers";

import { deployHongKongLedger, type HongKongLedger, type LedgerConnection } from "../../chain/deploy.js";
import { KYC_VALIDITY_SECONDS } from "../../domain/hong-kong.js";
import { makeIsin } from "../../domain/isin.js";
import { ParticipantKind, jurisdictionBytes2 } from "../../domain/participants.js";
import {
  GovernmentBond__factory,
  WholesaleCBDC__factory,
  type GovernmentBond,
  type WholesaleCBDC,
} from "../../../typechain-types/index.js";
import type { DayShape } from "./generate.js";

/** Hardhat's default test mnemonic: the in-process network's accounts, so the bench can sign offline. */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";
/** The first trading bank's account (the Hong Kong ledger's institutions use accounts 0–8). */
const FIRST_BANK_ACCOUNT = 9;
/** Opening holding of every bank in every bond (units) and every cash token (minor units). */
export const OPENING_UNITS = 1_000_000n;
export const OPENING_CASH = 10n ** 15n;

export interface DayLedger {
  readonly ledger: HongKongLedger;
  readonly connection: LedgerConnection;
  /** The trading banks' addresses, and their keys for signing orders offline. */
  readonly banks: readonly string[];
  readonly keys: readonly HDNodeWallet[];
  /** The bonds traded (the green bond first) and the cash tokens (wHKD, wCNY). */
  readonly bonds: readonly GovernmentBond[];
  readonly cash: readonly WholesaleCBDC[];
  /** Every token the day moves, bonds first then cash, as addresses (the order of `expectedChanges`). */
  readonly tokenAddresses: readonly string[];
  readonly engineAddress: string;
  /** The settlement agent that submits every transaction of the day (the HKMA). */
  readonly agent: string;
}

async function mined(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

/** Deploys and funds a day's ledger of `shape` on `connection` (a fresh in-process network). */
export async function deployDayLedger(connection: LedgerConnection, shape: DayShape): Promise<DayLedger> {
  const ledger = await deployHongKongLedger(connection);
  const { registry, engine, wcbdc, bond, participants: P } = ledger;
  const signers = await connection.ethers.getSigners();
  const needed = FIRST_BANK_ACCOUNT + shape.participants + 1;
  if (signers.length < needed) throw new Error(`the bench day needs ${needed} accounts; the network has ${signers.length} (use --network bench)`);
  const bankSigners = signers.slice(FIRST_BANK_ACCOUNT, FIRST_BANK_ACCOUNT + shape.participants);
  const pboc = signers[FIRST_BANK_ACCOUNT + shape.participants];
  const hkma = P.hkma.signer;
  const government = P.government.signer;
  const engineAddress = await engine.getAddress();
  const registryAddress = await registry.getAddress();
  const latest = await connection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  const kycExpiry = BigInt(latest.timestamp) + BigInt(KYC_VALIDITY_SECONDS);

  // A second central bank and its wCBDC, registered with the engine by its admin (the HKMA).
  await mined(registry.registerParticipant(pboc.address, ParticipantKind.CentralBank, jurisdictionBytes2("CN"), kycExpiry));
  const wcny = await new WholesaleCBDC__factory(pboc).deploy("Wholesale e-CNY", "wCNY", "CNY", 2, registryAddress, pboc.address);
  await wcny.waitForDeployment();
  await mined(wcny.setSettlementContract(engineAddress, true));
  await mined(engine.registerWholesaleCbdc(await wcny.getAddress()));
  const cash = [wcbdc, wcny].slice(0, shape.cashTokens);

  // More bonds of the HKSAR Government, on the green bond's schedule, each registered with the engine.
  const bonds: GovernmentBond[] = [bond];
  const terms = ledger.bondTerms;
  for (let i = 1; i < shape.bonds; i++) {
    const issueNumber = `${String(3 + 2 * i).padStart(2, "0")}GB${terms.issueNumber.slice(4)}`;
    const extra = await new GovernmentBond__factory(hkma).deploy(
      {
        isin: makeIsin(`HK0${issueNumber}`),
        issueNumber,
        currency: terms.currency,
        cashToken: await wcbdc.getAddress(),
        denomination: terms.denomination,
        couponRateBps: terms.couponRateBps,
        couponFrequency: terms.couponFrequency,
        dayCount: terms.dayCount,
        issueDate: terms.issueDate,
        couponDates: [...terms.couponDates],
      },
      `HKSAR Government Bond ${issueNumber}`,
      issueNumber,
      registryAddress,
      P.government.address,
      P.hkma.address,
    );
    await extra.waitForDeployment();
    await mined(engine.registerAsset(await extra.getAddress(), P.government.address, await wcbdc.getAddress()));
    bonds.push(extra.connect(government));
  }

  // The trading banks: registered, funded, and each allowing the engine to move its tokens.
  for (const bank of bankSigners) {
    await mined(registry.registerParticipant(bank.address, ParticipantKind.CommercialBank, jurisdictionBytes2("HK"), kycExpiry));
    await mined(wcbdc.mint(bank.address, OPENING_CASH));
    await mined(wcny.mint(bank.address, OPENING_CASH));
    for (const b of bonds) await mined(b.connect(government).mint(bank.address, OPENING_UNITS));
    for (const token of [...bonds, ...cash]) await mined(token.connect(bank).approve(engineAddress, OPENING_CASH * 2n));
  }

  const seed = Mnemonic.fromPhrase(TEST_MNEMONIC).computeSeed();
  const root = HDNodeWallet.fromSeed(seed);
  const keys = bankSigners.map((s, i) => {
    const key = root.derivePath(`m/44'/60'/0'/0/${FIRST_BANK_ACCOUNT + i}`);
    if (key.address !== s.address) throw new Error(`account ${FIRST_BANK_ACCOUNT + i} is not derived from the test mnemonic`);
    return key;
  });
  return {
    ledger,
    connection,
    banks: bankSigners.map((s) => s.address),
    keys,
    bonds,
    cash,
    tokenAddresses: await Promise.all([...bonds, ...cash].map((t) => t.getAddress())),
    engineAddress,
    agent: P.hkma.address,
  };
}

/** Every bank's balance of every day token (bonds first, then cash), and the engine's (must be zero). */
export async function dayBalances(day: DayLedger): Promise<{ banks: bigint[][]; engine: bigint[] }> {
  const tokens = [...day.bonds, ...day.cash];
  const banks = await Promise.all(day.banks.map((b) => Promise.all(tokens.map((t) => t.balanceOf(b)))));
  const engine = await Promise.all(tokens.map((t) => t.balanceOf(day.engineAddress)));
  return { banks, engine };
}
