import { sha256, ZeroHash, type Provider } from "ethers";
import type { Address } from "viem";

import type { ChainSide, Deal, HtlcCoordinator } from "../crosschain/coordinator.js";
import type { TwoChains } from "../crosschain/two-chains.js";
import type { HongKongLedger } from "../chain/deploy.js";
import type { ScenarioContext } from "../runner/context.js";
import { defineScenario, type Step } from "../runner/types.js";
import { HashedTimelock__factory, WholesaleCBDC__factory } from "../../typechain-types/index.js";
import { CROSS_BORDER_PARTICIPANTS } from "../domain/cross-border.js";
import { authoriseEngine, issueStep, openingSteps } from "./steps.js";

/** The deals, in minor units: a bond DvP and an HKD/THB PvP across the two chains. */
export const DEALS = {
  bondUnits: 50n,
  bondPriceThb: 1_140_300_000n, // THB 11,403,000.00 for 50 units (HKD 2,500,000.00 at 4.5612)
  pvpHkd: 100_000_000n, // HKD 1,000,000.00
  pvpThb: 456_120_000n, // THB 4,561,200.00
  chaoPhrayaThb: 50_000_000_000n, // THB 500,000,000.00 from the Bank of Thailand
  initiatorTimeout: 7_200n, // the initiator's lock lasts two hours
  safetyMargin: 3_600n, // the responder's lock ends one hour earlier
} as const;

export interface CrossChainLedger extends HongKongLedger {
  readonly twoChains: TwoChains;
}

type CrossChainModules = typeof import("../crosschain/coordinator.js") & typeof import("../crosschain/two-chains.js");
let crossChainModules: CrossChainModules | undefined;

/**
 * The coordinator and the two-chain deploy, and viem under them, loaded by this scenario's deploy
 * (its steps run on the ledger it deployed): every other scenario, and a CLI that only lists or
 * refuses, never pays viem's ~0.6 s import.
 */
async function loadCrossChain(): Promise<CrossChainModules> {
  crossChainModules ??= { ...(await import("../crosschain/coordinator.js")), ...(await import("../crosschain/two-chains.js")) };
  return crossChainModules;
}

function crossChain(): CrossChainModules {
  if (crossChainModules === undefined) throw new Error("cross-chain-dvp's steps run on a ledger its deploy made");
  return crossChainModules;
}

/**
 * Both chains' clocks forward by `seconds` from the later of the two, to the same instant: each
 * chain's clock also runs on with its own blocks, so moving each by `seconds` could leave one a
 * second or two behind the other — and a lock timed from the Thai clock not yet expired on the
 * Hong Kong one after exactly its margin.
 */
async function travelBoth(ctx: ScenarioContext, ledger: CrossChainLedger, seconds: bigint): Promise<void> {
  const hk = ledger.connection.networkHelpers.time;
  const th = ledger.twoChains.th.connection.networkHelpers.time;
  const [hkNow, thNow] = await Promise.all([hk.latest(), th.latest()]);
  await travelBothTo(ctx, ledger, BigInt(Math.max(hkNow, thNow)) + seconds);
}

/** Both chains' clocks to the instant `at` (later than either chain's last block). */
async function travelBothTo(ctx: ScenarioContext, ledger: CrossChainLedger, at: bigint): Promise<void> {
  await ledger.connection.networkHelpers.time.increaseTo(at);
  await ledger.twoChains.th.connection.networkHelpers.time.increaseTo(at);
  await ctx.clock("hk");
  await ctx.clock("th");
}

