import { expect } from "chai";

import { DEPOSITS, PARTICIPANTS } from "../../src/ledger/hong-kong.js";
import { ParticipantKind } from "../../src/ledger/participants.js";
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
});
