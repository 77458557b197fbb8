import { expect } from "chai";
import { id as keccakId, type ContractTransactionReceipt } from "ethers";

import {
  FAILURE_REASON,
  TRADE_STATUS,
  type FailureReasonName,
  type Trade,
  type TradeStatusName,
} from "../../src/domain/trade.js";
import { networkHelpers } from "../helpers/ledger-fixture.js";
import {
  DAY,
  changes,
  chainNow,
  dvpMoves,
  legOf,
  loadSettlementLedger,
  mined,
  nextTradeRef,
  partiesOf,
  reach,
  reasonOf,
  recordOf,
  statusOf,
  tradeIdOf,
  type Balances,
  type SettlementLedger,
  type TokenLabel,
} from "../helpers/settlement-fixture.js";

/**
 * Netting batches (contracts/settlement/NettingBatch.sol): a settlement agent settles many matched,
 * due trades in one transaction, moving one net amount per participant and token — like a CSD's
 * night-time batch (DOMAIN.md §5). The result must equal settling the same trades one by one,
 * failures included; netting only needs fewer movements and less liquidity.
 *
 * Policy — skip the trade, fail the batch only for a net debit: a member that `settle` would refuse
 * (not matched, settled elsewhere, cancelled, not yet due) or would leave `Expired`, or one of whose
 * gross legs breaks a token's rules (`Failed` with the reason: paused, frozen, not eligible, matured)
 * is skipped with `TradeSkippedInBatch`, exactly as `settle` would leave it; the others settle net.
 * So is a member whose payer on a leg has not approved the engine for that leg's gross amount
 * (`Failed`, MissingApproval: its consent withdrawn stops its own trade, not the others'). A net
 * debit the engine cannot collect (balance, an allowance short of the net sum of several legs, the
 * engine not accepted as a holder) reverts the whole batch, moving nothing.
 *
 * The batch below, among the three banks, paying in wCBDC (prices per HK$50,000 unit):
 *
 *   trade  seller        buyer         units  price (HKD)  amount (minor units)
 *   B1     Harbour Bank  Victoria Bank  100    49,750.00    497,500,000
 *   B2     Victoria Bank Lion Rock Bank  60    49,800.00    298,800,000
 *   B3     Lion Rock     Harbour Bank    30    49,900.00    149,700,000
 *   B4     Victoria Bank Harbour Bank    40    49,700.00    198,800,000
 *
 * Net bond units: Harbour −100 +30 +40 = −30; Victoria +100 −60 −40 = 0; Lion Rock +60 −30 = +30.
 * Net wCBDC:      Harbour +497,500,000 −149,700,000 −198,800,000 = +149,000,000
 *                 Victoria −497,500,000 +298,800,000 +198,800,000 = +100,000
 *                 Lion Rock −298,800,000 +149,700,000             = −149,100,000   (sum 0)
 * Gross: 4 trades × 2 legs = 8 movements. Net: bond 2 (Harbour pays in, Lion Rock is paid out),
 * wCBDC 3 (Lion Rock pays in, Harbour and Victoria are paid out) = 5.
 */

const { time } = networkHelpers;

const SETTLEMENT_AGENT_ROLE = keccakId("SETTLEMENT_AGENT_ROLE");
const TRANSFER_TOPIC = keccakId("Transfer(address,address,uint256)");

/** Lion Rock Bank's net wCBDC debit in the batch. */
const LION_ROCK_NET_DEBIT = 149_100_000n;

/** The net movements worked out in the header. */
const NET_MOVES: Balances = {
  "bond:harbourBank": -30n,
  "bond:lionRockBank": 30n,
  "wHKD:harbourBank": 149_000_000n,
  "wHKD:victoriaBank": 100_000n,
  "wHKD:lionRockBank": -LION_ROCK_NET_DEBIT,
};

interface Batch {
  readonly trades: readonly Trade[];
  readonly settlementDate: bigint;
}

/** The four trades of the header, with a settlement date an hour ahead and expiry a day ahead. */
async function batchTrades(f: SettlementLedger): Promise<Batch> {
  const now = await chainNow();
  const settlementDate = now + 3_600n;
  const p = f.participants;
  const leg = (seller: string, buyer: string, quantity: bigint, price: bigint): Promise<Trade> =>
    f.makeTrade({
      seller,
      buyer,
      quantity,
      amount: quantity * price,
      buyerCash: f.wcbdcAddress,
      sellerCash: f.wcbdcAddress,
      settlementDate,
      expiry: now + DAY,
    });
  const trades = [
    await leg(p.harbourBank.address, p.victoriaBank.address, 100n, 4_975_000n),
    await leg(p.victoriaBank.address, p.lionRockBank.address, 60n, 4_980_000n),
    await leg(p.lionRockBank.address, p.harbourBank.address, 30n, 4_990_000n),
    await leg(p.victoriaBank.address, p.harbourBank.address, 40n, 4_970_000n),
  ];
  return { trades, settlementDate };
}

/** Both sides instruct `trade`. */
async function match(f: SettlementLedger, trade: Trade): Promise<void> {
  const { seller, buyer } = partiesOf(f, trade);
  await mined(f.engine.connect(seller).instruct(trade));
  await mined(f.engine.connect(buyer).instruct(trade));
}