export default defineScenario<CrossChainLedger>({
  name: "cross-chain-dvp",
  chainCount: 2,
  ledgerAccounts: "cross-border",
  description:
    "Two separate ledgers (Hong Kong and Thai chains) linked by hashed time locks (Jasper–Ubin): a bond against THB and an HKD/THB PvP, driven by a restartable coordinator; a counterparty that never locks, a wrong secret, a too-short lock and a coordinator that dies mid-way all lose nothing",
  deploy: async (connection, chains) => {
    const { deployTwoChains } = await loadCrossChain();
    const two = await deployTwoChains(connection, await chains.second());
    const htlcIface = HashedTimelock__factory.createInterface();
    const chaoPhraya = CROSS_BORDER_PARTICIPANTS.find((p) => p.key === "chaoPhrayaBank");
    const bankOfThailand = CROSS_BORDER_PARTICIPANTS.find((p) => p.key === "bankOfThailand");
    if (chaoPhraya === undefined || bankOfThailand === undefined) throw new Error("the cross-border definition lacks the Thai institutions");
    const harbour = two.hk.participants.harbourBank;
    const [hk] = two.hk.chains;
    const escrow = (name: string, address: string) => ({ key: "htlc", name, address, iface: htlcIface, holdsTokens: true });
    return {
      ...two.hk,
      twoChains: two,
      chains: [
        {
          ...hk,
          name: "Hong Kong chain",
          participants: [
            ...hk.participants,
            { key: chaoPhraya.key, name: chaoPhraya.name, kind: chaoPhraya.kind, jurisdiction: chaoPhraya.jurisdiction, address: two.chaoPhrayaBank },
          ],
          contracts: [...hk.contracts, escrow("HK escrow", two.hk.htlc.target as string)],
        },
        {
          key: "th",
          name: "Thai chain",
          connection: two.th.connection,
          registry: two.th.registry,
          participants: [
            { key: bankOfThailand.key, name: bankOfThailand.name, kind: bankOfThailand.kind, jurisdiction: bankOfThailand.jurisdiction, address: two.bankOfThailand },
            { key: chaoPhraya.key, name: chaoPhraya.name, kind: chaoPhraya.kind, jurisdiction: chaoPhraya.jurisdiction, address: two.chaoPhrayaBank },
            { key: harbour.key, name: harbour.name, kind: harbour.kind, jurisdiction: harbour.jurisdiction, address: harbour.address },
          ],
          tokens: [{ kind: "wCBDC", contract: two.th.wTHB, iface: WholesaleCBDC__factory.createInterface() }],
          contracts: [escrow("Thai escrow", two.th.htlc.target as string)],
        },
      ],
    };
  },
  steps: (ledger) => {
    const { HtlcCoordinator, LockSpansEntitlementDateError, chainSide } = crossChain();
    const { twoChains: chains, participants: P } = ledger;
    const { th } = chains;
    const harbour = P.harbourBank.address as Address;
    const chaoPhraya = chains.chaoPhrayaBank;
    const thaiProvider: Provider = th.connection.ethers.provider;
    const hkProvider: Provider = ledger.connection.ethers.provider;
    let thaiSide: ChainSide;
    let hkSide: ChainSide;
    const sides = async (): Promise<void> => {
      thaiSide = chainSide("Thai chain", th.connection, await th.htlc.getAddress(), [chaoPhraya, harbour]);
      hkSide = chainSide("Hong Kong chain", ledger.connection, await chains.hk.htlc.getAddress(), [chaoPhraya, harbour]);
    };
    const deal = (id: string, initiatorLeg: Deal["initiatorLeg"], responderLeg: Deal["responderLeg"]): Deal => ({
      id,
      initiator: chaoPhraya,
      responder: harbour,
      initiatorLeg,
      responderLeg,
      initiatorTimeout: DEALS.initiatorTimeout,
      safetyMargin: DEALS.safetyMargin,
    });
    let dvp: Deal;
    let pvp: Deal;
    let killed: Deal;
    let silent: Deal;
    /** Runs one coordinator step and records its transaction in the report. */
    const step = async (ctx: ScenarioContext, coordinator: HtlcCoordinator): Promise<void> => {
      const action = await coordinator.step();
      ctx.check(action !== undefined, "the coordinator should have had an action to take");
      if (action !== undefined) {
        await ctx.record(action.name, action.hash, action.chain === "Thai chain" ? thaiProvider : hkProvider);
      }
    };

    const steps: Step[] = [
      openingSteps()[0],
      { id: "authorise-engine", title: "Harbour Bank authorises the settlement engine on the bond", action: (ctx) => authoriseEngine(ctx, ["harbourBank"]) },
      issueStep({ harbourBank: 200n }),
      {
        id: "fund-both-chains",
        title: "On the Thai chain, the Bank of Thailand credits Chao Phraya Bank with THB 500,000,000.00 of wTHB; on the Hong Kong chain, HKMA credits Harbour Bank HKD 1,000,000.00 for the PvP",
        detail: "Time locks on two chains assume their clocks agree; the sandbox sets the Thai chain's clock to the Hong Kong chain's.",
        action: async (ctx) => {
          await sides();
          const hkNow = (await hkProvider.getBlock("latest"))?.timestamp ?? 0;
          const thNow = (await thaiProvider.getBlock("latest"))?.timestamp ?? 0;
          if (hkNow > thNow) await th.connection.networkHelpers.time.increaseTo(hkNow);
          await ctx.send("Bank of Thailand mints wTHB", th.wTHB.mint, chaoPhraya, DEALS.chaoPhrayaThb);
          await ctx.send("HKMA mints wHKD to Harbour Bank for the PvP", ledger.wcbdc.mint, harbour, DEALS.pvpHkd);
        },
      },
      {
        id: "dvp-initiator-locks",
        title: "DvP deal: Chao Phraya Bank buys 50 units from Harbour Bank for THB 11,403,000.00. Chao Phraya knows the secret, so it locks first: THB on the Thai chain, for two hours",
        detail: "The initiator's lock must outlast the responder's: it reveals the secret at the latest when the responder's lock ends, and the responder then needs time to claim.",
        action: async (ctx) => {
          dvp = deal("DVP-03GB-0001", { token: th.wTHB.target as Address, amount: DEALS.bondPriceThb }, { token: ledger.bond.target as Address, amount: DEALS.bondUnits });
          await step(ctx, new HtlcCoordinator(dvp, thaiSide, hkSide));
        },
      },
      {
        id: "dvp-responder-locks",
        title: "Harbour Bank checks Chao Phraya's lock and locks 50 units on the Hong Kong chain under the same hash, ending one hour earlier (the safety margin)",
        action: async (ctx) => {
          await step(ctx, new HtlcCoordinator(dvp, thaiSide, hkSide));
          const s = await new HtlcCoordinator(dvp, thaiSide, hkSide).state();
          const gap = (s.initiatorLock?.timelock ?? 0n) - (s.responderLock?.timelock ?? 0n);
          ctx.check(gap === DEALS.safetyMargin, "the responder's lock should end one safety margin before the initiator's");
          ctx.note("time locks: Thai chain until {thai}, Hong Kong chain until {hk}, {minutes} minutes apart", {
            thai: ctx.time(s.initiatorLock?.timelock ?? 0n),
            hk: ctx.time(s.responderLock?.timelock ?? 0n),
            minutes: gap / 60n,
          });
        },
      },
      {
        id: "dvp-initiator-claims",
        title: "Chao Phraya Bank claims the bonds on the Hong Kong chain, revealing the secret there",
        action: async (ctx) => step(ctx, new HtlcCoordinator(dvp, thaiSide, hkSide)),
      },
      {
        id: "dvp-responder-claims",
        title: "A restarted coordinator reads both chains: Harbour Bank claims the THB with the secret now public on the Hong Kong chain",
        action: async (ctx) => {
          await step(ctx, new HtlcCoordinator(dvp, thaiSide, hkSide));
          const s = await new HtlcCoordinator(dvp, thaiSide, hkSide).state();
          ctx.check(HtlcCoordinator.outcome(s) === "settled", "the DvP should be settled on both chains");
        },
      },
      {
        id: "pvp-initiator-locks-alone",
        title: "PvP deal: Chao Phraya Bank offers THB 4,561,200.00 for HKD 1,000,000.00 and locks its THB; Harbour Bank never locks its HKD",
        action: async (ctx) => {
          pvp = deal("PVP-HKDTHB-0001", { token: th.wTHB.target as Address, amount: DEALS.pvpThb }, { token: ledger.wcbdc.target as Address, amount: DEALS.pvpHkd });
          await step(ctx, new HtlcCoordinator(pvp, thaiSide, hkSide, { responderLocks: false }));
        },
      },
      {
        id: "pvp-refund-initiator",
        title: "Two hours later Chao Phraya's lock has expired: the coordinator refunds it — nothing was lost",
        action: async (ctx) => {
          await travelBoth(ctx, ledger, DEALS.initiatorTimeout);
          await step(ctx, new HtlcCoordinator(pvp, thaiSide, hkSide, { responderLocks: false }));
          ctx.check(HtlcCoordinator.outcome(await new HtlcCoordinator(pvp, thaiSide, hkSide).state()) === "refunded", "the PvP should be refunded");
        },
      },
      {
        id: "lock-too-short",
        title: "A lock with too short a time lock (five minutes) is refused by the escrow",
        expect: { revert: "TimelockTooShort" },
        action: async (ctx) => {
          const now = BigInt((await hkProvider.getBlock("latest"))?.timestamp ?? 0);
          await ctx.send("Harbour Bank approves the escrow for this lock", ledger.bond.connect(P.harbourBank.signer).approve, chains.hk.htlc.target, 1n);
          await ctx.send(
            "lock() for five minutes",
            chains.hk.htlc.connect(P.harbourBank.signer).lock, chaoPhraya, ledger.bond.target, 1n, sha256(ZeroHash), now + 300n,
          );
        },
      },
      {
        id: "dvp2-wrong-secret",
        title: "Second DvP: both sides lock 10 units against THB 2,280,600.00; someone tries to claim Harbour's lock with a wrong secret — refused",
        action: async (ctx) => {
          killed = deal("DVP-03GB-0002", { token: th.wTHB.target as Address, amount: 228_060_000n }, { token: ledger.bond.target as Address, amount: 10n });
          const coordinator = new HtlcCoordinator(killed, thaiSide, hkSide);
          await step(ctx, coordinator);
          await step(ctx, coordinator);
          const s = await coordinator.state();
          const lockId = s.responderLock?.lockId ?? ZeroHash;
          const refusal = await ctx.attempt("claim with a wrong secret", chains.hk.htlc.claim, lockId, ZeroHash);
          ctx.check(refusal?.name === "WrongPreimage", `a wrong secret should be refused with WrongPreimage, got ${refusal?.name ?? "no refusal"}`);
        },
      },
      {
        id: "dvp2-claim-coordinator-dies",
        title: "Chao Phraya claims the bonds (revealing the secret) — and then the coordinator dies",
        action: async (ctx) => step(ctx, new HtlcCoordinator(killed, thaiSide, hkSide)),
      },
      {
        id: "dvp2-responder-claims-alone",
        title: "Without any coordinator, Harbour Bank reads the secret from the Hong Kong chain and claims its THB itself",
        detail: "The secret is public once used; the responder's claim needs nothing else, and its time lock still has over an hour to run.",
        action: async (ctx) => {
          const s = await new HtlcCoordinator(killed, thaiSide, hkSide).state();
          const secret = s.responderLock?.preimage ?? ZeroHash;
          const lockId = s.initiatorLock?.lockId ?? ZeroHash;
          const thaiEscrow = th.htlc.connect(await th.connection.ethers.getSigner(harbour));
          await ctx.send("Harbour Bank claims on the Thai chain", thaiEscrow.claim, lockId, secret);
          ctx.check(HtlcCoordinator.outcome(await new HtlcCoordinator(killed, thaiSide, hkSide).state()) === "settled", "the second DvP should be settled");
        },
      },
      {
        id: "pvp2-both-lock",
        title: "PvP again: both banks lock (THB on the Thai chain, HKD on the Hong Kong chain), but Chao Phraya Bank never reveals its secret",
        action: async (ctx) => {
          silent = deal("PVP-HKDTHB-0002", { token: th.wTHB.target as Address, amount: DEALS.pvpThb }, { token: ledger.wcbdc.target as Address, amount: DEALS.pvpHkd });
          const coordinator = new HtlcCoordinator(silent, thaiSide, hkSide, { initiatorReveals: false });
          await step(ctx, coordinator);
          await step(ctx, coordinator);
        },
      },
      {
        id: "pvp2-refund-responder",
        title: "One hour later Harbour Bank's lock has expired: its HKD is refunded",
        action: async (ctx) => {
          await travelBoth(ctx, ledger, DEALS.initiatorTimeout - DEALS.safetyMargin);
          await step(ctx, new HtlcCoordinator(silent, thaiSide, hkSide, { initiatorReveals: false }));
        },
      },
      {
        id: "pvp2-refund-initiator",
        title: "Another hour and Chao Phraya Bank's lock has expired too: its THB is refunded — both banks are whole",
        action: async (ctx) => {
          await travelBoth(ctx, ledger, DEALS.safetyMargin);
          await step(ctx, new HtlcCoordinator(silent, thaiSide, hkSide, { initiatorReveals: false }));
          const outcome = HtlcCoordinator.outcome(await new HtlcCoordinator(silent, thaiSide, hkSide).state());
          ctx.check(outcome === "refunded", "both locks of the unrevealed PvP should be refunded");
        },
      },
      {
        id: "lock-over-record-date",
        title: "Half an hour before the bond's first coupon record date, Harbour Bank offers 10 units for THB: a two-hour lock would hold the bond over the record date, so the coordinator refuses to lock and the escrow refuses the lock too",
        detail: "Over a record date the escrow would be the holder of record and the coupon would be stranded; over maturity the lock could be neither claimed nor refunded.",
        expect: { revert: "LockSpansEntitlementDate" },
        action: async (ctx) => {
          const recordDate = await ledger.bond.recordDate(0);
          await travelBothTo(ctx, ledger, recordDate - 1_800n);
          const exDeal: Deal = {
            ...deal("DVP-03GB-0003", { token: ledger.bond.target as Address, amount: 10n }, { token: th.wTHB.target as Address, amount: 228_060_000n }),
            initiator: harbour,
            responder: chaoPhraya,
          };
          let refused: unknown;
          try {
            await new HtlcCoordinator(exDeal, hkSide, thaiSide).step();
          } catch (error) {
            refused = error;
          }
          ctx.check(refused instanceof LockSpansEntitlementDateError, "the coordinator should refuse a bond lock over the record date");
          if (refused instanceof LockSpansEntitlementDateError) {
            ctx.note("the coordinator refuses to lock until {timelock}: within a day of the bond's record date or maturity on {date}", {
              timelock: ctx.time(refused.timelock),
              date: ctx.time(refused.entitlementDate),
            });
          }
          const lockUntil = recordDate - 1_800n + DEALS.initiatorTimeout;
          await ctx.send("Harbour Bank approves the escrow for this lock", ledger.bond.connect(P.harbourBank.signer).approve, chains.hk.htlc.target, 10n);
          await ctx.send("lock() over the record date", chains.hk.htlc.connect(P.harbourBank.signer).lock, chaoPhraya, ledger.bond.target, 10n, sha256(ZeroHash), lockUntil);
        },
      },
    ];
    return steps;
  },
});
