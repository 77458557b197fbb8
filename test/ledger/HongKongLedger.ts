import { expect } from "chai";

import { DEPOSITS, PARTICIPANTS } from "../../src/domain/hong-kong.js";
import { ParticipantKind } from "../../src/domain/participants.js";
import { deployedLedger, loadFundedLedger, loadLedger } from "../helpers/ledger-fixture.js";

describe("HongKongLedger (Ignition module)", function () {
  it("registers every participant with its kind and jurisdiction", async function () {
    const ledger = await loadLedger();
    for (const p of PARTICIPANTS) {
      const record = await ledger.registry.participantOf(ledger.participants[p.key].address);
      expect(record.kind).to.equal(BigInt(ParticipantKind[p.kind]), p.name);
      expect(record.jurisdiction).to.equal("0x484b", p.name);
      expect(await ledger.registry.isEligible(ledger.participants[p.key].address)).to.equal(true);
    }
  });

  it("onboards each bank's customers and nobody else", async function () {
    const ledger = await loadLedger();
    for (const d of DEPOSITS) {
      for (const p of PARTICIPANTS) {
        const expected = (d.customers as readonly string[]).includes(p.key);
        expect(await ledger.deposits[d.bank].isCustomer(ledger.participants[p.key].address)).to.equal(
          expected,
          `${p.name} at ${d.name}`,
        );
      }
    }
  });

  it("deploys the green bond with its term sheet", async function () {
    const ledger = await loadLedger();
    const { bond, bondTerms } = ledger;
    expect(await bond.isin()).to.equal(bondTerms.isin);
    expect(await bond.issueNumber()).to.equal(bondTerms.issueNumber);
    expect(await bond.issuer()).to.equal(ledger.participants.government.address);
    expect(await bond.cashToken()).to.equal(await ledger.wcbdc.getAddress());
    expect(await bond.couponRate()).to.equal(425n);
    expect(await bond.couponFrequency()).to.equal(2n);
    expect(await bond.couponCount()).to.equal(6n);
    expect(await bond.maturityDate()).to.equal(BigInt(bondTerms.couponDates[5]));
  });

  it("deploys a second, independent ledger on the same network", async function () {
    const first = await loadLedger();
    const second = await deployedLedger();
    expect(await second.bond.getAddress()).to.not.equal(await first.bond.getAddress());
    expect(await second.registry.getAddress()).to.not.equal(await first.registry.getAddress());
    expect(await second.registry.isEligible(second.participants.peakAsset.address)).to.equal(true);
  });

  it("funds the opening balances", async function () {
    const ledger = await loadFundedLedger();
    expect(await ledger.wcbdc.balanceOf(ledger.participants.harbourBank.address)).to.equal(150_000_000_000n);
    expect(await ledger.wcbdc.totalSupply()).to.equal(350_000_000_000n);
    expect(await ledger.deposits.harbourBank.balanceOf(ledger.participants.peakAsset.address)).to.equal(
      12_000_000_000n,
    );
    expect(await ledger.deposits.victoriaBank.totalSupply()).to.equal(68_000_000_000n);
  });

  describe("settlement and lifecycle wiring (Settlement, GreenBondLifecycle)", function () {
    it("registers the engine, the tender contract and the paying agent as HK market infrastructure", async function () {
      const ledger = await loadLedger();
      for (const contract of [ledger.engine, ledger.issuance, ledger.payingAgent]) {
        const address = await contract.getAddress();
        const record = await ledger.registry.participantOf(address);
        expect(record.kind).to.equal(BigInt(ParticipantKind.Infrastructure), address);
        expect(record.jurisdiction).to.equal("0x484b", address);
        expect(await ledger.registry.isEligible(address)).to.equal(true, address);
      }
    });

    it("approves the engine, the paying agent and the tender contract (it holds each bid's cost in custody) to hold wHKD", async function () {
      const ledger = await loadLedger();
      expect(await ledger.wcbdc.isApprovedSettlementContract(await ledger.engine.getAddress())).to.equal(true);
      expect(await ledger.wcbdc.isApprovedSettlementContract(await ledger.payingAgent.getAddress())).to.equal(true);
      expect(await ledger.wcbdc.isApprovedSettlementContract(await ledger.issuance.getAddress())).to.equal(true);
    });

    it("registers the green bond with the engine, issued by the Government against wHKD", async function () {
      const ledger = await loadLedger();
      const line = await ledger.engine.assetLine(await ledger.bond.getAddress());
      expect([line.issuer, line.cashToken]).to.deep.equal([
        ledger.participants.government.address,
        await ledger.wcbdc.getAddress(),
      ]);
      expect(await ledger.engine.wcbdc()).to.equal(await ledger.wcbdc.getAddress());
      expect(await ledger.engine.wcbdcOfCurrency("HKD")).to.equal(await ledger.wcbdc.getAddress());
      expect(await ledger.issuance.engine()).to.equal(await ledger.engine.getAddress());
    });

    it("registers each bank's deposit line with its consent, in wHKD, and grants the engine its SETTLEMENT_ROLE", async function () {
      const ledger = await loadLedger();
      const wcbdc = await ledger.wcbdc.getAddress();
      const engine = await ledger.engine.getAddress();
      for (const d of DEPOSITS) {
        const token = ledger.deposits[d.bank];
        const address = await token.getAddress();
        const bank = ledger.participants[d.bank].address;
        expect(await ledger.engine.depositLineConsentOf(address)).to.equal(bank, d.symbol);
        expect(await ledger.engine.bankOf(address)).to.equal(bank, d.symbol);
        expect(await ledger.engine.wcbdcOf(address)).to.equal(wcbdc, d.symbol);
        expect(await token.hasRole(await token.SETTLEMENT_ROLE(), engine)).to.equal(true, d.symbol);
      }
    });

    it("finding 14: leaves ISSUER_ADMIN_ROLE with the Government alone; its tender contract and paying agent hold ISSUER_ROLE", async function () {
      const ledger = await loadLedger();
      const { bond } = ledger;
      const issuerRole = await bond.ISSUER_ROLE();
      const adminRole = await bond.ISSUER_ADMIN_ROLE();
      expect(await bond.getRoleAdmin(issuerRole)).to.equal(adminRole);
      for (const agent of [await ledger.issuance.getAddress(), await ledger.payingAgent.getAddress()]) {
        expect(await bond.hasRole(issuerRole, agent)).to.equal(true, agent);
        expect(await bond.hasRole(adminRole, agent)).to.equal(false, agent);
      }
      for (const p of PARTICIPANTS) {
        expect(await bond.hasRole(adminRole, ledger.participants[p.key].address)).to.equal(
          p.key === "government",
          p.name,
        );
      }
      // The engine no longer issues: it holds no role on the bond.
      expect(await bond.hasRole(issuerRole, await ledger.engine.getAddress())).to.equal(false);
    });

    it("finding 3: gives the engine no standing allowance from the paying agent", async function () {
      const ledger = await loadLedger();
      const engine = await ledger.engine.getAddress();
      expect(await ledger.wcbdc.allowance(await ledger.payingAgent.getAddress(), engine)).to.equal(0n);
    });
  });
});
