// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20ReentrantMock} from "../../../contracts/mocks/token/ERC20ReentrantMock.sol";
import {ERC20ReturnFalseMock} from "../../../contracts/mocks/token/ERC20ReturnFalseMock.sol";

/// @title Hostile contracts the Solidity tests throw at the settlement engine and the tender contract
/// @notice Test-only. The hostile cash tokens add what the engine asks of central-bank money (`currency()`,
/// and the compliance view `checkTransfer` a netting batch asks of every gross leg, which they always
/// pass) to the hostile mocks of `contracts/mocks`, so that the central bank operating the ledger can
/// register them (`registerWholesaleCbdc`) and the tests reach the engine's leg mover with them. A
/// hostile "bond" claims whatever an attacker wants the engine to believe.

/// @notice A re-entering ERC-20 (`ERC20ReentrantMock`) dressed as central-bank money of currency `currency_`.
contract ReentrantCashMock is ERC20ReentrantMock {
    string private _currency;

    constructor(string memory name_, string memory symbol_, string memory currency_) ERC20ReentrantMock(name_, symbol_) {
        _currency = currency_;
    }

    /// @notice The ISO 4217 code the token claims.
    function currency() external view returns (string memory) {
        return _currency;
    }

    /// @notice Passes every transfer: the hostile part is `transferFrom` itself.
    function checkTransfer(address, address, uint256) external pure {}
}

/// @notice A false-returning ERC-20 (`ERC20ReturnFalseMock`) dressed as central-bank money of currency `currency_`.
contract FalseReturningCashMock is ERC20ReturnFalseMock {
    string private _currency;

    constructor(string memory name_, string memory symbol_, string memory currency_) ERC20ReturnFalseMock(name_, symbol_) {
        _currency = currency_;
    }

    /// @notice The ISO 4217 code the token claims.
    function currency() external view returns (string memory) {
        return _currency;
    }

    /// @notice Passes every transfer: the hostile part is the `false` its transfers return.
    function checkTransfer(address, address, uint256) external pure {}
}

/// @notice An attacker's contract that claims to be a bond issued by `issuer()` and paid in `cashToken()`,
/// and to be a deposit token of `bank()` in `currency()`; it accepts every call and moves nothing. If the
/// engine or the tender contract believed any of it, an attacker could open a tender of it, trade it
/// against real cash, or register it as a deposit line that makes a real bank pay out wCBDC.
contract HostileBond {
    address public immutable issuer;
    address public immutable cashToken;
    address public immutable bank;

    constructor(address issuer_, address cashToken_, address bank_) {
        issuer = issuer_;
        cashToken = cashToken_;
        bank = bank_;
    }

    function currency() external pure returns (string memory) {
        return "HKD";
    }

    function decimals() external pure returns (uint8) {
        return 0;
    }

    function balanceOf(address) external pure returns (uint256) {
        return 1e30;
    }

    function mint(address, uint256) external {}

    function mintForSettlement(address, uint256) external {}

    function burnForSettlement(address, uint256) external {}

    function transfer(address, uint256) external pure returns (bool) {
        return true;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return true;
    }

    function checkTransfer(address, address, uint256) external pure {}

    function nextEntitlementDate(uint64) external pure returns (uint64) {
        return type(uint64).max;
    }
}
