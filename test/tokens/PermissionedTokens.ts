import { expect } from "chai";

import type { HongKongLedger } from "../../src/chain/deploy.js";
import { DEPOSITS, HKD, PARTICIPANTS, WCBDC_SPEC } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { ethers, fundedLedger, loadFundedLedger, networkHelpers } from "../helpers/ledger-fixture.js";
import type { GovernmentBond, TokenizedDeposit } from "../../typechain-types/index.js";
import {
  expectRejectedUnchanged,
  newAccount,
  shouldBehaveLikePermissionedToken,
  type PermissionedTokenSubject,
  type PermissionedTokenTraits,
  type TransferRule,
} from "./PermissionedToken.behavior.js";

/** Bond units each holder is allotted before the bond's shared-rule tests. */
const BOND_ALLOTMENT = { peakAsset: 100n, kowloonDealer: 20n } as const;

/** The funded ledger, plus a primary allotment of the green bond (deposits and wCBDC are funded already). */
async function ledgerWithBondHolders(): Promise<HongKongLedger> {
  const ledger = await fundedLedger();
  for (const [holder, units] of Object.entries(BOND_ALLOTMENT) as [keyof typeof BOND_ALLOTMENT, bigint][]) {
    await (await ledger.bond.mint(ledger.participants[holder].address, units)).wait();
  }
  return ledger;
}
const loadLedgerWithBondHolders = (): Promise<HongKongLedger> => networkHelpers.loadFixture(ledgerWithBondHolders);

/** wHKD: held by banks; HKMA mints, burns, pauses and freezes. */
async function wcbdcSubject(): Promise<PermissionedTokenSubject> {
  const ledger = await loadFundedLedger();
  const { hkma, harbourBank, victoriaBank } = ledger.participants;
  return {
    token: ledger.wcbdc,
    registry: ledger.registry,
    minter: hkma.signer,
    minterRole: await ledger.wcbdc.CENTRAL_BANK_ROLE(),
    pauser: hkma.signer,
    pauserRole: await ledger.wcbdc.CENTRAL_BANK_ROLE(),
    freeze: (account, frozen) => ledger.wcbdc.setFrozen(account, frozen),
    sender: harbourBank.signer,
    receiver: victoriaBank.signer,
    amount: 25_000_000_00n, // HKD 25,000,000.00
    holderKind: ParticipantKind.CommercialBank,
    onboard: async () => {},
  };
}

/** hbHKD: held by Harbour Bank's customers; the bank mints, burns, pauses and freezes. */
async function depositSubject(): Promise<PermissionedTokenSubject> {
  const ledger = await loadFundedLedger();
  const deposit = ledger.deposits.harbourBank;
  const { harbourBank, kowloonDealer, peakAsset } = ledger.participants;
  return {
    token: deposit,
    registry: ledger.registry,
    minter: harbourBank.signer,
    minterRole: await deposit.BANK_ROLE(),
    pauser: harbourBank.signer,
    pauserRole: await deposit.BANK_ROLE(),
    freeze: (account, frozen) => deposit.setFrozen(account, frozen),
    sender: kowloonDealer.signer,
    receiver: peakAsset.signer,
    amount: 1_234_567_89n, // HKD 1,234,567.89
    holderKind: ParticipantKind.Investor,
    onboard: async (account) => {
      await (await deposit.setCustomer(account, true)).wait();
    },
  };
}

/** The green bond: any eligible participant holds it; the government mints, HKMA (registrar) pauses and freezes. */
async function bondSubject(): Promise<PermissionedTokenSubject> {
  const ledger = await loadLedgerWithBondHolders();
  const { hkma, government, peakAsset, kowloonDealer } = ledger.participants;
  const asRegistrar = ledger.bond.connect(hkma.signer);
  return {
    token: ledger.bond,
    registry: ledger.registry,
    minter: government.signer,
    minterRole: await ledger.bond.ISSUER_ROLE(),
    pauser: hkma.signer,
    pauserRole: await ledger.bond.REGISTRAR_ROLE(),
    freeze: (account, frozen) => asRegistrar.setFrozen(account, frozen),
    sender: peakAsset.signer,
    receiver: kowloonDealer.signer,
    amount: 7n, // 7 units of HKD 50,000.00
    holderKind: ParticipantKind.Investor,
    onboard: async () => {},
  };
}

