// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITokenErrors} from "../interfaces/ITokenErrors.sol";

/// @title ISO 4217 alphabetic currency codes
/// @notice Packs a three-letter code such as "HKD" into `bytes3` and back.
library Iso4217 {
    /// @notice Packs `code`, reverting with `InvalidCurrencyCode` unless it is three upper-case letters.
    /// @param code the ISO 4217 alphabetic code, e.g. "HKD".
    /// @return packed the code as `bytes3`.
    function pack(string memory code) internal pure returns (bytes3 packed) {
        bytes memory b = bytes(code);
        if (b.length != 3) revert ITokenErrors.InvalidCurrencyCode(code);
        for (uint256 i = 0; i < 3; ++i) {
            if (b[i] < "A" || b[i] > "Z") revert ITokenErrors.InvalidCurrencyCode(code);
        }
        return bytes3(b);
    }

    /// @notice Unpacks a code packed by `pack`.
    /// @param packed the code as `bytes3`.
    /// @return the code as a string, e.g. "HKD".
    function unpack(bytes3 packed) internal pure returns (string memory) {
        return string(abi.encodePacked(packed));
    }
}
