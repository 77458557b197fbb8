/**
 * npm run demo — deploys the default Hong Kong ledger on the in-process network, funds the opening
 * balances and prints participants, tokens and balances.
 */
import { network } from "hardhat";

import { deployHongKongLedger } from "../src/ledger/deploy.js";
import { fundOpeningBalances } from "../src/ledger/opening-balances.js";
import { readLedgerState } from "../src/report/ledger-state.js";
import { renderLedgerState } from "../src/report/render-ledger.js";

const connection = await network.create();
const ledger = await deployHongKongLedger(connection);
console.log(`Deployed the Hong Kong ledger on network "${connection.networkName}" (chain ${ledger.chainId}).`);
console.log(`Green bond ${ledger.bondTerms.issueNumber} (ISIN ${ledger.bondTerms.isin}): ${ledger.bondTerms.name}\n`);

await fundOpeningBalances(ledger);
console.log(renderLedgerState(await readLedgerState(ledger)));
await connection.close();