/** wCBDC's own rule: only wholesale participants (and approved settlement contracts) hold it. */
const WCBDC_RULES: readonly TransferRule[] = [
  {
    title: "the receiver is registered but not wholesale (an investor)",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      const investor = await newAccount(s.registry, ParticipantKind.Investor);
      return {
        to: investor.address,
        error: "HolderNotWholesale",
        args: [investor.address, ParticipantKind.Investor],
      };
    },
  },
  {
    title: "the sender was registered again as a dealer (no longer wholesale)",
    side: "sender",
    supported: () => true,
    breakRule: async (s) => {
      const expiry = (await networkHelpers.time.latest()) + 365 * 86_400;
      await (await s.registry.removeParticipant(s.sender.address)).wait();
      await (await s.registry.registerParticipant(s.sender.address, ParticipantKind.Dealer, "0x484b", expiry)).wait();
      return {
        to: s.receiver.address,
        error: "HolderNotWholesale",
        args: [s.sender.address, ParticipantKind.Dealer],
      };
    },
  },
];

/** A deposit token's own rule: only its bank's customers hold it. */
const DEPOSIT_RULES: readonly TransferRule[] = [
  {
    title: "the receiver is registered but not a customer of the bank",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      const outsider = await newAccount(s.registry, ParticipantKind.Investor);
      return { to: outsider.address, error: "NotCustomerOfBank", args: [outsider.address] };
    },
  },
  {
    title: "the sender was offboarded by the bank (not a customer)",
    side: "sender",
    supported: () => true,
    breakRule: async (s) => {
      await (await (s.token as TokenizedDeposit).connect(s.minter).setCustomer(s.sender.address, false)).wait();
      return { to: s.receiver.address, error: "NotCustomerOfBank", args: [s.sender.address] };
    },
  },
];

/** A bond's own rule: nothing is credited from maturity on (only redemption burns move units). */
const BOND_RULES: readonly TransferRule[] = [
  {
    title: "the bond has matured",
    side: "receiver",
    supported: () => true,
    breakRule: async (s) => {
      const maturity = await (s.token as GovernmentBond).maturityDate();
      await networkHelpers.time.increaseTo(maturity);
      return { to: s.receiver.address, error: "BondMatured", args: [maturity] };
    },
  },
];

const TOKEN_KINDS: readonly {
  readonly name: string;
  readonly getSubject: () => Promise<PermissionedTokenSubject>;
  readonly traits: PermissionedTokenTraits;
}[] = [
  {
    name: "WholesaleCBDC (wHKD)",
    getSubject: wcbdcSubject,
    traits: { perTokenFreeze: true, burnAnyTime: true, ownRules: WCBDC_RULES },
  },
  {
    name: "TokenizedDeposit (Harbour Bank hbHKD)",
    getSubject: depositSubject,
    traits: { perTokenFreeze: true, burnAnyTime: true, ownRules: DEPOSIT_RULES },
  },
  // A bond burns only at maturity: its burn path is in test/tokens/GovernmentBond.ts.
  {
    name: "GovernmentBond (green bond)",
    getSubject: bondSubject,
    traits: { perTokenFreeze: true, burnAnyTime: false, ownRules: BOND_RULES },
  },
];

describe("Permissioned tokens: shared transfer rules", function () {
  for (const kind of TOKEN_KINDS) {
    describe(kind.name, function () {
      shouldBehaveLikePermissionedToken(kind.getSubject, kind.traits);
    });
  }
});

