import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import type { HongKongLedger, LedgerParticipant } from "../../src/chain/deploy.js";
import { PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { ParticipantKind, type ParticipantKindName } from "../../src/domain/participants.js";
import type { TokenizedDeposit } from "../../typechain-types/index.js";
import { ethers, networkHelpers, loadFundedLedger, loadLedger } from "../helpers/ledger-fixture.js";

const { time } = networkHelpers;

const DAY = 86_400;
const YEAR = 365 * DAY;

/** An ISO 3166-1 alpha-2 code as the registry's `bytes2`, e.g. "HK" → "0x484b". */
function bytes2(code: string): string {
  return ethers.hexlify(ethers.toUtf8Bytes(code));
}

const HK = bytes2("HK");
const REGISTRAR_ROLE = ethers.id("REGISTRAR_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

/** Account 9 onwards are not on the default ledger (participants use accounts 0–8). */
async function outsiders(): Promise<HardhatEthersSigner[]> {
  const signers = await ethers.getSigners();
  return signers.slice(PARTICIPANTS.length);
}

async function newcomer(): Promise<HardhatEthersSigner> {
  const [first] = await outsiders();
  return first;
}

/** The participant record as a plain tuple, for before/after comparisons. */
async function recordOf(ledger: HongKongLedger, account: string): Promise<[bigint, string, bigint, boolean]> {
  const p = await ledger.registry.participantOf(account);
  return [p.kind, p.jurisdiction, p.kycExpiry, p.frozen];
}

/** Balances of `accounts` on `token`, in order. */
async function balancesOf(token: TokenizedDeposit, accounts: readonly LedgerParticipant[]): Promise<bigint[]> {
  return Promise.all(accounts.map((a) => token.balanceOf(a.address)));
}

describe("ParticipantRegistry", function () {
  describe("constructor", function () {
    it("grants the admin DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE, and nobody else", async function () {
      const ledger = await loadLedger();
      expect(await ledger.registry.REGISTRAR_ROLE()).to.equal(REGISTRAR_ROLE);
      expect(await ledger.registry.DEFAULT_ADMIN_ROLE()).to.equal(DEFAULT_ADMIN_ROLE);
      for (const p of PARTICIPANTS) {
        const holds = p.key === "hkma";
        const address = ledger.participants[p.key].address;
        expect(await ledger.registry.hasRole(DEFAULT_ADMIN_ROLE, address)).to.equal(holds, p.name);
        expect(await ledger.registry.hasRole(REGISTRAR_ROLE, address)).to.equal(holds, p.name);
      }
    });

    it("reverts with ParticipantZeroAddress for a zero admin", async function () {
      const factory = await ethers.getContractFactory("ParticipantRegistry");
      await expect(ethers.deployContract("ParticipantRegistry", [ethers.ZeroAddress]))
        .to.be.revertedWithCustomError(factory, "ParticipantZeroAddress")
        .withArgs();
    });
  });

  describe("registerParticipant", function () {
    it("emits ParticipantRegistered with its args and stores the record", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const kycExpiry = (await time.latest()) + YEAR;
      expect(await recordOf(ledger, account)).to.deep.equal([0n, "0x0000", 0n, false]);

      await expect(ledger.registry.registerParticipant(account, ParticipantKind.Investor, HK, kycExpiry))
        .to.emit(ledger.registry, "ParticipantRegistered")
        .withArgs(account, BigInt(ParticipantKind.Investor), HK, BigInt(kycExpiry));

      expect(await recordOf(ledger, account)).to.deep.equal([
        BigInt(ParticipantKind.Investor),
        HK,
        BigInt(kycExpiry),
        false,
      ]);
      expect(await ledger.registry.isEligible(account)).to.equal(true);
      expect(await ledger.registry.requireEligible(account)).to.equal(BigInt(ParticipantKind.Investor));
    });

    it("registers every kind but None, in any jurisdiction", async function () {
      const ledger = await loadLedger();
      const kinds = Object.keys(ParticipantKind).filter((k): k is ParticipantKindName => k !== "None");
      const accounts = await outsiders();
      const jurisdictions = ["AZ", "ZA", "SG", "GB", "CN", "ZZ", "AA"];
      const kycExpiry = (await time.latest()) + YEAR;
      for (const [i, kind] of kinds.entries()) {
        const account = accounts[i].address;
        const jurisdiction = bytes2(jurisdictions[i % jurisdictions.length]);
        await expect(ledger.registry.registerParticipant(account, ParticipantKind[kind], jurisdiction, kycExpiry))
          .to.emit(ledger.registry, "ParticipantRegistered")
          .withArgs(account, BigInt(ParticipantKind[kind]), jurisdiction, BigInt(kycExpiry));
        expect(await ledger.registry.requireEligible(account)).to.equal(BigInt(ParticipantKind[kind]), kind);
      }
    });

    it("reverts with ParticipantZeroAddress for the zero address", async function () {
      const ledger = await loadLedger();
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.registerParticipant(ethers.ZeroAddress, ParticipantKind.Investor, HK, kycExpiry))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantZeroAddress")
        .withArgs();
      expect(await recordOf(ledger, ethers.ZeroAddress)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("reverts with ParticipantAlreadyRegistered for a registered participant, leaving its record as it was", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const before = await recordOf(ledger, peak);
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.registerParticipant(peak, ParticipantKind.Dealer, bytes2("SG"), kycExpiry))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantAlreadyRegistered")
        .withArgs(peak);
      expect(await recordOf(ledger, peak)).to.deep.equal(before);
    });

    it("reverts with ParticipantInvalidKind for kind None (0)", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.registerParticipant(account, ParticipantKind.None, HK, kycExpiry))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidKind")
        .withArgs(BigInt(ParticipantKind.None));
      expect(await ledger.registry.isEligible(account)).to.equal(false);
    });

    it("rejects a kind past the last one while decoding its arguments (no reason)", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const kycExpiry = (await time.latest()) + YEAR;
      const pastLast = Math.max(...Object.values(ParticipantKind)) + 1;
      await expect(ledger.registry.registerParticipant(account, pastLast, HK, kycExpiry)).to.be.revertedWithoutReason(
        ethers,
      );
      expect(await ledger.registry.isEligible(account)).to.equal(false);
    });

    const invalidJurisdictions: readonly { code: string; why: string }[] = [
      { code: "hk", why: "lower case" },
      { code: "Hk", why: "second letter lower case" },
      { code: "H1", why: "a digit" },
      { code: "@A", why: "'@', the character before 'A'" },
      { code: "A[", why: "'[', the character after 'Z'" },
      { code: "\0\0", why: "empty" },
    ];
    for (const { code, why } of invalidJurisdictions) {
      it(`reverts with ParticipantInvalidJurisdiction for ${JSON.stringify(code)} (${why})`, async function () {
        const ledger = await loadLedger();
        const account = (await newcomer()).address;
        const kycExpiry = (await time.latest()) + YEAR;
        await expect(ledger.registry.registerParticipant(account, ParticipantKind.Investor, bytes2(code), kycExpiry))
          .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidJurisdiction")
          .withArgs(bytes2(code));
        expect(await ledger.registry.isEligible(account)).to.equal(false);
      });
    }

    it("reverts with ParticipantInvalidKycExpiry for an expiry in the past", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const now = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.registry.registerParticipant(account, ParticipantKind.Investor, HK, now - DAY))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidKycExpiry")
        .withArgs(BigInt(now - DAY), BigInt(now));
      expect(await recordOf(ledger, account)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("reverts with ParticipantInvalidKycExpiry for an expiry equal to the block time", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const now = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.registry.registerParticipant(account, ParticipantKind.Investor, HK, now))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidKycExpiry")
        .withArgs(BigInt(now), BigInt(now));
      expect(await recordOf(ledger, account)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("accepts an expiry one second after the block time", async function () {
      const ledger = await loadLedger();
      const account = (await newcomer()).address;
      const now = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.registry.registerParticipant(account, ParticipantKind.Investor, HK, now + 1))
        .to.emit(ledger.registry, "ParticipantRegistered")
        .withArgs(account, BigInt(ParticipantKind.Investor), HK, BigInt(now + 1));
    });
  });

  describe("removeParticipant", function () {
    it("emits ParticipantRemoved and clears the record", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      await expect(ledger.registry.removeParticipant(peak))
        .to.emit(ledger.registry, "ParticipantRemoved")
        .withArgs(peak);
      expect(await recordOf(ledger, peak)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("then isEligible is false and requireEligible reverts with ParticipantNotRegistered", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      await ledger.registry.removeParticipant(peak);
      expect(await ledger.registry.isEligible(peak)).to.equal(false);
      await expect(ledger.registry.requireEligible(peak))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(peak);
    });

    it("leaves the other participants eligible", async function () {
      const ledger = await loadLedger();
      await ledger.registry.removeParticipant(ledger.participants.peakAsset.address);
      for (const p of PARTICIPANTS) {
        const expected = p.key !== "peakAsset";
        expect(await ledger.registry.isEligible(ledger.participants[p.key].address)).to.equal(expected, p.name);
      }
    });

    it("stops a removed participant's token transfers with ParticipantNotRegistered, balances unchanged", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      await ledger.registry.removeParticipant(peakAsset.address);
      const before = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);

      await expect(hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantNotRegistered")
        .withArgs(peakAsset.address);
      await expect(hbHKD.connect(kowloonDealer.signer).transfer(peakAsset.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantNotRegistered")
        .withArgs(peakAsset.address);

      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal(before);
    });

    it("reverts with ParticipantNotRegistered for an address that was never registered", async function () {
      const ledger = await loadLedger();
      const stranger = (await newcomer()).address;
      await expect(ledger.registry.removeParticipant(stranger))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(stranger);
    });

    it("reverts with ParticipantNotRegistered for the zero address", async function () {
      const ledger = await loadLedger();
      await expect(ledger.registry.removeParticipant(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with ParticipantNotRegistered when removing the same participant twice", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      await ledger.registry.removeParticipant(peak);
      await expect(ledger.registry.removeParticipant(peak))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(peak);
    });

    it("lets the registrar register the address again, with a fresh record", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      await ledger.registry.removeParticipant(peak);
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.registerParticipant(peak, ParticipantKind.Dealer, bytes2("SG"), kycExpiry))
        .to.emit(ledger.registry, "ParticipantRegistered")
        .withArgs(peak, BigInt(ParticipantKind.Dealer), bytes2("SG"), BigInt(kycExpiry));
      expect(await recordOf(ledger, peak)).to.deep.equal([
        BigInt(ParticipantKind.Dealer),
        bytes2("SG"),
        BigInt(kycExpiry),
        false,
      ]);
      expect(await ledger.registry.isEligible(peak)).to.equal(true);
    });

    it("keeps the freeze of a removed participant in its record, and cannot lift it while the participant is removed", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      await ledger.registry.setFrozen(peak, true);
      await ledger.registry.removeParticipant(peak);
      expect(await recordOf(ledger, peak)).to.deep.equal([0n, "0x0000", 0n, true]);
      await expect(ledger.registry.setFrozen(peak, false))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(peak);
      expect((await ledger.registry.participantOf(peak)).frozen).to.equal(true);
    });

    it("finding 12: removing and re-registering a participant keeps its freeze (ParticipantFrozen after re-registration until setFrozen(false))", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      const peak = peakAsset.address;
      await ledger.registry.setFrozen(peak, true);
      await ledger.registry.removeParticipant(peak);
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.registerParticipant(peak, ParticipantKind.Investor, HK, kycExpiry))
        .to.emit(ledger.registry, "ParticipantRegistered")
        .withArgs(peak, BigInt(ParticipantKind.Investor), HK, BigInt(kycExpiry));

      // Registered again, and still frozen: the new record keeps the flag.
      expect(await recordOf(ledger, peak)).to.deep.equal([
        BigInt(ParticipantKind.Investor),
        HK,
        BigInt(kycExpiry),
        true,
      ]);
      expect(await ledger.registry.isEligible(peak)).to.equal(false);
      await expect(ledger.registry.requireEligible(peak))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantFrozen")
        .withArgs(peak);
      const before = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);
      await expect(hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantFrozen")
        .withArgs(peak);
      await expect(hbHKD.connect(kowloonDealer.signer).transfer(peak, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantFrozen")
        .withArgs(peak);
      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal(before);

      // Only an explicit unfreeze lifts it.
      await expect(ledger.registry.setFrozen(peak, false))
        .to.emit(ledger.registry, "ParticipantFreezeUpdated")
        .withArgs(peak, false);
      expect(await ledger.registry.isEligible(peak)).to.equal(true);
      await expect(hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n)).to.changeTokenBalances(
        ethers,
        hbHKD,
        [peak, kowloonDealer.address],
        [-100n, 100n],
      );
    });
  });

  describe("updateKycExpiry", function () {
    it("emits KycExpiryUpdated and changes only the expiry", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const [kind, jurisdiction, oldExpiry, frozen] = await recordOf(ledger, peak);
      const renewed = oldExpiry + BigInt(YEAR);
      await expect(ledger.registry.updateKycExpiry(peak, renewed))
        .to.emit(ledger.registry, "KycExpiryUpdated")
        .withArgs(peak, renewed);
      expect(await recordOf(ledger, peak)).to.deep.equal([kind, jurisdiction, renewed, frozen]);
    });

    it("may also shorten the expiry", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const shortened = BigInt((await time.latest()) + DAY);
      await expect(ledger.registry.updateKycExpiry(peak, shortened))
        .to.emit(ledger.registry, "KycExpiryUpdated")
        .withArgs(peak, shortened);
      expect((await ledger.registry.participantOf(peak)).kycExpiry).to.equal(shortened);
    });

    it("reverts with ParticipantNotRegistered for an address that is not registered", async function () {
      const ledger = await loadLedger();
      const stranger = (await newcomer()).address;
      const kycExpiry = (await time.latest()) + YEAR;
      await expect(ledger.registry.updateKycExpiry(stranger, kycExpiry))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(stranger);
      expect(await recordOf(ledger, stranger)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("reverts with ParticipantInvalidKycExpiry for an expiry in the past, leaving the expiry unchanged", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const before = await recordOf(ledger, peak);
      const now = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.registry.updateKycExpiry(peak, now - 1))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidKycExpiry")
        .withArgs(BigInt(now - 1), BigInt(now));
      expect(await recordOf(ledger, peak)).to.deep.equal(before);
    });

    it("reverts with ParticipantInvalidKycExpiry for an expiry equal to the block time, leaving the expiry unchanged", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const before = await recordOf(ledger, peak);
      const now = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.registry.updateKycExpiry(peak, now))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantInvalidKycExpiry")
        .withArgs(BigInt(now), BigInt(now));
      expect(await recordOf(ledger, peak)).to.deep.equal(before);
    });

    it("renews a participant whose KYC had lapsed", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const expiry = (await time.latest()) + DAY;
      await ledger.registry.updateKycExpiry(peak, expiry);
      await time.increaseTo(expiry);
      expect(await ledger.registry.isEligible(peak)).to.equal(false);

      const renewed = expiry + YEAR;
      await expect(ledger.registry.updateKycExpiry(peak, renewed))
        .to.emit(ledger.registry, "KycExpiryUpdated")
        .withArgs(peak, BigInt(renewed));
      expect(await ledger.registry.isEligible(peak)).to.equal(true);
      expect(await ledger.registry.requireEligible(peak)).to.equal(BigInt(ParticipantKind.Investor));
    });
  });

  describe("setFrozen", function () {
    it("freezing emits ParticipantFreezeUpdated(account, true) and makes the participant ineligible", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const [kind, jurisdiction, kycExpiry] = await recordOf(ledger, peak);
      await expect(ledger.registry.setFrozen(peak, true))
        .to.emit(ledger.registry, "ParticipantFreezeUpdated")
        .withArgs(peak, true);
      expect(await recordOf(ledger, peak)).to.deep.equal([kind, jurisdiction, kycExpiry, true]);
      expect(await ledger.registry.isEligible(peak)).to.equal(false);
      await expect(ledger.registry.requireEligible(peak))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantFrozen")
        .withArgs(peak);
    });

    it("stops a frozen participant's token transfers with ParticipantFrozen, balances unchanged", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      await ledger.registry.setFrozen(peakAsset.address, true);
      const before = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);

      await expect(hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantFrozen")
        .withArgs(peakAsset.address);
      await expect(hbHKD.connect(kowloonDealer.signer).transfer(peakAsset.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantFrozen")
        .withArgs(peakAsset.address);

      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal(before);
    });

    it("unfreezing emits ParticipantFreezeUpdated(account, false) and restores eligibility and transfers", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      await ledger.registry.setFrozen(peakAsset.address, true);

      await expect(ledger.registry.setFrozen(peakAsset.address, false))
        .to.emit(ledger.registry, "ParticipantFreezeUpdated")
        .withArgs(peakAsset.address, false);
      expect(await ledger.registry.isEligible(peakAsset.address)).to.equal(true);
      expect(await ledger.registry.requireEligible(peakAsset.address)).to.equal(BigInt(ParticipantKind.Investor));

      const [peakBefore, dealerBefore] = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);
      await hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n);
      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal([
        peakBefore - 100n,
        dealerBefore + 100n,
      ]);
    });

    it("reverts with ParticipantNotRegistered for an address that is not registered", async function () {
      const ledger = await loadLedger();
      const stranger = (await newcomer()).address;
      await expect(ledger.registry.setFrozen(stranger, true))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(stranger);
      expect(await recordOf(ledger, stranger)).to.deep.equal([0n, "0x0000", 0n, false]);
    });

    it("reports ParticipantFrozen before ParticipantKycExpired when both apply", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset.address;
      const expiry = (await time.latest()) + DAY;
      await ledger.registry.updateKycExpiry(peak, expiry);
      await ledger.registry.setFrozen(peak, true);
      await time.increaseTo(expiry);
      await expect(ledger.registry.requireEligible(peak))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantFrozen")
        .withArgs(peak);
    });
  });

  describe("KYC expiry (time travel)", function () {
    /** Shortens `who`'s KYC to lapse in a day, leaving everyone else's 10-year KYC alone. */
    async function lapseSoon(ledger: HongKongLedger, who: LedgerParticipant): Promise<number> {
      const expiry = (await time.latest()) + DAY;
      await ledger.registry.updateKycExpiry(who.address, expiry);
      return expiry;
    }

    it("is eligible one second before its KYC expiry and not at it", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset;
      const expiry = await lapseSoon(ledger, peak);

      await time.increaseTo(expiry - 1);
      expect(await ledger.registry.isEligible(peak.address)).to.equal(true);
      expect(await ledger.registry.requireEligible(peak.address)).to.equal(BigInt(ParticipantKind.Investor));

      await time.increaseTo(expiry);
      expect(await ledger.registry.isEligible(peak.address)).to.equal(false);
    });

    it("after the expiry, requireEligible reverts with ParticipantKycExpired(account, expiry)", async function () {
      const ledger = await loadLedger();
      const peak = ledger.participants.peakAsset;
      const expiry = await lapseSoon(ledger, peak);
      await time.increaseTo(expiry + DAY);

      expect(await ledger.registry.isEligible(peak.address)).to.equal(false);
      await expect(ledger.registry.requireEligible(peak.address))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantKycExpired")
        .withArgs(peak.address, BigInt(expiry));
      expect(await ledger.registry.isEligible(ledger.participants.kowloonDealer.address)).to.equal(true);
    });

    it("every participant lapses when the ledger-wide 10-year KYC runs out", async function () {
      const ledger = await loadLedger();
      const expiries = await Promise.all(
        PARTICIPANTS.map(
          async (p) => (await ledger.registry.participantOf(ledger.participants[p.key].address)).kycExpiry,
        ),
      );
      const latest = expiries.reduce((a, b) => (a > b ? a : b));
      await time.increaseTo(latest);
      for (const [i, p] of PARTICIPANTS.entries()) {
        const address = ledger.participants[p.key].address;
        expect(await ledger.registry.isEligible(address)).to.equal(false, p.name);
        await expect(ledger.registry.requireEligible(address))
          .to.be.revertedWithCustomError(ledger.registry, "ParticipantKycExpired")
          .withArgs(address, expiries[i]);
      }
    });

    it("a transfer FROM the lapsed participant reverts with ParticipantKycExpired through the token, balances unchanged", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      const expiry = await lapseSoon(ledger, peakAsset);
      await time.increaseTo(expiry);
      const before = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);

      await expect(hbHKD.connect(peakAsset.signer).transfer(kowloonDealer.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantKycExpired")
        .withArgs(peakAsset.address, BigInt(expiry));

      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal(before);
    });

    it("a transfer TO the lapsed participant reverts with ParticipantKycExpired through the token, balances unchanged", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset, kowloonDealer } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      const expiry = await lapseSoon(ledger, peakAsset);
      await time.increaseTo(expiry);
      const before = await balancesOf(hbHKD, [peakAsset, kowloonDealer]);

      await expect(hbHKD.connect(kowloonDealer.signer).transfer(peakAsset.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantKycExpired")
        .withArgs(peakAsset.address, BigInt(expiry));

      expect(await balancesOf(hbHKD, [peakAsset, kowloonDealer])).to.deep.equal(before);
    });

    it("the issuing bank can neither credit nor debit the lapsed participant (mint and burn check it too)", async function () {
      const ledger = await loadFundedLedger();
      const { peakAsset } = ledger.participants;
      const hbHKD = ledger.deposits.harbourBank;
      const expiry = await lapseSoon(ledger, peakAsset);
      await time.increaseTo(expiry);
      const balance = await hbHKD.balanceOf(peakAsset.address);
      const supply = await hbHKD.totalSupply();

      await expect(hbHKD.mint(peakAsset.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantKycExpired")
        .withArgs(peakAsset.address, BigInt(expiry));
      await expect(hbHKD.burn(peakAsset.address, 100n))
        .to.be.revertedWithCustomError(hbHKD, "ParticipantKycExpired")
        .withArgs(peakAsset.address, BigInt(expiry));

      expect(await hbHKD.balanceOf(peakAsset.address)).to.equal(balance);
      expect(await hbHKD.totalSupply()).to.equal(supply);
    });

    it("a bank whose KYC lapsed cannot move wCBDC: ParticipantKycExpired through the token, balances unchanged", async function () {
      const ledger = await loadFundedLedger();
      const { harbourBank, victoriaBank } = ledger.participants;
      const expiry = await lapseSoon(ledger, harbourBank);
      await time.increaseTo(expiry);
      const before = await Promise.all([harbourBank, victoriaBank].map((b) => ledger.wcbdc.balanceOf(b.address)));

      await expect(ledger.wcbdc.connect(harbourBank.signer).transfer(victoriaBank.address, 100n))
        .to.be.revertedWithCustomError(ledger.wcbdc, "ParticipantKycExpired")
        .withArgs(harbourBank.address, BigInt(expiry));
      await expect(ledger.wcbdc.connect(victoriaBank.signer).transfer(harbourBank.address, 100n))
        .to.be.revertedWithCustomError(ledger.wcbdc, "ParticipantKycExpired")
        .withArgs(harbourBank.address, BigInt(expiry));

      const after = await Promise.all([harbourBank, victoriaBank].map((b) => ledger.wcbdc.balanceOf(b.address)));
      expect(after).to.deep.equal(before);
    });
  });

  describe("views", function () {
    it("participantOf returns an empty record and isEligible false for an unknown address", async function () {
      const ledger = await loadLedger();
      const stranger = (await newcomer()).address;
      expect(await recordOf(ledger, stranger)).to.deep.equal([0n, "0x0000", 0n, false]);
      expect(await ledger.registry.isEligible(stranger)).to.equal(false);
      expect(await ledger.registry.isEligible(ethers.ZeroAddress)).to.equal(false);
      await expect(ledger.registry.requireEligible(stranger))
        .to.be.revertedWithCustomError(ledger.registry, "ParticipantNotRegistered")
        .withArgs(stranger);
    });

    it("requireEligible returns each participant's kind", async function () {
      const ledger = await loadLedger();
      for (const p of PARTICIPANTS) {
        expect(await ledger.registry.requireEligible(ledger.participants[p.key].address)).to.equal(
          BigInt(ParticipantKind[p.kind]),
          p.name,
        );
      }
    });

    it("supports the IAccessControl interface (ERC-165)", async function () {
      const ledger = await loadLedger();
      expect(await ledger.registry.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await ledger.registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await ledger.registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
});