/** The four trades matched, and the clock moved to their settlement date. */
async function matchedBatch(f: SettlementLedger): Promise<Batch> {
  const batch = await batchTrades(f);
  for (const t of batch.trades) await match(f, t);
  await time.increaseTo(batch.settlementDate);
  return batch;
}

async function statuses(f: SettlementLedger, trades: readonly Trade[]): Promise<bigint[]> {
  return Promise.all(trades.map(async (t) => (await f.engine.tradeRecord(tradeIdOf(t))).status));
}

/** The revert data of a failed call (ethers' CALL_EXCEPTION and Hardhat's SolidityError both carry it). */
function revertData(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  return typeof error.data === "string" ? error.data : undefined;
}

/** A member skipped by a batch, as `TradeSkippedInBatch` reports it. */
interface Skip {
  readonly id: string;
  readonly status: TradeStatusName;
  readonly reason: FailureReasonName;
}

/** The engine's batch events in `receipt`: ids settled in the batch and members skipped, in order. */
function batchEvents(f: SettlementLedger, receipt: ContractTransactionReceipt): { settled: string[]; skipped: Skip[] } {
  const settled: string[] = [];
  const skipped: Skip[] = [];
  for (const log of receipt.logs) {
    if (log.address !== f.engineAddress) continue;
    const event = f.engine.interface.parseLog(log);
    if (event?.name === "TradeSettledInBatch") settled.push(String(event.args.tradeId));
    if (event?.name === "TradeSkippedInBatch") {
      skipped.push({
        id: String(event.args.tradeId),
        status: TRADE_STATUS[Number(event.args.status)],
        reason: FAILURE_REASON[Number(event.args.reason)],
      });
    }
  }
  return { settled, skipped };
}

/** Every token's address, by snapshot label. */
function tokenAddresses(f: SettlementLedger): Record<TokenLabel, string> {
  return {
    wHKD: f.wcbdcAddress,
    hbHKD: f.depositAddress.harbourBank,
    vbHKD: f.depositAddress.victoriaBank,
    lrHKD: f.depositAddress.lionRockBank,
    bond: f.bondAddress,
  };
}

/**
 * Number of `Transfer` events touching each participant, per token, in `receipt`, keyed like the
 * balance snapshots (`"wHKD:harbourBank"`). The engine's own side of each movement is left out.
 */