describe("WholesaleCBDC", function () {
  it("is denominated in HKD with ISO 4217 minor units", async function () {
    const { wcbdc } = await loadFundedLedger();
    expect(await wcbdc.name()).to.equal(WCBDC_SPEC.name);
    expect(await wcbdc.symbol()).to.equal(WCBDC_SPEC.symbol);
    expect(await wcbdc.currency()).to.equal("HKD");
    expect(await wcbdc.decimals()).to.equal(2n);
  });

  it("takes its decimals from the currency's minor units (JPY: 0)", async function () {
    const ledger = await loadFundedLedger();
    const yen = await ethers.deployContract("WholesaleCBDC", [
      "Wholesale CBDC (JPY)",
      "wJPY",
      "JPY",
      0,
      await ledger.registry.getAddress(),
      ledger.participants.hkma.address,
    ]);
    expect(await yen.currency()).to.equal("JPY");
    expect(await yen.decimals()).to.equal(0n);
  });

  for (const code of ["hkd", "HK", "HKDX", "HK1"]) {
    it(`rejects currency code "${code}" at deployment`, async function () {
      const ledger = await loadFundedLedger();
      await expect(
        ethers.deployContract("WholesaleCBDC", [
          "Bad",
          "BAD",
          code,
          2,
          await ledger.registry.getAddress(),
          ledger.participants.hkma.address,
        ]),
      )
        .to.be.revertedWithCustomError(ledger.wcbdc, "InvalidCurrencyCode")
        .withArgs(code);
    });
  }

  it("rejects a zero central bank or registry at deployment", async function () {
    const ledger = await loadFundedLedger();
    const registry = await ledger.registry.getAddress();
    const hkma = ledger.participants.hkma.address;
    for (const [reg, bank] of [
      [registry, ethers.ZeroAddress],
      [ethers.ZeroAddress, hkma],
    ]) {
      await expect(
        ethers.deployContract("WholesaleCBDC", ["wHKD", "wHKD", "HKD", 2, reg, bank]),
      ).to.be.revertedWithCustomError(ledger.wcbdc, "ZeroAddress");
    }
  });

  it("lets the central bank hold its own money", async function () {
    const { wcbdc, participants } = await loadFundedLedger();
    await expect(wcbdc.mint(participants.hkma.address, 1_00n)).to.changeTokenBalance(
      ethers,
      wcbdc,
      participants.hkma.address,
      1_00n,
    );
  });

  describe("rejects registered participants that are not wholesale", function () {
    const NON_WHOLESALE = [
      ["kowloonDealer", ParticipantKind.Dealer],
      ["peakAsset", ParticipantKind.Investor],
      ["government", ParticipantKind.Issuer],
    ] as const;

    for (const [key, kind] of NON_WHOLESALE) {
      it(`rejects ${key} (kind ${kind}) on transfer, transferFrom and mint with HolderNotWholesale`, async function () {
        const { wcbdc, participants } = await loadFundedLedger();
        const { harbourBank, victoriaBank, hkma } = participants;
        const holder = participants[key].address;
        const accounts = [harbourBank.address, victoriaBank.address, holder];
        await (await wcbdc.connect(harbourBank.signer).approve(victoriaBank.address, 1_00n)).wait();

        await expectRejectedUnchanged(
          wcbdc,
          accounts,
          () => wcbdc.connect(harbourBank.signer).transfer(holder, 1_00n),
          "HolderNotWholesale",
          [holder, kind],
        );
        await expectRejectedUnchanged(
          wcbdc,
          accounts,
          () => wcbdc.connect(victoriaBank.signer).transferFrom(harbourBank.address, holder, 1_00n),
          "HolderNotWholesale",
          [holder, kind],
        );
        await expectRejectedUnchanged(
          wcbdc,
          accounts,
          () => wcbdc.connect(hkma.signer).mint(holder, 1_00n),
          "HolderNotWholesale",
          [holder, kind],
        );
      });
    }
  });

  describe("approved settlement contracts", function () {
    it("admits a registered infrastructure account once approved, and no longer once approval is withdrawn (HolderNotWholesale)", async function () {
      const { wcbdc, registry, participants } = await loadFundedLedger();
      const { harbourBank, victoriaBank, hkma } = participants;
      const settlement = await newAccount(registry, ParticipantKind.Infrastructure);
      const accounts = [harbourBank.address, victoriaBank.address, settlement.address];

      // Registered as market infrastructure but not approved: not a wholesale holder.
      expect(await registry.isEligible(settlement.address)).to.equal(true);
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.connect(hkma.signer).mint(settlement.address, 5_00n),
        "HolderNotWholesale",
        [settlement.address, ParticipantKind.Infrastructure],
      );

      await expect(wcbdc.setSettlementContract(settlement.address, true))
        .to.emit(wcbdc, "SettlementContractApprovalUpdated")
        .withArgs(settlement.address, true);
      expect(await wcbdc.isApprovedSettlementContract(settlement.address)).to.equal(true);

      await expect(wcbdc.mint(settlement.address, 5_00n)).to.changeTokenBalance(
        ethers,
        wcbdc,
        settlement.address,
        5_00n,
      );
      await expect(wcbdc.connect(harbourBank.signer).transfer(settlement.address, 20_00n)).to.changeTokenBalances(
        ethers,
        wcbdc,
        [harbourBank.address, settlement.address],
        [-20_00n, 20_00n],
      );
      await expect(wcbdc.connect(settlement).transfer(victoriaBank.address, 15_00n)).to.changeTokenBalances(
        ethers,
        wcbdc,
        [settlement.address, victoriaBank.address],
        [-15_00n, 15_00n],
      );
      expect(await wcbdc.balanceOf(settlement.address)).to.equal(10_00n);

      await expect(wcbdc.setSettlementContract(settlement.address, false))
        .to.emit(wcbdc, "SettlementContractApprovalUpdated")
        .withArgs(settlement.address, false);
      expect(await wcbdc.isApprovedSettlementContract(settlement.address)).to.equal(false);

      const notWholesale = [settlement.address, ParticipantKind.Infrastructure];
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.connect(harbourBank.signer).transfer(settlement.address, 1_00n),
        "HolderNotWholesale",
        notWholesale,
      );
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.connect(settlement).transfer(victoriaBank.address, 1_00n),
        "HolderNotWholesale",
        notWholesale,
      );
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.mint(settlement.address, 1_00n),
        "HolderNotWholesale",
        notWholesale,
      );
    });

    it("admits a deployed contract once registered and approved", async function () {
      const ledger = await loadFundedLedger();
      const { wcbdc, registry } = ledger;
      // Any contract will do as a stand-in for a DvP or HTLC contract: here, a deposit token.
      const contract = await ledger.deposits.victoriaBank.getAddress();
      const kycExpiry = (await networkHelpers.time.latest()) + 365 * 86_400;
      await (await registry.registerParticipant(contract, ParticipantKind.Infrastructure, "0x484b", kycExpiry)).wait();
      await (await wcbdc.setSettlementContract(contract, true)).wait();
      await expect(
        wcbdc.connect(ledger.participants.harbourBank.signer).transfer(contract, 3_00n),
      ).to.changeTokenBalance(ethers, wcbdc, contract, 3_00n);
    });

    it("finding 12: an approved settlement contract that is not registered in the registry cannot hold wCBDC (ParticipantNotRegistered)", async function () {
      const { wcbdc, registry, participants, engine } = await loadFundedLedger();
      const { harbourBank, victoriaBank } = participants;
      // Approved by the central bank, never registered.
      const unregistered = await newAccount(registry, undefined);
      await (await wcbdc.setSettlementContract(unregistered.address, true)).wait();
      expect(await wcbdc.isApprovedSettlementContract(unregistered.address)).to.equal(true);
      const accounts = [harbourBank.address, victoriaBank.address, unregistered.address];
      const notRegistered = [unregistered.address];
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.mint(unregistered.address, 1_00n),
        "ParticipantNotRegistered",
        notRegistered,
      );
      await expectRejectedUnchanged(
        wcbdc,
        accounts,
        () => wcbdc.connect(harbourBank.signer).transfer(unregistered.address, 1_00n),
        "ParticipantNotRegistered",
        notRegistered,
      );
      await expect(wcbdc.checkTransfer(harbourBank.address, unregistered.address, 1_00n))
        .to.be.revertedWithCustomError(wcbdc, "ParticipantNotRegistered")
        .withArgs(unregistered.address);

      // The settlement engine, approved by Ignition, stops being a holder once removed from the registry.
      const engineAddress = await engine.getAddress();
      expect(await wcbdc.isApprovedSettlementContract(engineAddress)).to.equal(true);
      await wcbdc.checkTransfer(harbourBank.address, engineAddress, 1_00n);
      await (await registry.removeParticipant(engineAddress)).wait();
      await expectRejectedUnchanged(
        wcbdc,
        [...accounts, engineAddress],
        () => wcbdc.connect(harbourBank.signer).transfer(engineAddress, 1_00n),
        "ParticipantNotRegistered",
        [engineAddress],
      );
    });

    it("finding 12: a frozen escrow or settlement contract no longer receives wCBDC (ParticipantFrozen)", async function () {
      const ledger = await loadFundedLedger();
      const { wcbdc, registry, participants, engine } = ledger;
      const { harbourBank, victoriaBank } = participants;
      // An escrow (registered as infrastructure and approved, as test/crosschain/HashedTimelock.ts
      // sets it up) and the settlement engine.
      const escrow = await (await ethers.deployContract("HashedTimelock")).getAddress();
      const kycExpiry = (await networkHelpers.time.latest()) + 365 * 86_400;
      await (await registry.registerParticipant(escrow, ParticipantKind.Infrastructure, "0x484b", kycExpiry)).wait();
      await (await wcbdc.setSettlementContract(escrow, true)).wait();
      const engineAddress = await engine.getAddress();

      for (const holder of [escrow, engineAddress]) {
        // Before the freeze it may receive...
        await wcbdc.checkTransfer(harbourBank.address, holder, 1_00n);
        await (await registry.setFrozen(holder, true)).wait();
        // ...frozen in the registry, it is refused on every path that credits it.
        const accounts = [harbourBank.address, victoriaBank.address, holder];
        await expect(wcbdc.checkTransfer(harbourBank.address, holder, 1_00n))
          .to.be.revertedWithCustomError(wcbdc, "ParticipantFrozen")
          .withArgs(holder);
        await expectRejectedUnchanged(
          wcbdc,
          accounts,
          () => wcbdc.connect(harbourBank.signer).transfer(holder, 1_00n),
          "ParticipantFrozen",
          [holder],
        );
        await expectRejectedUnchanged(wcbdc, accounts, () => wcbdc.mint(holder, 1_00n), "ParticipantFrozen", [holder]);
        // It stays approved: the freeze is the registrar's, the approval the central bank's.
        expect(await wcbdc.isApprovedSettlementContract(holder)).to.equal(true);
      }
    });

    it("lets only the central bank approve, and never the zero address", async function () {
      const { wcbdc, participants } = await loadFundedLedger();
      const somewhere = ethers.Wallet.createRandom().address;
      await expect(wcbdc.connect(participants.harbourBank.signer).setSettlementContract(somewhere, true))
        .to.be.revertedWithCustomError(wcbdc, "AccessControlUnauthorizedAccount")
        .withArgs(participants.harbourBank.address, await wcbdc.CENTRAL_BANK_ROLE());
      await expect(wcbdc.setSettlementContract(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        wcbdc,
        "ZeroAddress",
      );
      expect(await wcbdc.isApprovedSettlementContract(somewhere)).to.equal(false);
    });
  });
});

