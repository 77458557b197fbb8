import type { Signer, TypedDataDomain } from "ethers";

import type { FundDealing } from "../../typechain-types/index.js";
import { NAV_STRIKE_TYPES, RTGS_CONFIRMATION_TYPES, type NavStrike, type RtgsConfirmation } from "../domain/money-market-fund.js";

/** The EIP-712 domain of a fund's dealing contract. */
export async function fundDomain(dealing: FundDealing): Promise<TypedDataDomain> {
  const domain = await dealing.eip712Domain();
  return { name: domain.name, version: domain.version, chainId: domain.chainId, verifyingContract: domain.verifyingContract };
}

/**
 * The fund administrator's EIP-712 signature over a NAV, as `FundDealing.publishNav` verifies it.
 * @example const signature = await signNav(administrator, dealing, { fund, dealingDay, navPerUnit: 100_123n, struckAt, validUntil });
 */
export async function signNav(signer: Signer, dealing: FundDealing, nav: NavStrike): Promise<string> {
  return signer.signTypedData(await fundDomain(dealing), NAV_STRIKE_TYPES, { ...nav });
}

/**
 * The RTGS operator's EIP-712 signature over its confirmation of an earmarked interbank payment.
 * @example const signature = await signRtgsConfirmation(operator, dealing, { orderId, paymentRef, payerBank, payeeBank, amount, settledAt });
 */
export async function signRtgsConfirmation(signer: Signer, dealing: FundDealing, confirmation: RtgsConfirmation): Promise<string> {
  return signer.signTypedData(await fundDomain(dealing), RTGS_CONFIRMATION_TYPES, { ...confirmation });
}
