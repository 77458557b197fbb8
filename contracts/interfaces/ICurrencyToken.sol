// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A money token denominated in one ISO 4217 currency
interface ICurrencyToken {
    /// @notice ISO 4217 alphabetic code of the token's currency, e.g. "HKD".
    function currency() external view returns (string memory);
}
