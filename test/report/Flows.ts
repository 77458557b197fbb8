import { expect } from "chai";

import { flowsOf, partiesOf, shortAddress, type Flow, type FlowChain, type FlowParty, type FlowToken } from "../../src/report/flows.js";
import type { TransactionJson } from "../../src/report/json.js";

/**
 * `flowsOf` turns a step's `Transfer` events into flows between named parties (a mint from the
 * token's issuer, a burn back to it), summed per payer, payee, token and kind; `partiesOf` lists
 * their parties once each. Pure: every input here is a hand-built literal.
 */

type MinedJson = Extract<TransactionJson, { readonly status: "success" }>;
type RevertedJson = Extract<TransactionJson, { readonly status: "reverted" }>;
type EventJson = MinedJson["events"][number];

const ZERO = "0x0000000000000000000000000000000000000000";

const CENTRAL_BANK = "0x00000000000000000000000000000000000000c1";
const HARBOUR = "0x00000000000000000000000000000000000000a1";
const KOWLOON = "0x00000000000000000000000000000000000000b2";
const FUND = "0x00000000000000000000000000000000000000f3";
/** Harbour Bank's address with its hex digits in upper case (as a checksum may spell them). */
const HARBOUR_UPPER = "0x00000000000000000000000000000000000000A1";
/** An account the chain's names do not list. */
const STRANGER = "0x1234567890abcdef1234567890abcdef12345678";

const WCBDC_ADDRESS = "0x00000000000000000000000000000000000000Aa";
const DEPOSIT_ADDRESS = "0x00000000000000000000000000000000000000Bb";
const BOND_ADDRESS = "0x00000000000000000000000000000000000000Cc";
/** A token the chain does not list. */
const OTHER_TOKEN = "0x00000000000000000000000000000000000000Dd";

const WCBDC: FlowToken = { symbol: "wCBDC", address: WCBDC_ADDRESS, kind: "wCBDC", currency: "HKD", decimals: 2 };
const DEPOSIT: FlowToken = { symbol: "HBK-HKD", address: DEPOSIT_ADDRESS, kind: "tokenizedDeposit", currency: "HKD", decimals: 2 };
const BOND: FlowToken = { symbol: "GB29", address: BOND_ADDRESS, kind: "governmentBond", currency: "HKD", decimals: 0 };

const CENTRAL_BANK_PARTY: FlowParty = { name: "Central Bank", address: CENTRAL_BANK };
const HARBOUR_PARTY: FlowParty = { name: "Harbour Bank", address: HARBOUR };
const KOWLOON_PARTY: FlowParty = { name: "Kowloon Bank", address: KOWLOON };
const FUND_PARTY: FlowParty = { name: "Fund", address: FUND };

/** The "hk" chain: three tokens, four named accounts; the central bank issues wCBDC, Harbour Bank its deposit, the bond's issuer is unknown. */
function hkChain(issuers: Readonly<Record<string, FlowParty>> = { [WCBDC_ADDRESS.toLowerCase()]: CENTRAL_BANK_PARTY, [DEPOSIT_ADDRESS.toLowerCase()]: HARBOUR_PARTY }): FlowChain {
  return {
    key: "hk",
    tokens: [WCBDC, DEPOSIT, BOND],
    names: [CENTRAL_BANK_PARTY, HARBOUR_PARTY, KOWLOON_PARTY, FUND_PARTY],
    issuerOf: (address: string) => issuers[address.toLowerCase()],
  };
}

/** A `Transfer` of `value` of the token at `token` from `from` to `to`. */
function transfer(token: string, from: string, to: string, value: string): EventJson {
  return { contract: { address: token }, name: "Transfer", args: { from, to, value } };
}

/** A mined, successful transaction on `chain` with `events`. */
function mined(events: readonly EventJson[], chain = "hk"): MinedJson {
  return {
    label: "a transaction",
    chain,
    from: { name: "Harbour Bank", address: HARBOUR },
    to: { address: WCBDC_ADDRESS },
    status: "success",
    hash: "0x" + "ab".repeat(32),
    blockNumber: 7,
    timestamp: 1_800_000_000,
    gasUsed: "51000",
    events: [...events],
  };
}

/** A transaction the chain refused while estimating its gas. */
function reverted(chain = "hk"): RevertedJson {
  return {
    label: "a refused transaction",
    chain,
    from: { name: "Harbour Bank", address: HARBOUR },
    to: { address: WCBDC_ADDRESS },
    status: "reverted",
    via: "estimateGas",
    revertData: "0x",
  };
}

