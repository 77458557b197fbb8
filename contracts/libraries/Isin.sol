// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISIN (ISO 6166) validation
/// @notice Checks the shape and the check digit of an International Securities Identification Number.
library Isin {
    /// @notice Whether `isin` is 2 letters, 9 letters or digits and a Luhn check digit (letters counted A=10 … Z=35).
    /// @param isin the candidate, e.g. "US0378331005".
    /// @return true when shape and check digit are right.
    function isValid(string memory isin) internal pure returns (bool) {
        bytes memory b = bytes(isin);
        if (b.length != 12) return false;
        if (!_isLetter(b[0]) || !_isLetter(b[1]) || !_isDigit(b[11])) return false;

        // Expand letters to two digits each: at most 11 letters + 1 digit = 23 digits.
        uint8[24] memory digits;
        uint256 n = 0;
        for (uint256 i = 0; i < 12; ++i) {
            bytes1 c = b[i];
            if (_isDigit(c)) {
                digits[n++] = uint8(c) - 48;
            } else if (_isLetter(c)) {
                uint8 v = uint8(c) - 55; // "A" (65) -> 10
                digits[n++] = v / 10;
                digits[n++] = v % 10;
            } else {
                return false;
            }
        }

        // Luhn: from the rightmost digit (the check digit), double every second digit.
        uint256 sum = 0;
        for (uint256 k = 0; k < n; ++k) {
            uint256 d = digits[n - 1 - k];
            if (k % 2 == 1) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    function _isDigit(bytes1 c) private pure returns (bool) {
        return c >= "0" && c <= "9";
    }

    function _isLetter(bytes1 c) private pure returns (bool) {
        return c >= "A" && c <= "Z";
    }
}