function transferCounts(f: SettlementLedger, receipt: ContractTransactionReceipt): Record<string, number> {
  const tokenLabel = new Map(Object.entries(tokenAddresses(f)).map(([label, address]) => [address, label]));
  const holderName = new Map(Object.entries(f.holders).map(([name, address]) => [address.toLowerCase(), name]));
  const counts: Record<string, number> = {};
  for (const log of receipt.logs) {
    const label = tokenLabel.get(log.address);
    if (label === undefined || log.topics[0] !== TRANSFER_TOPIC) continue;
    for (const topic of [log.topics[1], log.topics[2]]) {
      const name = holderName.get(`0x${topic.slice(26)}`.toLowerCase());
      if (name === undefined || name === "engine") continue;
      const key = `${label}:${name}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

function transferLogCount(f: SettlementLedger, receipt: ContractTransactionReceipt): number {
  const tokens = new Set(Object.values(tokenAddresses(f)));
  return receipt.logs.filter((l) => tokens.has(l.address) && l.topics[0] === TRANSFER_TOPIC).length;
}

async function settleBatch(f: SettlementLedger, trades: readonly Trade[]): Promise<ContractTransactionReceipt> {
  const receipt = await (await f.engine.settleBatch([...trades])).wait();
  if (receipt === null) throw new Error("settleBatch was not mined");
  return receipt;
}

/** Asserts that settling `trades` as a batch reverts with `error(args)`, moving and settling nothing. */
async function expectBatchRefused(
  f: SettlementLedger,
  trades: readonly Trade[],
  error: string,
  args: readonly unknown[],
): Promise<void> {
  const before = await f.snapshot();
  const statusesBefore = await statuses(f, trades);
  await expect(f.engine.settleBatch([...trades]))
    .to.be.revertedWithCustomError(f.engine, error)
    .withArgs(...args);
  expect(await f.snapshot()).to.deep.equal(before, "a refused batch moved a balance");
  expect(await statuses(f, trades)).to.deep.equal(statusesBefore, "a refused batch changed a trade's status");
  expect(await f.engine.batchCount()).to.equal(0n);
}

describe("NettingBatch (settlement engine)", function () {
  describe("a batch of matched, due trades among banks in wCBDC", function () {
    it("settles as one net movement per participant and token, with its report", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([...trades]);
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 4n, 0n, 8n, 5n);
      await expect(tx).not.to.emit(f.engine, "TradeSkippedInBatch");
      for (const t of trades) {
        await expect(tx).to.emit(f.engine, "TradeSettledInBatch").withArgs(tradeIdOf(t), 1n);
      }
      const receipt = await (await tx).wait();
      if (receipt === null) throw new Error("settleBatch was not mined");
      const block = await receipt.getBlock();

      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
      expect(await statuses(f, trades)).to.deep.equal(trades.map(() => statusOf("Settled")));
      expect(await f.engine.batchCount()).to.equal(1n);
      const report = await f.engine.batchReport(1n);
      expect([
        report.tradeCount,
        report.skipped,
        report.grossTransfers,
        report.netTransfers,
        report.settledAt,
      ]).to.deep.equal([4n, 0n, 8n, 5n, BigInt(block.timestamp)]);
      // The engine held the netted tokens only within the transaction.
      expect(await f.bond.balanceOf(f.engineAddress)).to.equal(0n);
      expect(await f.wcbdc.balanceOf(f.engineAddress)).to.equal(0n);
    });

    it("ends with exactly the balances of settling the same trades one by one", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const start = await networkHelpers.takeSnapshot();

      const batchReceipt = await settleBatch(f, trades);
      const netted = await f.snapshot();
      const nettedStatuses = await statuses(f, trades);

      await start.restore();
      expect(await statuses(f, trades)).to.deep.equal(trades.map(() => statusOf("Matched")));
      let grossTransfers = 0;
      for (const t of trades) {
        const tx = f.engine.settle(t);
        await expect(tx).to.emit(f.engine, "TradeSettled");
        const receipt = await (await tx).wait();
        if (receipt === null) throw new Error("settle was not mined");
        grossTransfers += transferLogCount(f, receipt);
      }
      const oneByOne = await f.snapshot();

      expect(netted).to.deep.equal(oneByOne);
      expect(nettedStatuses).to.deep.equal(await statuses(f, trades));
      // Gross settlement moved 8 times; the batch 5 times.
      expect(grossTransfers).to.equal(8);
      expect(transferLogCount(f, batchReceipt)).to.equal(5);
    });

    it("moves each participant's balance at most once per token", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const receipt = await settleBatch(f, trades);
      // Victoria Bank's bond position nets to zero, so its bond balance does not move at all.
      expect(transferCounts(f, receipt)).to.deep.equal({
        "bond:harbourBank": 1,
        "bond:lionRockBank": 1,
        "wHKD:lionRockBank": 1,
        "wHKD:harbourBank": 1,
        "wHKD:victoriaBank": 1,
      });
    });

    it("needs only the net liquidity: settles where trade-by-trade settlement fails for lack of wCBDC", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      // Lion Rock Bank keeps exactly its net debit; buying in B2 alone needs 298,800,000.
      const lionRock = f.participants.lionRockBank;
      const held = await f.wcbdc.balanceOf(lionRock.address);
      await mined(f.wcbdc.connect(lionRock.signer).transfer(f.participants.hkma.address, held - LION_ROCK_NET_DEBIT));
      const start = await networkHelpers.takeSnapshot();

      const before = await f.snapshot();
      await mined(f.engine.settleBatch([...trades]));
      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
      expect(await f.wcbdc.balanceOf(lionRock.address)).to.equal(0n);

      await start.restore();
      await mined(f.engine.settle(trades[0]));
      await expect(f.engine.settle(trades[1]))
        .to.emit(f.engine, "TradeSettlementFailed")
        .withArgs(tradeIdOf(trades[1]), reasonOf("InsufficientCash"), (data: string) => data.length > 2);
    });

    it("settles a trade that failed before, once the cause is fixed", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      // B4 is retried alone first, while Victoria Bank's bonds are frozen: it fails.
      const hkma = f.participants.hkma.signer;
      await mined(f.bond.connect(hkma).setFrozen(f.participants.victoriaBank.address, true));
      await mined(f.engine.settle(trades[3]));
      expect((await f.engine.tradeRecord(tradeIdOf(trades[3]))).status).to.equal(statusOf("Failed"));
      await mined(f.bond.connect(hkma).setFrozen(f.participants.victoriaBank.address, false));

      const before = await f.snapshot();
      await expect(f.engine.settleBatch([...trades]))
        .to.emit(f.engine, "BatchSettled")
        .withArgs(1n, 4n, 0n, 8n, 5n);
      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
      expect((await recordOf(f, trades[3])).status).to.equal("Settled");
    });

    // Regression (review of the rework): a batch marked a previously failed member Settled but kept
    // its last failure reason, where `settle` and `settleSigned` reset it to None.
    it("leaves no stale failure reason on a trade that failed before and settles in a batch, as `settle` does", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const hkma = f.participants.hkma.signer;
      await mined(f.bond.connect(hkma).setFrozen(f.participants.victoriaBank.address, true));
      await mined(f.engine.settle(trades[3]));
      expect(await recordOf(f, trades[3])).to.deep.equal({ status: "Failed", reason: "AccountFrozen" });
      await mined(f.bond.connect(hkma).setFrozen(f.participants.victoriaBank.address, false));
      const start = await networkHelpers.takeSnapshot();

      await mined(f.engine.settle(trades[3]));
      const bySettle = await recordOf(f, trades[3]);
      expect(bySettle).to.deep.equal({ status: "Settled", reason: "None" });

      await start.restore();
      await mined(f.engine.settleBatch([...trades]));
      expect(await recordOf(f, trades[3])).to.deep.equal(bySettle);
    });
  });

  describe("skip policy: a member that cannot settle is skipped, the others settle", function () {
    /** A fifth member that cannot settle, built after the four are matched and due. */
    const SKIPPED: readonly {
      title: string;
      given(f: SettlementLedger, batch: Batch): Promise<{ trades: Trade[]; extra: Trade }>;
      /** What `TradeSkippedInBatch` reports, and the extra member's record after the batch. */
      skip: { status: TradeStatusName; reason: FailureReasonName };
      record: { status: TradeStatusName; reason: FailureReasonName };
    }[] = [
      {
        title: "is unmatched (only the seller instructed)",
        async given(f, { trades }) {
          const extra = await f.makeTrade({ ...trades[0], tradeRef: nextTradeRef() });
          await mined(f.engine.connect(partiesOf(f, extra).seller).instruct(extra));
          return { trades: [...trades, extra], extra };
        },
        skip: { status: "Pending", reason: "None" },
        record: { status: "Pending", reason: "None" },
      },
      {
        title: "was never instructed",
        async given(f, { trades }) {
          const extra = await f.makeTrade({ ...trades[1], tradeRef: nextTradeRef() });
          return { trades: [...trades, extra], extra };
        },
        skip: { status: "None", reason: "None" },
        record: { status: "None", reason: "None" },
      },
      {
        title: "is not yet due",
        async given(f, { trades }) {
          const now = await chainNow();
          const extra = await f.makeTrade({
            ...trades[0],
            tradeRef: nextTradeRef(),
            settlementDate: now + DAY,
            expiry: now + 2n * DAY,
          });
          await match(f, extra);
          return { trades: [...trades, extra], extra };
        },
        skip: { status: "Matched", reason: "None" },
        record: { status: "Matched", reason: "None" },
      },
      {
        title: "has expired (it becomes Expired, CANS)",
        async given(f, { trades }) {
          const now = await chainNow();
          const extra = await f.makeTrade({
            ...trades[2],
            tradeRef: nextTradeRef(),
            quantity: 1n,
            // Minutes, not seconds: the first block after a fixture restore takes the wall clock's time.
            settlementDate: now + 1_800n,
            expiry: now + 2_400n,
          });
          await match(f, extra);
          await time.increaseTo(extra.expiry + 1n);
          return { trades: [...trades, extra], extra };
        },
        skip: { status: "Expired", reason: "Expired" },
        record: { status: "Expired", reason: "Expired" },
      },
      {
        title: "has already settled in its matching instruction",
        async given(f, { trades }) {
          const extra = await f.makeTrade({
            ...trades[0],
            tradeRef: nextTradeRef(),
            quantity: 1n,
            settlementDate: await chainNow(),
          });
          await match(f, extra); // due at once: settles in the matching instruction
          return { trades: [...trades, extra], extra };
        },
        skip: { status: "Settled", reason: "None" },
        record: { status: "Settled", reason: "None" },
      },
      {
        title: "appears twice (the second time; the trade settles once)",
        async given(_f, { trades }) {
          return { trades: [...trades, trades[1]], extra: trades[1] };
        },
        skip: { status: "Settled", reason: "None" },
        record: { status: "Settled", reason: "None" },
      },
    ];
    for (const c of SKIPPED) {
      it(`skips a member that ${c.title}, and settles the others net`, async function () {
        const f = await loadSettlementLedger();
        const batch = await matchedBatch(f);
        const { trades, extra } = await c.given(f, batch);
        const extraId = tradeIdOf(extra);

        const before = await f.snapshot();
        const tx = f.engine.settleBatch([...trades]);
        await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 4n, 1n, 8n, 5n);
        await expect(tx)
          .to.emit(f.engine, "TradeSkippedInBatch")
          .withArgs(extraId, 1n, statusOf(c.skip.status), reasonOf(c.skip.reason));
        const receipt = await (await tx).wait();
        if (receipt === null) throw new Error("settleBatch was not mined");
        const events = batchEvents(f, receipt);
        expect(events.settled).to.deep.equal(batch.trades.map(tradeIdOf));
        expect(events.skipped).to.deep.equal([{ id: extraId, ...c.skip }]);

        expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
        expect(await statuses(f, batch.trades)).to.deep.equal(batch.trades.map(() => statusOf("Settled")));
        expect(await recordOf(f, extra)).to.deep.equal(c.record);
        expect((await f.engine.batchReport(1n)).skipped).to.equal(1n);
      });
    }

    it("finding 10: one party cancelling an unmatched member no longer reverts the batch: it is skipped (Cancelled), the others settle", async function () {
      const f = await loadSettlementLedger();
      const batch = await matchedBatch(f);
      const extra = await f.makeTrade({ ...batch.trades[3], tradeRef: nextTradeRef() });
      const { seller, buyer } = partiesOf(f, extra);
      await mined(f.engine.connect(seller).instruct(extra));
      await mined(f.engine.connect(buyer).cancel(extra));

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([...batch.trades, extra]);
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 4n, 1n, 8n, 5n);
      await expect(tx)
        .to.emit(f.engine, "TradeSkippedInBatch")
        .withArgs(tradeIdOf(extra), 1n, statusOf("Cancelled"), reasonOf("None"));
      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
      expect(await statuses(f, batch.trades)).to.deep.equal(batch.trades.map(() => statusOf("Settled")));
      expect(await recordOf(f, extra)).to.deep.equal({ status: "Cancelled", reason: "None" });
    });

    it("finding 10: a stranger settling one member first no longer reverts the batch: that member is skipped (Settled), the others settle", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const before = await f.snapshot();
      // Anyone may settle a matched, due trade: here an address on no list of the ledger.
      await expect(f.engine.connect(f.outsider).settle(trades[1])).to.emit(f.engine, "TradeSettled");

      const tx = f.engine.settleBatch([...trades]);
      // B1, B3 and B4 net: bond Harbour −30, Victoria +60, Lion Rock −30; wHKD three positions.
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 3n, 1n, 6n, 6n);
      await expect(tx)
        .to.emit(f.engine, "TradeSkippedInBatch")
        .withArgs(tradeIdOf(trades[1]), 1n, statusOf("Settled"), reasonOf("None"));
      await expect(tx).not.to.emit(f.engine, "TradeSettled");
      // B2 moved once (by the stranger's settle), the others once (in the batch): together, the net moves.
      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
      expect(await statuses(f, trades)).to.deep.equal(trades.map(() => statusOf("Settled")));
    });
  });

  describe("compliance on every gross leg (issue #9, finding 5)", function () {
    it("finding 5: a batch with trades of a paused bond skips them (Failed/Paused), moving nothing, and settles them once unpaused", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const hkma = f.participants.hkma.signer;
      await mined(f.bond.connect(hkma).pause());
      const paused = f.bond.interface.encodeErrorResult("EnforcedPause", []);

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([...trades]);
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 0n, 4n, 0n, 0n);
      for (const t of trades) {
        await expect(tx)
          .to.emit(f.engine, "TradeSkippedInBatch")
          .withArgs(tradeIdOf(t), 1n, statusOf("Failed"), reasonOf("Paused"));
        await expect(tx).to.emit(f.engine, "TradeSettlementFailed").withArgs(tradeIdOf(t), reasonOf("Paused"), paused);
        expect(await recordOf(f, t)).to.deep.equal({ status: "Failed", reason: "Paused" });
      }
      expect(await f.snapshot()).to.deep.equal(before, "a paused bond moved in a batch");

      await mined(f.bond.connect(hkma).unpause());
      await expect(f.engine.settleBatch([...trades]))
        .to.emit(f.engine, "BatchSettled")
        .withArgs(2n, 4n, 0n, 8n, 5n);
      expect(changes(before, await f.snapshot())).to.deep.equal(NET_MOVES);
    });

    it("finding 5: a holder frozen on the bond who sells 10 and buys 10 in one batch has both trades skipped (Failed/AccountFrozen) and pockets nothing", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const now = await chainNow();
      const settlementDate = now + 3_600n;
      const bankTrade = (seller: string, buyer: string, quantity: bigint, price: bigint): Promise<Trade> =>
        f.makeTrade({
          seller,
          buyer,
          quantity,
          amount: quantity * price,
          buyerCash: f.wcbdcAddress,
          sellerCash: f.wcbdcAddress,
          settlementDate,
          expiry: now + DAY,
        });
      // Victoria Bank sells 10 at 49,900.00 and buys 10 at 49,700.00: flat in bonds, HKD 2,000.00 up.
      const sells = await bankTrade(p.victoriaBank.address, p.harbourBank.address, 10n, 4_990_000n);
      const buys = await bankTrade(p.lionRockBank.address, p.victoriaBank.address, 10n, 4_970_000n);
      // An unrelated trade in the same batch still settles.
      const other = await bankTrade(p.harbourBank.address, p.lionRockBank.address, 5n, 4_975_000n);
      for (const t of [sells, buys, other]) await match(f, t);
      await time.increaseTo(settlementDate);
      await mined(f.bond.connect(p.hkma.signer).setFrozen(p.victoriaBank.address, true));
      const frozen = f.bond.interface.encodeErrorResult("AccountFrozen", [p.victoriaBank.address]);

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([sells, buys, other]);
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 1n, 2n, 2n, 4n);
      for (const t of [sells, buys]) {
        await expect(tx)
          .to.emit(f.engine, "TradeSkippedInBatch")
          .withArgs(tradeIdOf(t), 1n, statusOf("Failed"), reasonOf("AccountFrozen"));
        await expect(tx)
          .to.emit(f.engine, "TradeSettlementFailed")
          .withArgs(tradeIdOf(t), reasonOf("AccountFrozen"), frozen);
        expect(await recordOf(f, t)).to.deep.equal({ status: "Failed", reason: "AccountFrozen" });
      }
      await expect(tx).to.emit(f.engine, "TradeSettledInBatch").withArgs(tradeIdOf(other), 1n);
      // Only the unrelated trade moved: Victoria Bank's bonds and wCBDC did not.
      expect(changes(before, await f.snapshot())).to.deep.equal(dvpMoves(f, other, "wHKD"));
    });

    it("finding 5: a bank frozen in the registry is skipped (Failed/AccountFrozen), and the trades without it settle", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const lionRock = f.participants.lionRockBank.address;
      await mined(f.registry.setFrozen(lionRock, true));
      const frozen = f.bond.interface.encodeErrorResult("ParticipantFrozen", [lionRock]);

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([...trades]);
      // B2 (Lion Rock buys) and B3 (Lion Rock sells) are skipped; B1 and B4 net between Harbour and Victoria.
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 2n, 2n, 4n, 4n);
      for (const t of [trades[1], trades[2]]) {
        await expect(tx)
          .to.emit(f.engine, "TradeSkippedInBatch")
          .withArgs(tradeIdOf(t), 1n, statusOf("Failed"), reasonOf("AccountFrozen"));
        await expect(tx)
          .to.emit(f.engine, "TradeSettlementFailed")
          .withArgs(tradeIdOf(t), reasonOf("AccountFrozen"), frozen);
      }
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:harbourBank": -60n,
        "bond:victoriaBank": 60n,
        "wHKD:harbourBank": 497_500_000n - 198_800_000n,
        "wHKD:victoriaBank": -(497_500_000n - 198_800_000n),
      });
      expect(await statuses(f, trades)).to.deep.equal(
        (["Settled", "Failed", "Failed", "Settled"] as const).map(statusOf),
      );
    });

    it("finding 5: a trade of a matured bond is skipped (Failed/Matured — FailureReason index 9), as `settle` leaves it", async function () {
      const f = await loadSettlementLedger();
      const p = f.participants;
      const maturity = await f.bond.maturityDate();
      const trade = await f.makeTrade({
        seller: p.harbourBank.address,
        buyer: p.victoriaBank.address,
        buyerCash: f.wcbdcAddress,
        sellerCash: f.wcbdcAddress,
        settlementDate: (await chainNow()) + 3_600n,
        expiry: maturity + DAY,
      });
      await match(f, trade);
      await time.increaseTo(maturity);
      expect(reasonOf("Matured")).to.equal(9n);
      const matured = f.bond.interface.encodeErrorResult("BondMatured", [maturity]);

      const before = await f.snapshot();
      const tx = f.engine.settleBatch([trade]);
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 0n, 1n, 0n, 0n);
      await expect(tx)
        .to.emit(f.engine, "TradeSkippedInBatch")
        .withArgs(tradeIdOf(trade), 1n, statusOf("Failed"), 9n);
      await expect(tx).to.emit(f.engine, "TradeSettlementFailed").withArgs(tradeIdOf(trade), 9n, matured);
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Failed", reason: "Matured" });

      // Settled alone, the same trade fails the same way.
      await expect(f.engine.settle(trade))
        .to.emit(f.engine, "TradeSettlementFailed")
        .withArgs(
          tradeIdOf(trade),
          9n,
          f.engine.interface.encodeErrorResult("SettlementLegFailed", [9n, legOf("Asset"), f.bondAddress, matured]),
        );
      expect(await recordOf(f, trade)).to.deep.equal({ status: "Failed", reason: "Matured" });
      expect(await f.snapshot()).to.deep.equal(before);
    });

    it("finding 5: a mixed batch ends exactly as settling its trades one by one with `settle` on a fresh ledger, failures included", async function () {
      /**
       * The four header trades, plus members that cannot settle, in one batch list: one whose buyer
       * is frozen on the bond, one cancelled while unmatched, one not yet due, one expired, one
       * settled at matching, one given twice, one never instructed.
       */
      async function mixedBatch(f: SettlementLedger): Promise<Trade[]> {
        const p = f.participants;
        const { trades, settlementDate } = await batchTrades(f);
        const now = await chainNow();
        const bankTrade = (seller: string, buyer: string, quantity: bigint, overrides: Partial<Trade> = {}) =>
          f.makeTrade({
            seller,
            buyer,
            quantity,
            amount: quantity * 4_975_000n,
            buyerCash: f.wcbdcAddress,
            sellerCash: f.wcbdcAddress,
            settlementDate,
            expiry: now + DAY,
            ...overrides,
          });
        const frozenBuyer = await f.makeTrade({ settlementDate, expiry: now + DAY }); // Kowloon Dealer → Peak Asset
        const cancelled = await bankTrade(p.harbourBank.address, p.lionRockBank.address, 5n);
        const notDue = await bankTrade(p.victoriaBank.address, p.harbourBank.address, 5n, {
          settlementDate: now + 2n * DAY,
          expiry: now + 3n * DAY,
        });
        const expired = await bankTrade(p.lionRockBank.address, p.victoriaBank.address, 3n, {
          // Minutes, not seconds: the first block after a fixture restore takes the wall clock's time;
          // still expired before the batch's settlement date (now + 1 hour).
          settlementDate: now + 1_800n,
          expiry: now + 2_400n,
        });
        const settledAtMatching = await bankTrade(p.harbourBank.address, p.victoriaBank.address, 2n, {
          settlementDate: now,
        });
        const neverInstructed = await bankTrade(p.victoriaBank.address, p.lionRockBank.address, 7n);

        for (const t of [...trades, frozenBuyer, notDue, expired, settledAtMatching]) await match(f, t);
        await mined(f.engine.connect(p.harbourBank.signer).instruct(cancelled));
        await mined(f.engine.connect(p.harbourBank.signer).cancel(cancelled));
        await mined(f.bond.connect(p.hkma.signer).setFrozen(p.peakAsset.address, true));
        await reach(settlementDate);
        return [
          trades[0],
          frozenBuyer,
          trades[1],
          cancelled,
          trades[2],
          notDue,
          trades[3],
          expired,
          settledAtMatching,
          trades[1],
          neverInstructed,
        ];
      }
      const records = (f: SettlementLedger, trades: readonly Trade[]) =>
        Promise.all(trades.map(async (t) => ({ ...(await recordOf(f, t)) })));
      const expected = [
        { status: "Settled", reason: "None" },
        { status: "Failed", reason: "AccountFrozen" },
        { status: "Settled", reason: "None" },
        { status: "Cancelled", reason: "None" },
        { status: "Settled", reason: "None" },
        { status: "Matched", reason: "None" },
        { status: "Settled", reason: "None" },
        { status: "Expired", reason: "Expired" },
        { status: "Settled", reason: "None" },
        { status: "Settled", reason: "None" },
        { status: "None", reason: "None" },
      ];

      // As one batch.
      const batched = await loadSettlementLedger();
      const batchList = await mixedBatch(batched);
      const beforeBatch = await batched.snapshot();
      await expect(batched.engine.settleBatch(batchList))
        .to.emit(batched.engine, "BatchSettled")
        .withArgs(1n, 4n, 7n, 8n, 5n);
      expect(changes(beforeBatch, await batched.snapshot())).to.deep.equal(NET_MOVES);
      const batchEnd = { balances: await batched.snapshot(), records: await records(batched, batchList) };
      expect(batchEnd.records).to.deep.equal(expected);

      // One by one, on the same ledger restored: each `settle` either settles, records a failure, or is refused.
      const single = await loadSettlementLedger();
      const singleList = await mixedBatch(single);
      expect(tradeIdOf(singleList[0])).to.not.equal(tradeIdOf(batchList[0]));
      const refused: string[] = [];
      for (const t of singleList) {
        try {
          await single.engine.settle.staticCall(t);
        } catch (e) {
          const data = revertData(e);
          if (data === undefined) throw e;
          refused.push(single.engine.interface.parseError(data)?.name ?? "unknown");
          continue;
        }
        await mined(single.engine.settle(t));
      }
      // Cancelled, not due, already settled, settled earlier in this loop, never instructed.
      expect(refused).to.deep.equal([
        "TradeInWrongStatus",
        "TradeNotDue",
        "TradeInWrongStatus",
        "TradeInWrongStatus",
        "TradeInWrongStatus",
      ]);
      const singleEnd = { balances: await single.snapshot(), records: await records(single, singleList) };

      expect(batchEnd).to.deep.equal(singleEnd);
    });
  });

  describe("a net debit that cannot be collected fails the whole batch", function () {
    it("reverts SettlementLegFailed(InsufficientCash, Cash) when a net debtor is short of wCBDC, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const lionRock = f.participants.lionRockBank;
      const keep = LION_ROCK_NET_DEBIT - 1n;
      const held = await f.wcbdc.balanceOf(lionRock.address);
      await mined(f.wcbdc.connect(lionRock.signer).transfer(f.participants.hkma.address, held - keep));

      await expectBatchRefused(f, trades, "SettlementLegFailed", [
        reasonOf("InsufficientCash"),
        legOf("Cash"),
        f.wcbdcAddress,
        f.wcbdc.interface.encodeErrorResult("ERC20InsufficientBalance", [lionRock.address, keep, LION_ROCK_NET_DEBIT]),
      ]);
    });

    it("findings S7/S15: a party that withdrew its wCBDC allowance has its own trade fail MissingApproval (the token's error as evidence); the others settle net", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      // B1, B2 and B4 (B3 is Lion Rock's resale of the units B2 buys: without B2 it has none to sell).
      const [b1, b2, , b4] = trades;
      const members = [b1, b2, b4];
      // Lion Rock Bank withdraws its consent: its purchase B2 fails alone, as `settle` would leave it.
      await mined(f.wcbdc.connect(f.participants.lionRockBank.signer).approve(f.engineAddress, 0n));
      const before = await f.snapshot();
      const tx = f.engine.settleBatch(members);
      await expect(tx)
        .to.emit(f.engine, "TradeSettlementFailed")
        .withArgs(tradeIdOf(b2), reasonOf("MissingApproval"), f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.engineAddress, 0n, b2.amount]));
      await expect(tx).to.emit(f.engine, "TradeSkippedInBatch").withArgs(tradeIdOf(b2), 1n, statusOf("Failed"), reasonOf("MissingApproval"));
      await expect(tx).to.emit(f.engine, "BatchSettled").withArgs(1n, 2n, 1n, 4n, 4n);
      // B1 and B4 net: bonds Harbour −100 +40, Victoria +100 −40; wCBDC the other way.
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:harbourBank": -60n,
        "bond:victoriaBank": 60n,
        "wHKD:harbourBank": b1.amount - b4.amount,
        "wHKD:victoriaBank": b4.amount - b1.amount,
      });
      expect(await statuses(f, members)).to.deep.equal([statusOf("Settled"), statusOf("Failed"), statusOf("Settled")]);
      expect((await f.engine.tradeRecord(tradeIdOf(b2))).reason).to.equal(reasonOf("MissingApproval"));
    });

    it("an allowance that covers each of a party's legs but not their net sum reverts the whole batch SettlementLegFailed(MissingApproval, Cash), moving nothing", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const p = f.participants;
      const buy = (seller: string): Promise<Trade> =>
        f.makeTrade({
          seller,
          buyer: p.lionRockBank.address,
          quantity: 10n,
          amount: 10n * 4_980_000n,
          buyerCash: f.wcbdcAddress,
          sellerCash: f.wcbdcAddress,
          settlementDate: now + 3_600n,
          expiry: now + DAY,
        });
      const trades = [await buy(p.harbourBank.address), await buy(p.victoriaBank.address)];
      for (const t of trades) await match(f, t);
      await time.increaseTo(now + 3_600n);
      // Enough for either purchase alone, not for both: settled one by one, the second would fail.
      const one = trades[0].amount;
      await mined(f.wcbdc.connect(p.lionRockBank.signer).approve(f.engineAddress, one));
      await expectBatchRefused(f, trades, "SettlementLegFailed", [
        reasonOf("MissingApproval"),
        legOf("Cash"),
        f.wcbdcAddress,
        f.wcbdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [f.engineAddress, one, 2n * one]),
      ]);
    });

    it("reverts SettlementLegFailed(InsufficientSecurities, Asset) when a net seller is short of bonds, moving nothing", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      // Harbour Bank keeps 29 units; it owes 30 net.
      const harbour = f.participants.harbourBank;
      const held = await f.bond.balanceOf(harbour.address);
      await mined(f.bond.connect(harbour.signer).transfer(f.participants.kowloonDealer.address, held - 29n));

      await expectBatchRefused(f, trades, "SettlementLegFailed", [
        reasonOf("InsufficientSecurities"),
        legOf("Asset"),
        f.bondAddress,
        f.bond.interface.encodeErrorResult("ERC20InsufficientBalance", [harbour.address, 29n, 30n]),
      ]);
    });
  });

  describe("refused batches", function () {
    it("refuses an empty batch and one over MAX_BATCH_TRADES (BatchSizeOutOfRange)", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const max = await f.engine.MAX_BATCH_TRADES();
      expect(max).to.equal(100n);
      await expectBatchRefused(f, [], "BatchSizeOutOfRange", [0n, max]);
      const oversized = Array.from({ length: Number(max) + 1 }, (_, i) => trades[i % trades.length]);
      await expectBatchRefused(f, oversized, "BatchSizeOutOfRange", [max + 1n, max]);
    });

    it("refuses a trade whose cash leg crosses banks (BatchInterbankLegUnsupported with its index)", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      const crossBank = await f.makeTrade({
        buyer: f.participants.tsingYiInsurance.address,
        buyerCash: f.depositAddress.victoriaBank,
        sellerCash: f.depositAddress.harbourBank,
      });
      await expectBatchRefused(f, [trades[0], trades[1], crossBank, trades[2]], "BatchInterbankLegUnsupported", [2n]);
    });

    it("lets only a settlement agent settle a batch (AccessControlUnauthorizedAccount)", async function () {
      const f = await loadSettlementLedger();
      const { trades } = await matchedBatch(f);
      for (const caller of [f.participants.harbourBank.signer, f.participants.kowloonDealer.signer, f.outsider]) {
        const before = await f.snapshot();
        await expect(f.engine.connect(caller).settleBatch([...trades]))
          .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, SETTLEMENT_AGENT_ROLE);
        expect(await f.snapshot()).to.deep.equal(before);
      }
      expect(await statuses(f, trades)).to.deep.equal(trades.map(() => statusOf("Matched")));
    });
  });

  describe("a batch in one bank's deposit token", function () {
    it("needs the bank to accept the engine as a holder, since the engine holds the netted deposit in flight", async function () {
      const f = await loadSettlementLedger();
      const now = await chainNow();
      const dealer = f.participants.kowloonDealer;
      const peak = f.participants.peakAsset;
      const trades = [
        await f.makeTrade({ settlementDate: now + 3_600n }),
        await f.makeTrade({
          seller: peak.address,
          buyer: dealer.address,
          quantity: 4n,
          amount: 4n * 4_990_000n,
          settlementDate: now + 3_600n,
        }),
      ];
      for (const t of trades) await match(f, t);
      await time.increaseTo(now + 3_600n);

      // The engine is registered as infrastructure but is no customer of Harbour Bank.
      await expectBatchRefused(f, trades, "SettlementLegFailed", [
        reasonOf("NotEligible"),
        legOf("Cash"),
        f.depositAddress.harbourBank,
        f.deposits.harbourBank.interface.encodeErrorResult("NotCustomerOfBank", [f.engineAddress]),
      ]);

      await mined(f.deposits.harbourBank.setCustomer(f.engineAddress, true));
      const before = await f.snapshot();
      await expect(f.engine.settleBatch(trades)).to.emit(f.engine, "BatchSettled").withArgs(1n, 2n, 0n, 4n, 4n);
      // Dealer sells 10 at 49,750.00 and buys 4 at 49,900.00: net −6 units, +29,790,000 minor units.
      expect(changes(before, await f.snapshot())).to.deep.equal({
        "bond:kowloonDealer": -6n,
        "bond:peakAsset": 6n,
        "hbHKD:kowloonDealer": 49_750_000n - 19_960_000n,
        "hbHKD:peakAsset": -(49_750_000n - 19_960_000n),
      });
    });
  });
});