/** The expected flow, spelled out. */
function flow(token: FlowToken, kind: Flow["kind"], from: FlowParty, to: FlowParty, amount: bigint, count = 1, chain = "hk"): Flow {
  return { chain, token, kind, from, to, amount, count };
}

describe("report flows", function () {
  describe("shortAddress", function () {
    it("keeps 0x and four hex digits, an ellipsis, and the last four digits", function () {
      expect(shortAddress(STRANGER)).to.equal("0x1234…5678");
      expect(shortAddress("0xAbCdEf0000000000000000000000000000009876")).to.equal("0xAbCd…9876");
    });
  });

  describe("flowsOf", function () {
    it("reads a transfer between two named holders as one flow between them", function () {
      const flows = flowsOf([mined([transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "150000")])], hkChain());
      expect(flows).to.deep.equal([flow(WCBDC, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 150_000n)]);
    });

    it("matches tokens and names whatever the case of their addresses", function () {
      const flows = flowsOf([mined([transfer(WCBDC_ADDRESS.toLowerCase(), HARBOUR_UPPER, KOWLOON, "5")])], hkChain());
      expect(flows).to.have.length(1);
      expect(flows[0].token).to.equal(WCBDC);
      expect(flows[0].from).to.deep.equal({ name: "Harbour Bank", address: HARBOUR_UPPER });
      expect(flows[0].to).to.deep.equal(KOWLOON_PARTY);
    });

    it("names a holder the chain does not know by its shortened address", function () {
      const flows = flowsOf([mined([transfer(BOND_ADDRESS, FUND, STRANGER, "3")])], hkChain());
      expect(flows).to.deep.equal([flow(BOND, "transfer", FUND_PARTY, { name: "0x1234…5678", address: STRANGER }, 3n)]);
    });

    it("reads a mint from the zero address as a flow from the token's issuer", function () {
      const flows = flowsOf([mined([transfer(WCBDC_ADDRESS, ZERO, HARBOUR, "1000000")])], hkChain());
      expect(flows).to.deep.equal([flow(WCBDC, "mint", CENTRAL_BANK_PARTY, HARBOUR_PARTY, 1_000_000n)]);
    });

    it("reads a burn to the zero address as a flow back to the token's issuer", function () {
      const flows = flowsOf([mined([transfer(DEPOSIT_ADDRESS, KOWLOON, ZERO, "2500")])], hkChain());
      expect(flows).to.deep.equal([flow(DEPOSIT, "burn", KOWLOON_PARTY, HARBOUR_PARTY, 2_500n)]);
    });

    it("names an unknown issuer after the token, at the zero address, for mints and burns", function () {
      const issuer: FlowParty = { name: "GB29 issuer", address: ZERO };
      const flows = flowsOf([mined([transfer(BOND_ADDRESS, ZERO, FUND, "10"), transfer(BOND_ADDRESS, FUND, ZERO, "4")])], hkChain());
      expect(flows).to.deep.equal([flow(BOND, "mint", issuer, FUND_PARTY, 10n), flow(BOND, "burn", FUND_PARTY, issuer, 4n)]);
    });

    it("asks the chain for the issuer by the token's listed address", function () {
      const asked: string[] = [];
      const chain: FlowChain = {
        ...hkChain(),
        issuerOf: (address: string) => {
          asked.push(address);
          return CENTRAL_BANK_PARTY;
        },
      };
      flowsOf([mined([transfer(WCBDC_ADDRESS.toLowerCase(), ZERO, HARBOUR, "1")])], chain);
      expect(asked).to.deep.equal([WCBDC_ADDRESS]);
    });

    it("leaves out transfers of tokens the chain does not list", function () {
      const flows = flowsOf([mined([transfer(OTHER_TOKEN, HARBOUR, KOWLOON, "100"), transfer(OTHER_TOKEN, ZERO, HARBOUR, "100")])], hkChain());
      expect(flows).to.deep.equal([]);
    });

    it("leaves out events other than Transfer, even with from, to and value", function () {
      const approval: EventJson = { contract: { address: WCBDC_ADDRESS }, name: "Approval", args: { from: HARBOUR, to: KOWLOON, value: "100" } };
      expect(flowsOf([mined([approval])], hkChain())).to.deep.equal([]);
    });

    it("leaves out a Transfer whose from, to or value is not a string", function () {
      const events: EventJson[] = [
        { contract: { address: WCBDC_ADDRESS }, name: "Transfer", args: { from: HARBOUR, to: KOWLOON, value: true } },
        { contract: { address: WCBDC_ADDRESS }, name: "Transfer", args: { from: [HARBOUR], to: KOWLOON, value: "1" } },
        { contract: { address: WCBDC_ADDRESS }, name: "Transfer", args: { from: HARBOUR, value: "1" } },
        // Positional arguments (an ABI without names) are not read.
        { contract: { address: WCBDC_ADDRESS }, name: "Transfer", args: { "0": HARBOUR, "1": KOWLOON, "2": "1" } },
      ];
      expect(flowsOf([mined(events)], hkChain())).to.deep.equal([]);
    });

    it("leaves out reverted transactions, even one that somehow carries events", function () {
      const withEvents = { ...reverted(), events: [transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "100")] };
      expect(flowsOf([reverted(), withEvents], hkChain())).to.deep.equal([]);
    });

    it("leaves out other chains' transactions", function () {
      const flows = flowsOf([mined([transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "100")], "sg"), mined([transfer(WCBDC_ADDRESS, KOWLOON, FUND, "7")])], hkChain());
      expect(flows).to.deep.equal([flow(WCBDC, "transfer", KOWLOON_PARTY, FUND_PARTY, 7n)]);
    });

    it("tags each flow with the chain's key", function () {
      const sg: FlowChain = { ...hkChain(), key: "sg" };
      expect(flowsOf([mined([transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "100")], "sg")], sg)).to.deep.equal([
        flow(WCBDC, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 100n, 1, "sg"),
      ]);
    });

    it("leaves out zero amounts and self-transfers (whatever the case of the addresses)", function () {
      const flows = flowsOf(
        [
          mined([
            transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "0"),
            transfer(WCBDC_ADDRESS, ZERO, HARBOUR, "0"),
            transfer(WCBDC_ADDRESS, HARBOUR, HARBOUR, "100"),
            transfer(WCBDC_ADDRESS, HARBOUR, HARBOUR_UPPER, "100"),
            transfer(WCBDC_ADDRESS, ZERO, ZERO, "100"),
          ]),
        ],
        hkChain(),
      );
      expect(flows).to.deep.equal([]);
    });

    it("sums repeated flows across events and transactions (whatever the case of the addresses), counting them", function () {
      const flows = flowsOf(
        [
          mined([transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "100"), transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "250")]),
          mined([transfer(WCBDC_ADDRESS.toLowerCase(), HARBOUR_UPPER, KOWLOON, "50")]),
        ],
        hkChain(),
      );
      expect(flows).to.deep.equal([flow(WCBDC, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 400n, 3)]);
    });

    it("sums exactly beyond the range of a double", function () {
      const flows = flowsOf([mined([transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "9007199254740993"), transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "1")])], hkChain());
      expect(flows).to.have.length(1);
      expect(flows[0].amount).to.equal(9_007_199_254_740_994n);
      expect(flows[0].count).to.equal(2);
    });

    it("sums repeated mints and burns per token", function () {
      const flows = flowsOf(
        [mined([transfer(WCBDC_ADDRESS, ZERO, HARBOUR, "10"), transfer(WCBDC_ADDRESS, HARBOUR, ZERO, "3"), transfer(WCBDC_ADDRESS, ZERO, HARBOUR, "20"), transfer(WCBDC_ADDRESS, HARBOUR, ZERO, "4")])],
        hkChain(),
      );
      expect(flows).to.deep.equal([flow(WCBDC, "mint", CENTRAL_BANK_PARTY, HARBOUR_PARTY, 30n, 2), flow(WCBDC, "burn", HARBOUR_PARTY, CENTRAL_BANK_PARTY, 7n, 2)]);
    });

    it("keeps flows apart by direction, token and kind", function () {
      const flows = flowsOf(
        [
          mined([
            transfer(WCBDC_ADDRESS, HARBOUR, KOWLOON, "1"),
            transfer(WCBDC_ADDRESS, KOWLOON, HARBOUR, "2"),
            transfer(DEPOSIT_ADDRESS, HARBOUR, KOWLOON, "3"),
            // The central bank paying Harbour Bank wCBDC it holds is a transfer, not a mint.
            transfer(WCBDC_ADDRESS, CENTRAL_BANK, HARBOUR, "4"),
            transfer(WCBDC_ADDRESS, ZERO, HARBOUR, "5"),
          ]),
        ],
        hkChain(),
      );
      expect(flows).to.deep.equal([
        flow(WCBDC, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 1n),
        flow(WCBDC, "transfer", KOWLOON_PARTY, HARBOUR_PARTY, 2n),
        flow(DEPOSIT, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 3n),
        flow(WCBDC, "transfer", CENTRAL_BANK_PARTY, HARBOUR_PARTY, 4n),
        flow(WCBDC, "mint", CENTRAL_BANK_PARTY, HARBOUR_PARTY, 5n),
      ]);
    });

    it("lists flows in the order of their first transfer", function () {
      const flows = flowsOf(
        [
          mined([transfer(BOND_ADDRESS, FUND, KOWLOON, "1"), transfer(WCBDC_ADDRESS, KOWLOON, FUND, "100")]),
          mined([transfer(DEPOSIT_ADDRESS, ZERO, KOWLOON, "9"), transfer(BOND_ADDRESS, FUND, KOWLOON, "2")]),
        ],
        hkChain(),
      );
      expect(flows).to.deep.equal([
        flow(BOND, "transfer", FUND_PARTY, KOWLOON_PARTY, 3n, 2),
        flow(WCBDC, "transfer", KOWLOON_PARTY, FUND_PARTY, 100n),
        flow(DEPOSIT, "mint", HARBOUR_PARTY, KOWLOON_PARTY, 9n),
      ]);
    });

    it("has no flows for no transactions, or transactions without events", function () {
      expect(flowsOf([], hkChain())).to.deep.equal([]);
      expect(flowsOf([mined([])], hkChain())).to.deep.equal([]);
    });
  });

  describe("partiesOf", function () {
    it("lists each party once, in order of first appearance, payer before payee", function () {
      const flows = [
        flow(WCBDC, "transfer", KOWLOON_PARTY, HARBOUR_PARTY, 1n),
        flow(WCBDC, "transfer", HARBOUR_PARTY, FUND_PARTY, 1n),
        flow(DEPOSIT, "transfer", FUND_PARTY, KOWLOON_PARTY, 1n),
        flow(WCBDC, "mint", CENTRAL_BANK_PARTY, FUND_PARTY, 1n),
      ];
      expect(partiesOf(flows)).to.deep.equal([KOWLOON_PARTY, HARBOUR_PARTY, FUND_PARTY, CENTRAL_BANK_PARTY]);
    });

    it("puts a flow's payer before its payee", function () {
      expect(partiesOf([flow(WCBDC, "transfer", FUND_PARTY, HARBOUR_PARTY, 1n)])).to.deep.equal([FUND_PARTY, HARBOUR_PARTY]);
      expect(partiesOf([flow(WCBDC, "transfer", HARBOUR_PARTY, FUND_PARTY, 1n)])).to.deep.equal([HARBOUR_PARTY, FUND_PARTY]);
    });

    it("treats addresses that differ only in case as one party, keeping the first spelling", function () {
      const shouting: FlowParty = { name: "Harbour Bank", address: HARBOUR_UPPER };
      expect(partiesOf([flow(WCBDC, "transfer", HARBOUR_PARTY, KOWLOON_PARTY, 1n), flow(WCBDC, "transfer", KOWLOON_PARTY, shouting, 1n)])).to.deep.equal([
        HARBOUR_PARTY,
        KOWLOON_PARTY,
      ]);
    });

    it("keeps two unknown issuers apart although both stand at the zero address", function () {
      const bondIssuer: FlowParty = { name: "GB29 issuer", address: ZERO };
      const otherIssuer: FlowParty = { name: "wCBDC issuer", address: ZERO };
      const flows = flowsOf([mined([transfer(BOND_ADDRESS, ZERO, FUND, "1"), transfer(WCBDC_ADDRESS, ZERO, FUND, "1")])], hkChain({}));
      expect(partiesOf(flows)).to.deep.equal([bondIssuer, FUND_PARTY, otherIssuer]);
    });

    it("has no parties for no flows", function () {
      expect(partiesOf([])).to.deep.equal([]);
    });
  });
});
