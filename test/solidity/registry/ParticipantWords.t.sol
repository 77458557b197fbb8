// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IParticipantRegistryErrors, Participant, ParticipantKind} from "../../../contracts/interfaces/IParticipantRegistry.sol";
import {ParticipantWord, ParticipantWords} from "../../../contracts/libraries/ParticipantWords.sol";
import {ParticipantRegistry} from "../../../contracts/registry/ParticipantRegistry.sol";
import {SandboxTest} from "../utils/SandboxTest.sol";
import {vm} from "../utils/Vm.sol";

/// @dev Calls the library's `requireEligible` externally, so a test can expect its revert.
contract ParticipantWordsCaller {
    function requireEligible(ParticipantWord word, address account) external view returns (ParticipantKind) {
        return ParticipantWords.requireEligible(word, account);
    }
}

/// @notice The packed record the registry stores and every token checks: it must say exactly what
/// the `Participant` struct says, and the one rule must give the registry's errors in its order.
contract ParticipantWordsTest is SandboxTest {
    using ParticipantWords for ParticipantWord;

    address private constant ACCOUNT = address(0xACC);
    ParticipantWordsCaller private caller;

    function setUp() public {
        caller = new ParticipantWordsCaller();
        vm.warp(1_800_000_000);
    }

    function testFuzz_pack_roundTripsEveryField(uint8 kind, bytes2 jurisdiction, uint64 kycExpiry, bool frozen) public pure {
        kind = uint8(bound(kind, 0, uint8(type(ParticipantKind).max)));
        ParticipantWord word = ParticipantWords.pack(ParticipantKind(kind), jurisdiction, kycExpiry, frozen);
        Participant memory p = word.unpack();
        assertEq(uint8(p.kind), kind, "kind");
        assertTrue(p.jurisdiction == jurisdiction, "jurisdiction");
        assertEq(p.kycExpiry, kycExpiry, "kycExpiry");
        assertTrue(p.frozen == frozen, "frozen");
        assertTrue(ParticipantWord.unwrap(word) < 1 << 128, "a word must fit in 128 bits");
    }

    function testFuzz_withFrozen_withKycExpiry_changeOnlyTheirField(
        uint8 kind,
        bytes2 jurisdiction,
        uint64 kycExpiry,
        uint64 newExpiry,
        bool frozen
    ) public pure {
        kind = uint8(bound(kind, 0, uint8(type(ParticipantKind).max)));
        ParticipantWord word = ParticipantWords.pack(ParticipantKind(kind), jurisdiction, kycExpiry, frozen);
        ParticipantWord toggled = word.withFrozen(!frozen);
        assertTrue(toggled.frozen() == !frozen, "frozen not toggled");
        assertTrue(
            ParticipantWord.unwrap(toggled.withFrozen(frozen)) == ParticipantWord.unwrap(word),
            "freeze round trip changed another field"
        );
        ParticipantWord renewed = word.withKycExpiry(newExpiry);
        assertEq(renewed.kycExpiry(), newExpiry, "expiry");
        assertEq(uint8(renewed.kind()), kind, "kind changed by renewal");
        assertTrue(renewed.jurisdiction() == jurisdiction, "jurisdiction changed by renewal");
        assertTrue(renewed.frozen() == frozen, "freeze changed by renewal");
    }

    function test_requireEligible_revertsWithParticipantNotRegistered_beforeFrozen() public {
        ParticipantWord word = ParticipantWords.pack(ParticipantKind.None, bytes2(0), 0, true);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistryErrors.ParticipantNotRegistered.selector, ACCOUNT));
        caller.requireEligible(word, ACCOUNT);
    }

    function test_requireEligible_revertsWithParticipantFrozen_beforeKycExpired() public {
        ParticipantWord word = ParticipantWords.pack(ParticipantKind.Dealer, "HK", 1, true);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistryErrors.ParticipantFrozen.selector, ACCOUNT));
        caller.requireEligible(word, ACCOUNT);
    }

    function test_requireEligible_revertsWithParticipantKycExpired_atTheExpiry() public {
        uint64 expiry = uint64(block.timestamp);
        ParticipantWord word = ParticipantWords.pack(ParticipantKind.Dealer, "HK", expiry, false);
        vm.expectRevert(
            abi.encodeWithSelector(IParticipantRegistryErrors.ParticipantKycExpired.selector, ACCOUNT, expiry)
        );
        caller.requireEligible(word, ACCOUNT);
    }

    function test_requireEligible_returnsTheKind_oneSecondBeforeExpiry() public view {
        ParticipantWord word = ParticipantWords.pack(ParticipantKind.Issuer, "HK", uint64(block.timestamp + 1), false);
        assertEq(uint8(caller.requireEligible(word, ACCOUNT)), uint8(ParticipantKind.Issuer), "kind");
        assertTrue(word.isEligible(), "isEligible");
    }

    /// @dev The registry's `participantWords` answers exactly what `participantOf` does, and the zero
    /// address reads as not registered.
    function test_participantWords_matchParticipantOf() public {
        ParticipantRegistry registry = new ParticipantRegistry(address(this));
        registry.registerParticipant(ACCOUNT, ParticipantKind.CommercialBank, "HK", uint64(block.timestamp + 100));
        registry.setFrozen(ACCOUNT, true);
        (ParticipantWord fromWord, ParticipantWord toWord) = registry.participantWords(ACCOUNT, address(0));
        Participant memory p = registry.participantOf(ACCOUNT);
        Participant memory q = fromWord.unpack();
        assertEq(uint8(q.kind), uint8(p.kind), "kind");
        assertTrue(q.jurisdiction == p.jurisdiction, "jurisdiction");
        assertEq(q.kycExpiry, p.kycExpiry, "kycExpiry");
        assertTrue(q.frozen == p.frozen && q.frozen, "frozen");
        assertEq(ParticipantWord.unwrap(toWord), 0, "zero address");
        (, ParticipantWord again) = registry.participantWords(address(0), ACCOUNT);
        assertEq(ParticipantWord.unwrap(again), ParticipantWord.unwrap(fromWord), "same word on either side");
    }
}
