import type { NetworkConnection } from "hardhat/types/network";

/** A Hardhat network connection the ledger is deployed on (in-process or JSON-RPC). */
export type LedgerConnection = NetworkConnection<"generic">;
