import { parseAbi } from "viem";

/** The parts of contracts/crosschain/HashedTimelock.sol the coordinator uses (kept in step by its tests). */
export const HTLC_ABI = parseAbi([
  "function lock(address receiver, address token, uint256 amount, bytes32 hashlock, uint64 timelock) returns (bytes32)",
  "function claim(bytes32 lockId, bytes32 preimage)",
  "function refund(bytes32 lockId)",
  "function getLock(bytes32 lockId) view returns ((address sender, address receiver, address token, uint256 amount, bytes32 hashlock, uint64 timelock, uint8 state))",
  "function lockIdOf(address sender, address receiver, address token, uint256 amount, bytes32 hashlock, uint64 timelock) view returns (bytes32)",
  "event Locked(bytes32 indexed lockId, address indexed sender, address indexed receiver, address token, uint256 amount, bytes32 hashlock, uint64 timelock)",
  "event Claimed(bytes32 indexed lockId, bytes32 preimage)",
  "event Refunded(bytes32 indexed lockId)",
]);

/** `IGovernmentBond.nextEntitlementDate`: the first record date or maturity after a time (bonds only). */
export const ENTITLEMENT_DATES_ABI = parseAbi(["function nextEntitlementDate(uint64 after_) view returns (uint64)"]);

export const ERC20_APPROVE_ABI = parseAbi(["function approve(address spender, uint256 amount) returns (bool)"]);

/** `LockState` in HashedTimelock.sol. */
export const LOCK_STATE = ["None", "Locked", "Claimed", "Refunded"] as const;
export type LockStateName = (typeof LOCK_STATE)[number];
