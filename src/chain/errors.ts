import { SandboxError, UsageError } from "../errors/base.js";

/** Errors of reaching a network and the accounts on it, each one line with the fix. */

export class NetworkUnreachableError extends SandboxError {
  override name = "NetworkUnreachableError";
  constructor(network: string, url: string, cause: unknown) {
    super(`cannot reach network "${network}" at ${url}; start it (e.g. \`npx hardhat node\`) or fix its URL`, { cause });
  }
}

export class MissingConfigurationVariableError extends SandboxError {
  override name = "MissingConfigurationVariableError";
  constructor(network: string, variable: string, cause: unknown) {
    super(`network "${network}" needs ${variable}: set it in the environment or with \`npx hardhat keystore set ${variable}\``, { cause });
  }
}

/**
 * A configuration variable that is set but unusable. Its value is never shown: it may be a secret
 * (a mnemonic, an RPC URL with an API key).
 */
export class InvalidConfigurationVariableError extends SandboxError {
  override name = "InvalidConfigurationVariableError";
  /**
   * @param problem what is wrong with the value, e.g. "is not an http(s) URL"
   * @param fix what to set instead, e.g. "set it to e.g. http://127.0.0.1:8545 or unset it"
   */
  constructor(network: string, variable: string, problem: string, fix: string, cause?: unknown) {
    super(`${variable} (network "${network}") ${problem}; ${fix}`, { cause });
  }
}

/** The node answers with another chain id than hardhat.config.ts names for the network. */
export class WrongChainIdError extends SandboxError {
  override name = "WrongChainIdError";
  constructor(network: string, url: string, expected: number, actual: number, urlVariable: string | undefined) {
    const where = urlVariable === undefined ? `the network's url in hardhat.config.ts` : urlVariable;
    super(
      `network "${network}" expects chain id ${expected} (hardhat.config.ts), but the node at ${url} is chain ${actual}; point ${where} at a node with chain id ${expected}`,
    );
  }
}

/** Both networks of a two-chain scenario are one chain (e.g. two names for one node). */
export class SameChainError extends SandboxError {
  override name = "SameChainError";
  constructor(first: string, second: string, chainId: number) {
    super(
      `networks "${first}" and "${second}" are both chain ${chainId}, but a two-chain scenario needs two separate ledgers; point "${second}" at another node, e.g. \`npx hardhat node --port 8546 --chain-id 31338\``,
    );
  }
}

/** The node has fewer accounts than the ledger has institutions. */
export class TooFewAccountsError extends SandboxError {
  override name = "TooFewAccountsError";
  constructor(network: string, has: number, needs: number, missing: readonly string[]) {
    super(
      `network "${network}" has ${has} accounts, but the ledger needs ${needs}, one per institution; start the node with more, e.g. \`anvil --accounts 20\` (\`npx hardhat node\` has 20)`,
      { metaMessages: [`Without an account: ${missing.join(", ")}.`] },
    );
  }
}

/** An institution's account that holds no ether for gas. */
export interface UnfundedAccount {
  readonly name: string;
  readonly address: string;
}

/** Accounts of the ledger's institutions that cannot pay for gas, found before deploying. */
export class UnfundedAccountsError extends SandboxError {
  override name = "UnfundedAccountsError";
  constructor(network: string, unfunded: readonly [UnfundedAccount, ...UnfundedAccount[]], of: number) {
    const [first, ...rest] = unfunded;
    const others = rest.length === 0 ? "" : ` (nor do ${rest.length} more of the ledger's ${of} accounts; --verbose lists them)`;
    super(
      `${first.name}'s account ${first.address} on network "${network}" holds no ETH to pay for gas${others}; fund each institution's account, or use a node or mnemonic whose accounts are funded`,
      { metaMessages: unfunded.map((a) => `Fund: ${a.name} ${a.address}`) },
    );
  }
}

/** Where a run was when its node stopped answering. */
export type RunPhase =
  | { readonly kind: "deploying" }
  | { readonly kind: "step"; readonly step: number }
  | { readonly kind: "reporting" };

function phaseText(phase: RunPhase): string {
  switch (phase.kind) {
    case "deploying":
      return "while deploying the ledger";
    case "step":
      return `during step ${phase.step}`;
    case "reporting":
      return "after the last step, reading the final balances";
  }
}

/** The node stopped answering in the middle of a run, however the transport reported it. */
export class ConnectionLostError extends SandboxError {
  override name = "ConnectionLostError";
  constructor(network: string, url: string, phase: RunPhase, cause: unknown) {
    super(
      `lost the connection to network "${network}" at ${url} ${phaseText(phase)}; the node stopped answering: restart it (e.g. \`npx hardhat node\`) and run the scenario again`,
      { cause },
    );
  }
}

export class UnknownNetworkError extends UsageError {
  override name = "UnknownNetworkError";
  constructor(given: string, configured: readonly string[]) {
    super(`unknown network "${given}"; configured in hardhat.config.ts: ${configured.join(", ")}`);
  }
}
