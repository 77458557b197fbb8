import {
  IntradayLiquidityFacility__factory,
  PaymentQueue__factory,
  type IntradayLiquidityFacility,
  type PaymentQueue,
} from "../../typechain-types/index.js";
import { LIQUIDITY_TERMS } from "../domain/liquidity.js";
import { jurisdictionBytes2, ParticipantKind } from "../domain/participants.js";
import { deployHongKongLedger, type DeployLedgerOptions, type HongKongLedger, type LedgerConnection } from "./deploy.js";

/** The Hong Kong ledger with the HKMA's intraday liquidity facility and the CHATS-style payment queue. */
export interface LiquidityLedger extends HongKongLedger {
  /** The intraday repo facility and Discount Window, connected as HKMA. */
  readonly facility: IntradayLiquidityFacility;
  /** The queue of interbank payments waiting for liquidity, connected as HKMA. */
  readonly queue: PaymentQueue;
}

/**
 * Deploys the default Hong Kong ledger, then the intraday liquidity facility and the payment queue,
 * and wires them: both registered in the registry as infrastructure; the government bond listed as
 * eligible collateral at its face (`denomination()`) with `LIQUIDITY_TERMS.bondHaircutBps`; the
 * Base Rate and penalty spread set; the HKMA mints `facilitySize` of wHKD into its own account and
 * approves the facility (and only the facility) for it — the facility lends from there and is
 * repaid there; it never mints.
 * @example const ledger = await deployLiquidityLedger(await network.create());
 */
export async function deployLiquidityLedger(
  connection: LedgerConnection,
  options: DeployLedgerOptions = {},
): Promise<LiquidityLedger> {
  return wireLiquidity(await deployHongKongLedger(connection, options));
}

/**
 * Deploys the intraday liquidity facility and the payment queue on an already deployed Hong Kong
 * ledger and wires them as `deployLiquidityLedger` says (used by `npm run bench` on its own ledger).
 * @example const liquidity = await wireLiquidity(await deployHongKongLedger(connection));
 */
export async function wireLiquidity(ledger: HongKongLedger): Promise<LiquidityLedger> {
  const hkma = ledger.participants.hkma;
  const facility = await new IntradayLiquidityFacility__factory(hkma.signer).deploy(
    ledger.wcbdc.target,
    ledger.registry.target,
    hkma.address,
    LIQUIDITY_TERMS.baseRateBps,
    LIQUIDITY_TERMS.penaltySpreadBps,
  );
  await facility.waitForDeployment();
  const queue = await new PaymentQueue__factory(hkma.signer).deploy(ledger.wcbdc.target, ledger.registry.target);
  await queue.waitForDeployment();

  const kyc = await ledger.registry.participantOf(hkma.address);
  for (const contract of [facility, queue]) {
    await (
      await ledger.registry.registerParticipant(contract.target, ParticipantKind.Infrastructure, jurisdictionBytes2("HK"), kyc.kycExpiry)
    ).wait();
  }
  if ((await facility.cutOff()) !== BigInt(LIQUIDITY_TERMS.cutOffSeconds)) {
    await (await facility.setCutOff(LIQUIDITY_TERMS.cutOffSeconds)).wait();
  }
  await (
    await facility.listCollateral(ledger.bond.target, await ledger.bond.denomination(), LIQUIDITY_TERMS.bondHaircutBps)
  ).wait();
  await (await ledger.wcbdc.mint(hkma.address, LIQUIDITY_TERMS.facilitySize)).wait();
  await (await ledger.wcbdc.approve(facility.target, LIQUIDITY_TERMS.facilitySize)).wait();

  const hk = ledger.chains[0];
  return {
    ...ledger,
    facility,
    queue,
    chains: [
      {
        ...hk,
        contracts: [
          ...hk.contracts,
          { key: "facility", name: "intraday liquidity facility", address: facility.target as string, iface: IntradayLiquidityFacility__factory.createInterface(), holdsTokens: true },
          { key: "queue", name: "payment queue", address: queue.target as string, iface: PaymentQueue__factory.createInterface(), holdsTokens: false },
        ],
      },
      ...ledger.chains.slice(1),
    ],
  };
}
