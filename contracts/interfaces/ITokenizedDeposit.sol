// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICurrencyToken} from "./ICurrencyToken.sol";

/// @title What settlement contracts need of a tokenized deposit
interface ITokenizedDeposit is ICurrencyToken {
    /// @notice The issuing bank.
    function bank() external view returns (address);

    /// @notice Credits `amount` to customer `to` because the bank was paid for it in central-bank money.
    function mintForSettlement(address to, uint256 amount) external;

    /// @notice Debits `amount` from customer `from`, spending `from`'s allowance to the caller (none when the caller is `from`).
    function burnForSettlement(address from, uint256 amount) external;
}