describe("WholesaleCBDC: per-account freeze (finding 12)", function () {
  it("finding 12: wCBDC has a per-account freeze that only the central bank sets (setFrozen needs CENTRAL_BANK_ROLE)", async function () {
    const { wcbdc, participants } = await loadFundedLedger();
    const role = await wcbdc.CENTRAL_BANK_ROLE();
    const harbour = participants.harbourBank.address;
    for (const p of PARTICIPANTS.filter((x) => x.key !== "hkma")) {
      const caller = participants[p.key];
      await expect(wcbdc.connect(caller.signer).setFrozen(harbour, true))
        .to.be.revertedWithCustomError(wcbdc, "AccessControlUnauthorizedAccount")
        .withArgs(caller.address, role);
    }
    expect(await wcbdc.isFrozen(harbour)).to.equal(false);
    await expect(wcbdc.setFrozen(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(wcbdc, "ZeroAddress");

    await expect(wcbdc.setFrozen(harbour, true)).to.emit(wcbdc, "AccountFreezeUpdated").withArgs(harbour, true);
    expect(await wcbdc.isFrozen(harbour)).to.equal(true);
    await expect(wcbdc.setFrozen(harbour, false)).to.emit(wcbdc, "AccountFreezeUpdated").withArgs(harbour, false);
    expect(await wcbdc.isFrozen(harbour)).to.equal(false);
  });

  it("finding 12: a bank frozen on wCBDC can neither pay nor be paid (AccountFrozen), and can again once unfrozen", async function () {
    const { wcbdc, registry, participants } = await loadFundedLedger();
    const { harbourBank, victoriaBank, lionRockBank } = participants;
    const accounts = [harbourBank.address, victoriaBank.address, lionRockBank.address];
    await (await wcbdc.connect(harbourBank.signer).approve(lionRockBank.address, 1_00n)).wait();
    await (await wcbdc.connect(victoriaBank.signer).approve(lionRockBank.address, 1_00n)).wait();
    await (await wcbdc.setFrozen(harbourBank.address, true)).wait();
    const frozen = [harbourBank.address];

    // Pays: transfer, transferFrom by a third bank, redemption (burn).
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.connect(harbourBank.signer).transfer(victoriaBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.connect(lionRockBank.signer).transferFrom(harbourBank.address, victoriaBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.burn(harbourBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    // Is paid: transfer, transferFrom, issuance (mint).
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.connect(victoriaBank.signer).transfer(harbourBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.connect(lionRockBank.signer).transferFrom(victoriaBank.address, harbourBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    await expectRejectedUnchanged(
      wcbdc,
      accounts,
      () => wcbdc.mint(harbourBank.address, 1_00n),
      "AccountFrozen",
      frozen,
    );
    // The view says the same, for both directions.
    for (const [from, to] of [
      [harbourBank.address, victoriaBank.address],
      [victoriaBank.address, harbourBank.address],
    ]) {
      await expect(wcbdc.checkTransfer(from, to, 1_00n))
        .to.be.revertedWithCustomError(wcbdc, "AccountFrozen")
        .withArgs(harbourBank.address);
    }
    // The freeze is wCBDC's alone: the bank stays eligible in the registry, and other banks pay each other.
    expect(await registry.isEligible(harbourBank.address)).to.equal(true);
    await expect(wcbdc.connect(victoriaBank.signer).transfer(lionRockBank.address, 1_00n)).to.changeTokenBalances(
      ethers,
      wcbdc,
      [victoriaBank.address, lionRockBank.address],
      [-1_00n, 1_00n],
    );

    await (await wcbdc.setFrozen(harbourBank.address, false)).wait();
    await expect(wcbdc.connect(harbourBank.signer).transfer(victoriaBank.address, 1_00n)).to.changeTokenBalances(
      ethers,
      wcbdc,
      [harbourBank.address, victoriaBank.address],
      [-1_00n, 1_00n],
    );
    await expect(wcbdc.connect(victoriaBank.signer).transfer(harbourBank.address, 1_00n)).to.changeTokenBalances(
      ethers,
      wcbdc,
      [victoriaBank.address, harbourBank.address],
      [-1_00n, 1_00n],
    );
  });
});

describe("TokenizedDeposit", function () {
  it("is Harbour Bank's HKD with ISO 4217 minor units", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    expect(await deposit.bank()).to.equal(ledger.participants.harbourBank.address);
    expect(await deposit.currency()).to.equal(HKD.code);
    expect(await deposit.decimals()).to.equal(2n);
    expect(await deposit.symbol()).to.equal("hbHKD");
  });

  for (const code of ["hkd", "HK", "H1D", ""]) {
    it(`rejects currency code "${code}" at deployment`, async function () {
      const ledger = await loadFundedLedger();
      await expect(
        ethers.deployContract("TokenizedDeposit", [
          "Bad",
          "BAD",
          code,
          2,
          await ledger.registry.getAddress(),
          ledger.participants.harbourBank.address,
        ]),
      )
        .to.be.revertedWithCustomError(ledger.deposits.harbourBank, "InvalidCurrencyCode")
        .withArgs(code);
    });
  }

  it("rejects a zero bank or registry at deployment", async function () {
    const ledger = await loadFundedLedger();
    const registry = await ledger.registry.getAddress();
    const bank = ledger.participants.harbourBank.address;
    for (const [reg, issuer] of [
      [registry, ethers.ZeroAddress],
      [ethers.ZeroAddress, bank],
    ]) {
      await expect(
        ethers.deployContract("TokenizedDeposit", ["hbHKD", "hbHKD", "HKD", 2, reg, issuer]),
      ).to.be.revertedWithCustomError(ledger.deposits.harbourBank, "ZeroAddress");
    }
  });

  it("issue 14: the customer and freeze flags share the balance's storage word and never change a balance or the supply", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { harbourBank, kowloonDealer } = ledger.participants;
    const holder = kowloonDealer.address;
    const balance = await deposit.balanceOf(holder);
    const supply = await deposit.totalSupply();
    expect(balance).to.be.greaterThan(0n);
    const bank = deposit.connect(harbourBank.signer);
    for (const step of [
      () => bank.setFrozen(holder, true),
      () => bank.setCustomer(holder, false),
      () => bank.setFrozen(holder, false),
      () => bank.setCustomer(holder, true),
    ]) {
      await (await step()).wait();
      expect(await deposit.balanceOf(holder)).to.equal(balance);
      expect(await deposit.totalSupply()).to.equal(supply);
    }
    // Offboarded but still holding its balance: the flag is cleared, the balance is not.
    await (await bank.setCustomer(holder, false)).wait();
    expect(await deposit.isCustomer(holder)).to.equal(false);
    expect(await deposit.isFrozen(holder)).to.equal(false);
    expect(await deposit.balanceOf(holder)).to.equal(balance);
    // Burned to zero, the account keeps its flags: still a customer, and frozen it refuses a mint.
    await (await bank.setCustomer(holder, true)).wait();
    await (await bank.burn(holder, balance)).wait();
    await (await bank.setFrozen(holder, true)).wait();
    expect(await deposit.balanceOf(holder)).to.equal(0n);
    expect(await deposit.isCustomer(holder)).to.equal(true);
    expect(await deposit.isFrozen(holder)).to.equal(true);
    await expect(bank.mint(holder, 1n)).to.be.revertedWithCustomError(deposit, "AccountFrozen").withArgs(holder);
  });

  it("rejects a registered participant who banks elsewhere with NotCustomerOfBank", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { kowloonDealer, peakAsset, tsingYiInsurance } = ledger.participants;
    // Tsing Yi Insurance is eligible in the registry but banks at Victoria Bank.
    expect(await ledger.registry.isEligible(tsingYiInsurance.address)).to.equal(true);
    expect(await ledger.deposits.victoriaBank.isCustomer(tsingYiInsurance.address)).to.equal(true);
    const outsider = tsingYiInsurance.address;
    const accounts = [kowloonDealer.address, peakAsset.address, outsider];
    await (await deposit.connect(kowloonDealer.signer).approve(peakAsset.address, 1_00n)).wait();

    await expectRejectedUnchanged(
      deposit,
      accounts,
      () => deposit.connect(kowloonDealer.signer).transfer(outsider, 1_00n),
      "NotCustomerOfBank",
      [outsider],
    );
    await expectRejectedUnchanged(
      deposit,
      accounts,
      () => deposit.connect(peakAsset.signer).transferFrom(kowloonDealer.address, outsider, 1_00n),
      "NotCustomerOfBank",
      [outsider],
    );
    await expectRejectedUnchanged(deposit, accounts, () => deposit.mint(outsider, 1_00n), "NotCustomerOfBank", [
      outsider,
    ]);
  });

  it("never moves to another bank's customer, nor to any participant the bank has not onboarded", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const harbour = DEPOSITS.find((d) => d.bank === "harbourBank");
    if (harbour === undefined) throw new Error("no Harbour Bank deposit on the ledger");
    const { kowloonDealer } = ledger.participants;

    const outsiders = PARTICIPANTS.filter((p) => !harbour.customers.includes(p.key));
    const otherBanksCustomers = DEPOSITS.filter((d) => d.bank !== "harbourBank").flatMap((d) => d.customers);
    for (const c of otherBanksCustomers) expect(outsiders.map((p) => p.key)).to.include(c);

    for (const p of outsiders) {
      const outsider = ledger.participants[p.key].address;
      await expectRejectedUnchanged(
        deposit,
        [kowloonDealer.address, outsider],
        () => deposit.connect(kowloonDealer.signer).transfer(outsider, 1_00n),
        "NotCustomerOfBank",
        [outsider],
      );
    }
  });

  it("admits a participant of another bank once this bank onboards it too", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { kowloonDealer, tsingYiInsurance } = ledger.participants;
    await expect(deposit.setCustomer(tsingYiInsurance.address, true))
      .to.emit(deposit, "CustomerUpdated")
      .withArgs(tsingYiInsurance.address, true);
    await expect(
      deposit.connect(kowloonDealer.signer).transfer(tsingYiInsurance.address, 1_00n),
    ).to.changeTokenBalances(ethers, deposit, [kowloonDealer.address, tsingYiInsurance.address], [-1_00n, 1_00n]);
  });

  it("stops an offboarded customer from sending or being debited", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { kowloonDealer, peakAsset } = ledger.participants;
    await expect(deposit.setCustomer(peakAsset.address, false))
      .to.emit(deposit, "CustomerUpdated")
      .withArgs(peakAsset.address, false);
    const accounts = [kowloonDealer.address, peakAsset.address];

    await expectRejectedUnchanged(
      deposit,
      accounts,
      () => deposit.connect(peakAsset.signer).transfer(kowloonDealer.address, 1_00n),
      "NotCustomerOfBank",
      [peakAsset.address],
    );
    await expectRejectedUnchanged(
      deposit,
      accounts,
      () => deposit.burn(peakAsset.address, 1_00n),
      "NotCustomerOfBank",
      [peakAsset.address],
    );
  });

  it("burnForSettlement: a settlement contract burns what it holds by its own call; another holder's balance only on that holder's allowance; never a frozen holder's", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { kowloonDealer, peakAsset } = ledger.participants;
    // Peak stands in for a settlement contract holding deposits in custody.
    await (await deposit.grantRole(await deposit.SETTLEMENT_ROLE(), peakAsset.address)).wait();
    const settlement = deposit.connect(peakAsset.signer);
    const held = await deposit.balanceOf(peakAsset.address);
    const supply = await deposit.totalSupply();
    await expect(settlement.burnForSettlement(peakAsset.address, 1_00n))
      .to.emit(deposit, "Transfer")
      .withArgs(peakAsset.address, ethers.ZeroAddress, 1_00n);
    expect([await deposit.balanceOf(peakAsset.address), await deposit.totalSupply()]).to.deep.equal([held - 1_00n, supply - 1_00n]);
    expect(await deposit.allowance(peakAsset.address, peakAsset.address)).to.equal(0n);
    const accounts = [kowloonDealer.address, peakAsset.address];
    await expectRejectedUnchanged(
      deposit,
      accounts,
      () => settlement.burnForSettlement(kowloonDealer.address, 1_00n),
      "ERC20InsufficientAllowance",
      [peakAsset.address, 0n, 1_00n],
    );
    await (await deposit.setFrozen(peakAsset.address, true)).wait();
    await expectRejectedUnchanged(deposit, accounts, () => settlement.burnForSettlement(peakAsset.address, 1_00n), "AccountFrozen", [peakAsset.address]);
  });

  it("lets only its own bank keep the customer book", async function () {
    const ledger = await loadFundedLedger();
    const deposit = ledger.deposits.harbourBank;
    const { victoriaBank, tsingYiInsurance } = ledger.participants;
    await expect(deposit.connect(victoriaBank.signer).setCustomer(tsingYiInsurance.address, true))
      .to.be.revertedWithCustomError(deposit, "AccessControlUnauthorizedAccount")
      .withArgs(victoriaBank.address, await deposit.BANK_ROLE());
    await expect(deposit.setCustomer(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(deposit, "ZeroAddress");
    expect(await deposit.isCustomer(tsingYiInsurance.address)).to.equal(false);
  });
});
